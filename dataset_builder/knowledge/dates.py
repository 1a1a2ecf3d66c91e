"""Date rules (``date_rules.json``) compiled: the full-date pattern with the month names, the "today"
markers, weekdays and header markers. Applied by :mod:`dataset_builder.annotators.dates`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dataset_builder.knowledge.schema import DateRulesFile


@dataclass(frozen=True, slots=True)
class DateRules:
    pattern: re.Pattern[str]
    months: dict[str, int]
    today: re.Pattern[str]
    today_window: int
    dateline_chars: int
    weekdays: dict[str, int]
    """Weekday name (casefolded) → ``date.weekday()``."""
    today_weekday: re.Pattern[str]
    """"today" followed by a weekday (اليوم الاثنين): the event's day, which a dateline date must match."""
    header: re.Pattern[str]
    dateline_prefix_words: int
    day_first: bool
    marker: re.Pattern[str] | None = None
    """Any header or "updated" label (``Published``, ``Updated``, ``نشر في``, ``آخر تحديث``), anywhere."""
    updated: frozenset[str] = frozenset()
    """The "updated" labels, casefolded: a date whose nearest label before it is one of them is an update's."""
    short: re.Pattern[str] | None = None
    """A date with a two-digit year (``21.07.25``, ``15 Jan '25``), read only in a cut date line."""
    century: int = 0


def _not_before(marks: list[str]) -> str:
    """A lookahead that fails where one of ``marks`` (a word of its own) follows the date."""
    if not marks:
        return ""
    alt = "|".join(map(re.escape, sorted(marks, key=len, reverse=True)))
    return rf"(?!\s*(?:{alt})(?!\w))"


def compile_date_rules(raw: DateRulesFile) -> DateRules:
    months = {name.casefold(): int(num) for num, names in raw.months.items() for name in names}
    alt = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    month = rf"(?:{alt})\.?"
    weekdays = {name.casefold(): int(num) for num, names in raw.weekdays.items() for name in names}
    days = "|".join(re.escape(d) for d in sorted(weekdays, key=len, reverse=True))
    pattern = re.compile(
        r"(?<!\d)(?:"
        r"(?P<iy>\d{4})(?P<isep>[/.-])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})"
        r"|(?P<nd>\d{1,2})[/.-](?P<nm>\d{1,2})[/.-](?P<ny>\d{4})"
        rf"|(?P<ad>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*(?:من\s+)?|\s*(?P<sep>[/.-])\s*)(?P<am>{month})(?:\s*/\s*{month}|\s*\(\s*{month}\s*\))?"
        r"(?(sep)\s*(?P=sep)\s*|\s*[,،]?\s*(?:عام\s+|سنة\s+)?)(?P<ay>\d{4})"
        rf"|(?P<bm>{month})\s+(?P<bd>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)(?P<by>\d{{4}})"
        # the year first, then the weekday, day and month ("2023 الأحد 24 سبتمبر", after a GMT time):
        # the weekday is required and must be the date's (see find_dates), so that a year and a
        # day-month of two phrases never join
        rf"|(?P<yy>\d{{4}})\s+(?P<yw>{days})\s*[,،]?\s*(?P<yd>\d{{1,2}})\s+(?P<ym>{month})(?!\w)"
        r")(?!\d)" + _not_before(raw.hijri_markers),
        re.IGNORECASE,
    )
    # a two-digit year: day, month, year with one separator (no fourth number around it), or a day, a
    # month name and the year after an apostrophe
    short = re.compile(
        r"(?<![\d/.-])(?:(?P<nd>\d{1,2})(?P<sep>[/.-])(?P<nm>\d{1,2})(?P=sep)(?P<ny>\d{2})"
        rf"|(?P<ad>\d{{1,2}})(?:st|nd|rd|th)?(?:(?P<msep>[/.-])(?P<am>{month})(?P=msep)|\s+(?P<bm>{month}),?\s*['’])"
        r"(?P<ay>\d{2})"
        r")(?![\d/.-])" + _not_before(raw.hijri_markers),
        re.IGNORECASE,
    )
    labels = sorted({*raw.header_markers, *raw.updated_markers}, key=len, reverse=True)
    markers = "|".join(map(re.escape, raw.today_markers))
    today = re.compile(rf"\b(?:{markers})\b", re.IGNORECASE)
    return DateRules(
        pattern,
        months,
        today,
        raw.today_window_chars,
        raw.dateline_chars,
        weekdays,
        re.compile(rf"(?:{markers})\s*\(?\s*(?P<day>{days})\b", re.IGNORECASE),
        re.compile(r"^\s*(?:" + "|".join(map(re.escape, raw.header_markers)) + r")\b", re.IGNORECASE),
        raw.dateline_prefix_words,
        raw.numeric_order == "day-first",
        re.compile("|".join(map(re.escape, labels)), re.IGNORECASE),
        frozenset(m.casefold() for m in raw.updated_markers),
        short if raw.short_year_century is not None else None,
        raw.short_year_century or 0,
    )
