"""Inter-annotator agreement on documents annotated independently by two or more annotators.

Each annotator counts once per document, with their latest annotation (as in adjudication).

Only independent annotations count. An annotation identical to an earlier one of another annotator
of the same document (same spans and labels, same topics, same date) is a copy, not a second
judgement: it is left out of that document's comparison. An annotator whose every annotation is
such a copy is excluded and named. Agreement measured on copies would report 1.000 for work
nobody repeated; without two independent annotations of a document there is no figure, and the
report and the card say "not measured yet".

- **Entities:** F1 between every pair of annotators of a document, micro-averaged over all pairs and
  per label. *Exact* match needs the same start, end and label; *overlap* match needs the same label
  and at least one shared character (precision counts the first annotator's matched spans, recall
  the second's; F1 is symmetric).
- **Topics:** Krippendorff's alpha (``krippendorff`` package, nominal) over binary presence units,
  one unit per (document, topic): topics are multi-label, and presence/absence per topic keeps the
  statistic standard and comparable per topic, where MASI would need a set distance the package
  does not provide. Alpha is null when it is undefined (no unit with two coders, or no variation).
- **Date and language:** share of annotator pairs choosing the same value ("none" is a value).
- **Disagreements:** per document, every item on which the annotators were not unanimous.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import krippendorff
import numpy as np

from dataset_builder import annotations, schema
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Span

if TYPE_CHECKING:  # the knowledge imports the annotators: load them only when needed
    from dataset_builder.cache import SilverCache
    from dataset_builder.knowledge import Knowledge


@dataclass
class _Counts:
    """Pairwise span counts: spans of the first/second annotator and how many of each matched."""

    first: int = 0
    second: int = 0
    matched_first: int = 0
    matched_second: int = 0

    def add(self, a: list[Span], b: list[Span], match: Callable[[Span, Span], bool]) -> None:
        self.first += len(a)
        self.second += len(b)
        self.matched_first += sum(any(match(x, y) for y in b) for x in a)
        self.matched_second += sum(any(match(x, y) for x in a) for y in b)

    def f1(self) -> float | None:
        if not self.first and not self.second:
            return None
        p = self.matched_first / self.first if self.first else 0.0
        r = self.matched_second / self.second if self.second else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _exact(x: Span, y: Span) -> bool:
    return (x.start, x.end, x.label) == (y.start, y.end, y.label)


def _overlap(x: Span, y: Span) -> bool:
    return x.label == y.label and x.overlaps(y)


def _alpha(rows: list[list[float]]) -> float | None:
    """Nominal Krippendorff's alpha of a coders × units matrix (NaN = not coded); None if undefined."""
    data = np.array(rows, dtype=float)
    if data.size == 0 or (np.sum(~np.isnan(data), axis=0) >= 2).sum() == 0:
        return None
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(
            reliability_data=data, level_of_measurement="nominal", value_domain=[0.0, 1.0]
        )
    return None if np.isnan(value) else round(float(value), 4)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _disagreements(anns: list[Annotation], topic_ids: Sequence[str]) -> list[str]:
    """Items not chosen by every annotator of the document, with who chose them."""
    out = []
    spans = annotations.who_chose(anns, lambda a: a.entities)
    for span in annotations.sort_spans(s for s, who in spans.items() if len(who) < len(anns)):
        out.append(
            f"entity {span.start}:{span.end} {span.label} {span.text!r}: only {', '.join(spans[span])}"
        )
    topics = annotations.who_chose(anns, lambda a: a.topics)
    for topic in annotations.sort_topics((t for t, who in topics.items() if len(who) < len(anns)), topic_ids):
        out.append(f"topic {topic}: only {', '.join(topics[topic])}")
    for name in ("date", "language"):
        values = {a.annotator: getattr(a, name) for a in anns}
        if len(set(values.values())) > 1:
            shown = ", ".join(f"{who}={v if v is not None else 'none'}" for who, v in values.items())
            out.append(f"{name}: {shown}")
    return out


NOT_MEASURED = "not measured yet"


