"""Tasks → (simulated) Label Studio export → import → gold, and every way an export can be wrong."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ANN, KNOWLEDGE, SEEDS, TAXONOMY

from dataset_builder import annotations
from dataset_builder.documents import Document, Span
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import config, parse, tasks
from dataset_builder.labelstudio.importer import import_export, import_tasks
from dataset_builder.labelstudio.parse import resolve_offsets
from dataset_builder.pipeline import silver_documents
from tests.support import oracles

TOPIC_IDS = [t.id for t in TAXONOMY]

EN_TEXT = (
    "Cairo 😀 — Antony Blinken met Abdel Fattah al-Sisi in Cairo on 6 February 2024.\r\n"
    "The talks 🇪🇬 covered Gaza."
)
AR_TEXT = "استقبل الرئيس عبد الفتاح السيسي وزير الخارجية الأمريكي أنتوني بلينكن في القاهرة."


def _span(text: str, needle: str, label: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), needle, label)


def make_documents() -> list[Document]:
    """Two hand-made silver documents (English with astral characters and CRLF, Arabic)."""
    en = Document(
        id="900_test-en",
        seed_file="900_test.txt",
        language="en",
        text=EN_TEXT,
        seed_start=0,
        seed_end=len(EN_TEXT),
        title="Blinken in Cairo",
        date=dt.date(2024, 2, 6),
        date_source="text",
        date_evidence="6 February 2024",
        entities=[
            _span(EN_TEXT, "Cairo", "LOC"),
            _span(EN_TEXT, "Antony Blinken", "PER"),
            _span(EN_TEXT, "Abdel Fattah al-Sisi", "PER"),
            _span(EN_TEXT, "Cairo", "LOC", nth=1),
            _span(EN_TEXT, "Gaza", "LOC"),
        ],
        topics=["diplomacy", "peace_process"],
    )
    ar = Document(
        id="900_test-ar",
        seed_file="900_test.txt",
        language="ar",
        text=AR_TEXT,
        seed_start=0,
        seed_end=len(AR_TEXT),
        entities=[
            _span(AR_TEXT, "عبد الفتاح السيسي", "PER"),
            _span(AR_TEXT, "أنتوني بلينكن", "PER"),
            _span(AR_TEXT, "القاهرة", "LOC"),
        ],
        topics=["diplomacy"],
    )
    return [ar, en]


def fake_export(
    task_list: list[dict[str, Any]],
    annotator: Any = None,
    first_id: int = 1,
    updated_at: str = "2026-11-23T12:01:00.000000Z",
) -> list[dict[str, Any]]:
    """What Label Studio exports after an annotator submitted every prediction unchanged."""
    exported = []
    for i, task in enumerate(task_list):
        result = copy.deepcopy(task["predictions"][0]["result"])
        annotation = {
            "id": first_id + i,
            "completed_by": annotator
            or {"id": 1, "email": "ann1@example.org", "first_name": "", "last_name": ""},
            "result": result,
            "was_cancelled": False,
            "ground_truth": False,
            "created_at": "2026-11-23T12:00:00.000000Z",
            "updated_at": updated_at,
            "lead_time": 42.5,
            "prediction": {},
            "result_count": 0,
        }
        exported.append(
            {
                "id": 100 + i,
                "data": task["data"],
                "annotations": [annotation],
                "predictions": [],
                "drafts": [],
            }
        )
    return exported


@pytest.fixture
def ann_dir(tmp_path: Path) -> Path:
    """A private copy of the project's knowledge files (taxonomy) with no annotations yet."""
    target = tmp_path / "annotations"
    target.mkdir()
    shutil.copy(ANN / "taxonomy.json", target / "taxonomy.json")
    return target


def run_import(export: list[dict[str, Any]], ann_dir: Path, docs: list[Document] | None = None):
    raw = json.dumps(export, ensure_ascii=False).encode("utf-8")
    documents = {d.id: d for d in (docs or make_documents())}
    return import_tasks(export, raw, documents, ann_dir, TOPIC_IDS, source="export.json")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_tasks_carry_identity_direction_and_predictions() -> None:
    docs = make_documents()
    built = tasks.build_tasks(docs, "v1")
    assert [t["data"]["document_id"] for t in built] == [d.id for d in docs]
    ar, en = built
    assert ar["data"]["direction"] == "rtl" and en["data"]["direction"] == "ltr"
    sha = annotations.text_sha256(EN_TEXT)
    assert en["data"]["task_key"] == f"900_test-en:{sha[:16]}" and en["data"]["text_sha256"] == sha
    result = en["predictions"][0]["result"]
    assert en["predictions"][0]["model_version"] == "v1"
    spans = [r["value"] for r in result if r["type"] == "labels"]
    assert all(EN_TEXT[v["start"] : v["end"]] == v["text"] for v in spans)
    assert {r["from_name"] for r in result} <= {
        config.ENTITIES,
        config.TOPICS,
        config.LANGUAGE,
        config.DATE,
        config.DATE_EVIDENCE,
    }
    assert [r["value"] for r in result if r["type"] == "datetime"] == [{"datetime": "2024-02-06"}]
    assert tasks.tasks_json(built) == tasks.tasks_json(tasks.build_tasks(docs, "v1"))


