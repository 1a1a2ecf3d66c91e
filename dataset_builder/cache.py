"""Silver documents of each seed file, kept between runs so that only changed articles are annotated.

Annotating is most of a build's time, and a campaign rebuilds after every pull; the Label Studio
commands need the same silver documents again. Each seed file's silver documents are stored under a
key that hashes everything they depend on: the file's name and bytes, the knowledge files the
silver annotators read (:attr:`Knowledge.silver_fingerprint`), the code of this package and the
versions of the libraries the annotators call, and the optional NER model's files. Gold, curated
groups and splits are applied after the cache, so an import or a curation never invalidates it; a
change to the knowledge or the code does, entirely (the key changes: nothing stale is ever read).

The store is one SQLite file (transactions make every write atomic, and an interrupted run leaves a
valid cache). Values are compact JSON, never pickle: a cache file is data, not code. After a build,
entries it did not use are dropped, so the file holds one corpus' worth, not every version's.

A rebuild would otherwise read and hash every seed file to find its key (most of a 20k rebuild's
annotate step when the files have left the page cache). So the store also remembers each file's
digest with its signature as ``stat`` gives it (size, modification and change times in nanoseconds,
inode), like git's index: a file whose signature is unchanged is not read. An edit changes the
change time (``ctime``) even when the size and modification time are put back, and the inode when
an editor replaces the file. Like git's "racy" rule, a digest is not remembered for a file changed
less than :data:`SETTLED_NS` before it was read, since a later edit within the file system's
timestamp granularity could leave its signature as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from dataset_builder import fingerprint, rows
from dataset_builder.documents import Document
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.seeds import seed_bytes

CACHE_FILE = "silver.sqlite"
FORMAT = 3
"""Bumped when the stored layout changes (it is part of every key)."""
COMMIT_EVERY = 256
"""Seed files written per transaction: few commits, little lost to an interruption."""
LOOKUP_BATCH = 500
"""Keys per ``SELECT … IN (…)``: under SQLite's limit on bound parameters."""
SETTLED_NS = 2_000_000_000
"""A seed file's digest is remembered only if the file was last changed this long before it was read."""


def seed_digest(name: str, content: bytes) -> bytes:
    """What a seed file's silver documents depend on in the file: its name (document ids come from
    it) and its bytes."""
    return hashlib.sha256(name.encode() + b"\0" + content).digest()


def silver_fingerprint(knowledge: Knowledge, ner_model: Path | None = None) -> str:
    """What every silver document depends on besides its seed file, in this cache's layout."""
    return hashlib.sha256(
        f"{FORMAT}\0{fingerprint.silver(knowledge.silver_fingerprint, ner_model)}".encode()
    ).hexdigest()


# --- documents as JSON values ----------------------------------------------------------------------


def encode(docs: Sequence[Document]) -> str:
    """One seed file's documents as compact JSON: their ``documents`` rows (:func:`rows.document_record`).

    JSON, not Arrow IPC: measured on the 1,805 entries of a 2,000-article corpus (one seed file each,
    one or two documents), IPC took 2-3x as long to encode and to decode (0.71 s and 0.66 s against
    0.13 s and 0.36 s; an IPC stream or a record batch costs a fixed ~0.4 ms however small) and twice
    the space.
    """
    return json.dumps([rows.document_record(d) for d in docs], ensure_ascii=False, separators=(",", ":"))


def decode(value: str) -> list[Document]:
    """The documents :func:`encode` stored, equal to the ones it was given."""
    return [rows.document_from_record(record) for record in json.loads(value)]


# --- the store --------------------------------------------------------------------------------------


