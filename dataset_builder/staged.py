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
:class:`ReusedRows` merges both in seed-file order. The output is then byte for byte what a clean
build writes (:class:`StagingWriter` gives the table the same record batches however rows arrive).

The table is a cache: an unreadable or outdated one is ignored, and keys that do not match are
never read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import configs, schema
from dataset_builder.errors import DatasetBuilderError
from dataset_builder.parquet_files import BATCH_ROWS

STAGED_FILE = "staged.arrow"
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
"""The staging table is an Arrow IPC file: written once and read twice per build, never published.
Measured on 10k documents: 0.08 s to write and 0.04 s to read, against 0.67 s and 0.40 s as parquet
(lz4), for 41 MB."""
KEY = "_seed_key"
"""The staging table's column of seed-file keys (dropped from every config)."""


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


REUSE_COLUMNS = pa.schema([(KEY, pa.binary()), ("documents", pa.int64())])


@dataclass
class Reuse:
    """Which seed files a build takes from the previous staging table, and the keys of the others."""

    path: Path
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
    0.11-0.14 s, where a row-by-row pass in Python over every column took 0.24-0.52 s.
    """
    path = Path(cache_dir) / STAGED_FILE
    human = frozenset(human_ids)
    human_ids_array = pa.array(sorted(human), pa.string())
    checks: list[pa.Table] = []
    try:
        with pa.OSFile(str(path)) as source:
            if not pa.ipc.open_file(source).schema.equals(staging_schema()):
                return Reuse(path, human_ids=human)
        with open_table(path, _CHECKED_COLUMNS) as reader:  # not the texts and tokens: a tenth of it
            for i in range(reader.num_record_batches):
                checks.append(_file_checks(reader.get_batch(i), human_ids_array))
    except (OSError, pa.ArrowException):  # none yet, or damaged: every file goes through the pipeline
        return Reuse(path, human_ids=human)
    if not checks:
        return Reuse(path, human_ids=human)
    # a file's rows are consecutive, so only a file cut by a batch boundary has two rows to combine
    per_file = _combine(pa.concat_tables(checks))
    bilingual = pc.not_equal(per_file[_LANGUAGE_MIN], per_file[_LANGUAGE_MAX])
    plain = pc.and_(per_file[_PLAIN], pc.if_else(bilingual, per_file[_SELF_GROUPED], per_file[_UNGROUPED]))
    kept = per_file.filter(pc.and_(plain, pc.is_valid(per_file[KEY])))
    rows = pa.table([kept[KEY], kept[_ROWS]], schema=REUSE_COLUMNS)
    return Reuse(path, rows.combine_chunks(), human_ids=human)


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
    :data:`_COMBINED` function; the keys in their first row's order."""
    grouped = table.group_by(KEY, use_threads=False).aggregate(list(_COMBINED.items()))
    return grouped.rename_columns({f"{name}_{how}": name for name, how in _COMBINED.items()})


def _file_checks(batch: pa.RecordBatch, human_ids: pa.Array) -> pa.Table:
    """Per seed-file key of ``batch``: its rows, its language range and whether its rows are what the
    silver pipeline alone gives: silver, in no event, named by no human annotation, and in no
    translation group, or (a file of several languages) in the group its file's stem names."""
    seed_files = batch.column(schema.SEED_FILE)
    names = pc.unique(seed_files)
    stems = pa.array([PurePath(name).stem for name in names.to_pylist()], pa.string())
    groups = batch.column(schema.TRANSLATION_GROUP)
    status = pc.equal(batch.column(schema.ANNOTATION_STATUS), schema.SILVER)
    unnamed = pc.invert(pc.is_in(batch.column(schema.ID), value_set=human_ids))
    languages = batch.column(schema.LANGUAGE)
    rows = pa.table(
        {
            KEY: batch.column(KEY),
            _ROWS: pa.array(np.ones(batch.num_rows, np.int64)),
            _PLAIN: pc.and_(pc.and_(status, pc.is_null(batch.column(schema.EVENT_ID))), unnamed),
            _UNGROUPED: pc.is_null(groups),
            _SELF_GROUPED: pc.fill_null(pc.equal(groups, stems.take(pc.index_in(seed_files, names))), False),
            _LANGUAGE_MIN: languages,
            _LANGUAGE_MAX: languages,
        }
    )
    return _combine(rows)