def test_model_version_follows_the_knowledge_files(tmp_path: Path) -> None:
    folder = tmp_path / "annotations"
    shutil.copytree(ANN, folder, ignore=shutil.ignore_patterns("documents", "labelstudio"))
    before = tasks.model_version(Knowledge.load(folder))
    assert before.startswith("dataset_builder-") and before == tasks.model_version(Knowledge.load(folder))
    entities = json.loads((folder / "entities.json").read_text(encoding="utf-8"))
    entities["entities"] = entities["entities"][1:]
    (folder / "entities.json").write_text(json.dumps(entities), encoding="utf-8")
    assert tasks.model_version(Knowledge.load(folder)) != before


def test_round_trip_gold_equals_silver_and_reimport_is_byte_identical(ann_dir: Path) -> None:
    docs = make_documents()
    export = fake_export(tasks.build_tasks(docs, "v1"))
    report = run_import(export, ann_dir)
    assert report.annotations == 2 and sorted(report.written) == sorted(d.id for d in docs)
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)
    for doc in docs:
        g = gold[doc.id]
        assert g.rule == "single" and g.disagreements == ()
        assert g.entities == annotations.sort_spans(doc.entities)
        assert list(g.topics) == doc.topics and g.date == doc.date
        assert g.date_evidence == doc.date_evidence and g.language == doc.language
        assert g.text_sha256 == annotations.text_sha256(doc.text)
    stored = json.loads((ann_dir / "documents" / "900_test-en.json").read_text(encoding="utf-8"))
    assert stored["annotations"][0]["annotator"] == "ann1@example.org"
    export_file = ann_dir / report.export
    assert export_file.read_bytes() == json.dumps(export, ensure_ascii=False).encode("utf-8")

    before = snapshot(ann_dir)
    again = run_import(export, ann_dir)
    assert snapshot(ann_dir) == before
    assert again.written == () and sorted(again.unchanged) == sorted(d.id for d in docs)


def test_newer_annotation_wins_and_other_annotators_are_kept(ann_dir: Path) -> None:
    task_list = tasks.build_tasks(make_documents(), "v1")
    first = fake_export(task_list)
    run_import(first, ann_dir)
    newer = fake_export(task_list, updated_at="2026-11-24T09:00:00.000000Z")
    for task in newer:
        task["annotations"][0]["result"] = [
            r
            for r in task["annotations"][0]["result"]
            if r["type"] != "choices" or r["from_name"] != config.TOPICS
        ]
    other = fake_export(task_list, annotator=7, first_id=50)
    run_import(newer + other, ann_dir)
    stored = json.loads((ann_dir / "documents" / "900_test-en.json").read_text(encoding="utf-8"))
    by_id = {a["annotation_id"]: a for a in stored["annotations"]}
    assert sorted(by_id) == [2, 51]
    assert by_id[2]["topics"] == [] and by_id[2]["updated_at"].startswith("2026-11-24")
    assert by_id[51]["annotator"] == "user-7"

    before = snapshot(ann_dir / "documents")
    report = run_import(first, ann_dir)  # the older export again: the newer annotations stay
    assert report.superseded == 2 and snapshot(ann_dir / "documents") == before


def test_cancelled_annotations_are_skipped(ann_dir: Path) -> None:
    export = fake_export(tasks.build_tasks(make_documents(), "v1"))
    export[0]["annotations"][0]["was_cancelled"] = True
    report = run_import(export, ann_dir)
    assert report.cancelled == 1 and report.written == ("900_test-en",)
    assert not (ann_dir / "documents" / "900_test-ar.json").exists()


def _entity_region(export: list[dict[str, Any]], task: int = 1, index: int = 1) -> dict[str, Any]:
    return [r for r in export[task]["annotations"][0]["result"] if r["type"] == "labels"][index]


def test_utf16_offsets_are_refused_naming_the_task_and_region(ann_dir: Path) -> None:
    """The editor saves code points (tests/labelstudio/test_editor_rtl.py): UTF-16 offsets are not guessed at."""
    docs = make_documents()
    export = fake_export(tasks.build_tasks(docs, "v1"))
    text = export[1]["data"]["text"]
    v = _entity_region(export)["value"]
    v["start"] = len(text[: v["start"]].encode("utf-16-le")) // 2
    v["end"] = len(text[: v["end"]].encode("utf-16-le")) // 2
    assert v["start"] != docs[1].entities[1].start  # the emoji shifts UTF-16
    _assert_rejected(export, ann_dir, f"offsets {v['start']}:{v['end']} (code points", "region")


def test_resolve_offsets_reads_code_points_only_and_handles_newlines() -> None:
    text = "a😀b\r\nCairo"
    start = text.index("Cairo")
    assert resolve_offsets(text, start, start + 5, "Cairo") == (start, start + 5)
    utf16 = len(text[:start].encode("utf-16-le")) // 2
    assert "the region says 'Cairo'" in resolve_offsets(text, utf16, utf16 + 5, "Cairo")
    assert resolve_offsets(text, 2, 7, "b\n\nCa") == (2, 7)  # the editor shows \r\n as two line breaks
    assert "the region says 'x'" in resolve_offsets(text, 1, 2, "x")
    assert "nothing (the text has 10 characters)" in resolve_offsets(text, 0, 99, None)


