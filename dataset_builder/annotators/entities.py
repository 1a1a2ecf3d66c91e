"""Entity pre-annotation: a gazetteer from the knowledge base, plus rules for names it lacks.

The knowledge base (``annotations/entities.json``) is compiled into one Aho-Corasick automaton
(pyahocorasick). Arabic is matched on a length-preserving normalisation (أ/إ/آ → ا, ى → ي, ة → ه),
so offsets found there are offsets in the original text. A match may sit after Arabic proclitics
inside a word (وبلينكن → بلينكن), which stay outside the span; titles are never in the base, so
they never enter a span. Trigger rules from ``annotations/entity_rules.json`` find person names
after a title, a title chain of any length or "his counterpart" (and English organisation names)
that the base does not know: they get no id. Places come also from registry gazetteers
(:mod:`gazetteer`) and names from human gold (``learned_aliases.json``, :mod:`learned`); the base
wins over both. Once a person's full name is found, a later surname-only mention is the same person.
Names that are also common words (الرجاء) or another entity's name (الشرق الأوسط the region and the
paper) count only in context: brackets, quotes, after a descriptor (صحيفة, نادي). Arabic marks
(tashkeel, shadda, tatweel) are read past: the text is matched without them and offsets mapped back.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from dataset_builder.annotators.ner_model import ModelTagger, model_spans
from dataset_builder.documents import Document, Span
from dataset_builder.knowledge.entities import EntityKnowledge
from dataset_builder.knowledge.text import after_lam, normalise

_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND_FIRST = frozenset({"عبد", "ابو"})
_COMPOUND_SECOND = frozenset({"الدين", "الاسلام", "الله"})
"""Second words of compound given names (نور الدين, سيف الإسلام, فتح الله): before another name word
they belong to the given name, not the family name (نور الدين أمرابط)."""
_ARTICLE_BEHIND_PROCLITIC = ("لل", "وال", "فال", "بال", "كال")
"""A word with the article behind a proclitic (للبرنامج, والتعاون): never a name's first word; in a title
chain it is the title's complement (المدير التنفيذي للبرنامج, وزير الخارجية والتعاون الدولي)."""
"""First-name words that take a second word (عبد الفتاح, أبو مازن) before the family name."""
_EN_ARTICLE = re.compile(r"^(?:al|el|Al|El|ad|as|ash|an)-")


