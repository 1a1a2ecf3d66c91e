"""What the report shows, read from a built folder (and the project's annotations).

The built parquet holds only the final spans; the silver a gold document is compared with is given
by the caller (:func:`dataset_builder.pipeline.silver_of_gold`, computed once by the build for the
card and the report, or by ``dataset-builder report`` from :func:`read_gold`), and the annotators'
own annotations are read from ``annotations/documents``, checked against the built text (sha256): an
annotation file that changed since the build is reported as such, never compared against the wrong text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset_builder import annotations, schema
from dataset_builder.agreement import compute_agreement
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Document, Span
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.parquet_files import list_member
from dataset_builder.rows import count_rows, documents_from_table

BATCH_ROWS = 4096
_LABEL, _CUT_TEXT = "label", "text"
_OVERVIEW_COLUMNS = [
    schema.ID,
    schema.LANGUAGE,
    schema.DATE,
    schema.ANNOTATION_STATUS,
    schema.EVENT_ID,
    schema.TRANSLATION_GROUP,
    schema.TOPICS,
    schema.SEED_START,
    schema.SEED_END,
    list_member(schema.ENTITIES, _LABEL),
    list_member(schema.CUTS, _CUT_TEXT),
]
"""What the overview reads: of the spans, their labels alone; not the texts, whose lengths the seed
offsets and the cuts give (:func:`text_lengths`), for a third of the time."""


def split_files(folder: Path) -> list[tuple[str, Path]]:
    """``(split, path)`` of every ``documents`` parquet file, schema splits first, a split's shards in order."""
    paths = sorted(Path(folder).glob(schema.data_glob("documents")))
    if not paths:
        raise InputError(f"{folder}: no {schema.data_glob('documents')} (not a built dataset folder)")
    order = {s: i for i, s in enumerate(schema.SPLITS)}
    files = [(schema.split_of_file(p), p) for p in paths]
    return sorted(files, key=lambda sp: (order.get(sp[0], len(order)), sp[0], sp[1].name))


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A document linked to a shown one (same translation group or event): what its link shows."""

    id: str
    language: str
    event_id: str | None
    translation_group: str | None


COUNTERS = ("per_split", "per_status", "per_month", "entities", "documents_with_label", "topics")
"""The overview's counters, each summed over the ``documents`` files."""


@dataclass
class Overview:
    """Counters over every document of the folder; per-document facts stay in Arrow (``index``)."""

    per_split: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_month: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    entities: Counter[tuple[str, str]] = field(default_factory=Counter)
    documents_with_label: Counter[str] = field(default_factory=Counter)
    topics: Counter[tuple[str, str]] = field(default_factory=Counter)
    documents_with_topics: int = 0
    events: int = 0
    """Distinct event ids."""
    groups: int = 0
    """Distinct translation groups."""
    index: pa.Table = field(default_factory=lambda: INDEX_SCHEMA.empty_table())
    """Per document, in folder order (:data:`INDEX_SCHEMA`): its links and what the sample is chosen
    from (:func:`sample_rows`)."""
    files: list[FileRows] = field(default_factory=list)
    """Each ``documents`` file's rows of ``index``, in folder order."""
    text_sha256: dict[str, str] = field(default_factory=dict)
    """sha256 of the text of the documents that have an annotation file (to check it still fits)."""
    annotated_texts: dict[str, str] = field(default_factory=dict)
    """The texts of those documents (token-level agreement needs their tokens)."""

    @property
    def sample_keys(self) -> pa.Table:
        """What :func:`chosen_rows` chooses from, a row per document in folder order."""
        return self.index.select(_SAMPLE_SCHEMA.names)

    @property
    def total(self) -> int:
        return sum(self.per_split.values())

    @property
    def gold(self) -> int:
        return sum(n for (_, status), n in self.per_status.items() if status == schema.GOLD)

    @property
    def splits(self) -> set[str]:
        return {split for _, split in self.per_split}

    @property
    def statuses(self) -> set[str]:
        return {status for _, status in self.per_status}

    @property
    def languages(self) -> list[str]:
        seen = {lang for lang, _ in self.per_split}
        return [lang for lang in schema.LANGUAGES if lang in seen] + sorted(seen - set(schema.LANGUAGES))

    def place(self, at: int) -> tuple[FileRows, int]:
        """The file of the document at ``at`` in ``index``, and its row in the file."""
        file = self.files[bisect.bisect_right([f.start for f in self.files], at) - 1]
        return file, at - file.start

    def add(self, counts: Overview) -> None:
        """Add the counters of ``counts`` (one file's) to these."""
        for name in COUNTERS:
            getattr(self, name).update(getattr(counts, name))
        self.documents_with_topics += counts.documents_with_topics