FLAGS_TEXT = "🇪🇬🇪🇬🇪🇬 Egypt Egypt and Cairo"
"""The second 'Egypt' in code points is the first in UTF-16 units; 'Cairo' reads as code points only."""


def _flags_export(
    entities: list[tuple[str, int]], model_version: str
) -> tuple[list[dict[str, Any]], Document]:
    """An export whose annotator submitted the builder's prediction of ``entities`` (surface, nth) as is,
    with the prediction exported in full under ``model_version``, as a pull exports it."""
    doc = Document(
        id="901_flags-en",
        seed_file="901_flags.txt",
        language="en",
        text=FLAGS_TEXT,
        seed_start=0,
        seed_end=len(FLAGS_TEXT),
        entities=[_span(FLAGS_TEXT, surface, "LOC", nth) for surface, nth in entities],
    )
    (task,) = tasks.build_tasks([doc], model_version)
    (exported,) = fake_export([task])
    exported["predictions"] = [{"id": 7, "task": exported["id"], **task["predictions"][0]}]
    return [exported], doc


def test_an_accepted_prediction_readable_two_ways_is_taken_as_the_builders_code_points(ann_dir: Path) -> None:
    """The builder writes its predictions in code points: accepting one is not ambiguous."""
    export, doc = _flags_export([("Egypt", 1)], tasks.MODEL_VERSION_PREFIX + "1.0+abc")
    run_import(export, ann_dir, [doc])
    (stored,) = annotations.read_documents(ann_dir, TOPIC_IDS)["901_flags-en"].annotations
    assert [(s.start, s.end) for s in stored.entities] == [(doc.entities[0].start, doc.entities[0].end)]
    assert FLAGS_TEXT[stored.entities[0].start : stored.entities[0].end] == "Egypt"


def test_another_model_s_prediction_does_not_settle_an_ambiguous_region(ann_dir: Path) -> None:
    export, doc = _flags_export([("Egypt", 1)], "someone-else-1.0")
    second = doc.entities[0].start
    _assert_rejected(
        export, ann_dir, f"offsets {second}:{second + 5} are ambiguous", "region entity-0", docs=[doc]
    )


def test_a_region_readable_only_as_code_points_settles_the_others_of_its_annotation(ann_dir: Path) -> None:
    export, doc = _flags_export([("Egypt", 1), ("Cairo", 0)], "someone-else-1.0")
    run_import(export, ann_dir, [doc])
    (stored,) = annotations.read_documents(ann_dir, TOPIC_IDS)["901_flags-en"].annotations
    assert [FLAGS_TEXT[s.start : s.end] for s in stored.entities] == ["Egypt", "Cairo"]
    assert stored.entities[0].start == FLAGS_TEXT.index("Egypt", FLAGS_TEXT.index("Egypt") + 1)


def _assert_rejected(export: list[dict[str, Any]], ann_dir: Path, *fragments: str, docs=None) -> None:
    (ann_dir / "documents").mkdir(exist_ok=True)
    (ann_dir / "documents" / "keep.txt").write_text("untouched", encoding="utf-8")
    before = snapshot(ann_dir)
    with pytest.raises(InputError) as err:
        run_import(export, ann_dir, docs)
    assert "export.json" in str(err.value)
    for fragment in fragments:
        assert fragment in str(err.value)
    assert snapshot(ann_dir) == before, "a rejected export must write nothing"


def _valid_export() -> list[dict[str, Any]]:
    return fake_export(tasks.build_tasks(make_documents(), "v1"))


def test_bad_offsets_are_rejected(ann_dir: Path) -> None:
    export = _valid_export()
    _entity_region(export)["value"].update(start=400, end=410)
    _assert_rejected(export, ann_dir, "task 101", "annotation 2", "region entity-1", "400:410")


def test_span_text_mismatch_is_rejected(ann_dir: Path) -> None:
    export = _valid_export()
    _entity_region(export)["value"]["text"] = "Tony Blinken"
    _assert_rejected(export, ann_dir, "task 101", "annotation 2", "region entity-1", "Tony Blinken")


def test_unknown_label_is_rejected(ann_dir: Path) -> None:
    export = _valid_export()
    _entity_region(export)["value"]["labels"] = ["PERSON"]
    _assert_rejected(export, ann_dir, "region entity-1", "unknown label 'PERSON'")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (config.TOPICS, {"choices": ["sports"]}, "unknown topic 'sports'"),
        (config.LANGUAGE, {"choices": ["fr"]}, "unknown language 'fr'"),
        (config.DATE, {"datetime": "2024-02-30"}, "invalid date '2024-02-30'"),
        (config.DATE, {"datetime": "06/02/2024"}, "invalid date '06/02/2024'"),
    ],
)
def test_unknown_choices_and_bad_dates_are_rejected(
    ann_dir: Path, name: str, value: dict, message: str
) -> None:
    export = _valid_export()
    region = next(r for r in export[1]["annotations"][0]["result"] if r["from_name"] == name)
    region["value"] = value
    _assert_rejected(export, ann_dir, "task 101", "annotation 2", f"region {region['id']}", message)


