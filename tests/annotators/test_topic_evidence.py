"""How much evidence a topic needs (issue 17): a second topic needs a share of the first's matches,
and words that need company ("won", "jury", "president") never make a topic or a lead alone."""

from __future__ import annotations

import pytest

from dataset_builder.annotators.topics import find_topics
from dataset_builder.knowledge import Knowledge
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


def test_the_shipped_rules_keep_a_festival_out_of_sport_and_crime(knowledge: Knowledge) -> None:
    text = (
        "Cannes jury hands the top prize to a comedy\n"
        "An American director won the top prize at the film festival on Saturday, and the jury praised "
        "his cast for a comedy set in Brooklyn that critics had tipped for weeks before the closing night.\n"
        "The best actress prize was shared. An Iranian director, sentenced to prison, received a special award."
    )
    assert text.index("sentenced") > knowledge.topic_rules.lead_chars
    assert find_topics(text, "en", knowledge.topic_rules) == ["arts_culture"]


def test_a_president_in_the_lead_does_not_make_a_company_story_politics(knowledge: Knowledge) -> None:
    text = (
        "Oil company shares slide after President Lula replaces its chief executive\n"
        "Shares in the state oil company fell 6% on Wednesday after President Lula fired its chief executive "
        "and named a former head of the oil regulator to replace him.\n"
        "Investors fear government interference; the minister said the board's vote would come soon, "
        "and the stock and its dividend stayed under pressure."
    )
    assert text.index("government") > knowledge.topic_rules.lead_chars
    assert find_topics(text, "en", knowledge.topic_rules) == ["economy"]


def test_local_roads_and_transport_are_society(knowledge: Knowledge) -> None:
    # not the sport of a cyclist, nor the politics of Isambard Kingdom Brunel
    bridge = (
        "The bridge will close to traffic for three weeks of repairs. Pedestrians and cyclists can still "
        "cross, and residents were told to expect delays on the bridge Isambard Kingdom Brunel designed."
    )
    assert find_topics(bridge, "en", knowledge.topic_rules) == ["society"]
    # a reporter named Ramadan in the byline is no religion
    axis = (
        "محافظ الإسكندرية يفتتح محور المحمودية\nالإسكندرية - رجب رمضان\n"
        "افتتح المحافظ المحور لتخفيف الزحام، ويضم ممرات للمشاة وخطوط نقل جماعي جديدة."
    )
    assert find_topics(axis, "ar", knowledge.topic_rules) == ["society"]


def test_a_tunisian_unions_wage_talks_are_labour(knowledge: Knowledge) -> None:
    text = (
        "الاتحاد العام التونسي للشغل يطالب بفتح مفاوضات اجتماعية جديدة حول الزيادة في الأجور، "
        "وانتقد التضييق على النقابيين."
    )
    assert find_topics(text, "ar", knowledge.topic_rules)[0] == "labour"


def test_a_named_storm_in_the_lead_is_weather_not_a_disaster(knowledge: Knowledge) -> None:
    text = (
        "Storm Darragh: red warning as 200,000 homes lose power\n"
        "Storm Darragh brought gusts of 96mph to the coast on Saturday as forecasters kept a rare red "
        "warning in place and the weather service said snow would follow on higher ground.\n"
        "A man died when a tree fell on his van, and emergency crews pumped out flooded streets."
    )
    assert text.index("died") > knowledge.topic_rules.lead_chars
    assert find_topics(text, "en", knowledge.topic_rules) == ["weather"]


def test_visas_and_same_sex_marriage_are_society(knowledge: Knowledge) -> None:
    visas = "Kuwait resumes family visit visas\nThe ministry will resume issuing the visas, with a minimum salary."
    assert find_topics(visas, "en", knowledge.topic_rules) == ["society"]
    marriage = (
        "Thailand moves closer to legalising same-sex marriage\nThe parliament voted to approve a bill; "
        "the senate and a vote of the campaigners follow."
    )
    assert find_topics(marriage, "en", knowledge.topic_rules) == ["politics", "society"]
