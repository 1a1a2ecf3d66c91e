"""Rows and features of the four dataset configs, derived from ``documents`` rows.

Every config is a pure function of a ``documents`` row (the staging format of the build), so that
the build can stream: ``ner`` and ``topics`` rows come from one document, ``parallel`` rows from the
documents of one translation group. Labels always come from :mod:`dataset_builder.schema`.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import regex

from dataset_builder import schema
from dataset_builder.documents import Document, Span, validate_spans
from dataset_builder.errors import InputError

# The features come from the field table (schema); these names stay until callers import schema.
CONFIG_NAMES = schema.CONFIG_NAMES
config_features = schema.config_features
ner_features = schema.ner_features
topics_features = schema.topics_features
parallel_features = schema.parallel_features

Row = dict[str, Any]
Offsets = tuple[int, int]


@cache
def _document_fields() -> tuple[str, ...]:
    return tuple(schema.documents_features())


def document_row(doc: Document) -> Row:
    """The ``documents`` row of a document (field for field, spans and cuts as dicts)."""
    row = {name: getattr(doc, name) for name in _document_fields()}
    row["entities"] = [
        {"start": s.start, "end": s.end, "text": s.text, "label": s.label, "entity_id": s.entity_id}
        for s in sorted(doc.entities, key=lambda s: (s.start, s.end))
    ]
    row["cuts"] = [{"start": c.start, "text": c.text, "reason": c.reason} for c in doc.cuts]
    row["topics"] = list(doc.topics)
    return row


# --- ner ------------------------------------------------------------------------------------------

_TOKEN = regex.compile(r"(?:\p{Lu}\.){2,}|[\w\p{M}]+|[^\w\p{M}\s]")
"""Abbreviations (U.S.), runs of letters, digits and marks, or one other non-space character."""
_PIECES = regex.compile(rf"(\s*)({_TOKEN.pattern})")
"""The whitespace before a token, and the token: every character of a text is in one or the other."""
_SENTENCE_END = {
    "ar": regex.compile(r"[.!?؟]+[\"'»”)]*(?=\s)|\n+"),
    "en": regex.compile(r"[.!?]+[\"'”)]*(?=\s+[\"“'(]?[\p{Lu}\d])|\n+"),
}


Span3 = tuple[int, int, str]
"""``(start, end, label)`` of an entity: what the ``ner`` config needs of a span."""


def _checked_spans(row: Mapping[str, Any]) -> list[Span3]:
    """Entities sorted by offset; IOB2 cannot express overlaps or spans with outer whitespace."""
    spans = sorted(row["entities"], key=lambda s: (s["start"], s["end"]))
    problems = validate_spans(
        [Span(s["start"], s["end"], s["text"], s["label"]) for s in spans],
        schema.ENTITY_LABELS,
        f"document {row['id']}",
        row["text"],
    )
    if problems:
        raise InputError("\n".join(problems))
    return [(s["start"], s["end"], s["label"]) for s in spans]


def sentences(text: str, language: str, spans: Sequence[Span3] = ()) -> list[Offsets]:
    """Sentence offsets (stripped, non-empty); never cuts inside an entity span."""
    starts = [s[0] for s in spans]  # spans are sorted and flat (see _checked_spans)
    cuts = [0]
    for match in _SENTENCE_END[language].finditer(text):
        at = match.end()
        covering = bisect_left(starts, at) - 1
        if covering < 0 or not spans[covering][1] > at:
            cuts.append(at)
    cuts.append(len(text))
    out: list[Offsets] = []
    for start, end in itertools.pairwise(cuts):
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((start + lead, start + lead + len(stripped)))
    return out


def tokenize(text: str, start: int, end: int, boundaries: Sequence[int] = ()) -> list[Offsets]:
    """Word and punctuation tokens of ``text[start:end]``, also cut at every sorted ``boundaries`` offset.

    Cutting at entity boundaries is what splits Arabic proclitics (و ف ب ل ك) off a name:
    ``وبلينكن`` with a span on ``بلينكن`` gives ``و`` / ``بلينكن``.
    """
    _, starts, ends = _tokens(text, start, end, boundaries)
    return list(zip(starts, ends, strict=True))


def _tokens(
    text: str, start: int, end: int, boundaries: Sequence[int]
) -> tuple[list[str], list[int], list[int]]:
    """:func:`tokenize` as (token texts, starts, ends). The gaps and tokens come from one ``findall``
    and the offsets from their running lengths: no match object, no slice per token."""
    pieces = _PIECES.findall(text, start, end)
    if not pieces:
        return [], [], []
    gaps, words = zip(*pieces, strict=True)
    lengths = itertools.chain.from_iterable(zip(map(len, gaps), map(len, words), strict=True))
    bounds = list(itertools.accumulate(lengths, initial=start))
    tokens, starts, ends = list(words), bounds[1::2], bounds[2::2]
    # Most edges fall between tokens: find the few inside one by bisection, not by walking every token.
    # From the last cut back, so a split token keeps its index and start for the cuts before it.
    for cut in reversed(boundaries[bisect_right(boundaries, start) : bisect_left(boundaries, end)]):
        i = bisect_left(starts, cut) - 1
        if i >= 0 and cut < ends[i]:
            a, b = starts[i], ends[i]
            starts.insert(i + 1, cut)
            ends.insert(i, cut)
            tokens[i : i + 1] = [text[a:cut], text[cut:b]]
    return tokens, starts, ends


@cache
def ner_tag_ids() -> dict[str, int]:
    """ClassLabel id of every IOB2 tag name, so the columnar build writes ids without encoding rows."""
    return {name: i for i, name in enumerate(schema.ner_tag_names())}


def iob2_tag_ids(starts: Sequence[int], ends: Sequence[int], spans: Sequence[Span3]) -> list[int]:
    """IOB2 tag id per token (``starts[i]:ends[i]``); tokens never straddle a span edge (see
    :func:`tokenize`)."""
    ids = ner_tag_ids()
    tags = [ids["O"]] * len(starts)
    for start, end, label in spans:
        tag = ids["B-" + label]
        for i in range(bisect_left(starts, start), len(starts)):
            if ends[i] > end:
                break
            tags[i] = tag
            tag = ids["I-" + label]
    return tags


def spans_from_tags(
    starts: Sequence[int], ends: Sequence[int], tags: Sequence[str]
) -> list[tuple[int, int, str]]:
    """Decode IOB2 tags back to ``(start, end, label)`` character spans."""
    spans: list[tuple[int, int, str]] = []
    for start, end, tag in zip(starts, ends, tags, strict=True):
        if tag.startswith("I-") and spans and spans[-1][2] == tag[2:]:
            spans[-1] = (spans[-1][0], end, spans[-1][2])
        elif tag != "O":
            spans.append((start, end, tag[2:]))
    return spans


@dataclass(frozen=True, slots=True)
class NerTokens:
    """The ``ner`` rows of one document as flat lists: its tokens (strings and offsets) and their IOB2
    tag ids, sentence after sentence; ``counts[i]`` tokens belong to sentence ``i``."""

    counts: list[int]
    tokens: list[str]
    starts: list[int]
    ends: list[int]
    tags: list[int]


def ner_tokens(text: str, language: str, spans: Sequence[Span3]) -> NerTokens:
    """Tokens and IOB2 tag ids of every sentence, for sorted, valid, flat ``spans``.

    The one definition of ``ner`` rows (:func:`ner_sentences`, :func:`ner_rows` and the columnar
    build all read it). What :func:`tokenize` would give sentence by sentence is computed for the
    whole text at once, which is the same: a sentence starts after whitespace and ends before it,
    where no token runs across, and no entity runs across a sentence end.
    """
    boundaries = sorted({s[0] for s in spans} | {s[1] for s in spans})
    tokens, starts, ends = _tokens(text, 0, len(text), boundaries)
    tags = iob2_tag_ids(starts, ends, spans)
    ranges = [(bisect_left(starts, a), bisect_left(starts, b)) for a, b in sentences(text, language, spans)]
    counts = [j - i for i, j in ranges]
    if sum(counts) != len(tokens):  # tokens outside every sentence ([\x1c-\x1f] that strip() drops)
        keep = [k for i, j in ranges for k in range(i, j)]
        tokens, starts, ends, tags = ([column[k] for k in keep] for column in (tokens, starts, ends, tags))
    return NerTokens(counts, tokens, starts, ends, tags)


def ner_sentences(
    text: str, language: str, spans: Sequence[Span3]
) -> Iterator[tuple[list[Offsets], list[int]]]:
    """Token offsets and IOB2 tag ids of every sentence (:func:`ner_tokens`, sentence by sentence)."""
    doc = ner_tokens(text, language, spans)
    offsets = list(zip(doc.starts, doc.ends, strict=True))
    i = 0
    for count in doc.counts:
        yield offsets[i : i + count], doc.tags[i : i + count]
        i += count


def ner_row_id(document_id: str, index: int) -> str:
    return f"{document_id}-s{index:04d}"


def ner_rows(row: Mapping[str, Any]) -> Iterator[Row]:
    """One row per sentence of a ``documents`` row."""
    text, names = row["text"], schema.ner_tag_names()
    sentence_rows = ner_sentences(text, row["language"], _checked_spans(row))
    for index, (tokens, tags) in enumerate(sentence_rows):
        yield {
            "id": ner_row_id(row["id"], index),
            "document_id": row["id"],
            "language": row["language"],
            "annotation_status": row["annotation_status"],
            "tokens": [text[a:b] for a, b in tokens],
            "ner_tags": [names[t] for t in tags],
            "token_starts": [a for a, _ in tokens],
            "token_ends": [b for _, b in tokens],
        }


# --- topics and parallel --------------------------------------------------------------------------


def topic_row(row: Mapping[str, Any]) -> Row:
    return {
        "id": row["id"],
        "language": row["language"],
        "annotation_status": row["annotation_status"],
        "text": row["text"],
        "labels": list(row["topics"]),
    }


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parallel_rows(group: str, members: Sequence[Mapping[str, Any]]) -> Iterator[Row]:
    """Pairs across the two schema languages (Arabic–English) of a translation group.

    Aligned by paragraph when both documents have as many non-empty lines, else one document pair.
    """
    first, second = schema.LANGUAGES
    for a in sorted((m for m in members if m["language"] == first), key=lambda m: m["id"]):
        for b in sorted((m for m in members if m["language"] == second), key=lambda m: m["id"]):
            stem = f"{a['id']}+{b['id']}"
            a_par, b_par = paragraphs(a["text"]), paragraphs(b["text"])
            if len(a_par) == len(b_par):
                for i, pair in enumerate(zip(a_par, b_par, strict=True)):
                    yield _pair(f"{stem}-p{i:03d}", group, "paragraph", pair)
            else:
                yield _pair(f"{stem}-doc", group, "document", (a["text"].strip(), b["text"].strip()))


def _pair(id_: str, group: str, alignment: str, texts: tuple[str, str]) -> Row:
    translation = dict(zip(schema.LANGUAGES, texts, strict=True))
    return {"id": id_, "translation_group": group, "alignment": alignment, "translation": translation}
