"""The tables of the four dataset configs, built column by column from ``documents`` rows in Arrow.

Every config is a function of ``documents`` rows (the staging format of the build), so that the build
can stream: ``ner`` and ``topics`` rows come from one document, ``parallel`` rows from the documents of
one translation group. Labels and column names always come from :mod:`dataset_builder.schema`. The
row-wise definitions these tables must equal live in the tests (``tests/support/oracles.py``).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import regex

from dataset_builder import schema

# The features come from the field table (schema); these names stay until callers import schema.
CONFIG_NAMES = schema.CONFIG_NAMES
config_features = schema.config_features
ner_features = schema.ner_features
topics_features = schema.topics_features
parallel_features = schema.parallel_features

Row = dict[str, Any]
Offsets = tuple[int, int]


# --- ner ------------------------------------------------------------------------------------------

_TOKEN = regex.compile(r"(?:\p{Lu}\.){2,}|[\w\p{M}]+|[^\w\p{M}\s]")
"""Abbreviations (U.S.), runs of letters, digits and marks, or one other non-space character."""
_PIECES = regex.compile(rf"(\s*)({_TOKEN.pattern})")
"""The whitespace before a token, and the token: every character of a text is in one or the other."""
_SENTENCE_END = {
    "ar": regex.compile(r"[.!?؟]+[\"'»”)]*(?=\s)|\n+"),
    "en": regex.compile(r"[.!?]+[\"'”)]*(?=\s+[\"“'(]?[\p{Lu}\d])|\n+"),
}


EntityOffsets = tuple[int, int, str]
"""``(start, end, label)`` of an entity: all the ``ner`` config needs of a span."""


def sentences(text: str, language: str, spans: Sequence[EntityOffsets] = ()) -> list[Offsets]:
    """Sentence offsets (stripped, non-empty); never cuts inside an entity span."""
    starts = [s[0] for s in spans]  # spans are sorted and flat (the build checked them)
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


def iob2_tag_ids(starts: Sequence[int], ends: Sequence[int], spans: Sequence[EntityOffsets]) -> list[int]:
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


@dataclass(frozen=True, slots=True)
class NerTokens:
    """The ``ner`` rows of one document as flat lists: its tokens (strings and offsets) and their IOB2
    tag ids, sentence after sentence; ``counts[i]`` tokens belong to sentence ``i``."""

    counts: list[int]
    tokens: list[str]
    starts: list[int]
    ends: list[int]
    tags: list[int]


def ner_tokens(text: str, language: str, spans: Sequence[EntityOffsets]) -> NerTokens:
    """Tokens and IOB2 tag ids of every sentence, for sorted, valid, flat ``spans``.

    The one definition of ``ner`` rows (:class:`NerRows` and the tests' row-wise oracle read it).
    What :func:`tokenize` would give sentence by sentence is computed for the whole text at once, which is the same: a sentence starts after whitespace and ends before it,
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


def ner_row_id(document_id: str, index: int) -> str:
    return f"{document_id}-s{index:04d}"


TOKEN_COLUMNS = (schema.TOKENS, schema.NER_TAGS, schema.TOKEN_STARTS, schema.TOKEN_ENDS)
"""The ``ner`` columns that come from a document's text and spans alone (what is cached)."""


@cache
def _ner_schema() -> pa.Schema:
    return ner_features().arrow_schema


@cache
def _token_schema() -> pa.Schema:
    """The schema of a document's :data:`TOKEN_COLUMNS` table (cached ones are stored without it)."""
    return pa.schema([_ner_schema().field(name) for name in TOKEN_COLUMNS])


def _token_table(docs: Sequence[NerTokens]) -> pa.Table:
    """One row per sentence of ``docs``, in order, their :data:`TOKEN_COLUMNS` (one conversion
    for the lot: per document, Arrow's fixed cost per array would double the tokeniser's)."""
    counts = [count for doc in docs for count in doc.counts]
    offsets = pa.array(list(itertools.accumulate(counts, initial=0)), pa.int32())
    fields = list(_token_schema())
    values = [
        [v for doc in docs for v in getattr(doc, name)] for name in ("tokens", "tags", "starts", "ends")
    ]
    return pa.Table.from_arrays(
        [
            pa.ListArray.from_arrays(offsets, pa.array(v, f.type.value_type), type=f.type)
            for v, f in zip(values, fields, strict=True)
        ],
        schema=_token_schema(),
    )


class NerSource(NamedTuple):
    """What the ``ner`` rows of one document are made of (its entities sorted and valid)."""

    id: str
    text: str
    language: str
    status: str
    spans: list[EntityOffsets]


def ner_sources(table: pa.Table) -> Iterator[NerSource]:
    """The :class:`NerSource` of each ``documents`` row of ``table``."""
    entities = table.column(schema.ENTITIES).combine_chunks()
    bounds = pc.subtract(entities.offsets, entities.offsets[0]).to_pylist()
    flat = pc.list_flatten(entities)
    starts, ends, labels = (flat.field(name).to_pylist() for name in ("start", "end", "label"))
    names = (schema.ID, schema.TEXT, schema.LANGUAGE, schema.ANNOTATION_STATUS)
    columns = [table.column(name).to_pylist() for name in names]
    for i, (doc_id, text, language, status) in enumerate(zip(*columns, strict=True)):
        a, b = bounds[i], bounds[i + 1]
        spans = list(zip(starts[a:b], ends[a:b], labels[a:b], strict=True))
        yield NerSource(doc_id, text, language, status, spans)


STAGED_SENTENCES = "_ner_sentences"
"""Staging column: the number of tokens of each of a document's sentences."""
STAGED_TOKENS = {name: f"_ner_{name}" for name in TOKEN_COLUMNS}
"""Staging columns: each :data:`TOKEN_COLUMNS` column of a document's sentences, run together."""


@cache
def staged_token_fields() -> list[pa.Field]:
    """The fields a document's ``ner`` rows are kept in beside its ``documents`` row while a build
    stages it (and a rebuild takes them back: :mod:`dataset_builder.staged`)."""
    return [
        pa.field(STAGED_SENTENCES, pa.list_(pa.int32())),
        *(pa.field(STAGED_TOKENS[name], _ner_schema().field(name).type) for name in TOKEN_COLUMNS),
    ]


def staged_token_columns(documents: Sequence[NerSource]) -> list[pa.Array]:
    """The :func:`staged_token_fields` columns of ``documents`` (one row each): their sentences
    tokenised and tagged (:func:`ner_tokens`). A rebuild takes the tokens of unchanged documents back
    with their staged rows (:mod:`dataset_builder.staged`): only new or changed documents come here."""
    computed = [ner_tokens(d.text, d.language, d.spans) for d in documents]
    sentences = _token_table(computed)
    starts = pa.array(list(itertools.accumulate((len(t.counts) for t in computed), initial=0)), pa.int32())
    first = sentences.column(TOKEN_COLUMNS[0]).combine_chunks()
    counts = pc.list_value_length(first).cast(pa.int32())
    columns = [pa.ListArray.from_arrays(starts, counts)]
    for name in TOKEN_COLUMNS:
        column = sentences.column(name).combine_chunks()
        bounds = pc.subtract(column.offsets, column.offsets[0]).take(starts)  # each document's first token
        kind = _ner_schema().field(name).type
        columns.append(pa.ListArray.from_arrays(bounds, pc.list_flatten(column), type=kind))
    return columns


def ner_table(table: pa.Table) -> pa.Table:
    """The ``ner`` rows of staged ``documents`` rows (with their :func:`staged_token_fields`), in order:
    one row per sentence, cut from the columns without a Python object per token."""
    sentences = table.column(STAGED_SENTENCES).combine_chunks()
    owners = pc.list_parent_indices(sentences)
    firsts = pc.subtract(sentences.offsets, sentences.offsets[0]).to_pylist()
    ids = table.column(schema.ID).to_pylist()
    row_ids = [ner_row_id(ids[o], k - firsts[o]) for k, o in enumerate(owners.to_pylist())]
    counts = pc.list_flatten(sentences)
    offsets = pa.array(list(itertools.accumulate(counts.to_pylist(), initial=0)), pa.int32())
    per_document = (schema.ID, schema.LANGUAGE, schema.ANNOTATION_STATUS)
    columns = [
        pa.array(row_ids, pa.string()),
        *(table.column(name).combine_chunks().take(owners) for name in per_document),
    ]
    for name in TOKEN_COLUMNS:
        flat = pc.list_flatten(table.column(STAGED_TOKENS[name]).combine_chunks())
        columns.append(pa.ListArray.from_arrays(offsets, flat, type=_ner_schema().field(name).type))
    return pa.Table.from_arrays(columns, schema=_ner_schema())


# --- topics and parallel --------------------------------------------------------------------------


def topics_table(table: pa.Table, topic_ids: Sequence[str]) -> pa.Table:
    """``topics`` rows of ``documents`` rows, topic names turned to ClassLabel ids at once."""
    arrow_schema = topics_features(topic_ids).arrow_schema
    topics = table.column(schema.TOPICS).combine_chunks()
    ids = pc.index_in(pc.list_flatten(topics), value_set=pa.array(topic_ids, pa.string()))
    kind = arrow_schema.field(schema.LABELS).type
    labels = pa.ListArray.from_arrays(
        pc.subtract(topics.offsets, topics.offsets[0]), ids.cast(kind.value_type), type=kind
    )
    names = (schema.ID, schema.LANGUAGE, schema.ANNOTATION_STATUS, schema.TEXT)
    return pa.Table.from_arrays([*(table.column(name) for name in names), labels], schema=arrow_schema)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parallel_rows(group: str, members: Sequence[Mapping[str, Any]]) -> Iterator[Row]:
    """Pairs across the two schema languages (Arabic–English) of a translation group (its
    ``documents`` rows, or their id, language and text).

    Aligned by paragraph when both documents have as many non-empty lines, else one document pair.
    """
    first, second = schema.LANGUAGES
    by_id = lambda m: m[schema.ID]  # noqa: E731
    for a in sorted((m for m in members if m[schema.LANGUAGE] == first), key=by_id):
        for b in sorted((m for m in members if m[schema.LANGUAGE] == second), key=by_id):
            stem = f"{a[schema.ID]}+{b[schema.ID]}"
            a_text, b_text = a[schema.TEXT], b[schema.TEXT]
            a_par, b_par = paragraphs(a_text), paragraphs(b_text)
            if len(a_par) == len(b_par):
                for i, pair in enumerate(zip(a_par, b_par, strict=True)):
                    yield _pair(f"{stem}-p{i:03d}", group, "paragraph", pair)
            else:
                yield _pair(f"{stem}-doc", group, "document", (a_text.strip(), b_text.strip()))


def _pair(id_: str, group: str, alignment: str, texts: tuple[str, str]) -> Row:
    translation = dict(zip(schema.LANGUAGES, texts, strict=True))
    return {
        schema.ID: id_,
        schema.TRANSLATION_GROUP: group,
        schema.ALIGNMENT: alignment,
        schema.TRANSLATION: translation,
    }


@cache
def _parallel_schema() -> pa.Schema:
    return parallel_features().arrow_schema


class ParallelPairs:
    """``parallel`` rows of the translation groups of a stream of ``documents`` batches: a group's
    rows come once all its members (``group_sizes``) have arrived. A group whose documents were built
    in different splits is left out (it would leak across splits) and said in :attr:`skipped`."""

    def __init__(self, group_sizes: Mapping[str, int]) -> None:
        self.group_sizes = group_sizes
        self.skipped: list[str] = []
        self.closed: list[str] = []
        """The groups completed so far, in order (those left out too)."""
        self._pending: dict[str, list[tuple[Row, str]]] = defaultdict(list)

    @property
    def open_groups(self) -> int:
        """How many groups have members yet to come."""
        return len(self._pending)

    def add(self, table: pa.Table, splits: Sequence[str]) -> Iterator[tuple[str, pa.Table]]:
        """``(split, parallel rows)`` of the groups that ``table``'s rows (in ``splits``) complete, one
        table per split in the order they complete (a table per group cost more than its rows)."""
        completed: dict[str, list[Row]] = defaultdict(list)
        for split, pairs in self._completed(table, splits):
            completed[split].extend(pairs)
        for split, pairs in completed.items():
            if pairs:
                yield split, pa.Table.from_pylist(pairs, schema=_parallel_schema())

    def _completed(self, table: pa.Table, splits: Sequence[str]) -> Iterator[tuple[str, list[Row]]]:
        """``(split, rows)`` of each group ``table`` completes (a group across splits goes to skipped)."""
        grouped = pc.fill_null(pc.not_equal(table.column(schema.TRANSLATION_GROUP), ""), False)
        rows = pc.indices_nonzero(grouped)  # only these rows' texts become Python strings
        names = (schema.ID, schema.LANGUAGE, schema.TEXT, schema.TRANSLATION_GROUP)
        columns = [table.column(name).take(rows).to_pylist() for name in names]
        picked = [splits[i] for i in rows.to_pylist()]
        for doc_id, language, text, group, split in zip(*columns, picked, strict=True):
            member = {schema.ID: doc_id, schema.LANGUAGE: language, schema.TEXT: text}
            self._pending[group].append((member, split))
            if len(self._pending[group]) < self.group_sizes[group]:
                continue
            members = self._pending.pop(group)
            self.closed.append(group)
            if len({s for _, s in members}) > 1:
                where = ", ".join(f"{m[schema.ID]} ({s})" for m, s in members)
                self.skipped.append(
                    f"translation group {group} left out of parallel: its documents were built in "
                    f"different splits ({where})"
                )
                continue
            yield split, list(parallel_rows(group, [m for m, _ in members]))
