"""Group documents that report the same event.

A curated event (``annotations/groups.json``) always names its group. Two documents report the same
event when their dates are at most one day apart and they share at least two linked entities;
translations of each other always share an event. The test is run through links (day, pair of entity
ids), so it costs O(documents × entities²), never all pairs.

A build holds its keys as Arrow columns (:class:`KeyTable`) and groups them with numpy and scipy's
connected components: a few dozen bytes per document and per distinct link, where a Python object
per document, key and link cost about a kilobyte per document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dataset_builder import schema
from dataset_builder.documents import Document
from dataset_builder.errors import DatasetBuilderError

MAX_ENTITIES = 8
"""Only a document's first few distinct linked entities make links (bounds the link count)."""

_PAIRS = {
    k: np.array(list(combinations(range(k), 2)), np.int64).reshape(-1, 2) for k in range(MAX_ENTITIES + 1)
}
"""Index pairs (i < j) of a row's ``k`` entity codes."""

LINK_ROWS = 1 << 14
"""Documents whose links are made and matched at once (bounds the link arrays alive: ≤ 56 a document)."""


@dataclass(frozen=True, slots=True)
class EventKey:
    """What event grouping needs to know about one document."""

    id: str
    date: dt.date | None
    entity_ids: tuple[str, ...]
    translation_group: str | None
    event_id: str | None

    @classmethod
    def of(cls, doc: Document) -> EventKey:
        """Only what grouping uses: the first ``MAX_ENTITIES`` linked ids, none without a date."""
        ids = sorted({s.entity_id for s in doc.entities if s.entity_id})[:MAX_ENTITIES] if doc.date else []
        return cls(doc.id, doc.date, tuple(ids), doc.translation_group, doc.event_id)


KEY_SCHEMA = pa.schema(
    [
        (schema.ID, pa.string()),
        (schema.SEED_FILE, pa.dictionary(pa.int32(), pa.string())),
        (schema.DATE, pa.date32()),
        (schema.ENTITIES, pa.list_(pa.int32())),
        (schema.TRANSLATION_GROUP, pa.string()),
        (schema.EVENT_ID, pa.string()),
    ]
)
"""A key row: the linked entities as codes into :attr:`KeyTable.entity_ids`."""


@dataclass
class KeyTable:
    """The event keys of a build's documents, in the order they were added, as Arrow columns."""

    entity_ids: list[str] = field(default_factory=list)
    """The entity id of each code (codes are given in the order ids are first met)."""
    _codes: dict[str, int] = field(default_factory=dict)
    _batches: list[pa.RecordBatch] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(b.num_rows for b in self._batches)

    def add_rows(self, table: pa.Table) -> None:
        """Add the keys of ``documents`` rows (those :meth:`EventKey.of` gives their documents)."""
        entities = table.column(schema.ENTITIES).combine_chunks()
        linked = entities.flatten().field("entity_id")
        rows = pc.list_parent_indices(entities)
        links = pa.table({"row": rows.cast(pa.int64()), "linked": linked})
        self._add(table, links)

    def add_keys(self, keys: Iterable[EventKey]) -> None:
        """Add keys made one by one (:meth:`EventKey.of`)."""
        keys = list(keys)
        rows = [i for i, k in enumerate(keys) for _ in k.entity_ids]
        ids = [e for k in keys for e in k.entity_ids]
        links = pa.table({"row": pa.array(rows, pa.int64()), "linked": pa.array(ids, pa.string())})
        table = pa.table(
            {
                schema.ID: pa.array([k.id for k in keys], pa.string()),
                schema.SEED_FILE: pa.nulls(len(keys), pa.string()).dictionary_encode(),
                schema.DATE: pa.array([k.date for k in keys], pa.date32()),
                schema.TRANSLATION_GROUP: pa.array([k.translation_group for k in keys], pa.string()),
                schema.EVENT_ID: pa.array([k.event_id for k in keys], pa.string()),
            }
        )
        self._add(table, links)

    def _add(self, table: pa.Table, links: pa.Table) -> None:
        """Keep each dated row's first ``MAX_ENTITIES`` distinct non-empty ids (in id order) as codes."""
        dated = pc.is_valid(table.column(schema.DATE).combine_chunks().take(links.column("row")))
        linked = links.column("linked")
        keep = pc.and_(dated, pc.fill_null(pc.not_equal(linked, ""), False))
        links = links.filter(keep).group_by(["row", "linked"], use_threads=False).aggregate([])
        links = links.sort_by([("row", "ascending"), ("linked", "ascending")])
        row = links.column("row").to_numpy()
        rank = np.arange(len(row)) - np.searchsorted(row, row, side="left")
        links = links.filter(pa.array(rank < MAX_ENTITIES))
        names = links.column("linked").combine_chunks().dictionary_encode()
        codes = np.array([self._code(name) for name in names.dictionary.to_pylist()], np.int32)
        counts = np.bincount(links.column("row").to_numpy(), minlength=table.num_rows)
        entities = pa.ListArray.from_arrays(
            pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int32()),
            pa.array(codes[names.indices.to_numpy(zero_copy_only=False)], pa.int32()),
        )
        seed_files = table.column(schema.SEED_FILE).combine_chunks().dictionary_encode()  # few per batch
        given = {schema.ENTITIES: entities, schema.SEED_FILE: seed_files}
        columns = [given[name] if name in given else table.column(name) for name in KEY_SCHEMA.names]
        self._batches.extend(pa.Table.from_arrays(columns, schema=KEY_SCHEMA).combine_chunks().to_batches())

    def _code(self, entity_id: str) -> int:
        code = self._codes.get(entity_id)
        if code is None:
            code = self._codes[entity_id] = len(self.entity_ids)
            self.entity_ids.append(entity_id)
        return code

    def table(self) -> pa.Table:
        """Every key added, in order."""
        return pa.Table.from_batches(self._batches, schema=KEY_SCHEMA)


