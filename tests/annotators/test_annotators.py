"""The silver annotators on texts they have not seen: dates, entities, topics, language, events."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ANN, KNOWLEDGE, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder import language
from dataset_builder.annotators.dates import find_dates, publication_date
from dataset_builder.annotators.entities import find_entities
from dataset_builder.annotators.topics import find_topics, topic_matches
from dataset_builder.documents import Cut, Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.events import EventKey
from dataset_builder.knowledge import Knowledge
from dataset_builder.language import identify, script_of
from dataset_builder.splits import SplitLedger, assign_splits

KB = {
    "entities": [
        {
            "id": "antony-blinken",
            "label": "PER",
            "names": {"ar": ["أنتوني بلينكن", "بلينكن"], "en": ["Antony Blinken", "Blinken"]},
        },
        {"id": "gaza", "label": "LOC", "names": {"ar": ["غزة"], "en": ["Gaza"]}},
        {"id": "gaza-strip", "label": "LOC", "names": {"ar": ["قطاع غزة"], "en": ["Gaza Strip"]}},
        {"id": "egypt", "label": "LOC", "names": {"ar": ["مصر"], "en": ["Egypt"]}},
        {"id": "hamas", "label": "ORG", "names": {"ar": ["حماس"], "en": ["Hamas"]}},
    ]
}


@pytest.fixture(scope="module")
def ann(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's rules with a small, known knowledge base."""
    folder = tmp_path_factory.mktemp("annotations")
    for name in ("entity_rules.json", "date_rules.json", "taxonomy.json", "seed_rules.json"):
        shutil.copy(ANN / name, folder / name)
    (folder / "entities.json").write_text(json.dumps(KB, ensure_ascii=False), encoding="utf-8")
    rules = {
        "rules": [
            {
                "topic": "peace_process",
                "min_matches": 2,
                "keywords": {
                    "ar": ["وقف إطلاق النار", "هدنة", "مفاوضات"],
                    "en": ["ceasefire", "truce", "negotiat"],
                },
            },
            {
                "topic": "humanitarian_aid",
                "min_matches": 1,
                "keywords": {"ar": ["المساعدات الإنسانية"], "en": ["humanitarian aid"]},
            },
        ]
    }
    (folder / "topic_rules.json").write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small(ann: Path) -> Knowledge:
    """:func:`ann` loaded once (compiling the knowledge takes a second: a property test's examples share it)."""
    return Knowledge.load(ann)


