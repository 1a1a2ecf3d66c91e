"""English entities of news across subjects (issue 17, tests/data/news_dev9): people written with
initials, particles and honorifics."""

from __future__ import annotations

from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans


def found(text: str) -> list[tuple[str, str]]:
    spans = find_entities(text, "en", KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [(s.text, s.label) for s in spans]


def test_people_written_with_initials_are_people() -> None:
    assert ("M.S. Dhoni", "PER") in found("Former India captain M.S. Dhoni watched from the stands.")
    assert ("N. Chandrasekaran", "PER") in found("N. Chandrasekaran, the group's chairman, spoke.")
    assert ("Daniel J. O'Connor", "PER") in found("A jury convicted Daniel J. O'Connor, a trader, of fraud.")
    assert ("Nicholas G. Garaufis", "PER") in found("The trial was before Judge Nicholas G. Garaufis in May.")
    # an abbreviation the base knows is no initial: the U.S. stays a place before a title
    assert found("Assistant U.S. Attorney Maria Lopez spoke.")[0] == ("U.S.", "LOC")


def test_particles_in_a_row_and_honorifics_stay_out_of_people() -> None:
    assert ("Maria-Elena Van der Berg", "PER") in found("Prosecutor Maria-Elena Van der Berg told jurors.")
    assert ("Willie le Roux", "PER") in found("The Bulls led through a try by Willie le Roux.")
    assert ("John Hardy", "PER") in found("Professor Sir John Hardy said it was disappointing.")


def test_a_sentence_opening_adjective_does_not_make_a_place_part_of_a_longer_name() -> None:
    assert ("India", "LOC") in found("Former India captain Rahul Dravid was there.")


def test_works_in_quotes_are_misc_but_speech_and_known_names_are_not() -> None:
    text = 'Harvey won for "Orbital", beating “Prophet Song” and "All We Imagine as Light".'
    assert [s for s in found(text) if s[1] == "MISC"] == [
        ("Orbital", "MISC"),
        ("Prophet Song", "MISC"),
        ("All We Imagine as Light", "MISC"),
    ]
    assert ("Hamas", "ORG") in found('He called "Hamas" a threat.')
    assert found('"Code is not a crime," she said.') == []
    assert found('He said: "We Will Win."') == []


def test_a_prize_for_a_field_is_one_event_but_a_cup_won_for_a_country_is_not() -> None:
    assert ("Women's Prize for Fiction", "MISC") in found("The Women's Prize for Fiction went to her.")
    assert found("He won the Davis Cup for France.") == [("Davis Cup", "MISC"), ("France", "LOC")]


def test_towns_and_counties_of_the_uk_and_ireland_are_places_but_not_given_names() -> None:
    text = "Staff in Kettering, Stockport and Tyldesley, and farms in Monmouthshire and Galway, were hit."
    assert [s for s, _ in found(text)] == ["Kettering", "Stockport", "Tyldesley", "Monmouthshire", "Galway"]
    assert found("Leigh said the bridge would close.") == []  # Leigh is a town and a given name


def test_a_place_starting_or_ending_a_longer_name_is_no_place_of_its_own() -> None:
    assert found("They play Northampton Saints next week.") == []
    assert ("Galway", "LOC") not in found("Works are on show at the Galway Arts Centre on Monday.")
    assert ("Stockport", "LOC") in found("The court in Stockport sat on Monday.")


def test_venues_and_festivals_by_their_head() -> None:
    assert found("It was held at Kings Park and Franklin's Gardens.") == [
        ("Kings Park", "LOC"),
        ("Franklin's Gardens", "LOC"),
    ]
    assert found("The Galway International Arts Festival opened.") == [
        ("Galway International Arts Festival", "MISC")
    ]


def test_a_family_name_that_is_also_a_place_stays_the_persons() -> None:
    text = "Council leader Anna Coventry said it was fair. Coventry added that it would go to Kettering."
    assert found(text) == [("Anna Coventry", "PER"), ("Coventry", "PER"), ("Kettering", "LOC")]
    assert found("Michael Jordan met fans in Jordan.") == [("Michael Jordan", "PER"), ("Jordan", "LOC")]


def test_a_league_after_a_competition_word_is_a_competition_other_leagues_are_bodies() -> None:
    text = "Villa play in the Europa Conference League. The Arab League met in Cairo."
    assert ("Europa Conference League", "MISC") in found(text)
    assert ("Arab League", "ORG") in found(text)
    assert ("English Football League", "ORG") in found("The English Football League fined the club.")


def test_a_body_ends_before_on_and_a_street() -> None:
    assert found("It is on show at the Galway Arts Centre on Dominick Street.") == [
        ("Galway Arts Centre", "ORG"),
        ("Dominick Street", "LOC"),
    ]


def test_schools_colleges_and_equities_desks_head_organisations() -> None:
    assert found("Pupils at St Mary's Catholic High School were told.") == [
        ("St Mary's Catholic High School", "ORG")
    ]
    assert found("Kotak Institutional Equities said margins would fall.") == [
        ("Kotak Institutional Equities", "ORG")
    ]
