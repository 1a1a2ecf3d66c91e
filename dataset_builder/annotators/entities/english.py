"""English rules for names the knowledge base lacks: people after a title, before "said" (an
initial may lead: S Somanath said), after "said" at a clause's end, with a particle or a known
given name; organisations, places and events by their head; acronyms."""

from __future__ import annotations

import re
from bisect import bisect_right

from dataset_builder.annotators.entities.text import last_word
from dataset_builder.documents import Span
from dataset_builder.knowledge.entities import EntityKnowledge

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


def english_orgs(text: str, k: EntityKnowledge) -> list[Span]:
    """Capitalised words ending in an organisation head (Saudi Press Agency, Foreign Ministry), also
    after a country's abbreviation (US Geological Survey), or a head and "of" (Bank of England), and
    places and events named by their head (Downing Street, Mount Arafat, World Cup, Storm Daniel)."""
    found: list[Span] = []
    patterns = (
        (k.en_org, "ORG", None),
        (k.en_country_org, "ORG", None),
        (k.en_org_of, "ORG", None),
        (k.en_loc, "LOC", k.en_loc_cue),
        (k.en_misc, "MISC", k.en_misc_cue),
    )
    for pattern, label, cue in patterns:
        if cue is not None and cue.search(text) is None:
            continue  # no head or prefix in the text: no match (see EntityKnowledge.en_loc_cue)
        for m in pattern.finditer(text):
            start, end = m.span("name")
            possessive = _EN_POSSESSIVE.search(text, start, end)
            if possessive is not None and (
                ("en", possessive.group("owner")) in k.names
                or ("en", text[start : possessive.end("owner")]) in k.names  # Saudi Arabia's
            ):
                start = possessive.end()  # China's Alibaba Group: a known owner is not in the name
            while " " in text[start:end] and text[start:end].split()[0] in k.en_stopwords:
                start = text.index(" ", start) + 1
            end = _name_end(text, start, end, k)
            if label == "ORG" and (split := _two_bodies(text, start, end, k)) is not None:
                found.append(Span(split, end, text[split:end], label, None))
                end = text.rindex(" and ", start, split)
            if len(text[start:end].split()) >= 2:
                found.append(Span(start, end, text[start:end], label, None))
    return found


_JOINED = re.compile(r" (?:of|for|on)(?: the)? (?P<word>\S+)")
"""A joiner inside a name and the word after it."""


def _name_end(text: str, start: int, end: int, k: EntityKnowledge) -> int:
    """Where a name ends: before a joiner followed by a stopword (the Security Council on Monday) and
    before a possessive (the Central Bank of Argentina's board)."""
    for m in _JOINED.finditer(text, start, end):
        if m.group("word") in k.en_stopwords:
            end = m.start()
            break
    if text.endswith(("’s", "'s"), start, end):
        end -= 2
    return end


def _two_bodies(text: str, start: int, end: int, k: EntityKnowledge) -> int | None:
    """Where the second of two bodies joined by "and" starts, when the words after "and" end in an
    organisation head of their own (Massachusetts Institute of Technology and Tsinghua University);
    None for one name (Ministry of Trade and Industry)."""
    at = text.rfind(" and ", start, end)
    if at < 0 or text[start:end].rsplit(None, 1)[-1] not in k.en_org_heads:
        return None
    return at + len(" and ")