def doc(text: str, language: str, cuts: list[Cut] | None = None, title: str | None = None) -> Document:
    return Document("d", "d.txt", language, text, 0, len(text), cuts or [], title=title)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("نشر في 10 حزيران 2024 خبر", dt.date(2024, 6, 10)),
        ("في 12 يونيو/ حزيران 2024", dt.date(2024, 6, 12)),
        ("الموافق ٦ فبراير ٢٠٢٤", dt.date(2024, 2, 6)),
        ("on Feb. 6, 2024 at", dt.date(2024, 2, 6)),
        ("dated 10/06/2024", dt.date(2024, 6, 10)),
        ("ISO 2019-01-10.", dt.date(2019, 1, 10)),
        ("7 أكتوبر/تشرين الأول 2023", dt.date(2023, 10, 7)),
        ("الإثنين 12/أبريل/2021 - 12:53 م", dt.date(2021, 4, 12)),
        ("12-نيسان-2021", dt.date(2021, 4, 12)),
        ("12 / Apr / 2021", dt.date(2021, 4, 12)),
        ("| 2024/03/28 09:30 ص", dt.date(2024, 3, 28)),
        ("2023.06.05 | 10:15", dt.date(2023, 6, 5)),
        # the Maghreb's month names (Morocco's, then Algeria's and Tunisia's)
        ("الثلاثاء 12 شتنبر 2023 - 14:30", dt.date(2023, 9, 12)),
        ("3 غشت 2022", dt.date(2022, 8, 3)),
        ("20 يوليوز 2021", dt.date(2021, 7, 20)),
        ("15 جانفي 2024", dt.date(2024, 1, 15)),
        ("5 أوت 2023", dt.date(2023, 8, 5)),
        ("9 ماي 2022", dt.date(2022, 5, 9)),
        # a Hijri date next to the Gregorian one: only the Gregorian one is a date
        ("الأحد 1446/05/15 هـ الموافق 2024/11/17 م", dt.date(2024, 11, 17)),
        ("السبت ١٤ جمادى الأولى ١٤٤٦ هـ - ١٦ نوفمبر ٢٠٢٤ م", dt.date(2024, 11, 16)),
        ("العدد : 16942 - الجمعة ٠١ مارس ٢٠٢٤ م، الموافق ٢٠ شعبان ١٤٤٥هـ", dt.date(2024, 3, 1)),
        ("Sunday, December 8, 2024 / Jumada Al-Akhirah 6, 1446", dt.date(2024, 12, 8)),
        ("Nov. 12, 2024 at 5:02 p.m. EST", dt.date(2024, 11, 12)),
        ("Tue, 17/12/2024 - 11:40", dt.date(2024, 12, 17)),
    ],
)
def test_full_dates_in_both_month_traditions_and_digit_systems(text: str, expected: dt.date) -> None:
    assert [f.date for f in find_dates(text, KNOWLEDGE.date_rules)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "اليوم الثلاثاء",
        "on Thursday",
        "31/02/2024",
        "ديسمبر 2023",
        "6 مايو الماضي",
        "12/أبريل 2021",
        "31/أبريل/2021",
        "2024/03-28",
        # a numeric Hijri date is no Gregorian one of the year 1446
        "1446/05/15 هـ",
        "15/05/1446هـ",
        "١٤٤٦/٠٥/١٥ ه",
        "Updated 3 hours ago",
    ],
)
def test_no_date_is_invented_from_partial_or_invalid_dates(text: str) -> None:
    rules = KNOWLEDGE.date_rules
    assert find_dates(text, rules) == []
    assert publication_date(doc(f"عنوان\n{text} التقى الرئيس نظيره.", "ar"), rules) == (None, None, None)


def test_date_sources_header_dateline_text() -> None:
    rules = KNOWLEDGE.date_rules
    header = doc("Body text.", "en", [Cut(0, "date 2024-02-07 ", "metadata")])
    assert publication_date(header, rules)[:2] == (dt.date(2024, 2, 7), "header")
    dateline = doc("CAIRO, Feb 6, 2024 (Reuters) - Talks went on.", "en")
    assert publication_date(dateline, rules)[:2] == (dt.date(2024, 2, 6), "dateline")
    far = "x" * 300
    text = doc(f"{far} وقال اليوم الثلاثاء الموافق 6 فبراير 2024 إن", "ar")
    assert publication_date(text, rules)[:2] == (dt.date(2024, 2, 6), "text")
    past = doc(f"{far} in a war that began on 7 October 2023.", "en")
    assert publication_date(past, rules) == (None, None, None)


def test_proclitics_and_titles_stay_outside_spans(small: Knowledge) -> None:
    k = small.entities
    text = "وأكد الرئيس المصري وبلينكن أهمية وقف إطلاق النار بقطاع غزة، ولحماس موقف."
    spans = find_entities(text, "ar", k)
    assert [(s.text, s.label, s.entity_id) for s in spans] == [
        ("بلينكن", "PER", "antony-blinken"),
        ("قطاع غزة", "LOC", "gaza-strip"),
        ("حماس", "ORG", "hamas"),
    ]
    check_spans(text, spans, "test")


def test_no_match_inside_a_longer_word(small: Knowledge) -> None:
    k = small.entities
    assert find_entities("المصريون والغزيون", "ar", k) == []
    assert find_entities("Gazans met Hamasite and Egyptology", "en", k) == []


def test_rules_find_people_the_base_does_not_know(small: Knowledge) -> None:
    k = small.entities
    ar = "بحضور وزير الخارجية الفرنسي جان نويل بارو، وقال المتحدث باسم الرئاسة أحمد فهمي إن"
    assert [(s.text, s.label, s.entity_id) for s in find_entities(ar, "ar", k)] == [
        ("الفرنسي", "MISC", "iso-fr-nisba"),  # nationalities come from the packages, not only the base
        ("جان نويل", "PER", None),
        ("أحمد فهمي", "PER", None),
    ]
    en = "Foreign Minister Sameh Shoukry and Secretary of State Antony Blinken met the Palestinian Authority."
    found = [(s.text, s.label, s.entity_id) for s in find_entities(en, "en", k)]
    assert found == [
        ("Sameh Shoukry", "PER", None),
        ("Antony Blinken", "PER", "antony-blinken"),
        ("Palestinian Authority", "ORG", None),
    ]


