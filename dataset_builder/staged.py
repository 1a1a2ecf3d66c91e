"""The build's staging table, and the rows of it a rebuild takes back for unchanged seed files.

The staging table holds every final document in seed-file order: its ``documents`` row, its ``ner``
tokens (:func:`configs.staged_token_fields`) and its seed file's key. After a pull or an edit, most
articles are the same as in the last build. The silver cache avoids annotating them again, but
turning each cached document back into Python objects, checking it, tokenising it and turning it
into Arrow again cost more than writing the dataset does. So a build keeps its staging table in the
project's cache folder, and the next build takes the rows of a file whose key
(:meth:`SilverCache.key`: the file's name and bytes, the knowledge, the code) is unchanged straight
from it, as Arrow. The file's documents must also be plain silver: not gold or disputed, named by no
human annotation, in no curated group. Every other file goes through the pipeline, and
:class:`ReusedRows` merges both in seed-file order.

The table is made of parts (:class:`StagedTable`), each an Arrow IPC file of consecutive seed files
named by the sha256 of its bytes. Parts are content-defined (:class:`StagingWriter`): a part ends
after a seed file whose key's digest is a multiple of :data:`PART_FILES`, so an edited file changes
its own part, and a rebuild refers to every other part of the last table as it is, without reading
its rows or writing them again: the staging cost of a rebuild follows what changed. A part is taken
whole only when every seed file in it is taken back (its keys are checked); any other is read row by
row and its reusable rows go into a new part. The output does not depend on where parts end: every
reader of the table goes batch by batch, and the configs are laid out however rows arrive
(:mod:`dataset_builder.parquet_files`).

The table is a cache: an unreadable or outdated one is ignored, and keys that do not match are
never read.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import configs, schema
from dataset_builder.errors import DatasetBuilderError
from dataset_builder.output import write_atomic
from dataset_builder.parquet_files import BATCH_ROWS, fresh

STAGED_DIR = "staged"
"""The cache folder's staging table: its parts and :data:`INDEX_FILE`."""
INDEX_FILE = "index.json"
"""The parts of the last build's table, in order (:meth:`StagedTable.read`)."""
PART_FILES = 1024
"""Seed files per part, on average: a part ends after a file whose key's digest is a multiple of it
(about 1,100 rows a part on the benchmark's corpus; an edit writes one again). On a 20k rebuild,
2,048 (parts of about 4,000 rows there) left the stage 0.4 s, most of it that part's rows."""
MAX_PART_ROWS = 16 * BATCH_ROWS
"""A part also ends, at a file's end, once it holds this many rows (it is held in memory until then)."""
_OLD_FILE = "staged.arrow"
"""The whole table in one file, as builds before the parts kept it (removed once a table is kept)."""
_FORMAT = 1
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
"""Each part is an Arrow IPC file: written once and read a few times per build, never published.
Measured on 10k documents: 0.08 s to write and 0.04 s to read, against 0.67 s and 0.40 s as parquet
(lz4), for 41 MB."""
KEY = "_seed_key"
"""The staging table's column of seed-file keys (dropped from every config)."""


@functools.cache
def staging_schema() -> pa.Schema:
    """The ``documents`` features, each document's ``ner`` tokens (:func:`configs.staged_token_fields`)
    and its seed file's key (null in a build without the silver cache)."""
    fields = [*configs.staged_token_fields(), pa.field(KEY, pa.binary())]
    arrow_schema = schema.documents_features().arrow_schema
    for f in fields:
        arrow_schema = arrow_schema.append(f)
    return arrow_schema


STAGING_ONLY = (configs.STAGED_SENTENCES, *configs.STAGED_TOKENS.values(), KEY)
"""The staging columns that are no ``documents`` column."""


