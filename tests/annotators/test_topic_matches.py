"""Topic keywords found in one automaton pass, the lead's taken from the text's, are those a pass
per text and a check of every (topic, whole word) pair of a match find."""

from __future__ import annotations

import re
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder.annotators.topics import _haystack, _text_and_lead_matches, topic_matches
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.topics import TopicRules


def _straightforward(
    text: str, language: str, rules: TopicRules, senses_of: str | None = None
) -> dict[str, set[str]]:
    """Topic → its keywords counted in ``text``; those of ``senses_of`` used in another sense there
    left out."""
    automaton = rules.automata.get(language)
    if automaton is None:
        return {}
    haystack = _haystack(text, language)
    found: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    senses: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for last, (word, _, anywhere, word_start, whole_word, other, _at) in automaton.iter(haystack):
        start = last - len(word) + 1
        left = start == 0 or not haystack[start - 1].isalnum()
        right = last + 1 == len(haystack) or not haystack[last + 1].isalnum()
        inside = _after_a_prefix(haystack, start, language, rules)
        pairs = [(t, False) for t in anywhere + word_start] + [(t, True) for t in whole_word]
        for topic, whole in pairs:
            if (left and right) if whole else (left or (language != "en" and inside)):
                found[topic].append((start, last, word))
        for topic in other if left or language != "en" else ():
            senses[topic].append((start, last))
    hits: dict[str, set[str]] = {}
    other_text = (
        _straightforward_used_otherwise(senses_of, language, rules) if senses_of is not None else None
    )
    for topic, matches in found.items():
        words, reach = set(), -1
        for _start, last, word in sorted(matches, key=lambda m: (m[0], -m[1])):
            if last > reach:
                words.add(word)
                reach = last
        used_otherwise = {w for s, e, w in matches for a, b in senses[topic] if a <= s and e <= b}
        if other_text is not None:
            used_otherwise = other_text.get(topic, set())
        if words - used_otherwise:
            hits[topic] = words - used_otherwise
    return hits


def _straightforward_used_otherwise(text: str, language: str, rules: TopicRules) -> dict[str, set[str]]:
    """Topic → its keywords that ``text`` uses inside one of the topic's other senses."""
    haystack = _haystack(text, language)
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    senses: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for last, (word, _, anywhere, word_start, whole_word, other, _at) in rules.automata[language].iter(
        haystack
    ):
        start = last - len(word) + 1
        left = start == 0 or not haystack[start - 1].isalnum()
        right = last + 1 == len(haystack) or not haystack[last + 1].isalnum()
        inside = _after_a_prefix(haystack, start, language, rules)
        for topic in anywhere + word_start + whole_word:
            whole = topic in whole_word and topic not in anywhere + word_start
            if (left and right) if whole else (left or (language != "en" and inside)):
                spans[topic].append((start, last, word))
        for topic in other if left or language != "en" else ():
            senses[topic].append((start, last))
    used = {t: {w for s, e, w in spans[t] for a, b in senses[t] if a <= s and e <= b} for t in spans}
    return {t: w for t, w in used.items() if w}


def _after_a_prefix(haystack: str, start: int, language: str, rules: TopicRules) -> bool:
    """Whether a stem starting at ``start`` inside a word may count there: what stands before it in
    its word is one of the language's ``stem_prefixes`` (a tatweel left out), or the language has none."""
    prefixes = rules.stem_prefixes.get(language)
    if prefixes is None:
        return True
    word = re.findall(r"\w*$", haystack[:start])[0]
    return word.replace("\u0640", "") in prefixes


def _keywords(knowledge: Knowledge, language: str) -> list[str]:
    return sorted(knowledge.topic_rules.automata[language].keys())[::7]


_FILLER = ["", " ", "  ", "\n", "x", "al", "ال", "و", "يت", "بـ", ".", "-", "Σ", "İ", "ς", "1"]


@settings(max_examples=400, deadline=None)
@given(st.data(), st.sampled_from(["ar", "en"]), st.integers(0, 260))
def test_text_and_lead_matches_are_those_of_a_pass_each(
    knowledge: Knowledge, data: st.DataObject, language: str, cut: int
) -> None:
    pieces = st.sampled_from(_keywords(knowledge, language) + _FILLER)
    parts = data.draw(st.lists(pieces, max_size=60))
    text = "".join(p.upper() if language == "en" and i % 3 == 0 else p for i, p in enumerate(parts))
    text = text[:cut] + "Σ" + text[cut:] if cut % 5 == 0 else text
    rules = knowledge.topic_rules
    hits, lead = _text_and_lead_matches(text, language, rules)
    assert hits == _straightforward(text, language, rules)
    assert lead == _straightforward(text[: rules.lead_chars], language, rules, senses_of=text)


def test_a_lead_lowered_otherwise_alone_is_matched_apart(knowledge: Knowledge) -> None:
    rules = knowledge.topic_rules
    assert rules.lead_chars is not None
    keyword = _keywords(knowledge, "en")[0]
    text = "x " * ((rules.lead_chars - 2) // 2) + "ΑΣΑ " + keyword + " " + keyword.upper()
    assert not _haystack(text, "en").startswith(_haystack(text[: rules.lead_chars], "en"))
    hits, lead = _text_and_lead_matches(text, "en", rules)
    assert hits == _straightforward(text, "en", rules)
    assert lead == _straightforward(text[: rules.lead_chars], "en", rules, senses_of=text)


def test_short_weather_and_orbit_words_are_whole_words(knowledge: Knowledge) -> None:
    """ "wind" and "hail" as word starts counted Windows, windfall and "hailed" as weather, and المدار
    (orbit) inside المدارس (schools) as science: they are whole words in the project's rules."""
    rules = knowledge.topic_rules
    computing = "Microsoft hailed a windfall from its Windows update, which shipped on Tuesday."
    assert "weather" not in topic_matches(computing, "en", rules)
    storm = "Strong winds and hail hit the coast as the wind rose overnight."
    assert {"winds", "hail", "wind"} <= topic_matches(storm, "en", rules)["weather"]
    schools = "افتتحت الوزارة المدارس الجديدة في المدينة"
    assert "المدار" not in topic_matches(schools, "ar", rules).get("science_technology", set())
    orbit = "دخل القمر الصناعي المدار بنجاح"
    assert "المدار" in topic_matches(orbit, "ar", rules)["science_technology"]