arabic_words = st.sampled_from(
    ["و", "ب", "بلينكن", "غزة", "قطاع", " ", "،", "الرئيس", "مصر", "ل", "حماس", "\n"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(arabic_words, max_size=30), st.sampled_from(["ar", "en"]))
def test_entity_offsets_always_match_text(small: Knowledge, parts: list[str], language: str) -> None:
    text = "".join(parts)
    spans = find_entities(text, language, small.entities)
    check_spans(text, spans, "property")
    assert all(not a.overlaps(b) for a, b in itertools.pairwise(spans))


def test_topic_rules_need_enough_distinct_keywords(small: Knowledge) -> None:
    rules = dataclasses.replace(small.topic_rules, parents={})  # no hierarchy: rules alone
    assert find_topics("Talks on a ceasefire and a truce; humanitarian aid.", "en", rules) == [
        "peace_process",
        "humanitarian_aid",
    ]
    assert find_topics("A ceasefire, a ceasefire, a ceasefire.", "en", rules) == []
    assert find_topics("جهود وقف إطلاق النار والهدنة", "ar", rules) == ["peace_process"]
    assert find_topics("unnegotiated truce", "en", rules) == []


def test_a_subtopic_needs_its_parent_and_every_news_article_gets_a_topic() -> None:
    rules = KNOWLEDGE.topic_rules
    # "visit", "meeting" and "talks" are diplomacy's words, but a football report is not politics
    football = "The coach said the visit of the champions was a tough meeting; talks with the striker follow the match."
    assert find_topics(football, "en", rules) == ["sport"]
    talks = "The foreign minister met with his counterpart for talks on bilateral relations during an official visit."
    assert find_topics(talks, "en", rules) == ["diplomacy", "politics"]  # taxonomy order
    # whole words: "war" is not "warning", "art" not "article"
    assert find_topics("A warning in the article about warm weather and rain.", "en", rules) == ["weather"]
    # fallback: one keyword is enough when nothing else fires
    assert find_topics("سجلت 50 درجة مئوية", "ar", rules) == ["weather"]
    assert find_topics("Nothing here at all.", "en", rules) == []


def test_topics_count_nested_keywords_once_and_second_topics_need_the_lead() -> None:
    rules = KNOWLEDGE.topic_rules
    # "الزلزال" holds "زلزال": one piece of evidence, below disaster's two
    quake = "وقع الزلزال فجرا."
    assert len(topic_matches(quake, "ar", rules)["disaster_accident"]) == 1
    # a hospital and patients further down an earthquake report do not make it a health article
    report = (
        "A magnitude 7.8 earthquake struck before dawn; rescue teams searched the rubble for survivors. "
        + "Officials gave a rising death toll through the day as aftershocks shook the region. " * 3
        + "Hospitals were full and patients were treated in tents."
    )
    assert report.index("Hospitals") > rules.lead_chars
    assert find_topics(report, "en", rules) == ["disaster_accident"]
    # in the lead, a second topic stays (a court case about buildings that fell in a quake)
    court = "A court jailed the contractors after the earthquake, a verdict for the victims' families. " * 2
    assert find_topics(court, "en", rules) == ["disaster_accident", "crime_law"]
    one = dataclasses.replace(rules, max_topics=1)
    assert find_topics(court, "en", one) == ["crime_law"]  # the best-supported: court, verdict, jail


def test_language_by_script_and_fasttext() -> None:
    assert script_of("Hello world")[0] == "latin" and script_of("مرحبا بالعالم")[0] == "arabic"
    assert script_of("12345 -- !!")[0] is None
    assert identify("The minister met his counterpart in the capital to discuss trade.") == "en"
    # news English with names, which lingua (before fastText) took for French and Romanian
    assert identify("Egyptian Foreign Minister Sameh Shoukry said Cairo rejects a displacement.") == "en"
    assert identify("Gaza ceasefire talks resume in Doha") == "en"
    assert (
        identify("وزیر امور خارجه با همتای خود در پایتخت دیدار کرد و درباره وضعیت منطقه گفتگو کرد.") == "fa"
    )
    assert identify("پاکستان کے وزیر اعظم نے کہا کہ حکومت عوام کی فلاح و بہبود کے لیے کام کر رہی ہے۔") == "ur"
    assert identify("Le président égyptien a reçu le secrétaire d'État américain au Caire.") == "fr"
    # Arabic typed with Persian letters (ی ک) is still Arabic
    assert (
        identify("قال وزیر الخارجیة المصری سامح شکری إن القاهرة ترفض أی تهجیر للفلسطینیین إلى سیناء") == "ar"
    )
    assert identify("12345 -- !!") is None


def test_the_script_table_says_what_its_patterns_say() -> None:
    """The table :func:`script_of` looks characters up in says what its patterns say, surrogates and
    the last planes included (it is decoded from one buffer of every code point)."""
    bits = language._class_bits()
    assert len(bits) == sys.maxunicode + 1
    points = [
        *range(0, sys.maxunicode + 1, 97),
        *range(0xD7F0, 0xE010),
        *range(0x0600, 0x0700),
        sys.maxunicode,
    ]
    for i, pattern in enumerate(language._CLASSES):
        assert [bool(bits[p] & (1 << i)) for p in points] == [bool(pattern.match(chr(p))) for p in points]


def test_language_model_ships_with_the_package(tmp_path: Path) -> None:
    """The model is read from the installed wheel: no download, no cache folder (the build runs offline)."""
    cache = tmp_path / "cache"
    code = (
        "from dataset_builder.language import identify; print(identify('The talks resumed in Cairo today.'))"
    )
    env = {**os.environ, "FTLANG_CACHE": str(cache)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "en" and not cache.exists()


def test_events_group_same_day_same_people_and_translations() -> None:
    d = dt.date(2024, 6, 10)
    people = ("blinken", "kamel", "sisi")
    keys = [
        EventKey("a-ar", None, (), "a", None),
        EventKey("a-en", d, people, "a", None),
        EventKey("b", d + dt.timedelta(days=1), ("blinken", "sisi"), None, None),
        EventKey("c", d + dt.timedelta(days=30), people, None, None),
        EventKey("e", None, (), None, "curated"),
        EventKey("f", dt.date(2019, 1, 10), ("pompeo",), None, "curated"),
    ]
    events = dict(
        zip([k.id for k in keys], assign_splits(keys, SplitLedger()).events.to_pylist(), strict=True)
    )
    assert events["a-ar"] == events["a-en"] == events["b"]
    assert events["c"] != events["a-ar"]
    assert events["e"] == events["f"] == "curated"
    backwards = assign_splits(reversed(keys), SplitLedger()).events.to_pylist()
    assert dict(zip([k.id for k in reversed(keys)], backwards, strict=True)) == events


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("entities.json", '{"entities": [{"id": "x", "label": "PER"}]}'),
        ("entities.json", "{not json"),
        ("entity_rules.json", '{"ar": []}'),
        ("date_rules.json", '{"months": ["يناير"]}'),
        ("topic_rules.json", '{"rules": [{"topic": "no-such-topic", "keywords": {}}]}'),
        (
            "seed_rules.json",
            '{"metadata_prefixes": ["("], "read_also_markers": [], "read_also_link_max_chars": 1}',
        ),
        ("taxonomy.json", '{"topics": [{"id": "a"}]}'),
    ],
)
def test_a_broken_knowledge_file_is_named_in_the_error(tmp_path: Path, name: str, content: str) -> None:
    from dataset_builder.pipeline import silver_documents

    shutil.copytree(ANN, tmp_path / "ann")
    (tmp_path / "ann" / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=name.replace(".", r"\.")):
        list(silver_documents(SEEDS, Knowledge.load(tmp_path / "ann")))


