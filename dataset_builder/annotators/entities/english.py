"""English rules for names the knowledge base lacks: people after a title, before "said" (an
initial may lead: S Somanath said), after "said" at a clause's end, with a particle or a known
given name; organisations, places and events by their head; acronyms."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace

from dataset_builder.annotators.entities.select import select
from dataset_builder.annotators.entities.text import is_word_char, last_word, word_pieces
from dataset_builder.documents import Span
from dataset_builder.knowledge.entities import (
    APPOSITION,
    ORG_CUED,
    ORG_CUED_AFTER,
    PERSON,
    EntityKnowledge,
    started_matches,
)

_NON_SPACE = re.compile(r"\S+")
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
                or (
                    label == "ORG"
                    and possessive.start() == start
                    and last_word(text, start)[1] in ("and", "of")  # the end of a name before it
                )
            ):
                # China's Alibaba Group: a known owner is not in the name; nor the last word of a
                # name before it (the Department of Science and Technology's Advanced Science Institute)
                start = possessive.end()
            while " " in text[start:end] and (
                text[start:end].split()[0] in k.en_stopwords
                or text.endswith("-based", start, text.index(" ", start))
            ):
                start = text.index(" ", start) + 1  # the Tulsa-based Bell Bank: the firm is Bell Bank
            end = _name_end(text, start, end, k)
            if label == "ORG":
                start, end = _and_inside(text, start, end, k)
                suffix = _NEXT_WORD.match(text, end)
                if suffix is not None and suffix.group(1) in k.en_company_suffixes:
                    end = suffix.end()  # Kerala Medical Services Corporation Limited: the name's suffix
                elif (
                    " of " in text[start:end]
                    and (head := _NEXT_HEAD.match(text, end)) is not None
                    and (head.group(1) in k.en_org_heads or head.group(1)[:-1] in k.en_org_heads)
                ):
                    end = head.end()  # Congress of South African Trade Unions: a head ends the name
            if label == "MISC":
                end = _event_end(text, start, end, k)
            if label == "ORG" and (split := _two_bodies(text, start, end, k)) is not None:
                found.append(Span(split, end, text[split:end], label, None))
                end = text.rindex(" and ", start, split)
            words = text[start:end].split()
            # a competition (Indian Premier League), not a body (Arab League)
            competition = label == "ORG" and " ".join(words[-2:]) in k.en_competitions
            if len(words) >= 2:
                found.append(Span(start, end, text[start:end], "MISC" if competition else label, None))
    return found


_JOINED = re.compile(r" (?:of|for|on)(?: the)? (?P<word>\S+)")
"""A joiner inside a name and the word after it."""


def _name_end(text: str, start: int, end: int, k: EntityKnowledge) -> int:
    """Where a name ends: before a joiner followed by a stopword (the Security Council on Monday) or
    by a street or other place named by its head (the Arts Centre on Dominick Street), and before a
    possessive (the Central Bank of Argentina's board)."""
    for m in _JOINED.finditer(text, start, end):
        if m.group("word") in k.en_stopwords or (
            m.group().startswith(" on ") and text[start:end].rsplit(None, 1)[-1] in k.en_loc_heads
        ):
            end = m.start()
            break
    if text.endswith(("’s", "'s"), start, end):
        end -= 2
    return end


_FOR_OR_OF = re.compile(r" (?:for|of) ")


def _event_end(text: str, start: int, end: int, k: EntityKnowledge) -> int:
    """Where an event or prize ends: before "for" or "of" and a name the base knows (won the World Cup
    for France), after it otherwise (Women's Prize for Fiction)."""
    m = _FOR_OR_OF.search(text, start, end)
    if m is not None and ("en", text[m.end() : end]) in k.names:
        return m.start()
    return end


def _two_bodies(text: str, start: int, end: int, k: EntityKnowledge) -> int | None:
    """Where the second of two bodies joined by "and" starts, when the words after "and" end in an
    organisation head of their own and the words before it hold one (Massachusetts Institute of
    Technology and Tsinghua University); None for one name (Ministry of Trade and Industry, Roads
    and Transport Authority)."""
    at = text.rfind(" and ", start, end)
    if at < 0 or not _is_head(text[start:end].rsplit(None, 1)[-1], k):
        return None
    if not any(_is_head(w, k) for w in text[start:at].split()):
        return None
    return at + len(" and ")


def _and_inside(text: str, start: int, end: int, k: EntityKnowledge) -> tuple[int, int]:
    """An organisation's name with "and" inside (Roads and Transport Authority, Irish Nurses and
    Midwifery Organisation, Department of Science and Technology), not two names joined by it. Before
    the head, "and" stays after one word the base does not know, or a nationality and one word; the
    name starts after it otherwise (Hamas and Israel Defense Forces, Andreessen Horowitz and
    Lightspeed Venture Partners). After the head, the name ends before "and" when the words after it
    start with a name the base knows (Bank of England and Goldman Sachs) or hold a possessive (Science
    and Technology's Advanced …). Two bodies each with a head are left to :func:`_two_bodies`."""
    at = text.find(" and ", start, end)
    while 0 <= at < end:
        before = text[start:at].split()
        after = text[at + len(" and ") : end]
        if not any(_is_head(w, k) for w in before):
            between = next((i for i, w in enumerate(after.split()) if _is_head(w, k)), 0)
            first = k.names.get(("en", before[0]), (None, "MISC"))[1] == "MISC"
            if not (
                between == 1
                and ("en", after.split(None, 1)[0]) not in k.names  # Emirates and Qatar Airways: two
                and len(before) <= 2
                and first
                and (len(before) == 1 or ("en", before[1]) not in k.names)
                and (len(before) == 2 or ("en", before[0]) not in k.names)
            ):
                start = at + len(" and ")
        elif not _is_head(after.rsplit(None, 1)[-1], k):
            if ("en", after) in k.names or ("en", after.split(None, 1)[0]) in k.names:
                return start, at
            if (owner := _OWNER_INSIDE.search(after)) is not None:
                return start, at + len(" and ") + owner.start()  # Technology's Advanced …: the name ends
        at = text.find(" and ", at + 1, end)
    return start, end


def _is_head(word: str, k: EntityKnowledge) -> bool:
    """Whether a word is an organisation's head or a company's suffix (Authority, Inc)."""
    return word in k.en_org_heads or word in k.en_company_suffixes


_OWNER_INSIDE = re.compile(r"[’']s\s")
"""A possessive inside the words read: the name ends before it."""


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


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether quotes stand right around ``text[start:end]``."""
    return text[start - 1 : start] in ('"', "“", "'", "‘") and text[end : end + 1] in ('"', "”", "'", "’")


def _after_a_role(text: str, start: int, name: str, k: EntityKnowledge) -> bool:
    """Whether a name before "said" that starts with a known given name stands right after a role
    named with a title's word (Minister for Health Jennifer Carroll MacNeill said): the run before it
    is the role, not the start of the name."""
    if name.split(None, 1)[0] not in k.en_first_names:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    words = text[line_start:start].split()[-4:]
    return any(w in k.en_title_words for w in words) and not words[-1].endswith(_SENTENCE_END)


def _from_given_name(text: str, start: int, end: int, k: EntityKnowledge) -> int:
    """Where a name before "said" (or ", who") starts: at the second word when only it is a given
    name and a family name follows (the end of a role, Minister of Tourism and Antiquities Sherif
    Fathy said → Sherif Fathy). Not after a title, which ends right before the name: every lowercase
    title also counts capitalised (Chief Economist), and the name after it may start with a given
    name the dictionary lacks (off-spinner Mehidy Hasan Miraz)."""
    words = text[start:end].split()
    if len(words) >= 3 and words[0] not in k.en_first_names and words[1] in k.en_first_names:
        return text.index(words[1], start + len(words[0]))
    return start


def english_rules(text: str, k: EntityKnowledge, starts: tuple[list[int], ...]) -> list[Span]:
    """People after a title, before or after "said", with a particle, initials or a known given name;
    ``starts`` are where the knowledge's words start in the text (``k.en_starts.find(text)``)."""
    found: list[Span] = []
    for m in started_matches(k.en_person, text, starts[PERSON]):
        start, end = m.span("name")
        words = text[start:end].split()
        last_title = max((i for i, w in enumerate(words) if w in k.en_titles), default=-1)
        for word in words[: last_title + 1]:
            start = text.index(word, start) + len(word)
        start = end - len(text[start:end].lstrip())
        if (span := _english_person(text, start, end, 1, k)) is not None:
            found.append(span)
    headlines = _headline_lines(text)
    headline_starts = [a for a, _ in headlines]
    for pattern in (k.en_particle_name, k.en_said, k.en_named, k.en_initialled):
        for m in pattern.finditer(text):
            # the cheapest test first: most capitalised pairs start with no given name
            if pattern is k.en_named and not _given_name_first(m.group("name").split(), k):
                continue
            line = bisect_right(headline_starts, m.start()) - 1
            if pattern is k.en_named and line >= 0 and m.start() < headlines[line][1]:
                continue  # every word of a headline is capitalised: a given name there proves nothing
            if pattern is k.en_named and _whole_line(text, *m.span("name")):
                continue  # a heading (Key Moments), not a name in a sentence
            if pattern is k.en_named and _quoted(text, *m.span("name")):
                continue  # a work's title ("Emilia Perez"), not a person in a sentence
            before = last_word(text, m.start("name"))[1]
            if (
                pattern is k.en_named
                and before in ("in", "near")
                and not text.startswith(("’s", "'s"), m.end("name"))
                and not m.group("name").endswith(("’s", "'s"))
            ):
                continue  # a town named after a person (classes in Moises Padilla), not the person
            if (
                pattern is not k.en_particle_name
                and before is not None
                and _longer_name_before(text, m.start("name"), before)
                and not (pattern is k.en_said and _after_a_role(text, m.start("name"), m.group("name"), k))
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
    """A known given name first, also as the first part of a hyphenated one (Jean-Louis Gasset), and
    no title or stopword among the words."""
    first = words[0] if words[0] in k.en_first_names else words[0].split("-", 1)[0]
    return first in k.en_first_names and not any(w in k.en_titles or w in k.en_stopwords for w in words)


_WORK_WORD = r"[A-Z0-9][\w’'&:!?.-]*"
_QUOTED_WORK = re.compile(
    rf"(?<=[\"“«])(?P<name>{_WORK_WORD}(?:[^\S\n]+(?:{_WORK_WORD}|(?:a|an|and|as|at|by|for|from|in|of|on|or|the|to|with)(?=[^\S\n]))){{0,5}})(?<![.,;!?:])(?=[\"”»])"
)
"""A title in double quotes or guillemets: up to six words, each capitalised but the small words of
titles (All We Imagine as Light), no full stop or comma before the closing quote."""
_CLOSING_QUOTE = {'"': '"', "“": "”", "«": "»"}


def english_quoted_works(text: str, k: EntityKnowledge) -> list[Span]:
    """Works named in quotes ("Orbital", “Prophet Song”): books, films, albums, plays (MISC). Not a
    name the base gives to something else ("Hamas" in quotes stays an organisation) and not a quote
    that goes on before its closing mark (a title in quotes is the quote's whole)."""
    found: list[Span] = []
    for m in _QUOTED_WORK.finditer(text):
        start, end = m.span("name")
        if _CLOSING_QUOTE[text[start - 1]] != text[end]:
            continue
        name = text[start:end]
        hit = k.names.get(("en", name))
        if (hit is not None and hit[1] != "MISC") or name in k.en_stopwords:
            continue
        found.append(Span(start, end, name, "MISC", hit[0] if hit else None))
    return found


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
        if len(words) < 2:
            continue
        if not initials.startswith(acronym[0]) or not _subsequence(acronym, initials):
            if len(words) > 2 and k.names.get(("en", words[0]), ("", ""))[1] in ("LOC", "MISC"):
                skipped = words[1:]  # Ghana Cocoa Board (Cocobod): the country's name may stay out of it
            else:
                skipped = words
            if len(acronym) < 4 or not word_pieces(acronym.lower(), [w.lower() for w in skipped], 0):
                continue
        hit = k.names.get(("en", text[start:end]))
        found.append(Span(start, end, text[start:end], hit[1] if hit else "ORG", hit[0] if hit else None))
    return found


_CAPITALISED_NEXT = re.compile(r"[^\S\n]+[A-Z]")
_NEXT_WORD = re.compile(r"[^\S\n]+([A-Z][\w.]*)(?![\w’'-])")
"""The capitalised word right after a name, read whole (Limited, Ltd., Malta)."""
_NEXT_HEAD = re.compile(r"[^\S\n]+([A-Z][a-z]+)(?![\w’'-])")
"""A capitalised word right after a name, without a full stop (Unions)."""


def english_bodies_of_places(text: str, known: list[Span], k: EntityKnowledge) -> list[Span]:
    """A body or facility named by its head and a known place right after it is one name (University
    Hospital Limerick, Arts Council Malta): the place ends it when no capitalised word or possessive
    follows on (Arts Council Malta chairman; not University Hospital Galway Road)."""
    places = {s.start: s for s in known if s.label == "LOC"}
    found = []
    for body in known:
        if body.label not in ("ORG", "LOC") or " " not in body.text:
            continue
        head = body.text.rsplit(None, 1)[-1]
        if head not in k.en_org_heads and head not in k.en_loc_heads:
            continue
        place = places.get(body.end + 1)
        if place is None or text[body.end] != " " or place is body:
            continue
        if _CAPITALISED_NEXT.match(text, place.end) or text.startswith(("’s", "'s"), place.end):
            continue
        found.append(Span(body.start, place.end, text[body.start : place.end], body.label, None))
    return found


def english_directional_places(text: str, known: list[Span], k: EntityKnowledge) -> list[Span]:
    """A known place and a word of direction right before it are one place (West Midlands, Central
    Asia); not when a capitalised word comes before that word or after the place on its line (National
    Museums Scotland, West Texas Intermediate: longer names). Likewise a word of direction right after
    a place, when no name word follows (Bengaluru South MP, Dublin West)."""
    found = []
    for place in known:
        if place.label != "LOC":
            continue
        end, word = last_word(text, place.start)
        if end != place.start - 1 or text[end] != " " or word not in k.en_place_directions:
            continue
        if _CAPITALISED_NEXT.match(text, place.end):
            continue  # a longer name goes on (West Texas Intermediate, West Midlands Police)
        before = end - len(word)
        previous_end, previous = last_word(text, before)
        if (
            previous is not None
            and "\n" not in text[previous_end:before]
            and previous[:1].isupper()
            and not previous.endswith(_SENTENCE_END)
        ):
            continue
        found.append(Span(before, place.end, text[before : place.end], "LOC", None))
    for place in known:  # and a word of direction right after it, as constituencies are named
        if place.label != "LOC" or (m := _DIRECTION_AFTER.match(text, place.end)) is None:
            continue
        if m.group("word") not in k.en_place_directions or m.group("word").endswith("ern"):
            continue  # Bengaluru South MP, Dublin West; not Cork Northern (no such name)
        previous = last_word(text, place.start)[1]
        if previous is not None and previous[:1].isupper() and not previous.endswith(_SENTENCE_END):
            continue  # a longer name's end
        found.append(Span(place.start, m.end("word"), text[place.start : m.end("word")], "LOC", None))
    return found


_DIRECTION_AFTER = re.compile(r" (?P<word>[A-Z][a-z]+)(?=[^\w’'-]|$)(?![^\S\n]+[A-Z][a-z])")
"""A capitalised word right after a place, not followed by a capitalised name word (Bengaluru South
MP; not Sudan South Kordofan)."""


_PARTNERS = re.compile(
    r"(?<![\w’'&-])(?P<name>[A-Z][a-z]+(?:,[^\S\n]+[A-Z][a-z]+)*,?[^\S\n]+&[^\S\n]+[A-Z][a-z]+)(?![\w’'&-])"
)
"""Family names joined by "&", the last after it (Ernst & Young, Keefe, Bruyette & Woods)."""


def english_partner_firms(text: str, k: EntityKnowledge) -> list[Span]:
    """Firms named after their founders or partners, joined by "&" (Ernst & Young, Clayton, Dubilier &
    Rice): no word of them a stopword or a name the base gives something else, and not a heading line
    of its own (Health & Wellbeing)."""
    found: list[Span] = []
    for m in _PARTNERS.finditer(text) if " & " in text else ():
        start, end = m.span("name")
        words = [w.strip(",") for w in text[start:end].split() if w != "&"]
        if _whole_line(text, start, end) or any(
            w in k.en_stopwords or k.names.get(("en", w), ("", "ORG"))[1] != "ORG" for w in words
        ):
            continue
        found.append(
            Span(start, end, text[start:end], "ORG", k.names.get(("en", text[start:end]), (None,))[0])
        )
    return found


_MODEL = re.compile(r"[^\S\n]+(?P<model>[A-Z]{1,3}-?\d{1,4}[a-z]{0,4})(?![\w’'-])")
"""A model code after a maker's name: letters, then digits (A380, A321neo, F-35)."""


def english_maker_models(text: str, known: list[Span]) -> list[Span]:
    """A product named by its maker, an organisation found, and a model code (Airbus A380, Lockheed
    F-35): one span, MISC, as the guidelines label products."""
    found: list[Span] = []
    for span in known:
        if span.label == "ORG" and (m := _MODEL.match(text, span.end)) is not None:
            found.append(Span(span.start, m.end(), text[span.start : m.end()], "MISC", None))
    return found


def without_places_ending_names(text: str, spans: list[Span], k: EntityKnowledge) -> list[Span]:
    """The spans without the known places that end or start a longer capitalised name (National
    Museums Scotland, Natural Resources Wales, Real Madrid; Northampton Saints, Galway Arts Centre): a
    capitalised word right before one on its line, no stopword, title, direction, nationality or
    possessive, or one right after it that is no stopword, title or known name, outside a
    headline-case line. An abbreviation stays: it stands inside titles (Assistant U.S. Attorney)."""
    headlines: list[tuple[int, int]] | None = None  # read only when a place may end a name: most never do
    kept = []
    for span in spans:
        if (
            span.label == "LOC"
            and not span.text.isupper()
            and (_name_goes_on(text, span, k) or _name_before(text, span, k))
        ):
            if headlines is None:
                headlines = _headline_lines(text)
            line = bisect_right(headlines, (span.start, len(text))) - 1
            if not (line >= 0 and span.start < headlines[line][1]):
                continue
        kept.append(span)
    return kept


def without_places_named_as_surnames(
    text: str, spans: list[Span], people: list[Span], k: EntityKnowledge
) -> list[Span]:
    """The spans without places named as the last word of a person found in full (Anna Coventry …
    Coventry said): the later mention is the person's surname; not after a place preposition (Michael
    Jordan … in Jordan)."""
    surnames = {p.text.rsplit(None, 1)[-1] for p in people if " " in p.text}
    return [
        s
        for s in spans
        if not (
            s.label == "LOC"
            and s.text in surnames
            and (last_word(text, s.start)[1] or "").lower() not in k.en_place_prepositions
        )
    ]


def _name_before(text: str, span: Span, k: EntityKnowledge) -> bool:
    """Whether a capitalised word that may start a name stands right before ``span`` on its line."""
    if text[span.start - 1 : span.start] != " ":
        return False
    end, before = last_word(text, span.start)
    return (
        before is not None
        and "\n" not in text[end : span.start]
        and before[:1].isupper()
        and not before.endswith((*_SENTENCE_END, "’s", "'s"))
        and before not in k.en_stopwords
        and before not in k.en_title_words
        and before not in k.en_place_directions
        and k.names.get(("en", before), (None, ""))[1] != "MISC"
    )


_NEXT_WORD = re.compile(r" (?P<word>[A-Z][A-Za-z’'-]*[a-z][A-Za-z’'-]*)(?![\w’'-]|\.\w)")


def _name_goes_on(text: str, span: Span, k: EntityKnowledge) -> bool:
    """Whether a capitalised word that may go on a name follows ``span`` after one space: no
    stopword (in London Monday), title, direction, name the base knows or possessive."""
    m = _NEXT_WORD.match(text, span.end)
    if m is None:
        return False
    word = m.group("word")
    return (
        word not in k.en_stopwords
        and word not in k.en_title_words
        and word not in k.en_place_directions
        and ("en", word) not in k.names
        and not word.endswith(("’s", "'s"))
    )


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def english_short_forms(text: str, chosen: list[Span], k: EntityKnowledge) -> list[Span]:
    """Other mentions of an organisation found in full: its acronym ("International Monetary Fund"
    … "IMF"), a company's name without its suffix ("Alibaba Group" … "Alibaba") and a name the base
    lacks, found once by a rule, elsewhere in the text."""
    forms: dict[str, str | None] = {}
    for span in chosen:
        words = span.text.split()
        if span.label == "ORG" and span.entity_id is None:
            forms.setdefault(span.text, None)  # a name a rule found, again (the exchange FTX … FTX)
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
        found.extend(Span(at, at + len(form), form, "ORG", entity_id) for at in _standalone(text, form))
    return found


def english_storm_names(text: str, chosen: list[Span], k: EntityKnowledge) -> list[Span]:
    """The chosen spans with a storm's name alone (Milton, after Hurricane Milton: when Milton made
    landfall) as the storm, MISC, wherever the text names it: a place or person found under that
    name is relabelled, a mention nothing took is added; a longer name holding it keeps it (Milton
    Keynes)."""
    storms: dict[str, str | None] = {}
    for span in chosen:
        prefix, _, name = span.text.partition(" ")
        if span.label == "MISC" and prefix in k.en_misc_prefixes and name[:1].isupper():
            storms[name] = span.entity_id
    if not storms:
        return chosen
    relabelled = [
        replace(s, label="MISC", entity_id=storms[s.text]) if s.text in storms and s.label != "MISC" else s
        for s in chosen
    ]
    mentions = [
        Span(at, at + len(name), name, "MISC", entity_id)
        for name, entity_id in sorted(storms.items())
        for at in _standalone(text, name)
    ]
    return select(relabelled + mentions, len(text))


_NOUN_AFTER_AND = re.compile(
    r" and (?!(?:an?|the|its|his|her|their|our|other|another|some|many|several|all|both|each|rival|partner) )"
    r"[a-z]+ [a-z]+"
)
"""A firm's name before "and" and two lowercase words (Apple and potato growers); not when the first
starts another noun phrase, the firm staying one (Apple and its suppliers, Shell and other majors)."""


def without_firms_as_common_nouns(text: str, spans: list[Span]) -> list[Span]:
    """The spans without a one-word organisation that opens a sentence before "and" and a lowercase
    noun phrase (Apple and potato growers, Shell and bone fragments): the common word sharing the
    phrase's head, not the firm (Apple and Google, Apple and its suppliers stay firms)."""
    kept = []
    for span in spans:
        if span.label == "ORG" and " " not in span.text and _NOUN_AFTER_AND.match(text, span.end):
            at = span.start
            while at and text[at - 1] == " ":
                at -= 1
            if not at or text[at - 1] in "\n.!?":  # a sentence's opening word (read without slicing the text)
                continue
        kept.append(span)
    return kept


def english_club_towns(text: str, chosen: list[Span], k: EntityKnowledge) -> list[Span]:
    """The chosen spans with a club's town alone (Newcastle, after Newcastle United; Dortmund, after
    Borussia Dortmund) as the club: an organisation, with no place preposition right before it (in
    Newcastle stays a place)."""
    towns = {}
    for span in chosen:
        if span.label == "ORG" and len(words := span.text.split()) >= 2:
            if words[-1] in k.en_club_suffixes:
                towns[" ".join(words[:-1])] = span.entity_id
            elif words[0] in k.en_club_prefixes:
                towns[" ".join(words[1:])] = span.entity_id
    if not towns:
        return chosen
    relabelled = []
    for span in chosen:
        if span.label == "LOC" and span.text in towns:
            before = last_word(text, span.start)[1]
            if before is None or before.lower() not in k.en_place_prepositions:
                span = Span(span.start, span.end, span.text, "ORG", towns[span.text])
        relabelled.append(span)
    return relabelled


_PERSON_NEXT = re.compile(r"[’']s\b|,[^\S\n]+\d{1,3}\b|[^\S\n]+(?:said|says|told|added)\b")
"""What makes a lone name a person rather than a place: a possessive, an age or a reporting verb."""


def english_given_name_places(text: str, k: EntityKnowledge) -> list[Span]:
    """Counties and towns named as people too (Kerry, Clare) or as a common word (Down), which the
    gazetteer leaves out: places where no capitalised word stands right before or after them (Kerry
    Preston, Judge Kerry Mayo and New York name something else) and no possessive, age or reporting
    verb follows (Clare said); a common word not at a sentence's start (Down the road)."""
    found: list[Span] = []
    for form in sorted(k.en_given_name_places | k.en_word_places):
        for at in _standalone(text, form) if form in text else ():
            end = at + len(form)
            if _CAPITALISED_NEXT.match(text, end) or _PERSON_NEXT.match(text, end):
                continue
            line_start = text.rfind("\n", 0, at) + 1
            before = last_word(text, at)[1] if text[line_start:at].strip() else None
            if before is None or before.endswith(_SENTENCE_END[:3]):  # a sentence's start
                if form in k.en_word_places:
                    continue
            elif before[:1].isupper() and not before.endswith(_SENTENCE_END):
                continue
            found.append(Span(at, end, form, "LOC", None))
    return found


def english_state_towns(text: str, k: EntityKnowledge) -> list[Span]:
    """A town and the state or province abbreviated after it, AP style (cities from Muskogee, Okla.;
    Sioux Falls, S.D.; SARASOTA, Fla. —): both places, whatever the town's size, since the
    abbreviation names a place's state. The town is the one to three capitalised words right before
    the comma on its line; none when one of them is a stopword, a title's word or an organisation's
    head (Lakes Community Bank, Minn.), or when the run goes on before them (a longer name)."""
    found: list[Span] = []
    if k.en_state_after_town is None:
        return found
    for m in k.en_state_after_town.finditer(text):
        line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        words = line.split(" ")
        town: list[str] = []
        while words and len(town) < 3 and _town_word(words[-1], k):
            town.insert(0, words.pop())
        if not town or (words and _town_word(words[-1], k)):
            continue
        start = m.start() - len(" ".join(town))
        found.append(Span(start, m.start(), text[start : m.start()], "LOC", None))
        found.append(Span(*m.span("state"), m.group("state"), "LOC", None))
    return found


def english_named_towns(text: str, k: EntityKnowledge) -> list[Span]:
    """Places named after a settlement's noun and "of" (in the village of Leask, the town of Skiatook),
    however small: one to three capitalised words that no capitalised word follows; none when a word
    is a stopword, a title's word or an organisation head, or the words are a name the base gives
    something else."""
    found: list[Span] = []
    if k.en_named_town is None:
        return found
    for m in k.en_named_town.finditer(text):
        words = m.group("name").split()
        hit = k.names.get(("en", m.group("name")))
        if all(_town_word(w, k) for w in words) and (hit is None or hit[1] == "LOC"):
            found.append(Span(*m.span("name"), m.group("name"), "LOC", hit[0] if hit else None))
    return found


def _town_word(word: str, k: EntityKnowledge) -> bool:
    """Whether ``word`` may be a word of a town's name: capitalised letters (St. too), no stopword,
    title's word or organisation head."""
    return (
        word[:1].isupper()
        and (word.replace("-", "").replace("’", "").replace("'", "").isalpha() or word == "St.")
        and word not in k.en_stopwords
        and word not in k.en_title_words
        and word not in k.en_org_heads
    )


_TOWN_AFTER = re.compile(r"-based\b|[^\S\n]+in[^\S\n]+")
"""After a context town: "-based" (Knysna-based), or "in" before a place the text names (Hosur in Tamil Nadu)."""
_LIST_JOINERS = (", ", " and ", " or ", ", and ")
_DATELINE_TOWN = re.compile(
    r"[A-Z][A-Z’'-]*+(?:[^\S\n][A-Z][A-Z’'-]*+){0,2}(?=[^\S\n]*(?:[,:(]|[—–-][^\S\n]))"
)
"""A line's opening words in capitals before a comma, colon, bracket or dash: a dateline (ASHEVILLE, N.C. —)."""


def english_context_towns(text: str, k: EntityKnowledge, known: list[Span]) -> list[Span]:
    """Towns the gazetteer takes only in a place's context: after a ``town_prepositions`` word or
    phrase (in Knysna, residents of Swannanoa) or a place's possessive (Tamil Nadu's Krishnagiri),
    before "-based" or "in" and a place ``known`` names (Hosur in Tamil Nadu), next to a place in a
    list (Clifden, Belmullet and Ennistymon), or opening a line in capitals as a dateline (ASHEVILLE,
    N.C. —); then every mention of a town the text once named so. Never a word of a longer capitalised
    name (Knysna Municipality, Lord Marshall) nor the first word of a firm the text names (Tata, after
    Tata Electronics). One automaton pass finds them all."""
    if k.en_context_towns is None:
        return []
    # each town, where the word before it ends, that word, whether it is under the cities15000 cut
    hits: list[tuple[Span, int, str | None, bool]] = []
    line_start = 0
    while line_start >= 0:  # a dateline: the town in capitals, looked up as written in the registry
        m = _DATELINE_TOWN.match(text, line_start)
        if m is not None and (town := k.en_context_towns.get(m.group().title(), None)) is not None:
            hits.append((Span(m.start(), m.end(), m.group(), "LOC", town[1]), 0, None, town[2]))
        line_start = text.find("\n", line_start) + 1 or -1
    for last, (length, entity_id, small) in k.en_context_towns.iter(text):
        start, end = last - length + 1, last + 1
        before, after = text[start - 1 : start], text[end : end + 1]
        if (before and (is_word_char(before) or before in "’'-")) or (after and is_word_char(after)):
            continue
        if (_CAPITALISED_NEXT.match(text, end) and not _title_next(text, end, k)) or (
            after == "-" and not text.startswith("-based", end)
        ):
            continue  # a longer name goes on; not a title's word (Waterloo Mayor Dorothy McCabe)
        line_start = text.rfind("\n", 0, start) + 1
        at, previous = last_word(text, start) if text[line_start:start].strip() else (0, None)
        if (
            previous is not None
            and previous[:1].isupper()
            and not previous.endswith((*_SENTENCE_END, "’s", "'s"))
            and previous.lower() not in k.en_town_prepositions
            and previous not in k.en_stopwords
        ):
            continue  # inside a longer name (Lord Marshall), not after a sentence's opening word (In, The)
        hits.append((Span(start, end, text[start:end], "LOC", entity_id), at, previous, small))
    if not hits:
        return []
    # a town named as a firm the text names in full is the firm's short name (Tata, after Tata Electronics)
    firms = {s.text.split(None, 1)[0] for s in known if s.label == "ORG" and " " in s.text}
    hits = [hit for hit in hits if hit[0].text not in firms]
    places = {s.start: s.end for s in known if s.label == "LOC"}
    ends = {s.end for s in known if s.label == "LOC"}
    taken = {
        span.entity_id
        for span, at, previous, small in hits
        if _town_in_context(text, span, at, previous, small, places, ends, k)
    }
    listed = True
    while listed:  # a list grows from the places in it, both ways (Knysna and Oudtshoorn)
        listed = False
        for span, *_ in hits:
            if span.entity_id in taken:
                ends.add(span.end)
                places[span.start] = span.end
            elif any(
                (text.endswith(j, 0, span.start) and span.start - len(j) in ends)
                or (text.startswith(j, span.end) and span.end + len(j) in places)
                for j in _LIST_JOINERS
            ):
                taken.add(span.entity_id)
                listed = True
    found = {(span.start, span.end): span for span, *_ in hits if span.entity_id in taken}
    for name, entity_id in {(span.text.upper(), span.entity_id) for span in found.values()}:
        for at in _standalone(text, name) if name in text else ():  # in capitals too (ASHEVILLE, N.C.)
            found.setdefault((at, at + len(name)), Span(at, at + len(name), name, "LOC", entity_id))
    return sorted(found.values(), key=lambda span: span.start)


_NEXT_WORD_RUN = re.compile(r"[^\S\n]+(?P<word>[\w.’'-]+)")


def _title_next(text: str, end: int, k: EntityKnowledge) -> bool:
    """Whether the word after ``end`` is a title's (Waterloo Mayor, Tralee Councillor): the title of
    someone of the town, not the town's name going on."""
    m = _NEXT_WORD_RUN.match(text, end)
    return m is not None and m.group("word") in k.en_title_words


def _town_in_context(
    text: str,
    span: Span,
    at: int,
    previous: str | None,
    small: bool,
    places: dict[int, int],
    ends: set[int],
    k: EntityKnowledge,
) -> bool:
    """Whether a town stands in a place's own context (see :func:`english_context_towns`); ``previous``
    is the word before it (None at a line's start), ending at ``at``; ``small``: the town is under the
    cities15000 cut; ``places`` the known places' starts and ends, ``ends`` their ends."""
    if previous is None:
        return span.text.isupper()  # a dateline (a town opening a line in lower case is a heading's word)
    two = f"{last_word(text, at - len(previous))[1]} {previous}".lower()
    if previous.lower() in k.en_town_prepositions or two in k.en_town_prepositions:
        return True
    if previous.endswith(("’s", "'s")) and at - 2 in ends:
        return True
    after = _TOWN_AFTER.match(text, span.end)
    if after is not None and small:
        return (
            after.group() == "-based"
        )  # a village before "in" and a place is too often a side (Bulls in Durban)
    return after is not None and (after.group() == "-based" or after.end() in places)


def _standalone(text: str, form: str) -> Iterator[int]:
    """Where ``form`` stands in ``text`` with no word character, apostrophe or hyphen right before it
    and no word character or hyphen right after it: what ``(?<![\\w’'-])form(?![\\w-])`` finds, without
    compiling a pattern per form (most forms are new to the regex cache)."""
    at = text.find(form)
    while at >= 0:
        end = at + len(form)
        before, after = text[at - 1 : at], text[end : end + 1]
        if (before and (before.isalnum() or before in "_’'-")) or (
            after and (after.isalnum() or after in "_-")
        ):
            at = text.find(form, at + 1)
        else:
            yield at
            at = text.find(form, end)


def _english_person(text: str, start: int, end: int, min_words: int, k: EntityKnowledge) -> Span | None:
    """The name in ``text[start:end]`` without leading stopwords and cut before any later one;
    None when too short or when a word is an organisation's or a place's head or a known non-person
    name."""
    if text.endswith(("’s", "'s"), start, end):
        end -= 2  # the possessive is outside the name (Jacob Zuma's party)
    words = [m.span() for m in _NON_SPACE.finditer(text, start, end)]
    while words and (text[slice(*words[0])] in k.en_stopwords or text[slice(*words[0])] in k.en_titles):
        words.pop(0)
    for n, (a, b) in enumerate(words):
        if text[a:b] in k.en_stopwords:
            words = words[:n]
            break
    if len(words) < min_words:
        return None
    for n, (a, b) in enumerate(words):
        hit = k.names.get(("en", text[a:b]))
        if n == 0 < len(words) - 1 and hit is not None and text[a:b] in k.en_first_names:
            continue  # a given name that is also a word of belief or origin, a place or a club (Christian
            # Bruch, Jordan Derby, Chelsea Barrow)
        if n == len(words) - 1 > 0 and hit is not None and hit[1] == "LOC" and _given_first(text, words, k):
            continue  # a family name that is also a place's, after a given name (Anna Coventry)
        if (
            n == len(words) - 1 > 0
            and hit is None
            and text[a:b] in k.en_loc_heads
            and _given_first(text, words, k)
        ):
            continue  # a family name that is also a place's head, after a given name (Randy Abbey said)
        if (
            text[a:b] in k.en_org_heads
            or text[a:b] in k.en_loc_heads
            or (n == 0 and text[a:b] in k.en_place_directions)  # North Somerset
            or (hit is not None and hit[1] != "PER")
        ):
            return None
    start, end = words[0][0], words[-1][1]
    if (suffix := k.en_name_suffix.match(text, end)) is not None:
        end = suffix.end()  # Jose Joao Abdalla Filho
    return Span(start, end, text[start:end], "PER", None)


_SPEAKS = re.compile(r"[^\S\n]+(?:said|says|told|added)\b")
"""A reporting verb right after a name."""


def english_speaker(text: str, span: Span, k: EntityKnowledge) -> bool:
    """Whether a reporting verb follows the span and no place preposition stands before it (Randy
    Abbey said; not on Albert Street said)."""
    before = last_word(text, span.start)[1]
    return _SPEAKS.match(text, span.end) is not None and (
        before is None or before.lower() not in k.en_place_prepositions
    )


def _given_first(text: str, words: list[tuple[int, int]], k: EntityKnowledge) -> bool:
    """Whether the first of ``words`` is a known given name."""
    return text[slice(*words[0])] in k.en_first_names


def english_cued_orgs(text: str, k: EntityKnowledge, starts: tuple[list[int], ...]) -> list[Span]:
    """Organisations the base lacks, told by the words around them (``org_cues``, ``org_cues_after``):
    the chipmaker Infineon, analysts at Kepler Cheuvreux, shares in Siemens Energy, told the SABC, the
    Premium Times newspaper; a second name joined by "and" after a cue's (investors Andreessen
    Horowitz and Lightspeed Venture Partners)."""
    found: list[Span] = []
    if k.en_org_cued is not None:
        for m in started_matches(k.en_org_cued, text, starts[ORG_CUED]):
            if _partners(text, m, k) and (span := _cued_org(text, m.start("name"), m.end("second"), k)):
                found.append(span)
                continue
            for group in ("name", "second"):
                if m.start(group) >= 0 and (span := _cued_org(text, *m.span(group), k)) is not None:
                    found.append(span)
    # only with a cue word in the text: most hold none, and the pattern is tried at every capital
    if k.en_org_cued_after is not None and starts[ORG_CUED_AFTER]:
        for m in k.en_org_cued_after.finditer(text):
            start, end = m.span("name")
            if owner := _EN_POSSESSIVE.search(text, start, end):
                start = owner.end()  # Pakistan's Dawn newspaper: the name after the possessive
            if (span := _cued_org(text, start, end, k)) is not None:
                found.append(span)
    return found


def _partners(text: str, m: re.Match[str], k: EntityKnowledge) -> bool:
    """Whether a cue for one organisation (the law firm, not investors) stands before two single words
    joined by "and": one firm named after its partners (Slater and Gordon)."""
    cue = text[m.start() : m.start("name")].split()
    return (
        m.start("second") >= 0
        and bool(cue)
        and cue[-1].lower() in k.en_org_cue_words
        and not cue[-1].endswith("s")
        and " " not in m.group("name") + m.group("second")
    )


def _cued_org(text: str, start: int, end: int, k: EntityKnowledge) -> Span | None:
    """The organisation's name in ``text[start:end]``: leading stopwords off (the), cut before a
    later one and after a possessive; None when nothing is left or the words are a known name other
    than an organisation's."""
    words: list[tuple[int, int]] = []
    for m in _NON_SPACE.finditer(text, start, end):
        word = m.group()
        if word in k.en_stopwords:
            if words:
                break
            continue
        if word.endswith(("’s", "'s")):
            words.append((m.start(), m.end() - 2))
            break
        words.append(m.span())
    if not words:
        return None
    start, end = words[0][0], words[-1][1]
    hit = k.names.get(("en", text[start:end]))
    if (hit is not None and hit[1] != "ORG") or (len(words) == 1 and _demonym(text[start:end], k)):
        return None
    return Span(start, end, text[start:end], "ORG", hit[0] if hit else None)


_NOT_ROLES = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)
"""Lowercase words that are no role between a nationality and a name."""


def english_national_people(text: str, k: EntityKnowledge) -> list[Span]:
    """People the base lacks named after their nationality or country, with up to two role words
    between: the Ugandan Oscar Chelimo, Tunisia's Ons Jabeur, Indian filmmaker Payal Kapadia, Kenyan
    federation official Barnaba Korir. Two or three capitalised words that no capitalised word
    follows; none of them a title's word (Saudi Crown Prince Mohammed)."""
    found: list[Span] = []
    for m in k.en_name_run.finditer(text):
        start, end = m.span("name")
        words = text[start:end].split()
        if len(words) == 3 and _nationality(words[0], k):
            start = text.index(words[1], start + len(words[0]))
        elif not _national_before(text, start, k):
            continue
        if (span := _unknown_person(text, start, end, k)) is not None:
            found.append(span)
    return found


def _demonym(word: str, k: EntityKnowledge) -> bool:
    """Whether ``word`` is a known place's adjective the base may lack (shares in Asian markets:
    Asia; European: Europe; Chinese: China)."""
    for suffix in ("n", "an", "ian", "ese", "ish"):
        stem = word.removesuffix(suffix)
        if stem != word and any(k.names.get(("en", s), ("", ""))[1] == "LOC" for s in (stem, stem + "a")):
            return True
    return False


def _unknown_person(text: str, start: int, end: int, k: EntityKnowledge) -> Span | None:
    """A person of two words or more in ``text[start:end]``, unless one word is a title's (Saudi Crown
    Prince Mohammed) or the words together are a name the base gives to something else."""
    if any(w in k.en_title_words for w in text[start:end].split()):
        return None
    hit = k.names.get(("en", text[start:end]))
    return _english_person(text, start, end, 2, k) if hit is None or hit[1] == "PER" else None


def _nationality(word: str, k: EntityKnowledge) -> bool:
    """A word the base knows as a nationality (Ugandan), or a place's possessive (Tunisia's)."""
    if word.endswith(("’s", "'s")):
        hit = k.names.get(("en", word[:-2]))
        return hit is not None and hit[1] == "LOC"
    hit = k.names.get(("en", word))
    return hit is not None and hit[1] == "MISC"


def _national_before(text: str, at: int, k: EntityKnowledge) -> bool:
    """Whether a nationality or a place's possessive stands before ``at`` on its line, up to two role
    words between (Indian filmmaker, Kenyan federation official; South Africa's)."""
    line = text[text.rfind("\n", 0, at) + 1 : at]
    for _ in range(3):
        if (before := _word_before(line)) is None:
            return False
        line, word = before
        if _nationality(word, k):
            return True
        if word.endswith(("’s", "'s")) and (two := _word_before(line)):
            return _nationality(f"{two[1]} {word}", k)  # South Africa's
        if not word.isalpha() or not word.islower() or word in _NOT_ROLES or word in k.en_org_cue_words:
            return False
    return False


def _word_before(line: str) -> tuple[str, str] | None:
    """The line's last word when spaces follow it, and the line before that word; None without
    such a word. (A regex search for ``(\\S+)[^\\S\\n]+$`` is tried at every position of the line.)"""
    head = line.rstrip()
    if len(head) == len(line) or not head:
        return None
    word = head.rsplit(None, 1)[-1]
    return head[: len(head) - len(word)], word


def english_cued_people(text: str, k: EntityKnowledge, starts: tuple[list[int], ...]) -> list[Span]:
    """People the base lacks told by what follows their name (``person_cues_after``: Wu Chien-fu,
    who …; Sean Baker, 53, …) or by a lowercase title before it, between commas (His star, Mikey
    Madison, joined). Titles before the name are left out; not the end of a longer capitalised run."""
    found: list[Span] = []
    if k.en_person_cued is None:
        return found
    appositions = [m.span("name") for m in started_matches(k.en_role_apposition, text, starts[APPOSITION])]
    for start, end in [m.span("name") for m in k.en_person_cued.finditer(text)] + appositions:
        before = last_word(text, start)[1]
        if before is not None and _longer_name_before(text, start, before):
            continue
        start = _from_given_name(text, start, end, k)  # Archaeologist Zahi Hawass, who
        words = text[start:end].split()
        while words and words[0] in k.en_title_words:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
            words = words[1:]
        if (span := _unknown_person(text, start, end, k)) is not None:
            found.append(span)
    return found


_AND = re.compile(r"[^\S\n]+and[^\S\n]+")


def _and_before(text: str, line_start: int, at: int) -> int | None:
    """Where the spaces before an "and" right before ``at`` start (A B and |C D), on its line; None
    without one. (A regex search for ``[^\\S\\n]+and[^\\S\\n]+$`` is tried at every position of the
    line.)"""
    line = text[line_start:at]
    head = line.rstrip()
    if len(head) == len(line) or not head.endswith("and"):
        return None
    words = head[:-3].rstrip()
    return line_start + len(words) if len(words) < len(head) - 3 else None


def english_coordinated_people(text: str, people: list[Span], k: EntityKnowledge) -> list[Span]:
    """Two or three capitalised words joined by "and" to a person found in full: the other is a
    person too (with Guillaume Lample and Timothee Lacroix; Kani Kusruti and Divya Prabha)."""
    found: list[Span] = []
    for person in people:
        if " " not in person.text:
            continue
        after = _AND.match(text, person.end)
        candidates = []
        if after is not None and (m := k.en_name_run.match(text, after.end())) is not None:
            candidates.append(m.span("name"))
        line_start = text.rfind("\n", 0, person.start) + 1
        if (and_at := _and_before(text, line_start, person.start)) is not None:
            for m in k.en_name_run.finditer(text, max(line_start, and_at - 60), and_at):
                if m.end("name") == and_at:
                    candidates.append(m.span("name"))
        for start, end in candidates:
            before = last_word(text, start)[1]
            if before is not None and _longer_name_before(text, start, before):
                continue
            if (span := _unknown_person(text, start, end, k)) is not None:
                found.append(span)
    return found
