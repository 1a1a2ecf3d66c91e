"""Topic cues that start other words (issue 17): a stem matched at a word's start also matches
"Churchill", "Islamabad", "investigation", so such cues are whole words, other senses or words that
need company. Each collision gives no topic; the real word still counts."""

from __future__ import annotations

import pytest

from dataset_builder.annotators.topics import find_topics, topic_matches
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.schema import TopicRulesFile
from dataset_builder.knowledge.topics import compile_topic_rules

_COLLISIONS = [
    # (topic, a text whose cue is another word, a text using the cue itself)
    ("environment", "The Marines landed at dawn.", "Marine life is thriving."),
    ("environment", "Marine Le Pen spoke in Paris.", "The marine park opened."),
    ("lifestyle", "A cruise missile was launched.", "The cruise ship docked."),
    ("lifestyle", "Force is a last resort.", "The beach resort was full."),
    ("religion", "Churchill wrote the speech.", "The church was full."),
    ("religion", "Talks were held in Islamabad.", "He converted to Islam."),
    ("society", "The post went viral on social media.", "The social housing plan."),
    ("society", "The Protestant vote.", "The protest grew."),
    ("economy", "The investigation continues.", "Firms invest abroad."),
    ("diplomacy", "The tournament opened.", "The minister began a tour of the region."),
    ("humanitarian_aid", "An aide to the mayor spoke.", "Aid reached the city."),
    ("lifestyle", "Dietmar Hopp spoke.", "A diet rich in fibre."),
    ("weather", "Edward Snowden spoke.", "Snow fell overnight."),
    ("weather", "Gustavo Petro spoke.", "A gust of wind."),
    ("weather", "Protesters stormed the building.", "The storm hit the coast."),
    ("crime_law", "Photo courtesy of the family.", "The court ruled."),
    ("arts_culture", "A concerted effort is needed.", "The concert sold out."),
    ("arts_culture", "The attack was orchestrated abroad.", "The orchestra played."),
    ("religion", "Ekrem Imamoglu spoke.", "The imam led the prayer."),
    ("religion", "A clerical error delayed it.", "The cleric spoke."),
    ("defence", "Neil Armstrong walked on the Moon.", "The arms deal was signed."),
    ("sport", "The Arab League met in Cairo.", "The league resumes on Friday."),
    ("sport", "The front-runner leads the polls.", "The runner finished first."),
    ("sport", "The death penalty was abolished.", "He missed a penalty."),
    ("education", "The Electoral College met.", "The college admitted women."),
    ("labour", "They vowed to wage war on the rebels.", "The minimum wage rose."),
]


@pytest.mark.parametrize(("topic", "other_word", "cue"), _COLLISIONS)
def test_a_cue_counts_only_as_itself(topic: str, other_word: str, cue: str, knowledge: Knowledge) -> None:
    rules = knowledge.topic_rules
    assert topic not in topic_matches(other_word, "en", rules)
    assert topic in topic_matches(cue, "en", rules)


def test_arabic_trade_is_not_found_in_experiments_nor_a_player_in_manipulation(knowledge: Knowledge) -> None:
    rules = knowledge.topic_rules
    assert "economy" not in topic_matches("أجريت التجارب في المختبر.", "ar", rules)
    assert "economy" in topic_matches("نمت التجارة بين البلدين.", "ar", rules)
    assert "sport" not in topic_matches("اتهم بالتلاعب في الأسعار.", "ar", rules)
    assert "sport" in topic_matches("سجل اللاعب هدفا.", "ar", rules)


@pytest.mark.parametrize(
    ("topic", "alone", "in_company"),
    [
        ("sport", "The coach overturned on the motorway.", "The coach praised his players."),
        ("science_technology", "A probe into the deal was opened.", "The probe entered Mars orbit."),
        ("weather", "The forecast for the year was cut.", "Heavy rain is forecast for Friday."),
        ("weather", "Both hold degrees in law.", "Temperatures reach 40 degrees."),
    ],
)
def test_a_cue_of_two_senses_needs_company(
    topic: str, alone: str, in_company: str, knowledge: Knowledge
) -> None:
    rules = knowledge.topic_rules
    assert topic not in find_topics(alone, "en", rules)
    assert topic in find_topics(in_company, "en", rules)


_INSIDE_OTHER_WORDS = [
    # (topic, a text whose stem stands inside another word, a text using the stem after a proclitic)
    ("crime_law", "المعلمات يتقاضين رواتب متدنية.", "وقال القاضي إن الجلسة أجلت."),
    ("religion", "تضرر الركاب في المقاعد الأمامية.", "وألقى الإمام خطبة الجمعة."),
    ("religion", "ارتفعت الأقساط على المدينين.", "احتفلت الطوائف بالأعياد الدينية."),
    ("arts_culture", "وقف الحجاج في المشاعر المقدسة.", "وألقى الشاعر قصيدة."),
    ("disaster_accident", "واستغرقت الرحلة ساعتين.", "وتغرق الشوارع كل شتاء."),
    ("disaster_accident", "جرت المحادثات في القاهرة.", "وقع الحادث فجرا."),
    ("science_technology", "طالب المعلمين بزيادة الرواتب.", "نشر البحث في مجلة علمية."),
]


@pytest.mark.parametrize(("topic", "other_word", "cue"), _INSIDE_OTHER_WORDS)
def test_an_arabic_stem_counts_only_after_a_prefix(
    topic: str, other_word: str, cue: str, knowledge: Knowledge
) -> None:
    rules = knowledge.topic_rules
    assert topic not in topic_matches(other_word, "ar", rules)
    assert topic in topic_matches(cue, "ar", rules)


def test_without_stem_prefixes_an_arabic_stem_matches_anywhere() -> None:
    raw = {"rules": [{"topic": "crime_law", "keywords": {"ar": ["قاضي"]}}]}
    anywhere = compile_topic_rules(TopicRulesFile.model_validate(raw), ["crime_law"])
    assert "crime_law" in topic_matches("يتقاضين رواتب", "ar", anywhere)
    guarded = compile_topic_rules(
        TopicRulesFile.model_validate({**raw, "stem_prefixes": {"ar": ["وال", "ب"]}}), ["crime_law"]
    )
    assert "crime_law" not in topic_matches("يتقاضين رواتب", "ar", guarded)
    assert "crime_law" not in topic_matches("ولقاضي", "ar", guarded)  # a whole prefix, not its letters
    assert "crime_law" in topic_matches("والقاضي", "ar", guarded)
    assert "crime_law" in topic_matches("بـقاضي", "ar", guarded)  # a tatweel in a prefix is ignored
