"""Topics by keyword rules from ``annotations/topic_rules.json``.

A topic is assigned when at least ``min_matches`` distinct keywords of the document's language
occur. Arabic keywords match anywhere in a word (proclitics and suffixes attach to stems), but with
``stem_prefixes`` a stem inside a word counts only after a proclitic or verb prefix (not قاضي in
يتقاضين); English keywords match at the start of a word, case-insensitively; ``words`` match whole
words only. One Aho-Corasick pass per document. A subtopic (a taxonomy entry with a ``parent``)
refines its parent, so it is kept only when the parent is found too: "meeting" and "visit" in a
football report do not make it diplomacy. Top-level topics after the best-supported one need a match
in the lead (``lead_chars``) and a share of the first's matches (``secondary_min_share``), at most
``max_topics`` of them. Words that need company (``need_company``: "won", "jury", "President")
count only beside another keyword of their topic and are never lead evidence. A keyword the document uses inside one of
its topic's ``other_senses`` ("computer virus") does not count for that topic (one sense per discourse). When nothing fires, the optional fallback gives the best-supported top-level topic.
"""

from __future__ import annotations

from collections import defaultdict

from dataset_builder.documents import Document
from dataset_builder.knowledge.text import normalise
from dataset_builder.knowledge.topics import TATWEEL, TopicRules

Match = tuple[int, tuple[str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]]
"""What the keyword automaton reports: the end of a keyword in the text, and the keyword's entry."""


def _haystack(text: str, language: str) -> str:
    return text.lower() if language == "en" else normalise(text, language)


def topic_matches(text: str, language: str, rules: TopicRules) -> dict[str, set[str]]:
    """Topic id → the distinct keywords of its rules found in ``text``.

    A keyword found only inside a longer match of the same topic does not count apart: "تهم" in
    "تهمة", "الحكومة" in "رئيس الحكومة" are one piece of evidence, not two. A keyword the document
    uses inside one of the topic's ``other_senses`` ("virus" in "computer virus") does not count at
    all: one sense per discourse. Inside means starting in it: the whole word "attacks" is used in the
    sense "heart attack".
    """
    automaton = rules.automata.get(language)
    if automaton is None:
        return {}
    haystack = _haystack(text, language)
    return _topic_words(haystack, list(automaton.iter(haystack)), rules.stem_prefixes.get(language))[0]


def _inside_other_word(haystack: str, start: int, prefixes: frozenset[str]) -> bool:
    """Whether a stem starting at ``start`` follows, in its word, something other than ``prefixes``:
    قاضي in يتقاضين, ديني in المدينين (but not in والديني, nor غرق in تغرق)."""
    begin = start
    while begin and haystack[begin - 1].isalnum():
        begin -= 1
    return haystack[begin:start].replace(TATWEEL, "") not in prefixes