_EN_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Lines in headline case (Grace Period Ends For Migrants): no full stop at the end, at least
    four words of three letters or more, nearly all capitalised."""
    found = []
    at = 0
    for line in text.split("\n"):
        if not line.rstrip().endswith("."):  # most lines end a sentence: their words are not read
            long = [w for w in _EN_WORD.findall(line) if len(w) >= 3]
            if len(long) >= 4 and sum(w[0].isupper() for w in long) >= 0.8 * len(long):
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
    """Where a name after a title, or before "said", starts: at the second word when only it is a
    given name and a family name follows (Chief Economist Monica Malik → Monica Malik; the end of a
    role, Minister of Tourism and Antiquities Sherif Fathy said → Sherif Fathy)."""
    words = text[start:end].split()
    if len(words) >= 3 and words[0] not in k.en_first_names and words[1] in k.en_first_names:
        return text.index(words[1], start + len(words[0]))
    return start


def english_rules(text: str, k: EntityKnowledge) -> list[Span]:
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
            # the cheapest test first: most capitalised pairs start with no given name
            if pattern is k.en_named and not _given_name_first(m.group("name").split(), k):
                continue
            line = bisect_right(headline_starts, m.start()) - 1
            if pattern is k.en_named and line >= 0 and m.start() < headlines[line][1]:
                continue  # every word of a headline is capitalised: a given name there proves nothing
            if pattern is k.en_named and _whole_line(text, *m.span("name")):
                continue  # a heading (Key Moments), not a name in a sentence
            before = last_word(text, m.start("name"))[1]
            if (
                pattern is not k.en_particle_name
                and before is not None
                and _longer_name_before(text, m.start("name"), before)
            ):
                continue  # the end of a longer capitalised run (Secretary of State John Kerry said)
            start, end = m.span("name")
            if pattern is k.en_said:
                start = _from_given_name(text, start, end, k)  # (Tourism and) Antiquities Sherif Fathy said
            if (span := _english_person(text, start, end, 2, k)) is not None:
                found.append(span)
    if k.en_said_after is not None:
        for m in k.en_said_after.finditer(text):
            if (span := _speaker_after_verb(text, *m.span("name"), k)) is not None:
                found.append(span)
    return found


def _speaker_after_verb(text: str, start: int, end: int, k: EntityKnowledge) -> Span | None:
    """The speaker named after a reporting verb ("…," said Naka Matsuzawa, chief strategist), titles
    before the name left out (said Dr Bernhards Ogutu); None when a word is a stopword (said Monday
    Night), a title inside (said Foreign Minister Smith), an organisation head or a known name other
    than a person's, or when the words together are such a name (told Gulf News)."""
    words = text[start:end].split()
    if any(w in k.en_stopwords for w in words):
        return None
    while words and words[0] in k.en_titles:
        start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
        words = words[1:]
    if any(w in k.en_titles for w in words):
        return None
    hit = k.names.get(("en", text[start:end]))
    if hit is not None and hit[1] != "PER":
        return None
    return _english_person(text, start, end, 2, k)


def _given_name_first(words: list[str], k: EntityKnowledge) -> bool:
    """A known given name first, and no title or stopword among the words."""
    return words[0] in k.en_first_names and not any(w in k.en_titles or w in k.en_stopwords for w in words)


def english_acronym_names(text: str, k: EntityKnowledge) -> list[Span]:
    """A capitalised name spelled out before its acronym in brackets, "World Health Organization
    (WHO)": the acronym's letters are the initials of its words, in order, from the first."""
    found: list[Span] = []
    if k.en_acronym.search(text) is None:
        return found
    for m in k.en_acronym_name.finditer(text):
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


def english_short_forms(text: str, chosen: list[Span], k: EntityKnowledge) -> list[Span]:
    """Later mentions of an organisation found in full: its acronym ("International Monetary Fund"
    … "IMF") and a company's name without its suffix ("Alibaba Group" … "Alibaba")."""
    forms: dict[str, str | None] = {}
    for span in chosen:
        words = span.text.split()
        if span.label != "ORG" or len(words) < 2:
            continue
        acronym = "".join(
            w[0] for w in words if w not in k.en_name_joiners and w not in k.en_company_suffixes
        )
        if len(acronym) >= 2 and acronym.isupper() and acronym.isalpha():
            forms.setdefault(acronym, span.entity_id)
        while len(words) > 1 and words[-1] in k.en_company_suffixes and words[0] not in k.en_stopwords:
            words = words[:-1]  # every suffix off in turn (HSBC Holdings Plc: HSBC Holdings, HSBC)
            forms.setdefault(" ".join(words), span.entity_id)
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
    if text.endswith(("’s", "'s"), start, end):
        end -= 2  # the possessive is outside the name (Jacob Zuma's party)
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
