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
