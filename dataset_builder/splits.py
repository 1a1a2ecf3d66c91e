"""Split assignment that never moves a document once it has been built.

A document's split is recorded the first time it is built, in the project's split ledger
(``annotations/splits.json``, kept in git beside the human annotations). Later builds read the
ledger back: a recorded document keeps its split whatever is added, and a new document that joins an
existing event takes that event's split and id. Only an event made entirely of new documents gets
a split from the hash of its id (:func:`split_of`), so the assignment does not depend on the order
in which documents arrive.

When a new document links events that were recorded in different splits, no recorded document is
moved: the new one goes with the split most of the event's recorded documents have, and the build
reports it by name (a leak the user has to settle, e.g. by curating the event in ``groups.json``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dataset_builder import schema
from dataset_builder.errors import InputError
from dataset_builder.events import EventKey, KeyTable, group_labels
from dataset_builder.output import write_atomic

LEDGER_NAME = "splits.json"
LEDGER_FORMAT = 1


def check_ratios(ratios: Sequence[float]) -> None:
    if not schema.split_ratios_ok(ratios):
        raise ValueError(
            f"split ratios {tuple(ratios)} must be {len(schema.SPLITS)} non-negative numbers summing to 1"
        )


def split_of(event_id: str, ratios: Sequence[float]) -> str:
    """The split of a new event: sha256 of its id mapped into the cumulative ratios."""
    check_ratios(ratios)
    point = int.from_bytes(hashlib.sha256(event_id.encode("utf-8")).digest()[:8], "big") / 2**64
    cumulative = 0.0
    for name, ratio in zip(schema.SPLITS, ratios, strict=True):
        cumulative += ratio
        if point < cumulative:
            return name
    return next(name for name, ratio in zip(schema.SPLITS[::-1], ratios[::-1], strict=True) if ratio > 0)


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a document went the first time it was built: its split and the event it joined."""

    split: str
    event: str


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    split: Literal["train", "validation", "test"]
    event: str = Field(min_length=1)


class _LedgerFile(BaseModel):
    """The schema of ``splits.json``: a format number and document id → split and event."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    format: Literal[1]
    documents: dict[str, _Entry]


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` that refuses a key given twice (``json`` would keep the last silently)."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _line_of(text: str, key: str, occurrence: int = 1) -> int | None:
    """The line of the ``occurrence``-th ``"key":`` in ``text`` (None if not found as written)."""
    found = 0
    for written in dict.fromkeys((json.dumps(key, ensure_ascii=False), json.dumps(key))):
        for match in re.finditer(re.escape(written) + r"\s*:", text):
            found += 1
            if found == occurrence:
                return text.count("\n", 0, match.start()) + 1
        found = 0
    return None


def _at(path: Path, line: int | None) -> str:
    return f"{path}: line {line}" if line else str(path)


def _parse_ledger(path: Path, text: str) -> dict[str, Assignment]:
    """The entries of ledger ``text``; every error names the file and the line."""
    try:
        raw = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        where = _at(path, _line_of(text, exc.key, 2))
        if exc.key in _LedgerFile.model_fields or exc.key in _Entry.model_fields:
            raise InputError(f"{where}: key {exc.key!r} given twice") from None
        raise InputError(
            f"{where}: document {exc.key} is recorded twice (a hand edit or a merge?); keep one entry "
            "(`dataset-builder splits merge` joins two ledgers)"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})") from None
    try:
        parsed = _LedgerFile.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = error["loc"]
        if len(loc) >= 2 and loc[0] == "documents":
            doc_id = str(loc[1])
            key = str(loc[2]) if len(loc) > 2 else None
            value = (
                raw["documents"][doc_id].get(key)
                if key and isinstance(raw["documents"][doc_id], dict)
                else None
            )
            if key == "split" and value is not None:
                why = f"unknown split {json.dumps(value, ensure_ascii=False)} (known: {', '.join(schema.SPLITS)})"
            elif key == "event":
                why = f"event {json.dumps(value, ensure_ascii=False)}: expected a non-empty event id"
            elif key is not None and error["type"] == "extra_forbidden":
                why = f"unknown key {json.dumps(key, ensure_ascii=False)}"
            else:
                why = f'expected {{"split": one of {", ".join(schema.SPLITS)}, "event": "<event id>"}}'
            raise InputError(f"{_at(path, _line_of(text, doc_id))}: document {doc_id}: {why}") from None
        raise InputError(
            f"{path}: not a split ledger of format {LEDGER_FORMAT} "
            '({"format": 1, "documents": {document id: {"split": …, "event": …}}})'
        ) from None
    return {doc_id: Assignment(e.split, e.event) for doc_id, e in parsed.documents.items()}


LEDGER_COLUMNS = pa.schema([(schema.ID, pa.string()), ("split", pa.string()), ("event", pa.string())])
"""The ledger in memory: one row per document, sorted by id (never a dict of a million entries)."""

CHUNK = 1 << 16
"""Entries read, planned and written this many at a time (bounds the Python objects alive)."""


class _NotCanonical(Exception):
    """The file is not laid out as :meth:`SplitLedger.to_bytes` writes it (so it is read whole)."""


_HEAD, _TAIL = b'{\n "documents": {\n', b'\n },\n "format": 1\n}\n'
_EMPTY = b'{\n "documents": {},\n "format": 1\n}\n'
_STRING = rb'"[^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*"'
_ENTRY = re.compile(
    rb"  ("
    + _STRING
    + rb'): \{\n   "event": ('
    + _STRING
    + rb'),\n   "split": "('
    + "|".join(schema.SPLITS).encode()
    + rb')"\n  \}'
)
"""One entry as :meth:`SplitLedger.chunks` writes it: id, event and split."""
_ENTRY_BYTES = len(b'  : {\n   "event": ,\n   "split": ""\n  }')
"""An entry's bytes besides its id, event and split."""
_READ_BYTES = 1 << 22


