"""Agreement figures on tiny hand-made two-annotator data, checked against hand computations."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import ANN as ANN_DIR
from conftest import TAXONOMY

from dataset_builder import annotations
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Span
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio.agreement import agreement_report, compute_agreement

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
    assert "entity F1 (exact match): micro 0.400" in report.to_text()
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


LEAD, COPIER, OTHER = "lead@example.org", "copier@example.org", "other@example.org"
EARLY, LATE = "2026-11-23T12:00:00Z", "2026-11-23T13:00:00Z"


def test_an_annotator_who_copies_another_is_excluded_and_named() -> None:
    """Same spans, labels, topics and date as the lead's on every document: not a second judgement."""
    docs = {
        d: _doc(
            d,
            _ann(i, LEAD, [PER, LOC_A], ["diplomacy"], DAY, created_at=EARLY, date_evidence="today"),
            _ann(
                i + 10, COPIER, [LOC_A, PER], ["diplomacy"], DAY, created_at=LATE, date_evidence="other words"
            ),
        )
        for i, d in enumerate(("d1", "d2"), start=1)
    }
    report = compute_agreement(docs, TOPIC_IDS)
    assert report.documents_compared == 0 and report.annotator_pairs == 0
    assert report.excluded_annotators == {COPIER: (LEAD,)}
    assert report.copies == {"d1": [f"{COPIER} copies {LEAD}"], "d2": [f"{COPIER} copies {LEAD}"]}
    assert report.entities_exact == {} and report.topics_alpha is None
    text = report.to_text()
    assert f"excluded annotator {COPIER}: every annotation is identical to {LEAD}'s" in text
    assert "agreement: not measured yet" in text
    data = report.to_dict()
    assert data["excluded_annotators"] == {COPIER: [LEAD]} and data["independent_annotators"] == 1
    assert all(f["value"] is None and f["shown"] == "not measured yet" for f in data["figures"])


def test_a_copied_annotation_is_left_out_but_the_annotators_other_work_counts() -> None:
    docs = {
        "d1": _doc(  # copier copies the lead here; other disagrees on a topic: lead vs other compared
            "d1",
            _ann(1, LEAD, [PER], ["diplomacy"], DAY, created_at=EARLY),
            _ann(2, COPIER, [PER], ["diplomacy"], DAY, created_at=LATE),
            _ann(3, OTHER, [PER], ["diplomacy", "economy"], DAY, created_at=LATE),
        ),
        "d2": _doc(  # copier's own work: compared with the lead's
            "d2",
            _ann(4, LEAD, [PER], [], DAY, created_at=EARLY),
            _ann(5, COPIER, [PER, ORG], [], DAY, created_at=LATE),
        ),
    }
    report = compute_agreement(docs, TOPIC_IDS)
    assert report.copies == {"d1": [f"{COPIER} copies {LEAD}"]} and report.excluded_annotators == {}
    assert report.documents_compared == 2 and report.annotator_pairs == 2
    assert report.disagreements["d1"] == [f"topic economy: only {OTHER}"]
    # d1: lead–other both [PER] (1 match of 1+1); d2: lead [PER] vs copier [PER, ORG] (1 match of 1+2)
    assert report.entities_exact["micro"] == pytest.approx(round(2 * 2 / (2 + 3), 4))


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
    report = agreement_report(seeds, ann_dir, Knowledge.load(ann_dir))
    assert report.stale == ["999_gone"] and report.documents_in_corpus and report.documents_in_corpus > 1
