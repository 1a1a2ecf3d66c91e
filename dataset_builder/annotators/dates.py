"""Publication dates: from a metadata header, a dateline, or a full date the text ties to "today".

Only full dates (day, month and year) count, and only where a publication date is written: a
header, a dateline (a line starting with the date or with "CITY, date" / "المدينة في date"), or a
date tied to "today"; a date inside a sentence is about something else. a weekday alone ("اليوم الثلاثاء", "on Thursday")
never becomes a date — that is left to human annotation. Month names (both Arabic traditions,
English) live in ``annotations/date_rules.json``. dateparser was tried and set aside: it misses the
Levantine month names (حزيران, شباط) and the "يونيو/حزيران" style, and costs ~2 ms a parse.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dataset_builder.documents import CHARACTER_CUTS, DATE_CUTS, Document
from dataset_builder.knowledge.dates import DateRules

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
"""Arabic-Indic and Persian digits → ASCII, one code point for one, so offsets are kept."""
_EASTERN_DIGIT = re.compile("[٠-٩۰-۹]")
_DIGIT = re.compile(r"\d")
"""Every date pattern holds a digit: most lines and windows searched hold none, and a digit is
found much faster than the date pattern (its month names) is tried at every position."""


_LONGEST_DATE = 40
"""Characters a written date can take ("12 تشرين الأول/أكتوبر عام 2024" is ~30)."""


@dataclass(frozen=True, slots=True)
class FoundDate:
    date: dt.date
    start: int
    end: int
    ambiguous: bool = False
    """A numeric date whose day and month could be swapped (05/03/2023)."""


def find_dates(text: str, rules: DateRules, *, short_years: bool = False) -> list[FoundDate]:
    """Every valid full date in ``text`` with its offsets (invalid ones like 31/02 are skipped).

    With ``short_years`` (a date line cleaning cut), a text with no date of a full year is read again
    for dates with a two-digit year (``21.07.25``, ``15 Jan '25``) when the rules name their century.
    """
    if not _DIGIT.search(text):
        return []
    if _EASTERN_DIGIT.search(text):
        text = text.translate(_DIGITS)
    found = _find(text, rules)
    if found or not short_years or rules.short is None:
        return found
    for m in rules.short.finditer(text):
        g = m.groupdict()
        if g["ny"]:
            first, second = int(g["nd"]), int(g["nm"])
            d, mo = (first, second) if rules.day_first else (second, first)
            ambiguous = first <= 12 and second <= 12 and first != second
        else:
            d, mo, ambiguous = int(g["ad"]), rules.months[(g["am"] or g["bm"]).rstrip(".").casefold()], False
        try:
            date = dt.date(rules.century + int(g["ny"] or g["ay"]), mo, d)
        except ValueError:
            continue
        found.append(FoundDate(date, m.start(), m.end(), ambiguous))
    return found


def _find(text: str, rules: DateRules) -> list[FoundDate]:
    found = []
    for m in rules.pattern.finditer(text):
        g = m.groupdict()
        ambiguous = False
        if g["iy"]:
            y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        elif g["ny"]:
            first, second = int(g["nd"]), int(g["nm"])
            d, mo = (first, second) if rules.day_first else (second, first)
            y, ambiguous = int(g["ny"]), first <= 12 and second <= 12 and first != second
        else:
            name = (g["am"] or g["bm"] or g["ym"]).rstrip(".").casefold()
            y, mo, d = (
                int(g["ay"] or g["by"] or g["yy"]),
                rules.months[name],
                int(g["ad"] or g["bd"] or g["yd"]),
            )
        try:
            date = dt.date(y, mo, d)
        except ValueError:
            continue
        if g["yw"] and rules.weekdays[g["yw"].casefold()] != date.weekday():
            continue  # a year-first date is read only when its weekday is the date's
        found.append(FoundDate(date, m.start(), m.end(), ambiguous))
    return found


_DATELINE_GLUE = re.compile(r"[\s,،.\-–—()/:|]+|في")


def _dateline(line: str, rules: DateRules) -> FoundDate | None:
    """The date a line starts with, or that follows only a few words (a city, a country, a weekday)."""
    for found in find_dates(line, rules)[:1]:
        words = [w for w in _DATELINE_GLUE.split(line[: found.start]) if w]
        if len(words) <= rules.dateline_prefix_words and not any(w[:1].islower() for w in words):
            return found
    return None


def _weekday_conflict(doc: Document, date: dt.date, rules: DateRules) -> str | None:
    """The weekday the text gives "today" when it is not ``date``'s weekday."""
    for m in rules.today_weekday.finditer(doc.text[: rules.dateline_chars * 3]):
        if rules.weekdays[m.group("day").casefold()] != date.weekday():
            return m.group("day")
    return None


def _flagged(doc: Document, found: FoundDate, evidence: str, rules: DateRules) -> str:
    if found.ambiguous and doc.language == "en":
        order = "day-first" if rules.day_first else "month-first"
        return f"{evidence} [ambiguous numeric date, read {order} by the stated convention]"
    return evidence


def _is_update(label: str, rules: DateRules) -> bool:
    """Whether the last header label in ``label`` (the text before a date) is an "updated" one."""
    if rules.marker is None or not rules.updated:
        return False
    labels = [m.group().casefold() for m in rules.marker.finditer(label)]
    return bool(labels) and labels[-1] in rules.updated


def _header_date(doc: Document, rules: DateRules) -> tuple[FoundDate, str] | None:
    """The first date of the header lines cleaning cut (a metadata prefix, a date line), with its cut's text.

    A date labelled as an update's (``Updated: …``, ``آخر تحديث: …``, or a label alone on the line
    above it) gives way to a later header date that is not: the publication date wins. When every
    header date is an update's, the first one is taken.
    """
    first: tuple[FoundDate, str] | None = None
    label = ""  # a date cut without a date (a label alone on its line) names the date under it
    for cut in doc.cuts:
        if cut.reason not in DATE_CUTS:
            if cut.reason not in CHARACTER_CUTS:
                label = ""
            continue
        dates = find_dates(cut.text, rules, short_years=cut.reason == "date_line")
        if not dates:
            label = cut.text
            continue
        for found in dates:
            if not _is_update(label + " " + cut.text[: found.start], rules):
                return found, cut.text
        first = first or (dates[0], cut.text)
        label = ""
    return first


def publication_date(doc: Document, rules: DateRules) -> tuple[dt.date | None, str | None, str | None]:
    """(date, source, evidence) for a document, or (None, None, None) when the text gives none.

    A date inside a sentence (about the past: "the agreement signed on 28 June 2021") is no
    dateline; a dateline whose weekday contradicts the text's "today" is dropped.
    """
    header = _header_date(doc, rules)
    if header is not None:
        found, text = header
        return found.date, "header", _flagged(doc, found, text.strip(), rules)
    offset = 0
    for line in doc.text[: rules.dateline_chars * 2].split("\n")[:3]:
        if rules.header.match(line) and (dates := find_dates(line, rules)):
            return dates[0].date, "header", _flagged(doc, dates[0], line.strip(), rules)
        found = _dateline(line, rules)
        if found is not None and _weekday_conflict(doc, found.date, rules) is None:
            evidence = line[found.start : found.end]
            return found.date, "dateline", _flagged(doc, found, evidence, rules)
        offset += len(line) + 1
    if not _DIGIT.search(doc.text):
        return None, None, None  # no date after any "today" either
    for marker in rules.today.finditer(doc.text):
        # a full date starting within today_window characters after "today" / "اليوم" / "الموافق"
        window = doc.text[marker.start() : marker.end() + rules.today_window + _LONGEST_DATE]
        for found in find_dates(window, rules):
            if found.start <= marker.end() - marker.start() + rules.today_window:
                if _weekday_conflict(doc, found.date, rules) is not None:
                    return None, None, None
                return found.date, "text", _flagged(doc, found, window[: found.end].strip(), rules)
    return None, None, None


def annotate_date(doc: Document, rules: DateRules) -> Document:
    date, source, evidence = publication_date(doc, rules)
    return doc.with_(date=date, date_source=source, date_evidence=evidence)
