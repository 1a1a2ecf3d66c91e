"""Agreement figures on tiny hand-made two-annotator data, checked against hand computations."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ANN as ANN_DIR
from conftest import TAXONOMY

from dataset_builder import annotations
from dataset_builder.agreement import agreement_report, compute_agreement
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Span
from dataset_builder.knowledge import Knowledge

TOPIC_IDS = [t.id for t in TAXONOMY]


def _ann(
    annotation_id: int,
    annotator: str,
    entities=(),
    topics=(),
    date=None,
    language="en",
    created_at="2026-11-23T12:00:00Z",
    date_evidence=None,
) -> Annotation:
    return Annotation(
        annotator=annotator,
        export="labelstudio/export-0123456789ab.json",
        task_id=1,
        annotation_id=annotation_id,
        created_at=created_at,
        updated_at=created_at,
        lead_time=None,
        ground_truth=False,
        entities=annotations.sort_spans(entities),
        topics=tuple(topics),
        date=date,
        date_evidence=date_evidence,
        language=language,
    )


def _doc(document_id: str, *anns: Annotation) -> AnnotatedDocument:
    return AnnotatedDocument(document_id, "0" * 64, anns)


PER = Span(0, 5, "Aaaaa", "PER")
LOC_A = Span(10, 15, "Bbbbb", "LOC")
LOC_B = Span(11, 15, "bbbb", "LOC")
ORG = Span(20, 25, "Ccccc", "ORG")
DAY = dt.date(2024, 2, 6)


def _nominal_binary_alpha(pairs: list[tuple[int, int]]) -> float:
    """Krippendorff's alpha by hand for two coders and binary values: 1 - (n-1)·D / (n0·n1)."""
    values = [v for pair in pairs for v in pair]
    n, n1 = len(values), sum(values)
    disagreeing = sum(a != b for a, b in pairs)
    return 1 - (n - 1) * disagreeing / ((n - n1) * n1)


def test_two_annotators_figures_match_hand_computation() -> None:
    docs = {
        "d1": _doc(
            "d1",
            _ann(1, "a", [PER, LOC_A], ["diplomacy"], DAY),
            _ann(2, "b", [PER, LOC_B, ORG], ["diplomacy", "economy"], DAY),
        ),
        "d2": _doc(
            "d2", _ann(3, "a", [], ["defence"], DAY), _ann(4, "b", [], ["defence"], None, language="ar")
        ),
        "d3": _doc("d3", _ann(5, "a", [ORG], ["economy"], DAY)),  # one annotator: not compared
    }
    report = compute_agreement(docs, TOPIC_IDS)
    assert (report.documents_annotated, report.documents_compared, report.annotator_pairs) == (3, 2, 2)

    # exact: a has 2 spans, b has 3, one identical (PER) → F1 = 2·1 / (2 + 3)
    assert report.entities_exact["micro"] == pytest.approx(2 * 1 / (2 + 3))
    # overlap: both of a's spans are matched (P = 2/2); 2 of b's 3 are (R = 2/3)
    p, r = 2 / 2, 2 / 3
    assert report.entities_overlap["micro"] == pytest.approx(round(2 * p * r / (p + r), 4))
    assert report.entities_exact["per_label"] == {"PER": 1.0, "ORG": 0.0, "LOC": 0.0, "MISC": None}
    assert report.entities_overlap["per_label"]["LOC"] == 1.0

    # topics: units (document, topic) over the 8 taxonomy topics × 2 documents
    topics = TOPIC_IDS
    chosen = {("d1", "a"): {"diplomacy"}, ("d1", "b"): {"diplomacy", "economy"}, ("d2", "a"): {"defence"},
              ("d2", "b"): {"defence"}}  # fmt: skip
    pairs = [(int(t in chosen[(d, "a")]), int(t in chosen[(d, "b")])) for d in ("d1", "d2") for t in topics]
    assert report.topics_alpha == pytest.approx(round(_nominal_binary_alpha(pairs), 4))
    assert report.topics_alpha_per_topic["economy"] == pytest.approx(_nominal_binary_alpha([(0, 1), (0, 0)]))
    assert report.topics_alpha_per_topic["terrorism"] is None  # never chosen: no variation, alpha undefined
    assert report.date_agreement == 0.5 and report.language_agreement == 0.5

    assert report.disagreements == {
        "d1": [
            "entity 10:15 LOC 'Bbbbb': only a",
            "entity 11:15 LOC 'bbbb': only b",
            "entity 20:25 ORG 'Ccccc': only b",
            "topic economy: only b",
        ],
        "d2": ["date: a=2024-02-06, b=none", "language: a=en, b=ar"],
    }
    data = report.to_dict()
    assert data["annotators"] == 2 and data["entity_f1_exact"]["micro"] == 0.4
    assert json.loads(report.to_json()) == json.loads(json.dumps(data))
    assert "entity F1, exact match (all labels): 0.400 [2 documents, 2 annotators]" in report.to_text()
    assert report.to_json() == compute_agreement(docs, TOPIC_IDS).to_json()


