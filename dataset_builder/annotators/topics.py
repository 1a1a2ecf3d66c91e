"""Topics by keyword rules from ``annotations/topic_rules.json``.

A topic is assigned when at least ``min_matches`` distinct keywords of the document's language
occur. Arabic keywords match anywhere in a word (proclitics and suffixes attach to stems); English
keywords match at the start of a word, case-insensitively; ``words`` match whole words only. One
Aho-Corasick pass per document. A subtopic (a taxonomy entry with a ``parent``) refines its parent,
so it is kept only when the parent is found too: "meeting" and "visit" in a football report do not
make it diplomacy. When nothing fires, the optional fallback gives the best-supported top-level topic.
"""

from __future__ import annotations

from collections import defaultdict

from dataset_builder.documents import Document
from dataset_builder.knowledge.text import normalise
from dataset_builder.knowledge.topics import TopicRules


def topic_matches(text: str, language: str, rules: TopicRules) -> dict[str, set[str]]:
    """Topic id → the distinct keywords of its rules found in ``text``."""
    automaton = rules.automata.get(language)
    if automaton is None:
        return {}
    haystack = text.lower() if language == "en" else normalise(text, language)
    hits: dict[str, set[str]] = defaultdict(set)
    for last, (word, topics) in automaton.iter(haystack):
        start = last - len(word) + 1
        left = start == 0 or not haystack[start - 1].isalnum()
        right = last + 1 == len(haystack) or not haystack[last + 1].isalnum()
        for topic, whole in topics:
            if (left and right) if whole else (left or language != "en"):
                hits[topic].add(word)
    return hits


def find_topics(text: str, language: str, rules: TopicRules) -> list[str]:
    """Taxonomy ids whose rules fire, in taxonomy order (a subtopic only with its parent)."""
    hits = topic_matches(text, language, rules)
    found = {t for t in rules.order if len(hits.get(t, ())) >= rules.min_matches.get(t, 1)}
    found = {t for t in found if t not in rules.parents or rules.parents[t] in found}
    if not found and rules.fallback_min_matches is not None:
        best = max(
            (t for t in rules.order if t not in rules.parents),
            key=lambda t: len(hits.get(t, ())),
            default=None,
        )  # max keeps the first of equals: ties go to the earlier topic of the taxonomy
        if best is not None and len(hits.get(best, ())) >= rules.fallback_min_matches:
            found = {best}
    return [t for t in rules.order if t in found]


def annotate_topics(doc: Document, rules: TopicRules) -> Document:
    return doc.with_(topics=find_topics(doc.text, doc.language, rules))