def test_unknown_control_is_rejected(ann_dir: Path) -> None:
    export = _valid_export()
    export[0]["annotations"][0]["result"].append(
        {
            "id": "x1",
            "from_name": "sentiment",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": ["a"]},
        }
    )
    _assert_rejected(export, ann_dir, "task 100", "annotation 1", "region x1", "unknown control 'sentiment'")


def test_a_task_whose_document_is_gone_is_reported_and_the_rest_still_imports(ann_dir: Path) -> None:
    """Before: one removed seed made the whole export fail. Now: its task is named, the others import."""
    export = fake_export(tasks.build_tasks(make_documents(), "v1"))
    export[0]["data"] = {**export[0]["data"], "document_id": "999_gone"}
    report = run_import(export, ann_dir)
    assert report.unknown_documents == ["task 100: document '999_gone'"]
    assert report.written == ("900_test-en",)
    assert "1 tasks skipped, their document is no longer among the seeds" in report.summary()


def test_changed_text_reanchors_spans_that_still_occur(ann_dir: Path) -> None:
    docs = make_documents()
    export = fake_export(tasks.build_tasks(docs, "v1"))
    changed = docs[1].with_(text="UPDATED: " + EN_TEXT)
    report = run_import(export, ann_dir, [docs[0], changed])
    assert report.reanchored == len(docs[1].entities)
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["900_test-en"]
    assert gold.text_sha256 == annotations.text_sha256(changed.text)
    assert all(changed.text[s.start : s.end] == s.text for s in gold.entities)
    assert [s.start for s in gold.entities] == sorted(s.start + 9 for s in docs[1].entities)


def test_changed_text_without_the_span_is_rejected(ann_dir: Path) -> None:
    docs = make_documents()
    export = fake_export(tasks.build_tasks(docs, "v1"))
    changed = docs[1].with_(text=EN_TEXT.replace("Antony Blinken", "the Secretary"))
    _assert_rejected(
        export, ann_dir, "region entity-1", "cannot re-anchor 'Antony Blinken'", docs=[docs[0], changed]
    )


def test_malformed_json_names_the_file(tmp_path: Path, ann_dir: Path, knowledge: Knowledge) -> None:
    bad = tmp_path / "export.json"
    bad.write_text('[{"id": 1,\n "data": }]', encoding="utf-8")
    with pytest.raises(InputError, match=r"export\.json: line 2"):
        import_export(bad, silver_documents(tmp_path / "seeds", knowledge), ann_dir, knowledge)
    assert not (ann_dir / "documents").exists()


def test_real_seeds_round_trip(tmp_path: Path) -> None:
    """The real pipeline's silver documents survive the round trip unchanged."""
    pipeline = pytest.importorskip("dataset_builder.pipeline")
    ann_dir = tmp_path / "annotations"
    shutil.copytree(ANN, ann_dir, ignore=shutil.ignore_patterns("documents", "labelstudio"))
    seeds = SEEDS
    knowledge = Knowledge.load(ann_dir)
    docs = list(pipeline.silver_documents(seeds, knowledge))
    export_path = tmp_path / "export.json"
    export_path.write_text(json.dumps(fake_export(tasks.build_tasks(docs, "v1"))), encoding="utf-8")
    report = import_export(export_path, silver_documents(seeds, knowledge), ann_dir, knowledge)
    assert report.annotations == len(docs)
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)
    for doc in docs:
        assert gold[doc.id].entities == annotations.sort_spans(
            Span(s.start, s.end, s.text, s.label) for s in doc.entities
        )
        assert gold[doc.id].topics == annotations.sort_topics(doc.topics, TOPIC_IDS)
        assert gold[doc.id].date == doc.date


def test_stored_annotations_follow_a_changed_text(ann_dir: Path) -> None:
    docs = make_documents()
    run_import(fake_export(tasks.build_tasks(docs, "v1")), ann_dir)
    moved = [Span(s.start + 9, s.end + 9, s.text, s.label) for s in docs[1].entities]
    changed = [docs[0], docs[1].with_(text="UPDATED: " + EN_TEXT, entities=moved)]
    later = fake_export(tasks.build_tasks(changed, "v1"), annotator=9, first_id=20)
    report = run_import(later, ann_dir, changed)
    assert report.reanchored == 0  # the new annotations were made on the new text
    stored = annotations.read_documents(ann_dir, TOPIC_IDS)["900_test-en"]
    assert stored.text_sha256 == annotations.text_sha256(changed[1].text)
    first, second = sorted(stored.annotations, key=lambda a: a.annotation_id)
    assert first.annotator == "ann1@example.org" and first.entities == second.entities


def test_duplicate_annotation_ids_are_rejected(ann_dir: Path) -> None:
    export = _valid_export()
    export[1]["annotations"][0]["id"] = export[0]["annotations"][0]["id"]
    _assert_rejected(export, ann_dir, "task 101", "annotation 1", "id also used in task 100")


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio"


