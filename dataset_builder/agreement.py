"""Inter-annotator agreement on documents annotated by two or more annotators.

Each annotator counts once per document, with their latest annotation (as in adjudication).

Annotations by different annotators are independent judgements, whatever their content: two
annotators who accept the same good pre-annotations agree, and identical work is full agreement.
Nothing is left out for being equal to another annotation: equal content says nothing about
copying. Only what Label Studio records counts as a copy: an annotation created from another
annotator's annotation of the same document (its ``parent_annotation``) is left out of that
document's comparison and named. Without two annotators on a document there is no figure, and the
report and the card say "not measured yet".

- **Entities:** F1 between every pair of annotators of a document, micro-averaged over all pairs and
  per label. *Exact* match needs the same start, end and label; *overlap* match needs the same label
  and at least one shared character (precision counts the first annotator's matched spans, recall
  the second's; F1 is symmetric). Chance-corrected: Krippendorff's alpha (nominal) at token level,
  one unit per token of the compared documents (cut at every annotator's span edges), valued with
  the label of the span covering it or ``O``; per label, the presence of that label. It needs the
  documents' texts (given by the caller); without them it is not measured.
- **Topics:** Krippendorff's alpha (``krippendorff`` package, nominal) over binary presence units,
  one unit per (document, topic): topics are multi-label, and presence/absence per topic keeps the
  statistic standard and comparable per topic, where MASI would need a set distance the package
  does not provide. Alpha is null when it is undefined (no unit with two coders, or no variation).
- **Date and language:** share of annotator pairs choosing the same value ("none" is a value).
- **Disagreements:** per document, every item on which the annotators were not unanimous.

Every figure names the documents and annotators behind it (:class:`Figure`).
"""

from __future__ import annotations

import itertools
import json
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import krippendorff
import numpy as np

from dataset_builder import annotations, configs, schema
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Document, Span

if TYPE_CHECKING:  # a type only: the caller loads the knowledge and passes it
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


def _alpha(rows: list[list[float]], domain: Sequence[float] = (0.0, 1.0)) -> float | None:
    """Nominal Krippendorff's alpha of a coders × units matrix (NaN = not coded); None if undefined."""
    data = np.array(rows, dtype=float)
    if data.size == 0 or (np.sum(~np.isnan(data), axis=0) >= 2).sum() == 0:
        return None
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(
            reliability_data=data, level_of_measurement="nominal", value_domain=list(domain)
        )
    return None if np.isnan(value) else round(float(value), 4)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


