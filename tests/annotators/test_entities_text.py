"""The text as the entity rules read it (:mod:`dataset_builder.annotators.entities.text`): Arabic marks
read past with every offset mapped both ways."""

from __future__ import annotations

from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.annotators.entities.text import marked_spans, unmarked_spans, without_marks
from dataset_builder.documents import Span

MARKED = "قال زيــاد عبدُ الرحمن،"
"""A tatweel inside زياد and a damma on عبد."""


def test_marks_are_removed_and_offsets_map_back() -> None:
    assert without_marks("قال زياد") is None
    plain, at = without_marks(MARKED)
    assert plain == "قال زياد عبد الرحمن،"
    assert all(MARKED[at[i]] == ch for i, ch in enumerate(plain)) and at[-1] == len(MARKED)


def test_a_model_span_moves_onto_the_plain_text_and_back() -> None:
    plain, at = without_marks(MARKED)
    start, end = MARKED.index("زيــاد"), MARKED.index("،")
    on_mark = MARKED.index("ـ")
    spans = [
        Span(start, end, MARKED[start:end], "PER", None),
        Span(on_mark, end, MARKED[on_mark:end], "PER", None),
    ]
    (moved,) = unmarked_spans(plain, at, spans)  # the span starting on a tatweel is dropped
    assert moved.text == "زياد عبد الرحمن"
    (back,) = marked_spans(MARKED, at, [moved])
    assert (back.start, back.end, back.text) == (start, end, MARKED[start:end])


def test_find_entities_keeps_a_model_span_on_marked_text() -> None:
    start, end = MARKED.index("زيــاد"), MARKED.index("،")
    model = [Span(start, end, MARKED[start:end], "PER", None)]
    found = find_entities(MARKED, "ar", KNOWLEDGE.entities, model)
    assert [(s.start, s.end, s.label) for s in found if s.start == start] == [(start, end, "PER")]
    assert all(MARKED[s.start : s.end] == s.text for s in found)


def test_a_names_marks_tell_which_place_it_is() -> None:
    """عمّان (a shadda on the mim) is Amman; عمان without marks, or عُمان, stays Oman."""
    text = "ووصل الوفد إلى عمّان أمس، ثم إلى عَمَّـان، قادما من عمان ومن عُمان."
    spans = find_entities(text, "ar", KNOWLEDGE.entities)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert [(s.text, s.label, s.entity_id) for s in spans] == [
        ("عمّان", "LOC", "geonames-250441"),
        ("عَمَّـان", "LOC", "geonames-250441"),
        ("عمان", "LOC", "iso-om"),
        ("عُمان", "LOC", "iso-om"),
    ]