def test_names_after_title_chains_counterparts_and_surnames_later() -> None:
    k = KNOWLEDGE.entities
    ar = (
        "يستقبل نائب رئيس الوزراء وزير الخارجية وشؤون المغتربين الأردني أيمن الصفدي اليوم نظيره العراقي "
        "فؤاد حسين. وقال الصفدي إن الأردن يدعم العراق، وأكد للصفدي وحسين ذلك."
    )
    spans = find_entities(ar, "ar", k)
    check_spans(ar, spans, "test")
    people = [s.text for s in spans if s.label == "PER"]
    assert people == ["أيمن الصفدي", "فؤاد حسين", "الصفدي", "لصفدي", "حسين"]
    assert ("الأردني", "MISC") in [(s.text, s.label) for s in spans]  # the nisba stays out of the name
    assert "يستقبل" not in " ".join(people)  # a verb never starts a name
    en = (
        "Iraqi Prime Minister Mohammed Shia al-Sudani met his counterpart Faisal Mekdad in Amman. "
        "Sudani and Mekdad later flew to Basra; al-Sudani’s office said so."
    )
    spans = find_entities(en, "en", k)
    check_spans(en, spans, "test")
    assert [s.text for s in spans if s.label == "PER"] == [
        "Mohammed Shia al-Sudani",
        "Faisal Mekdad",
        "Sudani",
        "Mekdad",
        "al-Sudani",
    ]
    assert {("Amman", "LOC"), ("Basra", "LOC"), ("Iraqi", "MISC")} <= {(s.text, s.label) for s in spans}


