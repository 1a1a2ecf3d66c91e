"""Every parquet file a build writes: the fixed writer options, the batch size, the staging writer and
the writers of each subset's splits (a Hugging Face "config": ``documents``, ``ner``…) in shards.

Byte-identical builds depend on all of it together: the options, the shards (:mod:`dataset_builder.shards`),
one row group per ``BATCH_ROWS`` rows of a shard, and tables laid out the same way however their
rows arrived (:func:`fresh`).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset_builder import schema

BATCH_ROWS = 1000
"""Rows per parquet write (one row group each): bounds memory and fixes the file layout."""

PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "store_schema": True,
}
"""Fixed writer options, so that two builds of the same input are byte-identical."""

WRITE_THREADS = 2
"""Threads encoding and compressing row groups (pyarrow releases the GIL for it), while the build's
own thread derives the next batch: each file still gets its row groups one at a time, in order."""


def list_member(column: str, member: str) -> str:
    """The parquet path of one member of a list-of-structs column (``entities.list.element.label``).

    Read alone by :class:`pyarrow.parquet.ParquetFile` (the dataset API does not take the path), its
    batches hold that column with only this member, and the other members' pages are neither read
    nor decoded: the report counts labels in a seventh of the time of reading the spans.
    """
    return f"{column}.list.element.{member}"


def writer(path: Path, arrow_schema: pa.Schema) -> pq.ParquetWriter:
    """A writer with :data:`PARQUET_OPTIONS` (its folder created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(path, arrow_schema, **PARQUET_OPTIONS)


def fresh(table: pa.Table, arrow_schema: pa.Schema) -> pa.Table:
    """One contiguous chunk laid out as ``pa.Table.from_pylist`` lays it out.

    Slices and filters keep offsets and all-valid validity bitmaps (in nested columns too), and so
    may rows decoded one way and not another, so the card's Arrow sizes (``nbytes``) would depend on
    how rows arrived (a cached and a clean build once differed in them). Concatenation alone does not
    mend it: a lone chunk comes back as it is, and a bitmap whose null count was never computed is
    kept. An Arrow IPC stream writes a bitmap only where something is null and offsets from zero, so
    a round trip through one lays the rows out afresh.
    """
    combined = pa.Table.from_arrays([c.combine_chunks() for c in table.columns], schema=arrow_schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, arrow_schema) as stream:
        stream.write_table(combined)
    return pa.ipc.open_stream(sink.getvalue()).read_all()


class SplitWriters:
    """One parquet file per subset, split and shard, fed whole Arrow tables and written in tables of
    exactly ``BATCH_ROWS`` rows (one row group each), so the file layout does not depend on how rows
    arrive. A split's shards come in order: a shard's file is closed when the next one starts."""

    def __init__(self, root: Path, schemas: dict[str, pa.Schema]) -> None:
        self.root = root
        self.schemas = schemas
        zeros = {c: dict.fromkeys(schema.SPLITS, 0) for c in schemas}
        self.rows: dict[str, dict[str, int]] = zeros
        self.bytes: dict[str, dict[str, int]] = {c: dict(splits) for c, splits in zeros.items()}
        self.shard_rows: Counter[tuple[str, str, int]] = Counter()
        """Rows of each ``(subset, split, shard)`` (written or kept); :attr:`shard_bytes` their Arrow bytes."""
        self.shard_bytes: Counter[tuple[str, str, int]] = Counter()
        self._pending: dict[tuple[str, str], list[pa.Table]] = defaultdict(list)
        self._pending_rows: Counter[tuple[str, str]] = Counter()
        self._shard: dict[tuple[str, str], int] = {}
        self._writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self._writing: dict[tuple[str, str], Future[None]] = {}
        self._threads = ThreadPoolExecutor(WRITE_THREADS, thread_name_prefix="parquet")

    def add(self, subset: str, split: str, table: pa.Table, shard: int = 0) -> None:
        """Queue rows of one subset, split and shard (any number, in file order; shards in order);
        full batches are written."""
        if not table.num_rows:
            return
        if shard != self._shard.setdefault((subset, split), shard):
            if shard < self._shard[subset, split]:
                raise ValueError(f"{subset} {split}: shard {shard} after shard {self._shard[subset, split]}")
            self._close(subset, split)
            self._shard[subset, split] = shard
        self.rows[subset][split] += table.num_rows
        self.shard_rows[subset, split, shard] += table.num_rows
        self._pending[subset, split].append(table)
        self._pending_rows[subset, split] += table.num_rows
        if self._pending_rows[subset, split] >= BATCH_ROWS:
            self._flush(subset, split, last=False)

    def add_split_tables(self, subset: str, table: pa.Table, splits: pa.Array, shards: pa.Array) -> None:
        """Rows of one subset, each to the split and shard named in ``splits`` and ``shards`` (row
        for row; within a split, shards do not decrease)."""
        for split in schema.SPLITS:
            mask = pc.equal(splits, split)
            rows, numbers = table.filter(mask), shards.filter(mask).to_numpy(zero_copy_only=False)
            starts = [0, *(np.flatnonzero(np.diff(numbers)) + 1).tolist(), len(numbers)]
            for a, b in itertools.pairwise(starts):
                if b > a:
                    self.add(subset, split, rows.slice(a, b - a), int(numbers[a]))

    def kept(self, subset: str, split: str, shard: int, rows: int, arrow_bytes: int) -> None:
        """Count a shard whose file is already in place (a rebuild kept it: :mod:`dataset_builder.shards`)."""
        self.rows[subset][split] += rows
        self.bytes[subset][split] += arrow_bytes
        self.shard_rows[subset, split, shard] += rows
        self.shard_bytes[subset, split, shard] += arrow_bytes

    def _close(self, subset: str, split: str) -> None:
        """Write what is pending of the current shard and close its file (its writer goes)."""
        if self._pending.get((subset, split)):
            self._flush(subset, split, last=True)
        if (writing := self._writing.pop((subset, split), None)) is not None:
            writing.result()
        if (w := self._writers.pop((subset, split), None)) is not None:
            w.close()

    def _flush(self, subset: str, split: str, *, last: bool) -> None:
        table = pa.concat_tables(self._pending.pop((subset, split)))
        done = 0
        while table.num_rows - done >= BATCH_ROWS or (last and done < table.num_rows):
            self._write(subset, split, table.slice(done, BATCH_ROWS))
            done += BATCH_ROWS
        self._pending_rows[subset, split] = table.num_rows - done
        if done < table.num_rows:
            self._pending[subset, split].append(table.slice(done))

    def _write(self, subset: str, split: str, table: pa.Table) -> None:
        if (subset, split) not in self._writers:
            path = self.root / schema.data_file(subset, split, self._shard[subset, split])
            self._writers[subset, split] = writer(path, self.schemas[subset])
        table = fresh(table, self.schemas[subset])
        self.bytes[subset][split] += table.nbytes
        self.shard_bytes[subset, split, self._shard[subset, split]] += table.nbytes
        if (writing := self._writing.get((subset, split))) is not None:
            writing.result()  # one row group in flight per file: in order, and memory stays bounded
        self._writing[subset, split] = self._threads.submit(self._writers[subset, split].write_table, table)

    def close(self) -> None:
        """Flush what is left. A split without rows gets no file: ``datasets`` refuses empty splits."""
        try:
            for subset, split in list(self._pending):
                self._flush(subset, split, last=True)
            for writing in self._writing.values():
                writing.result()
        finally:
            self._threads.shutdown()
            for w in self._writers.values():
                w.close()