def test_realistic_export_with_two_annotators_and_a_cancelled_one(ann_dir: Path) -> None:
    """A full Label Studio export (all its bookkeeping fields) of the English document."""
    from dataset_builder.agreement import compute_agreement

    raw = (FIXTURES / "export-two-annotators.json").read_bytes()
    docs = {d.id: d for d in make_documents()}
    report = import_tasks(json.loads(raw), raw, docs, ann_dir, TOPIC_IDS, source="fixture")
    assert (report.tasks, report.annotations, report.cancelled) == (1, 2, 1)
    stored = annotations.read_documents(ann_dir, TOPIC_IDS)
    assert sorted(a.annotator for a in stored["900_test-en"].annotations) == [
        "reviewer@example.org",
        "user-10",
    ]
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["900_test-en"]
    silver = docs["900_test-en"]
    assert gold.rule == "ground_truth" and list(gold.topics) == silver.topics
    assert gold.entities == annotations.sort_spans(silver.entities)
    agreement = compute_agreement(stored, TOPIC_IDS)
    assert agreement.entities_exact["micro"] == 1.0 and agreement.date_agreement == 1.0
    assert agreement.disagreements == {"900_test-en": ["topic peace_process: only reviewer@example.org"]}


# --- re-anchoring onto a changed text: every span moves with its own characters, or the import fails ---

NEWS = "Egypt and Egypt hosted the talks. The UN said aid would follow."
"""Two mentions of Egypt and one of the UN, all annotated."""


def _news_doc(text: str = NEWS) -> Document:
    entities = [_span(NEWS, "Egypt", "LOC"), _span(NEWS, "Egypt", "LOC", nth=1), _span(NEWS, "UN", "ORG")]
    return Document(
        id="901_news-en",
        seed_file="901_news.txt",
        language="en",
        text=text,
        seed_start=0,
        seed_end=len(text),
        entities=entities if text == NEWS else [],
        topics=["diplomacy"],
    )


def test_a_sentence_inserted_before_the_spans_moves_each_to_its_own_mention(ann_dir: Path) -> None:
    """The tester's case: nearest-occurrence search put ``UN`` inside ``UNRWA`` and both Egypts on one."""
    export = fake_export(tasks.build_tasks([_news_doc()], "v1"))
    inserted = "Greater "  # shifts both Egypts by 8: the first new Egypt is nearest to both old ones
    changed = _news_doc(inserted + NEWS.replace("The UN said", "UNRWA warned. The UN said"))
    report = run_import(export, ann_dir, [changed])
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["901_news-en"]
    text = changed.text
    expected = [
        (text.index("Egypt"), "Egypt", "LOC"),
        (text.index("Egypt", text.index("Egypt") + 1), "Egypt", "LOC"),
        (text.index("The UN") + 4, "UN", "ORG"),
    ]
    assert [(s.start, s.text, s.label) for s in gold.entities] == expected
    assert all(text[s.start : s.end] == s.text for s in gold.entities)
    # each move is reported: document, annotation, annotator, label, text, old -> new offsets
    assert report.reanchored == 3
    summary = report.summary()
    old_un = NEWS.index("UN")
    new_un = expected[2][0]
    assert "901_news-en: annotation 1 by ann1@example.org (task 100): ORG 'UN' " in summary
    assert f"{old_un}:{old_un + 2} -> {new_un}:{new_un + 2}" in summary


@pytest.mark.parametrize(
    ("edit", "region"),
    [
        (lambda t: t.replace("Egypt and ", "", 1), "region entity-0"),  # which Egypt is left? ambiguous
        (lambda t: t.replace("The UN said", "The UNRWA said"), "region entity-2"),  # UN is now UNRWA
        (lambda t: t.replace("Egypt hosted", "Egyptians hosted"), "region entity-1"),  # another word
        (lambda t: t.replace("Egypt hosted", "Egpyt hosted"), "region entity-1"),  # the mention was edited
    ],
)
def test_a_span_whose_place_is_not_certain_is_refused_naming_task_annotation_and_region(
    ann_dir: Path, edit, region: str
) -> None:
    export = fake_export(tasks.build_tasks([_news_doc()], "v1"))
    changed = _news_doc(edit(NEWS))
    _assert_rejected(export, ann_dir, "task 100", "annotation 1 by ann1@example.org", region, docs=[changed])


def test_a_changed_task_without_its_text_is_refused(ann_dir: Path) -> None:
    export = fake_export(tasks.build_tasks([_news_doc()], "v1"))
    del export[0]["data"]["text"]
    changed = _news_doc("Update. " + NEWS)
    _assert_rejected(export, ann_dir, "task 100", "region entity-0", "the task has no text", docs=[changed])


