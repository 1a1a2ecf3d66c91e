"""Topics by keyword rules from ``annotations/topic_rules.json``.

A topic is assigned when at least ``min_matches`` distinct keywords of the document's language
occur. Arabic keywords match anywhere in a word (proclitics and suffixes attach to stems); English
keywords match at the start of a word, case-insensitively. One Aho-Corasick pass per document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from dataset_builder.annotators.entities import normalise
from dataset_builder.documents import Document
from dataset_builder.knowledge_schema import TopicRulesFile


@dataclass(frozen=True, slots=True)
class TopicRules:
    automata: dict[str, ahocorasick.Automaton]
    min_matches: dict[str, int]
    order: tuple[str, ...]


def compile_topic_rules(raw: TopicRulesFile, topic_ids: Sequence[str]) -> TopicRules:
    """One automaton per language; ``topic_ids`` (the taxonomy order) orders the topics found."""
    keywords: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    min_matches: dict[str, int] = {}
    for rule in raw.rules:
        min_matches[rule.topic] = rule.min_matches
        for language, words in rule.keywords.items():
            for word in words:
                key = normalise(word, language)
                keywords[language][key.lower() if language == "en" else key].add(rule.topic)
    automata = {}
    for language, table in keywords.items():
        automaton = ahocorasick.Automaton()
        for word, topics in sorted(table.items()):
            automaton.add_word(word, (word, tuple(sorted(topics))))
        automaton.make_automaton()
        automata[language] = automaton
    return TopicRules(automata, min_matches, tuple(topic_ids))


def find_topics(text: str, language: str, rules: TopicRules) -> list[str]:
    """Taxonomy ids whose rules fire, in taxonomy order."""
    automaton = rules.automata.get(language)
    if automaton is None:
        return []
    haystack = text.lower() if language == "en" else normalise(text, language)
    hits: dict[str, set[str]] = defaultdict(set)
    for last, (word, topics) in automaton.iter(haystack):
        start = last - len(word) + 1
        if language == "en" and start > 0 and haystack[start - 1].isalnum():
            continue
        for topic in topics:
            hits[topic].add(word)
    return [t for t in rules.order if len(hits.get(t, ())) >= rules.min_matches.get(t, 1)]


def annotate_topics(doc: Document, rules: TopicRules) -> Document:
    return doc.with_(topics=find_topics(doc.text, doc.language, rules))
