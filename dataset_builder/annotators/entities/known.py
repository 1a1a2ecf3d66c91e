"""Names the knowledge knows: knowledge-base and gazetteer matches (one Aho-Corasick pass), names
that count only in context, whole-word occurrences of a known form, short names in brackets and the
news agency of a dateline."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from dataset_builder.annotators.entities.text import is_word_char, last_word, word_pieces
from dataset_builder.documents import Span
from dataset_builder.knowledge.entities import EntityKnowledge
from dataset_builder.knowledge.text import after_lam, normalise


def without_phrases_naming_nothing(
    text: str, norm: str, language: str, spans: list[Span], k: EntityKnowledge
) -> list[Span]:
    """The spans but those inside a phrase the rules list as naming nothing (القاهرة of القوة القاهرة,
    Brussels of Brussels sprouts): whole words only, an Arabic phrase also behind a proclitic, as the
    gazetteer matches names (بالقوة القاهرة, للقوة القاهرة)."""
    automaton = k.not_entity_phrases.get(language)
    if automaton is None or not spans:
        return spans
    if language != "ar" and len(lowered := norm.lower()) == len(norm):
        norm = lowered  # a case-folding that changes lengths (İ) leaves the text as written
    phrases: list[tuple[int, int]] = []
    for last, (length, needs_lam) in automaton.iter(norm):
        start, end = last - length + 1, last + 1
        if end < len(text) and is_word_char(text[end]):
            continue
        word_start = start
        while word_start > 0 and is_word_char(text[word_start - 1]):
            word_start -= 1
        prefix = norm[word_start:start]
        if (prefix and (language != "ar" or prefix not in k.proclitics)) or (
            needs_lam and not prefix.endswith("ل")
        ):
            continue
        phrases.append((start, end))
    if not phrases:
        return spans
    # a span lies inside a phrase when the phrases starting at or before it reach its end: the running
    # furthest end of the phrases in order of start tells it with one bisection per span
    phrases.sort()
    starts = [start for start, _ in phrases]
    reach = list(accumulate((end for _, end in phrases), max))
    return [s for s in spans if (i := bisect_right(starts, s.start) - 1) < 0 or reach[i] < s.end]


def gazetteer_matches(text: str, norm: str, language: str, k: EntityKnowledge) -> list[Span]:
    automaton = k.automata.get(language)
    if automaton is None:
        return []
    found: list[Span] = []
    size = len(text)
    for last, (length, entity_id, label, needs_lam) in automaton.iter(norm):
        start, end = last - length + 1, last + 1
        if end < size and is_word_char(text[end]):
            continue
        word_start = start
        while word_start > 0 and is_word_char(text[word_start - 1]):
            word_start -= 1
        prefix = norm[word_start:start]
        if prefix and (
            language != "ar" or prefix not in k.proclitics or norm[word_start:end] in k.ar_not_names
        ):
            continue  # a common word is no proclitic and name (كابل is not ك + آبل)
        if needs_lam and not prefix.endswith("ل"):
            continue
        if k.unlearned and (language, norm[start:end]) in k.unlearned:
            continue
        found.append(Span(start, end, text[start:end], label, entity_id))
    return found


_BRACKETED = re.compile(r"\s*\((?P<short>[^()\d\n]{2,30})\)")


def bracketed_short_names(
    text: str, norm: str, language: str, chosen: list[Span], k: EntityKnowledge
) -> list[Span]:
    """The short name in brackets right after an organisation's name ("(أوبك)", "(UNRWA)"), and
    its later mentions, with the organisation's label and id."""
    found: list[Span] = []
    for span in chosen:
        m = _BRACKETED.match(text, span.end)
        if span.label != "ORG" or m is None or len(m.group("short").split()) > 3:
            continue
        short = m.group("short").strip()
        if language == "en" and not (
            short.isupper() or (" " not in short and word_pieces(short.lower(), span.text.lower().split(), 0))
        ):
            continue  # UNRWA, or the starts of the name's words (Phivolcs)
        form = normalise(short, language)
        hit = k.names.get((language, form))
        if hit is not None and hit[1] != span.label:
            continue
        found.extend(occurrences(text, norm, form, language, span.entity_id, k, span.label))
    return found


_AGENCY = re.compile(r"^(?P<head>[^\n()]{2,60}?)\s*\((?P<org>[^()\n\d]{2,24})\)\s*(?:[-—–]|$)", re.MULTILINE)


_DASHED = re.compile(
    r"^(?P<head>[^\n()«»\-–—]{2,30}?)[^\S\n]*[-–—][^\S\n]*"
    r"(?:«(?P<quoted>[^«»\n]{2,40})»|(?P<org>[^\n()«»\-–—:\d]{2,30}?))[^\S\n]*:?[^\S\n]*$",
    re.MULTILINE,
)
"""A dateline line that is only a place, a dash and a source: دمشق-سانا, بيروت - «الوكالة الوطنية للإعلام»,
الدوحة - قنا:."""