def test_stored_annotations_move_with_their_text_and_each_move_is_reported(ann_dir: Path) -> None:
    run_import(fake_export(tasks.build_tasks([_news_doc()], "v1")), ann_dir, [_news_doc()])
    changed = _news_doc("Greater " + NEWS)
    later = fake_export(tasks.build_tasks([changed], "v1"), annotator=9, first_id=20)
    report = run_import(later, ann_dir, [changed])
    stored = annotations.read_documents(ann_dir, TOPIC_IDS)["901_news-en"]
    first = next(a for a in stored.annotations if a.annotator == "ann1@example.org")
    assert [(s.start, s.end) for s in first.entities] == [
        (s.start + 8, s.end + 8) for s in _news_doc().entities
    ]
    moves = [m for m in report.moved if m.stored]
    assert len(moves) == 3 and report.reanchored == 0
    assert (
        "stored annotation 1 by ann1@example.org (task 100, Label Studio export): LOC 'Egypt' 0:5 -> 8:13"
        in (report.summary())
    )


def test_stored_annotations_that_cannot_follow_their_text_fail_the_import(ann_dir: Path) -> None:
    run_import(fake_export(tasks.build_tasks([_news_doc()], "v1")), ann_dir, [_news_doc()])
    changed = _news_doc(NEWS.replace("Egypt and ", "", 1))
    later = fake_export(tasks.build_tasks([changed], "v1"), annotator=9, first_id=20)
    _assert_rejected(
        later, ann_dir, "901_news-en.json", "annotation 1 by ann1@example.org", "entity 0", docs=[changed]
    )


def test_stored_annotations_whose_old_text_is_nowhere_are_not_guessed(ann_dir: Path) -> None:
    run_import(fake_export(tasks.build_tasks([_news_doc()], "v1")), ann_dir, [_news_doc()])
    for export_file in (ann_dir / "labelstudio").glob("export-*.json"):
        export_file.unlink()
    changed = _news_doc("Greater " + NEWS)
    later = fake_export(tasks.build_tasks([changed], "v1"), annotator=9, first_id=20)
    _assert_rejected(
        later, ann_dir, "901_news-en.json", "the text these annotations were made on", docs=[changed]
    )


# --- what the build rejects, the import rejects: one validation, naming task, annotation and region ---


def _with_regions(*regions: tuple[int, int, str]) -> list[dict[str, Any]]:
    """The news export with its entity regions replaced by ``(start, end, label)`` selections."""
    export = fake_export(tasks.build_tasks([_news_doc()], "v1"))
    result = export[0]["annotations"][0]["result"]
    result[:] = [r for r in result if r["type"] != "labels"]
    for i, (start, end, label) in enumerate(regions):
        value = {"start": start, "end": end, "text": NEWS[start:end], "labels": [label]}
        result.append(
            {"id": f"r{i}", "from_name": config.ENTITIES, "to_name": "text", "type": "labels", "value": value}
        )
    return export


@pytest.mark.parametrize(
    ("regions", "fragments"),
    [
        ([(0, 5, "LOC"), (2, 9, "LOC")], ("region r1", "overlaps region r0")),
        ([(0, 5, "LOC"), (0, 5, "ORG")], ("region r1", "has two labels (LOC, ORG)")),
        ([(0, 5, "LOC"), (0, 5, "LOC")], ("region r1", "is listed twice")),
        ([(0, 6, "LOC")], ("region r0", "'Egypt '", "starts or ends with whitespace")),
        ([(5, 6, "LOC")], ("region r0", "is only whitespace")),
    ],
)
def test_spans_the_build_would_reject_are_refused_at_import(
    ann_dir: Path, regions: list[tuple[int, int, str]], fragments: tuple[str, ...]
) -> None:
    export = _with_regions(*regions)
    _assert_rejected(
        export, ann_dir, "task 100", "annotation 1 by ann1@example.org", *fragments, docs=[_news_doc()]
    )


def test_every_span_the_import_accepts_the_build_accepts(ann_dir: Path) -> None:
    export = _with_regions((0, 5, "LOC"), (10, 15, "LOC"), (38, 40, "ORG"))
    run_import(export, ann_dir, [_news_doc()])
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["901_news-en"]
    doc = annotations.apply_gold(_news_doc(), gold, KNOWLEDGE, ann_dir)
    rows = list(oracles.ner_rows(oracles.document_row(doc)))
    assert sum(tag.startswith("B-") for row in rows for tag in row["ner_tags"]) == 3


# --- annotation identity: a Label Studio id restarts at 1 on every server ---


def _lead_export(**changes: Any) -> list[dict[str, Any]]:
    export = fake_export(
        tasks.build_tasks([_news_doc()], "v1"), annotator={"id": 1, "email": "lead@example.org"}
    )
    export[0]["annotations"][0].update(ground_truth=True, **changes)
    export[0]["project"] = 1
    return export


