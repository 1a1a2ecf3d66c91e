"""Arabic people of real-world news (issue 17, tests/data/ar_dev8): where a name ends before the
sentence's nouns, compound names whose second word is also a title."""

from __future__ import annotations

from conftest import KNOWLEDGE

from dataset_builder.annotators.entities import find_entities
from dataset_builder.documents import check_spans


def people(text: str) -> list[str]:
    spans = find_entities(text, "ar", KNOWLEDGE.entities)
    check_spans(text, spans, "test")
    return [s.text for s in spans if s.label == "PER"]


def test_a_common_noun_with_the_article_is_no_family_name() -> None:
    """A foreign name of plain words does not run into the object after it (يعادل … النتيجة)."""
    assert people("قبل أن يعادل المهاجم الكونغولي بانغا بيساكا النتيجة للرجاويين في الشوط الثاني.") == [
        "بانغا بيساكا"
    ]


def test_a_verbal_noun_behind_a_proclitic_ends_a_name() -> None:
    """بتركيز is ب and a verbal noun, not a name word after الفريق (also a military title)."""
    assert people("وقال المدرب: «الفريق لعب بتركيز عال، والأهم هو النقاط».") == []


def test_a_feminine_nisba_names_no_family() -> None:
    """الرياضية describes the sports city named after the king; it is no family name of عبد الله."""
    assert "عبد الله الرياضية" not in people("على ملعب مدينة الملك عبد الله الرياضية بجدة.")


def test_a_compound_name_with_a_title_word_after_abu() -> None:
    """أبو الشيخ is a family name although الشيخ alone is a title."""
    assert people("وقال ممثل منظمة الصحة العالمية في الأردن جميل أبو الشيخ إن الحملة بدأت.") == [
        "جميل أبو الشيخ"
    ]


def test_a_chief_economist_and_a_conductor_are_titles() -> None:
    """كبيرة الاقتصاديين vouches for the name set off after her company; المايسترو for the name after it."""
    assert people("قالت كبيرة الاقتصاديين في شركة إي إف جي هيرميس، منى بدير، إن القرار كان متوقعا.") == [
        "منى بدير"
    ]
    assert people("وقدمت الفرقة السيمفونية بقيادة المايسترو ميساك باغبودريان أمسية الافتتاح.") == [
        "ميساك باغبودريان"
    ]


def test_a_role_whose_body_ends_in_a_number_sets_off_the_name() -> None:
    """A tatweel and a number (لـجي 42،) do not end the role before the comma."""
    assert people("من جهته، أكد الرئيس التنفيذي لـجي 42، بنغ شياو، أن الشركة ستستخدم المنصة.") == ["بنغ شياو"]


def test_basim_is_a_given_name_after_the_spokesmans_body_or_a_comma() -> None:
    """باسم after المتحدث is "on behalf of"; said again after the body, or set off by a comma, it is the
    given name. Alone it starts no name (المتحدث باسم الحكومة is no person)."""
    assert people("قال المتحدث باسم الحكومة باسم العوادي إن المشروع سيخفض الاعتماد.") == ["باسم العوادي"]
    assert people("وقال مدير عام شركة نفط البصرة، باسم عبد الكريم، إن المشروع سيعالج الغاز.") == [
        "باسم عبد الكريم"
    ]
    assert people("وقال المتحدث باسم الحكومة إن المشروع سيخفض الاعتماد.") == []


def test_a_title_chain_runs_through_the_constructs_naming_the_body() -> None:
    """A title ending in a construct noun takes its complement (رئيس مجلس إدارة الهيئة), and a title
    heading a body named by constructs (رئيس قسم الطوارئ) reaches the name after it."""
    assert people("وقال رئيس مجلس إدارة الهيئة سليم الأذينة لوكالة الأنباء الكويتية إن السرعات زادت.") == [
        "سليم الأذينة"
    ]
    assert people("وقال رئيس قسم الطوارئ كمال المالكي إن المستشفى استقبل المصابين.") == ["كمال المالكي"]


def test_a_family_name_behind_ba_set_off_by_commas() -> None:
    """بركة looks like ب and a noun, but a name set off by commas after a role ends at its comma."""
    assert people(
        "وقال الأمين العام للحزب، نزار بركة، خلال اجتماع المجلس الوطني، إن الحزب يدعم الحكومة."
    ) == ["نزار بركة"]
    assert people("وفازت النجمة المصرية يسرا بجائزة الإنجاز.") == []