NOT_MEASURED = "not measured yet"


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
    figures: list[Figure] = field(default_factory=list)
    entities_exact: dict[str, Any] = field(default_factory=dict)
    entities_overlap: dict[str, Any] = field(default_factory=dict)
    entities_token_alpha: float | None = None
    entities_token_alpha_per_label: dict[str, float | None] = field(default_factory=dict)
    token_alpha_measured: bool = False
    """False when the documents' texts were not given: token-level alpha needs the tokens."""
    topics_alpha: float | None = None
    topics_alpha_per_topic: dict[str, float | None] = field(default_factory=dict)
    date_agreement: float | None = None
    language_agreement: float | None = None
    disagreements: dict[str, list[str]] = field(default_factory=dict)
    compared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The documents compared, with their annotators (what every figure rests on)."""
    copies: dict[str, list[str]] = field(default_factory=dict)
    """Per document: annotations Label Studio records as created from another annotator's, left out."""
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
            # every annotator's work is an independent judgement (the key's name is kept for readers)
            "documents_with_two_or_more_independent_annotators": self.documents_compared,
            "annotators": len(self.annotators),
            "independent_annotators": len(self.compared_annotators()),
            "annotator_pairs": self.annotator_pairs,
            "copied_annotations": self.copies,
            "copied_annotation_count": sum(len(v) for v in self.copies.values()),
            "figures": [f.to_dict() for f in self.figures],
            "entity_f1_exact": self.entities_exact or None,
            "entity_f1_overlap": self.entities_overlap or None,
            "entity_token_krippendorff_alpha": self.entities_token_alpha,
            "entity_token_krippendorff_alpha_per_label": self.entities_token_alpha_per_label or None,
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
            f"by two or more annotators: {self.documents_compared}",
            f"annotators: {len(self.annotators)} ({len(self.compared_annotators())} on documents compared); "
            f"annotator pairs compared: {self.annotator_pairs}",
        ]
        for document_id, copies in self.copies.items():
            lines.append(f"{document_id}: left out, created from another annotator's: {'; '.join(copies)}")
        if self.stale:
            lines.append(f"stale annotation files (document gone or text changed): {', '.join(self.stale)}")
        if not self.documents_compared:
            lines.append(f"agreement: {NOT_MEASURED} (no document has two annotators)")
            return "\n".join(lines)

        lines.append("figure (scope): value [documents, annotators behind it]")
        lines += [
            f"  {f.measure}{f' ({f.scope})' if f.scope else ''}: {f.text()} "
            f"[{_count(f.documents, 'document')}, {_count(f.annotators, 'annotator')}]"
            for f in self.figures
        ]
        for document_id, items in self.disagreements.items():
            lines.append(
                f"{document_id}: {len(items)} disagreements (by {', '.join(self.compared[document_id])})"
            )
            lines.extend(f"  - {item}" for item in items)
        return "\n".join(lines)

    def compared_annotators(self) -> tuple[str, ...]:
        """The annotators of the documents compared."""
        return tuple(sorted({who for names in self.compared.values() for who in names}))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def compute_agreement(
    documents: Mapping[str, AnnotatedDocument],
    topic_ids: Sequence[str],
    texts: Mapping[str, str] | None = None,
) -> AgreementReport:
    """Agreement over already-read annotation files (see the module docstring for the measures).

    ``texts`` (document id → current text) gives the tokens of token-level alpha; a document whose
    annotations were made on another text (stale) is left out of that one figure.
    """
    per_doc = {d: annotations.latest_per_annotator(doc.annotations) for d, doc in sorted(documents.items())}
    copies: dict[str, list[str]] = {}
    for document_id, anns in per_doc.items():
        copied = _recorded_copies(anns, documents[document_id].annotations)
        if copied:
            copies[document_id] = [f"{a.describe()} from {b.describe()}" for a, b in copied]
            per_doc[document_id] = [a for a in anns if a not in {a for a, _ in copied}]
    compared = {d: anns for d, anns in per_doc.items() if len(anns) >= 2}
    coders = tuple(sorted({a.annotator for anns in compared.values() for a in anns}))
    report = AgreementReport(
        documents_annotated=sum(1 for anns in per_doc.values() if anns),
        documents_compared=len(compared),
        annotators=tuple(sorted({a.annotator for anns in per_doc.values() for a in anns})),
        annotator_pairs=sum(len(anns) * (len(anns) - 1) // 2 for anns in compared.values()),
        compared={d: tuple(a.annotator for a in anns) for d, anns in compared.items()},
        copies=copies,
        token_alpha_measured=texts is not None,
    )
    if not compared:
        report.figures = _figures(report, compared, topic_ids, {})
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

    tokenized = {
        d: _token_labels(texts[d], anns)
        for d, anns in compared.items()
        if texts is not None and d in texts and documents[d].text_sha256 == annotations.text_sha256(texts[d])
    }
    if texts is not None:
        codes = {label: float(i) for i, label in enumerate(["O", *labels])}
        report.entities_token_alpha = _alpha(
            [[codes[v] if v is not None else np.nan for v in row] for row in _token_rows(tokenized, coders)],
            list(codes.values()),
        )
        report.entities_token_alpha_per_label = {
            label: _alpha(
                [
                    [float(v == label) if v is not None else np.nan for v in row]
                    for row in _token_rows(tokenized, coders)
                ]
            )
            for label in labels
        }

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
    report.figures = _figures(report, compared, topic_ids, tokenized)
    for document_id, anns in compared.items():
        items = annotations.disagreements(anns, topic_ids)
        if items:
            report.disagreements[document_id] = items
    return report


def _recorded_copies(
    latest: list[Annotation], everything: Sequence[Annotation]
) -> list[tuple[Annotation, Annotation]]:
    """(copy, original) for each latest annotation Label Studio records as created from another
    annotator's annotation of the document (``parent_annotation``, same server and project)."""
    out = []
    for a in latest:
        original = next(
            (
                b
                for b in everything
                if a.parent_annotation == b.annotation_id
                and b.origin == a.origin
                and b.annotator != a.annotator
            ),
            None,
        )
        if original is not None:
            out.append((a, original))
    return out


def _token_labels(text: str, anns: list[Annotation]) -> dict[str, list[str]]:
    """Per annotator, the label of every token of ``text`` (``O`` outside their spans).

    Tokens are cut at every annotator's span edges, so each token lies wholly inside or outside
    each span (a span starting mid-word still gets its own tokens).
    """
    edges = sorted({x for a in anns for s in a.entities for x in (s.start, s.end)})
    tokens = configs.tokenize(text, 0, len(text), edges)
    out = {}
    for a in anns:
        labels = ["O"] * len(tokens)
        spans = sorted(a.entities, key=lambda s: s.start)
        for i, (start, end) in enumerate(tokens):
            for s in spans:
                if s.start <= start and end <= s.end:
                    labels[i] = s.label
                    break
        out[a.annotator] = labels
    return out


def _token_rows(
    tokenized: Mapping[str, dict[str, list[str]]], coders: Sequence[str]
) -> list[list[str | None]]:
    """Coders × tokens of every compared document (None: that coder did not annotate the document)."""
    rows: list[list[str | None]] = []
    for coder in coders:
        row: list[str | None] = []
        for by_coder in tokenized.values():
            width = len(next(iter(by_coder.values())))
            row += by_coder.get(coder) or [None] * width
        rows.append(row)
    return rows


def _figures(
    report: AgreementReport,
    compared: Mapping[str, list[Annotation]],
    topic_ids: Sequence[str],
    tokenized: Mapping[str, Any],
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
    if report.token_alpha_measured:
        tokens = "entity tokens, Krippendorff's alpha (nominal)"
        rows.append(Figure(tokens, "all labels", report.entities_token_alpha, *behind(list(tokenized))))
        for label in schema.ENTITY_LABELS:
            value = report.entities_token_alpha_per_label.get(label)
            rows.append(Figure(tokens, label, value, *behind(list(tokenized))))
    alpha = "topics, Krippendorff's alpha (nominal)"
    rows.append(Figure(alpha, "all topics", report.topics_alpha, *everything))
    rows += [
        Figure(alpha, topic, report.topics_alpha_per_topic.get(topic), *everything) for topic in topic_ids
    ]
    rows.append(Figure("date, share of pairs agreeing", "", report.date_agreement, *everything))
    rows.append(Figure("language, share of pairs agreeing", "", report.language_agreement, *everything))
    return rows


def agreement_report(
    documents: Iterable[Document], annotations_dir: Path, knowledge: Knowledge
) -> AgreementReport:
    """Agreement over ``annotations_dir/documents``, checked against the corpus' current ``documents``.

    Annotation files whose document is gone or whose text changed since import are listed as stale
    (their offsets refer to another text); they are still measured, agreement being about annotators,
    except by token-level alpha, whose tokens come from today's texts.
    """
    annotated = annotations.read_documents(Path(annotations_dir), knowledge.topic_ids)
    texts = {d.id: d.text for d in documents}
    report = compute_agreement(annotated, knowledge.topic_ids, texts)
    report.documents_in_corpus = len(texts)
    report.stale = [
        d
        for d, doc in annotated.items()
        if d not in texts or annotations.text_sha256(texts[d]) != doc.text_sha256
    ]
    return report