def test_an_export_from_a_fresh_server_never_replaces_the_leads_ground_truth(ann_dir: Path) -> None:
    run_import(_lead_export(unique_id="11111111-aaaa-4aaa-8aaa-000000000001"), ann_dir, [_news_doc()])
    lead_file = (ann_dir / "documents" / "901_news-en.json").read_text(encoding="utf-8")
    fresh = fake_export(
        tasks.build_tasks([_news_doc()], "v1"), updated_at="2026-12-01T09:00:00.000000Z"
    )  # annotation id 1 again, task 100 again, another annotator, created later
    fresh[0]["annotations"][0].update(
        created_at="2026-12-01T08:00:00.000000Z", unique_id="22222222-bbbb-4bbb-8bbb-000000000001"
    )
    fresh[0]["annotations"][0]["result"] = [
        r for r in fresh[0]["annotations"][0]["result"] if r["type"] != "labels"
    ]
    report = run_import(fresh, ann_dir, [_news_doc()])
    stored = annotations.read_documents(ann_dir, TOPIC_IDS)["901_news-en"]
    assert sorted((a.annotator, a.annotation_id) for a in stored.annotations) == [
        ("ann1@example.org", 1),
        ("lead@example.org", 1),
    ]
    lead = next(a for a in stored.annotations if a.annotator == "lead@example.org")
    assert lead.ground_truth and len(lead.entities) == 3 and lead.origin == "Label Studio export, project 1"
    assert json.loads(lead_file)["annotations"][0] == lead.to_json()
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["901_news-en"]
    assert gold.rule == "ground_truth" and len(gold.entities) == 3
    assert report.updated == 0 and report.annotations == 1


def test_a_reviewers_correction_of_a_ground_truth_supersedes_it_and_other_tasks_import(ann_dir: Path) -> None:
    """Before: a conflict error that blocked every task of the export. Now: the newer version is kept."""
    run_import(_lead_export(), ann_dir, [_news_doc()])
    edited = _lead_export(updated_at="2026-12-01T09:00:00.000000Z")
    result = edited[0]["annotations"][0]["result"]
    result[:] = [r for r in result if r["type"] != "labels" or r["value"]["text"] != "UN"]
    report = run_import(edited, ann_dir, [_news_doc()])
    assert report.corrected_ground_truths == 1 and report.updated == 1
    assert "1 ground truths corrected in Label Studio" in report.summary()
    (lead,) = annotations.read_documents(ann_dir, TOPIC_IDS)["901_news-en"].annotations
    assert lead.ground_truth and "UN" not in [s.text for s in lead.entities]
    assert lead.updated_at == "2026-12-01T09:00:00.000000Z"


# --- the server follows the project: cancelled and deleted annotations are withdrawn ---

SERVER = "Label Studio at http://127.0.0.1:1"


def _pull(export: list[dict[str, Any]], ann_dir: Path, project: int = 1, **kwargs: Any):
    """An import as a pull makes it: the complete export of one project of one server."""
    for task in export:
        task["project"] = project
    raw = json.dumps(export, ensure_ascii=False).encode("utf-8")
    documents = {d.id: d for d in make_documents()}
    return import_tasks(
        export,
        raw,
        documents,
        ann_dir,
        TOPIC_IDS,
        source="pull",
        origin=SERVER,
        complete_for=parse.project_origin(SERVER, project),
        **kwargs,
    )


def test_cancelled_or_deleted_annotations_are_withdrawn_from_their_own_origin_only(ann_dir: Path) -> None:
    task_list = tasks.build_tasks(make_documents(), "v1")
    both = fake_export(task_list) + fake_export(task_list, annotator=7, first_id=50)
    _pull(copy.deepcopy(both), ann_dir)
    run_import(fake_export(task_list, annotator=9, first_id=80), ann_dir)  # a file import: another origin

    def ids(d: str) -> list[int]:
        return sorted(a.annotation_id for a in annotations.read_documents(ann_dir, TOPIC_IDS)[d].annotations)

    assert ids("900_test-en") == [2, 51, 81] and ids("900_test-ar") == [1, 50, 80]

    later = copy.deepcopy(both)
    later[0]["annotations"][0]["was_cancelled"] = True  # annotation 1 (ar) cancelled
    del later[3]  # annotation 51 (en) deleted
    report = _pull(later, ann_dir)
    assert ids("900_test-ar") == [50, 80] and ids("900_test-en") == [2, 81]
    assert [w.split(" (")[0] for w in report.withdrawn] == [
        "900_test-ar: annotation 1 by ann1@example.org",
        "900_test-en: annotation 51 by user-7",
    ]
    assert "2 stored annotations withdrawn (cancelled or deleted in Label Studio)" in report.summary()
    # everything deleted on the server: the file keeps only the other origin's annotation
    report = _pull([], ann_dir)
    assert ids("900_test-ar") == [80] and ids("900_test-en") == [81] and len(report.withdrawn) == 2
    # another project of the same server never withdraws this one's
    assert _pull([], ann_dir, project=2).withdrawn == []


