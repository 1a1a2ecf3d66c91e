"""The document model every stage reads and writes.

Offsets are Python code-point offsets into ``Document.text``; ``text[start:end] == span.text``
is an invariant checked by :func:`check_spans` at every stage boundary; :func:`validate_spans` is
the full rule for entity spans (flat, trimmed, labelled) that human annotations and the build share.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from dataset_builder.errors import InputError


class OffsetError(InputError):
    """A span does not match the text it points into."""


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span; ``entity_id`` is the knowledge-base id, ``None`` when unlinked."""

    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Cut:
    """Characters that cleaning removed from a seed, at ``start`` in the seed's text.

    Cleaning only ever deletes, so the cuts plus the document text rebuild the seed exactly.
    """

    start: int
    text: str
    reason: str


CHARACTER_CUTS = frozenset({"whitespace", "newline", "bom"})
"""Reasons of the cuts that remove characters (spaces, CR, BOM), not a line of text: the others are
counted per rule in a build's step table."""
DATE_CUTS = frozenset({"metadata", "date_line"})
"""Reasons of the cuts whose text may hold the publication date (a header, a date line under the
headline): the date annotator reads them, since the text no longer holds them."""


@dataclass(slots=True)
class Document:
    """One article in one language, with its annotations (silver or gold)."""

    id: str
    seed_file: str
    language: str
    text: str
    seed_start: int
    seed_end: int
    cuts: list[Cut] = field(default_factory=list)
    title: str | None = None
    date: dt.date | None = None
    date_source: str | None = None
    date_evidence: str | None = None
    entities: list[Span] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    event_id: str | None = None
    translation_group: str | None = None
    annotation_status: str = "silver"
    truncated: bool = False

    def with_(self, **changes: object) -> Document:
        """A copy with some fields replaced (annotators never mutate their input)."""
        return replace(self, **changes)


def check_spans(text: str, spans: Iterable[Span], where: str) -> None:
    """Raise :class:`OffsetError` naming ``where`` if any span disagrees with ``text``."""
    for span in spans:
        if not (0 <= span.start < span.end <= len(text)):
            raise OffsetError(f"{where}: span {span.start}:{span.end} {span.text!r} is outside the text")
        if text[span.start : span.end] != span.text:
            raise OffsetError(
                f"{where}: span {span.start}:{span.end} reads {text[span.start : span.end]!r}, "
                f"expected {span.text!r}"
            )


_SPAN_ORDER = operator.attrgetter("start", "end", "label")


def validate_spans(
    spans: Sequence[Span],
    labels: Collection[str],
    where: str,
    text: str | None = None,
    names: Sequence[str] | None = None,
) -> list[str]:
    """Every problem of a set of entity spans, one message each (empty: valid).

    The one rule the importer, the stored annotations and the build all apply, so that what an
    import accepts the build accepts: offsets inside ``text`` (when given) and reading the span's
    text, a known label, no whitespace at either edge nor a whitespace-only span (IOB2 tokens cannot
    hold them), no span listed twice or given two labels, no overlap (IOB2 needs flat spans).
    ``names[i]`` says where span ``i`` came from (e.g. ``region entity-3``); messages read
    ``"{where}, {name}: ..."``.
    """
    problems: list[str] = []

    def named(i: int) -> str:  # only for a problem: most span sets have none
        return names[i] if names else f"entity {i}"

    def add(i: int, message: str) -> None:
        span = spans[i]
        problems.append(f"{where}, {named(i)}: span {span.start}:{span.end} {span.text!r} {message}")

    for i, span in enumerate(spans):
        if not 0 <= span.start < span.end or span.end - span.start != len(span.text):
            add(i, "has offsets that do not fit its text")
        elif text is not None and span.end > len(text):
            add(i, f"is outside the text ({len(text)} characters)")
        elif text is not None and text[span.start : span.end] != span.text:
            add(i, f"reads {text[span.start : span.end]!r} in the text")
        if span.label not in labels:
            add(i, f"has unknown label {span.label!r} (known: {', '.join(labels)})")
        if span.text and span.text.isspace():
            add(i, "is only whitespace")
        elif span.text and (span.text[0].isspace() or span.text[-1].isspace()):
            add(i, "starts or ends with whitespace: select the entity without the space around it")
    keys = list(map(_SPAN_ORDER, spans))  # one C call per span, not a Python key function
    order = sorted(range(len(spans)), key=keys.__getitem__)
    for i, j in itertools.pairwise(order):
        a, b = spans[i], spans[j]
        if (a.start, a.end) == (b.start, b.end):
            again = "is listed twice" if a.label == b.label else f"has two labels ({a.label}, {b.label})"
            add(j, f"{again}; also {named(i)}")
    end_of, last, previous = -1, -1, None
    for i in order:
        span = spans[i]
        if (span.start, span.end) == previous:
            continue  # reported above
        previous = (span.start, span.end)
        if span.start < end_of:
            other = spans[last]
            add(i, f"overlaps {named(last)} {other.start}:{other.end} {other.text!r} (entities must be flat)")
        if span.end > end_of:
            end_of, last = span.end, i
    return problems


def rebuild_segment(doc: Document) -> str:
    """The seed characters ``seed_start:seed_end`` from the document text and its cuts."""
    out: list[str] = []
    pos, taken = doc.seed_start, 0
    for cut in sorted(doc.cuts, key=lambda c: c.start):
        keep = cut.start - pos
        out.append(doc.text[taken : taken + keep])
        out.append(cut.text)
        taken += keep
        pos = cut.start + len(cut.text)
    out.append(doc.text[taken:])
    return "".join(out)


def rebuild_seed(docs: Iterable[Document]) -> str:
    """The full seed text from the documents split out of it (they tile the seed in order)."""
    return "".join(rebuild_segment(d) for d in sorted(docs, key=lambda d: d.seed_start))
