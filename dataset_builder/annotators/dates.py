"""Publication dates: from a metadata header, a dateline, or a full date the text ties to "today".

Only full dates (day, month and year) count; a weekday alone ("اليوم الثلاثاء", "on Thursday")
never becomes a date — that is left to human annotation. Month names (both Arabic traditions,
English) live in ``annotations/date_rules.json``. dateparser was tried and set aside: it misses the
Levantine month names (حزيران, شباط) and the "يونيو/حزيران" style, and costs ~2 ms a parse.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dataset_builder.documents import Document
from dataset_builder.knowledge_schema import DateRulesFile

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
"""Arabic-Indic and Persian digits → ASCII, one code point for one, so offsets are kept."""


_LONGEST_DATE = 40
"""Characters a written date can take ("12 تشرين الأول/أكتوبر عام 2024" is ~30)."""


@dataclass(frozen=True, slots=True)
class DateRules:
    pattern: re.Pattern[str]
    months: dict[str, int]
    today: re.Pattern[str]
    today_window: int
    dateline_chars: int


@dataclass(frozen=True, slots=True)
class FoundDate:
    date: dt.date
    start: int
    end: int


def compile_date_rules(raw: DateRulesFile) -> DateRules:
    months = {name.casefold(): int(num) for num, names in raw.months.items() for name in names}
    alt = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    month = rf"(?:{alt})\.?"
    pattern = re.compile(
        r"(?<!\d)(?:"
        r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
        r"|(?P<nd>\d{1,2})[/.-](?P<nm>\d{1,2})[/.-](?P<ny>\d{4})"
        rf"|(?P<ad>\d{{1,2}})\s*(?:من\s+)?(?P<am>{month})(?:\s*/\s*{month})?\s*,?\s*(?:عام\s+|سنة\s+)?(?P<ay>\d{{4}})"
        rf"|(?P<bm>{month})\s+(?P<bd>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<by>\d{{4}})"
        r")(?!\d)",
        re.IGNORECASE,
    )
    today = re.compile(r"\b(?:" + "|".join(map(re.escape, raw.today_markers)) + r")\b", re.IGNORECASE)
    return DateRules(pattern, months, today, raw.today_window_chars, raw.dateline_chars)


def find_dates(text: str, rules: DateRules) -> list[FoundDate]:
    """Every valid full date in ``text`` with its offsets (invalid ones like 31/02 are skipped)."""
    found = []
    for m in rules.pattern.finditer(text.translate(_DIGITS)):
        g = m.groupdict()
        if g["iy"]:
            y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        elif g["ny"]:
            y, mo, d = int(g["ny"]), int(g["nm"]), int(g["nd"])
        else:
            name = (g["am"] or g["bm"]).rstrip(".").casefold()
            y, mo, d = int(g["ay"] or g["by"]), rules.months[name], int(g["ad"] or g["bd"])
        try:
            found.append(FoundDate(dt.date(y, mo, d), m.start(), m.end()))
        except ValueError:
            continue
    return found


def publication_date(doc: Document, rules: DateRules) -> tuple[dt.date | None, str | None, str | None]:
    """(date, source, evidence) for a document, or (None, None, None) when the text gives none."""
    for cut in doc.cuts:
        if cut.reason == "metadata" and (dates := find_dates(cut.text, rules)):
            return dates[0].date, "header", cut.text.strip()
    body = doc.text[len(doc.title) :] if doc.title else doc.text
    offset = len(doc.text) - len(body)
    head = body[: rules.dateline_chars]
    if dates := find_dates(head, rules):
        return dates[0].date, "dateline", doc.text[offset + dates[0].start : offset + dates[0].end]
    for marker in rules.today.finditer(doc.text):
        # a full date starting within today_window characters after "today" / "اليوم" / "الموافق"
        window = doc.text[marker.start() : marker.end() + rules.today_window + _LONGEST_DATE]
        for found in find_dates(window, rules):
            if found.start <= marker.end() - marker.start() + rules.today_window:
                return found.date, "text", window[: found.end].strip()
    return None, None, None


def annotate_date(doc: Document, rules: DateRules) -> Document:
    date, source, evidence = publication_date(doc, rules)
    return doc.with_(date=date, date_source=source, date_evidence=evidence)
