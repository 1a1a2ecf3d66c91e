"""Choosing among candidate spans: longest first, nothing overlapping; then the later surname-only
mentions of the people chosen."""

from __future__ import annotations

from collections.abc import Iterable

from dataset_builder.annotators.entities.known import occurrences
from dataset_builder.documents import Span
from dataset_builder.knowledge.entities import EntityKnowledge
from dataset_builder.knowledge.text import normalise

_OPENING = {"«": "»", "“": "”"}
_TITLE_WORDS = 5
"""Words of a quoted title at most: a longer quote is speech, where a person may be named."""


def without_people_opening_titles(text: str, spans: list[Span]) -> list[Span]:
    """The spans without people that open a short quoted title holding more words than their name:
    a work or craft named after someone («محمد بن زايد سات», “Hamad bin Khalifa Station”) is no person."""
    kept = []
    for span in spans:
        close = _OPENING.get(text[span.start - 1 : span.start]) if span.label == "PER" else None
        if close is not None:
            end = text.find(close, span.end, span.end + 80)
            rest = text[span.end : end] if end >= 0 else ""
            if "\n" not in rest and rest.strip() and len(text[span.start : end].split()) <= _TITLE_WORDS:
                continue
        kept.append(span)
    return kept


def surname_mentions(
    text: str, norm: str, language: str, people: list[Span], k: EntityKnowledge
) -> list[Span]:
    """Surname-only mentions of people named in full elsewhere in the text, with the same id."""
    found: list[Span] = []
    seen: set[str] = set()
    for person in people:  # the full name again elsewhere, with no title before it
        form = normalise(person.text, language)
        # a player a sport role named by one word, the base not knowing him (اللاعب كهربا … بهدف كهربا)
        one_word = language == "ar" and person.entity_id is None and k.names.get((language, form)) is None
        if (len(person.text.split()) >= 2 or one_word) and "\n" not in form and form not in seen:
            seen.add(form)
            found.extend(occurrences(text, norm, form, language, person.entity_id, k))
    for person in people:
        surname = _surname(person.text, language, k)
        if surname is None or len(surname) < 3 or normalise(surname, language) in k.ar_compound_second:
            continue
        forms = {normalise(surname, language)}
        if language == "en":
            forms.add(k.en_article.sub("", surname))
        for form in sorted(forms - seen):
            seen.add(form)
            hit = k.names.get((language, form))
            if (
                len(form) < 3
                or (hit is not None and hit[1] != "PER" and (language, hit[1]) != ("en", "LOC"))
                or form in k.en_stopwords
            ):  # an English family name may be a place's (Anna Coventry … Coventry said)
                continue
            if language == "ar" and (form in k.ar_stopwords or form in k.ar_titles or form in k.ar_modifiers):
                continue
            found.extend(occurrences(text, norm, form, language, person.entity_id, k))
    return found


def _surname(name: str, language: str, k: EntityKnowledge) -> str | None:
    """The family name of a full name: its last word with the عبد, أبو or particles (فون, دير) before
    it (خالد أبو بكر is later أبو بكر, not بكر; أورسولا فون دير لاين is فون دير لاين), in English with
    its ``surname_particles`` (Ángel Di María is later Di María); None for a one-word name."""
    words = name.split()
    if len(words) < 2:
        return None
    if language == "en" and len(words) == 2 and "-" in words[1] and words[1].split("-", 1)[1][:1].islower():
        return words[0]  # the family name first, before a hyphenated given name (Lin Chung-ming, Wu Chien-fu)
    first = len(words) - 1
    if language == "ar":
        while first > 1 and (
            (form := normalise(words[first - 1], language)) in k.ar_compound_first or form in k.ar_connectors
        ):
            first -= 1
    else:
        while first > 1 and words[first - 1] in k.en_surname_particles:
            first -= 1
    return " ".join(words[first:])


def select(candidates: list[Span], length: int) -> list[Span]:
    """Non-overlapping spans, longest first (gazetteer before rules on ties), in text order."""
    taken = bytearray(length)
    chosen: list[Span] = []
    for span in candidates:
        if taken.find(1, span.start, span.end) < 0:  # nothing taken there (no slice copied)
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))


def longest_first(spans: Iterable[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start - s.end, s.start))