def test_surname_mentions_share_the_full_names_id() -> None:
    k = KNOWLEDGE.entities
    spans = find_entities("Secretary of State Antony Blinken arrived. Later, Blinken spoke.", "en", k)
    assert [(s.text, s.entity_id) for s in spans] == [
        ("Antony Blinken", "antony-blinken"),
        ("Blinken", "antony-blinken"),
    ]


def test_gazetteer_places_come_from_the_packages_and_skip_common_words() -> None:
    k = KNOWLEDGE.entities
    text = "وصل الوفد إلى العقبة ثم المدينة القريبة من البصرة في البحرين."
    found = [(s.text, s.label) for s in find_entities(text, "ar", k)]
    assert found == [("العقبة", "LOC"), ("البصرة", "LOC"), ("البحرين", "LOC")]
    assert (
        k.link(
            "العقبة",
            "ar",
        )
        == k.link("Aqaba", "en")
        is not None
    )
    assert [s.text for s in find_entities("BAGHDAD, Oct 27 - In Aqaba and Batman.", "en", k)] == [
        "BAGHDAD",
        "Aqaba",
    ]
    # cities of half a million and more (San Francisco, Seattle), not those that are also people's names
    world = "SEATTLE (Reuters) - The San Francisco firm hired Kennedy and Victoria from Salem Austin."
    assert [s.text for s in find_entities(world, "en", k) if s.label == "LOC"] == ["SEATTLE", "San Francisco"]
    assert [
        s.text for s in find_entities("زار سالم بيرم سياتل وسان فرانسيسكو.", "ar", k) if s.label == "LOC"
    ] == [
        "سياتل",
        "سان فرانسيسكو",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("القاهرة في 22 يوليو/تموز 2014\nوصل الوزير اليوم الثلاثاء.", (dt.date(2014, 7, 22), "dateline")),
        (
            "Title here\nAmman, Wednesday 15 February 2023 (Petra) -- He arrived.",
            (dt.date(2023, 2, 15), "dateline"),
        ),
        ("Published: 15 September 2020\nTitle\nBody text.", (dt.date(2020, 9, 15), "header")),
        (
            "Title\nThey met in Amman on Monday, two years after the agreement signed on 28 June 2021.",
            (None, None),
        ),
        ("بغداد في 27 يونيو 2021\nوصل الرئيس اليوم الاثنين.", (None, None)),
        ("عاجل\nالإثنين 12/أبريل/2021 - 12:53 م\nوصل الرئيس.", (dt.date(2021, 4, 12), "dateline")),
    ],
)
def test_datelines_are_lines_that_start_with_the_date(text: str, expected: tuple) -> None:
    rules = KNOWLEDGE.date_rules
    assert publication_date(doc(text, "ar" if text[0] > "z" else "en"), rules)[:2] == expected