class SilverCache:
    """Silver documents per seed file, under keys from :meth:`key` (see the module's docstring)."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint
        self.hits = 0
        self.misses = 0
        self._used: list[bytes] = []
        """Keys read or written since the last flush into the ``used`` table (memory stays flat)."""
        self._unsaved = 0
        self._unseen: set[str] = set()
        """Remembered paths inside a range :meth:`keys` scanned that it did not key (files gone)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatasetBuilderError(
                f"{self.path.parent}: cannot create the silver cache's folder ({exc})"
            ) from exc
        with self._guarded():
            self._db = sqlite3.connect(self.path, timeout=60)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS silver (key BLOB PRIMARY KEY, documents TEXT NOT NULL)"
            )
            self._db.execute("DROP TABLE IF EXISTS derived")  # ner tokens, cached here until they were staged
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS seed_digests (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
                "mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, "
                "digest BLOB NOT NULL)"
            )
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key BLOB PRIMARY KEY)")
            # the seed files keyed by this connection: path ranges, less ``_unseen``
            self._db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS seen_ranges (low TEXT NOT NULL, high TEXT NOT NULL)"
            )
            self._db.commit()

    @classmethod
    def open(cls, folder: Path, knowledge: Knowledge, ner_model: Path | None = None) -> SilverCache:
        """The cache in ``folder`` (created if missing) for this knowledge, code and model."""
        return cls(Path(folder) / CACHE_FILE, silver_fingerprint(knowledge, ner_model))

    def key(self, name: str, content: bytes) -> bytes:
        """The key of a seed file: its name (document ids come from it), its bytes, and the rest."""
        return self._key(seed_digest(name, content))

    def _key(self, digest: bytes) -> bytes:
        return hashlib.sha256(self.fingerprint.encode() + b"\0" + digest).digest()

    def keys(self, folder: Path, names: Sequence[str]) -> list[bytes]:
        """:meth:`key` of each seed file ``folder/name``, reading only the files whose signature
        changed since their digest was remembered (see the module's docstring).

        A rebuild keys every seed file, so the work per file is kept to its ``stat`` and one hash:
        the remembered digests come in one range scan of the table (the files' paths share their
        folder: ``folder/min(names)`` to ``folder/max(names)``), and the files this run keyed are
        recorded as that range and the remembered paths in it that were not keyed (the files gone),
        for :meth:`prune`, rather than as one row per file."""
        if not names:
            return []
        base = os.path.join(os.fspath(folder), "")  # a name is a file's: its path is base + name
        low, high = base + min(names), base + max(names)
        sql = "SELECT path, size, mtime_ns, ctime_ns, inode, digest FROM seed_digests WHERE path BETWEEN ? AND ?"
        remembered = {path: tuple(known) for path, *known in self._query(sql, (low, high))}
        prefix = self.fingerprint.encode() + b"\0"
        keys, learned = [], []
        for name in names:
            path = base + name
            try:
                info = os.stat(path)
            except OSError as exc:
                raise InputError(f"{path}: cannot read the seed file ({exc.strerror or exc})") from exc
            signature = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            known = remembered.pop(path, None)
            if self._unseen:  # keyed after all, by a later call
                self._unseen.discard(path)
            if known is not None and known[:4] == signature:
                digest = known[4]
            else:
                digest = seed_digest(name, seed_bytes(Path(path)))
                if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) >= SETTLED_NS:
                    learned.append((path, *signature, digest))
            keys.append(hashlib.sha256(prefix + digest).digest())
        with self._guarded():
            self._db.executemany("INSERT OR REPLACE INTO seed_digests VALUES (?, ?, ?, ?, ?, ?)", learned)
            self._db.execute("INSERT INTO seen_ranges VALUES (?, ?)", (low, high))
        self._unseen.update(remembered)
        # committed now: a write left open would hold the file's lock through the whole annotation,
        # and another build of the project (sharing this cache) would wait on it, then fail
        self.commit()
        return keys

    def present(self, keys: Sequence[bytes]) -> set[bytes]:
        """Which of ``keys`` are stored."""
        found: set[bytes] = set()
        for i in range(0, len(keys), LOOKUP_BATCH):
            chunk = keys[i : i + LOOKUP_BATCH]
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT key FROM silver WHERE key IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def get(self, key: bytes) -> list[Document]:
        """The documents stored under ``key`` (which :meth:`present` reported)."""
        rows = self._query("SELECT documents FROM silver WHERE key = ?", (key,))
        if not rows:
            raise DatasetBuilderError(f"{self.path}: an entry vanished while the build was reading it")
        try:
            docs = decode(rows[0][0])
        except (
            ValueError,
            TypeError,
            AttributeError,
            KeyError,
        ) as exc:  # not what encode wrote: a damaged row
            raise DatasetBuilderError(
                f"{self.path}: a damaged silver cache entry (not the documents the build stored); "
                "run with --no-cache, or remove the file"
            ) from exc
        self.hits += 1
        self._use([key])
        return docs

    def touch(self, keys: Sequence[bytes]) -> None:
        """Keep entries this run did not read (a rebuild took their rows from elsewhere) past :meth:`prune`."""
        self.hits += len(keys)
        self._use(keys)

    def put(self, key: bytes, docs: Sequence[Document]) -> None:
        """Store one seed file's documents (committed in groups of ``COMMIT_EVERY``)."""
        self.misses += 1
        self._use([key])
        self._query("INSERT OR REPLACE INTO silver (key, documents) VALUES (?, ?)", (key, encode(docs)))
        self._unsaved += 1
        if self._unsaved >= COMMIT_EVERY:
            self.commit()

    def _use(self, keys: Iterable[bytes]) -> None:
        self._used.extend(keys)
        if len(self._used) >= LOOKUP_BATCH:
            with self._guarded():
                self._flush_used()

    def _flush_used(self) -> None:
        """The keys used so far into SQLite's temporary ``used`` table (this connection's only), in
        order: inserted sorted, the table's pages fill in turn (a third of the time of random order),
        and ``LOOKUP_BATCH`` rows a statement (on a rebuild's 100k keys, 0.2 s against 0.4-0.7 s one
        row a statement)."""
        self._used.sort()
        for i in range(0, len(self._used), LOOKUP_BATCH):
            chunk = self._used[i : i + LOOKUP_BATCH]
            self._db.execute(f"INSERT OR IGNORE INTO used VALUES {','.join(['(?)'] * len(chunk))}", chunk)
        self._used.clear()

    def commit(self) -> None:
        self._unsaved = 0
        with self._guarded():
            self._db.commit()

    def prune(self) -> int:
        """Drop every entry this run did not read or write; returns how many. Call after a complete
        pass over a corpus (a build), so the file keeps one corpus' worth."""
        self.commit()
        with self._guarded():
            self._flush_used()
            dropped = self._db.execute("DELETE FROM silver WHERE key NOT IN (SELECT key FROM used)").rowcount
            self._db.executemany("DELETE FROM seed_digests WHERE path = ?", ((p,) for p in self._unseen))
            self._db.execute(
                "DELETE FROM seed_digests WHERE NOT EXISTS "
                "(SELECT 1 FROM seen_ranges WHERE seed_digests.path BETWEEN low AND high)"
            )
            self._db.commit()
        return dropped

    def close(self) -> None:
        self.commit()
        self._db.close()

    def __enter__(self) -> SilverCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        """SQLite's errors (a damaged file, a full disk) as one line naming the file."""
        try:
            yield
        except sqlite3.Error as exc:
            raise DatasetBuilderError(
                f"{self.path}: the silver cache failed ({exc}); run with --no-cache, or remove the file"
            ) from exc

    def _query(self, sql: str, params: Iterable[object]) -> list[tuple[object, ...]]:
        with self._guarded():
            return self._db.execute(sql, tuple(params)).fetchall()
