"""What the configs pass derives from each part of the staging table, kept for the next build.

On a rebuild most parts of the staging table (:mod:`dataset_builder.staged`) are the last build's and
most shard files are kept (:mod:`dataset_builder.shards`), yet the configs pass still read every part
whole to count the card's statistics and pair its translations in Python: 1.5 s of the 1.8 s of the
configs on a 100k rebuild after one edit, for the same figures and rows as last time. So the pass
keeps, per part, its statistics and its ``parallel`` rows (:class:`PartRows`), one Arrow IPC file in
the cache folder's :data:`PARTS_DIR` named by the digest of what they are derived from: the part's
name (the sha256 of its bytes), the splits of its rows and the code. A part whose rows all fall in
kept shards is then not read: its kept rows are added instead.

A part's ``parallel`` rows are kept only when its translation groups lie within it (no group was open
when it began or is when it ends), and taken back only while those groups have the same sizes, so
that the rows are those the part gives whatever comes before or after it. The folder is a cache: a
file that cannot be read is ignored, and the files this build did not use are removed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import configs, fingerprint, schema, shards, staged
from dataset_builder.output import write_atomic
from dataset_builder.release.stats import CardStats

PARTS_DIR = "configs"
"""The cache folder's kept :class:`PartRows`, a file each."""
_FORMAT = 1
_SPLIT = "_split"
"""The column of each kept ``parallel`` row's split."""
_META = b"part"
"""The file's schema metadata key of the statistics, the warnings and the groups (JSON)."""
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")


@dataclass
class PartRows:
    """What the configs pass derived from one part, beside the rows of its shards."""

    stats: CardStats
    pairs: list[tuple[str, pa.Table]]
    """``(split, parallel rows)`` in the order its groups completed."""
    skipped: list[str]
    """The warnings of its groups left out of ``parallel`` (:attr:`configs.ParallelPairs.skipped`)."""
    groups: dict[str, int]
    """The translation groups it completed, with their sizes."""


class PartCache:
    """The kept :class:`PartRows` of a cache folder's :data:`PARTS_DIR` (``folder``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.taken = 0
        """How many parts this build took back (:meth:`get`)."""
        self._code = fingerprint.code()
        self._used: set[str] = set()

    def key(self, part: staged.Part, splits: pa.ChunkedArray | pa.Array) -> str:
        """The digest a part's rows are kept under (``splits``: the split of each of its rows)."""
        digest = hashlib.sha256(json.dumps([_FORMAT, self._code, part.name, part.rows]).encode("utf-8"))
        for split in splits.to_pylist():
            digest.update(split.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def get(self, key: str, group_sizes: Mapping[str, int]) -> PartRows | None:
        """The rows kept under ``key``, if readable and its groups still have the sizes they had."""
        try:
            with pa.OSFile(str(self._path(key))) as source:
                table = pa.ipc.open_file(source).read_all()
            data = json.loads((table.schema.metadata or {})[_META])
            if data["format"] != _FORMAT:
                return None
            groups = {str(g): int(n) for g, n in data["groups"].items()}
            if any(group_sizes.get(g) != n for g, n in groups.items()):
                return None
            stats = CardStats.from_counters(data["stats"])
            skipped = [str(w) for w in data["skipped"]]
            parallel = table.drop_columns([_SPLIT])
            splits = table.column(_SPLIT)
        except (OSError, pa.ArrowException, ValueError, KeyError, TypeError, AttributeError):
            return None
        self._used.add(key)
        self.taken += 1
        pairs = [(split, parallel.filter(pc.equal(splits, split))) for split in schema.SPLITS]
        return PartRows(stats, [(split, rows) for split, rows in pairs if rows.num_rows], skipped, groups)

    def put(self, key: str, rows: PartRows) -> None:
        """Keep a part's rows under ``key`` (a file already there holds the same)."""
        self._used.add(key)
        path = self._path(key)
        if path.is_file():
            return
        arrow_schema = configs.parallel_features().arrow_schema.append(pa.field(_SPLIT, pa.string()))
        tables = [
            table.append_column(_SPLIT, pa.array([split] * table.num_rows, pa.string()))
            for split, table in rows.pairs
        ]
        table = pa.concat_tables(tables) if tables else arrow_schema.empty_table()
        data = {
            "format": _FORMAT,
            "stats": rows.stats.counters(),
            "skipped": rows.skipped,
            "groups": rows.groups,
        }
        table = table.replace_schema_metadata({_META: json.dumps(data).encode("utf-8")})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema, options=_IPC_OPTIONS) as writer:
            writer.write_table(table)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, sink.getvalue().to_pybytes())

    def close(self) -> None:
        """Remove the kept rows this build neither took back nor kept."""
        if self.folder.is_dir():
            for path in self.folder.glob("*.arrow"):
                if path.stem not in self._used:
                    path.unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.arrow"


def all_kept(
    splits: pa.ChunkedArray | pa.Array, numbers: pa.ChunkedArray | pa.Array, kept: Collection[shards.ShardKey]
) -> bool:
    """Whether every row (its split and shard number, row for row) is in a kept shard of each config
    whose shards are kept (:data:`shards.KEPT_CONFIGS`)."""
    return all(
        (config, split, number) in kept
        for split, number in set(zip(splits.to_pylist(), numbers.to_pylist(), strict=True))
        for config in shards.KEPT_CONFIGS
    )
