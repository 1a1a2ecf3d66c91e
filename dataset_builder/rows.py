"""The one converter between :class:`Document` and a ``documents`` row.

A document's fields are the ``documents`` config's columns (:data:`schema.CONFIG_FIELDS`), so the
cache, the build's staging, the report and ``diff`` all convert through here. In Arrow: a table built
by :func:`documents_table` is what the ``documents`` config holds (entities in text order), and
:func:`documents_from_table` gives back the documents, equal to the ones given (with their entities
in that order); columns are built from flat lists, never a dict per row or per span. As JSON
(:func:`document_record`, for the silver cache, whose entries are one seed file each): the same row
keyed by column name, spans and cuts keyed by their struct fields, dates in ISO form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import schema
from dataset_builder.documents import Cut, Document, Span

_ITEMS: dict[str, type] = {schema.ENTITIES: Span, schema.CUTS: Cut}
"""The list-of-struct columns and the class of their items (struct fields = the class's fields)."""


@functools.cache
def documents_schema() -> pa.Schema:
    """The Arrow schema of a ``documents`` row (from the field table)."""
    return schema.documents_features().arrow_schema


@functools.cache
def _field_order() -> tuple[str, ...]:
    """The document's fields in the dataclass's order (each one a ``documents`` column)."""
    names = tuple(f.name for f in dataclasses.fields(Document))
    missing = set(names) ^ set(schema.CONFIG_FIELDS["documents"])
    assert not missing, f"Document and the documents config disagree on {sorted(missing)}"
    return names


_BY_OFFSET = operator.attrgetter("start", "end")
"""The order of a row's entities: by offset (one C call per span, not a Python key function)."""


def _list_array(lists: Sequence[Sequence[Any]], values: pa.Array, kind: pa.ListType) -> pa.Array:
    offsets = pa.array(list(itertools.accumulate(map(len, lists), initial=0)), pa.int32())
    return pa.ListArray.from_arrays(offsets, values, type=kind)


def _columns(objects: Sequence[Any], names: Sequence[str]) -> list[list[Any]]:
    """The values of each attribute of ``objects`` (``map`` of an attrgetter: no Python call per value)."""
    return [list(map(operator.attrgetter(name), objects)) for name in names]


def _struct_lists(lists: Sequence[Sequence[Any]], kind: pa.ListType) -> pa.Array:
    """A list<struct> column of items whose attributes are the struct's fields."""
    struct = kind.value_type
    items = [item for items in lists for item in items]
    values = _columns(items, [f.name for f in struct])
    children = [pa.array(v, f.type) for v, f in zip(values, struct, strict=True)]
    return _list_array(lists, pa.StructArray.from_arrays(children, fields=list(struct)), kind)


def documents_table(docs: Iterable[Document]) -> pa.Table:
    """The ``documents`` rows of ``docs``, in order (entities sorted by offset, as the config holds them)."""
    docs = list(docs)
    arrow = documents_schema()
    values = _columns(docs, arrow.names)
    columns = []
    for f, column in zip(arrow, values, strict=True):
        if f.name == schema.ENTITIES:
            columns.append(_struct_lists([sorted(spans, key=_BY_OFFSET) for spans in column], f.type))
        elif f.name in _ITEMS:
            columns.append(_struct_lists(column, f.type))
        elif pa.types.is_list(f.type):
            items = pa.array([v for items in column for v in items], f.type.value_type)
            columns.append(_list_array(column, items, f.type))
        else:
            columns.append(pa.array(column, f.type))
    return pa.Table.from_arrays(columns, schema=arrow)


def _items(column: pa.ChunkedArray | pa.Array, kind: type) -> list[list[Any]]:
    """Each row's items of a list<struct> column, as ``kind`` instances."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    bounds = pc.subtract(column.offsets, column.offsets[0]).to_pylist()
    flat = column.flatten()
    fields = (flat.field(f.name).to_pylist() for f in dataclasses.fields(kind))
    items = [kind(*values) for values in zip(*fields, strict=True)]
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


def documents_from_table(table: pa.Table) -> Iterator[Document]:
    """The documents of ``documents`` rows (any column order; the table's chunks are read in turn)."""
    columns = []
    for name in _field_order():
        column = table.column(name)
        if name in _ITEMS:
            columns.append(_items(column, _ITEMS[name]))
        else:
            columns.append(column.to_pylist())
    for values in zip(*columns, strict=True):
        yield Document(*values)


@functools.cache
def _item_fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def document_record(doc: Document) -> dict[str, Any]:
    """A document as a JSON-ready ``documents`` row (entities in the document's order)."""
    record = {name: getattr(doc, name) for name in _field_order()}
    for name, kind in _ITEMS.items():
        names = _item_fields(kind)
        record[name] = [[getattr(item, n) for n in names] for item in record[name]]
    if doc.date is not None:
        record[schema.DATE] = doc.date.isoformat()
    return record


def document_from_record(record: dict[str, Any]) -> Document:
    """The document of a :func:`document_record` (``record`` is consumed)."""
    for name, kind in _ITEMS.items():
        record[name] = [kind(*item) for item in record[name]]
    if record[schema.DATE] is not None:
        record[schema.DATE] = dt.date.fromisoformat(record[schema.DATE])
    return Document(**record)


def count_rows(columns: Sequence[pa.Array | pa.ChunkedArray]) -> dict[tuple[Any, ...], int]:
    """How many rows hold each combination of values of ``columns`` (nulls included), in the order
    the combinations first appear: counted by Arrow, not a Python loop per document."""
    names = [f"c{i}" for i in range(len(columns))]
    grouped = (
        pa.table(list(columns), names=names).group_by(names, use_threads=False).aggregate([([], "count_all")])
    )
    values = zip(*(grouped[name].to_pylist() for name in names), strict=True)
    return dict(zip(values, grouped["count_all"].to_pylist(), strict=True))