_DASHED_LEAD = re.compile(
    r"^(?P<head>[^\n()«»\-–—:]{2,30}?)[^\S\n]*[-–—][^\S\n]*(?P<org>[^\n()«»\-–—:،,\d]{2,30}?)"
    r"[^\S\n]*(?::|[-–—]+[^\S\n])",
    re.MULTILINE,
)
"""A dateline that opens the body's first line, its source closed by a colon or a dash: الدوحة - قنا:
وقع …, عمان - بترا - أقر …"""


_DATELINE_LINES = 3


def dateline_agencies(text: str, language: str, k: EntityKnowledge) -> list[Span]:
    """The news agency in brackets after a dateline ("BAGHDAD, June 27, 2021 (Reuters) -", "(أ ف ب)")
    in the first lines: the bracket follows a date, a place in capitals or a place the base knows
    (أوسلو (أ ف ب) -). Scraped Arabic pages also give the source after a dash on the dateline's own
    line (الدوحة - قنا) or before a colon or another dash that opens the body's first line (عمان - بترا -
    أقر …): a source in quotes there is an outlet whatever its name, a bare one only a
    name the base gives an organisation (قنا is also a city, so it counts only there)."""
    head_lines = "\n".join(text.split("\n", _DATELINE_LINES)[:_DATELINE_LINES])
    found = []
    for m in _AGENCY.finditer(head_lines):
        head = m.group("head").strip(" ,-—–")
        place = k.names.get((language, normalise(head, language)), (None, ""))[1] == "LOC"
        if any(ch.isdigit() for ch in head) or (head.isupper() and len(head) >= 3) or place:
            start, end = m.span("org")
            entity_id, label = _source(normalise(m.group("org"), language), language, k)
            if label in ("ORG", ""):  # a name the base gives another label keeps it (a place in brackets)
                found.append(Span(start, end, text[start:end], "ORG", entity_id))
    lead = [m for m in _DASHED_LEAD.finditer(head_lines) if _DASHED.match(head_lines, m.start()) is None]
    for m in [*_DASHED.finditer(head_lines), *lead]:
        if k.names.get((language, normalise(m.group("head"), language)), (None, ""))[1] != "LOC":
            continue
        group = "quoted" if "quoted" in m.re.groupindex and m.group("quoted") else "org"
        start, end = m.span(group)
        form = normalise(m.group(group), language)
        entity_id, label = _source(form, language, k)
        if group == "quoted" or label == "ORG" or (language == "ar" and _named_after_a_place(form, k)):
            found.append(Span(start, end, text[start:end], "ORG", entity_id))
    return found


def _source(form: str, language: str, k: EntityKnowledge) -> tuple[str | None, str]:
    """The entity id and label of a dateline's source: its slot is a context, so a name the base gives
    an outlet there is that outlet, whatever else the name is (العمانية, the nationality, is the Oman
    News Agency); ``(None, "")`` for a name the base lacks."""
    hit = _contextual(form, language, k)
    if hit is None or hit[1] != "ORG":
        hit = k.names.get((language, form))
    return hit or (None, "")


def _named_after_a_place(form: str, k: EntityKnowledge) -> bool:
    """A source of several words that opens with a place the base knows: an outlet named after it
    (الإمارات اليوم, ليبيا الأحرار), not the place."""
    first, _, rest = form.partition(" ")
    return bool(rest) and k.names.get(("ar", first), (None, ""))[1] == "LOC"


def _contextual(form: str, language: str, k: EntityKnowledge) -> tuple[str, str] | None:
    """The entity id and label the base gives ``form`` in context, if any."""
    automaton = k.contextual_forms.get(language)
    hit = automaton.get(form, None) if automaton is not None else None
    return (hit[2], hit[3]) if hit is not None else None


def occurrences(
    text: str,
    norm: str,
    form: str,
    language: str,
    entity_id: str | None,
    k: EntityKnowledge,
    label: str = "PER",
) -> list[Span]:
    """Whole-word occurrences of ``form`` (in Arabic also behind proclitics, لل for ل + ال), as spans
    of ``label``."""
    found = []
    variants = [(form, False)]
    if language == "ar" and form.startswith("ال"):
        variants.append((after_lam(form), True))
    for variant, needs_lam in variants:
        at = norm.find(variant)
        while at >= 0:
            end = at + len(variant)
            word_start = at
            while word_start > 0 and is_word_char(text[word_start - 1]):
                word_start -= 1
            prefix = norm[word_start:at]
            after_ok = end == len(text) or not is_word_char(text[end])
            if language == "en":
                prefix_ok = not prefix and (at == 0 or text[at - 1] not in "-")
            else:
                prefix_ok = (not prefix or prefix in k.proclitics) and (not needs_lam or prefix.endswith("ل"))
            if after_ok and prefix_ok:
                found.append(Span(at, end, text[at:end], label, entity_id))
            at = norm.find(variant, at + 1)
    return found


