"""Topics by keyword rules from ``annotations/topic_rules.json``.

A topic is assigned when at least ``min_matches`` distinct keywords of the document's language
occur. Arabic keywords match anywhere in a word (proclitics and suffixes attach to stems); English
keywords match at the start of a word, case-insensitively; ``words`` match whole words only. One
Aho-Corasick pass per document. A subtopic (a taxonomy entry with a ``parent``) refines its parent,
so it is kept only when the parent is found too: "meeting" and "visit" in a football report do not
make it diplomacy. Top-level topics after the best-supported one need a match in the lead
(``lead_chars``), at most ``max_topics`` of them. When nothing fires, the optional fallback gives the best-supported top-level topic.
"""

from __future__ import annotations

from collections import defaultdict

from dataset_builder.documents import Document
from dataset_builder.knowledge.text import normalise
from dataset_builder.knowledge.topics import TopicRules


def topic_matches(text: str, language: str, rules: TopicRules) -> dict[str, set[str]]:
    """Topic id → the distinct keywords of its rules found in ``text``.

    A keyword found only inside a longer match of the same topic does not count apart: "تهم" in
    "تهمة", "الحكومة" in "رئيس الحكومة" are one piece of evidence, not two.
    """
    automaton = rules.automata.get(language)
    if automaton is None:
        return {}
    haystack = text.lower() if language == "en" else normalise(text, language)
    found: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for last, (word, topics) in automaton.iter(haystack):
        start = last - len(word) + 1
        left = start == 0 or not haystack[start - 1].isalnum()
        right = last + 1 == len(haystack) or not haystack[last + 1].isalnum()
        for topic, whole in topics:
            if (left and right) if whole else (left or language != "en"):
                found[topic].append((start, -last, word))
    hits: dict[str, set[str]] = {}
    for topic, matches in found.items():
        words, reach = set(), -1
        for _start, neg_last, word in sorted(matches):  # by start, the longest first
            if -neg_last > reach:  # not inside a match that started earlier or is longer
                words.add(word)
                reach = -neg_last
        hits[topic] = words
    return hits


def find_topics(text: str, language: str, rules: TopicRules) -> list[str]:
    """Taxonomy ids whose rules fire, in taxonomy order (a subtopic only with its parent).

    Top-level topics are ranked by their distinct matches (ties: by those in the lead, then taxonomy
    order); those after the first need a match in the lead, and at most ``max_topics`` are kept.
    When none reaches its ``min_matches``, the first of the ranking is the fallback.
    """
    hits = topic_matches(text, language, rules)
    lead = topic_matches(text[: rules.lead_chars], language, rules) if rules.lead_chars else {}
    ranked = sorted(
        (t for t in rules.order if t in hits and t not in rules.parents),
        key=lambda t: (-len(hits[t]), -len(lead.get(t, ()))),
    )
    found = {t for t in hits if len(hits[t]) >= rules.min_matches.get(t, 1)}
    top = [t for t in ranked if t in found]
    if rules.lead_chars is not None:
        top = top[:1] + [t for t in top[1:] if t in lead]
    kept = set(top[: rules.max_topics])
    if not kept and ranked and rules.fallback_min_matches is not None:
        kept = {ranked[0]} if len(hits[ranked[0]]) >= rules.fallback_min_matches else set()
    found = kept | {t for t in found if t in rules.parents and rules.parents[t] in kept}
    return [t for t in rules.order if t in found]


def annotate_topics(doc: Document, rules: TopicRules) -> Document:
    return doc.with_(topics=find_topics(doc.text, doc.language, rules))
