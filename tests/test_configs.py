"""Config rows: IOB2 tags agree exactly with the document spans; splits and pairs are deterministic."""

from __future__ import annotations

import itertools

import datasets
import pytest
from conftest import ANN, KNOWLEDGE, SEEDS, TAXONOMY
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder import configs, schema
from dataset_builder.documents import Document, Span
from dataset_builder.errors import InputError
from tests.support import oracles

ALPHABET = "ابتثجحخدذرسشصضطظعغفقكلمنهوي" + "ًٌٍَُِّْ" + "ـال" + "abcXYZ" + "0123" + " \n.,!?؟«»\"'-" + "\u200d"


def rebuilt_spans(doc: Document) -> list[tuple[int, int, str]]:
    """Spans decoded back from the ``ner`` rows of a document."""
    out = []
    for row in oracles.ner_rows(oracles.document_row(doc)):
        assert row["tokens"] == [
            doc.text[a:b] for a, b in zip(row["token_starts"], row["token_ends"], strict=True)
        ]
        assert all(t.strip() == t and t for t in row["tokens"])
        out += oracles.spans_from_tags(row["token_starts"], row["token_ends"], row["ner_tags"])
    return out


def doc_spans(doc: Document) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in doc.entities)


@st.composite
def documents_with_spans(draw: st.DrawFn) -> Document:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=120))
    language = draw(st.sampled_from(schema.LANGUAGES))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        piece = text[start:end]
        if piece and not piece[0].isspace() and not piece[-1].isspace():
            spans.append(Span(start, end, piece, draw(st.sampled_from(list(schema.ENTITY_LABELS)))))
    return Document("d", "d.txt", language, text, 0, len(text), entities=spans)


@settings(max_examples=300, deadline=None)
@given(documents_with_spans())
def test_iob2_tags_rebuild_the_document_spans(doc: Document) -> None:
    assert rebuilt_spans(doc) == doc_spans(doc)


def test_tags_rebuild_spans_of_every_real_document() -> None:
    from dataset_builder.pipeline import documents

    docs = list(documents(SEEDS, ANN, KNOWLEDGE))
    assert docs
    for doc in docs:
        assert rebuilt_spans(doc) == doc_spans(doc), doc.id


def test_arabic_proclitic_is_split_off_at_the_span_start(make_doc) -> None:
    doc = make_doc("x", "ar", "التقى السيسي وبلينكن.", [("بلينكن", "PER")])
    (row,) = oracles.ner_rows(oracles.document_row(doc))
    tagged = dict(zip(row["tokens"], row["ner_tags"], strict=True))
    assert tagged == {"التقى": "O", "السيسي": "O", "و": "O", "بلينكن": "B-PER", ".": "O"}


def test_sentences_split_on_arabic_and_english_marks_but_never_inside_an_entity(make_doc) -> None:
    ar = "هل انتهى الاجتماع؟ نعم. انتهى!\nغدا"
    assert [ar[a:b] for a, b in configs.sentences(ar, "ar")] == [
        "هل انتهى الاجتماع؟",
        "نعم.",
        "انتهى!",
        "غدا",
    ]
    en = "He met U.S. officials. They left.\nLater"
    assert [en[a:b] for a, b in configs.sentences(en, "en")] == [
        "He met U.S. officials.",
        "They left.",
        "Later",
    ]
    doc = make_doc("y", "en", "Talks in Washington D.C. Then Doha.", [("Washington D.C. Then Doha", "MISC")])
    rows = list(oracles.ner_rows(oracles.document_row(doc)))
    assert len(rows) == 1 and rebuilt_spans(doc) == doc_spans(doc)


def test_overlapping_entities_are_rejected_with_the_document_named(make_doc) -> None:
    doc = make_doc("bad-doc", "en", "New York City", [("New York", "LOC"), ("York City", "LOC")])
    with pytest.raises(InputError, match=r"bad-doc.*overlap"):
        list(oracles.ner_rows(oracles.document_row(doc)))


def test_class_labels_come_from_the_schema() -> None:
    assert configs.ner_features()["ner_tags"].feature.names == schema.ner_tag_names()
    topic_ids = [t.id for t in TAXONOMY]
    assert configs.topics_features(topic_ids)["labels"].feature.names == topic_ids
    assert set(configs.config_features(topic_ids)) == set(configs.CONFIG_NAMES)


def test_parallel_pairs_by_paragraph_when_counts_match_else_by_document() -> None:
    ar = {"id": "a-ar", "language": "ar", "text": "فقرة أولى\n\nفقرة ثانية\n"}
    en = {"id": "a-en", "language": "en", "text": "First paragraph\nSecond paragraph"}
    rows = list(configs.parallel_rows("g", [en, ar]))
    assert [r["alignment"] for r in rows] == ["paragraph", "paragraph"]
    assert rows[1]["translation"] == {"ar": "فقرة ثانية", "en": "Second paragraph"}
    rows = list(configs.parallel_rows("g", [ar, {**en, "text": "One paragraph only"}]))
    assert [(r["alignment"], r["translation"]["en"]) for r in rows] == [("document", "One paragraph only")]
    features = configs.parallel_features()
    assert isinstance(features["translation"], datasets.Translation)
    assert features.encode_example(rows[0])["translation"] == rows[0]["translation"]


@pytest.mark.parametrize("status", schema.STATUSES)
def test_ner_and_topics_rows_carry_the_annotation_status(make_doc, status: str) -> None:
    doc = make_doc(
        "d", "en", "Sisi met Blinken. They talked.", [("Blinken", "PER")], annotation_status=status
    )
    row = oracles.document_row(doc)
    ner = list(oracles.ner_rows(row))
    assert len(ner) == 2 and all(r["annotation_status"] == status for r in ner)
    assert oracles.topic_row(row)["annotation_status"] == status
    for name, rows in (("ner", ner), ("topics", [oracles.topic_row(row)])):
        features = configs.config_features([t.id for t in TAXONOMY])[name]
        assert features["annotation_status"] == datasets.Value("string")
        assert all(set(r) == set(features) for r in rows), name


def test_evaluation_code_keeps_gold_only_as_the_card_advises(built, sample_docs) -> None:
    gold = {d.id for d in sample_docs if d.annotation_status == "gold"}
    assert gold and len(gold) < len(sample_docs)
    for name, document_of in (("ner", "document_id"), ("topics", "id")):
        splits = datasets.load_dataset(str(built), name)
        ds = datasets.concatenate_datasets(list(splits.values()))
        kept = ds.filter(lambda r: r["annotation_status"] == "gold")
        assert {r[document_of] for r in kept} == gold, name
        assert 0 < len(kept) < len(ds)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_tokens_are_the_word_tokens_cut_at_every_boundary_inside_them(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet=ALPHABET, max_size=80))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    boundaries = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=20)))
    expected = []
    for a, b in configs.tokenize(text, start, end):
        edges = [a, *(c for c in boundaries if a < c < b), b]
        expected += itertools.pairwise(edges)
    assert configs.tokenize(text, start, end, boundaries) == expected
