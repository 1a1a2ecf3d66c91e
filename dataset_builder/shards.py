"""The configs' shards: where each split's shards end, what each is made of, and which shard files
of the last build a rebuild keeps instead of writing them again.

Shards are content-defined (:class:`ShardCutter`): an edited or added article changes its own shard,
and the other shards of a rebuild have the same rows as before. Each shard has a digest of what its
rows are made of (:func:`shard_inputs`): the staged row of each of its documents and the event the
build gave it, in order, with the code and the writer's options. A staged row is named by its seed
file's key when the staging table says it is plain silver (:mod:`dataset_builder.staged`: the key
covers the file's bytes, the knowledge and the code); any other row (gold, disputed, named by an
annotation or a curated group, or built without the silver cache) by its own content.

After a build with the silver cache, :data:`SHARDS_FILE` in the cache folder records each shard's
digest with its file's sha256, rows and Arrow bytes. The next build copies a shard file from the
previous output folder when its digest is recorded and the file there still has the recorded
sha256 (checked as it is copied), and derives and writes the others. The output is byte for byte
what a clean build writes: a kept file holds exactly the rows the digest stands for.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import fingerprint, schema, staged
from dataset_builder.output import Checksums, write_atomic
from dataset_builder.parquet_files import BATCH_ROWS, PARQUET_OPTIONS

SHARD_DOCUMENTS = 4096
"""Documents of a split per shard file, on average (at most :data:`MAX_SHARD_DOCUMENTS`)."""
MAX_SHARD_DOCUMENTS = 4 * SHARD_DOCUMENTS
SHARDS_FILE = "shards.json"
"""The cache folder's record of the last build's shard files (:class:`ShardRecord`)."""
KEPT_CONFIGS = ("documents", "ner", "topics")
"""The configs whose shards a rebuild may keep (``parallel`` is small and written every time)."""
_FORMAT = 1

ShardKey = tuple[str, str, int]
"""``(config, split, shard number)``."""


class ShardCutter:
    """Content-defined shards: a document ends its split's shard when the sha256 of its id, as a
    number, is a multiple of ``every`` (or the shard has ``most`` documents). Where shards end depends
    on the documents around each end, not on how many came before: adding or editing a document
    changes its own shard, and the others keep their rows (so a rebuild can leave their files be)."""

    def __init__(self, every: int | None = None, most: int | None = None) -> None:
        self.every = every or SHARD_DOCUMENTS
        self.most = most or MAX_SHARD_DOCUMENTS
        self._shard = dict.fromkeys(schema.SPLITS, 0)
        self._size = dict.fromkeys(schema.SPLITS, 0)

    def shards(self, ids: Sequence[str], splits: Sequence[str]) -> pa.Array:
        """The shard of each document, given in the configs' order (``splits``: each one's split)."""
        out: list[int] = []
        for doc_id, split in zip(ids, splits, strict=True):
            out.append(self._shard[split])
            self._size[split] += 1
            digest = hashlib.sha256(doc_id.encode("utf-8")).digest()
            if int.from_bytes(digest[:8], "big") % self.every == 0 or self._size[split] >= self.most:
                self._shard[split] += 1
                self._size[split] = 0
        return pa.array(out, pa.int32())


def _salt(topic_ids: Sequence[str]) -> bytes:
    """What every shard file depends on besides its rows: the code, Arrow's version, the writer's
    options and the topic names (the ``topics`` features)."""
    parts = {
        "format": _FORMAT,
        "code": fingerprint.code(),
        "pyarrow": importlib.metadata.version("pyarrow"),
        "parquet": PARQUET_OPTIONS,
        "batch_rows": BATCH_ROWS,
        "topic names": list(topic_ids),
    }
    return json.dumps(parts, sort_keys=True).encode("utf-8")


def shard_numbers(staging: staged.StagedTable, splits: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each staged document's shard (:class:`ShardCutter`), in the staging table's order, from its id
    and its split (``splits``, row for row): cut once, for the digests and the configs."""
    cutter = ShardCutter()
    chunks: list[pa.Array] = []
    done = 0
    with staged.open_table(staging, [schema.ID]) as reader:
        for at in range(reader.num_record_batches):
            ids = reader.get_batch(at).column(schema.ID).to_pylist()
            chunks.append(cutter.shards(ids, splits.slice(done, len(ids)).to_pylist()))
            done += len(ids)
    return pa.chunked_array(chunks, pa.int32())


def shard_inputs(
    staging: staged.StagedTable,
    events: pa.ChunkedArray,
    splits: pa.ChunkedArray,
    numbers: pa.ChunkedArray,
    topic_ids: Sequence[str],
    human_ids: Collection[str],
) -> dict[ShardKey, str]:
    """The digest of each shard of :data:`KEPT_CONFIGS` (hex sha256), from the staging table and the
    plan's ``events`` and ``splits`` and the shard ``numbers`` (row for row). ``human_ids``: the
    documents an annotation or a curated group names, whose rows are named by their content (see the
    module's docstring)."""
    hashers: dict[tuple[str, int], Any] = {}
    done = 0
    with staged.open_table(staging, _NAMING_COLUMNS) as light, staged.open_table(staging) as full:
        for at in range(light.num_record_batches):
            batch = light.get_batch(at)
            n = batch.num_rows
            split_list = splits.slice(done, n).to_pylist()
            event_list = events.slice(done, n).to_pylist()
            ids = batch.column(schema.ID).to_pylist()
            number_list = numbers.slice(done, n).to_pylist()
            for i, name in enumerate(_row_names(batch, ids, human_ids, lambda at=at: full.get_batch(at))):
                hasher = hashers.get((split_list[i], number_list[i]))
                if hasher is None:
                    hasher = hashers[split_list[i], number_list[i]] = hashlib.sha256()
                hasher.update(name)
                hasher.update(b"\0" + (event_list[i] or "").encode("utf-8") + b"\0")
            done += n
    salt = _salt(topic_ids)
    return {
        (config, split, number): hashlib.sha256(
            salt + b"\0" + config.encode() + b"\0" + h.digest()
        ).hexdigest()
        for (split, number), h in hashers.items()
        for config in KEPT_CONFIGS
    }