def test_an_ambiguous_numeric_date_is_read_by_the_convention_and_flagged() -> None:
    rules = KNOWLEDGE.date_rules
    ambiguous = doc("Body.", "en", [Cut(0, "Published: 05/03/2023\n", "metadata")])
    date, source, evidence = publication_date(ambiguous, rules)
    assert (
        (date, source) == (dt.date(2023, 3, 5), "header")
        and "ambiguous" in evidence
        and "day-first" in evidence
    )
    plain = doc("Body.", "en", [Cut(0, "Published: 25/03/2023\n", "metadata")])
    assert "ambiguous" not in publication_date(plain, rules)[2]


def test_institutions_facilities_and_agencies_are_one_span() -> None:
    k = KNOWLEDGE.entities
    ar = "القاهرة 26 أغسطس 2014 (أ ف ب)\nوصل الوفد إلى مطار دمشق الدولي، وقالت وكالة الأنباء الفلسطينية إن الجيش السوداني انسحب."
    found = [(s.text, s.label) for s in find_entities(ar, "ar", k)]
    assert found == [
        ("القاهرة", "LOC"),
        ("أ ف ب", "ORG"),
        ("مطار دمشق الدولي", "LOC"),
        ("وكالة الأنباء الفلسطينية", "ORG"),
        ("الجيش السوداني", "ORG"),
    ]
    en = "VIENNA, July 14, 2015 (AFP) - The Saudi Press Agency said talks at Downing Street and on Mount Arafat went on."
    found = [(s.text, s.label) for s in find_entities(en, "en", k)]
    assert found == [
        ("VIENNA", "LOC"),
        ("AFP", "ORG"),
        ("Saudi Press Agency", "ORG"),
        ("Downing Street", "LOC"),
        ("Mount Arafat", "LOC"),
    ]


def test_organisations_named_by_their_complement_or_spelled_out_before_an_acronym() -> None:
    k = KNOWLEDGE.entities
    ar = (
        "أعلنت وزارة الطاقة أن منظمة البلدان المصدرة للبترول (أبك) ستجتمع، وقالت أبك إن الهيئة العليا المستقلة"
        " للانتخابات لم تعلق. وكالة الأنباء لم تنشر الخبر، وحركة السير متوقفة."
    )
    found = [(s.text, s.label) for s in find_entities(ar, "ar", k)]
    assert found == [
        ("وزارة الطاقة", "ORG"),
        ("منظمة البلدان المصدرة للبترول", "ORG"),
        ("أبك", "ORG"),
        ("أبك", "ORG"),
        ("الهيئة العليا المستقلة للانتخابات", "ORG"),
    ]
    en = "The Centers for Disease Control and Prevention (CDC) warned on Monday; CDC staff and Bureau Of Kites (XYZ) met."
    found = [(s.text, s.label) for s in find_entities(en, "en", k)]
    assert found == [
        ("Centers for Disease Control and Prevention", "ORG"),
        ("CDC", "ORG"),
        ("CDC", "ORG"),
    ]


def test_people_by_given_name_and_compound_family_names() -> None:
    k = KNOWLEDGE.entities
    en = "Lebanon's parliament elected Michel Aoun as president, and Aoun thanked Speaker Nabih Berri. Hope Street was calm."
    found = [(s.text, s.label) for s in find_entities(en, "en", k) if s.label == "PER"]
    assert found == [("Michel Aoun", "PER"), ("Aoun", "PER"), ("Nabih Berri", "PER")]
    ar = "ودعا رئيس الوزراء العراقي عادل عبد المهدي البرلمان إلى جلسة طارئة."
    found = [(s.text, s.label) for s in find_entities(ar, "ar", k) if s.label == "PER"]
    assert found == [("عادل عبد المهدي", "PER")]


def test_national_capitals_and_religious_groups_are_known() -> None:
    k = KNOWLEDGE.entities
    assert k.names[("en", "Bern")][1] == "LOC" and ("en", "Male") not in k.names
    found = [(s.text, s.label) for s in find_entities("Sunni and Shiite Muslims prayed in Nicosia.", "en", k)]
    assert found == [("Sunni", "MISC"), ("Shiite", "MISC"), ("Muslims", "MISC"), ("Nicosia", "LOC")]


