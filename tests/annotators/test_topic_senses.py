"""A topic's ``other_senses``: one sense per discourse. A document that uses a keyword inside one of
them ("virus" in "computer virus") uses it in that sense throughout, so the keyword does not count
for the topic anywhere in it (issue 17: a computer virus is not health, a storm of criticism not
weather)."""

from __future__ import annotations

import pytest

from dataset_builder.annotators.topics import find_topics, topic_matches
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.schema import TopicRulesFile
from dataset_builder.knowledge.topics import compile_topic_rules

_RULES = compile_topic_rules(
    TopicRulesFile.model_validate(
        {
            "rules": [
                {
                    "topic": "health",
                    "keywords": {"en": ["virus", "infection"], "ar": ["فيروس", "عدوى"]},
                    "other_senses": {"en": ["computer virus"], "ar": ["فيروسات الحاسوب"]},
                    "min_matches": 2,
                },
                {
                    "topic": "science_technology",
                    "keywords": {"en": ["computer", "software"]},
                    "min_matches": 2,
                },
            ],
            "lead_chars": 40,
        }
    ),
    ["health", "science_technology"],
)


def test_a_keyword_used_in_another_sense_does_not_count_anywhere_in_the_document() -> None:
    text = "The virus hid in browser extensions. A computer virus spreads by software updates; the infection is hard to see."
    assert topic_matches(text, "en", _RULES) == {
        "health": {"infection"},
        "science_technology": {"computer", "software"},
    }
    assert find_topics(text, "en", _RULES) == ["science_technology"]
    arabic = "فيروس جديد في الهواتف. وتنتشر فيروسات الحاسوب عبر التحديثات، والعدوى صعبة الاكتشاف."
    assert topic_matches(arabic, "ar", _RULES) == {"health": {"عدوي"}}


def test_a_keyword_in_its_own_sense_still_counts() -> None:
    text = "The virus spread fast, and the infection reached the capital."
    assert topic_matches(text, "en", _RULES) == {"health": {"virus", "infection"}}
    assert find_topics(text, "en", _RULES) == ["health"]


def test_an_english_sense_matches_at_a_word_start_only() -> None:
    text = "A supercomputer virus model tracks the virus and its infection."
    assert topic_matches(text, "en", _RULES)["health"] == {"virus", "infection"}


def test_a_storm_of_criticism_is_not_weather(knowledge: Knowledge) -> None:
    text = (
        "Minister faces storm of criticism over housing remarks\n\nThe housing minister faced a storm of "
        "criticism from opposition parties after saying that young people should work harder; the heat "
        "of the row grew as the opposition called for her resignation in parliament."
    )
    assert find_topics(text, "en", knowledge.topic_rules) == ["politics"]


def test_a_whole_word_that_runs_past_a_sense_is_used_in_it(knowledge: Knowledge) -> None:
    """The whole word "attacks" of conflict runs past the sense "heart attack" it starts in."""
    text = "Fewer heart attacks and panic attacks were seen in patients who took the drug."
    assert "conflict" not in topic_matches(text, "en", knowledge.topic_rules)


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("The plan would strike a balance between students and universities.", "en", "labour"),
        ("Student unions said the national union of students would fight the rise.", "en", "labour"),
        (
            "New restaurants opened in the food court, and the court of public opinion liked them.",
            "en",
            "crime_law",
        ),
        (
            "The clinical trial followed patients for three years; the trial found fewer strokes.",
            "en",
            "crime_law",
        ),
        ("The figures match the forecasts; sales matched expectations.", "en", "sport"),
        ("The landlord owns 41 shopping centres and a shopping mall in Leeds.", "en", "lifestyle"),
        ("The United Nations Development Programme said poverty fell.", "en", "politics"),
        ("OPEC called an emergency meeting after the market crash.", "en", "disaster_accident"),
        ("انطلق السباق الرئاسي رسميا بتسجيل خمسة مرشحين.", "ar", "sport"),
        ("حذرت المنظمة من انهيار النظام الصحي في البلاد.", "ar", "disaster_accident"),
        ("جرت انتخابات الجمعية العمومية لنادي الإسماعيلي أمس.", "ar", "politics"),
        ("قال برنامج الأمم المتحدة الإنمائي إن نسبة الفقر تراجعت.", "ar", "politics"),
    ],
)
def test_a_cue_word_in_another_sense_is_no_evidence(
    knowledge: Knowledge, text: str, language: str, topic: str
) -> None:
    """Issue 17's topic dev set 3: idioms and names that use a topic's cue word in another sense."""
    assert topic not in topic_matches(text, language, knowledge.topic_rules)
