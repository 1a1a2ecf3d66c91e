"""Arabic entities on subjects the rules were not tuned on (issue 17, tests/data/ar_dev12): one-word
players before a noun, outlets' look-alikes that are places, long ministries, bodies with what they
are for."""

from __future__ import annotations

from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans


def entities(text: str) -> list[tuple[str, str]]:
    spans = find_entities(text, "ar", KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [(s.text, s.label) for s in spans]


def test_a_one_word_player_after_a_sport_role_stops_before_goals_and_verbs() -> None:
    """What a player does comes right after a one-word name: goals, the margin, a verb; not his name."""
    found = entities("وسجل المهاجم تاليسكا هدفين، وقلص المدافع كداد الفارق، وقال إن الحارس مرباح أنقذ فريقه.")
    assert [t for t, label in found if label == "PER"] == ["تاليسكا", "كداد", "مرباح"]


def test_an_ordinal_after_a_given_name_stays_a_regnal_number() -> None:
    assert ("ملعب محمد الخامس", "LOC") in entities("وأقيمت المباراة على ملعب محمد الخامس بالدار البيضاء.")


def test_a_union_head_is_a_title() -> None:
    found = entities("وأوضح نقيب المستشفيات الخاصة سليمان هارون أن المستشفيات تحتاج إلى الوقود.")
    assert ("سليمان هارون", "PER") in found


def test_a_ministry_goes_on_through_every_domain_joined_by_waw() -> None:
    name = "وزارة الفلاحة والصيد البحري والتنمية القروية والمياه والغابات"
    assert entities(f"أعلنت {name} برنامجا لدعم مربي الماشية.") == [(name, "ORG")]


def test_a_region_of_two_names_is_one_place_and_its_council_one_body() -> None:
    assert entities("في جهتي بني ملال خنيفرة ودرعة تافيلالت.") == [
        ("بني ملال خنيفرة", "LOC"),
        ("درعة تافيلالت", "LOC"),
    ]
    assert entities("وقال رئيس مجلس جهة الداخلة وادي الذهب إن المشروع سيوفر المياه.") == [
        ("مجلس جهة الداخلة وادي الذهب", "ORG")
    ]


def test_a_channel_named_by_a_place_word_leaves_that_place_alone() -> None:
    """Once قناة الجزيرة is named, الجزيرة elsewhere is the channel, but not after a noun whose
    complement is a place (شبه الجزيرة, سكان الجزيرة)."""
    text = "وقال لقناة الجزيرة إن الأمطار تعم شبه الجزيرة وإن سكان الجزيرة غادروها، وأكدت الجزيرة ذلك."
    starts = [s.start for s in find_entities(text, "ar", KNOWLEDGE.entities) if s.text == "الجزيرة"]
    assert starts == [text.index("الجزيرة"), text.rindex("الجزيرة")]


def test_bodies_named_by_a_general_head_and_what_they_are_for() -> None:
    found = entities(
        "وأحالت الإدارة العامة للمباحث الجنائية الملف، وستودع الشركة أموالها في المصرف العراقي للتجارة، "
        "وأكدت أمانة عمان الكبرى أن فرقها في الميدان مع القيادة العامة لشرطة دبي، فيما قالت الإدارة "
        "الأمريكية إنها تتابع."
    )
    assert [t for t, label in found if label == "ORG"] == [
        "الإدارة العامة للمباحث الجنائية",
        "المصرف العراقي للتجارة",
        "أمانة عمان الكبرى",
        "القيادة العامة لشرطة دبي",
    ]


def test_a_facility_named_after_a_person_the_base_lacks_is_one_place() -> None:
    """A hospital or airport after a given name and a family name, with its own adjective; not a
    head whose next words are as often a title's (دولة رئيس الوزراء)."""
    found = entities("ونقل الجرحى إلى مستشفى رفيق الحريري الجامعي عبر مطار رفيق الحريري الدولي.")
    assert found == [("مستشفى رفيق الحريري الجامعي", "LOC"), ("مطار رفيق الحريري الدولي", "LOC")]


def test_a_company_named_by_a_place_or_a_head_word_and_what_it_is_for() -> None:
    found = entities(
        "وأعلنت شركة آسيا سيل للاتصالات أنها ستقدم الخدمة، وأكدت شركة الاتحاد للقطارات عودة القطارات."
    )
    assert found == [("آسيا سيل للاتصالات", "ORG"), ("الاتحاد للقطارات", "ORG")]


def test_a_body_takes_a_second_purpose_and_a_nationality_agreeing_with_its_head() -> None:
    found = entities(
        "وقال إن المكتب الوطني للسلامة الصحية للمنتجات الغذائية سيراقب التوزيع، وإن الشركة الوطنية "
        "للسكك الحديدية التونسية ستزيد عدد القطارات."
    )
    assert found == [
        ("المكتب الوطني للسلامة الصحية للمنتجات الغذائية", "ORG"),
        ("الشركة الوطنية للسكك الحديدية التونسية", "ORG"),
    ]


def test_a_federation_named_by_a_feminine_head_but_not_the_adjective_of_a_noun() -> None:
    found = entities(
        "وأعلنت الاتحادية الجزائرية لكرة القدم العقوبة، وقالت الحكومة الاتحادية العراقية إنها ترفض."
    )
    assert found == [("الاتحادية الجزائرية لكرة القدم", "ORG"), ("العراقية", "MISC")]


def test_a_paper_named_by_a_common_word_after_its_descriptor() -> None:
    """One article word closed by punctuation or a stopword after جريدة or صحيفة names the paper; the
    same word elsewhere is the common word, and a verbal or common noun names no paper."""
    found = entities(
        "وقال لجريدة الصباح إن القطارات ستزيد منذ الصباح، وذكرت صحيفة الغد، أن الرسوم سترتفع. "
        "وجاء في صحيفة الاتهام أن المتهم اعترف، وفي صحيفة الدعوى أنه طالب بالتعويض."
    )
    assert found == [("الصباح", "ORG"), ("الغد", "ORG")]


def test_a_body_named_after_a_person_keeps_its_own_adjective() -> None:
    found = entities("وأعلنت جامعة الإمام محمد بن سعود الإسلامية زيادة المقاعد في كليات الشريعة.")
    assert found == [("جامعة الإمام محمد بن سعود الإسلامية", "ORG")]
