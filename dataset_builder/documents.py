"""The document model every stage reads and writes.

Offsets are Python code-point offsets into ``Document.text``; ``text[start:end] == span.text``
is an invariant checked by :func:`check_spans` at every stage boundary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