def group_labels(keys: pa.Table, entity_count: int) -> np.ndarray:
    """The event of each key row (:data:`KEY_SCHEMA`), as a number shared by the rows of one event.

    ``entity_count``: how many entity codes the rows may use (``len(KeyTable.entity_ids)``).
    """
    n = keys.num_rows
    edges = [
        _same_value_edges(keys.column(schema.EVENT_ID)),
        _same_value_edges(keys.column(schema.TRANSLATION_GROUP)),
        *_link_edges(keys, entity_count),
    ]
    src = np.concatenate([e[0] for e in edges])
    dst = np.concatenate([e[1] for e in edges])
    graph = coo_matrix((np.ones(len(src), np.int8), (src, dst)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _same_value_edges(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Each row with a value joined to the first row with that value."""
    encoded = column.combine_chunks().dictionary_encode()
    rows = np.flatnonzero(encoded.is_valid().to_numpy(zero_copy_only=False))
    values = encoded.indices.to_numpy(zero_copy_only=False)[rows]
    _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    return rows[first][inverse], rows


def _link_edges(keys: pa.Table, entity_count: int) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """Each row with a link (a day or the day after it, a pair of its entities) joined to the first
    row with that link: the links of ``LINK_ROWS`` rows at a time, matched against every link met
    before (sorted numbers, never a dict of tuples)."""
    days = keys.column(schema.DATE).cast(pa.int32())
    start_day = pc.min(days).as_py()
    if start_day is None:
        return
    span = (pc.max(days).as_py() - start_day + 2) * entity_count * entity_count
    if span >= 2**63:
        raise DatasetBuilderError(  # a link is one int64: days × entities² must fit
            f"cannot group events: {entity_count:,} distinct linked entities over "
            f"{pc.max(days).as_py() - start_day + 1:,} day(s) is more than one build can number"
        )
    seen = np.empty(0, np.int64)  # every link met so far, sorted
    seen_row = np.empty(0, np.int64)  # the first row with it
    for start in range(0, keys.num_rows, LINK_ROWS):
        links, rows = _links(keys.slice(start, LINK_ROWS), start, start_day, entity_count)
        if not len(links):
            continue
        order = np.argsort(links, kind="stable")
        links, rows = links[order], rows[order]
        new_link = np.concatenate([[True], links[1:] != links[:-1]])
        which = np.cumsum(new_link) - 1
        unique, first_row = links[new_link], rows[new_link]
        at = np.searchsorted(seen, unique)
        found = at < len(seen)
        found[found] = seen[at[found]] == unique[found]
        first_row[found] = seen_row[at[found]]
        seen = np.insert(seen, at[~found], unique[~found])
        seen_row = np.insert(seen_row, at[~found], first_row[~found])
        yield _forest(first_row, which, rows, start, min(LINK_ROWS, keys.num_rows - start))


def _forest(
    first_row: np.ndarray, which: np.ndarray, rows: np.ndarray, start: int, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Edges that join the same rows as each link's first row (``first_row[which]``) to each of the
    ``count`` rows from ``start`` with it (``rows``), one per row (each to the smallest row of its
    component), so a build keeps at most a few per document whatever its number of links.

    The rows are numbered without sorting the links' rows: the chunk's rows by place, before them the
    few distinct first rows of earlier chunks (a sort of these alone, not of every link's two rows).
    """
    earlier = first_row < start
    before, before_at = np.unique(first_row[earlier], return_inverse=True)
    node_of_first = first_row - start + len(before)
    node_of_first[earlier] = before_at
    nodes = np.concatenate([before, np.arange(start, start + count)])  # sorted: earlier rows first
    graph = coo_matrix(
        (np.ones(len(rows), np.int8), (node_of_first[which], rows - start + len(before))),
        shape=(len(nodes),) * 2,
    )
    _, label = connected_components(graph, directed=False)
    root = np.full(label.max() + 1, len(nodes))
    np.minimum.at(root, label, np.arange(len(nodes)))
    return nodes[root[label]], nodes


def _links(keys: pa.Table, start: int, start_day: int, entity_count: int) -> tuple[np.ndarray, np.ndarray]:
    """The links of ``keys`` (rows numbered from ``start``) as numbers, and the row of each."""
    entities = keys.column(schema.ENTITIES).combine_chunks()
    counts = pc.list_value_length(entities).to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    codes = entities.flatten().to_numpy(zero_copy_only=False).astype(np.int64)
    days = keys.column(schema.DATE).cast(pa.int32()).fill_null(start_day).to_numpy() - start_day
    links, rows = [], []
    for k in range(2, MAX_ENTITIES + 1):
        row = np.flatnonzero(counts == k)
        if not len(row):
            continue
        base = offsets[row][:, None]
        a, b = codes[base + _PAIRS[k][:, 0]], codes[base + _PAIRS[k][:, 1]]
        pair = np.minimum(a, b) * entity_count + np.maximum(a, b)
        day = days[row][:, None] * entity_count * entity_count
        for shift in (0, entity_count * entity_count):  # the day, and the day after it
            links.append((day + shift + pair).ravel())
            rows.append(np.repeat(row + start, pair.shape[1]))
    if not links:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(links), np.concatenate(rows)