class ReusedRows:
    """The reusable rows of the previous staging table, streamed in its (seed-file) order."""

    def __init__(self, reuse: Reuse) -> None:
        self._reuse = reuse
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
                f"{self._reuse.path}: the staged rows changed while this build read them ({self._taken} of "
                f"{planned} taken back; another build sharing this cache folder?); nothing was written, "
                "build again"
            )

    @staticmethod
    def _filtered(path: Path, keys: pa.Array) -> Iterator[pa.Table]:
        for batch in _checked(read_batches(path), path):
            table = pa.Table.from_batches([batch])
            taken = pc.is_in(table.column(KEY), value_set=keys)
            if pc.all(taken).as_py():  # the usual rebuild: every row (no copy)
                yield table
            elif pc.any(taken).as_py():
                yield table.filter(taken)

    def before(self, seed_file: str | None) -> Iterator[pa.Table]:
        """The rows of the seed files named before ``seed_file`` (None: all that are left).

        Read from the first call on: the pipeline has by then kept only the files of this corpus.
        """
        if self._batches is None:
            keys = self._reuse.rows.column(KEY)
            self._batches = self._filtered(self._reuse.path, keys) if len(keys) else iter(())
        while True:
            if self._table is None or self._at == len(self._files):
                self._table = next(self._batches, None)
                if self._table is None:
                    return
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


def _checked(batches: Iterator[pa.RecordBatch], path: Path) -> Iterator[pa.RecordBatch]:
    """``batches``, a damaged one an error naming the file (:func:`plan_reuse` read only some columns)."""
    try:
        yield from batches
    except (OSError, pa.ArrowException) as exc:  # pyarrow raises a failed decompression as OSError
        raise DatasetBuilderError(
            f"{path}: the last build's staged rows are damaged; nothing was written. Delete that file "
            "(a cache: the next build stages every document again), or build with --no-cache"
        ) from exc


class StagingWriter:
    """Writes a staging table (:func:`staging_schema`) in record batches of exactly ``BATCH_ROWS`` rows,
    however the rows arrive: the configs pass reads it batch by batch, the same batches whatever a
    rebuild took back, so the output does not depend on it."""

    def __init__(self, path: Path) -> None:
        self._writer = pa.ipc.new_file(str(path), staging_schema(), options=_IPC_OPTIONS)
        self._pending: list[pa.Table] = []
        self._rows = 0
        self._closed = False

    def add(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._rows += table.num_rows
        if self._rows >= BATCH_ROWS:
            self._write(last=False)

    def close(self) -> None:
        """Write what is left and close the file."""
        self._write(last=True)
        self._exit()

    def __enter__(self) -> StagingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._exit()

    def _exit(self) -> None:
        if not self._closed:
            self._closed = True
            self._writer.close()

    def _write(self, *, last: bool) -> None:
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        done = 0
        while table.num_rows - done >= BATCH_ROWS or (last and done < table.num_rows):
            self._writer.write_table(table.slice(done, BATCH_ROWS).combine_chunks())  # one batch
            done += BATCH_ROWS
        self._pending = [table.slice(done)] if done < table.num_rows else []
        self._rows = table.num_rows - done


def read_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The record batches of a staging table, in order, one read at a time (not memory-mapped: the
    pages of a mapped file stay in the process's memory once read, growing it with the corpus)."""
    with open_table(path) as reader:
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)


@contextlib.contextmanager
def open_table(path: Path, columns: Collection[str] | None = None) -> Iterator[pa.ipc.RecordBatchFileReader]:
    """A reader of the staging table's batches by number; with ``columns``, a batch holds those alone,
    and only their buffers are read and decompressed (a rebuild that keeps a shard's files needs its
    documents' ids and statistics, not their ``ner`` tokens)."""
    fields = None if columns is None else [staging_schema().get_field_index(name) for name in columns]
    with pa.OSFile(str(path)) as source:
        yield pa.ipc.open_file(source, options=pa.ipc.IpcReadOptions(included_fields=fields))


def keep(staging: Path, cache_dir: Path) -> None:
    """Keep a build's staging table in the cache folder, replacing the previous one in one step."""
    target = Path(cache_dir) / STAGED_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{STAGED_FILE}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.move(staging, tmp)  # a rename on one file system, a copy across two
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
