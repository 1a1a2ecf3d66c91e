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

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dataset_builder import schema
from dataset_builder.errors import InputError
from dataset_builder.events import EventKey, event_groups
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


@dataclass(frozen=True)
class SplitLedger:
    """Recorded assignments by document id; entries are only ever added, never changed."""

    entries: Mapping[str, Assignment] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> SplitLedger:
        """The ledger at ``path`` (empty when the file does not exist yet), validated by its schema."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 at byte {exc.start}") from None
        return cls(_parse_ledger(Path(path), text))

    def with_(self, added: Mapping[str, Assignment]) -> SplitLedger:
        clash = sorted(set(added) & set(self.entries))
        if clash:
            raise ValueError(f"documents already recorded in the split ledger: {', '.join(clash)}")
        return SplitLedger({**self.entries, **added})

    def to_bytes(self) -> bytes:
        """Canonical bytes (sorted ids), so the file diffs line by line in git."""
        documents = {
            doc_id: {"event": a.event, "split": a.split} for doc_id, a in sorted(self.entries.items())
        }
        body = {"format": LEDGER_FORMAT, "documents": documents}
        return (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def merge_ledgers(ours: SplitLedger, theirs: SplitLedger) -> tuple[SplitLedger, list[str]]:
    """Both ledgers' entries, and every document the two record differently (a real conflict).

    Entries are only ever added, so two branches that each built new documents merge without loss;
    a document recorded in two splits (or events) is never settled by a guess.
    """
    conflicts = [
        f"{doc_id}: {a.split} (event {a.event}) here, {theirs.entries[doc_id].split} "
        f"(event {theirs.entries[doc_id].event}) there"
        for doc_id, a in sorted(ours.entries.items())
        if doc_id in theirs.entries and theirs.entries[doc_id] != a
    ]
    return SplitLedger({**theirs.entries, **ours.entries}), conflicts


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
    write_atomic(target, merged.to_bytes())
    gained = len(merged.entries) - len(mine.entries)
    return f"{target}: {len(merged.entries)} documents recorded ({gained} from {theirs})"


@dataclass(frozen=True)
class SplitPlan:
    """The event id and split of every document of a build, and what the ledger gains."""

    event_ids: dict[str, str]
    splits: dict[str, str]
    added: dict[str, Assignment]
    conflicts: list[str]


def _new_event_id(members: Iterable[str]) -> str:
    return "event-" + hashlib.sha256("\n".join(sorted(members)).encode()).hexdigest()[:12]


def assign_splits(
    keys: Iterable[EventKey], ledger: SplitLedger, ratios: Sequence[float] = schema.DEFAULT_SPLIT_RATIOS
) -> SplitPlan:
    """Event ids and splits for every document; recorded documents keep their split."""
    return plan_splits(event_groups(keys), ledger, ratios)


def plan_splits(
    groups: Iterable[tuple[Sequence[str], str | None]],
    ledger: SplitLedger,
    ratios: Sequence[float] = schema.DEFAULT_SPLIT_RATIOS,
) -> SplitPlan:
    """:func:`assign_splits` of the events already grouped (``events.event_groups``: documents of an
    event, and its curated id if any), so that a build times grouping and splitting apart."""
    check_ratios(ratios)
    plan = SplitPlan({}, {}, {}, [])
    for members, curated in groups:
        recorded = {m: ledger.entries[m] for m in members if m in ledger.entries}
        new = [m for m in members if m not in recorded]
        split, event = _placement(members, curated, recorded, ratios)
        if new and len({a.split for a in recorded.values()}) > 1:
            where = ", ".join(f"{m} ({a.split})" for m, a in sorted(recorded.items()))
            plan.conflicts.append(
                f"new document(s) {', '.join(new)} join documents already built in different splits "
                f"({where}); they go to {split} and no built document moves"
            )
        for m in members:
            plan.event_ids[m] = curated or (recorded[m].event if m in recorded else event)
            plan.splits[m] = recorded[m].split if m in recorded else split
        plan.added.update(dict.fromkeys(new, Assignment(split, curated or event)))  # one per event
    return plan


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


def built_assignments(folder: Path) -> dict[str, Assignment]:
    """Split and event of each document of a built folder (``data/documents/<split>.parquet``)."""
    import pyarrow.parquet as pq

    found: dict[str, Assignment] = {}
    for path in sorted(Path(folder).glob(schema.data_glob("documents"))):
        table = pq.read_table(path, columns=[schema.ID, schema.EVENT_ID])
        for doc_id, event in zip(
            table.column(schema.ID).to_pylist(), table.column(schema.EVENT_ID).to_pylist(), strict=True
        ):
            found[doc_id] = Assignment(path.stem, event)
    return found


def restore_ledger(
    ledger_path: Path, built: Path, releases_dir: Path | None = None
) -> tuple[SplitLedger, list[str]]:
    """The ledger at ``ledger_path``, with the documents of the previous build (``built``) it lacks.

    A missing or truncated ledger would otherwise give released documents new splits from the hash
    (a document released in test could move to train). What the previous build holds is put back,
    and said; when nothing can be restored but a version was published, the build is refused.
    """
    ledger = SplitLedger.read(ledger_path)
    previous = built_assignments(built) if Path(built).is_dir() else {}
    missing = {doc_id: a for doc_id, a in sorted(previous.items()) if doc_id not in ledger.entries}
    if missing:
        note = (
            f"split ledger: {len(missing)} document(s) missing from {ledger_path} restored from the "
            f"previous build in {built} (e.g. {next(iter(missing))}), so no built document moves"
        )
        return ledger.with_(missing), [note]
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


def write_ledger(path: Path, ledger: SplitLedger) -> None:
    """Write ``ledger`` joined with what is on disk now: an entry another writer recorded is kept,
    and a document recorded differently there is refused, never overwritten."""
    merged, conflicts = merge_ledgers(ledger, SplitLedger.read(path))
    if conflicts:
        raise InputError(
            f"{path}: changed during the build; {len(conflicts)} document(s) recorded differently there "
            f"(nothing written): {'; '.join(conflicts[:5])}"
        )
    write_atomic(path, merged.to_bytes())


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