def test_without_two_annotators_the_report_says_so() -> None:
    report = compute_agreement({"d3": _doc("d3", _ann(5, "a", [ORG]))}, TOPIC_IDS)
    data = report.to_dict()
    assert data["documents_with_two_or_more_independent_annotators"] == 0
    assert data["entity_f1_exact"] is None and data["topics_krippendorff_alpha"] is None
    assert data["date_pair_agreement"] is None
    assert "agreement: not measured yet" in report.to_text()
    assert data["figures"] and all(f["shown"] == "not measured yet" for f in data["figures"])


def test_every_figure_says_how_many_documents_and_annotators_it_rests_on() -> None:
    docs = {
        "d1": _doc(
            "d1", _ann(1, "a", [PER, LOC_A], ["diplomacy"], DAY), _ann(2, "b", [PER], ["diplomacy"], DAY)
        ),
        "d2": _doc("d2", _ann(3, "a", [PER], [], DAY), _ann(4, "c", [PER, ORG], [], None)),
    }
    figures = {(f.measure, f.scope): f for f in compute_agreement(docs, TOPIC_IDS).figures}
    micro = figures["entity F1, exact match", "all labels"]
    assert (micro.documents, micro.annotators, micro.text()) == (2, 3, f"{micro.value:.3f}")
    assert (
        figures["entity F1, exact match", "LOC"].documents,
        figures["entity F1, exact match", "LOC"].annotators,
    ) == (1, 2)
    assert (
        figures["entity F1, exact match", "ORG"].documents,
        figures["entity F1, exact match", "ORG"].annotators,
    ) == (1, 2)
    misc = figures["entity F1, exact match", "MISC"]
    assert (misc.documents, misc.value, misc.text()) == (0, None, "not measured yet")
    assert figures["date, share of pairs agreeing", ""].text() == "0.500"


LEAD, OTHER = "lead@example.org", "other@example.org"
EARLY, LATE = "2026-11-23T12:00:00Z", "2026-11-23T13:00:00Z"
TEXT = "Aaaaa met Bbbbb in Ccccc today."


def _texts(*document_ids: str) -> dict[str, str]:
    return dict.fromkeys(document_ids, TEXT)


def _on_text(document_id: str, *anns: Annotation) -> AnnotatedDocument:
    return AnnotatedDocument(document_id, annotations.text_sha256(TEXT), anns)


def test_identical_independent_annotations_give_full_agreement() -> None:
    """Two annotators who make the same choices (accepting the same pre-annotations) agree: 1.0."""
    per, loc = Span(0, 5, "Aaaaa", "PER"), Span(19, 24, "Ccccc", "LOC")
    docs = {
        d: _on_text(
            d,
            _ann(i, LEAD, [per, loc], [topic], DAY, created_at=EARLY),
            _ann(i + 10, OTHER, [loc, per], [topic], DAY, created_at=LATE),
        )
        for i, (d, topic) in enumerate((("d1", "diplomacy"), ("d2", "economy")), start=1)
    }
    report = compute_agreement(docs, TOPIC_IDS, _texts("d1", "d2"))
    assert report.documents_compared == 2 and report.annotator_pairs == 2
    assert report.entities_exact["micro"] == 1.0 and report.entities_overlap["micro"] == 1.0
    assert report.entities_token_alpha == 1.0
    assert report.topics_alpha == 1.0 and report.date_agreement == 1.0 and report.language_agreement == 1.0
    assert report.disagreements == {}
    data = report.to_dict()
    assert data["independent_annotators"] == 2 and data["copied_annotation_count"] == 0
    assert "copies" not in report.to_text() and "not independent" not in report.to_text()


