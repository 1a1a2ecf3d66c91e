"""English names the knowledge base gives only in context (issue 17): Emirates, Amazon and Pyramids
name an airline, a company and a club, but after "the" the UAE's emirates or the stadium, the river
and the monument. Descriptor words before the name (``descriptors``) or after it
(``descriptors_after``), a verb after a name no other entity has (``subject_verbs``) or the
entity's full name in the same text tell the entity."""

from __future__ import annotations

import pytest
from conftest import ANN, KNOWLEDGE
from pydantic import ValidationError

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans
from dataset_builder.knowledge.schema import EnglishEntityRules, read_json


def found(text: str) -> list[tuple[str, str, str | None]]:
    spans = find_entities(text, "en", KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [(s.text, s.label, s.entity_id) for s in spans]


AIRLINE = ("Emirates", "ORG", "emirates-airline")


def test_after_the_a_contextual_name_is_not_its_entity() -> None:
    assert found("Heavy rain fell across the Emirates on Monday.") == []
    assert ("Arsenal", "ORG", "arsenal-fc") in found("Arsenal lost 2-1 at the Emirates.")
    assert found("Arsenal lost 2-1 at the Emirates.") == [("Arsenal", "ORG", "arsenal-fc")]
    # not even in a text that names the airline in context elsewhere
    assert found("Emirates said flights were delayed by rain across the Emirates.") == [AIRLINE]


def test_a_descriptor_before_tells_the_entity() -> None:
    assert found("The carrier Emirates cut its fares.") == [AIRLINE]
    assert found("Sir Tim Clark, president of Emirates, spoke.") == [("Tim Clark", "PER", None), AIRLINE]
    assert found("Online retailer Amazon cut its prices.") == [("Amazon", "ORG", "amazon")]
    # Barcelona is a city too: only a descriptor makes it the club (before, only brackets did)
    assert ("Barcelona", "ORG", "fc-barcelona") in found("Spanish club Barcelona signed a striker.")


def test_a_descriptor_after_tells_the_entity_and_the_text_then_uses_it_everywhere() -> None:
    assert ("Barcelona", "ORG", "fc-barcelona") in found("Barcelona coach Hansi Flick spoke.")
    pyramids = ("Pyramids", "ORG", "pyramids-fc")
    assert found("Pyramids coach Krunoslav Jurcic praised Pyramids, not the Pyramids.") == [
        pyramids,
        ("Krunoslav Jurcic", "PER", None),
        pyramids,
    ]


def test_a_verb_after_tells_the_entity_only_of_a_name_no_other_entity_has() -> None:
    assert found("Anadolu has reported the strike.") == [("Anadolu", "ORG", "anadolu-agency")]
    assert found("Emirates has ordered 15 more jets. Emirates expects more.") == [AIRLINE, AIRLINE]
    assert found("Emirates to resume flights to Nigeria") == [AIRLINE, ("Nigeria", "LOC", "iso-ng")]
    # not a verb a place takes too (Petra, the agency's contextual name, is also the ancient city)
    assert found("Petra is an ancient city. Petra has long drawn tourists.") == []
    # nor after a name another entity has: Barcelona the city, whatever the verb
    assert ("Barcelona", "ORG", "fc-barcelona") not in found("Barcelona won the bid to host the summit.")


def test_the_full_name_in_the_text_tells_the_entity() -> None:
    assert found("Emirates Airline raised its fares. Passengers booked on Emirates.") == [
        ("Emirates Airline", "ORG", "emirates-airline"),
        AIRLINE,
    ]
    assert found("Emirates Airline is based in the Emirates.") == [
        ("Emirates Airline", "ORG", "emirates-airline")
    ]


def test_no_context_no_entity() -> None:
    assert found("Fires raged across the Amazon in Brazil.") == [("Brazil", "LOC", "iso-br")]
    assert found("Tourists flocked to the Pyramids and the Giza Pyramids.") == [
        ("Giza Pyramids", "LOC", "giza-pyramids")
    ]


def test_descriptors_are_lowercase_words() -> None:
    rules = read_json(ANN / "entity_rules.json")["en"]
    rules["descriptors"] = ["Airline"]
    with pytest.raises(ValidationError, match="not in lowercase"):
        EnglishEntityRules.model_validate(rules)
