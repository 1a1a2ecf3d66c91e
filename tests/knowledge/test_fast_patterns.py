"""The entity patterns written for speed match exactly what their straightforward form matches: a
look-behind moved after a pattern's first letter, a text skipped when it has no bracketed acronym, a
pattern matched only where one of its words starts."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge import schema as ks
from dataset_builder.knowledge.entities import (
    APPOSITION,
    ORG_CUED,
    ORG_CUED_AFTER,
    PERSON,
    _alternatives,
    _word_start_alternatives,
    contextual_table,
    started_matches,
)
from dataset_builder.knowledge.text import normalise

_CHARS = st.sampled_from(list("abAB_1 .-’\nاب\u064e"))
_WORDS = st.lists(st.text(_CHARS, min_size=1, max_size=4), min_size=1, max_size=6)


def _spans(pattern: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text)]


@settings(max_examples=400, deadline=None)
@given(_WORDS, st.text(_CHARS, max_size=40))
def test_word_start_alternatives_match_as_a_boundary_then_the_words(words: list[str], text: str) -> None:
    straightforward = rf"\b(?:{_alternatives(words)})"
    assert _spans(_word_start_alternatives(words), text) == _spans(straightforward, text)


_HOISTED = re.compile(r"(.)\(\?<!\[\\w\.\]\1\)")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["US", "U.S.", "UK", "UAE", "USA", ".", "a", " ", "\n"]), max_size=12))
def test_country_abbreviations_match_as_with_the_look_behind_first(
    knowledge: Knowledge, parts: list[str]
) -> None:
    text = "".join(parts) + " Navy"
    fast = knowledge.entities.en_country_org.pattern
    straightforward = r"(?<![\w.])" + _HOISTED.sub(r"\1", fast)
    assert fast != straightforward
    assert _spans(fast, text) == _spans(straightforward, text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["World", "Health", "of", "the", " ", "(", ")", "WHO", "Who", "1"]), max_size=14)
)
def test_no_acronym_name_in_a_text_without_a_bracketed_acronym(
    knowledge: Knowledge, parts: list[str]
) -> None:
    text = "".join(parts)
    if knowledge.entities.en_acronym.search(text) is None:
        assert knowledge.entities.en_acronym_name.search(text) is None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Downing", "Street", "Mount", "Arafat", "World", "Cup", "Storm", "Daniel", " ", "\n", "x"]
        ),
        max_size=10,
    )
)
def test_no_place_or_event_name_in_a_text_without_its_cue(knowledge: Knowledge, parts: list[str]) -> None:
    text = "".join(parts)
    k = knowledge.entities
    for pattern, cue in ((k.en_loc, k.en_loc_cue), (k.en_misc, k.en_misc_cue)):
        if cue.search(text) is None:
            assert pattern.search(text) is None


def test_contextual_forms_found_in_one_pass_are_those_a_search_per_form_finds(knowledge: Knowledge) -> None:
    k = knowledge.entities
    table = sorted(contextual_table(ks.load_entities_file(knowledge.folder / ks.ENTITIES, normalise)).items())
    for language in ("ar", "en"):
        forms = [form for (lang, form), _ in table if lang == language]
        rng = random.Random(18)
        for _ in range(300):
            pieces = [rng.choice(forms)[: rng.randint(1, 8)] for _ in range(rng.randint(0, 6))]
            norm = normalise(" ".join(rng.sample(forms, 2) + pieces), language)
            automaton = k.contextual_forms[language]
            one_pass = [form for _, form, _, _ in sorted({hit for _, hit in automaton.iter(norm)})]
            assert one_pass == [form for form in forms if form in norm]


_CUED_PARTS = [
    *("the", "company", "Company", "coach", "Coach", "chief executive", "Infineon", "Ons", "Jabeur"),
    *("and", "Siemens", "SABC", "told", "newspaper", ",", ".", '"', " ", "\n", "-", "x"),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CUED_PARTS), max_size=14))
def test_started_patterns_find_what_a_search_at_every_position_finds(
    knowledge: Knowledge, parts: list[str]
) -> None:
    text = "".join(parts)
    k = knowledge.entities
    assert k.en_org_cued is not None and k.en_org_cued_after is not None
    starts = k.en_starts.find(text)
    for pattern, which in (
        (k.en_person, PERSON),
        (k.en_org_cued, ORG_CUED),
        (k.en_role_apposition, APPOSITION),
    ):
        assert [m.span() for m in started_matches(pattern, text, starts[which])] == _spans(
            pattern.pattern, text
        )
    if not starts[ORG_CUED_AFTER]:
        assert k.en_org_cued_after.search(text) is None