@dataclass(frozen=True)
class FileRows:
    """One ``documents`` file of the folder, and where its rows are in the overview's ``index``."""

    split: str
    path: Path
    start: int
    rows: int
    sha256: str | None = None
    """The file's sha256 when the report's cache knew it (:class:`FileOverview`)."""


@dataclass
class FileOverview:
    """One ``documents`` file's share of the overview: its counters (in an :class:`Overview` of its
    own) and its :data:`INDEX_SCHEMA` rows. A function of the file's bytes and split alone, so the
    report's cache keeps it for a file a rebuild left unchanged (:mod:`dataset_builder.report.cache`)."""

    counts: Overview
    index: pa.Table


_DIGEST, _GOLD, _CHARACTERS, _PREFIX, _RENDERED = "digest", "is_gold", "characters", "prefix", "rendered"
GOLD_COLUMN = _GOLD
"""The index's column saying whether a document is gold."""
_DIGEST_BYTES = 16
_SAMPLE_SCHEMA = pa.schema(
    [(_DIGEST, pa.binary(_DIGEST_BYTES)), (_GOLD, pa.bool_()), (_CHARACTERS, pa.int64())]
)
_LINK_COLUMNS = (schema.ID, schema.LANGUAGE, schema.EVENT_ID, schema.TRANSLATION_GROUP)
INDEX_SCHEMA = pa.schema([*((name, pa.string()) for name in _LINK_COLUMNS), *_SAMPLE_SCHEMA])
"""Per document: what its links show (:class:`Neighbour`) and what the sample is chosen from."""


def sample_rows(keys: pa.Array, gold: pa.Array, characters: pa.Array) -> pa.Table:
    """The overview's rows the sample is chosen from (:data:`_SAMPLE_SCHEMA`): per document, the first
    16 bytes of its group key's sha256 (16 bytes a document, not the key: two keys of a million share
    them with a chance of about 1e-27, so they group and order documents as the keys' hex digests
    do), whether it is gold, and its characters."""
    digests = pa.array(
        [hashlib.sha256(key.encode("utf-8")).digest()[:_DIGEST_BYTES] for key in keys.to_pylist()],
        pa.binary(_DIGEST_BYTES),
    )
    return pa.table([digests, gold, characters], schema=_SAMPLE_SCHEMA)


def _parquet_batches(path: Path, columns: Sequence[str] | None = None) -> Iterator[pa.RecordBatch]:
    """``path``'s rows in batches, its column chunks read as they come: pre-buffering (pyarrow's
    default, for object stores) held about 40 MB of a million documents' file at once."""
    yield from pq.ParquetFile(path, pre_buffer=False).iter_batches(batch_size=BATCH_ROWS, columns=columns)


class OverviewCache(Protocol):
    """Where :func:`read_overview` finds the overview of a file it read before
    (:class:`dataset_builder.report.cache.ReportCache`)."""

    def file_overview(self, split: str, path: Path) -> tuple[str, FileOverview | None]:
        """The file's sha256, and its overview if known."""
        ...

    def keep_file_overview(self, split: str, sha256: str, overview: FileOverview) -> None: ...