@dataclass(frozen=True)
class Part:
    """One file of a staging table: its name (the sha256 of its bytes) and its rows."""

    name: str
    rows: int

    @property
    def batches(self) -> int:
        """A part holds batches of ``BATCH_ROWS`` rows, the last one shorter."""
        return -(-self.rows // BATCH_ROWS)


@dataclass
class StagedTable:
    """A staging table: its parts in order, in ``folder`` (the cache's :data:`STAGED_DIR`, or the
    build's own folder without the silver cache). Readers go batch by batch (:func:`open_table`)."""

    folder: Path
    parts: list[Part] = field(default_factory=list)

    @classmethod
    def read(cls, folder: Path) -> StagedTable:
        """The table whose index is in ``folder``; none (no parts) if it is missing or outdated."""
        try:
            data = json.loads((Path(folder) / INDEX_FILE).read_text(encoding="utf-8"))
            parts = [Part(str(p["name"]), int(p["rows"])) for p in data["parts"]]
            if data["format"] != _FORMAT or data["schema"] != _schema_digest():
                return cls(Path(folder))
            if not all(_PART_NAME.fullmatch(p.name) for p in parts):  # a part is a file of this folder
                return cls(Path(folder))
            return cls(Path(folder), parts)
        except (OSError, ValueError, KeyError, TypeError):
            return cls(Path(folder))

    def write_index(self) -> None:
        """Record the parts (replacing the index in one step), then remove the part files no longer listed."""
        data = {"format": _FORMAT, "schema": _schema_digest(), "parts": [vars(p) for p in self.parts]}
        write_atomic(self.folder / INDEX_FILE, json.dumps(data, indent=1).encode("utf-8"))
        listed = {p.name for p in self.parts}
        for path in self.folder.glob("*.arrow"):
            if path.name not in listed:
                path.unlink(missing_ok=True)


_PART_NAME = re.compile(r"[0-9a-f]{64}\.arrow")


def _schema_digest() -> str:
    return hashlib.sha256(staging_schema().serialize().to_pybytes()).hexdigest()


REUSE_COLUMNS = pa.schema([(KEY, pa.binary()), ("documents", pa.int64())])


@dataclass(frozen=True)
class PreviousPart:
    """A part of the last build's table, with what decides whether a rebuild takes it whole."""

    part: Part
    keys: pa.Array
    """The distinct keys of its rows (a null among them: a row no later build takes back)."""
    first_file: str
    last_file: str


@dataclass
class Reuse:
    """Which seed files a build takes from the previous staging table, and the keys of the others."""

    folder: Path
    """The cache's staging folder: the last build's parts, and this build's."""
    previous: list[PreviousPart] = field(default_factory=list)
    rows: pa.Table = field(default_factory=REUSE_COLUMNS.empty_table)
    """Key of each reusable seed file and how many documents it gave (:data:`REUSE_COLUMNS`; the
    pipeline keeps those of the files it is given, :meth:`keep`)."""
    file_keys: dict[str, bytes] = field(default_factory=dict)
    """Seed file name → key of the files whose documents the pipeline passes on, set as it does and
    taken back by the stage once their rows are written (memory stays at a batch's worth)."""
    human_ids: frozenset[str] = frozenset()
    """The documents a human annotation or a curated group names (their rows are never taken back)."""

    def keep(self, keys: pa.Array) -> np.ndarray:
        """Keep only the reusable files among ``keys`` (this corpus's files, unchanged: an edited one
        has a new key); how many documents each of ``keys`` gives back (0: not reused)."""
        at = pc.index_in(keys, value_set=self.rows.column(KEY))
        counts = pc.fill_null(self.rows.column("documents").take(at), 0).to_numpy()
        self.rows = self.rows.filter(pc.is_in(self.rows.column(KEY), value_set=keys))
        return counts


def plan_reuse(cache_dir: Path, human_ids: Collection[str]) -> Reuse:
    """The seed files of the previous build whose rows may be taken back (see the module's docstring).

    ``human_ids``: documents a human annotation or a curated group names (never taken back). Decided
    per seed file in Arrow (:func:`_file_checks`), over the columns it checks: on 20k documents,
    0.11-0.14 s, where a row-by-row pass in Python over every column took 0.24-0.52 s. The rows'
    checks are grouped by file once, over all parts: a grouping per batch (150 of them on 100k
    documents) cost 0.2 s of a rebuild's CPU in fixed costs.
    """
    folder = Path(cache_dir) / STAGED_DIR
    human = frozenset(human_ids)
    human_ids_array = pa.array(sorted(human), pa.string())
    checks: list[pa.Table] = []
    previous: list[PreviousPart] = []
    table = StagedTable.read(folder)
    try:
        for part in table.parts:
            with _open_part(folder / part.name, part, _CHECKED_COLUMNS) as reader:
                batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
            if sum(b.num_rows for b in batches) != part.rows:
                raise pa.ArrowInvalid(f"{part.name}: not the rows the index says")
            checks += [_file_checks(b, human_ids_array) for b in batches]
            files = [b.column(schema.SEED_FILE) for b in (batches[0], batches[-1])]
            keys = pc.unique(pa.chunked_array([b.column(KEY) for b in batches]))
            previous.append(PreviousPart(part, keys, files[0][0].as_py(), files[1][-1].as_py()))
    except (OSError, pa.ArrowException, IndexError):  # damaged or gone: every file goes through the pipeline
        return Reuse(folder, human_ids=human)
    if not checks:
        return Reuse(folder, human_ids=human)
    per_file = _combine(pa.concat_tables(checks))
    bilingual = pc.not_equal(per_file[_LANGUAGE_MIN], per_file[_LANGUAGE_MAX])
    plain = pc.and_(per_file[_PLAIN], pc.if_else(bilingual, per_file[_SELF_GROUPED], per_file[_UNGROUPED]))
    kept = per_file.filter(pc.and_(plain, pc.is_valid(per_file[KEY])))
    rows = pa.table([kept[KEY], kept[_ROWS]], schema=REUSE_COLUMNS)
    return Reuse(folder, previous, rows.combine_chunks(), human_ids=human)


_CHECKED_COLUMNS = (
    KEY,
    schema.ID,
    schema.SEED_FILE,
    schema.LANGUAGE,
    schema.ANNOTATION_STATUS,
    schema.EVENT_ID,
    schema.TRANSLATION_GROUP,
)
_ROWS, _PLAIN, _UNGROUPED, _SELF_GROUPED = "rows", "plain", "ungrouped", "self_grouped"
_LANGUAGE_MIN, _LANGUAGE_MAX = "language_min", "language_max"
_COMBINED = {
    _ROWS: "sum",
    _PLAIN: "all",
    _UNGROUPED: "all",
    _SELF_GROUPED: "all",
    _LANGUAGE_MIN: "min",
    _LANGUAGE_MAX: "max",
}


def _combine(table: pa.Table) -> pa.Table:
    """One row per key of ``table`` (:func:`_file_checks`' columns), each column combined by its
    :data:`_COMBINED` function (in no particular order: the result is looked up, never walked)."""
    grouped = table.group_by(KEY, use_threads=False).aggregate(list(_COMBINED.items()))
    return grouped.rename_columns({f"{name}_{how}": name for name, how in _COMBINED.items()})


_STEM = r"(?s)^(.+)\.[^.]+$"
"""A file name's stem as :attr:`PurePath.stem` takes it (the name less its last suffix; ``.x`` has
none), in Arrow: one ``PurePath`` per name was a third of :func:`plan_reuse` on 100k files."""


def _file_checks(batch: pa.RecordBatch, human_ids: pa.Array) -> pa.Table:
    """Per row of ``batch``, under its seed file's key (:func:`_combine` makes them one per file): a
    row count, its language and whether the row is what the silver pipeline alone gives: silver, in
    no event, named by no human annotation, and in no translation group, or (a file of several
    languages) in the group its file's stem names."""
    stems = pc.replace_substring_regex(batch.column(schema.SEED_FILE), _STEM, r"\1")
    groups = batch.column(schema.TRANSLATION_GROUP)
    status = pc.equal(batch.column(schema.ANNOTATION_STATUS), schema.SILVER)
    unnamed = pc.invert(pc.is_in(batch.column(schema.ID), value_set=human_ids))
    languages = batch.column(schema.LANGUAGE)
    return pa.table(
        {
            KEY: batch.column(KEY),
            _ROWS: pa.array(np.ones(batch.num_rows, np.int64)),
            _PLAIN: pc.and_(pc.and_(status, pc.is_null(batch.column(schema.EVENT_ID))), unnamed),
            _UNGROUPED: pc.is_null(groups),
            _SELF_GROUPED: pc.fill_null(pc.equal(groups, stems), False),
            _LANGUAGE_MIN: languages,
            _LANGUAGE_MAX: languages,
        }
    )


class ReusedRows:
    """The reusable rows of the previous staging table, in its (seed-file) order: whole parts where
    every row is taken back, else the rows themselves."""

    def __init__(self, reuse: Reuse) -> None:
        self._reuse = reuse
        self._parts: list[PreviousPart] | None = None
        self._next = 0
        self._taken_keys: list[tuple[bool, bool]] = []
        self._kept: pa.Array = reuse.rows.column(KEY)
        self._batches: Iterator[pa.Table] | None = None
        self._table: pa.Table | None = None
        self._files: list[str] = []
        self._at = 0
        self._taken = 0

    def check_all_taken(self) -> None:
        """Refuse a build that did not get every row it planned to take back: the table was replaced
        after it was read (a build of another project sharing the cache folder, at the same time)."""
        planned = pc.sum(self._reuse.rows.column("documents")).as_py() or 0
        if self._taken != planned:
            raise DatasetBuilderError(
                f"{self._reuse.folder}: the staged rows changed while this build read them ({self._taken} of "
                f"{planned} taken back; another build sharing this cache folder?); nothing was written, "
                "build again"
            )

    def before(self, seed_file: str | None) -> Iterator[pa.Table | Part]:
        """The rows of the seed files named before ``seed_file`` (None: all that are left): a
        :class:`Part` where all of a part's rows are taken back (:meth:`rows_of` reads them if the
        caller cannot take it whole), else tables of rows.

        Read from the first call on: the pipeline has by then kept only the files of this corpus.
        """
        if self._parts is None:
            self._kept = self._reuse.rows.column(KEY)
            self._parts = self._reuse.previous if len(self._kept) else []
            self._taken_keys = self._taken_per_part()
        while True:
            if self._batches is None:  # between parts
                if self._next == len(self._parts):
                    return
                previous = self._parts[self._next]
                if seed_file is not None and previous.first_file >= seed_file:
                    return
                some, every = self._taken_keys[self._next]
                self._next += 1
                if not some:
                    continue
                if every and (seed_file is None or previous.last_file < seed_file):
                    self._taken += previous.part.rows
                    yield previous.part
                    continue
                self._batches = self._filtered(previous.part)
                self._table = None
            if self._table is None or self._at == len(self._files):
                self._table = next(self._batches, None)
                if self._table is None:
                    self._batches = None
                    continue
                self._files, self._at = self._table.column(schema.SEED_FILE).to_pylist(), 0
            end = self._at
            while end < len(self._files) and (seed_file is None or self._files[end] < seed_file):
                end += 1
            if end > self._at:
                self._taken += end - self._at
                yield self._table.slice(self._at, end - self._at)
                self._at = end
            if end < len(self._files):
                return

    def _taken_per_part(self) -> list[tuple[bool, bool]]:
        """Whether some and whether every key of each previous part is taken back: one lookup over
        all parts (a lookup per part hashed every kept key each time, 0.8 s on 100k documents)."""
        if not self._parts:
            return []
        keys = pa.chunked_array([p.keys for p in self._parts], pa.binary())
        taken = pc.is_in(keys, value_set=self._kept).to_numpy(zero_copy_only=False)
        ends = np.cumsum([len(p.keys) for p in self._parts])
        return [(bool(t.any()), bool(t.all())) for t in np.split(taken, ends[:-1])]

    def rows_of(self, part: Part, columns: Collection[str] | None = None) -> Iterator[pa.Table]:
        """The rows of a part :meth:`before` gave whole (only ``columns``, if given)."""
        with open_table(StagedTable(self._reuse.folder, [part]), columns) as reader:
            for i in range(reader.num_record_batches):
                yield pa.Table.from_batches([reader.get_batch(i)])

    def _filtered(self, part: Part) -> Iterator[pa.Table]:
        for table in self.rows_of(part):
            taken = pc.is_in(table.column(KEY), value_set=self._kept)
            if pc.all(taken).as_py():  # every row (no copy)
                yield table
            elif pc.any(taken).as_py():
                yield table.filter(taken)


def _damaged(path: Path) -> DatasetBuilderError:
    """The error of a part that cannot be read (:func:`plan_reuse` read only some of its columns)."""
    return DatasetBuilderError(
        f"{path}: the staged rows are damaged or gone (another build sharing this cache folder?); nothing "
        f"was written. Build again; if it happens again, delete the folder {path.parent} (a cache: the "
        "next build stages every document again), or build with --no-cache"
    )


class StagingWriter:
    """Writes a staging table (:func:`staging_schema`) in content-defined parts: a part ends at the end
    of a seed file whose key's digest is a multiple of :data:`PART_FILES` (or once it holds
    :data:`MAX_PART_ROWS` rows), so that where parts end depends on the files around each end, and a
    rebuild (:meth:`add_part`) ends them where the last build did. Rows arrive in seed-file order, a
    file's rows together; a part's batches are written as they fill (a batch's worth in memory)."""

    def __init__(self, folder: Path) -> None:
        self.table = StagedTable(Path(folder))
        self.table.folder.mkdir(parents=True, exist_ok=True)
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._rows = 0
        """Rows of the current part, written or pending."""
        self._file: str | None = None
        self._key: bytes | None = None
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self._tmp: Path | None = None

    def add(self, table: pa.Table) -> None:
        """Rows after those added before (a seed file's rows may come in several tables)."""
        files = table.column(schema.SEED_FILE).to_pylist()
        keys = table.column(KEY).to_pylist()
        start = 0
        for i, name in enumerate(files):
            if name == self._file:
                continue
            if self._file is not None and self._ends_part(self._rows + i - start):
                self._append(table.slice(start, i - start))
                self._end_part()
                start = i
            self._file, self._key = name, keys[i]
        self._append(table.slice(start))

    def add_part(self, part: Part) -> bool:
        """Take a part of the last build's table as it is (its file is in this table's folder),
        if a part may end before it: whether it did (if not, add its rows)."""
        if self._rows and not self._ends_part(self._rows):
            return False
        self._end_part()
        self.table.parts.append(part)
        self._file = self._key = None
        return True

    def close(self) -> StagedTable:
        """Write what is left; the table written."""
        self._end_part()
        return self.table

    def __enter__(self) -> StagingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        """A part left unfinished (the build failed) is removed."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)

    def _ends_part(self, rows: int) -> bool:
        """Whether a part of ``rows`` rows ends after the current seed file."""
        if rows >= MAX_PART_ROWS:
            return True
        if self._key is None:  # a build without the silver cache: its parts are not kept
            return False
        return int.from_bytes(hashlib.sha256(self._key).digest()[:8], "big") % PART_FILES == 0

    def _append(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self._rows += table.num_rows
        if self._pending_rows >= BATCH_ROWS:
            self._write(last=False)

    def _write(self, *, last: bool) -> None:
        """Write the pending rows' full batches (``last``: all of them) into the current part."""
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        if self._writer is None:
            fd, tmp = tempfile.mkstemp(dir=self.table.folder, prefix=".part.", suffix=".tmp")
            os.close(fd)
            self._tmp = Path(tmp)
            self._writer = pa.ipc.new_file(tmp, staging_schema(), options=_IPC_OPTIONS)
        done = 0
        while table.num_rows - done >= BATCH_ROWS or (last and done < table.num_rows):
            # one batch, laid out the same however its rows arrived (the part's name is a digest)
            self._writer.write_table(fresh(table.slice(done, BATCH_ROWS), staging_schema()))
            done += BATCH_ROWS
        self._pending = [table.slice(done)] if done < table.num_rows else []
        self._pending_rows = table.num_rows - done

    def _end_part(self) -> None:
        """Finish the current part: its file named by the sha256 of its bytes."""
        if not self._rows:
            return
        self._write(last=True)
        if self._writer is None or self._tmp is None:  # _write opened them
            return
        self._writer.close()
        self._writer = None
        digest = hashlib.sha256()
        with self._tmp.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        name = f"{digest.hexdigest()}.arrow"
        os.replace(self._tmp, self.table.folder / name)  # the same name: the same bytes
        self._tmp = None
        self.table.parts.append(Part(name, self._rows))
        self._rows = 0


class TableReader:
    """A staging table's batches by number (each a part's batch), with only ``columns`` if given:
    only their buffers are read and decompressed (a rebuild that keeps a shard's files needs its
    documents' ids and statistics, not their ``ner`` tokens). A part's file is open while its batches
    are read (not memory-mapped: the pages of a mapped file stay in the process's memory once read,
    growing it with the corpus)."""

    def __init__(self, table: StagedTable, columns: Collection[str] | None) -> None:
        self._table, self._columns = table, columns
        self._at = [(i, j) for i, part in enumerate(table.parts) for j in range(part.batches)]
        self._stack = contextlib.ExitStack()
        self._open: tuple[int, pa.ipc.RecordBatchFileReader] | None = None
        self.num_record_batches = len(self._at)

    def get_batch(self, at: int) -> pa.RecordBatch:
        i, j = self._at[at]
        path = self._table.folder / self._table.parts[i].name
        try:
            if self._open is None or self._open[0] != i:
                self._stack.close()
                reader = self._stack.enter_context(_open_part(path, self._table.parts[i], self._columns))
                self._open = (i, reader)
            return self._open[1].get_batch(j)
        except (OSError, pa.ArrowException) as exc:  # pyarrow raises a failed decompression as OSError
            raise _damaged(path) from exc

    def close(self) -> None:
        self._stack.close()


@contextlib.contextmanager
def open_table(table: StagedTable, columns: Collection[str] | None = None) -> Iterator[TableReader]:
    """A reader of ``table``'s batches by number (:class:`TableReader`)."""
    reader = TableReader(table, columns)
    try:
        yield reader
    finally:
        reader.close()


def read_batches(table: StagedTable) -> Iterator[pa.RecordBatch]:
    """The record batches of a staging table, in order, one read at a time."""
    with open_table(table) as reader:
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)


@contextlib.contextmanager
def _open_part(
    path: Path, part: Part, columns: Collection[str] | None
) -> Iterator[pa.ipc.RecordBatchFileReader]:
    """A part's reader (``columns`` alone, if given), refused unless it has the staging schema and
    the batches its rows make."""
    full = staging_schema()
    fields = None if columns is None else sorted(full.get_field_index(name) for name in columns)
    expected = full if fields is None else pa.schema([full.field(i) for i in fields])
    with pa.OSFile(str(path)) as source:
        reader = pa.ipc.open_file(source, options=pa.ipc.IpcReadOptions(included_fields=fields))
        if not reader.schema.equals(expected) or reader.num_record_batches != part.batches:
            raise pa.ArrowInvalid(f"{path}: not a part of this staging table")
        yield reader


def keep(table: StagedTable) -> None:
    """Record a build's staging table for the next build (its parts are in the cache's folder), and
    remove the parts no longer in it, and the single-file table of earlier versions."""
    table.write_index()
    (table.folder.parent / _OLD_FILE).unlink(missing_ok=True)
