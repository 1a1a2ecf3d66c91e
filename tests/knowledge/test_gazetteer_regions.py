"""First-level regions (states, provinces, governorates) in the registry gazetteer: the types and
common words of ``entity_rules.json`` decide which, and the table is the same on every load."""

from __future__ import annotations

import pycountry
from conftest import ANN, KNOWLEDGE

from dataset_builder.knowledge.gazetteer import _english_name, place_names
from dataset_builder.knowledge.gazetteer import _regions as registry_regions
from dataset_builder.knowledge.schema import EntityRulesFile, load

RULES = load(ANN / "entity_rules.json", EntityRulesFile)
STOPWORDS = {"ar": frozenset(RULES.ar.stopwords), "en": frozenset(RULES.en.stopwords)}


def _regions(names: dict[tuple[str, str], tuple[str, str]]) -> dict[str, str]:
    """English surface → id of the regions (``iso-<country>-<code>``, not a country or a nisba)."""
    return {
        surface: entity_id
        for (language, surface), (entity_id, _) in names.items()
        if language == "en" and entity_id.count("-") == 2 and not entity_id.endswith("-nisba")
    }


def test_states_and_provinces_are_places_with_their_iso_code() -> None:
    regions = _regions(place_names(RULES.gazetteer, STOPWORDS))
    assert regions["Kerala"] == "iso-in-kl"
    assert regions["Sindh"] == "iso-pk-sd"
    assert regions["Cabo Delgado"] == "iso-mz-p"
    assert regions["Khyber Pakhtunkhwa"] == "iso-pk-kp"
    assert regions["Souss-Massa"] == "iso-ma-09"  # "(EH-partial)" and the like left out
    assert regions["Tamil Nadu"] == "iso-in-tn"  # accents folded (Tamil Nādu)
    assert regions["Maryland"] == "iso-us-md"  # a US state before a Liberian county of the name


def test_common_words_short_names_and_second_level_regions_are_left_out() -> None:
    regions = _regions(place_names(RULES.gazetteer, STOPWORDS))
    for word in ("Centre", "North", "Central", "Western", "Capital", "Eastern", "Northern"):
        assert word not in regions
    assert "Goa" not in regions  # one word shorter than min_letters
    assert "Mary" not in regions  # the skip list holds for regions too
    assert "Somali" not in regions  # the nationality keeps its name


def test_a_region_is_a_place_of_the_compiled_knowledge() -> None:
    names = KNOWLEDGE.entities.names
    assert names[("en", "Kerala")][1] == "LOC"  # the base's own entity, which wins
    assert names[("en", "Sindh")] == ("iso-pk-sd", "LOC")
    assert names[("en", "SINDH")] == ("iso-pk-sd", "LOC")  # as datelines write it


def test_the_regions_are_sorted_and_the_same_on_two_loads() -> None:
    gazetteer = RULES.gazetteer
    found = registry_regions(gazetteer, _english_name(gazetteer.name_particles), gazetteer.min_letters)
    rank = {kind: n for n, kind in enumerate(gazetteer.subdivision_types)}
    codes = [entity_id.removeprefix("iso-").upper() for _, _, entity_id in found]
    keys = [(rank[pycountry.subdivisions.get(code=code).type], code) for code in codes]
    assert len(keys) > 1000 and keys == sorted(keys)
    first = place_names(gazetteer, STOPWORDS)
    assert list(first.items()) == list(place_names(gazetteer, STOPWORDS).items())


def test_without_region_types_no_region_is_added() -> None:
    """An older project's file, without ``subdivision_types`` and ``local_countries``, adds no region,
    as before."""
    old = RULES.gazetteer.model_copy(update={"subdivision_types": [], "local_countries": []})
    assert _regions(place_names(old, STOPWORDS)) == {}
