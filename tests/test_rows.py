"""The Document ↔ row converter: every document comes back unchanged, and its Arrow rows are the
``documents`` rows the row-wise oracle defines, laid out as ``from_pylist`` lays them out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pyarrow as pa
from conftest import ANN, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from test_configs import documents_with_spans

from dataset_builder import rows, schema
from dataset_builder.documents import Cut, Document, Span
from dataset_builder.knowledge import Knowledge
from dataset_builder.pipeline import silver_documents
from tests.support import oracles


@st.composite
def full_documents(draw: st.DrawFn) -> Document:
    """Documents with every field set or left empty, spans in any order, linked or not."""
    doc = draw(documents_with_spans())
    spans = [dataclasses.replace(s, entity_id=draw(st.none() | st.just("Q1"))) for s in doc.entities]
    return doc.with_(
        id=draw(st.text(min_size=1, max_size=5)),
        entities=draw(st.permutations(spans)),
        cuts=[Cut(i, "\n", "newline") for i in draw(st.lists(st.integers(0, 99), max_size=3))],
        title=draw(st.none() | st.text(max_size=5)),
        date=draw(st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1))),
        date_source=draw(st.none() | st.sampled_from(schema.DATE_SOURCES)),
        topics=draw(st.lists(st.sampled_from(["politics", "economy"]), unique=True)),
        event_id=draw(st.none() | st.just("e1")),
        translation_group=draw(st.none() | st.just("g1")),
        annotation_status=draw(st.sampled_from(schema.STATUSES)),
        truncated=draw(st.booleans()),
    )


def in_text_order(doc: Document) -> Document:
    return doc.with_(entities=sorted(doc.entities, key=lambda s: (s.start, s.end)))


@settings(max_examples=100, deadline=None)
@given(st.lists(full_documents(), max_size=4))
def test_documents_come_back_from_their_rows(docs: list[Document]) -> None:
    table = rows.documents_table(docs)
    assert list(rows.documents_from_table(table)) == [in_text_order(d) for d in docs]
    records = json.loads(json.dumps([rows.document_record(d) for d in docs]))
    assert [rows.document_from_record(r) for r in records] == docs


@settings(max_examples=100, deadline=None)
@given(st.lists(full_documents(), max_size=4))
def test_the_arrow_rows_are_the_documents_rows_of_the_oracle(docs: list[Document]) -> None:
    table = rows.documents_table(docs)
    reference = pa.Table.from_pylist([oracles.document_row(d) for d in docs], schema=rows.documents_schema())
    assert table.equals(reference) and table.nbytes == reference.nbytes


def test_the_seeds_documents_come_back_from_their_rows() -> None:
    docs = list(silver_documents(SEEDS, Knowledge.load(ANN)))
    assert docs and any(d.cuts for d in docs) and any(d.date for d in docs) and any(d.entities for d in docs)
    assert list(rows.documents_from_table(rows.documents_table(docs))) == [in_text_order(d) for d in docs]


def test_spans_and_cuts_have_the_struct_fields_of_the_field_table() -> None:
    """Records store span and cut members by position: the dataclasses and the features agree on it."""
    for name, kind in ((schema.ENTITIES, Span), (schema.CUTS, Cut)):
        struct = rows.documents_schema().field(name).type.value_type
        assert [f.name for f in struct] == [f.name for f in dataclasses.fields(kind)]
