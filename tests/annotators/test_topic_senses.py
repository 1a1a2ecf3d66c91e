"""A topic's ``other_senses``: one sense per discourse. A document that uses a keyword inside one of
them ("virus" in "computer virus") uses it in that sense throughout, so the keyword does not count
for the topic anywhere in it (issue 17: a computer virus is not health, a storm of criticism not
weather)."""

from __future__ import annotations

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