def read_overview(
    folder: Path, annotated_ids: Iterable[str] = (), cache: OverviewCache | None = None
) -> Overview:
    """The counters and the index of every ``documents`` file, summed in folder order: a file's from
    ``cache`` when it knows it, else from one streaming pass over the file (:func:`file_overview`);
    the texts of ``annotated_ids`` alone are read (:func:`_texts_at`)."""
    wanted = pa.array(sorted(set(annotated_ids)), type=pa.string())
    out = Overview()
    indexes: list[pa.Table] = []
    for split, path in split_files(folder):
        sha256, known = cache.file_overview(split, path) if cache is not None else (None, None)
        if known is None:
            known = file_overview(split, path)
            if cache is not None and sha256 is not None:
                cache.keep_file_overview(split, sha256, known)
        out.add(known.counts)
        start = sum(f.rows for f in out.files)
        out.files.append(FileRows(split, path, start, known.index.num_rows, sha256))
        indexes.append(known.index)
        ids = known.index.column(schema.ID)
        annotated_rows = np.flatnonzero(pc.is_in(ids, value_set=wanted).to_numpy(zero_copy_only=False))
        for doc_id, text in _texts_at(path, annotated_rows.tolist()):
            out.text_sha256[doc_id] = annotations.text_sha256(text)
            out.annotated_texts[doc_id] = text
    if indexes:
        out.index = pa.concat_tables(indexes)
    out.events = _count_distinct(out.index.column(schema.EVENT_ID))
    out.groups = _count_distinct(out.index.column(schema.TRANSLATION_GROUP))
    return out


def file_overview(split: str, path: Path) -> FileOverview:
    """One streaming pass over a ``documents`` file (``split``'s): its counters, and per document only
    the :data:`INDEX_SCHEMA` columns."""
    out = Overview()
    indexes: list[pa.Table] = []
    for batch in _parquet_batches(path, _OVERVIEW_COLUMNS):
        languages, status = batch.column(schema.LANGUAGE), batch.column(schema.ANNOTATION_STATUS)
        out.per_split.update({(lang, split): n for (lang,), n in count_rows([languages]).items()})
        out.per_status.update(count_rows([languages, status]))
        out.per_month.update(count_rows([languages, pc.strftime(batch.column(schema.DATE), "%Y-%m")]))
        sample = sample_rows(
            pc.coalesce(batch.column(schema.TRANSLATION_GROUP), batch.column(schema.ID)),
            pc.equal(status, schema.GOLD),
            text_lengths(batch),
        )
        indexes.append(
            pa.table([*(batch.column(n) for n in _LINK_COLUMNS), *sample.columns], schema=INDEX_SCHEMA)
        )
        entities, topics = batch.column(schema.ENTITIES), batch.column(schema.TOPICS)
        owners, labels = (
            pc.list_parent_indices(entities),
            pc.struct_field(pc.list_flatten(entities), _LABEL),
        )
        out.entities.update(count_rows([languages.take(owners), labels]))
        labelled = pa.table([owners, labels], names=["doc", _LABEL]).group_by(["doc", _LABEL]).aggregate([])
        out.documents_with_label.update({label: n for (label,), n in count_rows([labelled[_LABEL]]).items()})
        owners = pc.list_parent_indices(topics)
        out.documents_with_topics += pc.count_distinct(owners).as_py()
        out.topics.update(count_rows([languages.take(owners), pc.list_flatten(topics)]))
    index = pa.concat_tables(indexes) if indexes else INDEX_SCHEMA.empty_table()
    return FileOverview(out, index.combine_chunks())


def text_lengths(batch: pa.RecordBatch) -> pa.Array:
    """Each document's text length in characters, from its seed offsets and its cuts' texts: cleaning
    only deletes, so the text is the seed's ``seed_start:seed_end`` less the cuts."""
    cuts = batch.column(schema.CUTS)
    cut = pc.utf8_length(pc.struct_field(pc.list_flatten(cuts), _CUT_TEXT)).to_numpy(zero_copy_only=False)
    owners = pc.list_parent_indices(cuts).to_numpy(zero_copy_only=False)
    removed = np.bincount(owners, weights=cut, minlength=batch.num_rows).astype(np.int64)  # exact below 2**53
    spans = pc.subtract(batch.column(schema.SEED_END), batch.column(schema.SEED_START))
    return pa.array(spans.to_numpy(zero_copy_only=False).astype(np.int64) - removed)