def test_pseudonymous_annotators_are_stable_and_the_mapping_stays_out_of_annotations(
    tmp_path: Path, ann_dir: Path
) -> None:
    task_list = tasks.build_tasks(make_documents(), "v1")
    mapping = tmp_path / ".cache" / "annotators.json"
    export = fake_export(task_list, annotator={"id": 3, "email": "zed@example.org"}) + fake_export(
        task_list, annotator={"id": 4, "email": "amy@example.org"}, first_id=50
    )
    _pull(copy.deepcopy(export), ann_dir, pseudonyms=annotations.Pseudonyms.load(mapping, ann_dir))
    stored = annotations.read_documents(ann_dir, TOPIC_IDS)
    assert {a.annotator for d in stored.values() for a in d.annotations} == {"annotator-1", "annotator-2"}
    assert "@" not in "".join(p.read_text(encoding="utf-8") for p in (ann_dir / "documents").glob("*.json"))
    assert json.loads(mapping.read_text(encoding="utf-8")) == {
        "zed@example.org": "annotator-1",
        "amy@example.org": "annotator-2",
    }
    before = snapshot(ann_dir / "documents")
    report = _pull(copy.deepcopy(export), ann_dir, pseudonyms=annotations.Pseudonyms.load(mapping, ann_dir))
    assert snapshot(ann_dir / "documents") == before and report.withdrawn == []
    mapping.unlink()
    with pytest.raises(InputError, match=r"annotators\.json: missing, but .* holds pseudonymous annotators"):
        annotations.Pseudonyms.load(mapping, ann_dir)


def test_a_listed_reviewers_annotation_is_a_decision(ann_dir: Path) -> None:
    task_list = tasks.build_tasks(make_documents(), "v1")
    export = fake_export(task_list)
    reviewer = fake_export(task_list, annotator={"id": 5, "email": "lead@example.org"}, first_id=50)
    reviewer[1]["annotations"][0]["result"] = [
        r for r in reviewer[1]["annotations"][0]["result"] if r["type"] != "labels"
    ]
    _pull(export + reviewer, ann_dir, reviewers=["lead@example.org"])
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["900_test-en"]
    assert gold.rule == "review" and gold.entities == ()


def test_files_written_before_origins_load_and_match_their_export_again(ann_dir: Path) -> None:
    """Files imported before ``origin``/``unique_id`` were stored still load; their export re-imports cleanly."""
    export = _lead_export(unique_id="11111111-aaaa-4aaa-8aaa-000000000001")
    run_import(export, ann_dir, [_news_doc()])
    path = ann_dir / "documents" / "901_news-en.json"
    legacy = json.loads(path.read_text(encoding="utf-8"))
    for item in legacy["annotations"]:
        del item["origin"], item["unique_id"]
    path.write_text(json.dumps(legacy, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (stored,) = annotations.read_documents(ann_dir, TOPIC_IDS)["901_news-en"].annotations
    assert stored.origin == stored.export and stored.unique_id is None
    report = run_import(export, ann_dir, [_news_doc()])  # the same annotation, now with its identity
    (again,) = annotations.read_documents(ann_dir, TOPIC_IDS)["901_news-en"].annotations
    assert report.written == ("901_news-en",) and again.unique_id == "11111111-aaaa-4aaa-8aaa-000000000001"
    assert again.content() == stored.content()


def test_a_name_annotated_in_one_document_is_pre_annotated_in_another_after_the_import(
    tmp_path: Path,
) -> None:
    """Learning from gold, end to end: the import writes the alias, silver finds it elsewhere."""
    pipeline = pytest.importorskip("dataset_builder.pipeline")
    ann_dir = tmp_path / "annotations"
    ignore = shutil.ignore_patterns(
        "documents", "labelstudio", "learned_aliases.json", "groups.json", "splits.json"
    )
    shutil.copytree(ANN, ann_dir, ignore=ignore)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    name = "Zorba Quintavalle"
    (seeds / "100_gold.txt").write_text(
        f"Trade talks\nThe minister held trade talks with {name} in Cairo on the new agreement.\n", "utf-8"
    )
    (seeds / "101_other.txt").write_text(
        f"Talks end\nAfter the talks, {name} flew home from Cairo with the signed agreement.\n", "utf-8"
    )
    knowledge = Knowledge.load(ann_dir)
    before = {d.id: d for d in pipeline.silver_documents(seeds, knowledge)}
    assert name not in [s.text for d in before.values() for s in d.entities]

    (task,) = tasks.build_tasks([before["100_gold"]], "v1")
    export = fake_export([task])
    (region,) = [r for r in export[0]["annotations"][0]["result"] if r["from_name"] == config.ENTITIES][:1]
    start = before["100_gold"].text.index(name)
    added = copy.deepcopy(region) | {"id": "added-name"}
    added["value"] = {"start": start, "end": start + len(name), "text": name, "labels": ["PER"]}
    export[0]["annotations"][0]["result"].append(added)
    export_path = tmp_path / "export.json"
    export_path.write_text(json.dumps(export), encoding="utf-8")

    report = import_export(export_path, silver_documents(seeds, knowledge), ann_dir, knowledge)
    assert report.aliases and "entity names learned from gold" in report.summary()
    learned = json.loads((ann_dir / "learned_aliases.json").read_text(encoding="utf-8"))["aliases"]
    assert {"surface": name, "language": "en", "label": "PER"}.items() <= next(
        a for a in learned if a["surface"] == name
    ).items()
    after = {d.id: d for d in pipeline.silver_documents(seeds, Knowledge.load(ann_dir))}
    found = [s for s in after["101_other"].entities if s.text == name]
    assert [(s.label, after["101_other"].text[s.start : s.end]) for s in found] == [("PER", name)]
