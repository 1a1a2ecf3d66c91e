"""``text[start:end] == span text`` for every span in every artifact the project writes.

Artifacts: the built ``documents`` and ``ner`` parquet files, the Label Studio tasks (predictions),
and the human annotations kept in ``annotations/documents/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ANN, KNOWLEDGE, PROJECT, SEEDS, TAXONOMY

from dataset_builder.annotations import read_documents
from dataset_builder.build import build
from dataset_builder.labelstudio.parse import resolve_offsets
from dataset_builder.labelstudio.tasks import build_tasks
from dataset_builder.pipeline import silver_documents
from dataset_builder.schema import data_glob, ner_tag_names

TOPIC_IDS = [t.id for t in TAXONOMY]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offsets") / "dist"
    build(PROJECT, out_dir=out, progress=False)
    return out


def _rows(dist: Path, config: str) -> list[dict]:
    return [row for path in sorted(dist.glob(data_glob(config))) for row in pq.read_table(path).to_pylist()]


def test_documents_parquet_spans(dist: Path) -> None:
    rows = _rows(dist, "documents")
    assert rows and sum(len(r["entities"]) for r in rows) > 0
    for row in rows:
        for span in row["entities"]:
            assert row["text"][span["start"] : span["end"]] == span["text"], (row["id"], span)


def test_ner_tokens_point_into_their_documents_and_rebuild_the_spans(dist: Path) -> None:
    docs = {r["id"]: r for r in _rows(dist, "documents")}
    names = ner_tag_names()
    rebuilt: dict[str, set[tuple[int, int, str]]] = {d: set() for d in docs}
    for row in _rows(dist, "ner"):
        text = docs[row["document_id"]]["text"]
        open_span: list | None = None
        for token, start, end, tag in zip(
            row["tokens"], row["token_starts"], row["token_ends"], row["ner_tags"], strict=True
        ):
            assert text[start:end] == token
            name = names[tag]
            if open_span and (name == "O" or name.startswith("B-")):
                rebuilt[row["document_id"]].add(tuple(open_span))
                open_span = None
            if name.startswith("B-"):
                open_span = [start, end, name[2:]]
            elif name.startswith("I-"):
                assert open_span and open_span[2] == name[2:]
                open_span[1] = end
        if open_span:
            rebuilt[row["document_id"]].add(tuple(open_span))
    for doc_id, doc in docs.items():
        assert rebuilt[doc_id] == {(s["start"], s["end"], s["label"]) for s in doc["entities"]}, doc_id


def test_label_studio_predictions_spans() -> None:
    tasks = build_tasks(silver_documents(SEEDS, KNOWLEDGE), "test")
    regions = 0
    for task in tasks:
        text = task["data"]["text"]
        for prediction in task["predictions"]:
            for region in prediction["result"]:
                value = region["value"]
                if "labels" in value:
                    regions += 1
                    assert text[value["start"] : value["end"]] == value["text"]
    assert regions > 0


def test_stored_human_annotations_spans() -> None:
    texts = {d.id: d.text for d in silver_documents(SEEDS, KNOWLEDGE)}
    stored = read_documents(ANN, TOPIC_IDS)
    if not stored:
        pytest.skip("no human annotations imported yet")
    for doc_id, annotated in stored.items():
        for annotation in annotated.annotations:
            for span in annotation.entities:
                assert texts[doc_id][span.start : span.end] == span.text, (doc_id, span)
    for path in (ANN / "labelstudio").glob("export-*.json"):
        for task in json.loads(path.read_text(encoding="utf-8")):
            for annotation in task.get("annotations", []):
                for region in annotation["result"]:
                    value = region.get("value", {})
                    if "labels" in value:
                        assert task["data"]["text"][value["start"] : value["end"]] == value["text"]


FLAGS = "🇪🇬🇪🇬🇪🇬 Egypt Egypt and Cairo"


def test_offsets_readable_two_ways_are_refused_not_guessed() -> None:
    """Case 4: 13:18 are the second 'Egypt' in code points and the first in UTF-16 units; the
    importer used to take the code-point reading (or UTF-16 when that matched first) silently."""
    second = FLAGS.index("Egypt", FLAGS.index("Egypt") + 1)
    found = resolve_offsets(FLAGS, second, second + 5, "Egypt")
    assert isinstance(found, str) and "ambiguous" in found and f"{FLAGS.index('Egypt')}:" in found
    first = FLAGS.index("Egypt")  # the first one: no other reading lands on 'Egypt'
    assert resolve_offsets(FLAGS, first, first + 5, "Egypt") == (first, first + 5)
    utf16 = len(FLAGS[:second].encode("utf-16-le")) // 2  # UTF-16 units are not read at all
    assert isinstance(resolve_offsets(FLAGS, utf16, utf16 + 5, "Egypt"), str)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Cafe\u0301 noir", 0, 4),  # NFD é: the span ends between the e and its acute accent
        ("Cafe\u0301 noir", 4, 10),  # starts on the combining mark
        ("\u0645\u064f\u062d\u064e\u0645\u064e\u0651\u062f", 0, 3),  # Arabic: a letter without its harakah
        (FLAGS, 1, 2),  # half a flag
    ],
)
def test_a_span_may_not_split_a_letter_from_its_combining_marks(text: str, start: int, end: int) -> None:
    """Case 10: a span ending between a base letter and its combining mark (NFD) was accepted."""
    found = resolve_offsets(text, start, end, text[start:end])
    assert isinstance(found, str) and "split a character" in found


def test_whole_graphemes_are_accepted() -> None:
    assert resolve_offsets("Cafe\u0301 noir", 0, 5, "Cafe\u0301") == (0, 5)
    assert resolve_offsets(FLAGS, 0, 2, "🇪🇬") == (0, 2)
