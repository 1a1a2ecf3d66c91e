"""The date pattern compiled from date_rules.json (dataset_builder/knowledge/dates.py): forms that
scraped pages write their publication date in; and which of a page's dates is its publication date
(the published one over the updated one, none from relative times or a dateline without its year)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import KNOWLEDGE

from dataset_builder.annotators.dates import find_dates, publication_date
from dataset_builder.seeds import split_seed


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # issue 17's forms (tests/data/scraped_tuning4)
        ("الإثنين 12/أبريل/2021 - 12:53 م", dt.date(2021, 4, 12)),
        (
            "نشر في: 3 ربيع الأول 1445 هـ الموافق 18 سبتمبر 2023",
            dt.date(2023, 9, 18),
        ),  # the Hijri one is not read
        ("2023/09/18 10:35 ص", dt.date(2023, 9, 18)),
        ("18-09-2023 | 14:20", dt.date(2023, 9, 18)),
        ("Published On 12 Mar 2024", dt.date(2024, 3, 12)),
        ("Mar 12, 2024 | 10:04 AM IST", dt.date(2024, 3, 12)),
        ("Published 12th March 2024, 9:45 pm", dt.date(2024, 3, 12)),  # an ordinal before the month
        ("1st April 2022", dt.date(2022, 4, 1)),
        ("Tuesday 12 March 2024 08.00 GMT", dt.date(2024, 3, 12)),
        ("الثلاثاء ١٢ مارس ٢٠٢٤م - ٢ رمضان ١٤٤٥هـ", dt.date(2024, 3, 12)),
        ("الثلاثاء 12 آذار 2024 - 18:40", dt.date(2024, 3, 12)),
        ("24 تشرين الثاني 2022", dt.date(2022, 11, 24)),
        ("12 كانون الأول 2023", dt.date(2023, 12, 12)),
        ("الثلاثاء 05 أفريل 2022 - 17:20", dt.date(2022, 4, 5)),
        ("1 جويلية 2022", dt.date(2022, 7, 1)),
        ("14 فيفري 2024", dt.date(2024, 2, 14)),
        ("7 جوان 2023", dt.date(2023, 6, 7)),
        # an Arabic comma before the year, the Gregorian name in brackets, آذار spelt with hamza
        ("الثلاثاء، 12 مارس، 2024", dt.date(2024, 3, 12)),
        ("الثلاثاء 12 آذار (مارس) 2024", dt.date(2024, 3, 12)),
        ("12 أذار 2024", dt.date(2024, 3, 12)),
    ],
)
def test_issue_17_date_forms_are_read(text: str, expected: dt.date) -> None:
    assert [f.date for f in find_dates(text, KNOWLEDGE.date_rules)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "3 ربيع الأول 1445 هـ",
        "CAIRO, March 12 (Reuters) -",
        "الكويت - 18 - 9 (كونا) --",
        "2 hours ago",
        "منذ ساعتين",
    ],
)
def test_partial_hijri_and_relative_dates_are_not_read(text: str) -> None:
    assert find_dates(text, KNOWLEDGE.date_rules) == []


def _publication(page: str) -> tuple[dt.date | None, str | None]:
    (doc,) = split_seed(Path("page.txt"), page, KNOWLEDGE.seed_rules)
    return publication_date(doc, KNOWLEDGE.date_rules)[:2]


_BODY = "The authority said the work would be finished next year, officials said on Tuesday.\n"
_ARABIC_BODY = "وقالت المؤسسة في بيان إن البرنامج الجديد يبدأ تطبيقه تدريجيا خلال الأسبوع.\n"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # the published date wins over the updated one, whichever comes first
        (
            "آخر تحديث: الأربعاء 13 آذار 2024 - 09:10\nنُشر في: الثلاثاء 12 آذار 2024 - 18:40\n"
            "كهرباء لبنان ترفع ساعات التغذية\n" + _ARABIC_BODY,
            (dt.date(2024, 3, 12), "header"),
        ),
        (
            "New MRT line to open in stages\nUpdated\nMar 13, 2024, 09:10 AM\nPublished\nMar 12, 2024, 06:00 PM\n"
            + _BODY,
            (dt.date(2024, 3, 12), "header"),
        ),
        (
            "Samsung to build chip complex\nPublished : Mar 12, 2024 - 14:05 Updated : Mar 13, 2024 - 09:10\n"
            + _BODY,
            (dt.date(2024, 3, 12), "header"),
        ),
        (
            "Oceans set new heat record\nTuesday 12 March 2024 08.00 GMT\n"
            "Last modified on Wed 13 Mar 2024 10.15 GMT\n" + _BODY,
            (dt.date(2024, 3, 12), "header"),
        ),
        (
            "Fire breaks out in market shops\nBy Ahmed Ali, Staff Writer | Published: March 12, 2024\n"
            + _BODY,
            (dt.date(2024, 3, 12), "header"),
        ),
        # an updated date alone is still the page's date
        (
            "Samsung to build chip complex\nUpdated: Mar 13, 2024 - 09:10\n" + _BODY,
            (dt.date(2024, 3, 13), "header"),
        ),
        # relative times, a wire dateline without its year, a copyright year: no date
        ("Sharjah Light Festival returns\n2 hours ago\n" + _BODY, (None, None)),
        ("السلطات تقرر تقليص صبيب المياه ليلا\nمنذ ساعتين\n" + _ARABIC_BODY, (None, None)),
        (
            "Egypt's central bank raises rates\nCAIRO, March 6 (Reuters) - Egypt's central bank raised rates.\n"
            "© 2024 Reuters. All rights reserved.\n",
            (None, None),
        ),
        # another event's date in the body is not the publication date
        (
            "Fire breaks out in market shops\nThe market was partly rebuilt after a fire destroyed shops on 1 April 2022.\n"
            + _BODY,
            (None, None),
        ),
    ],
)
def test_the_published_date_is_taken_and_none_is_invented(page: str, expected: tuple) -> None:
    assert _publication(page) == expected
