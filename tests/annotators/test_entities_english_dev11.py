"""English entities of issue 17's tests/data/news_dev11: names with accented capitals, towns the
gazetteer takes only in a place's context, clubs after a prefix and their town alone, common words
that name firms."""

from __future__ import annotations

from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans
from dataset_builder.knowledge.text import latin_folded


def found(text: str) -> list[tuple[str, str]]:
    spans = find_entities(text, "en", KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [(s.text, s.label) for s in spans]


def test_accented_capitals_fold_one_letter_for_one() -> None:
    text = "Storm Éowyn, Şahin, İstanbul, Ōsaka, Zoë Åkesson, Łódź – “quoted” £5"
    assert latin_folded(text) == "Storm Eowyn, Sahin, Istanbul, Osaka, Zoe Akesson, Lodz – “quoted” £5"
    assert len(latin_folded(text)) == len(text)


def test_names_with_accented_capitals_are_read_as_their_plain_letters() -> None:
    text = (
        "Judge Seán Ó Sé heard the case. Dr Zoë Åkesson, a GP, said patients waited. "
        "Storm Éowyn brought record gusts, and Uisce Éireann said supplies were affected."
    )
    assert found(text) == [
        ("Seán Ó Sé", "PER"),
        ("Zoë Åkesson", "PER"),
        ("Storm Éowyn", "MISC"),
        ("Uisce Éireann", "ORG"),
    ]


def test_context_towns_are_places_only_in_a_places_context() -> None:
    text = (
        "Crews were on standby in Tralee and Letterkenny. Tralee councillors met on Monday.\n"
        "The Knysna-based firm hired staff from Oudtshoorn."
    )
    assert found(text) == [
        ("Tralee", "LOC"),
        ("Letterkenny", "LOC"),
        ("Tralee", "LOC"),  # the text named it as a place once
        ("Knysna", "LOC"),
        ("Oudtshoorn", "LOC"),
    ]
    # no place context: a town named like a person or inside a longer name is left alone
    assert found("Letterkenny is a common surname in the north.") == []
    assert [s for s in found("He met Judge Asheville in court.") if s[0] == "Asheville"] == [
        ("Asheville", "PER")
    ]


def test_a_context_town_as_a_dateline_and_after_a_places_possessive() -> None:
    text = "ASHEVILLE, N.C. — Residents wait.\nThe plant sits in Tamil Nadu's Krishnagiri district."
    assert ("ASHEVILLE", "LOC") in found(text)
    assert ("Krishnagiri", "LOC") in found(text)


def test_a_family_names_particle_stays_in_its_later_mentions() -> None:
    text = "Ángel Di María scored twice. Di María, 37, curled in a free kick."
    assert found(text) == [("Ángel Di María", "PER"), ("Di María", "PER")]


def test_nations_of_the_uk_give_their_adjectives() -> None:
    text = "The Welsh government and the Scottish Highlands; storms across West Yorkshire."
    assert found(text) == [("Welsh", "MISC"), ("Scottish Highlands", "LOC"), ("West Yorkshire", "LOC")]


def test_a_clubs_town_after_a_club_prefix_is_the_club_alone() -> None:
    text = (
        "Benfica beat Borussia Dortmund 3-1. Dortmund coach Nuri Şahin was angry. Fans flew home to Dortmund."
    )
    assert found(text) == [
        ("Benfica", "ORG"),
        ("Borussia Dortmund", "ORG"),
        ("Dortmund", "ORG"),
        ("Nuri Şahin", "PER"),
        ("Dortmund", "LOC"),  # after a place preposition, the town
    ]


def test_common_words_that_name_firms_are_no_firm_in_their_common_phrases() -> None:
    text = "Next year the retailer Next will open stores. Shell companies were not involved; Shell said so."
    assert found(text) == [("Next", "ORG"), ("Shell", "ORG")]
