"""How much evidence a topic needs (issue 17): a second topic needs a share of the first's matches,
and words that need company ("won", "jury", "president") never make a topic or a lead alone."""

from __future__ import annotations

import pytest

from dataset_builder.annotators.topics import find_topics
from dataset_builder.knowledge.schema import TopicRulesFile
from dataset_builder.knowledge.topics import TopicRules, compile_topic_rules

ORDER = ["economy", "sport", "crime_law", "arts_culture"]


def _rules(**extra: object) -> TopicRules:
    raw = {
        "rules": [
            {"topic": "economy", "keywords": {"en": ["market", "trade", "shares"]}, "min_matches": 2},
            {
                "topic": "sport",
                "keywords": {"en": ["tournament", "coach"]},
                "words": {"en": ["won", "win"]},
                "min_matches": 2,
            },
            {
                "topic": "crime_law",
                "keywords": {"en": ["court", "jury", "fraud", "verdict", "prosecut", "convict", "prison"]},
                "min_matches": 2,
            },
            {"topic": "arts_culture", "keywords": {"en": ["film", "festival", "actress"]}, "min_matches": 2},
        ],
        "lead_chars": 80,
        **extra,
    }
    return compile_topic_rules(TopicRulesFile.model_validate(raw), ORDER)


TRIAL = (
    "A jury convicted a trader of fraud on the market in a trade scheme.\n"
    "The court heard the verdict after prosecutors spoke; he faces prison."
)


def test_a_second_topic_needs_a_share_of_the_first_topics_matches() -> None:
    assert find_topics(TRIAL, "en", _rules()) == ["economy", "crime_law"]
    # two market words beside seven of crime: not an economy article
    assert find_topics(TRIAL, "en", _rules(secondary_min_share=0.34)) == ["crime_law"]
    # the first topic never needs a share of itself, and a close second stays
    close = "Shares fell on the market as a court heard the fraud case and trade slowed."
    assert find_topics(close, "en", _rules(secondary_min_share=0.34)) == ["economy", "crime_law"]


FESTIVAL = (
    "The jury gave the festival prize to a film; its director won.\n"
    "The actress thanked the jury. He fled after being sentenced to prison, and will win again."
)


def _with_company() -> TopicRules:
    raw = TopicRulesFile.model_validate(
        {
            "rules": [
                {
                    "topic": "sport",
                    "keywords": {"en": ["tournament"]},
                    "words": {"en": ["won", "win"]},
                    "need_company": {"en": ["won", "win"]},
                    "min_matches": 2,
                },
                {
                    "topic": "crime_law",
                    "keywords": {"en": ["jury", "prison", "sentenced"]},
                    "need_company": {"en": ["jury"]},
                    "min_matches": 2,
                },
                {
                    "topic": "arts_culture",
                    "keywords": {"en": ["film", "festival", "actress"]},
                    "min_matches": 2,
                },
            ],
            "lead_chars": 80,
        }
    )
    return compile_topic_rules(raw, ORDER)


def test_words_that_need_company_make_no_topic_and_no_lead_alone() -> None:
    rules = _with_company()
    # "won" and "win" alone are no sport; "jury" in the lead is no evidence of a second topic (crime)
    assert find_topics(FESTIVAL, "en", rules) == ["arts_culture"]
    # beside another keyword of their topic they count: a tournament won
    assert find_topics("The tournament was won by the hosts.", "en", rules) == ["sport"]
    # and the crime is a second topic when the lead has one of its own keywords
    sentenced = "A film director sentenced to prison won a festival prize; the jury praised the actress."
    assert find_topics(sentenced, "en", rules) == ["crime_law", "arts_culture"]


def test_need_company_lists_only_the_rules_own_keywords() -> None:
    with pytest.raises(ValueError, match="not its keywords: jury"):
        TopicRulesFile.model_validate(
            {"rules": [{"topic": "sport", "keywords": {"en": ["match"]}, "need_company": {"en": ["jury"]}}]}
        )