def _texts_at(path: Path, rows: Sequence[int]) -> Iterator[tuple[str, str]]:
    """``(id, text)`` of the documents at ``rows`` of ``path`` (in order), reading only the row groups
    that hold them."""
    if not rows:
        return
    taken = _take_rows(path, rows, [schema.ID, schema.TEXT])
    yield from zip(taken.column(schema.ID).to_pylist(), taken.column(schema.TEXT).to_pylist(), strict=True)


def _take_rows(path: Path, rows: Sequence[int], columns: Sequence[str] | None = None) -> pa.Table:
    """The rows at ``rows`` of ``path`` (sorted), reading only the row groups that hold them."""
    parquet = pq.ParquetFile(path, pre_buffer=False)
    ends = np.cumsum([parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)])
    at = np.asarray(rows, np.int64)
    group_of = np.searchsorted(ends, at, side="right")
    parts = []
    for group in np.unique(group_of):
        table = parquet.read_row_group(int(group), columns=columns)
        first = int(ends[group]) - table.num_rows
        parts.append(table.take(pa.array(at[group_of == group] - first)))
    return pa.concat_tables(parts)


def _count_distinct(column: pa.ChunkedArray) -> int:
    """How many distinct non-empty values a string column holds (null and ``""`` mean "none")."""
    return pc.count_distinct(column.filter(pc.fill_null(pc.not_equal(column, ""), False))).as_py()


# --- the sample -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """The documents rendered in full, and why (the limits that chose them)."""

    ids: frozenset[str]
    max_documents: int
    max_characters: int
    rows: tuple[int, ...] = ()
    """Where they are in the overview's ``index``, in id order."""

    def __len__(self) -> int:
        return len(self.ids)


def choose_sample(overview: Overview, max_documents: int, max_characters: int) -> Sample:
    """A deterministic sample: gold groups first, then the rest by sha256 of the group key.

    A translation group is taken whole or not at all (its partner links must resolve); groups are
    added in that order while both limits hold, so the file's size stays bounded. The documents are
    ordered in Arrow, a group's members together, and walked in slices; only the chosen keys become
    Python.
    """
    if max_documents < 1 or max_characters < 1:
        raise InputError(
            f"the report must be allowed at least one document and one character "
            f"(got {max_documents} documents, {max_characters} characters)"
        )
    chosen = chosen_rows(overview.sample_keys, max_documents, max_characters)
    ids = overview.index.column(schema.ID).take(pa.array(chosen, pa.int64())).to_pylist()
    by_id = sorted(zip(ids, chosen, strict=True))
    return Sample(frozenset(ids), max_documents, max_characters, tuple(row for _, row in by_id))


def chosen_rows(sample_keys: pa.Table, max_documents: int, max_characters: int) -> list[int]:
    """The rows :func:`choose_sample` takes (``sample_keys``: the overview's, a row per document in
    folder order), a group's rows together and the groups in the order they were taken."""
    if not sample_keys.num_rows:
        return []
    digests = sample_keys.column(_DIGEST).combine_chunks()
    gold = pc.is_in(digests, value_set=pc.unique(digests.filter(sample_keys.column(_GOLD))))
    # The documents in order (gold groups first, then by the digest: its first 8 bytes as a number,
    # then the rest), so that a group's members are consecutive: no hash table of a million groups,
    # nor a sorted copy of them. Sorting on the 8-byte prefix first is 3x faster.
    words = np.frombuffer(digests.buffers()[1], dtype=">u8", count=2 * (digests.offset + len(digests)))
    prefix = pa.array(words.reshape(-1, 2)[digests.offset :, 0].astype(np.uint64))
    order = pc.sort_indices(
        pa.table([gold, prefix, digests], names=[_GOLD, _PREFIX, _DIGEST]),
        sort_keys=[(_GOLD, "descending"), (_PREFIX, "ascending"), (_DIGEST, "ascending")],
    )
    del gold, prefix, words
    # the groups are runs of equal digests in that order: their sizes and characters in numpy, so
    # that only the groups (not the documents) are walked in Python
    ordered = digests.take(order)
    halves = np.frombuffer(ordered.buffers()[1], dtype=np.uint64, count=2 * len(ordered)).reshape(-1, 2)
    starts = np.flatnonzero(np.concatenate([[True], (halves[1:] != halves[:-1]).any(axis=1)]))
    del halves
    sizes = np.diff(np.append(starts, len(ordered)))
    characters = np.add.reduceat(
        sample_keys.column(_CHARACTERS).combine_chunks().take(order).to_numpy(), starts
    )
    rows = order.to_numpy()
    chosen: list[int] = []
    documents = total = 0
    for start, members, size in zip(starts.tolist(), sizes.tolist(), characters.tolist(), strict=True):
        if documents == max_documents:  # no group fits any more
            break
        if documents + members <= max_documents and total + size <= max_characters:
            chosen += rows[start : start + members].tolist()
            documents += members
            total += size
    return chosen