def test_a_family_name_that_is_a_title_closes_a_name_set_off_by_commas() -> None:
    """الشيخ is a title, but as the last word before the comma of a set-off name it is the family's."""
    assert people("من جهته، هنأ رئيس الجامعة التونسية للتنس، سليم الشيخ، اللاعبة بهذا الإنجاز.") == [
        "سليم الشيخ"
    ]


def test_a_player_known_by_one_name_after_a_sport_role() -> None:
    """After a sport role one word closed by a noun, a لل-word or punctuation is a player (ar_dev10),
    and the same word elsewhere in the text is he; an adjective after the role is no name."""
    assert people("وسجل اللاعب كهربا هدف اللقاء، وغاب المهاجم تاليسكا للإصابة. وأشاد المدرب بكهربا.") == [
        "كهربا",
        "تاليسكا",
        "كهربا",
    ]
    assert people("وأكد أن اللاعب الدولي سيكون جاهزا، وأن اللاعب نفسه طلب الرحيل.") == []
    assert people("وقال الوزير كهربا إن") == []  # one word after a title that is no sport role


def test_an_injury_or_a_substitute_after_a_sport_role_is_no_player() -> None:
    """Injury reports put a noun behind a proclitic right after the role (أصيب المهاجم بقطع): a
    common noun of the rules' not_names, not a player known by one name."""
    for sentence in (
        "وأصيب المهاجم بقطع في الرباط الصليبي خلال المباراة.",
        "وأصيب الحارس بكسر في اليد.",
        "وتعرض اللاعب لإصابة في الركبة.",
        "وأصيب المهاجم بشد عضلي.",
        "وشارك اللاعب بديلا في الشوط الثاني.",
    ):
        assert people(sentence) == [], sentence


def test_long_names_of_four_and_five_parts() -> None:
    """Names with بن and آل, a father's and grandfather's given names, an article given name before a
    family name, and a family name that is a title before the comma (ar_dev10)."""
    assert people("استقبل الشيخ محمد بن عبد الرحمن بن جاسم آل ثاني رئيس الوزراء.") == [
        "محمد بن عبد الرحمن بن جاسم آل ثاني"
    ]
    assert people("بالسجن المشدد للمتهم أحمد عبد الفتاح محمود السيد، مدير فرع سابق.") == [
        "أحمد عبد الفتاح محمود السيد"
    ]
    assert people("كما عاقبت المحكمة المتهمة الثانية سارة محمد عبد العزيز إبراهيم بالسجن 3 سنوات.") == [
        "سارة محمد عبد العزيز إبراهيم"
    ]
    assert people("وصدر الحكم برئاسة المستشار محمد السعيد الشربيني، وعضوية المستشارين.") == [
        "محمد السعيد الشربيني"
    ]


def test_mauritanian_names_with_ould() -> None:
    """ولد joins a Mauritanian name, also before a father's name that is a title (ولد الشيخ), after a
    given name with the article (المختار) and opening a name after a title (الرئيس ولد الغزواني)."""
    assert people("أصدر رئيس الجمهورية محمد ولد الشيخ الغزواني، مساء الجمعة، مرسوما.") == [
        "محمد ولد الشيخ الغزواني"
    ]
    assert people("برئاسة الوزير الأول المختار ولد اجاي.") == ["المختار ولد اجاي"]
    assert people("الرئيس ولد الغزواني يعين حكومة جديدة") == ["ولد الغزواني"]
    assert people("وقال إن الرئيس ولد في القاهرة.") == []


def test_amin_is_a_title_unless_a_name_goes_on_after_it() -> None:
    """أمين is a title (أمين عام, أمين الصندوق) but a second given name inside محمد أمين عمورة."""
    assert people("واختتم البديل محمد أمين عمورة الرباعية.") == ["محمد أمين عمورة"]
    assert people("بينما انتقد أمين عام الحزب المعارض تشكيلتها، بعد بلاغ من أمين الصندوق بالفرع.") == []


def test_a_common_noun_behind_a_proclitic_starts_no_name() -> None:
    """بجهود and بأربعة after a title chain or a counterpart are a noun and a number, no name."""
    assert people("فيما أشاد الأمين العام لمجلس السيادة بجهود الكوادر الطبية.") == []
    assert people("حقق المنتخب فوزا على نظيره الغيني بأربعة أهداف دون رد.") == []
