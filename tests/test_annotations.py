"""Reading ``annotations/documents/*.json`` and adjudicating them into gold."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ANN, KNOWLEDGE, TAXONOMY

from dataset_builder import annotations
from dataset_builder.documents import Span
from dataset_builder.errors import InputError

TOPIC_IDS = [t.id for t in TAXONOMY]

TEXT = "Blinken met Sisi in Cairo."
BLINKEN = {"start": 0, "end": 7, "text": "Blinken", "label": "PER"}
SISI = {"start": 12, "end": 16, "text": "Sisi", "label": "PER"}
CAIRO = {"start": 20, "end": 25, "text": "Cairo", "label": "LOC"}
CAIRO_ORG = {**CAIRO, "label": "ORG"}


@pytest.fixture
def ann_dir(tmp_path: Path) -> Path:
    target = tmp_path / "annotations"
    (target / "documents").mkdir(parents=True)
    shutil.copy(ANN / "taxonomy.json", target / "taxonomy.json")
    return target


def ann(annotation_id: int, annotator: str, **fields: Any) -> dict[str, Any]:
    base = {
        "annotator": annotator,
        "export": "labelstudio/export-0123456789ab.json",
        "task_id": 1,
        "annotation_id": annotation_id,
        "created_at": "2026-11-23T12:00:00.000000Z",
        "updated_at": "2026-11-23T12:00:00.000000Z",
        "lead_time": 10.0,
        "ground_truth": False,
        "entities": [BLINKEN, SISI],
        "topics": ["diplomacy"],
        "date": "2024-02-06",
        "date_evidence": "6 February 2024",
        "language": "en",
    }
    return {**base, **fields}


def write_doc(ann_dir: Path, items: list[dict[str, Any]], document_id: str = "001_x") -> Path:
    path = ann_dir / "documents" / f"{document_id}.json"
    obj = {"document_id": document_id, "text_sha256": annotations.text_sha256(TEXT), "annotations": items}
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def spans(*items: dict[str, Any]) -> tuple[Span, ...]:
    return annotations.sort_spans(Span(i["start"], i["end"], i["text"], i["label"]) for i in items)


def test_no_annotation_files_give_no_gold(tmp_path: Path) -> None:
    assert annotations.gold_documents(tmp_path, TOPIC_IDS) == {}


def test_single_annotator_latest_annotation_is_gold(ann_dir: Path) -> None:
    write_doc(
        ann_dir,
        [
            ann(1, "a", topics=["economy"]),
            ann(2, "a", updated_at="2026-11-24T08:00:00.000000Z", entities=[CAIRO, BLINKEN]),
        ],
    )
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert gold.rule == "single" and gold.disagreements == ()
    assert gold.entities == spans(BLINKEN, CAIRO) and gold.topics == ("diplomacy",)
    assert gold.date == dt.date(2024, 2, 6) and gold.language == "en"
    assert gold.text_sha256 == annotations.text_sha256(TEXT)
    assert all(s.entity_id is None for s in gold.entities)


def test_latest_ground_truth_wins_over_everything(ann_dir: Path) -> None:
    write_doc(
        ann_dir,
        [
            ann(1, "a", ground_truth=True, topics=["economy"], updated_at="2026-11-23T13:00:00Z"),
            ann(2, "b", ground_truth=True, entities=[CAIRO], updated_at="2026-11-23T14:00:00Z"),
            ann(3, "c", updated_at="2026-11-25T00:00:00Z"),
            ann(4, "d", updated_at="2026-11-25T00:00:00Z"),
        ],
    )
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert gold.rule == "ground_truth"
    assert gold.entities == spans(CAIRO) and gold.topics == ("diplomacy",)


def test_several_annotators_who_disagree_leave_a_dispute_not_a_vote(ann_dir: Path) -> None:
    """Three annotators, two of whom agree on most items: nothing is decided by majority."""
    write_doc(
        ann_dir,
        [
            ann(1, "a", entities=[BLINKEN, SISI, CAIRO], topics=["diplomacy", "economy"], date="2024-02-06"),
            ann(
                2, "b", entities=[BLINKEN, CAIRO_ORG], topics=["diplomacy"], date="2024-02-07", language="ar"
            ),
            ann(3, "c", entities=[BLINKEN, SISI], topics=["economy", "defence"], date=None),
        ],
    )
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert gold.rule == "disputed"
    assert gold.entities == spans(BLINKEN)  # chosen by all three: kept for information only
    assert gold.topics == () and gold.date is None and gold.language is None
    assert gold.disagreements == (
        "entity 12:16 PER 'Sisi': only a, c",
        "entity 20:25 LOC 'Cairo': only a",
        "entity 20:25 ORG 'Cairo': only b",
        *sorted(  # topics in taxonomy order
            ("topic diplomacy: only a, b", "topic economy: only a, c", "topic defence: only c"),
            key=lambda item: TOPIC_IDS.index(item.split()[1].rstrip(":")),
        ),
        "date: a=2024-02-06, b=2024-02-07, c=none",
        "language: a=en, b=ar, c=en",
    )


def test_a_span_only_one_of_two_annotators_marked_leaves_the_document_disputed(ann_dir: Path) -> None:
    write_doc(
        ann_dir,
        [
            ann(1, "a", topics=["diplomacy", "economy"], date_evidence="6 Feb"),
            ann(2, "b", entities=[BLINKEN], topics=["diplomacy"], date_evidence="6 Feb"),
            ann(3, "b", entities=[BLINKEN], topics=["defence"], updated_at="2026-11-22T00:00:00Z"),
        ],
    )
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert gold.rule == "disputed"
    assert gold.disagreements == ("entity 12:16 PER 'Sisi': only a", "topic economy: only a")


def test_unanimous_annotators_make_gold(ann_dir: Path) -> None:
    write_doc(
        ann_dir,
        [ann(1, "a", date_evidence="6 Feb"), ann(2, "b"), ann(3, "c", date_evidence="6 Feb")],
    )
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert gold.rule == "unanimous" and gold.disagreements == ()
    assert gold.entities == spans(BLINKEN, SISI) and gold.topics == ("diplomacy",)
    assert gold.date == dt.date(2024, 2, 6) and gold.date_evidence == "6 Feb" and gold.language == "en"


def test_cairo_loc_against_org_is_a_dispute_the_build_keeps_silver_and_marks(ann_dir: Path) -> None:
    """Before: majority gold with no entity at Cairo. Now: the silver document, marked disputed."""
    from dataset_builder.documents import Document

    write_doc(ann_dir, [ann(1, "a", entities=[CAIRO]), ann(2, "b", entities=[CAIRO_ORG])])
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert gold.rule == "disputed"
    assert gold.disagreements == ("entity 20:25 LOC 'Cairo': only a", "entity 20:25 ORG 'Cairo': only b")
    silver = Document("001_x", "001_x.txt", "en", TEXT, 0, len(TEXT), entities=[Span(20, 25, "Cairo", "LOC")])
    built = annotations.apply_gold(silver, gold, KNOWLEDGE, ann_dir)
    assert built.annotation_status == "disputed"
    assert built.entities == silver.entities and built.topics == silver.topics


def test_a_reviewers_decision_settles_a_dispute(ann_dir: Path) -> None:
    write_doc(
        ann_dir,
        [
            ann(1, "a", entities=[CAIRO]),
            ann(2, "b", entities=[CAIRO_ORG]),
            ann(3, "lead", entities=[CAIRO_ORG], review=True, updated_at="2026-11-24T00:00:00Z"),
        ],
    )
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert gold.rule == "review" and gold.entities == spans(CAIRO_ORG)
    path = ann_dir / "documents" / "001_x.json"
    stored = annotations.read_document_file(path, TOPIC_IDS)
    assert [a.review for a in stored.annotations] == [False, False, True]
    data = json.loads(stored.to_bytes())
    assert ["review" in a for a in data["annotations"]] == [
        False,
        False,
        True,
    ]  # files without reviews unchanged


def test_invalid_json_names_file_and_line(ann_dir: Path) -> None:
    (ann_dir / "documents" / "001_x.json").write_text(
        '{"document_id": "001_x",\n "annotations": [}', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"001_x\.json: line 2: invalid JSON"):
        annotations.gold_documents(ann_dir, TOPIC_IDS)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"entities": [{**BLINKEN, "label": "PERSON"}]},
            r"annotation 0, entity 0: span 0:7 'Blinken' has unknown label 'PERSON'",
        ),
        (
            {"entities": [{**BLINKEN, "end": 3}]},
            r"annotation 0, entity 0: span 0:3 'Blinken' has offsets that do not fit",
        ),
        ({"date": "2024-13-01"}, r"annotation 0: invalid date '2024-13-01'"),
        ({"topics": ["sports"]}, r"annotation 0: unknown topic 'sports'"),
        ({"language": "fr"}, r"annotation 0: unknown language 'fr'"),
        ({"ground_truth": "yes"}, r"annotation 0: 'ground_truth' has the wrong type"),
        ({"updated_at": None}, r"annotation 0: 'updated_at' has the wrong type"),
    ],
)
def test_bad_annotations_raise_input_error_naming_the_file(ann_dir: Path, change: dict, message: str) -> None:
    write_doc(ann_dir, [ann(1, "a", **change)])
    with pytest.raises(InputError, match=r"001_x\.json: " + message):
        annotations.gold_documents(ann_dir, TOPIC_IDS)


def test_file_name_must_match_document_id(ann_dir: Path) -> None:
    path = write_doc(ann_dir, [ann(1, "a")])
    path.rename(ann_dir / "documents" / "002_y.json")
    with pytest.raises(InputError, match=r"002_y\.json: holds document_id '001_x'"):
        annotations.gold_documents(ann_dir, TOPIC_IDS)


def test_canonical_bytes_round_trip(ann_dir: Path) -> None:
    path = write_doc(ann_dir, [ann(2, "b"), ann(1, "a", lead_time=3)])
    doc = annotations.read_document_file(path, TOPIC_IDS)
    data = doc.to_bytes()
    path.write_bytes(data)
    assert annotations.read_document_file(path, TOPIC_IDS).to_bytes() == data
    assert [a["annotation_id"] for a in json.loads(data)["annotations"]] == [1, 2]


BLINKEN_SPACE = {"start": 0, "end": 8, "text": "Blinken ", "label": "PER"}
SIS = {"start": 12, "end": 15, "text": "Sis", "label": "PER"}


@pytest.mark.parametrize(
    ("entities", "problem"),
    [
        ([BLINKEN, SISI, SIS], r"entity 1: span 12:16 'Sisi' overlaps entity 2 12:15 'Sis'"),
        (
            [BLINKEN, {**BLINKEN, "label": "ORG"}],
            r"entity 0: span 0:7 'Blinken' has two labels \(ORG, PER\); also entity 1",
        ),
        ([BLINKEN_SPACE], r"entity 0: span 0:8 'Blinken ' starts or ends with whitespace"),
        ([{"start": 7, "end": 8, "text": " ", "label": "PER"}], r"entity 0: span 7:8 ' ' is only whitespace"),
    ],
)
def test_a_stored_annotation_the_build_cannot_use_is_refused_when_read_naming_file_and_annotator(
    ann_dir: Path, entities: list[dict[str, Any]], problem: str
) -> None:
    write_doc(ann_dir, [ann(1, "a"), ann(7, "lead@example.org", entities=entities)])
    with pytest.raises(InputError) as err:
        annotations.gold_documents(ann_dir, TOPIC_IDS)
    message = str(err.value)
    assert "001_x.json: annotation 1 (annotation 7 by lead@example.org (task 1," in message
    assert re.search(r"001_x\.json: annotation 1, " + problem, message), message


def test_gold_that_does_not_read_the_document_text_names_the_file(ann_dir: Path) -> None:
    write_doc(ann_dir, [ann(1, "a", entities=[{**CAIRO, "text": "Kairo"}])])
    from dataset_builder.documents import Document

    doc = Document("001_x", "001_x.txt", "en", TEXT, 0, len(TEXT))
    gold = annotations.gold_documents(ann_dir, TOPIC_IDS)["001_x"]
    with pytest.raises(
        InputError, match=r"001_x\.json \(single gold\), entity 0: span 20:25 'Kairo' reads 'Cairo'"
    ):
        annotations.apply_gold(doc, gold, KNOWLEDGE, ann_dir)


def test_the_same_id_from_two_servers_is_two_annotations_but_one_annotation_twice_is_refused(
    ann_dir: Path,
) -> None:
    fresh = ann(
        1,
        "b",
        created_at="2026-12-01T08:00:00.000000Z",
        origin="Label Studio at http://127.0.0.1:8081, project 1",
    )
    write_doc(ann_dir, [ann(1, "lead", ground_truth=True), fresh])
    stored = annotations.read_documents(ann_dir, TOPIC_IDS)["001_x"]
    assert [a.origin for a in stored.annotations] == [
        "labelstudio/export-0123456789ab.json",  # no origin stored: the export that brought it
        "Label Studio at http://127.0.0.1:8081, project 1",
    ]
    write_doc(ann_dir, [ann(1, "lead"), ann(1, "lead", topics=["economy"])])
    with pytest.raises(
        InputError, match=r"001_x\.json: annotations 0 and 1 are the same annotation 1 by lead"
    ):
        annotations.gold_documents(ann_dir, TOPIC_IDS)
