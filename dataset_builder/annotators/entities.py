"""Entity pre-annotation: a gazetteer from the knowledge base, plus rules for names it lacks.

The knowledge base (``annotations/entities.json``) is compiled into one Aho-Corasick automaton
(pyahocorasick). Arabic is matched on a length-preserving normalisation (أ/إ/آ → ا, ى → ي, ة → ه),
so offsets found there are offsets in the original text. A match may sit after Arabic proclitics
inside a word (وبلينكن → بلينكن), which stay outside the span; titles are never in the base, so
they never enter a span. Trigger rules from ``annotations/entity_rules.json`` find person names
after a title (and English organisation names) that the base does not know: they get no id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from dataset_builder.documents import Document, Span
from dataset_builder.knowledge_schema import EntitiesFile, EntityRulesFile

_AR_NORMAL = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND_FIRST = frozenset({"عبد", "ابو"})
"""First-name words that take a second word (عبد الفتاح, أبو مازن) before the family name."""
_EN_NAME_WORD = r"[A-Z][A-Za-z’'\-]*[a-z][A-Za-z’'\-]*"


def normalise(text: str, language: str) -> str:
    """Length-preserving normalisation used for matching (offsets stay valid)."""
    return text.translate(_AR_NORMAL) if language == "ar" else text


def _after_lam(surface: str) -> str:
    """How a name with the article is written after the preposition ل: ل + الفلسطينيين → للفلسطينيين.

    The span then starts at the article's ل (لفلسطينيين), the preposition staying outside.
    """
    return surface[1:]


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) == "Mn"


@dataclass(frozen=True, slots=True)
class EntityKnowledge:
    """The compiled knowledge base and rules (see :class:`dataset_builder.knowledge.Knowledge`)."""

    automata: dict[str, ahocorasick.Automaton]
    names: dict[tuple[str, str], tuple[str, str]]
    proclitics: frozenset[str]
    ar_titles: dict[str, tuple[int, tuple[str, ...]]]
    """Arabic titles by the word they start with, bare or behind a proclitic (ووزير): the proclitic's
    length and the titles, longest first — one dict look-up per word of the text."""
    ar_modifiers: frozenset[str]
    ar_stopwords: frozenset[str]
    en_person: re.Pattern[str]
    en_org: re.Pattern[str]
    en_stopwords: frozenset[str]
    en_titles: frozenset[str]
    en_org_heads: frozenset[str]

    def link(self, surface: str, language: str) -> str | None:
        """The knowledge-base id for a span's text, or None when the base does not know it."""
        hit = self.names.get((language, normalise(surface, language)))
        return hit[0] if hit else None


def compile_entity_knowledge(kb: EntitiesFile, rules: EntityRulesFile) -> EntityKnowledge:
    """The automata and tables of a validated base and rules (names are unique across entities)."""
    names: dict[tuple[str, str], tuple[str, str]] = {
        (language, normalise(surface, language)): (entity.id, entity.label)
        for entity in kb.entities
        for language, surfaces in entity.names.items()
        for surface in surfaces
    }
    after_lam = {
        ("ar", _after_lam(surface)): hit
        for (language, surface), hit in names.items()
        if language == "ar" and surface.startswith("ال") and ("ar", _after_lam(surface)) not in names
    }
    automata: dict[str, ahocorasick.Automaton] = {}
    for table, needs_lam in ((names, False), (after_lam, True)):
        for (language, surface), (entity_id, label) in sorted(table.items()):
            automaton = automata.setdefault(language, ahocorasick.Automaton())
            automaton.add_word(surface, (len(surface), entity_id, label, needs_lam))
    names.update(after_lam)
    for automaton in automata.values():
        automaton.make_automaton()
    ar, en = rules.ar, rules.en
    en_titles = "|".join(re.escape(t) for t in sorted(en.titles, key=len, reverse=True))
    org_heads = "|".join(re.escape(h) for h in sorted(en.org_heads, key=len, reverse=True))
    return EntityKnowledge(
        automata=automata,
        names=names,
        proclitics=frozenset(ar.proclitics),
        ar_titles=_title_starts((normalise(t, "ar") for t in ar.titles), ar.proclitics),
        ar_modifiers=frozenset(normalise(m, "ar") for m in ar.title_modifiers),
        ar_stopwords=frozenset(normalise(w, "ar") for w in ar.stopwords),
        en_person=re.compile(rf"\b(?:{en_titles})\s+(?P<name>{_EN_NAME_WORD}(?:\s+{_EN_NAME_WORD}){{0,3}})"),
        en_org=re.compile(
            rf"\b(?P<name>(?:{_EN_NAME_WORD}\s+){{1,4}}(?:{org_heads})(?:\s+of(?:\s+the)?(?:\s+{_EN_NAME_WORD}){{1,3}})?)\b"
        ),
        en_stopwords=frozenset(en.stopwords),
        en_titles=frozenset(t for t in en.titles if " " not in t),
        en_org_heads=frozenset(en.org_heads),
    )


