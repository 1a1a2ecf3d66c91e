"""The whole flow on the real seeds: every field filled, offsets exact, gold over silver."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from conftest import ANN, SEEDS

from dataset_builder.cache import SilverCache
from dataset_builder.documents import Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.pipeline import (
    CACHE_STEP,
    GOLD_STEP,
    GROUPS_STEP,
    READ_STEP,
    SHARDS_STEP,
    Annotator,
    PipelineStats,
    PipelineStep,
    StepStats,
    annotator_steps,
    documents,
    run_steps,
    silver_documents,
)
from dataset_builder.schema import DATE_SOURCES, ENTITY_LABELS, LANGUAGES


@pytest.fixture(scope="module")
def final_docs(knowledge: Knowledge) -> list:
    return list(documents(SEEDS, ANN, knowledge))


def test_every_span_of_every_document_matches_its_text(final_docs: list, knowledge: Knowledge) -> None:
    silver = list(silver_documents(SEEDS, knowledge))
    for doc in [*final_docs, *silver]:
        check_spans(doc.text, doc.entities, doc.id)
        assert all(s.label in ENTITY_LABELS for s in doc.entities)
        assert [s.start for s in doc.entities] == sorted(s.start for s in doc.entities)


def test_every_field_is_filled_as_the_contract_says(final_docs: list, knowledge: Knowledge) -> None:
    topics = set(knowledge.topic_ids)
    assert len({d.id for d in final_docs}) == len(final_docs) >= 6
    for doc in final_docs:
        assert doc.language in LANGUAGES and doc.text and doc.seed_file.endswith(".txt")
        assert doc.entities and doc.topics and set(doc.topics) <= topics
        assert (doc.date is None) == (doc.date_source is None)
        assert doc.date_source is None or doc.date_source in DATE_SOURCES
        assert doc.annotation_status in ("gold", "silver")
        assert any(s.entity_id for s in doc.entities)


def test_every_step_counts_what_it_did(knowledge: Knowledge) -> None:
    stats = PipelineStats()
    docs = list(documents(SEEDS, ANN, knowledge, stats=stats))
    silver = list(silver_documents(SEEDS, knowledge))
    assert list(stats) == [READ_STEP, "dates", "entities", "topics", SHARDS_STEP, GOLD_STEP, GROUPS_STEP]
    assert all(step.documents == len(docs) for step in stats.values())
    assert stats[READ_STEP].counters["seed files"] == len(list(SEEDS.glob("*.txt")))
    assert stats[READ_STEP].counters["ar"] == sum(d.language == "ar" for d in docs)
    entities = stats["entities"].counters
    for label in ENTITY_LABELS:
        assert entities[label] == sum(s.label == label for d in silver for s in d.entities)
    assert stats["dates"].counters["undated"] == sum(d.date is None for d in silver)
    assert stats[GOLD_STEP].counters["gold"] == sum(d.annotation_status == "gold" for d in docs) > 0
    assert all(step.seconds >= 0 for step in stats.values())
    assert "entities" in stats.to_text() and "documents" in stats.to_text()


def test_the_annotators_are_one_step_class(knowledge: Knowledge) -> None:
    steps = annotator_steps(knowledge)
    assert [step.name for step in steps] == ["dates", "entities", "topics"]
    assert all(type(step) is Annotator for step in steps)


def test_the_step_table_lists_every_stage_when_the_cache_holds_every_file(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    """A warm run still shows the per-shard stages (with no documents), in the order they run."""
    order = [READ_STEP, "dates", "entities", "topics", CACHE_STEP, GOLD_STEP, GROUPS_STEP]
    for run, read in (("cold", None), ("warm", 0)):
        stats = PipelineStats()
        with SilverCache.open(tmp_path, knowledge) as cache:
            docs = list(documents(SEEDS, ANN, knowledge, cache=cache, stats=stats))
        assert list(stats) == order, run
        assert stats[READ_STEP].documents == (len(docs) if read is None else read), run
        assert stats[CACHE_STEP].documents == stats[GROUPS_STEP].documents == len(docs), run


class _Source(PipelineStep):
    name = "source"

    def __init__(self, docs: list[Document], pause: float) -> None:
        self.docs, self.pause = docs, pause

    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        for doc in self.docs:
            time.sleep(self.pause)
            yield doc


class _PassOn(PipelineStep):
    name = "pass on"

    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        yield from documents


def test_a_step_is_timed_without_the_time_of_the_steps_before_it(final_docs: list) -> None:
    stats = PipelineStats()
    out = list(run_steps([_Source(final_docs[:4], 0.05), _PassOn()], stats))
    assert out == final_docs[:4]
    assert stats["source"].seconds >= 0.2 > 0.05 > stats["pass on"].seconds
    assert stats["source"].documents == stats["pass on"].documents == 4


def test_seed_documents_are_gold_with_dates(final_docs: list) -> None:
    gold_dir = ANN / "documents"
    if not any(gold_dir.glob("*.json")):
        pytest.skip("no gold imported yet")
    for doc in final_docs:
        assert doc.annotation_status == "gold", doc.id
        assert doc.date is not None, doc.id
    by_id = {d.id: d for d in final_docs}
    # weekday-only articles get their date from annotation, never from code
    assert by_id["001_91a43c286490f4bd"].date_source == "annotation"
    assert by_id["003_50d538c61f2444de"].date_source == "header"


def _copy_annotations(tmp_path: Path) -> Path:
    target = tmp_path / "annotations"
    shutil.copytree(ANN, target)
    return target


def _record(doc_id: str, text: str, entities: list[dict]) -> dict:
    return {
        "document_id": doc_id,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "annotations": [
            {
                "annotator": "a@example.org",
                "export": "labelstudio/export-000000000000.json",
                "task_id": 1,
                "annotation_id": 1,
                "created_at": "2026-11-23T12:00:00.000000Z",
                "updated_at": "2026-11-23T12:00:00.000000Z",
                "lead_time": 1.0,
                "ground_truth": False,
                "entities": entities,
                "topics": ["diplomacy"],
                "date": "2024-06-10",
                "date_evidence": "test",
                "language": "ar",
            }
        ],
    }


def test_gold_replaces_silver_and_links_entity_ids(tmp_path: Path) -> None:
    ann = _copy_annotations(tmp_path)
    doc = next(d for d in silver_documents(SEEDS, Knowledge.load(ann)) if d.id == "000_7b0c189a82ed960c-ar")
    start = doc.text.index("بلينكن")
    record = _record(doc.id, doc.text, [{"start": start, "end": start + 6, "text": "بلينكن", "label": "PER"}])
    (ann / "documents").mkdir(exist_ok=True)
    (ann / "documents" / f"{doc.id}.json").write_text(
        json.dumps(record, ensure_ascii=False), encoding="utf-8"
    )
    merged = next(d for d in documents(SEEDS, ann, Knowledge.load(ann)) if d.id == doc.id)
    assert merged.annotation_status == "gold" and merged.topics == ["diplomacy"]
    assert [(s.text, s.entity_id) for s in merged.entities] == [("بلينكن", "antony-blinken")]
    assert (merged.date.isoformat(), merged.date_source) == ("2024-06-10", "annotation")


def test_annotation_for_unknown_document_is_an_error_naming_the_file(tmp_path: Path) -> None:
    ann = _copy_annotations(tmp_path)
    (ann / "documents").mkdir(exist_ok=True)
    bad = ann / "documents" / "999_nope.json"
    bad.write_text(json.dumps(_record("999_nope", "x", [])), encoding="utf-8")
    with pytest.raises(InputError, match="999_nope"):
        list(documents(SEEDS, ann, Knowledge.load(ann)))


def test_annotation_over_changed_text_is_an_error(tmp_path: Path) -> None:
    ann = _copy_annotations(tmp_path)
    (ann / "documents").mkdir(exist_ok=True)
    doc_id = "004_01aeee41cd1430c7"
    (ann / "documents" / f"{doc_id}.json").write_text(
        json.dumps(_record(doc_id, "older text", [])), encoding="utf-8"
    )
    with pytest.raises(InputError, match="annotated text differs"):
        list(documents(SEEDS, ann, Knowledge.load(ann)))


@pytest.mark.slow
def test_worker_processes_give_the_same_stream_and_the_same_errors(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    from dataset_builder.executors import MIN_PARALLEL_SHARDS
    from dataset_builder.pipeline import SHARD_FILES

    min_files = MIN_PARALLEL_SHARDS * SHARD_FILES
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    originals = sorted(SEEDS.glob("*.txt"))
    for i in range(min_files + 10):
        shutil.copy(originals[i % len(originals)], seeds / f"{i:04d}.txt")
    stats = {workers: PipelineStats() for workers in (1, 2)}
    one = list(silver_documents(seeds, knowledge, workers=1, stats=stats[1]))
    two = list(silver_documents(seeds, knowledge, workers=2, stats=stats[2]))
    assert one == two and len(one) > min_files
    counted = [{name: (s.documents, s.counters) for name, s in stats[w].items()} for w in (1, 2)]
    assert counted[0] == counted[1]  # the workers' counters add up to the same figures
    (seeds / "0100.txt").write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match=r"0100\.txt"):
        list(silver_documents(seeds, knowledge, workers=2))