def read_neighbours(
    overview: Overview, sample: Sample, event_members: int
) -> tuple[list[Neighbour], dict[str, int]]:
    """The documents linked to the ``sample``, in folder order, and the size of each of its events.

    Linked are every document sharing a translation group with a shown one, and of each shown
    document's event its first ``event_members`` in link order (shown ones first, then by id): all a
    document's links show of its event besides its size. An event of tens of thousands of documents
    (a large corpus' recurring story) made as many Python objects, sorted, for a dozen links.
    """
    index = overview.index
    rows = pa.array(sample.rows, pa.int64())
    shown = index.take(rows)
    in_group = pc.is_in(
        index.column(schema.TRANSLATION_GROUP), value_set=_distinct(shown, schema.TRANSLATION_GROUP)
    )
    in_event = np.flatnonzero(
        pc.is_in(index.column(schema.EVENT_ID), value_set=_distinct(shown, schema.EVENT_ID)).to_numpy(
            zero_copy_only=False
        )
    )
    rendered = np.zeros(index.num_rows, bool)
    rendered[np.asarray(sample.rows, np.int64)] = True
    members = index.select([schema.ID, schema.EVENT_ID]).take(pa.array(in_event))
    order = pc.sort_indices(
        members.append_column(_RENDERED, pa.array(rendered[in_event])),
        sort_keys=[(schema.EVENT_ID, "ascending"), (_RENDERED, "descending"), (schema.ID, "ascending")],
    ).to_numpy()
    events = members.column(schema.EVENT_ID).take(pa.array(order)).combine_chunks()
    changed = pc.not_equal(events[1:], events[:-1]).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.concatenate([[len(events) > 0], changed]))
    sizes = np.diff(np.append(starts, len(events)))
    rank = np.arange(len(events)) - np.repeat(starts, sizes)
    linked = in_group.to_numpy(zero_copy_only=False).copy()
    linked[in_event[order[rank < event_members]]] = True
    picked = index.filter(pa.array(linked))
    neighbours = [
        Neighbour(*values)
        for values in zip(*(picked.column(n).to_pylist() for n in _LINK_COLUMNS), strict=True)
    ]
    return neighbours, dict(zip(events.take(pa.array(starts)).to_pylist(), sizes.tolist(), strict=True))


def _distinct(table: pa.Table, name: str) -> pa.Array:
    """The distinct non-empty values of a string column (null and ``""`` mean "none")."""
    column = table.column(name)
    return pc.unique(column.filter(pc.fill_null(pc.not_equal(column, ""), False)))


def read_gold(folder: Path) -> list[Document]:
    """The gold documents of a built folder (what the build re-annotated for its silver against gold)."""
    gold = []
    for _, path in split_files(folder):
        for batch in _parquet_batches(path):
            picked = batch.filter(pc.equal(batch.column(schema.ANNOTATION_STATUS), schema.GOLD))
            gold += documents_from_table(pa.Table.from_batches([picked]))
    return gold