@lru_cache(maxsize=4)
def _arabic_words(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The normalised text and its words (start, end, word); every Arabic rule reads them."""
    norm = normalise(text, "ar")
    return norm, [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm)]


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) == "Mn"


def _gazetteer(text: str, language: str, k: EntityKnowledge) -> list[Span]:
    automaton = k.automata.get(language)
    if automaton is None:
        return []
    norm = _arabic_words(text)[0] if language == "ar" else text
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
        if k.unlearned and (language, norm[start:end]) in k.unlearned:
            continue
        found.append(Span(start, end, text[start:end], label, entity_id))
    return found


def _arabic_people(text: str, k: EntityKnowledge, known: Iterable[Span] = ()) -> list[Span]:
    """Names after a title chain of any length (titles, nisba adjectives, places, و-joined titles)
    or after نظيره: a first name that is no verb and has no article, then name words up to a family
    name with the article, through compounds (عبد/أبو) and connectors (بن, آل). A word with the
    article behind a proclitic continues the chain (المدير التنفيذي للبرنامج); punctuation between
    the chain and the name ends it (الفريق المصري، فيما)."""
    norm, words = _arabic_words(text)
    named = bytearray(len(text))  # inside a known place, organisation or nationality: part of a chain
    for span in known:
        if span.label != "PER":
            named[span.start : span.end] = b"\x01" * (span.end - span.start)
    found: list[Span] = []
    i = 0
    while i < len(words):
        title_end = _title_end(norm, words[i], k)
        if title_end is None:
            i += 1
            continue
        j = _after_title(norm, words, i, title_end, k)
        while j < len(words) and _adjacent(norm, words[j - 1], words[j]):
            if (
                _modifier(words[j][2], k)
                or named[words[j][0]]
                or words[j][2].startswith(_ARTICLE_BEHIND_PROCLITIC)
            ):
                j += 1
            elif (chained := _title_end(norm, words[j], k)) is not None:
                j = _after_title(norm, words, j, chained, k)
            else:
                break
        name = (
            _name_after(norm, words, j, k)
            if j < len(words) and _adjacent(norm, words[j - 1], words[j])
            else _apposition(norm, words, j, k)
        )
        if len(name) >= 2:
            start, end = name[0][0], name[-1][1]
            found.append(Span(start, end, text[start:end], "PER", None))
        i = max(j + len(name), i + 1)
    return found


def _after_title(norm: str, words: list[Word], i: int, title_end: int, k: EntityKnowledge) -> int:
    """Index of the first word after the title starting at ``words[i]`` (with its complement)."""
    j = i + 1
    while j < len(words) and words[j][0] < title_end:
        j += 1
    title = norm[words[i][0] : title_end]
    bare = k.ar_complemented.get(title)
    if bare is not None and j < len(words) and _adjacent(norm, words[j - 1], words[j]):
        complement = words[j][2]
        hit = k.names.get(("ar", complement))
        if complement.startswith("ال") and (hit is None or hit[1] != "PER"):
            j += 1
    return j


def _arabic_orgs(text: str, k: EntityKnowledge) -> list[Span]:
    """An institution head, then words with the article (or لل, the article behind ل), ending in a
    nisba: وكالة الأنباء السعودية, الجيش السوداني, المجلس الأعلى للأمن القومي. A head in the
    construct state names the body with its complement alone (وزارة الخارجية, مجلس الأمن), or with
    more words ending in a nisba or a لل-word (منظمة البلدان المصدرة للبترول)."""
    norm, words = _arabic_words(text)
    found = []
    for i, (start, _, word) in enumerate(words):
        head = k.ar_org_heads.get(word)
        if head is None:
            continue
        start += len(word) - len(head)
        construct = word in k.ar_org_complemented
        last, nisba, national = None, False, False
        j = i + 1
        if not head.startswith("ال") and _named_complement(norm, words, i, k):
            last, nisba, national, j = i + 2, True, True, i + 3
        while j < min(i + 6, len(words)) and _adjacent(norm, words[j - 1], words[j]):
            w = words[j][2]
            if j > i + 1 and not national and w.startswith("وال") and _name_word(w[1:], k):
                j += 1  # coordinated words inside the name (هيئة الكوارث والطوارئ التركية)
                continue
            if (
                last is not None
                and w.startswith("ل")
                and not w.startswith(("لل", "ال"))
                and j + 1 < len(words)
                and _adjacent(norm, words[j], words[j + 1])
                and words[j + 1][2].startswith("ال")
                and _name_word(w[1:], k)
            ):
                last = j + 1  # a construct after ل (الاتحاد الأفريقي لكرة القدم)
                break
            if not w.startswith(("ال", "لل")) or (national and not _nisba(w, k)):
                break  # after a nationality only another nisba (الجيش العربي السوري), not للمرة الثانية
            place = j == i + 1 and k.names.get(("ar", w), (None, ""))[1] == "LOC"  # فيلق القدس
            org_nisba = _nisba(w, k) or _place_nisba(w, k)
            if construct and not _name_word(w, k) and not org_nisba and not place:
                break  # a stopword, title or known place or person ends the name
            if org_nisba:
                last, nisba = j, True
                # a nationality ends the name; a generic nisba (الوطنية) need not
                national = ("ar", w) in k.names
            elif (construct and j == i + 1) or (j > i + 1 and w.startswith("لل") and not national):
                last = j
                if nisba:
                    break
            j += 1
        if last is not None:
            end = words[last][1]
            found.append(Span(start, end, text[start:end], "ORG", None))
    return found


def _arabic_facilities(text: str, known: list[Span], k: EntityKnowledge) -> list[Span]:
    """A facility named after a known place is one place: مطار بغداد (الدولي), معبر رفح."""
    norm = _arabic_words(text)[0]
    found = []
    for place in known:
        if place.label != "LOC":
            continue
        length, word = _last_word(norm, place.start, " ")
        if word is None or place.start - length != 1:
            continue
        head = k.ar_facilities.get(word)
        if head is None:
            continue
        start = length - len(head)
        end = place.end
        if norm.startswith(" الدولي", end) and (end + 7 == len(norm) or not _is_word_char(norm[end + 7])):
            end += 7
        found.append(Span(start, end, text[start:end], "LOC", None))
    return found


def _nisba(word: str, k: EntityKnowledge) -> bool:
    """A relational adjective with the article: a known nationality, or ال…ي / ال…ية."""
    hit = k.names.get(("ar", word))
    if hit is not None:
        return hit[1] == "MISC"
    return word.startswith("ال") and len(word) >= 6 and word.endswith(("ي", "يه"))


def _named_complement(norm: str, words: list[Word], i: int, k: EntityKnowledge) -> bool:
    """A head without the article, a name (no article, not an adjective: no ي or ة ending), a nisba
    with the article: لجنة نوبل النرويجية, قوات سوريا الديمقراطية; not هيئة حكومية مصرية."""
    if i + 2 >= len(words) or not (
        _adjacent(norm, words[i], words[i + 1]) and _adjacent(norm, words[i + 1], words[i + 2])
    ):
        return False
    name, adjective = words[i + 1][2], words[i + 2][2]
    plain = not name.startswith(("ال", *_ARTICLE_BEHIND_PROCLITIC)) and not name.endswith(("ه", "ي"))
    definite = adjective.startswith("ال") and (_nisba(adjective, k) or _place_nisba(adjective, k))
    place = k.names.get(("ar", name), (None, ""))[1] == "LOC"
    return plain and definite and (_name_word(name, k) or place) and not k.ar_verb.match(name)


def _place_nisba(word: str, k: EntityKnowledge) -> bool:
    """A place name that is also a feminine nisba (السعودية): the adjective after an institution's head."""
    hit = k.names.get(("ar", word))
    return hit is not None and hit[1] == "LOC" and word.startswith("ال") and word.endswith(("يه", "ية"))


def _modifier(word: str, k: EntityKnowledge) -> bool:
    """A word that may sit inside a title chain: a listed modifier, or a known nationality or place."""
    hit = k.names.get(("ar", word))
    return word in k.ar_modifiers or (hit is not None and hit[1] in ("MISC", "LOC")) or _nisba(word, k)


def _name_word(word: str, k: EntityKnowledge) -> bool:
    """Not a stopword, title, modifier, counterpart, nor a known non-person name."""
    hit = k.names.get(("ar", word))
    return not (
        word in k.ar_stopwords
        or word in k.ar_modifiers
        or word in k.ar_counterparts
        or word in k.ar_titles
        or word in k.ar_org_heads
        or word in k.ar_not_names
        or (hit is not None and hit[1] != "PER")
    )


Word = tuple[int, int, str]


def _name_after(
    norm: str, words: list[Word], j: int, k: EntityKnowledge, verb_like: bool = False
) -> list[Word]:
    """The name starting at ``words[j]``: at most two plain words, a family name with the article
    ends it, compounds (عبد الله) and connectors (بن, آل) take the next word along. ``verb_like``:
    the first word may look like a verb (سيرغي), where commas around the name vouch for it."""
    name: list[Word] = []
    plain = 0
    while j < len(words) and len(name) < 6:
        word = words[j]
        w = word[2]
        if (name and not _adjacent(norm, words[j - 1], word)) or not _name_word(w, k):
            break
        if name and _known_person(w, k) and _known_person(name[-1][2], k):
            break  # two people the base knows, side by side (بوتين السيسي)
        if not name:
            if (
                w.startswith(("ال", *_ARTICLE_BEHIND_PROCLITIC))
                or (k.ar_verb.match(w) and not verb_like)
                or k.ar_not_first.match(w)
                or w in k.ar_connectors
            ):
                break
            plain = 1
        elif name[-1][2] in _COMPOUND_FIRST or name[-1][2] in k.ar_connectors:
            if len(name) >= 2 and w.startswith("ال"):  # a compound family name (عادل عبد المهدي)
                name.append(word)
                break
            # a compound given name counts once (عبد المجيد تبون), a compound family name ends it (سامي أبو زهري)
            plain += not (len(name) == 1 and name[0][2] in _COMPOUND_FIRST)
        elif w in k.ar_connectors or w in _COMPOUND_FIRST:
            if j + 1 >= len(words) or not _name_word(words[j + 1][2], k):
                break
        elif (
            len(name) == 1
            and w in _COMPOUND_SECOND
            and j + 1 < len(words)
            and _adjacent(norm, word, words[j + 1])
            and _name_word(words[j + 1][2], k)
            and not k.ar_verb.match(words[j + 1][2])
        ):
            pass  # a compound given name counts once (نور الدين أمرابط)
        elif w.startswith("ال"):
            name.append(word)
            break
        elif plain < 2:
            plain += 1
        else:
            break
        name.append(word)
        j += 1
    while name and (name[-1][2] in k.ar_connectors or name[-1][2] in _COMPOUND_FIRST):
        name.pop()
    return name


def _known_person(word: str, k: EntityKnowledge) -> bool:
    hit = k.names.get(("ar", word))
    return hit is not None and hit[1] == "PER"


def _title_end(norm: str, word: tuple[int, int, str], k: EntityKnowledge) -> int | None:
    """End offset of a title starting at ``word`` (after an optional proclitic), else None."""
    skip, titles = k.ar_titles.get(word[2], (0, ()))
    at = word[0] + skip
    for title in titles:
        end = at + len(title)
        if norm.startswith(title, at) and (end == len(norm) or not _is_word_char(norm[end])):
            return end
    return None


def _last_word(s: str, at: int, strip: str | None = None) -> tuple[int, str | None]:
    """``len(s[:at].rstrip(strip))`` and the last whitespace-separated word of that prefix (None when
    it has none), reading back only as far as that word: slicing the whole prefix made the entity
    step quadratic in a document's length."""
    window = 64
    while True:
        lo = max(0, at - window)
        piece = s[lo:at].rstrip(strip)
        words = piece.rsplit(None, 1)
        if lo == 0 or (words and len(words[-1]) < len(piece.rstrip())):
            return lo + len(piece), words[-1] if words else None
        window *= 4


def _adjacent(norm: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Only spaces between two words (punctuation and line breaks end a name)."""
    gap = norm[left[1] : right[0]]
    return not gap.strip() and "\n" not in gap


_COMMA = re.compile(r"[^\S\n]*[،,][^\S\n]*")
_CLAUSE_END = re.compile(r"[^\S\n]*(?:[،,.:؛]|$)")


def _apposition(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> list[Word]:
    """A name set off by commas after a title chain (وزير الخارجية الروسي، سيرغي لافروف، قال): two
    words at least, and a comma, a full stop or the line's end right after it."""
    if j >= len(words) or _COMMA.fullmatch(norm, words[j - 1][1], words[j][0]) is None:
        return []
    name = _name_after(norm, words, j, k, verb_like=True)
    if len(name) < 2 or _CLAUSE_END.match(norm, name[-1][1]) is None:
        return []
    return name


_EN_POSSESSIVE = re.compile(r"(?P<owner>\S+)[’']s\s+(?=\S)")
_SENTENCE_END = (".", "!", "?", ":", ";", ",", '"', "”")


def _longer_name_before(text: str, at: int, before: str) -> bool:
    """Whether the capitalised word before ``at`` makes the name the end of a longer capitalised run
    (Secretary of State John Kerry); not after a sentence's end, a line break or a possessive
    (England's Geoff Hurst)."""
    if "\n" in text[text.rfind(before, 0, at) : at] or before.endswith(_SENTENCE_END):
        return False
    if before.endswith(("’s", "'s")):
        return False
    return before[:1].isupper() or before in ("of", "the")


def _english_orgs(text: str, k: EntityKnowledge) -> list[Span]:
    """Capitalised words ending in an organisation head (Saudi Press Agency, Foreign Ministry), and
    places and events named by their head (Downing Street, Mount Arafat, World Cup, Storm Daniel)."""
    found: list[Span] = []
    for pattern, label in ((k.en_org, "ORG"), (k.en_loc, "LOC"), (k.en_misc, "MISC")):
        for m in pattern.finditer(text):
            start, end = m.span("name")
            possessive = _EN_POSSESSIVE.search(text, start, end)
            if possessive is not None and ("en", possessive.group("owner")) in k.names:
                start = possessive.end()  # China's Alibaba Group: a known owner is not in the name
            while " " in text[start:end] and text[start:end].split()[0] in k.en_stopwords:
                start = text.index(" ", start) + 1
            if len(text[start:end].split()) >= 2:
                found.append(Span(start, end, text[start:end], label, None))
    return found


_EN_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Lines in headline case (Grace Period Ends For Migrants): no full stop at the end, at least
    four words of three letters or more, nearly all capitalised."""
    found = []
    at = 0
    for line in text.split("\n"):
        long = [w for w in _EN_WORD.findall(line) if len(w) >= 3]
        if (
            not line.rstrip().endswith(".")
            and len(long) >= 4
            and sum(w[0].isupper() for w in long) >= 0.8 * len(long)
        ):
            found.append((at, at + len(line)))
        at += len(line) + 1
    return found


def _whole_line(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a line of its own (leading and trailing spaces aside)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return line.strip() == text[start:end]


def _from_given_name(text: str, start: int, end: int, k: EntityKnowledge) -> int:
    """Where a name after a title starts: at the second word when only it is a given name and a
    family name follows (Chief Economist Monica Malik → Monica Malik)."""
    words = text[start:end].split()
    if len(words) >= 3 and words[0] not in k.en_first_names and words[1] in k.en_first_names:
        return text.index(words[1], start + len(words[0]))
    return start


def _english_rules(text: str, k: EntityKnowledge) -> list[Span]:
    found: list[Span] = []
    for m in k.en_person.finditer(text):
        start, end = m.span("name")
        words = text[start:end].split()
        last_title = max((i for i, w in enumerate(words) if w in k.en_titles), default=-1)
        for word in words[: last_title + 1]:
            start = text.index(word, start) + len(word)
        start = end - len(text[start:end].lstrip())
        start = _from_given_name(text, start, end, k)
        if (span := _english_person(text, start, end, 1, k)) is not None:
            found.append(span)
    headlines = _headline_lines(text)
    headline_starts = [a for a, _ in headlines]
    for pattern in (k.en_particle_name, k.en_said, k.en_named):
        for m in pattern.finditer(text):
            line = bisect_right(headline_starts, m.start()) - 1
            if pattern is k.en_named and line >= 0 and m.start() < headlines[line][1]:
                continue  # every word of a headline is capitalised: a given name there proves nothing
            if pattern is k.en_named and _whole_line(text, *m.span("name")):
                continue  # a heading (Key Moments), not a name in a sentence
            before = _last_word(text, m.start("name"))[1]
            words = m.group("name").split()
            if pattern is k.en_named and (
                words[0] not in k.en_first_names
                or any(w in k.en_titles or w in k.en_stopwords for w in words)
            ):
                continue
            if (
                pattern is not k.en_particle_name
                and before is not None
                and _longer_name_before(text, m.start("name"), before)
            ):
                continue  # the end of a longer capitalised run (Secretary of State John Kerry said)
            if (span := _english_person(text, *m.span("name"), 2, k)) is not None:
                found.append(span)
    return found


_ACRONYM_NAME = re.compile(
    r"(?P<name>(?:[A-Z][\w’'-]*[^\S\n]+(?:(?:of|for|and|the|on|in)[^\S\n]+)*){1,8}[A-Z][\w’'-]*)\s*\((?P<acr>[A-Z][A-Za-z]{1,7})\)"
)
_BRACKETED = re.compile(r"\s*\((?P<short>[^()\d\n]{2,30})\)")


def _english_acronym_names(text: str, k: EntityKnowledge) -> list[Span]:
    """A capitalised name spelled out before its acronym in brackets, "World Health Organization
    (WHO)": the acronym's letters are the initials of its words, in order, from the first."""
    found = []
    for m in _ACRONYM_NAME.finditer(text):
        start, end = m.span("name")
        while " " in text[start:end] and text[start:end].split()[0] in k.en_stopwords:
            start = text.index(" ", start) + 1
        words = text[start:end].split()
        initials = "".join(w[0] for w in words if w[0].isupper())
        acronym = m.group("acr").upper()
        if len(words) < 2 or not initials.startswith(acronym[0]) or not _subsequence(acronym, initials):
            continue
        hit = k.names.get(("en", text[start:end]))
        found.append(Span(start, end, text[start:end], hit[1] if hit else "ORG", hit[0] if hit else None))
    return found


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def _bracketed_short_names(text: str, language: str, chosen: list[Span], k: EntityKnowledge) -> list[Span]:
    """The short name in brackets right after an organisation's name ("(أوبك)", "(UNRWA)"), and
    its later mentions, with the organisation's label and id."""
    norm = _arabic_words(text)[0] if language == "ar" else text
    found: list[Span] = []
    for span in chosen:
        m = _BRACKETED.match(text, span.end)
        if span.label != "ORG" or m is None or len(m.group("short").split()) > 3:
            continue
        short = m.group("short").strip()
        if language == "en" and not short.isupper():
            continue
        form = normalise(short, language)
        hit = k.names.get((language, form))
        if hit is not None and hit[1] != span.label:
            continue
        found.extend(
            replace(s, label=span.label) for s in _occurrences(text, norm, form, language, span.entity_id, k)
        )
    return found


_AGENCY = re.compile(r"^(?P<head>[^\n()]{2,60}?)\s*\((?P<org>[^()\n\d]{2,24})\)\s*(?:[-—–]|$)", re.MULTILINE)
_DATELINE_LINES = 3


def _dateline_agencies(text: str, language: str, k: EntityKnowledge) -> list[Span]:
    """The news agency in brackets after a dateline ("BAGHDAD, June 27, 2021 (Reuters) -", "(أ ف ب)")
    in the first lines: the bracket follows a date, a place in capitals or a place the base knows
    (أوسلو (أ ف ب) -)."""
    head_lines = "\n".join(text.split("\n", _DATELINE_LINES)[:_DATELINE_LINES])
    found = []
    for m in _AGENCY.finditer(head_lines):
        head = m.group("head").strip(" ,-—–")
        place = k.names.get((language, normalise(head, language)), (None, ""))[1] == "LOC"
        if any(ch.isdigit() for ch in head) or (head.isupper() and len(head) >= 3) or place:
            start, end = m.span("org")
            found.append(Span(start, end, text[start:end], "ORG", None))
    return found


_INITIAL_SKIP = frozenset({"of", "the", "and", "for", "on", "in"})


def _english_short_forms(text: str, chosen: list[Span], k: EntityKnowledge) -> list[Span]:
    """Later mentions of an organisation found in full: its acronym ("International Monetary Fund"
    … "IMF") and a company's name without its suffix ("Alibaba Group" … "Alibaba")."""
    forms: dict[str, str | None] = {}
    for span in chosen:
        words = span.text.split()
        if span.label != "ORG" or len(words) < 2:
            continue
        acronym = "".join(w[0] for w in words if w not in _INITIAL_SKIP and w not in k.en_company_suffixes)
        if len(acronym) >= 2 and acronym.isupper() and acronym.isalpha():
            forms.setdefault(acronym, span.entity_id)
        if words[-1] in k.en_company_suffixes and words[0] not in k.en_stopwords:
            forms.setdefault(" ".join(words[:-1]), span.entity_id)
    found = []
    for form, entity_id in sorted(forms.items()):
        hit = k.names.get(("en", form))
        if hit is not None and hit[1] != "ORG":
            continue
        for m in re.finditer(rf"(?<![\w’'-]){re.escape(form)}(?![\w-])", text):
            found.append(Span(m.start(), m.end(), form, "ORG", entity_id))
    return found


def _english_person(text: str, start: int, end: int, min_words: int, k: EntityKnowledge) -> Span | None:
    """The name in ``text[start:end]`` without leading stopwords and cut before any later one;
    None when too short or when a word is an organisation head or a known non-person name."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    while words and (text[slice(*words[0])] in k.en_stopwords or text[slice(*words[0])] in k.en_titles):
        words.pop(0)
    for n, (a, b) in enumerate(words):
        if text[a:b] in k.en_stopwords:
            words = words[:n]
            break
    if len(words) < min_words:
        return None
    for a, b in words:
        hit = k.names.get(("en", text[a:b]))
        if text[a:b] in k.en_org_heads or (hit is not None and hit[1] != "PER"):
            return None
    start, end = words[0][0], words[-1][1]
    return Span(start, end, text[start:end], "PER", None)


def _surname_mentions(text: str, language: str, people: list[Span], k: EntityKnowledge) -> list[Span]:
    """Surname-only mentions of people named in full elsewhere in the text, with the same id."""
    norm = _arabic_words(text)[0] if language == "ar" else text
    found: list[Span] = []
    seen: set[str] = set()
    for person in people:  # the full name again elsewhere, with no title before it
        form = normalise(person.text, language)
        if len(person.text.split()) >= 2 and "\n" not in form and form not in seen:
            seen.add(form)
            found.extend(_occurrences(text, norm, form, language, person.entity_id, k))
    for person in people:
        surname = person.text.split()[-1] if len(person.text.split()) >= 2 else None
        if surname is None or len(surname) < 3 or normalise(surname, language) in _COMPOUND_SECOND:
            continue
        forms = {normalise(surname, language)}
        if language == "en":
            forms.add(_EN_ARTICLE.sub("", surname))
        for form in sorted(forms - seen):
            seen.add(form)
            hit = k.names.get((language, form))
            if len(form) < 3 or (hit is not None and hit[1] != "PER") or form in k.en_stopwords:
                continue
            if language == "ar" and (form in k.ar_stopwords or form in k.ar_titles or form in k.ar_modifiers):
                continue
            found.extend(_occurrences(text, norm, form, language, person.entity_id, k))
    return found


def _occurrences(
    text: str, norm: str, form: str, language: str, entity_id: str | None, k: EntityKnowledge
) -> list[Span]:
    """Whole-word occurrences of ``form`` (in Arabic also behind proclitics, لل for ل + ال)."""
    found = []
    variants = [(form, False)]
    if language == "ar" and form.startswith("ال"):
        variants.append((after_lam(form), True))
    for variant, needs_lam in variants:
        at = norm.find(variant)
        while at >= 0:
            end = at + len(variant)
            word_start = at
            while word_start > 0 and _is_word_char(text[word_start - 1]):
                word_start -= 1
            prefix = norm[word_start:at]
            after_ok = end == len(text) or not _is_word_char(text[end])
            if language == "en":
                prefix_ok = not prefix and (at == 0 or text[at - 1] not in "-")
            else:
                prefix_ok = (not prefix or prefix in k.proclitics) and (not needs_lam or prefix.endswith("ل"))
            if after_ok and prefix_ok:
                found.append(Span(at, end, text[at:end], "PER", entity_id))
            at = norm.find(variant, at + 1)
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


def _longest_first(spans: Iterable[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start - s.end, s.start))


_MARKS = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
"""Tashkeel (vowels, shadda, sukun), the superscript alif, Quranic marks and tatweel: written or not,
the same word (الأمم المتّحدة, المتحـــدة)."""


def _without_marks(text: str) -> tuple[str, list[int]] | None:
    """The text without Arabic marks and where each of its characters sits in ``text`` (one past
    the end for the end), or None when the text has none."""
    if _MARKS.search(text) is None:
        return None
    at = [i for i, ch in enumerate(text) if not _MARKS.match(ch)]
    return "".join(text[i] for i in at), [*at, len(text)]


def _marked_spans(text: str, at: list[int], spans: Iterable[Span]) -> list[Span]:
    """Spans found in the unmarked text, mapped back onto ``text``: a span ends after the marks on
    its last letter (a vowel belongs to its letter), never on a tatweel."""
    out = []
    for span in spans:
        start, end = at[span.start], at[span.end - 1] + 1
        while end < len(text) and _MARKS.match(text[end]) and text[end] != "\u0640":
            end += 1
        out.append(replace(span, start=start, end=end, text=text[start:end]))
    return out


def _contextual_names(text: str, language: str, k: EntityKnowledge) -> list[Span]:
    """Names the base gives an entity only in context: in brackets or quotes ("(بترا)", «العربية»),
    after a descriptor word (صحيفة الشرق الأوسط, نادي النصر); a name no other entity has counts
    everywhere in a text that once used it so."""
    norm = _arabic_words(text)[0] if language == "ar" else text
    found: list[Span] = []
    for (lang, form), (entity_id, label) in sorted(k.contextual.items()):
        if lang != language or form not in norm:
            continue
        hits = [
            replace(s, label=label, entity_id=entity_id)
            for s in _occurrences(text, norm, form, language, entity_id, k)
        ]
        in_context = [s for s in hits if _in_context(text, norm, s, language, k)]
        found.extend(hits if in_context and (language, form) not in k.names else in_context)
    return found


_OPENING, _CLOSING = "(«\"“'", ")»\"”'"


def _in_context(text: str, norm: str, span: Span, language: str, k: EntityKnowledge) -> bool:
    before = text[: span.start].rstrip(" ـ")
    after = text[span.end :].lstrip(" ")
    if before and after and before[-1] in _OPENING and after[0] in _CLOSING:
        return True
    if language != "ar" or span.start - len(before) != 1:  # one space after the descriptor
        return False
    previous = norm[: len(before)].rsplit(None, 1)
    return bool(previous) and previous[-1] in k.ar_descriptors


def find_entities(text: str, language: str, k: EntityKnowledge, model: Iterable[Span] = ()) -> list[Span]:
    """Entity spans in ``text``: knowledge-base matches first, then a model's spans (ids from the
    base), then rule matches, each where nothing is taken yet; then surname-only mentions of the
    people found. Arabic marks are read past (found in the text without them, offsets mapped back)."""
    if language == "ar" and (unmarked := _without_marks(text)) is not None:
        plain, at = unmarked
        inside = {offset: i for i, offset in enumerate(at)}
        model = [
            replace(s, start=inside[s.start], end=inside[s.end], text=plain[inside[s.start] : inside[s.end]])
            for s in model
            if s.start in inside and s.end in inside
        ]
        return _marked_spans(text, at, find_entities(plain, language, k, model))
    gazetteer = _gazetteer(text, language, k)
    # an institution named with a nationality is one span, over the nationality the base knows
    orgs = (
        _arabic_orgs(text, k) + _arabic_facilities(text, gazetteer, k)
        if language == "ar"
        else _english_orgs(text, k) + _english_acronym_names(text, k)
    )
    # a name in context (بترا in brackets) wins over the same surface's other reading
    known = _longest_first(
        _contextual_names(text, language, k) + gazetteer + orgs + _dateline_agencies(text, language, k)
    )
    learned = _longest_first(
        s if s.entity_id else replace(s, entity_id=k.link(s.text, language)) for s in model
    )
    rules = _arabic_people(text, k, gazetteer + orgs) if language == "ar" else _english_rules(text, k)
    # a full name found by a rule wins over the surname the base knows inside it, and takes its id
    # (grouped by end, in the set's order: one lookup per rule, not rules x surnames)
    surnames: dict[int, list[str | None]] = defaultdict(list)
    for end, entity_id in {(s.end, s.entity_id) for s in gazetteer if s.label == "PER"}:
        surnames[end].append(entity_id)
    known = _longest_first(
        known
        + [
            replace(r, entity_id=entity_id)
            for r in rules
            if r.label == "PER" and " " in r.text
            for entity_id in surnames.get(r.end, ())
        ]
    )
    chosen = _select(known + learned + _longest_first(rules), len(text))
    people = [s for s in chosen if s.label == "PER"]
    later = _surname_mentions(text, language, people, k) + _bracketed_short_names(text, language, chosen, k)
    if language == "en":
        later += _english_short_forms(text, chosen, k)
    return _select(chosen + later, len(text))


def annotate_entities(
    doc: Document, knowledge: EntityKnowledge, tagger: ModelTagger | None = None
) -> Document:
    model = model_spans(doc.text, tagger, knowledge.model_labels) if tagger is not None else ()
    return doc.with_(entities=find_entities(doc.text, doc.language, knowledge, model))