def _same_work(a: Annotation, b: Annotation) -> bool:
    """Same spans with the same labels, same topics, same date: one annotation, entered twice."""
    return (
        {(s.start, s.end, s.label) for s in a.entities} == {(s.start, s.end, s.label) for s in b.entities}
        and set(a.topics) == set(b.topics)
        and a.date == b.date
    )


def _independent(anns: list[Annotation], document_id: str) -> tuple[list[Annotation], list[tuple[str, str]]]:
    """The document's annotations minus copies, and the copies as (copier, original) annotators.

    The earliest created of identical annotations is the original (then the lowest annotation id).
    """

    def created(a: Annotation) -> tuple[dt.datetime, int]:
        return annotations.parse_timestamp(
            a.created_at, f"{document_id}, annotation {a.annotation_id}"
        ), a.annotation_id

    kept: list[Annotation] = []
    copies: list[tuple[str, str]] = []
    for a in sorted(anns, key=created):
        original = next((b for b in kept if _same_work(a, b)), None)
        if original is None:
            kept.append(a)
        else:
            copies.append((a.annotator, original.annotator))
    return sorted(kept, key=lambda a: a.annotator), copies


@dataclass(frozen=True)
class Figure:
    """One agreement figure and what it rests on: how many documents, how many annotators."""

    measure: str
    scope: str
    value: float | None
    documents: int
    annotators: int

    def text(self) -> str:
        """The value as people read it: three decimals, or why there is none."""
        if self.value is not None:
            return f"{self.value:.3f}"
        if not self.documents:
            return NOT_MEASURED
        return "undefined (no variation)" if self.measure.startswith("topics") else "undefined (no spans)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "scope": self.scope,
            "value": self.value,
            "shown": self.text(),
            "documents": self.documents,
            "annotators": self.annotators,
        }


@dataclass
class AgreementReport:
    """Agreement figures; ``to_dict`` is what the dataset card embeds (nulls when nothing to compare)."""

    documents_annotated: int
    documents_compared: int
    annotators: tuple[str, ...]
    annotator_pairs: int
    independent_annotators: tuple[str, ...] = ()
    copies: dict[str, list[str]] = field(default_factory=dict)
    """Per document: the annotations left out as copies, as "copier copies original"."""
    excluded_annotators: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Annotators whose every annotation copies another's, with whom they copy."""
    figures: list[Figure] = field(default_factory=list)
    entities_exact: dict[str, Any] = field(default_factory=dict)
    entities_overlap: dict[str, Any] = field(default_factory=dict)
    topics_alpha: float | None = None
    topics_alpha_per_topic: dict[str, float | None] = field(default_factory=dict)
    date_agreement: float | None = None
    language_agreement: float | None = None
    disagreements: dict[str, list[str]] = field(default_factory=dict)
    documents_in_corpus: int | None = None
    stale: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """All figures; the corpus count and stale files only when checked against the seeds."""
        corpus = (
            {"documents_in_corpus": self.documents_in_corpus, "stale_annotation_files": self.stale}
            if self.documents_in_corpus is not None
            else {}
        )
        return corpus | {
            "documents_annotated": self.documents_annotated,
            "documents_with_two_or_more_independent_annotators": self.documents_compared,
            "annotators": len(self.annotators),
            "independent_annotators": len(self.independent_annotators),
            "annotator_pairs": self.annotator_pairs,
            "copied_annotations": self.copies,
            "copied_annotation_count": sum(len(v) for v in self.copies.values()),
            "excluded_annotators": {k: list(v) for k, v in self.excluded_annotators.items()},
            "figures": [f.to_dict() for f in self.figures],
            "entity_f1_exact": self.entities_exact or None,
            "entity_f1_overlap": self.entities_overlap or None,
            "topics_krippendorff_alpha": self.topics_alpha,
            "topics_krippendorff_alpha_per_topic": self.topics_alpha_per_topic or None,
            "date_pair_agreement": self.date_agreement,
            "language_pair_agreement": self.language_agreement,
            "disagreements": self.disagreements,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)

    def to_text(self) -> str:
        corpus = f" of {self.documents_in_corpus}" if self.documents_in_corpus is not None else ""
        lines = [
            f"documents annotated: {self.documents_annotated}{corpus}; "
            f"by two or more independent annotators: {self.documents_compared}",
            f"annotators: {len(self.annotators)} ({len(self.independent_annotators)} independent); "
            f"annotator pairs compared: {self.annotator_pairs}",
        ]
        for annotator, originals in self.excluded_annotators.items():
            lines.append(
                f"excluded annotator {annotator}: every annotation is identical to {' or '.join(originals)}'s"
            )
        for document_id, copies in self.copies.items():
            lines.append(f"{document_id}: not independent: {'; '.join(copies)}")
        if self.stale:
            lines.append(f"stale annotation files (document gone or text changed): {', '.join(self.stale)}")
        if not self.documents_compared:
            lines.append(f"agreement: {NOT_MEASURED} (no document has two independent annotations)")
            return "\n".join(lines)

        def fmt(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f}"

        for name, figures in (("exact", self.entities_exact), ("overlap", self.entities_overlap)):
            per_label = ", ".join(f"{k} {fmt(v)}" for k, v in figures["per_label"].items())
            lines.append(f"entity F1 ({name} match): micro {fmt(figures['micro'])}; {per_label}")
        per_topic = ", ".join(f"{k} {fmt(v)}" for k, v in self.topics_alpha_per_topic.items())
        lines.append(
            f"topics Krippendorff alpha (nominal, presence per topic): {fmt(self.topics_alpha)}; {per_topic}"
        )
        lines.append(f"date agreement (share of pairs): {fmt(self.date_agreement)}")
        lines.append(f"language agreement (share of pairs): {fmt(self.language_agreement)}")
        for document_id, items in self.disagreements.items():
            lines.append(f"{document_id}: {len(items)} disagreements")
            lines.extend(f"  - {item}" for item in items)
        return "\n".join(lines)