def test_small_capitals_are_known_unless_named_as_people() -> None:
    """Capitals below capital_min_population (Valletta, Basseterre, Apia) are places wherever they
    stand; one named as a given name (Victoria, Douglas) is not, without a place's context."""
    k = KNOWLEDGE.entities
    for capital in ("Valletta", "Basseterre", "Vaduz", "Apia", "Castries", "Funafuti"):
        assert k.names[("en", capital)][1] == "LOC", capital
    found = [
        (s.text, s.label)
        for s in find_entities("Valletta's streets and Basseterre's port were full.", "en", k)
    ]
    assert found == [("Valletta", "LOC"), ("Basseterre", "LOC")]
    assert all(
        s.text not in ("Victoria", "Douglas") for s in find_entities("Victoria and Douglas met.", "en", k)
    )


def test_parties_companies_and_islands_of_more_countries_are_known() -> None:
    k = KNOWLEDGE.entities
    text = "Sinn Féin and Fianna Fail met Old Mutual, Absa and the JSE in Sicily and Gozo."
    found = [(s.text, s.label) for s in find_entities(text, "en", k)]
    assert found == [
        ("Sinn Féin", "ORG"),
        ("Fianna Fail", "ORG"),
        ("Old Mutual", "ORG"),
        ("Absa", "ORG"),
        ("JSE", "ORG"),
        ("Sicily", "LOC"),
        ("Gozo", "LOC"),
    ]


def test_arabic_organisations_with_coordination_a_construct_after_lam_and_a_place_nisba() -> None:
    k = KNOWLEDGE.entities
    ar = (
        "قالت هيئة الإغاثة والطوارئ الأردنية إن وكالة الأنباء السعودية والهيئة الوطنية للانتخابات"
        " والاتحاد الدولي لكرة السلة وافقت، وأعلنت وزارة الخارجية والمغتربين السورية أن الجيش"
        " الإسرائيلي للمرة الثانية انسحب، وأن الاتحاد الأوروبي والرئيس الفرنسي رحبا."
    )
    found = [(s.text, s.label) for s in find_entities(ar, "ar", k)]
    assert found == [
        ("هيئة الإغاثة والطوارئ الأردنية", "ORG"),
        ("وكالة الأنباء السعودية", "ORG"),
        ("الهيئة الوطنية للانتخابات", "ORG"),
        ("الاتحاد الدولي لكرة السلة", "ORG"),
        ("وزارة الخارجية والمغتربين السورية", "ORG"),
        ("الجيش الإسرائيلي", "ORG"),
        ("الاتحاد الأوروبي", "ORG"),
        ("الفرنسي", "MISC"),
    ]


def test_arabic_title_chains_through_complements_and_organisations_not_across_punctuation() -> None:
    k = KNOWLEDGE.entities
    ar = (
        "وقال محافظ البنك المركزي الأردني عادل شركس إن المدير التنفيذي للصندوق خالد النمر سيزور"
        " عمان، وهنأ الرئيس الروسي فلاديمير بوتين السيسي بفوزه. وتقدم الفريق المصري، فيما أحرز"
        " الضيوف هدفا. والتقى وزير الخارجية والتعاون الدولي والمغتربين الجزائري رمطان لعمامرة الوفد."
    )
    found = [s.text for s in find_entities(ar, "ar", k) if s.label == "PER"]
    assert found == ["عادل شركس", "خالد النمر", "فلاديمير بوتين", "السيسي", "رمطان لعمامرة"]


def test_arabic_dateline_agency_after_a_known_place() -> None:
    found = [
        (s.text, s.label)
        for s in find_entities("أوسلو (أ ف ب) - منحت اللجنة الجائزة.", "ar", KNOWLEDGE.entities)
    ]
    assert found == [("أوسلو", "LOC"), ("أ ف ب", "ORG")]


def test_english_organisations_owners_acronyms_and_company_names() -> None:
    k = KNOWLEDGE.entities
    en = (
        "Japan's SoftBank Group said the International Federation of Red Cross and Red Crescent Societies"
        " and the International Monetary Fund would meet. The IMF agreed and SoftBank shares rose."
        "\nAt Least Five\nIslamic Republic News Agency reported it."
    )
    found = [(s.text, s.label) for s in find_entities(en, "en", k)]
    assert found == [
        ("Japan", "LOC"),
        ("SoftBank Group", "ORG"),
        ("International Federation of Red Cross and Red Crescent Societies", "ORG"),
        ("International Monetary Fund", "ORG"),
        ("IMF", "ORG"),
        ("SoftBank", "ORG"),
        ("Islamic Republic News Agency", "ORG"),
    ]


