"""English entities of issue 17's tests/data/news_dev10: places also named as people or as common
words, firms joined by "&", products named by their maker."""

from __future__ import annotations

from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans


def found(text: str) -> list[tuple[str, str]]:
    spans = find_entities(text, "en", KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [(s.text, s.label) for s in spans]


def test_counties_named_as_people_are_places_where_no_name_goes_on() -> None:
    text = "Kerry beat Mayo by four points. Orange warnings for Kerry, Clare and Down, Met Eireann said."
    assert found(text) == [
        ("Kerry", "LOC"),
        ("Mayo", "LOC"),
        ("Kerry", "LOC"),
        ("Clare", "LOC"),
        ("Down", "LOC"),
        ("Met Eireann", "ORG"),
    ]
    # towns named as people or as common words likewise (the gazetteer skips them)
    assert found("He was jailed in Bolton. Reading the report, fans in Reading were upset.") == [
        ("Bolton", "LOC"),
        ("Reading", "LOC"),
    ]


def test_people_named_as_counties_stay_people() -> None:
    text = (
        "His partner, Kerry Preston, 38, was spared jail. The review is chaired by retired judge Kerry Mayo."
    )
    assert [s for s in found(text) if s[1] == "LOC"] == []
    assert ("Kerry Preston", "PER") in found(text)
    # a lone given name with a reporting verb or a possessive is no place; a common word opening a
    # sentence neither
    assert found("Clare said she was happy. Down the road, Clare's shop was shut.") == []


def test_firms_named_after_partners_are_one_organisation() -> None:
    text = "Analysts at Keefe, Bruyette & Woods agreed. The law firm Slater and Gordon filed the claim."
    assert found(text) == [("Keefe, Bruyette & Woods", "ORG"), ("Slater and Gordon", "ORG")]
    assert ("Clayton, Dubilier & Rice", "ORG") in found("It is owned by Clayton, Dubilier & Rice, the fund.")
    # investors of two firms stay two; a heading line of its own is no firm
    assert found("investors Accel and Sequoia backed it") == [("Accel", "ORG"), ("Sequoia", "ORG")]
    assert found("Health & Wellbeing\nShe ran.") == []


def test_a_product_is_its_maker_and_a_model_code() -> None:
    assert found("It flies the Airbus A380 and the Airbus A321neo.") == [
        ("Airbus A380", "MISC"),
        ("Airbus A321neo", "MISC"),
    ]


def test_a_person_whose_given_name_is_a_place_or_a_club() -> None:
    text = "Prosecutor Chelsea Barrow told the court. His barrister, Jordan Derby, said he was sorry."
    assert found(text) == [("Chelsea Barrow", "PER"), ("Jordan Derby", "PER")]
