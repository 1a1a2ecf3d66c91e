"""Phrases that hold a place's name but name nothing (issue 17): force majeure is القوة القاهرة, the
cruciate ligament الرباط الصليبي, a vegetable Brussels sprouts. A span inside one is dropped, whichever
step found it, with the phrase behind a proclitic or written with marks; the place itself, next to
such a phrase, is still found."""

from __future__ import annotations

import pytest
from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans


def entities(text: str, language: str) -> list[tuple[str, str, int]]:
    spans = find_entities(text, language, KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [(s.text, s.label, s.start) for s in spans]


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت الشركة حالة القوة القاهرة في الميناء.",
        "وتذرعت الشركة بالقوة القاهرة لوقف التصدير.",
        "ولجأت إلى بند للقوة القاهرة في العقد.",
        "وأعلنت الشركة حالة القُوّة القاهِرة في الميناء.",
        "وتأخر التسليم بسبب الظروف القاهرة.",
        "وأعلن النادي إصابة لاعبه بقطع في الرباط الصليبي الأمامي.",
        "ويعاني الحارس من إصابة بالرباط الصليبي.",
        "وطلي الجدار باللون الرمادي.",
        "وتبقى العقبة الرئيسية أمام الاتفاق مسألة الحدود.",
    ],
)
def test_an_arabic_phrase_naming_nothing_holds_no_place(text: str) -> None:
    assert entities(text, "ar") == []


@pytest.mark.parametrize(
    "text",
    [
        "Brussels sprouts are in season.",
        "Prices of BRUSSELS SPROUTS rose.",
        "He wore a Panama hat to the match.",
        "Add a dash of Worcestershire sauce.",
        "Doctors described Stockholm syndrome in the hostages.",
        "Brazil nuts and Lima beans were on the menu.",
        "She bought Chelsea boots and a Boston terrier.",
    ],
)
def test_an_english_phrase_naming_nothing_holds_no_place(text: str) -> None:
    assert entities(text, "en") == []


def test_the_place_next_to_such_a_phrase_is_still_found() -> None:
    text = "وأعلنت شركة في القاهرة القوة القاهرة، وقال مسؤول في الرباط إن الرباط الصليبي للاعب سليم."
    assert entities(text, "ar") == [
        ("القاهرة", "LOC", text.index("القاهرة")),
        ("الرباط", "LOC", text.index("الرباط")),
    ]
    text = "Brussels banned Brussels sprouts imports from Panama."
    assert entities(text, "en") == [("Brussels", "LOC", 0), ("Panama", "LOC", text.index("Panama"))]


def test_a_phrase_is_matched_on_whole_words_only() -> None:
    """A word that only starts like the phrase's last word, or ends like its first, makes no such phrase."""
    assert ("Brussels", "LOC", 0) in entities("Brussels sproutsmen met on Monday.", "en")
    assert ("Panama", "LOC", 13) in entities("Exports from Panama hatcheries rose.", "en")
