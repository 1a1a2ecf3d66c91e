"""Topic rules (``topic_rules.json``) compiled: one Aho-Corasick automaton of keywords per language.
Applied by :mod:`dataset_builder.annotators.topics`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import ahocorasick

from dataset_builder.knowledge.schema import TopicRulesFile
from dataset_builder.knowledge.text import normalise

TATWEEL = "\u0640"
"""The Arabic letter-stretching mark (بـالبنك): no part of a word's prefix."""


@dataclass(frozen=True, slots=True)
class TopicRules:
    automata: dict[str, ahocorasick.Automaton]
    """Language → its keywords, each found as ``(word, its length, topics counting it anywhere, topics
    counting it at a word start, topics counting it as a whole word, topics it is another sense of,
    whether such a phrase must start a word)``: split by the check a match needs, so most matches
    need none. Another sense's phrase is matched as a keyword of its language is (English: at a word
    start)."""
    min_matches: dict[str, int]
    order: tuple[str, ...]
    parents: dict[str, str]
    """Subtopic id → its parent's id."""
    fallback_min_matches: int | None = None
    lead_chars: int | None = None
    max_topics: int | None = None
    need_company: dict[str, frozenset[str]] = field(default_factory=dict)
    """Topic id → its keywords (as the automaton reports them) that count only beside another."""
    secondary_min_share: float | None = None
    stem_prefixes: dict[str, frozenset[str]] = field(default_factory=dict)
    """Language → what may stand before a stem inside its word (normalised, without tatweel); a
    language not listed lets stems match anywhere in a word."""


def compile_topic_rules(
    raw: TopicRulesFile, topic_ids: Sequence[str], parents: Mapping[str, str | None] | None = None
) -> TopicRules:
    """One automaton per language; ``topic_ids`` (the taxonomy order) orders the topics found."""
    keywords: dict[str, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    min_matches: dict[str, int] = {}
    need_company: dict[str, frozenset[str]] = {}
    for rule in raw.rules:
        min_matches[rule.topic] = rule.min_matches
        if rule.need_company:
            need_company[rule.topic] = frozenset(
                _key(word, language) for language, words in rule.need_company.items() for word in words
            )
        for kind, table in (("stem", rule.keywords), ("word", rule.words), ("sense", rule.other_senses)):
            for language, words in table.items():
                for word in words:
                    keywords[language][_key(word, language)].add((rule.topic, kind))
    automata = {}
    for language, table in keywords.items():
        automaton = ahocorasick.Automaton()
        for word, topics in sorted(table.items()):
            stems = tuple(t for t, kind in sorted(topics) if kind == "stem")
            anywhere, word_start = (stems, ()) if language != "en" else ((), stems)
            whole_word = tuple(t for t, kind in sorted(topics) if kind == "word")
            senses = tuple(t for t, kind in sorted(topics) if kind == "sense")
            automaton.add_word(
                word, (word, len(word), anywhere, word_start, whole_word, senses, language == "en")
            )
        automaton.make_automaton()
        automata[language] = automaton
    links = {child: parent for child, parent in (parents or {}).items() if parent is not None}
    return TopicRules(
        automata,
        min_matches,
        tuple(topic_ids),
        links,
        raw.fallback_min_matches,
        raw.lead_chars,
        raw.max_topics,
        need_company,
        raw.secondary_min_share,
        {
            language: frozenset(_key(prefix, language).replace(TATWEEL, "") for prefix in prefixes)
            for language, prefixes in raw.stem_prefixes.items()
        },
    )


def _key(word: str, language: str) -> str:
    """A keyword as the automaton holds it: normalised, English lowered."""
    key = normalise(word, language)
    return key.lower() if language == "en" else key
