"""The silver annotators on held-out news they were not written for (tests/data/heldout).

The floors sit just under what the annotators reach; a change that loses recall, precision or a
date fails here. The rules are tuned on tests/data/tuning and the seeds, never on this set.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import KNOWLEDGE

from dataset_builder.silver_eval import evaluate, evaluate_mess

DATA = Path(__file__).resolve().parent / "data"


def test_heldout_gold_offsets_read_their_text() -> None:
    gold = json.loads((DATA / "heldout" / "gold.json").read_text(encoding="utf-8"))["documents"]
    assert len(gold) >= 12 and {g["language"] for g in gold.values()} == {"ar", "en"}
    result = evaluate(DATA / "heldout", KNOWLEDGE)  # raises on a span that misreads
    assert result.documents == len(gold)


def test_silver_on_heldout_news_stays_above_its_floor() -> None:
    result = evaluate(DATA / "heldout", KNOWLEDGE)
    print(result.report())
    assert result.overall.precision >= 0.93  # measured 0.933
    assert result.overall.recall >= 0.835  # 0.840 (0.835 before issue 17's people rules)
    assert result.overall.f1 >= 0.88  # 0.884 (0.881)
    assert result.per_language["ar"]["overall"].f1 >= 0.84  # 0.847 (0.841)
    assert result.per_language["ar"]["PER"].f1 >= 0.83  # 0.833 (0.800)
    assert result.language_right == result.documents
    assert result.date_right == result.documents
    assert result.dates_invented == 0


def test_silver_on_the_tuning_set() -> None:
    result = evaluate(DATA / "tuning", KNOWLEDGE)  # 30 articles, 13 of them written after the rules
    assert result.overall.f1 >= 0.98 and result.overall.precision >= 0.995  # measured 0.985, 1.000
    assert result.per_language["ar"]["PER"].f1 >= 0.96  # 0.964 (0.861 before issue 17's people rules)
    assert result.date_right == result.documents
    topics = evaluate_mess(DATA / "tuning", KNOWLEDGE)  # topics only: no body lines in its gold
    assert topics.with_topic == topics.documents and topics.pages == 0
    assert topics.topics_overall.precision >= 0.93  # 0.939 (0.744 before lead_chars and max_topics)
    assert topics.topics_overall.recall >= 0.9  # 0.912 (0.853 before)


def test_silver_on_the_arabic_tuning_set() -> None:
    """tests/data/ar_tuning: Arabic news excerpts in the style of scraped sites, written by hand before
    the issue 17 rules for real-world Arabic news were tuned on them."""
    result = evaluate(DATA / "ar_tuning", KNOWLEDGE)
    print(result.report())
    people, bodies = result.per_language["ar"]["PER"], result.per_language["ar"]["ORG"]
    # measured 0.889, 0.947 (0.878, 0.937 before the organisation rules; 0.702, 0.814 before issue 17's)
    assert result.overall.f1 >= 0.88 and result.overall.precision >= 0.94
    assert people.recall >= 0.82 and people.precision >= 0.95  # 0.832, 0.966 (0.436, 0.733 before)
    assert bodies.recall >= 0.80 and bodies.precision >= 0.96  # 0.811, 0.968 (0.784, 0.956; 0.568, 0.875)
    assert result.date_right == result.documents


def test_silver_on_the_organisation_tuning_set() -> None:
    """tests/data/org_tuning: Arabic and English news excerpts rich in organisations named by a head
    noun, written by hand before the organisation rules for real-world news were tuned on them."""
    result = evaluate(DATA / "org_tuning", KNOWLEDGE)
    print(result.report())
    ar, en = result.per_language["ar"]["ORG"], result.per_language["en"]["ORG"]
    # measured 0.855, 0.921 (0.701, 0.781 before the organisation rules)
    assert result.overall.f1 >= 0.85 and result.overall.precision >= 0.91
    assert ar.recall >= 0.74 and ar.precision >= 0.95  # 0.750, 0.960 (0.531, 0.836 before)
    assert en.recall >= 0.77 and en.precision >= 0.95  # 0.780, 0.955 (0.606, 0.880 before)
    assert result.date_right == result.documents


def test_silver_on_the_news_tuning_set() -> None:
    """tests/data/news_tuning: Arabic and English news excerpts with page furniture (sport, companies,
    health, disasters, courts, science), written by hand before the issue 17 rules for unknown
    companies, clubs and footballers, شركة + a name and adjectival ministry domains were tuned on them."""
    result = evaluate(DATA / "news_tuning", KNOWLEDGE)
    print(result.report())
    ar, orgs = result.per_language["ar"]["overall"], result.per_label["ORG"]
    # measured P 0.968, R 0.906, F1 0.936 (0.899, 0.669, 0.767 before)
    assert result.overall.f1 >= 0.93 and result.overall.precision >= 0.96
    assert ar.f1 >= 0.94  # 0.943 (0.777 before)
    assert orgs.recall >= 0.92 and orgs.precision >= 0.96  # 0.923, 0.964 (0.556, 0.890 before)
    assert result.language_right == result.documents
    assert result.date_right == result.documents and result.dates_invented == 0


def test_entities_on_the_real_mess_set_stay_above_their_floor() -> None:
    """Scraped pages (tests/data/realmess, never tuned on): entities on the body lines, scored on raw
    offsets through the cleaning cuts. Measured once: P 0.909, R 0.728, F1 0.808; Arabic F1 0.791.
    After issue 17's people and organisation rules (measured once): P 0.910, R 0.741, F1 0.817, ORG
    recall 0.760 (was 0.733)."""
    result = evaluate(DATA / "realmess", KNOWLEDGE)
    print(result.report())
    assert result.overall.precision >= 0.90
    assert result.overall.recall >= 0.72
    assert result.overall.f1 >= 0.81
    assert result.per_language["ar"]["overall"].f1 >= 0.785
    assert result.per_label["ORG"].recall >= 0.75