def _stream_entries(path: Path, seen: Callable[[bytes], object] | None = None) -> pa.Table:
    """The entries of a ledger laid out as this module writes it (ids sorted, each entry exactly
    ``{"event": …, "split": …}``), matched a block of the file at a time into Arrow; anything else
    raises :class:`_NotCanonical`, and :func:`_parse_ledger` reads the file whole to say what is
    wrong. (A JSON event stream took 0.6 s of CPU for 100k entries, this 0.35 s: the rest is the
    Arrow table.) ``seen`` is given each block read, to hash the bytes the entries come from."""
    tables: list[pa.Table] = []
    last: str | None = None
    seen = seen or (lambda _: None)
    with open(path, "rb") as f:
        head = f.read(len(_HEAD))
        seen(head)
        if head != _HEAD:
            if head + f.read(len(_EMPTY)) == _EMPTY:
                return LEDGER_COLUMNS.empty_table()
            raise _NotCanonical
        buf = b""
        while data := f.read(_READ_BYTES):
            seen(data)
            buf += data
            end = buf.rfind(b"\n  }") + 4  # the last whole entry; the rest waits for the next block
            if end < 4 or not buf.startswith(b",\n", end):  # or the file ends after it
                continue
            table, last = _entries(buf[:end], last)
            tables.append(table)
            buf = buf[end + 2 :]
        end = len(buf) - len(_TAIL)
        if end < 0 or buf[end:] != _TAIL:
            raise _NotCanonical
        table, last = _entries(buf[:end], last)
        tables.append(table)
    return pa.concat_tables(tables).combine_chunks()


def _entries(block: bytes, last: str | None) -> tuple[pa.Table, str]:
    """The entries of ``block`` (whole entries parted by ``,\\n``), checked to tile it exactly, each
    id after ``last`` and its predecessor; the table and the block's last id."""
    found = _ENTRY.findall(block)
    size = (
        sum(len(i) + len(e) + len(s) for i, e, s in found) + _ENTRY_BYTES * len(found) + 2 * (len(found) - 1)
    )
    if not found or size != len(block):  # something between or around the entries
        raise _NotCanonical
    tokens = [pa.array(column, pa.binary()) for column in zip(*found, strict=True)]
    if b"\\" in block:  # an escape to decode (rare: ids and events are names)
        ids, events = (pa.array([_string(t) for t in c.to_pylist()], pa.string()) for c in tokens[:2])
    else:  # the tokens less their quotes; a cast checks that they are UTF-8
        try:
            ids, events = (pc.binary_slice(c, 1, -1).cast(pa.string()) for c in tokens[:2])
        except pa.ArrowInvalid:
            raise _NotCanonical from None
    previous = ids if last is None else pa.concat_arrays([pa.array([last], pa.string()), ids])
    # ids strictly increasing (UTF-8 bytes order as code points do), events not empty
    increasing = len(previous) < 2 or pc.all(pc.less(previous[:-1], previous[1:])).as_py()
    if not increasing or pc.any(pc.equal(pc.binary_length(events), 0)).as_py():
        raise _NotCanonical  # unsorted, given twice, or without an event
    table = pa.table([ids, tokens[2].cast(pa.string()), events], schema=LEDGER_COLUMNS)
    return table, ids[-1].as_py()