def _title_starts(titles: Iterable[str], proclitics: Iterable[str]) -> dict[str, tuple[int, tuple[str, ...]]]:
    by_first: dict[str, list[str]] = {}
    for title in titles:
        by_first.setdefault(title.split()[0], []).append(title)
    table: dict[str, tuple[int, tuple[str, ...]]] = {}
    for first, group in by_first.items():
        ordered = tuple(sorted(group, key=len, reverse=True))
        for prefix in ("", *proclitics):
            table.setdefault(prefix + first, (len(prefix), ordered))
    return table


def _gazetteer(text: str, language: str, k: EntityKnowledge) -> list[Span]:
    automaton = k.automata.get(language)
    if automaton is None:
        return []
    norm = normalise(text, language)
    found: list[Span] = []
    for last, (length, entity_id, label, needs_lam) in automaton.iter(norm):
        start, end = last - length + 1, last + 1
        if end < len(text) and _is_word_char(text[end]):
            continue
        word_start = start
        while word_start > 0 and _is_word_char(text[word_start - 1]):
            word_start -= 1
        prefix = norm[word_start:start]
        if prefix and (language != "ar" or prefix not in k.proclitics):
            continue
        if needs_lam and not prefix.endswith("ل"):
            continue
        found.append(Span(start, end, text[start:end], label, entity_id))
    return found


def _arabic_people(text: str, k: EntityKnowledge) -> list[Span]:
    """Two-word names (three after عبد/أبو) following a title and its modifiers."""
    norm = normalise(text, "ar")
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm)]
    found: list[Span] = []
    i = 0
    while i < len(words):
        title_end = _title_end(norm, words[i], k)
        if title_end is None:
            i += 1
            continue
        j = i + 1
        while j < len(words) and words[j][0] < title_end:
            j += 1
        while j < len(words) and _adjacent(norm, words[j - 1], words[j]):
            if words[j][2] in k.ar_modifiers:
                j += 1
            elif (chained := _title_end(norm, words[j], k)) is not None:
                while j < len(words) and words[j][0] < chained:
                    j += 1
            else:
                break
        name: list[tuple[int, int, str]] = []
        while j < len(words) and len(name) < (3 if name and name[0][2] in _COMPOUND_FIRST else 2):
            word = words[j]
            if (
                word[2] in k.ar_stopwords
                or word[2] in k.ar_modifiers
                or not _adjacent(norm, words[j - 1], word)
            ):
                break
            if len(name) == 1 and word[2].startswith("ال") and name[0][2] not in _COMPOUND_FIRST:
                break
            name.append(word)
            j += 1
        if len(name) >= 2:
            start, end = name[0][0], name[-1][1]
            found.append(Span(start, end, text[start:end], "PER", None))
        i = max(j, i + 1)
    return found


def _title_end(norm: str, word: tuple[int, int, str], k: EntityKnowledge) -> int | None:
    """End offset of a title starting at ``word`` (after an optional proclitic), else None."""
    skip, titles = k.ar_titles.get(word[2], (0, ()))
    at = word[0] + skip
    for title in titles:
        end = at + len(title)
        if norm.startswith(title, at) and (end == len(norm) or not _is_word_char(norm[end])):
            return end
    return None


def _adjacent(norm: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Only spaces between two words (punctuation ends a name)."""
    return not norm[left[1] : right[0]].strip()


def _english_rules(text: str, k: EntityKnowledge) -> list[Span]:
    found: list[Span] = []
    for m in k.en_org.finditer(text):
        start, end = m.span("name")
        while text[start:end].split()[0] in k.en_stopwords:
            start = text.index(" ", start) + 1
        if len(text[start:end].split()) >= 2:
            found.append(Span(start, end, text[start:end], "ORG", None))
    for m in k.en_person.finditer(text):
        start, end = m.span("name")
        words = text[start:end].split()
        last_title = max((i for i, w in enumerate(words) if w in k.en_titles), default=-1)
        for word in words[: last_title + 1]:
            start = text.index(word, start) + len(word)
        words = words[last_title + 1 :]
        start = end - len(text[start:end].lstrip())
        if words and not any(w in k.en_stopwords or w in k.en_org_heads for w in words):
            found.append(Span(start, end, text[start:end], "PER", None))
    return found


def _select(candidates: list[Span], length: int) -> list[Span]:
    """Non-overlapping spans, longest first (gazetteer before rules on ties), in text order."""
    taken = bytearray(length)
    chosen: list[Span] = []
    for span in candidates:
        if not any(taken[span.start : span.end]):
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))


def find_entities(text: str, language: str, k: EntityKnowledge) -> list[Span]:
    """Entity spans in ``text``: knowledge-base matches first, rule matches where they do not overlap."""
    known = sorted(_gazetteer(text, language, k), key=lambda s: (s.start - s.end, s.start))
    rules = _arabic_people(text, k) if language == "ar" else _english_rules(text, k)
    return _select(known + sorted(rules, key=lambda s: (s.start - s.end, s.start)), len(text))


def annotate_entities(doc: Document, knowledge: EntityKnowledge) -> Document:
    return doc.with_(entities=find_entities(doc.text, doc.language, knowledge))
