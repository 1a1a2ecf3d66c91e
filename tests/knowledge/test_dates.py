"""The date pattern compiled from date_rules.json (dataset_builder/knowledge/dates.py): forms that
scraped pages write their publication date in."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import KNOWLEDGE

from dataset_builder.annotators.dates import find_dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a GMT time, then the year before the weekday, day and month (Elaph, Arabstoday)
        ("GMT 19:30 2023 الأحد 24 سبتمبر", dt.date(2023, 9, 24)),
        ("GMT 08:15 2024 الخميس 18 يناير", dt.date(2024, 1, 18)),
        # no space after the comma (Jordan Times: "By JT - Feb 05,2024")
        ("Feb 05,2024", dt.date(2024, 2, 5)),
        ("April 12th,2021", dt.date(2021, 4, 12)),
    ],
)
def test_year_first_and_comma_glued_dates_are_read(text: str, expected: dt.date) -> None:
    assert [f.date for f in find_dates(text, KNOWLEDGE.date_rules)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2023 الاثنين 24 سبتمبر",  # 24 September 2023 was a Sunday: not read
        "in 2023 Monday 12 April",  # 12 April 2023 was a Wednesday
        "موسم 2023 24 سبتمبر",  # a year, then a day and month, with no weekday between them
    ],
)
def test_a_year_first_date_needs_its_own_weekday(text: str) -> None:
    assert find_dates(text, KNOWLEDGE.date_rules) == []