def _string(token: bytes) -> str:
    """A JSON string token's value (most have no escape to decode)."""
    try:
        return token[1:-1].decode("utf-8") if b"\\" not in token else json.loads(token)
    except ValueError:  # UnicodeDecodeError, json.JSONDecodeError
        raise _NotCanonical from None


LEDGER_CACHE = "splits.arrow"
"""The ledger's entries as the last build read or wrote them, in the project's cache folder: parsing
the JSON of 100k entries took 0.3 s of a rebuild, reading them back from Arrow a few ms. The file
holds :data:`_CACHE_MAGIC`, the sha256 of the ledger bytes whose entries it keeps, the sha256 of the
Arrow IPC file that follows, and that file: it is used for those very bytes alone, and a damaged or
outdated copy is passed over (the ledger is parsed as without it)."""
_CACHE_MAGIC = b"dbledger1"
_CACHE_HEAD = len(_CACHE_MAGIC) + 64


def _file_sha256(path: Path) -> bytes:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").digest()


def _cached_entries(cache_dir: Path, digest: bytes) -> pa.Table | None:
    """The entries :func:`_keep_entries` kept for the ledger bytes of sha256 ``digest``, if it did."""
    try:
        with open(cache_dir / LEDGER_CACHE, "rb") as f:
            head = f.read(_CACHE_HEAD)
            if head[:-32] != _CACHE_MAGIC + digest:
                return None
            data = f.read()
    except OSError:
        return None
    if hashlib.sha256(data).digest() != head[-32:]:
        return None
    try:
        table = pa.ipc.open_file(pa.py_buffer(data)).read_all()
        table.validate(full=True)
    except (pa.ArrowException, ValueError):
        return None
    return table if table.schema.equals(LEDGER_COLUMNS) else None


