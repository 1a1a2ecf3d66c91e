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
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dataset_builder import schema
from dataset_builder.errors import InputError
from dataset_builder.events import EventKey, event_groups
from dataset_builder.knowledge_schema import read_json

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


@dataclass(frozen=True)
class SplitLedger:
    """Recorded assignments by document id; entries are only ever added, never changed."""

    entries: Mapping[str, Assignment] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> SplitLedger:
        """The ledger at ``path`` (empty when the file does not exist yet)."""
        if not path.exists():
            return cls()
        raw = read_json(path)
        if not isinstance(raw, dict) or raw.get("format") != LEDGER_FORMAT:
            raise InputError(f"{path}: not a split ledger of format {LEDGER_FORMAT}")
        documents = raw.get("documents")
        if not isinstance(documents, dict):
            raise InputError(f"{path}: 'documents' must be an object of document id → split and event")
        entries = {}
        for doc_id, entry in documents.items():
            if (
                not isinstance(entry, dict)
                or entry.get("split") not in schema.SPLITS
                or not isinstance(entry.get("event"), str)
            ):
                raise InputError(
                    f'{path}: document {doc_id}: expected {{"split": one of {", ".join(schema.SPLITS)}, '
                    '"event": "<event id>"}'
                )
            entries[doc_id] = Assignment(entry["split"], entry["event"])
        return cls(entries)

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
    check_ratios(ratios)
    plan = SplitPlan({}, {}, {}, [])
    for members, curated in event_groups(keys):
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
        plan.added.update({m: Assignment(split, curated or event) for m in new})
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