def test_token_alpha_matches_the_hand_computation() -> None:
    """Nominal alpha of two coders: 1 - (n-1)·2·disagreeing units / (n² - Σ n_c²), n = all values."""
    a = _ann(1, LEAD, [Span(0, 5, "Aaaaa", "PER"), Span(19, 24, "Ccccc", "LOC")])
    b = _ann(
        2, OTHER, [Span(0, 5, "Aaaaa", "PER"), Span(10, 15, "Bbbbb", "PER"), Span(19, 24, "Ccccc", "ORG")]
    )
    report = compute_agreement({"d1": _on_text("d1", a, b)}, TOPIC_IDS, _texts("d1"))
    # tokens: Aaaaa met Bbbbb in Ccccc today .
    first = ["PER", "O", "O", "O", "LOC", "O", "O"]
    second = ["PER", "O", "PER", "O", "ORG", "O", "O"]
    values = first + second
    n, disagreeing = len(values), sum(x != y for x, y in zip(first, second, strict=True))
    expected = 1 - (n - 1) * 2 * disagreeing / (n * n - sum(values.count(v) ** 2 for v in set(values)))
    assert report.entities_token_alpha == pytest.approx(round(expected, 4))
    per = [(int(x == "PER"), int(y == "PER")) for x, y in zip(first, second, strict=True)]
    assert report.entities_token_alpha_per_label["PER"] == pytest.approx(round(_nominal_binary_alpha(per), 4))
    figures = {(f.measure, f.scope): f for f in report.figures}
    token = figures["entity tokens, Krippendorff's alpha (nominal)", "all labels"]
    assert (token.documents, token.annotators) == (1, 2)
    assert "[1 document, 2 annotators]" in report.to_text()


def test_only_a_copy_label_studio_records_is_left_out() -> None:
    """Equal content is agreement; an annotation created from another annotator's (parent_annotation) is a copy."""
    original = _ann(1, LEAD, [PER], ["diplomacy"], DAY)
    same = _ann(2, OTHER, [PER], ["diplomacy"], DAY)
    copied = replace(_ann(3, "copier@example.org", [PER], ["diplomacy"], DAY), parent_annotation=1)
    report = compute_agreement({"d1": _doc("d1", original, same, copied)}, TOPIC_IDS)
    assert report.compared == {"d1": (LEAD, OTHER)} and report.annotator_pairs == 1
    assert report.copies == {
        "d1": [
            "annotation 3 by copier@example.org (task 1, labelstudio/export-0123456789ab.json) from "
            f"annotation 1 by {LEAD} (task 1, labelstudio/export-0123456789ab.json)"
        ]
    }
    assert report.to_dict()["copied_annotation_count"] == 1
    assert "d1: left out, created from another annotator's: annotation 3" in report.to_text()


def test_without_texts_token_alpha_is_not_measured() -> None:
    docs = {"d1": _on_text("d1", _ann(1, LEAD, [PER]), _ann(2, OTHER, [PER]))}
    report = compute_agreement(docs, TOPIC_IDS)
    assert report.entities_token_alpha is None
    assert not any(f.measure.startswith("entity tokens") for f in report.figures)


def test_the_repository_seed_annotations_measure_no_agreement() -> None:
    """The seeds have the lead's annotation only (a copy of it was removed): nothing to measure."""
    report = compute_agreement(annotations.read_documents(ANN_DIR, TOPIC_IDS), TOPIC_IDS)
    assert report.documents_annotated > 0 and report.documents_compared == 0
    assert all(f.text() == "not measured yet" for f in report.figures)


def test_report_flags_stale_annotation_files(tmp_path: Path) -> None:
    pipeline = pytest.importorskip("dataset_builder.pipeline")
    ann_dir = tmp_path / "annotations"
    shutil.copytree(ANN_DIR, ann_dir, ignore=shutil.ignore_patterns("documents", "labelstudio"))
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    first = next(iter(pipeline.silver_documents(seeds, Knowledge.load(ann_dir))))
    (ann_dir / "documents").mkdir()
    for document_id, sha in ((first.id, annotations.text_sha256(first.text)), ("999_gone", "0" * 64)):
        doc = AnnotatedDocument(document_id, sha, (_ann(1, "a"),))
        (ann_dir / "documents" / f"{document_id}.json").write_bytes(doc.to_bytes())
    knowledge = Knowledge.load(ann_dir)
    report = agreement_report(pipeline.silver_documents(seeds, knowledge), ann_dir, knowledge)
    assert report.stale == ["999_gone"] and report.documents_in_corpus and report.documents_in_corpus > 1