def contextual_names(
    text: str, norm: str, language: str, k: EntityKnowledge, known: list[Span]
) -> list[Span]:
    """Names the base gives an entity only in context: in brackets or quotes ("(بترا)", «العربية»),
    after a descriptor word (صحيفة الشرق الأوسط, نادي النصر, Dubai carrier Emirates) or in English
    before one (Emirates flights, Emirates said) or, for a name no other entity has, before a verb of
    what a body does (Emirates has ordered). A name no other entity has counts everywhere in a
    text that once used it so or that names the entity in full among ``known`` (Emirates Airline …
    Emirates); in English never after "the" (the Emirates: the country's emirates or the stadium)."""
    found: list[Span] = []
    automaton = k.contextual_forms.get(language)
    if automaton is None:
        return found
    named = {s.entity_id for s in known}
    org_starts = {s.start for s in known if s.label == "ORG"}
    org_ends = {s.end for s in known if s.label == "ORG"}
    # the forms the text holds (each at least once), in sorted order
    forms = sorted({hit for _, hit in automaton.iter(norm)})
    sport = bool(forms) and language == "ar" and k.ar_sport_cue.search(norm) is not None
    for _, form, entity_id, label in forms:
        hits = occurrences(text, norm, form, language, entity_id, k, label)
        if language == "en":
            hits = [s for s in hits if last_word(text, s.start)[1] not in _EN_ARTICLE]
        alone = (language, form) not in k.names
        in_context = [
            s
            for s in hits
            if _in_context(text, norm, s, language, k, alone, sport)
            or (label == "ORG" and _listed_with(text, s, org_starts, org_ends))
        ]
        spread = (in_context or entity_id in named) and alone
        if spread and language == "ar":
            hits = [s for s in hits if s in in_context or not _after_place_noun(norm, s, k)]
        found.extend(hits if spread else in_context)
    return found


_LIST_JOINERS = (", ", " and ", " or ", ", and ")


def _listed_with(text: str, span: Span, starts: set[int], ends: set[int]) -> bool:
    """Whether a list joins ``span`` right to an organisation the base names (Amazon and Microsoft,
    Shell, BP and TotalEnergies): a firm among firms, not the common word (Apple and potato growers)."""
    return any(
        (text.startswith(j, span.end) and span.end + len(j) in starts)
        or (text.endswith(j, 0, span.start) and span.start - len(j) in ends)
        for j in _LIST_JOINERS
    )


def _after_place_noun(norm: str, span: Span, k: EntityKnowledge) -> bool:
    """An Arabic name right after a noun whose complement is a place (شبه الجزيرة, سكان الجزيرة): the
    place, not the entity the name stands for elsewhere in the text."""
    previous = last_word(norm, span.start)[1]
    return previous is not None and previous in k.ar_place_nouns


_EN_ARTICLE = frozenset({"the", "The"})
"""Before a contextual name, the article tells another reading (the Emirates, the Amazon)."""


_OPENING, _CLOSING = "(«\"“'", ")»\"”'"


def _in_context(
    text: str, norm: str, span: Span, language: str, k: EntityKnowledge, alone: bool, sport: bool
) -> bool:
    """In brackets or quotes, or one space after a descriptor word (in English also one space before
    a ``descriptors_after`` word, or before a ``subject_verbs`` verb when the name is ``alone``: no
    other entity's; in Arabic also in a match when the text is ``sport``); read only as far as the marks and the words around the span (slicing the text
    before it made the step quadratic in a document's length)."""
    before, after = span.start, span.end
    while before > 0 and text[before - 1] in " ـ":
        before -= 1
    while after < len(text) and text[after] == " ":
        after += 1
    if before > 0 and after < len(text) and text[before - 1] in _OPENING and text[after] in _CLOSING:
        return True
    if language == "en":
        return (
            k.en_descriptor_before.search(text, max(0, span.start - 64), span.start) is not None
            or k.en_descriptor_after.match(text, span.end) is not None
            or (alone and k.en_subject_verb.match(text, span.end) is not None)
        )
    if sport and _in_a_match(norm, span, k):
        return True
    if span.start - before != 1:  # one space after the descriptor
        return False
    previous = last_word(norm, before)[1]
    return previous is not None and previous in k.ar_descriptors


_NEXT_WORD = re.compile(r" (\S+)")


def _in_a_match(norm: str, span: Span, k: EntityKnowledge) -> bool:
    """An Arabic name right before a match verb (الهلال يتغلب) or after one, with at most the subject
    and the opponent's links between (اكتسح النصر, تغلب الهلال على ضيفه الأهلي, تعادل الاتحاد مع
    التعاون): a club, as sport news name clubs with no descriptor (``match_verbs``)."""
    following = _NEXT_WORD.match(norm, span.end)
    if following is not None and following[1] in k.ar_match_verbs:
        return True
    at, subject = span.start, False
    for _ in range(4):
        end, word = last_word(norm, at)
        if word is None or word in k.ar_match_verbs:
            return word is not None
        at = end - len(word)
        if word in k.ar_match_links:
            continue
        if subject or not word.startswith("ال"):
            return False
        subject = True  # the club that played (تغلب الهلال على الأهلي)
    return False