_NAMING_COLUMNS = (staged.KEY, schema.ID, schema.ANNOTATION_STATUS, schema.EVENT_ID)
"""What names a plain silver row: a batch of these alone is read (its text and tokens are not)."""


def _row_names(
    batch: pa.RecordBatch, ids: Sequence[str], human_ids: Collection[str], whole: Callable[[], pa.RecordBatch]
) -> Iterator[bytes]:
    """What names each staged row of ``batch`` (its :data:`_NAMING_COLUMNS`): its id and seed file's
    key where the row is plain silver, else a digest of the row's own values (read from ``whole``,
    the batch with every column, only then)."""
    rows: pa.RecordBatch | None = None
    keys = batch.column(staged.KEY).to_pylist()
    plain = pc.and_(
        pc.equal(batch.column(schema.ANNOTATION_STATUS), schema.SILVER),
        pc.is_null(batch.column(schema.EVENT_ID)),
    ).to_pylist()
    for i, (doc_id, key) in enumerate(zip(ids, keys, strict=True)):
        if key is not None and plain[i] and doc_id not in human_ids:
            yield b"k" + key + doc_id.encode("utf-8")
        else:
            rows = rows if rows is not None else whole()
            row = rows.slice(i, 1).to_pylist()[0]
            text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
            yield b"c" + hashlib.sha256(text.encode("utf-8")).digest()


@dataclass
class ShardRecord:
    """Each shard file of a build by its digest: ``{digest: {"sha256", "size", "rows", "bytes"}}``."""

    files: dict[str, dict[str, int | str]] = field(default_factory=dict)

    @classmethod
    def read(cls, cache_dir: Path) -> ShardRecord:
        """The record in ``cache_dir``; an unreadable or outdated one is empty (it is a cache)."""
        try:
            data = json.loads((Path(cache_dir) / SHARDS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or not isinstance(data.get("files"), dict)
        ):
            return cls()
        return cls({digest: entry for digest, entry in data["files"].items() if _well_formed(entry)})

    def write(self, cache_dir: Path) -> None:
        data = {"format": _FORMAT, "files": dict(sorted(self.files.items()))}
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        write_atomic(Path(cache_dir) / SHARDS_FILE, json.dumps(data, indent=1).encode("utf-8"))


def _well_formed(entry: object) -> bool:
    """An entry as :func:`new_record` writes it (a damaged one is left out, as the cache it is)."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("sha256"), str)
        and all(isinstance(entry.get(k), int) for k in ("size", "rows", "bytes"))
    )


@dataclass(frozen=True)
class KeptShard:
    rows: int
    bytes: int


def keep_files(
    digests: Mapping[ShardKey, str],
    record: ShardRecord,
    previous: Path,
    manifest: Mapping[str, Any],
    root: Path,
    checksums: Checksums,
) -> dict[ShardKey, KeptShard]:
    """Copy into ``root`` each shard file of the previous output folder (``previous``, with its
    ``manifest``) whose digest the record holds and whose bytes still have the recorded sha256; the
    shards kept, with their rows and Arrow bytes. A file that changed since is not kept (its copy is
    removed) and its shard is written again."""
    by_sha = {
        f["sha256"]: path
        for path, f in manifest.get("files", {}).items()
        if path.startswith(f"{schema.DATA_DIR}/")
    }
    kept: dict[ShardKey, KeptShard] = {}
    for key, digest in sorted(digests.items()):
        entry = record.files.get(digest)
        source = by_sha.get(entry["sha256"]) if entry else None
        if entry is None or source is None:
            continue
        target = root / schema.data_file(*key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if _copy_checked(previous / source, target, str(entry["sha256"])):
            kept[key] = KeptShard(int(entry["rows"]), int(entry["bytes"]))
            checksums.remember(target, str(entry["sha256"]))
        else:
            target.unlink(missing_ok=True)
    return kept


def _copy_checked(source: Path, target: Path, sha256: str) -> bool:
    """Copy ``source`` to ``target``, hashing it on the way: whether it had ``sha256``."""
    digest = hashlib.sha256()
    try:
        with source.open("rb") as src, target.open("wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                dst.write(block)
    except OSError:
        return False
    return digest.hexdigest() == sha256


def new_record(
    digests: Mapping[ShardKey, str],
    rows: Mapping[ShardKey, int],
    arrow_bytes: Mapping[ShardKey, int],
    manifest: Mapping[str, Any],
) -> ShardRecord:
    """The record of a build's shard files (``manifest``: the build's, for each file's sha256 and size)."""
    files: dict[str, dict[str, int | str]] = {}
    for key, digest in digests.items():
        entry = manifest["files"].get(schema.data_file(*key))
        if entry is not None and key in rows:
            files[digest] = {
                "sha256": entry["sha256"],
                "size": entry["size"],
                "rows": rows[key],
                "bytes": arrow_bytes[key],
            }
    return ShardRecord(files)