def test_english_people_after_job_titles_sentence_ends_and_possessives() -> None:
    k = KNOWLEDGE.entities
    en = (
        "Chief Executive Amin Nasser said the listing went well.\nGeorge Weah scored twice, and"
        " England's Mark Taylor watched. Fed Chair Jerome Powell spoke. Candidate Abdelkader Bengrina"
        " came second."
    )
    found = [s.text for s in find_entities(en, "en", k) if s.label == "PER"]
    assert found == ["Amin Nasser", "George Weah", "Mark Taylor", "Jerome Powell", "Abdelkader Bengrina"]


def test_english_events_awards_and_storms_and_no_people_from_headline_case() -> None:
    k = KNOWLEDGE.entities
    en = (
        "Grace Period Ends For Migrants\nStorm Daniel hit the coast before the World Cup, and the"
        " Nobel Peace Prize went to Grace Jones, who met Mark Taylor at Lusail Stadium."
    )
    found = [(s.text, s.label) for s in find_entities(en, "en", k)]
    assert found == [
        ("Storm Daniel", "MISC"),
        ("World Cup", "MISC"),
        ("Nobel Peace Prize", "MISC"),
        ("Grace Jones", "PER"),
        ("Mark Taylor", "PER"),
        ("Lusail Stadium", "LOC"),
    ]


def test_arabic_organisation_named_by_a_name_and_a_nisba_after_its_head() -> None:
    ar = "قالت لجنة نوبل النرويجية إن قوات سوريا الديمقراطية انسحبت، وأكدت ذلك هيئة حكومية مصرية."
    found = [(s.text, s.label) for s in find_entities(ar, "ar", KNOWLEDGE.entities)]
    assert found == [("لجنة نوبل النرويجية", "ORG"), ("قوات سوريا الديمقراطية", "ORG"), ("مصرية", "MISC")]


def test_country_nisbas_before_towns_and_common_words_are_no_places() -> None:
    k = KNOWLEDGE.entities
    assert k.link("الهندية", "ar") == "iso-in-nisba" and k.link("السويدية", "ar") == "iso-se-nisba"
    ar = "قالت سلطات الاحتلال في العام الجديد إن الوضع القائم لن يتغير، وزار الشركات الهندية وفد."
    found = [(s.text, s.label) for s in find_entities(ar, "ar", k)]
    assert found == [("الهندية", "MISC")]


def test_english_names_with_acronyms_unknown_owners_and_a_descriptor_before_the_given_name() -> None:
    en = (
        "The Central Bank of the UAE followed the Federal Reserve, Moody's Investors Service said."
        " Chief Economist Monica Malik agreed."
    )
    found = [(s.text, s.label) for s in find_entities(en, "en", KNOWLEDGE.entities)]
    assert found == [
        ("Central Bank of the UAE", "ORG"),
        ("Federal Reserve", "ORG"),
        ("Moody's Investors Service", "ORG"),
        ("Monica Malik", "PER"),
    ]


def test_arabic_compound_given_name_counts_once_and_a_governor_is_a_title() -> None:
    ar = (
        "أعلن الرئيس عبد المجيد تبون زيادة الأجور، وقال والي البنك المركزي عبد اللطيف الجواهري إن النمو تحسن."
    )
    found = [s.text for s in find_entities(ar, "ar", KNOWLEDGE.entities) if s.label == "PER"]
    assert found == ["عبد المجيد تبون", "عبد اللطيف الجواهري"]


def test_english_name_before_said_starts_at_its_given_name_after_a_role() -> None:
    """Three capitalised words before "said": when a role ends just before the name, its last
    word is no part of it (Minister of Tourism and Antiquities Sherif Fathy said)."""
    en = "Minister of Tourism and Antiquities Sherif Fathy said the museum would open."
    found = [(s.text, s.label) for s in find_entities(en, "en", KNOWLEDGE.entities)]
    assert found == [("Sherif Fathy", "PER")]
