"""MISC in both languages (issue 17, tests/data/misc_dev1): the plurals of nationalities, works named
in quotes, agreements and laws named by their head."""

from __future__ import annotations

from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans


def entities(text: str, language: str) -> list[tuple[str, str]]:
    spans = find_entities(text, language, KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [(s.text, s.label) for s in spans]


def test_every_plural_of_a_nationality_is_misc_feminine_plural_included() -> None:
    found = entities("ونقلت السلطات اللاجئات السودانيات والعاملات الفلبينيات، وشارك متطوعون مصريون.", "ar")
    assert [t for t, label in found if label == "MISC"] == ["السودانيات", "الفلبينيات", "مصريون"]


def test_a_title_in_quotes_after_a_work_noun_is_a_work() -> None:
    found = entities('فاز الكاتب بالجائزة عن روايته "قناع بلون السماء" في أبوظبي.', "ar")
    assert ("قناع بلون السماء", "MISC") in found


def test_a_quote_after_no_work_noun_is_no_work() -> None:
    found = entities('وقال الوزير إن "المرحلة المقبلة صعبة" على الجميع.', "ar")
    assert [t for t, label in found if label == "MISC"] == []


def test_a_declaration_named_after_a_city_is_one_name() -> None:
    assert ("إعلان جدة", "MISC") in entities("ودعا الطرفين إلى تنفيذ إعلان جدة الموقع العام الماضي.", "ar")


def test_a_law_and_a_summit_are_named_by_their_head() -> None:
    found = entities("Ofcom set out duties under the Online Safety Act as Web Summit opened in Lisbon.", "en")
    assert ("Online Safety Act", "MISC") in found and ("Web Summit", "MISC") in found


def test_demonym_plurals_beyond_n_and_i() -> None:
    found = entities("Filipinos, Greeks and Uzbeks joined Kazakhs at the forum.", "en")
    assert [t for t, label in found if label == "MISC"] == ["Filipinos", "Greeks", "Uzbeks", "Kazakhs"]


def test_a_tropical_storm_keeps_its_whole_name() -> None:
    assert ("Tropical Storm Trami", "MISC") in entities("Tropical Storm Trami flooded Bicol on Friday.", "en")