def _keep_entries(cache_dir: Path, digest: bytes, table: pa.Table) -> None:
    """Keep ``table``, the entries of the ledger bytes of sha256 ``digest``, for :func:`_cached_entries`;
    a cache folder that cannot be written is left as it is (the next build parses the ledger)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, LEDGER_COLUMNS) as writer:
        writer.write_table(table)
    data = sink.getvalue().to_pybytes()
    with contextlib.suppress(OSError):
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(cache_dir / LEDGER_CACHE, _CACHE_MAGIC + digest + hashlib.sha256(data).digest() + data)


class SplitLedger:
    """Recorded assignments, one row per document id (:data:`LEDGER_COLUMNS`); entries are only ever
    added, never changed."""

    def __init__(self, table: pa.Table | None = None) -> None:
        """``table``: rows sorted by id, each id once (see :meth:`of` to make one from entries)."""
        self.table = (table if table is not None else LEDGER_COLUMNS.empty_table()).combine_chunks()

    @classmethod
    def of(cls, entries: Mapping[str, Assignment]) -> SplitLedger:
        ids = sorted(entries)
        columns = [ids, [entries[i].split for i in ids], [entries[i].event for i in ids]]
        return cls(pa.table(columns, schema=LEDGER_COLUMNS))

    @classmethod
    def read(cls, path: Path, cache_dir: Path | None = None) -> SplitLedger:
        """The ledger at ``path`` (empty when the file does not exist yet), validated by its schema.

        With ``cache_dir`` (the project's cache folder), a ledger read or written before is taken
        back from its Arrow copy there when the file's bytes are the same (:data:`LEDGER_CACHE`).
        """
        try:
            if cache_dir is None:
                return cls(_stream_entries(path))
            cached = _cached_entries(Path(cache_dir), _file_sha256(path))
            if cached is not None:
                return cls(cached)
            hashed = hashlib.sha256()
            table = _stream_entries(path, hashed.update)
            if table.num_rows:  # an empty ledger is not worth keeping (nor is all of it hashed)
                _keep_entries(Path(cache_dir), hashed.digest(), table)
            return cls(table)
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        except _NotCanonical:
            pass
        try:  # a hand edit (or another layout): read whole, for an error naming the line
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 at byte {exc.start}") from None
        return cls.of(_parse_ledger(Path(path), text))

    def __len__(self) -> int:
        return self.table.num_rows

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SplitLedger) and self.table.equals(other.table)

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Assignment]:
        """Every entry as a dict (for a few documents: a large ledger stays in Arrow)."""
        ids, splits, events = (self.table.column(c).to_pylist() for c in LEDGER_COLUMNS.names)
        return {i: Assignment(s, e) for i, s, e in zip(ids, splits, events, strict=True)}

    def lookup(self, ids: pa.Array) -> pa.Table:
        """The split and event recorded for each of ``ids`` (null where none is)."""
        at = pc.index_in(ids, value_set=self.table.column(schema.ID))
        return self.table.select(["split", "event"]).take(at)

    def with_(self, added: SplitLedger) -> SplitLedger:
        if len(self) and len(added):
            ids = self.table.column(schema.ID)
            clash = ids.filter(pc.is_in(ids, value_set=added.table.column(schema.ID)))
            if len(clash):
                raise ValueError(
                    f"documents already recorded in the split ledger: {', '.join(clash.to_pylist())}"
                )
        return _union(self, added.table)

    def to_bytes(self) -> bytes:
        """Canonical bytes, ``json.dumps(…, indent=1, sort_keys=True)`` of the entries (ids sorted, so
        the file diffs line by line in git)."""
        return b"".join(self.chunks())

    def chunks(self) -> Iterator[bytes]:
        """:meth:`to_bytes` a chunk of entries at a time, for a writer that never holds the whole file
        (at 1M documents it is ~90 MB, and joining it doubled that)."""
        if not len(self):
            yield b'{\n "documents": {},\n "format": 1\n}\n'
            return
        yield b'{\n "documents": {\n'
        for n, batch in enumerate(self.table.to_batches(CHUNK)):
            if n:
                yield b",\n"
            ids, splits, events = (batch.column(c).to_pylist() for c in LEDGER_COLUMNS.names)
            entries = (
                f'  {_json(i)}: {{\n   "event": {_json(e)},\n   "split": {_json(s)}\n  }}'
                for i, s, e in zip(ids, splits, events, strict=True)
            )
            yield ",\n".join(entries).encode("utf-8")
        yield b'\n },\n "format": 1\n}\n'


_json = json.encoder.encode_basestring
"""``json.dumps(value, ensure_ascii=False)`` of a string, without making an encoder per value."""


def merge_ledgers(ours: SplitLedger, theirs: SplitLedger) -> tuple[SplitLedger, list[str]]:
    """Both ledgers' entries, and every document the two record differently (a real conflict).

    Entries are only ever added, so two branches that each built new documents merge without loss;
    a document recorded in two splits (or events) is never settled by a guess.
    """
    if not len(theirs):  # a first build: no hash set of every id (tens of MB at 1M documents)
        return ours, []
    at = pc.index_in(theirs.table.column(schema.ID), value_set=ours.table.column(schema.ID))
    both = theirs.table.filter(pc.is_valid(at))
    mine = ours.table.take(at.drop_null())
    differ = pc.or_(
        pc.not_equal(both.column("split"), mine.column("split")),
        pc.not_equal(both.column("event"), mine.column("event")),
    )
    ours_rows, their_rows = (t.filter(differ).to_pylist() for t in (mine, both))
    conflicts = [
        f"{a[schema.ID]}: {a['split']} (event {a['event']}) here, {b['split']} (event {b['event']}) there"
        for a, b in zip(ours_rows, their_rows, strict=True)
    ]
    return _union(ours, theirs.table.filter(pc.is_null(at))), conflicts


def _union(ledger: SplitLedger, added: pa.Table) -> SplitLedger:
    """``ledger`` with the rows ``added`` (ids it lacks, sorted). One side empty (a first build, a
    pull that adds nothing) is taken as it is: sorting a copy cost as much memory as the ledger."""
    if not added.num_rows:
        return ledger
    if not len(ledger):
        return SplitLedger(added)
    return SplitLedger(pa.concat_tables([ledger.table, added]).sort_by(schema.ID))


def merge_files(ours: Path, theirs: Path, out: Path | None = None) -> str:
    """``dataset-builder splits merge``: join two ledger files into ``out`` (default ``ours``).

    Usable as a git merge driver (``%A %B``): nothing is written when a document is recorded
    differently, and the error names each such document.
    """
    mine = SplitLedger.read(ours)
    merged, conflicts = merge_ledgers(mine, SplitLedger.read(theirs))
    if conflicts:
        shown = "\n  ".join(conflicts)
        raise InputError(
            f"{ours} and {theirs}: {len(conflicts)} document(s) recorded in different splits or events; "
            f"nothing written. Decide each one (it must stay where it was published):\n  {shown}"
        )
    target = Path(out or ours)
    write_atomic(target, merged.chunks())
    gained = len(merged) - len(mine)
    return f"{target}: {len(merged)} documents recorded ({gained} from {theirs})"


@dataclass(frozen=True)
class SplitPlan:
    """The event id and split of every document of a build (in key order), and what the ledger gains."""

    events: pa.Array
    splits: pa.Array
    added: SplitLedger
    conflicts: list[str]


def _new_event_id(members: Iterable[str]) -> str:
    return "event-" + hashlib.sha256("\n".join(sorted(members)).encode()).hexdigest()[:12]


def assign_splits(
    keys: Iterable[EventKey], ledger: SplitLedger, ratios: Sequence[float] = schema.DEFAULT_SPLIT_RATIOS
) -> SplitPlan:
    """Event ids and splits for every document (in ``keys`` order); recorded documents keep their split."""
    table = KeyTable()
    table.add_keys(keys)
    rows = table.table()
    return plan_splits(rows, group_labels(rows, len(table.entity_ids)), ledger, ratios)


def plan_splits(
    keys: pa.Table,
    labels: np.ndarray,
    ledger: SplitLedger,
    ratios: Sequence[float] = schema.DEFAULT_SPLIT_RATIOS,
) -> SplitPlan:
    """:func:`assign_splits` of key rows already grouped (``events.group_labels``), so that a build
    times grouping and splitting apart.

    Events are planned in the order of their smallest member id, a chunk of rows at a time; only the
    chunk's ids and recorded entries are Python objects at once.
    """
    check_ratios(ratios)
    ids = keys.column(schema.ID).combine_chunks()
    recorded = ledger.lookup(ids)
    rank = np.empty(len(ids), np.int64)
    rank[pc.sort_indices(ids).to_numpy()] = np.arange(len(ids))
    first = np.full(labels.max() + 1 if len(labels) else 0, len(ids))
    np.minimum.at(first, labels, rank)
    order = np.lexsort((rank, first[labels]))  # events by smallest member id, members by id
    ends = np.flatnonzero(np.diff(first[labels][order], append=-1)) + 1
    del rank, first
    # A document alone in its event, recorded and in no curated group keeps what the ledger says: in a
    # rebuild, nearly every document. Only the other events are planned in Python.
    sizes = np.diff(ends, prepend=0)
    alone = np.zeros(len(order), bool)
    alone[ends[sizes == 1] - 1] = True
    in_order = pa.array(order)
    recorded = recorded.take(in_order)
    curated = keys.column(schema.EVENT_ID).take(in_order)
    kept = pc.and_(
        pa.array(alone), pc.and_(pc.is_valid(recorded.column("split")), pc.is_null(curated))
    ).to_numpy(zero_copy_only=False)
    planned = np.flatnonzero(~kept)
    starts_planned = np.isin(ends - sizes, planned)  # events are planned whole
    planned_ends = np.searchsorted(planned, ends[starts_planned] - 1) + 1
    events: list[pa.Array] = []
    splits: list[pa.Array] = []
    added: list[pa.Table] = []
    conflicts: list[str] = []
    start = 0
    while start < len(planned):
        stop = (
            planned_ends[np.searchsorted(planned_ends, start + CHUNK)]
            if start + CHUNK < len(planned)
            else len(planned)
        )
        rows = pa.array(planned[start:stop])
        chunk = _plan_chunk(
            ids.take(in_order.take(rows)).to_pylist(),
            curated.take(rows).to_pylist(),
            recorded.take(rows),
            planned_ends[(planned_ends > start) & (planned_ends <= stop)] - start,
            ratios,
        )
        events.append(chunk[0]), splits.append(chunk[1]), added.append(chunk[2])
        conflicts += chunk[3]
        start = stop
    back = pa.array(np.argsort(order))  # key order again
    mask = pa.array(~kept)
    del order, in_order, kept  # before the columns are copied back into key order (memory at 1M)
    return SplitPlan(
        _in_order(recorded.column("event"), mask, events, back),
        _in_order(recorded.column("split"), mask, splits, back),
        SplitLedger(_sorted_rows(added)),
        conflicts,
    )


def _in_order(kept: pa.ChunkedArray, planned: pa.Array, chunks: list[pa.Array], order: pa.Array) -> pa.Array:
    """The values of ``kept`` where ``planned`` is false and the chunks' values where it is true, taken
    in ``order``; the chunks are let go first (at 1M documents each copy of the event ids is ~20 MB,
    and three were alive at once)."""
    values = pc.replace_with_mask(
        kept.combine_chunks(), planned, pa.concat_arrays(chunks or [pa.array([], pa.string())])
    )
    chunks.clear()
    return values.take(order)


def _sorted_rows(tables: list[pa.Table]) -> pa.Table:
    """Ledger rows of ``tables`` sorted by id, the tables let go before the sorted copy is made."""
    rows = pa.concat_tables([LEDGER_COLUMNS.empty_table(), *tables])
    tables.clear()
    return rows.sort_by(schema.ID)


def _plan_chunk(
    ids: list[str],
    curated_ids: list[str | None],
    recorded: pa.Table,
    ends: np.ndarray,
    ratios: Sequence[float],
) -> tuple[pa.Array, pa.Array, pa.Table, list[str]]:
    """Events and splits of whole events (rows ``ends``-delimited, each sorted by id)."""
    splits_in, events_in = (recorded.column(c).to_pylist() for c in ("split", "event"))
    event_of: list[str] = []
    split_of_row: list[str] = []
    new_rows: list[tuple[str, str, str]] = []
    conflicts: list[str] = []
    start = 0
    for end in ends.tolist():
        members = ids[start:end]
        names = sorted({c for c in curated_ids[start:end] if c})
        curated = names[0] if names else None
        known = {
            m: Assignment(s, e)
            for m, s, e in zip(members, splits_in[start:end], events_in[start:end], strict=True)
            if s is not None
        }
        new = [m for m in members if m not in known]
        split, event = _placement(members, curated, known, ratios)
        if new and len({a.split for a in known.values()}) > 1:
            where = ", ".join(f"{m} ({a.split})" for m, a in sorted(known.items()))
            conflicts.append(
                f"new document(s) {', '.join(new)} join documents already built in different splits "
                f"({where}); they go to {split} and no built document moves"
            )
        for m in members:
            event_of.append(curated or (known[m].event if m in known else event))
            split_of_row.append(known[m].split if m in known else split)
        new_rows += [(m, split, curated or event) for m in new]
        start = end
    added = pa.table([list(c) for c in zip(*new_rows, strict=True)] or [[], [], []], schema=LEDGER_COLUMNS)
    return pa.array(event_of, pa.string()), pa.array(split_of_row, pa.string()), added, conflicts


def _placement(
    members: Sequence[str], curated: str | None, recorded: Mapping[str, Assignment], ratios: Sequence[float]
) -> tuple[str, str]:
    """Split and event id for the group's new documents."""
    if not recorded:
        event = curated or _new_event_id(members)
        return split_of(event, ratios), event
    votes = Counter(a.split for a in recorded.values())
    split = min(votes, key=lambda s: (-votes[s], schema.SPLITS.index(s)))
    event = min(a.event for a in recorded.values() if a.split == split)
    return split, event


def built_assignments(folder: Path) -> SplitLedger:
    """Split and event of each document of a built folder (its ``documents`` parquet files)."""
    import pyarrow.parquet as pq

    tables = []
    for path in sorted(Path(folder).glob(schema.data_glob("documents"))):
        try:
            table = pq.read_table(path, columns=[schema.ID, schema.EVENT_ID])
        except (OSError, pa.ArrowException) as exc:
            raise InputError(
                f"{path}: not a readable parquet file ({exc}): the build in {folder} is damaged; remove "
                "that folder (a build writes it again) or build into another one with --out"
            ) from exc
        split = pa.array([schema.split_of_file(path)] * table.num_rows, pa.string())
        columns = [
            table.column(schema.ID).cast(pa.string()),
            split,
            table.column(schema.EVENT_ID).cast(pa.string()),
        ]
        tables.append(pa.Table.from_arrays(columns, schema=LEDGER_COLUMNS))
    return SplitLedger(pa.concat_tables([LEDGER_COLUMNS.empty_table(), *tables]).sort_by(schema.ID))


def restore_ledger(
    ledger_path: Path, built: Path, releases_dir: Path | None = None, cache_dir: Path | None = None
) -> tuple[SplitLedger, list[str]]:
    """The ledger at ``ledger_path``, with the documents of the previous build (``built``) it lacks
    (``cache_dir`` as in :meth:`SplitLedger.read`).

    A missing or truncated ledger would otherwise give released documents new splits from the hash
    (a document released in test could move to train). What the previous build holds is put back,
    and said; when nothing can be restored but a version was published, the build is refused.
    """
    ledger = SplitLedger.read(ledger_path, cache_dir)
    previous = built_assignments(built).table if Path(built).is_dir() else LEDGER_COLUMNS.empty_table()
    ids = previous.column(schema.ID)
    missing = previous.filter(pc.invert(pc.is_in(ids, value_set=ledger.table.column(schema.ID))))
    if missing.num_rows:
        note = (
            f"split ledger: {missing.num_rows} document(s) missing from {ledger_path} restored from the "
            f"previous build in {built} (e.g. {missing.column(schema.ID)[0].as_py()}), so no built document moves"
        )
        return ledger.with_(SplitLedger(missing)), [note]
    published = (
        sorted(Path(releases_dir).glob("*.json")) if releases_dir and Path(releases_dir).is_dir() else []
    )
    if not ledger_path.exists() and published:
        raise InputError(
            f"{ledger_path}: missing, but {published[-1]} records a published version, and there is no "
            f"previous build in {built} to restore it from: every document would get its split anew and "
            "released ones could move. Restore the file from git (git checkout -- <path>) or from the release"
        )
    return ledger, []


def write_ledger(path: Path, ledger: SplitLedger, cache_dir: Path | None = None) -> None:
    """Write ``ledger`` joined with what is on disk now: an entry another writer recorded is kept,
    and a document recorded differently there is refused, never overwritten. With ``cache_dir`` (as
    in :meth:`SplitLedger.read`), the entries written are kept there for the next build's read."""
    merged, conflicts = merge_ledgers(ledger, SplitLedger.read(path, cache_dir))
    if conflicts:
        raise InputError(
            f"{path}: changed during the build; {len(conflicts)} document(s) recorded differently there "
            f"(nothing written): {'; '.join(conflicts[:5])}"
        )
    written = hashlib.sha256()

    def hashed() -> Iterator[bytes]:
        for chunk in merged.chunks():
            written.update(chunk)
            yield chunk

    write_atomic(path, hashed())
    if cache_dir is not None and len(merged):
        _keep_entries(Path(cache_dir), written.digest(), merged.table)


def empty_split_notes(documents: Mapping[str, int], events: int, ratios: Sequence[float]) -> list[str]:
    """Why a split the ratios ask for has no rows (``ner["validation"]`` would be a KeyError), and
    what to do: each event goes whole to one split, so a small corpus can leave one empty."""
    total = sum(documents.values())
    return [
        f"the {split} split is empty: {total} documents in {events} events are too few for a "
        f"{ratio:g} share (each event goes whole to one split), so the dataset has no {split!r} split; "
        "add articles, or set its share to 0 under [splits] in dataset.toml and split train in your "
        "training code (README: Small corpora)"
        for split, ratio in zip(schema.SPLITS, ratios, strict=True)
        if ratio > 0 and not documents.get(split)
    ]