def compute_agreement(
    documents: Mapping[str, AnnotatedDocument], topic_ids: Sequence[str]
) -> AgreementReport:
    """Agreement over already-read annotation files (see the module docstring for the measures)."""
    per_doc = {d: annotations.latest_per_annotator(doc.annotations) for d, doc in sorted(documents.items())}
    independent, copies = {}, {}
    for document_id, anns in per_doc.items():
        independent[document_id], copied = _independent(anns, document_id)
        if copied:
            copies[document_id] = [f"{copier} copies {original}" for copier, original in copied]
    compared = {d: anns for d, anns in independent.items() if len(anns) >= 2}
    coders = tuple(sorted({a.annotator for anns in compared.values() for a in anns}))
    report = AgreementReport(
        documents_annotated=sum(1 for anns in per_doc.values() if anns),
        documents_compared=len(compared),
        annotators=tuple(sorted({a.annotator for anns in per_doc.values() for a in anns})),
        annotator_pairs=sum(len(anns) * (len(anns) - 1) // 2 for anns in compared.values()),
        independent_annotators=tuple(sorted({a.annotator for anns in independent.values() for a in anns})),
        copies=copies,
        excluded_annotators=_excluded(per_doc, independent),
    )
    if not compared:
        report.figures = _figures(report, compared, topic_ids)
        return report

    labels = list(schema.ENTITY_LABELS)
    exact = {k: _Counts() for k in ["micro", *labels]}
    overlap = {k: _Counts() for k in ["micro", *labels]}
    same = {"date": 0, "language": 0}
    for anns in compared.values():
        for a, b in itertools.combinations(anns, 2):
            for counts, match in ((exact, _exact), (overlap, _overlap)):
                counts["micro"].add(list(a.entities), list(b.entities), match)
                for label in labels:
                    pick = (
                        [s for s in a.entities if s.label == label],
                        [s for s in b.entities if s.label == label],
                    )
                    counts[label].add(*pick, match)
            same["date"] += a.date == b.date
            same["language"] += a.language == b.language
    for target, counts in ((report.entities_exact, exact), (report.entities_overlap, overlap)):
        target["micro"] = _round(counts["micro"].f1())
        target["per_label"] = {label: _round(counts[label].f1()) for label in labels}
    report.date_agreement = _round(same["date"] / report.annotator_pairs)
    report.language_agreement = _round(same["language"] / report.annotator_pairs)

    topics = list(topic_ids)

    def presence(topic_list: list[str]) -> list[list[float]]:
        rows = []
        for coder in coders:
            row = []
            for anns in compared.values():
                mine = [a for a in anns if a.annotator == coder]
                row += [float(t in mine[0].topics) if mine else np.nan for t in topic_list]
            rows.append(row)
        return rows

    report.topics_alpha = _alpha(presence(topics))
    report.topics_alpha_per_topic = {t: _alpha(presence([t])) for t in topics}
    report.figures = _figures(report, compared, topic_ids)
    for document_id, anns in compared.items():
        items = _disagreements(anns, topic_ids)
        if items:
            report.disagreements[document_id] = items
    return report


def _excluded(
    per_doc: Mapping[str, list[Annotation]], independent: Mapping[str, list[Annotation]]
) -> dict[str, tuple[str, ...]]:
    """Annotators none of whose annotations is independent, with the annotators they copy."""
    kept = {a.annotator for anns in independent.values() for a in anns}
    excluded: dict[str, set[str]] = {}
    for document_id, anns in per_doc.items():
        for a in anns:
            if a.annotator not in kept:
                excluded.setdefault(a.annotator, set()).update(
                    b.annotator for b in independent[document_id] if _same_work(a, b)
                )
    return {k: tuple(sorted(v)) for k, v in sorted(excluded.items())}


def _figures(
    report: AgreementReport, compared: Mapping[str, list[Annotation]], topic_ids: Sequence[str]
) -> list[Figure]:
    """Every figure with the documents and annotators behind it (per label: documents using it)."""

    def behind(docs: list[str]) -> tuple[int, int]:
        return len(docs), len({a.annotator for d in docs for a in compared[d]})

    everything = behind(list(compared))
    rows = []
    for measure, figures in (
        ("entity F1, exact match", report.entities_exact),
        ("entity F1, overlap match", report.entities_overlap),
    ):
        rows.append(Figure(measure, "all labels", figures.get("micro"), *everything))
        for label in schema.ENTITY_LABELS:
            using = [
                d for d, anns in compared.items() if any(s.label == label for a in anns for s in a.entities)
            ]
            value = figures.get("per_label", {}).get(label)
            rows.append(Figure(measure, label, value, *behind(using)))
    alpha = "topics, Krippendorff's alpha (nominal)"
    rows.append(Figure(alpha, "all topics", report.topics_alpha, *everything))
    rows += [
        Figure(alpha, topic, report.topics_alpha_per_topic.get(topic), *everything) for topic in topic_ids
    ]
    rows.append(Figure("date, share of pairs agreeing", "", report.date_agreement, *everything))
    rows.append(Figure("language, share of pairs agreeing", "", report.language_agreement, *everything))
    return rows


def agreement_report(
    seeds_dir: Path, annotations_dir: Path, knowledge: Knowledge, cache: SilverCache | None = None
) -> AgreementReport:
    """Agreement over ``annotations_dir/documents``, checked against the documents built from ``seeds_dir``.

    Annotation files whose document is gone or whose text changed since import are listed as stale
    (their offsets refer to another text); they are still measured, agreement being about annotators.
    """
    from dataset_builder import pipeline  # the pipeline imports the annotators: load it only when needed

    annotated = annotations.read_documents(Path(annotations_dir), knowledge.topic_ids)
    current = {
        d.id: annotations.text_sha256(d.text)
        for d in pipeline.silver_documents(seeds_dir, knowledge, cache=cache)
    }
    report = compute_agreement(annotated, knowledge.topic_ids)
    report.documents_in_corpus = len(current)
    report.stale = [d for d, doc in annotated.items() if current.get(d) != doc.text_sha256]
    return report