def read_rows(overview: Overview, rows: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The full ``documents`` rows at ``rows`` (places in the overview's ``index``), each with a
    ``split`` key: only the row groups that hold them are read."""
    wanted = np.unique(np.asarray(list(rows), np.int64))
    out: dict[int, dict[str, Any]] = {}
    for file in overview.files:
        here = wanted[np.searchsorted(wanted, file.start) : np.searchsorted(wanted, file.start + file.rows)]
        if len(here):
            taken = _take_rows(file.path, (here - file.start).tolist())
            for at, row in zip(here.tolist(), taken.to_pylist(), strict=True):
                out[at] = row | {"split": file.split}
    return out


# --- silver against gold --------------------------------------------------------------------------

SpanKey = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class SpanChange:
    """One difference between the silver spans and the gold spans of a document.

    ``missed``: gold span silver did not mark; ``spurious``: silver span gold dropped; ``relabelled``:
    overlapping spans with another label; ``boundary``: same label, other extent.
    """

    kind: str
    silver: Span | None
    gold: Span | None

    @property
    def label(self) -> str:
        return (self.gold or self.silver).label  # type: ignore[union-attr]


CHANGE_KINDS = ("missed", "spurious", "relabelled", "boundary")


def span_changes(silver: Sequence[Span], gold: Sequence[Span]) -> tuple[Counter[str], list[SpanChange]]:
    """Spans both agree on exactly (count per label), and the changes from silver to gold, in text order.

    A gold span is paired with the first unpaired overlapping silver span; what stays unpaired is
    missed (gold) or spurious (silver).
    """
    key = lambda s: (s.start, s.end, s.label)  # noqa: E731
    both = {key(s) for s in silver} & {key(s) for s in gold}
    left = sorted((s for s in silver if key(s) not in both), key=key)
    changes: list[SpanChange] = []
    for g in sorted((s for s in gold if key(s) not in both), key=key):
        partner = next((s for s in left if s.overlaps(g)), None)
        if partner is None:
            changes.append(SpanChange("missed", None, g))
            continue
        left.remove(partner)
        changes.append(SpanChange("relabelled" if partner.label != g.label else "boundary", partner, g))
    changes += [SpanChange("spurious", s, None) for s in left]
    changes.sort(key=lambda c: ((c.gold or c.silver).start, (c.gold or c.silver).end, c.kind))  # type: ignore[union-attr]
    return Counter(label for _, _, label in both), changes


@dataclass(frozen=True)
class SilverDiff:
    """Silver against gold for one gold document; ``unavailable`` says why there is none."""

    agreed: Mapping[str, int] = field(default_factory=dict)
    changes: tuple[SpanChange, ...] = ()
    silver_date: dt.date | None = None
    silver_date_source: str | None = None
    silver_topics: tuple[str, ...] = ()
    silver_language: str | None = None
    unavailable: str | None = None


def silver_diffs(
    rows: Sequence[Mapping[str, Any]], silver: Mapping[str, Document | str] | None
) -> dict[str, SilverDiff]:
    """Silver against gold for the gold rows; ``silver`` gives each one's silver document or why there
    is none (``None``: no seeds and annotations to rebuild it from)."""
    out: dict[str, SilverDiff] = {}
    for row in rows:
        if row[schema.ANNOTATION_STATUS] != schema.GOLD:
            continue
        if silver is None:
            reason = "no seeds and annotations folders were given, so the silver spans cannot be rebuilt"
            out[row[schema.ID]] = SilverDiff(unavailable=reason)
            continue
        doc = silver[row[schema.ID]]
        if isinstance(doc, str):
            out[row[schema.ID]] = SilverDiff(unavailable=doc)
        else:
            agreed, changes = span_changes(doc.entities, [Span(**s) for s in row[schema.ENTITIES]])
            out[row[schema.ID]] = SilverDiff(
                agreed, tuple(changes), doc.date, doc.date_source, tuple(doc.topics), doc.language
            )
    return out


# --- annotators -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dispute:
    """An item some but not all of a document's annotators chose."""

    kind: str  # entity | topic | date | language
    label: str | None  # entity label, topic id, or the field name
    text: str
    chosen_by: tuple[str, ...]
    annotators: int
    span: Span | None = None


@dataclass(frozen=True)
class AnnotatorView:
    """Who annotated one document (pseudonyms), how gold was decided, and what they disputed."""

    annotators: tuple[str, ...]
    rule: str
    disputes: tuple[Dispute, ...]


@dataclass
class Agreement:
    """The agreement figures (as in the card) and per-document views for the documents of this build."""

    figures: dict[str, Any] | None
    documents: dict[str, AnnotatorView]
    disputed_spans: Counter[str]
    disputed_topics: Counter[str]
    stale: list[str]
    """Annotation files whose document is not in this build or whose text differs from it."""
    missing: str | None = None
    """Why there are no figures, when there are none."""


def pseudonyms(annotated: Mapping[str, AnnotatedDocument]) -> dict[str, str]:
    """``annotator 1``… in sorted order of the e-mails: the report may be published, the e-mails are not."""
    emails = sorted({a.annotator for doc in annotated.values() for a in doc.annotations})
    return {email: f"annotator {i}" for i, email in enumerate(emails, 1)}


def read_annotations(
    annotations_dir: Path | None, knowledge: Knowledge | None
) -> dict[str, AnnotatedDocument]:
    if annotations_dir is None or knowledge is None:
        return {}
    return annotations.read_documents(Path(annotations_dir), knowledge.topic_ids)


def agreement(
    annotated: Mapping[str, AnnotatedDocument],
    text_sha256: Mapping[str, str],
    knowledge: Knowledge | None,
    texts: Mapping[str, str] | None = None,
) -> Agreement:
    """Agreement over the annotation files that fit this build's texts; disputes of every such document."""
    fitting = {d: doc for d, doc in annotated.items() if text_sha256.get(d) == doc.text_sha256}
    stale = sorted(set(annotated) - set(fitting))
    if knowledge is None:
        return Agreement(None, {}, Counter(), Counter(), stale, "no annotations folder was given")
    if not fitting:
        return Agreement(
            None, {}, Counter(), Counter(), stale, "no annotation file fits the texts of this build"
        )
    names = pseudonyms(annotated)
    views: dict[str, AnnotatorView] = {}
    spans: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    for doc_id, doc in fitting.items():
        latest = annotations.latest_per_annotator(doc.annotations)
        gold = annotations.adjudicate(doc, knowledge.topic_ids)
        if gold is None:
            continue
        disputes = tuple(_disputes(latest, names))
        spans.update(d.label for d in disputes if d.kind == "entity")
        topics.update(d.label for d in disputes if d.kind == "topic")
        views[doc_id] = AnnotatorView(tuple(names[a.annotator] for a in latest), gold.rule, disputes)
    figures = compute_agreement(fitting, knowledge.topic_ids, texts).to_dict()
    return Agreement(figures, views, spans, topics, stale)


def _disputes(latest: list[Annotation], names: Mapping[str, str]) -> Iterator[Dispute]:
    n = len(latest)
    if n < 2:
        return
    spans = annotations.who_chose(latest, lambda a: a.entities)
    for span in annotations.sort_spans(s for s, who in spans.items() if len(who) < n):
        yield Dispute("entity", span.label, span.text, tuple(names[w] for w in spans[span]), n, span)
    topics = annotations.who_chose(latest, lambda a: a.topics)
    for topic in sorted(t for t, who in topics.items() if len(who) < n):
        yield Dispute("topic", topic, topic, tuple(names[w] for w in topics[topic]), n)
    for name in ("date", "language"):
        values = annotations.who_chose(latest, lambda a, name=name: [getattr(a, name)])
        if len(values) > 1:
            for value, who in sorted(values.items(), key=lambda vw: str(vw[0])):
                shown = "none" if value is None else str(value)
                yield Dispute(name, name, shown, tuple(names[w] for w in who), n)
