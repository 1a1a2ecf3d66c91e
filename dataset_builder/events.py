"""Group documents that report the same event.

A curated event (``annotations/groups.json``) always names its group. Two documents report the same
event when their dates are at most one day apart and they share at least two linked entities;
translations of each other always share an event. The test is run through keys
(date bucket, pair of entity ids), so it costs O(documents × entities²), never all pairs.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import schema
from dataset_builder.documents import Document

MAX_ENTITIES = 8
"""Only a document's first few distinct linked entities make keys (bounds the key count)."""


@dataclass(frozen=True, slots=True)
class EventKey:
    """What event grouping needs to know about a document (small, kept in memory)."""

    id: str
    date: dt.date | None
    entity_ids: tuple[str, ...]
    translation_group: str | None
    event_id: str | None

    @classmethod
    def of(cls, doc: Document) -> EventKey:
        """Only what grouping uses: the first ``MAX_ENTITIES`` linked ids, none without a date."""
        ids = sorted({s.entity_id for s in doc.entities if s.entity_id})[:MAX_ENTITIES] if doc.date else []
        # entity ids recur across documents: interned, every key of a build shares one copy of each
        return cls(doc.id, doc.date, tuple(map(sys.intern, ids)), doc.translation_group, doc.event_id)


def keys_of_rows(table: pa.Table) -> list[EventKey]:
    """The keys of ``documents`` rows, equal to :meth:`EventKey.of` of their documents (a rebuild takes
    rows of unchanged seed files back as Arrow, without making documents again)."""
    entities = table.column(schema.ENTITIES).combine_chunks()
    offsets = pc.subtract(entities.offsets, entities.offsets[0]).to_pylist()  # a slice's start at 0
    linked = entities.flatten().field("entity_id").to_pylist()
    columns = (
        table.column(c).to_pylist()
        for c in (schema.ID, schema.DATE, schema.TRANSLATION_GROUP, schema.EVENT_ID)
    )
    keys = []
    for i, (doc_id, date, translation_group, event_id) in enumerate(zip(*columns, strict=True)):
        ids = sorted({e for e in linked[offsets[i] : offsets[i + 1]] if e})[:MAX_ENTITIES] if date else []
        keys.append(EventKey(doc_id, date, tuple(map(sys.intern, ids)), translation_group, event_id))
    return keys


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def event_groups(keys: Iterable[EventKey]) -> list[tuple[tuple[str, ...], str | None]]:
    """Documents of the same event, each group sorted, with its curated name (the smallest) if any."""
    uf = _UnionFind()
    first_with: dict[tuple[object, ...], str] = {}
    curated: dict[str, str] = {}
    for key in keys:
        uf.find(key.id)
        links: list[tuple[object, ...]] = []
        if key.event_id:
            curated[key.id] = key.event_id
            links.append(("event", key.event_id))
        if key.translation_group:
            links.append(("translation", key.translation_group))
        if key.date is not None:
            day = key.date.toordinal()  # flat (day, id, id) keys: a third of nested (date, pair) ones
            for a, b in combinations(key.entity_ids, 2):
                links += [(day, a, b), (day + 1, a, b)]
        for link in links:
            other = first_with.setdefault(link, key.id)
            uf.union(other, key.id)
    members: dict[str, list[str]] = {}
    for doc_id in uf.parent:
        members.setdefault(uf.find(doc_id), []).append(doc_id)
    groups = []
    for group in sorted(tuple(sorted(g)) for g in members.values()):
        names = sorted({curated[d] for d in group if d in curated})
        groups.append((group, names[0] if names else None))
    return groups