def _topic_words(
    haystack: str, matches: list[Match], prefixes: frozenset[str] | None = None
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """:func:`topic_matches` of the automaton's ``matches`` in ``haystack``, and per topic the keywords
    left out because the text uses them in another sense. With ``prefixes``, a stem counts inside a
    word only after one of them."""
    found: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    senses: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for last, (word, length, anywhere, word_start, whole_word, other_senses, at_start) in matches:
        start = last - length + 1
        span = (start, -last, word)
        if (
            anywhere
            and prefixes is not None
            and start
            and haystack[start - 1].isalnum()
            and _inside_other_word(haystack, start, prefixes)
        ):
            anywhere = ()
        for topic in anywhere:
            found[topic].append(span)
        if (word_start or whole_word) and (start == 0 or not haystack[start - 1].isalnum()):
            for topic in word_start:
                found[topic].append(span)
            if whole_word and (last + 1 == len(haystack) or not haystack[last + 1].isalnum()):
                for topic in whole_word:
                    found[topic].append(span)
        if other_senses and (not at_start or start == 0 or not haystack[start - 1].isalnum()):
            for topic in other_senses:
                senses[topic].append((start, last))
    hits: dict[str, set[str]] = {}
    used_otherwise: dict[str, set[str]] = {}
    for topic, spans in found.items():
        words, reach = set(), -1
        for _start, neg_last, word in sorted(spans):  # by start, the longest first
            if -neg_last > reach:  # not inside a match that started earlier or is longer
                words.add(word)
                reach = -neg_last
        # a keyword starting inside a sense is used in it, even when it runs on ("heart attacks")
        other = {w for s, _neg_last, w in spans for a, b in senses.get(topic, ()) if a <= s < b}
        if other:
            used_otherwise[topic] = other
        if words - other:
            hits[topic] = words - other
    return hits, used_otherwise


def _text_and_lead_matches(
    text: str, language: str, rules: TopicRules
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """:func:`topic_matches` of ``text`` and of its lead, from one pass of the automaton: the lead's
    matches are those ending inside it (unless lowering the lead alone writes it otherwise)."""
    automaton = rules.automata.get(language)
    if automaton is None:
        return {}, {}
    haystack = _haystack(text, language)
    matches = list(automaton.iter(haystack))
    prefixes = rules.stem_prefixes.get(language)
    hits, used_otherwise = _topic_words(haystack, matches, prefixes)
    if not rules.lead_chars:
        return hits, {}
    lead = _haystack(text[: rules.lead_chars], language)
    if not haystack.startswith(lead):  # a final sigma, a character lowered to two
        in_lead = topic_matches(text[: rules.lead_chars], language, rules)
    else:
        in_lead = _topic_words(lead, [m for m in matches if m[0] < len(lead)], prefixes)[0]
    # one sense per discourse: a keyword used in another sense past the lead does not count in it
    return hits, {
        t: w - used_otherwise.get(t, set()) for t, w in in_lead.items() if w - used_otherwise.get(t, set())
    }


def _with_company(
    hits: dict[str, set[str]], lead: dict[str, set[str]], need_company: dict[str, frozenset[str]]
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """``hits`` and ``lead`` without the topics found only by words that need company, and without
    such words as lead evidence: "won" alone is no sport, "President" in a lead no second topic."""
    if not need_company:
        return hits, lead
    kept = {t: w for t, w in hits.items() if w - need_company.get(t, frozenset())}
    in_lead = {t: w - need_company.get(t, frozenset()) for t, w in lead.items() if t in kept}
    return kept, {t: w for t, w in in_lead.items() if w}


def find_topics(text: str, language: str, rules: TopicRules) -> list[str]:
    """Taxonomy ids whose rules fire, in taxonomy order (a subtopic only with its parent).

    Top-level topics are ranked by their distinct matches (ties: by those in the lead, then taxonomy
    order); those after the first need a match in the lead and at least ``secondary_min_share``
    of the first's matches; at most ``max_topics`` are kept. Words that
    need company count only beside another keyword of their topic and are never lead evidence.
    When none reaches its ``min_matches``, the first of the ranking is the fallback.
    """
    hits, lead = _with_company(*_text_and_lead_matches(text, language, rules), rules.need_company)
    ranked = sorted(
        (t for t in rules.order if t in hits and t not in rules.parents),
        key=lambda t: (-len(hits[t]), -len(lead.get(t, ()))),
    )
    found = {t for t in hits if len(hits[t]) >= rules.min_matches.get(t, 1)}
    top = [t for t in ranked if t in found]
    if rules.lead_chars is not None:
        top = top[:1] + [t for t in top[1:] if t in lead]
    if top and rules.secondary_min_share is not None:
        least = rules.secondary_min_share * len(hits[top[0]])
        top = top[:1] + [t for t in top[1:] if len(hits[t]) >= least]
    kept = set(top[: rules.max_topics])
    if not kept and ranked and rules.fallback_min_matches is not None:
        kept = {ranked[0]} if len(hits[ranked[0]]) >= rules.fallback_min_matches else set()
    found = kept | {t for t in found if t in rules.parents and rules.parents[t] in kept}
    return [t for t in rules.order if t in found]


def annotate_topics(doc: Document, rules: TopicRules) -> Document:
    return doc.with_(topics=find_topics(doc.text, doc.language, rules))
