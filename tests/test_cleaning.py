"""Cleaning scraped news pages: furniture lines cut by the seed rules, article lines kept, and the
seed still rebuilt byte for byte from the documents and their cuts.

tests/data/scraped_tuning is the set the furniture rules were tuned on; tests/data/realmess is held
out (never tuned on): its floors sit just under what the rules reach.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import KNOWLEDGE

from dataset_builder.annotators.dates import find_dates
from dataset_builder.documents import CHARACTER_CUTS, check_spans, rebuild_seed
from dataset_builder.pipeline import READ_STEP, annotate_files
from dataset_builder.seeds import split_seed
from dataset_builder.silver_eval import evaluate, evaluate_mess

DATA = Path(__file__).resolve().parent / "data"
RULE_IDS = {r.id for r in KNOWLEDGE.seed_rules.line_rules} | {
    "metadata",
    "read_also",
    "related",
    "tail_list",
    "head_label",
    "menu_run",
}


def test_scraped_pages_lose_their_furniture_and_keep_every_article_line() -> None:
    result = evaluate_mess(DATA / "scraped_tuning", KNOWLEDGE)
    print(result.report())
    assert result.documents == 30 and result.body_lost == 0
    # 314/324. The first 18 pages: 197/204 (the six added for outlets' mastheads, newsletter forms,
    # comment forms, "Keep reading" lists and bracketed photo credits: 38/89 cut before). The 12
    # added for other sites' forms (time-first and Hijri date lines, capitalised and Arabic bylines
    # with a dash, BBC image captions, tag lists ending the page, "Listen in Arabic", view counts,
    # separator lines, "ثقافة وفنون" menus): 77/120 cut before, 117/120 now
    # 316/324 since head labels (section names and kickers above the headline) are cut
    assert result.furniture_cut >= result.furniture_lines - 8
    # 30/30 since head labels are cut (29/30 before: a site's own "Trending:" links above the headline
    # were taken as it; 13/18, then 23/30 before that)
    assert result.title_right == result.documents
    assert result.with_topic == result.documents
    # the first 18 pages: recall 1.0, precision 0.95 (disaster on schools reopening after a quake);
    # the 12 added ones miss 3 topics and add 3 (their keywords were not added: see the closing note)
    assert result.topics_overall.recall >= 0.91 and result.topics_overall.precision >= 0.88


def test_cleaning_only_deletes_and_names_the_rule_of_every_cut() -> None:
    for path in sorted((DATA / "scraped_tuning").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        docs = split_seed(path, text, KNOWLEDGE.seed_rules)
        assert rebuild_seed(docs) == text, path.name
        reasons = {c.reason for d in docs for c in d.cuts} - CHARACTER_CUTS
        assert reasons and reasons <= RULE_IDS, (path.name, reasons - RULE_IDS)
        for doc in docs:
            check_spans(doc.text, doc.entities, doc.id)


def test_related_headlines_with_timestamps_go_but_the_articles_headline_and_date_stay_known(
    tmp_path: Path,
) -> None:
    page = (
        "عاجل\n"
        "ارتفاع صادرات مصر من الغاز الطبيعي المسال\n"
        "الأحد 12 مارس 2023 - 10:15 ص\n"
        "ارتفعت صادرات مصر من الغاز الطبيعي المسال خلال الربع الأول، وفق بيان لوزارة البترول.\n"
        "وأضاف البيان أن الشحنات توجهت إلى أوروبا وآسيا.\n"
        "الذهب يستقر قرب أعلى مستوى في أسبوعين\n"
        "منذ ساعتين\n"
        "\n"
        "البورصة تغلق على ارتفاع\n"
        "منذ 4 ساعات\n"
    )
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    ((doc,),), stats = annotate_files([(path, path.read_bytes())], KNOWLEDGE)
    assert doc.title == "ارتفاع صادرات مصر من الغاز الطبيعي المسال"
    assert doc.text.splitlines() == page.splitlines()[1:2] + page.splitlines()[3:5]
    assert (doc.date, doc.date_source) == (dt.date(2023, 3, 12), "header")
    assert [c.reason for c in doc.cuts if c.reason not in CHARACTER_CUTS] == [
        "breaking",
        "date_line",
        "related",
        "related",
        "related",
        "related",
    ]
    assert rebuild_seed([doc]) == page
    counters = stats[READ_STEP].counters
    assert counters["cut by related"] == 4 and counters["cut by breaking"] == 1
    assert "cut by related 4" in stats.to_text()


def test_one_headline_and_timestamp_is_the_article_not_a_related_list(tmp_path: Path) -> None:
    page = (
        "Oil prices climb on supply worries\n2 hours ago\nOil prices rose on Monday as supply worries grew.\n"
    )
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    ((doc,),), _ = annotate_files([(path, path.read_bytes())], KNOWLEDGE)
    assert doc.text.startswith("Oil prices climb on supply worries\n") and doc.title == (
        "Oil prices climb on supply worries"
    )


def test_real_mess_pages_held_out() -> None:
    gold = json.loads((DATA / "realmess" / "gold.json").read_text(encoding="utf-8"))["documents"]
    result = evaluate_mess(DATA / "realmess", KNOWLEDGE)
    print(result.report())
    assert result.documents == len(gold) == 16
    assert result.body_lost <= FLOORS["body_lost"]
    assert result.furniture_cut >= FLOORS["furniture_cut"]
    assert result.with_topic >= FLOORS["with_topic"]
    assert result.title_right >= FLOORS["title_right"]
    assert result.topics_overall.precision >= FLOORS["topic_precision"]
    assert result.topics_overall.recall >= FLOORS["topic_recall"]


FLOORS: dict[str, float] = {
    "body_lost": 0,
    "furniture_cut": 169,  # of 194 (171 reached after scraped_dev10's captions and page tools; 169
    # after scraped_dev8's players, notices, share rows and breadcrumbs; 164 before them; 157 after
    # scraped_tuning4's forms and head labels; 154 after tests/data/scraped_tuning2's forms, 150 before;
    # 136 before the second tuning batch, 121 before the outlets' mastheads and forms, 9 before the line rules)
    "with_topic": 16,  # 5 with the politics-only taxonomy
    "title_right": 14,  # 14 reached after scraped_dev8's rules; 12 after scraped_tuning4's head labels; 10
    # after tests/data/scraped_tuning2's
    # forms (9 before them, 8 before the
    # second tuning batch, 4 before the outlets' mastheads)
    "topic_precision": 0.88,  # 0.895 reached, 19 gold topics, 19 found (0.621, 29 found, before lead_chars)
    "topic_recall": 0.88,  # 0.895 reached (0.947 before lead_chars and max_topics; 0.158 before the taxonomy)
}
"""Just under what the rules reach on tests/data/realmess (measured once, after tuning elsewhere)."""


ARTICLE_LINES = [
    "Follow-up talks are expected next week",
    "Pictures of the flood spread on social media, showing cars swept away",
    "The court ruled the copyright claim invalid",
    "The bakery sold 10,000 cookies",
    "The company updated its privacy policy after the fine",
    "Welcome to the new era, said the minister.",
    "Subscribers to the service rose 10%",
    "سجل معدل التضخم 21% في ديسمبر",
    "تبرع رجل أعمال بمليون دولار للمستشفى",
    "تقرير أممي يحذر من مجاعة في السودان",
    "تحرير سعر الصرف",
    "موقع أثري جديد في الأقصر",
    "صور الأقمار الصناعية أظهرت حجم الدمار في المدينة",
    "تابعوا باهتمام تطورات الأزمة",
    "الكويت - كونا",
    "أخبار سارة للمزارعين",
    "Sources said the talks would resume on Monday.",
    "Save the Children said 40 children were missing.",
    "Followers of the cleric gathered outside the court",
    "Golf courses were flooded after the storm",
    "المصدر الرئيسي للدخل هو السياحة",
    "الاسم الجديد للمدينة أثار جدلا",
    "قراءة في نتائج الانتخابات",
    "الشرق الأوسط يشهد موجة حر",
    "Al Jazeera's correspondent in Gaza said the strikes continued.",
    "Israeli strike kills Al Jazeera correspondent",
    "مصر والسعودية تبحثان تعزيز التعاون",
    "Copy of the letter was sent to the court",
    "Comments by the minister angered farmers",
    # lines near the forms added for tests/data/scraped_tuning2's sites
    "Explainer | Why oil prices are rising this winter",
    "The minister is a former journalist at the state broadcaster.",
    "خبير: الهاتف حمل تطبيق تجسس دون علم صاحبه",
    "Pakistan and India agree to talks",
    "Published reports said the talks failed.",
    "الرأي العام ينقسم حول القرار",
    "منذ ثلاث سنوات لم تمطر السماء",
    "استمع القاضي إلى أقوال الشهود",
    "Continue reading the statement, the judge told the court.",
    # lines near the forms added for tests/data/scraped_tuning3's sites
    "Subscribers to the service rose 10%",
    "ارتفع التضخم إلى 35.8 %",
    "Support for the plan fell sharply",
    "Fire Service report",
    "موسم 2023 24 سبتمبر",
    "خاص بالمواطنين",
    "Save the date: the festival opens on Friday.",
]
FURNITURE_LINES = [
    "Follow us on Twitter @GHDaily",
    "تابعونا على فيسبوك وتويتر",
    "اشترك في النشرة البريدية",
    "We use cookies to improve your experience. By continuing you accept our Privacy Policy.",
    "© 2022 Global Health Daily. All rights reserved.",
    "جميع الحقوق محفوظة © 2023 بوابة الأخبار",
    "كتب: محمد عبد الرحمن",
    "By Jane Doe and Ahmed Ali",
    "Welcome to Global Health Daily",
    "مرحبا بكم في موقع الخبر",
    "Support Our Journalism",
    "Text Size",
    "الرئيسية القائمة البحث",
    "Home > Business > Markets",
    "IMG_20230202_1455.jpg",
    "Federal Reserve Chair Jerome Powell speaks in Washington. REUTERS/Evelyn Hockstein",
    "صورة أرشيفية",
    "عاجل",
    "مشاركة :",
    "Updated 2 years ago",
    "August 17, 2023 4:02 AM GMT+3",
    "Click here to share on social media",
    "Sign up here.",
    "Purchase Licensing Rights, opens new tab",
    "Source: Al Jazeera and news agencies",
    "A man carries bread outside a bakery in Cairo [File: Amr Abdallah Dalsh/Reuters]",
    "https://arab.news/8bq2x",
    "Arab News",
    "Football",
    "اليوم السابع",
    "هسبريس",
    "قراءة 2 دقائق",
    "تعليقات (0)",
    "إضافة تعليق",
    "تابعوا آخر أخبار الإمارات عبر Google News",
    "المصدر: وكالات",
    "BY MARK HENDERSON",
    "Updated 4:32 PM GMT+2, November 8, 2023",
    "نشر: 18:20-1 أكتوبر 2023 م ـ 16 ربيع الأول 1445 هـ",
    "| الأحد 05-11-2023 14:22",
    "كتبت- سارة علي:",
    "Associated Press writer Jill Lawless contributed to this report.",
    "Health and science correspondent",
    "Image source, Getty Images",
    "___",
    "Link copied",
    "Scroll to continue with content",
    "Listen In Arabic",
    "Leave a comment",
    "عدد المشاهدات: 1520",
    "لمزيد من أخبار التكنولوجيا اضغط هنا",
    "ثقافة وفنون",
    # the forms added for tests/data/scraped_tuning2's sites (other wordings than its pages')
    "Jane Smith is a senior health correspondent at Example News",
    "Sara Ahmed | The Gulf Post",
    "Opinion | Columns",
    "الرئيسية :: رياضة :: محلي",
    "3 دقائق قراءة",
    "5 تعليقات",
    "Comments (3) Closed",
    "استمع",
    "اترك تعليقاً",
    "Your email address will not be published. Required fields are marked *",
    "Read in app",
    "Already a subscriber? Log in",
    "Load more",
    "A version of this article appears in print on March 3, 2024, Section A, Page 6.",
    "The BBC is not responsible for the content of external sites.",
    "المقالات المنشورة تعبر عن رأي كتابها",
    "لمتابعة آخر الأخبار حمّل تطبيق الموقع",
    "تابع صفحتنا على إنستغرام",
    "Getty Images",
    "AFP",
    "أ ف ب",
    "منذ 5 ساعات",
    "آخر تحديث",
    "Updated:",
    "السبت 10 شوال 1444 هـ - 29 أبريل 2023 م",
    "10:30 ص الأحد 12 مارس 2023",
    "5 مارس 2023 09:15 مساءً",
    "Ali Khan Published March 3, 2024 Updated 2 hours ago",
    "إيلاف",
    "Highlights",
    "Sections",
    "الجمعة 15 شتنبر 2023 - 10:00",
    # the forms added for tests/data/scraped_tuning3's sites (other wordings than its pages')
    "GMT 19:30 2023 الأحد 24 سبتمبر",
    "آخر تحديث GMT 14:02:11",
    "1 أكتوبر 2023 - 16 ربيع الأول 1445",
    "By AP - Mar 03,2024 - Last updated at Mar 04,2024",
    "Published date: 3 March 2024 10:15 GMT",
    "March 3rd, 2024",
    "2024-03-03T10:15:00Z",
    "Posted: 5 hours ago",
    "بوابة الوفد",
    "صدى البلد نيوز",
    "CNN",
    "حصري",
    "Live updates",
    "Follow us on Telegram",
    "شارك هذا الخبر",
    "مصراوي على جوجل نيوز",
    "فعّل التنبيهات لتصلك آخر الأخبار",
    "Support The Independent",
    "Funded by readers, free for everyone",
    "Gift this story",
    "Save articles for reading later",
    "by Jane Smith",
    "Omar Hassan, Chief Correspondent",
    "Jane Smith is a reporter who covers climate and energy.",
    "Gulf Times staff",
    "سارة أحمد (الرياض) sabq_news@",
    "Standings",
    "عالمي ومحلي",
    "الدوري المصري",
    "Dow Jones 38,904.04 +0.12%",
]


def test_article_lines_that_look_like_furniture_are_kept_and_furniture_is_not() -> None:
    rules = KNOWLEDGE.seed_rules
    assert [line for line in ARTICLE_LINES if rules.furniture(line)] == []
    assert [line for line in FURNITURE_LINES if not rules.furniture(line)] == []


def _kept(page: str) -> tuple[str, int]:
    """What cleaning keeps of ``page``, and how many lines the tail-list rule cut."""
    (doc,) = split_seed(Path("page.txt"), page, KNOWLEDGE.seed_rules)
    return doc.text, sum(c.reason == "tail_list" for c in doc.cuts)


def test_a_list_under_a_heading_at_the_end_of_the_page_goes_but_not_an_article_that_goes_on() -> None:
    body = "Measles cases rose sharply in Europe last year.\nThe agency urged governments to act."
    tail = (
        "Related topics\nVaccination\nWorld Health Organization\nMore on this story\nWhy are cases rising?\n"
    )
    assert _kept(f"{body}\n{tail}") == (body, 4)  # "World Health Organization" goes as a menu line
    # a furniture line (a copyright) may close the list; the heading's line may end with a colon
    copyright_line = "© 2024 Example Media. All rights reserved."
    tagged = f"{body}\nTopics:\nArtificial intelligence\n{copyright_line}\n"
    assert _kept(tagged) == (body, 1)  # "Topics:" itself goes as a tags line
    # a sentence after the heading: the article goes on, nothing is a list
    going_on = f"{body}\nMore on this story\nOfficials said the campaign would start in May."
    assert _kept(going_on) == (going_on, 0)
    no_heading = f"{body}\nVaccination\nSemiconductors"
    assert _kept(no_heading) == (no_heading, 0)


def test_every_scraped_page_gets_its_publication_date() -> None:
    result = evaluate(DATA / "scraped_tuning", KNOWLEDGE)
    print(result.report())
    # 28/30 before year-first dates (2024/03/28) and time-first date lines with a Hijri date were read
    assert (result.date_right, result.dates_invented, result.documents) == (30, 0, 30)


def _head_cuts(page: str) -> tuple[str | None, list[str]]:
    (doc,) = split_seed(Path("page.txt"), page, KNOWLEDGE.seed_rules)
    return doc.title, [c.text.strip() for c in doc.cuts if c.reason == "head_label"]


def test_section_names_and_kickers_above_the_headline_are_cut() -> None:
    body = "Samsung said on Tuesday it would build a new research complex south of Seoul.\n"
    headline = "Samsung to build new chip research complex in Yongin"
    assert _head_cuts(f"Industry\nClimate crisis\n\n{headline}\n{body}") == (
        headline,
        ["Industry", "Climate crisis"],
    )
    assert _head_cuts(f"تعليم\nالتربية تعتمد دواما مرنا لطلبة الحلقة الأولى\n{body}")[1] == ["تعليم"]
    # a dateline or credit (punctuation, digits) is no label; nor a longer line, nor lines after the headline
    for kept in ("دبي: «الخليج»", "مكة المكرمة (واس)", "بغداد/ واع", "Elections 2024"):
        assert _head_cuts(f"{kept}\n{headline}\n{body}")[1] == [], kept
    assert _head_cuts(f"{headline}\nKey points\n{body}")[1] == []
    # a page of short lines only has no headline to find: nothing is cut
    assert _head_cuts("Industry\nSemiconductors\n")[1] == []


def test_a_date_label_above_its_date_is_no_related_headline() -> None:
    page = (
        "New MRT line to open in stages from 2025, says LTA\n"
        "Updated\nMar 13, 2024, 09:10 AM\nPublished\nMar 12, 2024, 06:00 PM\n"
        "The first stage of the line will open in 2025, the authority said.\n"
    )
    (doc,) = split_seed(Path("page.txt"), page, KNOWLEDGE.seed_rules)
    assert [c.reason for c in doc.cuts if c.reason not in CHARACTER_CUTS] == ["date_line"] * 4


def test_the_outlets_name_above_the_headline_is_cut_when_its_copyright_or_welcome_line_gives_it() -> None:
    headline = "Metro rail trial runs to begin on the new corridor next week"
    body = "Trial runs on the new corridor will begin next week, officials said on Tuesday.\n"
    page = f"The New Indian Express\nCities\n{headline}\n{body}© 2024 The New Indian Express. All rights reserved.\n"
    assert _head_cuts(page) == (headline, ["The New Indian Express", "Cities"])
    welcome = f"Welcome to The Peninsula Qatar\nThe Peninsula Qatar\n{headline}\n{body}"
    assert _head_cuts(welcome) == (headline, ["The Peninsula Qatar"])
    # without such a line, a three-word line above the headline is kept
    assert _head_cuts(f"The New Indian Express\n{headline}\n{body}")[1] == []


def _line_cuts(page: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The title, and (rule, line) of every line cleaning cut, in page order."""
    (doc,) = split_seed(Path("page.txt"), page, KNOWLEDGE.seed_rules)
    return doc.title, [(c.reason, c.text.strip()) for c in doc.cuts if c.reason not in CHARACTER_CUTS]


def test_short_lines_among_menu_lines_go_but_the_articles_subheadings_and_lists_stay() -> None:
    headline = "Egypt raises the price of subsidised bread"
    page = (
        "Skip to main content\nMenu\nWorld\nOddities\nPhotography\nPolitics\nReligion\nBusiness\n"
        f"{headline}\n"
        "Egypt raised the price of subsidised bread on Saturday, the government said.\n"
        "Getty Images\nAdvertisement\nWhy it matters\n"
        "About 70 million people rely on the programme, officials said.\n"
        "Top films\nSattar\nBarbie\n"
        "The ministry said the list would be updated every month.\n"
        "Updated: May 20, 2024, 12:05 PM\nEmirates\nDubai\nAviation\n"
    )
    title, cuts = _line_cuts(page)
    assert title == headline
    assert [line for rule, line in cuts if rule == "menu_run"] == [
        "Oddities",
        "Photography",
        "Religion",
        "Emirates",
        "Dubai",
        "Aviation",
    ]
    kept = {line for line in page.splitlines()} - {line for _, line in cuts}
    # a subheading under a caption and an advertisement line, a list under article text
    assert {"Why it matters", "Top films", "Sattar", "Barbie"} <= kept
    # a tag list that ends the page goes only after a furniture line: a list ending the article stays
    ending = (
        f"{headline}\nThe list of winners was published on Sunday, the jury said.\nSattar\nBarbie\nDune\n"
    )
    assert _line_cuts(ending)[1] == []


def test_a_related_lists_heading_bare_names_above_a_date_and_separators_go() -> None:
    page = (
        "Aramco signs deals with Chinese firms\n"
        "The agreements are part of a broader push to secure long-term buyers.\n"
        "Adam Lucente\nMay 15, 2024\n|\n"
        "Saudi Aramco signed three memorandums of understanding on Wednesday, the company said.\n"
        "Latest updates\n"
        "Saudi Arabia to host esports world cup\n5 min ago\n"
        "Jeddah port handles record cargo\n22 min ago\n"
    )
    title, cuts = _line_cuts(page)
    assert title == "Aramco signs deals with Chinese firms"
    assert cuts == [
        ("byline_name", "Adam Lucente"),
        ("date_line", "May 15, 2024"),
        ("support", "|"),
        ("related", "Latest updates"),
        ("related", "Saudi Arabia to host esports world cup"),
        ("related", "5 min ago"),
        ("related", "Jeddah port handles record cargo"),
        ("related", "22 min ago"),
    ]
    # a headline of capitalised words above its date is the headline: no kept line is above it
    assert _line_cuts("Gaza Ceasefire Talks\nMay 15, 2024\nTalks resumed in Cairo on Wednesday.\n")[1] == [
        ("date_line", "May 15, 2024")
    ]


def test_counters_contacts_and_photo_credits_go_but_datelines_stay() -> None:
    body = "Saudi cinemas sold more than 5 million tickets in the first quarter, the commission said.\n"
    furniture = [
        ("counter", "1234 مشاهدة"),
        ("counter", "1,204 shares"),
        ("contact", "newsletter@alquds.co.uk"),
        ("image", "Moviegoers at a cinema in Riyadh. (Supplied)"),
        ("image", "The Aramco logo is seen at a conference in Manama. (REUTERS/Hamad I Mohammed)"),
        ("image", "An Emirates Airbus A350. Photo: Emirates"),
        ("image", "مواطنون يتسوقون في أحد أسواق الرياض (واس)"),
        ("image", "جانب من الحملة"),
        ("byline", "Reporting from Bangkok"),
        ("byline", "The New Arab Staff & Agencies"),
        ("support", "تخطي إلى المحتوى"),
        ("share", "اشترك في قائمتنا البريدية"),
        ("date_line", "التاريخ: 12 فبراير 2024"),
        ("support", "Access the Middle East's top news, analysis and insights"),
        ("support", "Click here to subscribe"),
        ("support", "المقال التالي"),
        ("support", "Most viewed"),
        ("breadcrumb", "Economy • Oil • OPEC"),
    ]
    for rule, line in furniture:
        assert _line_cuts(f"Saudi cinema box office hits record\n{body}{line}\n{body}")[1] == [
            (rule, line)
        ], line
    for kept in ("مكة المكرمة (واس)", "الرياض - واس", "دبي: «الخليج»", "He said:", "The deals include:"):
        assert _line_cuts(f"Saudi cinema box office hits record\n{body}{kept}\n{body}")[1] == [], kept
    # a dateline with the outlet in guillemets above the headline is text, but not the title
    arabic = "سجلت درجات الحرارة 49.8 درجة مئوية في منطقة مزيرعة بالظفرة، بحسب المركز الوطني للأرصاد.\n"
    title, cuts = _line_cuts(f"أبوظبي: «الخليج»\nالحرارة تلامس 50 درجة في المنطقة الغربية\n{arabic}")
    assert (title, cuts) == ("الحرارة تلامس 50 درجة في المنطقة الغربية", [])


def test_headlines_with_their_time_on_one_line_go_in_runs_but_a_sentences_time_stays() -> None:
    body = (
        "Oil prices rose on Monday after OPEC+ agreed to extend output cuts into next year, traders said.\n"
    )
    listed = [
        "Gold steadies near two-week high | 2 hours ago",
        "Dollar slips against the yen | 3 hours ago",
        "Asian shares mixed after Fed minutes - 12:30",
    ]
    schedule = "The match kicks off at 18:00\nGates open to fans at 16:30\n"
    page = "Oil prices climb as OPEC extends cuts\n" + body + schedule + "\n".join(listed) + "\n"
    assert _line_cuts(page)[1] == [("related", line) for line in listed]
    # one such line alone is no list
    assert _line_cuts("Oil prices climb as OPEC extends cuts\n" + body + listed[0] + "\n" + body)[1] == []
    arabic = "ارتفعت أسعار الذهب في التعاملات الصباحية، بحسب متعاملين.\n"
    related = ["الذهب يستقر قرب أعلى مستوى منذ ساعتين", "البورصة المصرية تغلق على ارتفاع منذ 4 ساعات"]
    page = "الذهب يرتفع في التعاملات الصباحية\n" + arabic + "\n".join(related) + "\n"
    assert _line_cuts(page)[1] == [("related", line) for line in related]
    # labelled date lines are the page's dates, not a list
    dates = "آخر تحديث: الأربعاء 13 آذار 2024 - 09:10\nنُشر في: الثلاثاء 12 آذار 2024 - 18:40\n"
    cuts = _line_cuts("الذهب يرتفع في التعاملات الصباحية\n" + dates + arabic)[1]
    assert [rule for rule, _ in cuts] == ["date_line", "date_line"]


def test_a_one_word_first_line_is_no_title() -> None:
    body = "Saudi Aramco signed three memorandums of understanding on Wednesday, the company said.\n"
    headline = "Aramco signs deals with Chinese firms for refinery expansion"
    assert _line_cuts(f"Zawya.com\n{headline}\n{body}") == (headline, [])
    assert _line_cuts(f"{headline}\n{body}")[0] == headline


def test_a_bare_arabic_name_above_the_date_is_a_byline_but_a_headline_is_not() -> None:
    headline = "تحرير 1250 مخالفة تموينية في حملات على المخابز"
    body = "حررت مديريات التموين 1250 مخالفة خلال حملات على المخابز والأسواق خلال الأسبوع الماضي.\n"
    title, cuts = _line_cuts(f"{headline}\nمحمد فتحي\nالأحد 9 يونيو 2024\n{body}")
    assert (title, cuts[0]) == (headline, ("byline_name", "محمد فتحي"))
    # the first kept line is never taken for a name (it is the headline)
    cuts = _line_cuts(f"ارتفاع الأسعار\nالأحد 9 يونيو 2024\n{body}")[1]
    assert "byline_name" not in {rule for rule, _ in cuts}


def test_tags_without_a_heading_between_the_last_sentence_and_the_footer_go() -> None:
    head = "أمطار رعدية على الرياض والقصيم والشرقية حتى الجمعة\n"
    body = "توقع المركز الوطني للأرصاد هطول أمطار رعدية متوسطة إلى غزيرة على مناطق الرياض والقصيم.\n"
    footer = "© 2024 جريدة الرياض - جميع الحقوق محفوظة\n"
    assert _line_cuts(f"{head}{body}الأرصاد\nأمطار\n{footer}")[1] == [
        ("menu_run", "الأرصاد"),
        ("menu_run", "أمطار"),
        ("copyright", footer.strip()),
    ]
    # no footer after them, one line only, or bullets: the article's
    assert _line_cuts(f"{head}{body}الأرصاد\nأمطار\n")[1] == []
    assert _line_cuts(f"{head}{body}الأرصاد\n{footer}")[1] == [("copyright", footer.strip())]
    assert _line_cuts(f"{head}{body}- الرياض\n- القصيم\n{footer}")[1] == [("copyright", footer.strip())]


# (set, documents, furniture lines it may still miss, titles right): scraped_dev8 (other outlets'
# templates than the tuning sets) measured before the rules it led to: 293/336 furniture lines cut, 2
# body lines lost ("- السعودية", a list item taken for a menu), 9/15 titles; after them 333/336, none
# lost, 14/15. scraped_dev10 (outlets' templates of no earlier set) before its rules: 209/245, none
# lost, 13/14 titles (the Times' "Skip to site index" taken for the headline); after them 242/245, 14/14.
# scraped_dev11 (outlets of no earlier set) before its rules: 147/164, 6 body lines lost (title-case
# subheadings such as "Talks Resume in Washington" taken for bylines), 13/14 titles (a masthead); after
# them 160/164 (captions without a credit and a bare name above a dateline left), none lost, 14/14.
# scraped_dev12 (outlets of no earlier set) before its rules: 175/202, a winner's name under "Women's
# winner:" lost as a byline, 8/14 titles (date lines with a Hijri date or in Eastern digits, two
# mastheads), 11/14 dates (a numeric Hijri date read as the year 1446); after them 194/202 (captions
# without a credit, a bare name above one, a slogan and a related headline left), none lost, 13/14
# titles (the slogan under the masthead), 14/14 dates.
# scraped_dev13 (outlets of no earlier set) before its rules: 140/165, 2 body lines lost (a title
# starting "تقرير:" read as a credit, the subheading "Travel Times" as a masthead), 10/14 titles (four
# masthead slogans), 14/14 dates; after them 161/165 (three captions right above the article's text
# and an "outlet - reporter" byline left), none lost, 14/14 titles, 14/14 dates.
SCRAPED_DEV_SETS = [
    ("scraped_dev8", 15, 6, 14),
    ("scraped_dev10", 14, 4, 14),
    ("scraped_dev11", 14, 4, 14),
    ("scraped_dev12", 14, 8, 13),
    ("scraped_dev13", 14, 4, 14),
]


@pytest.mark.parametrize(("name", "documents", "missed", "titles"), SCRAPED_DEV_SETS)
def test_scraped_dev_pages_lose_their_furniture_and_keep_every_article_line(
    name: str, documents: int, missed: int, titles: int
) -> None:
    result = evaluate_mess(DATA / name, KNOWLEDGE)
    print(result.report())
    assert (result.documents, result.body_lost) == (documents, 0)
    assert result.furniture_cut >= result.furniture_lines - missed
    assert result.title_right >= titles
    dates = evaluate(DATA / name, KNOWLEDGE)
    assert (dates.date_right, dates.dates_invented) == (documents, 0)


# dates_dev1 (date lines in forms of no earlier set) before its rules: 13/16 dates (a two-digit year
# after dots, after slashes and after an apostrophe missed), 0 wrong or invented, 84/90 furniture
# lines, 12/16 titles ("أكتوبر 22, 2024", "السبت 3 آب 2024 (منذ 5 ساعات)" and "Wed 15 Jan '25 |
# 08:15" kept and taken for the headline); after them 16/16 dates, 0 invented, 87/90, 15/16 titles
# (a masthead with its country under it and "Comments are closed" left).
def test_date_lines_of_every_form_give_the_publication_date_and_go() -> None:
    result = evaluate_mess(DATA / "dates_dev1", KNOWLEDGE)
    print(result.report())
    assert (result.documents, result.body_lost) == (16, 0)
    assert result.furniture_cut >= result.furniture_lines - 3
    assert result.title_right >= 15
    dates = evaluate(DATA / "dates_dev1", KNOWLEDGE)
    assert (dates.date_right, dates.dates_invented) == (16, 0)


def test_a_two_digit_year_is_read_only_in_a_cut_date_line() -> None:
    rules = KNOWLEDGE.date_rules
    for line, expected in (
        ("نشر في: 21.07.25 - 09:14", dt.date(2025, 7, 21)),
        ("Fri 7/3/25", dt.date(2025, 3, 7)),
        ("Wed 15 Jan '25 | 08:15", dt.date(2025, 1, 15)),
        ("Published: 18-Feb-25", dt.date(2025, 2, 18)),
    ):
        assert [f.date for f in find_dates(line, rules, short_years=True)] == [expected]
        assert find_dates(line, rules) == []
    # a full year wins; a version number or a score is no date
    assert [f.date for f in find_dates("05.12.2024 - 18:40", rules, short_years=True)] == [
        dt.date(2024, 12, 5)
    ]
    assert find_dates("v1.2.3.25", rules, short_years=True) == []


def test_a_city_and_a_reporters_name_is_a_byline_a_city_and_an_outlet_a_dateline() -> None:
    head = "البنك المركزي المصري يرفع أسعار الفائدة 200 نقطة أساس\n"
    body = "قررت لجنة السياسة النقدية للبنك المركزي المصري رفع أسعار الفائدة بواقع 200 نقطة أساس.\n"
    for byline in ("القاهرة - محمد علي", "الكويت – أحمد عبد العزيز السيد:", "محمد علي - القاهرة"):
        assert _line_cuts(f"{head}{byline}\n{body}")[1] == [("place_byline", byline)]
    # a dateline naming an agency or the outlet, or with a colon, is the article's (GUIDELINES.md, 1)
    for dateline in (
        "الكويت - كونا",
        "دبي - البيان",
        "عمان - العرب اليوم",
        "لندن - اندبندنت عربية",
        "لندن - سكاي نيوز عربية",
        "القاهرة - بوابة الأهرام",
        "الرياض: عبد الهادي حبتور",
    ):
        assert _line_cuts(f"{head}{dateline}\n{body}")[1] == []
    head = "Egyptian court jails rights lawyer for five years\n"
    body = "An Egyptian court on Tuesday sentenced a human rights lawyer to five years in prison.\n"
    assert _line_cuts(f"{head}By Hassan al-Sayed, Cairo\n{body}")[1] == [
        ("place_byline", "By Hassan al-Sayed, Cairo")
    ]
    for byline in ("Cairo – Mohamed Salem", "Jane Doe – London", "Jane Doe in Cairo"):
        assert _line_cuts(f"{head}{byline}\n{body}")[1] == [("capitalised_byline", byline)]
    assert _line_cuts(f"{head}London – New York\n{body}")[1] == []


def test_a_headline_in_title_case_is_kept_where_the_same_words_below_it_are_a_byline() -> None:
    body = "Thousands of people marched through central Cairo on Friday, demanding lower bread prices.\n"
    for headline in ("Protests Erupt in Cairo", "Markets Rally - London", "Salah Scores Twice in Liverpool"):
        title, cuts = _line_cuts(f"{headline}\nJane Doe in Cairo\n{body}")
        assert (title, cuts) == (headline, [("capitalised_byline", "Jane Doe in Cairo")])
    # below a masthead the rules cut, the headline is still the page's first kept line
    title, cuts = _line_cuts(f"Skip to content\nProtests Erupt in Cairo\n{body}")
    assert title == "Protests Erupt in Cairo"
    assert ("capitalised_byline", "Protests Erupt in Cairo") not in cuts


def test_a_subheading_in_title_case_below_the_first_paragraph_is_kept_where_above_it_is_a_byline() -> None:
    head = "Ceasefire talks resume after a two-week pause\n"
    para = "Negotiators from both sides returned to the table on Monday, UN officials said.\n"
    more = "The talks are expected to last three days.\n"
    for subheading in ("Talks Resume in Geneva", "Vaccination Gaps in Berlin", "Markets Rally - London"):
        assert _line_cuts(f"{head}{para}{subheading}\n{more}")[1] == []
    # above the article's first sentence (under a standfirst without a stop) the same form is a byline
    standfirst = "Both sides agree to seek a deal within four months\n"
    for byline in ("Jane Doe in Geneva", "Ruth Michaelson in Cairo"):
        assert _line_cuts(f"{head}{standfirst}{byline}\n{para}")[1] == [("capitalised_byline", byline)]


def test_a_dashed_list_item_naming_a_country_is_the_articles_not_a_menu() -> None:
    head = "ارتفاع الصادرات المصرية غير البترولية 14% خلال الربع الأول\n"
    body = "أعلنت وزارة التجارة والصناعة ارتفاع الصادرات غير البترولية إلى 7.7 مليار دولار.\n"
    items = "أبرز الأسواق المستوردة:\n- السعودية\n- الإمارات\n- إيطاليا\n"
    assert _line_cuts(f"{head}{body}{items}مشاركة :\n")[1] == [("share", "مشاركة :")]
    # the same country alone on its line is still a menu's
    assert _line_cuts(f"السعودية\n{head}{body}")[1] == [("navigation", "السعودية")]


def test_players_notices_and_share_rows_go_with_their_rules_named() -> None:
    body = "The waiting list for hospital treatment in England has fallen for the fifth month in a row.\n"
    furniture = [
        ("player", "00:00 / 02:31"),
        ("player", "شاهد الفيديو"),
        ("player", "Listen on Spotify"),
        ("notice", "This article is more than 1 year old"),
        ("notice", "Why you can trust Sky News"),
        ("notice", "Powered by automated translation"),
        ("notice", "Ad Feedback"),
        ("share", "Share this article: Facebook | X | WhatsApp"),
        ("share", "شارك عبر: فيسبوك تويتر"),
        ("share", "Have you been affected? Contact our newsdesk."),
        ("share", "تنزيل تطبيق أخبار الأمم المتحدة"),
        ("support", "Fund independent journalism with £5 per month"),
        ("support", "تعليقات الزوار (7)"),
        ("byline", "Denis Campbell Health policy editor"),
        ("byline", "Review by Helen Marsh"),
        ("byline", "م ع ع / ب ش"),
        ("masthead", "وكالة الأنباء الكويتية - كونا"),
        ("masthead", "The Northern Courier"),
        ("masthead", "Bristol Evening Star"),
        ("image", "A large wave crashes against the harbour wall in Portrush. Pic: PA"),
        ("image", "زوار في أحد أجنحة المعرض (الجزيرة)"),
        ("ticker", "FTSE 100 8,475.2 +0.6%"),
        ("cookie", "Google Analytics"),
        ("cookie", "Manage preferences"),
        ("image", "صورة رقم 123456"),
        ("image", "AFP via Getty Images"),
        ("share", "Get it on Google Play"),
        ("support", "You have 3 free articles left"),
        ("byline", "With AFP"),
        ("byline", "About the author"),
        ("byline", "Publisher: Dubai Media Incorporated"),
        ("copyright", "Designed by Example Studio"),
        ("date_line", "Date: April 12, 2021"),
        ("date_line", "Posted: 12-Apr-2021"),
        ("date_line", "الاثنين 12 أبريل 2021 - الساعة 12:53 مساءً"),
        ("date_line", "الساعة 12:53"),
    ]
    for rule, line in furniture:
        assert _line_cuts(f"NHS waiting list in England falls again\n{body}{line}\n{body}")[1] == [
            (rule, line)
        ], line
    # headlines and sentences that share their words stay
    for line in [
        "خبير: الهاتف حمل تطبيق تجسس دون علم صاحبه",
        "Guardian appoints new health editor",
        "The bill now goes to the Senate, which is not expected to block it",
        "The app is available on the App Store and Google Play.",
        "Powered by renewable energy",
        "CEO: We will expand into Asia",
        "Accept the offer, union tells workers",
        "Managing editor resigns over report",
        "With AFP's help, the team traced the fossil",
        "Designed by Zaha Hadid, the stadium seats 40,000.",
        "Terms and conditions apply to the new loans",
        "صورة أرشيفية للرئيس",
    ]:
        assert KNOWLEDGE.seed_rules.furniture(line) is None, line


def test_page_tools_credits_and_a_time_before_the_date_of_new_outlets_go() -> None:
    """Forms of scraped_dev11's outlets (DW, Gulf Times, Egypt Independent, Times of Oman, Al-Yaum)."""
    body = "Oman's first satellite has completed its final tests, the ministry said on Thursday.\n"
    furniture = [
        ("support", "Skip next section"),
        ("support", "Send us your feedback"),
        ("support", "Most Viewed in Business"),
        ("share", "Follow Gulf Times on"),
        ("image", "Jakub Mensik reacts after winning his semi-final. PICTURE: Shaji Kayamkulam"),
        ("byline", "Edited translation from Al-Masry Al-Youm"),
        ("byline", "محرر في قسم العلوم والتقنية بصحيفة اليوم"),
        ("date_line", "Published: 09:13 AM, Jan 11, 2024 | Updated: 10:02 AM, Jan 11, 2024"),
        ("masthead", "The Arab Weekly"),
        ("masthead", "Al-Masry Al-Youm"),
    ]
    for rule, line in furniture:
        assert _line_cuts(f"Oman's first satellite completes tests\n{body}{line}\n{body}")[1] == [
            (rule, line)
        ], line
    # a bare name above a share row is a byline; sentences that share the forms' words stay
    assert _line_cuts(f"Oman's first satellite completes tests\n{body}Rania Hossam\nShare\n{body}")[1] == [
        ("byline_name", "Rania Hossam"),
        ("share", "Share"),
    ]
    for line in [
        "Follow the money on Wall Street",
        "The translation from Arabic took two years.",
        "Translated by volunteers, the book reached millions.",
        "مراسل في قلب المعركة",
        "Most viewed the ruling as a victory.",
    ]:
        assert KNOWLEDGE.seed_rules.furniture(line) is None, line


def test_hijri_and_gregorian_date_lines_captions_and_credits_of_new_outlets_go() -> None:
    """Forms of scraped_dev12's outlets (Al-Watan, Al-Madina, Akhbar Al-Khaleej, Al-Mada, Al-Wasat,
    Al-Ayyam, Gulf Daily News, Qatar Tribune, The Media Line)."""
    body = "قضت محكمة استئناف طرابلس بسجن ثلاثة مسؤولين سابقين في المؤسسة العامة للكهرباء.\n"
    head = "محكمة استئناف طرابلس تقضي بسجن مسؤولين سابقين\n"
    en_head = "Fire guts warehouse in Sitra industrial area\n"
    en_body = "A fire destroyed a furniture warehouse in the Sitra industrial area yesterday.\n"
    furniture = [
        ("date_line", "الأحد 1446/05/15 هـ الموافق 2024/11/17 م"),
        ("date_line", "السبت ١٤ جمادى الأولى ١٤٤٦ هـ - ١٦ نوفمبر ٢٠٢٤ م"),
        ("date_line", "العدد : 16942 - الجمعة ٠١ مارس ٢٠٢٤ م، الموافق ٢٠ شعبان ١٤٤٥هـ"),
        ("date_line", "العدد (5812) | 04-12-2024"),
        ("image", "مزارعون يقطفون ثمار الزيتون في قرية قرب نابلس، أمس. (وفا)"),
        ("image", "سائقون أمام حافلات متوقفة في محطة باب عليوة بالعاصمة التونسية (فرانس برس)"),
        ("share", "تابعوا آخر الأخبار عبر قناة الوسط على تيليجرام"),
    ]
    en_furniture = [
        ("date_line", "Sunday, December 8, 2024 / Jumada Al-Akhirah 6, 1446"),
        ("image", "Runners set off from the Corniche at the start of the race. (QNA)"),
        ("image", "King Talal Dam, north of Amman, in October. (Mohammad Al-Kassim/The Media Line)"),
        ("byline", "Tribune News Network"),
        ("masthead", "The Media Line"),
        ("navigation", "Africa, Egypt, Middle East, News"),
    ]
    for (rule, line), (top, text) in [
        *((item, (head, body)) for item in furniture),
        *((item, (en_head, en_body)) for item in en_furniture),
    ]:
        assert _line_cuts(f"{top}{text}{line}\n{text}")[1] == [(rule, line)], line
    # datelines, result lines and sentences with an agency's name in brackets stay
    for line in [
        "1- ماكس فيرستابن (ريد بول)",
        "مكة المكرمة (واس)",
        "وقال المتحدث إن الاجتماع عقد في 12 مارس 2024 - 10 رمضان",
        "Kenya's Kiprop said the race was his best in 2024. (Reuters)",
        "Cairo, Egypt",
        "Egypt, Jordan and Morocco signed the deal.",
        "Business, politics, sport: the paper covers everything.",
    ]:
        assert KNOWLEDGE.seed_rules.furniture(line) is None, line


def test_captions_slogans_reading_times_and_pages_go_but_titles_and_subheadings_like_them_stay() -> None:
    """Forms of scraped_dev13's outlets (Al-Sabah, Al-Akhbar, Akhbarona, L'Orient Today, Libya Herald,
    Muscat Daily, Zawya, The North Africa Post)."""
    head = "تقرير: البصرة تتوقع موسماً قياسياً لتصدير التمور\n"
    body = "توقعت مديرية زراعة البصرة أن تتجاوز صادرات المحافظة من التمور هذا الموسم 60 ألف طن.\n"
    # a slogan under the masthead is no headline; a title starting with تقرير: is no credit
    title, cuts = _line_cuts(
        f"الصباح\nجريدة عراقية يومية سياسية عامة\n{head}نخيل في قضاء أبي الخصيب\n3 دقائق قراءة\n{body}"
    )
    assert title == head.strip()
    assert cuts == [
        ("head_label", "الصباح"),
        ("slogan", "جريدة عراقية يومية سياسية عامة"),
        ("caption", "نخيل في قضاء أبي الخصيب"),
        ("reading_time", "3 دقائق قراءة"),
    ]
    assert _line_cuts(f"{head}تقرير: محمد علي\n{body}")[1] == [("byline", "تقرير: محمد علي")]
    # a bare name above a reading time is the byline; pages of a paginated article go
    assert _line_cuts(f"{head}ليا القزي\n4 دقائق قراءة\n{body}صفحة 1 من 2\n")[1] == [
        ("byline_name", "ليا القزي"),
        ("reading_time", "4 دقائق قراءة"),
        ("support", "صفحة 1 من 2"),
    ]
    en_head = "Analysis: Why Lebanon's depositors are still waiting five years on\n"
    en_body = (
        "Five years after Lebanese banks froze dollar accounts, a plan to return deposits is still stuck.\n"
    )
    for slogan in (
        "Lebanon's news, in English",
        "Libya's leading independent English-language news source",
        "Plural news and views on Sudan",
        "News & Analysis on North Africa",
    ):
        title, cuts = _line_cuts(f"Libya Herald\n{slogan}\n{en_head}{en_body}")
        assert (title, cuts) == (en_head.strip(), [("masthead_name", "Libya Herald"), ("slogan", slogan)]), (
            slogan
        )
    caption = "Depositors protest outside a bank in Beirut."
    assert _line_cuts(f"{en_head}{caption}\nPublished on December 12, 2024\n4 min read\n{en_body}")[1] == [
        ("caption_sentence", caption),
        ("date_line", "Published on December 12, 2024"),
        ("reading_time", "4 min read"),
    ]
    assert _line_cuts(f"{en_head}{caption}\nBy Sami Zaptia.\n{en_body}")[1] == [
        ("caption", caption),
        ("byline", "By Sami Zaptia."),
    ]
    # a time after an em dash is the date line's too
    assert _line_cuts(f"{en_head}4 Dec 2024 — 10:31 PM\n{en_body}")[1] == [
        ("date_line", "4 Dec 2024 — 10:31 PM")
    ]
    # below the article's first sentence, or naming people, or a dateline: the line stays
    for line, below in (
        ("Tickets cost 350 liras.", "Advertisement"),
        ("Imports resume next week.", "3 min read"),
    ):
        assert (line, "support") not in _line_cuts(f"{en_head}{en_body}{line}\n{below}\n{en_body}")[1]
        assert all(text != line for _, text in _line_cuts(f"{en_head}{en_body}{line}\n{below}\n{en_body}")[1])
    assert _line_cuts(f"{en_head}Zoe Wood and Kalyeena Makortoff\nThu 17 Apr 2025 07.15 BST\n{en_body}")[
        1
    ] == [("date_line", "Thu 17 Apr 2025 07.15 BST")]
    assert _line_cuts(f"{head}لندن - اندبندنت عربية\n3 دقائق قراءة\n{body}")[1] == [
        ("reading_time", "3 دقائق قراءة")
    ]
    # an Arabic short line above the date may be a subtitle: only an English caption sentence goes there
    assert _line_cuts(f"{head}نخيل في قضاء أبي الخصيب\nالخميس 5 كانون الأول 2024\n{body}")[1] == [
        ("date_line", "الخميس 5 كانون الأول 2024")
    ]
    # an English newspaper's name goes above the article, a subheading like it below the first sentence stays
    rail = (
        "Morocco's national railway company ONCF has ordered 18 high-speed trains for the Marrakech line.\n"
    )
    assert _line_cuts(f"Libya Herald\n{en_head}{rail}Travel Times\n{rail}")[1] == [
        ("masthead_name", "Libya Herald")
    ]
    # an author box's bio and a syndication disclaimer go; a list under "Related Posts" too
    bio = "Rana Haddad covers economics and finance for L'Orient Today."
    assert _line_cuts(f"{en_head}{en_body}About the author\nRana Haddad\n{bio}\n")[1] == [
        ("byline", "About the author"),
        ("byline_name", "Rana Haddad"),
        ("byline", bio),
    ]
    disclaimer = "Disclaimer: The content of this article is syndicated or provided to this website from an external third party provider."
    tail = f"Trending\nUAE: Dubai Holding launches new REIT\n{disclaimer}\n"
    assert [r for r, _ in _line_cuts(f"{en_head}{en_body}{tail}")[1]] == ["navigation", "tail_list", "notice"]
    related = "Related Posts\nSudan's army advances in Sennar\nPosted in News, Health\n"
    assert [r for r, _ in _line_cuts(f"{en_head}{en_body}{related}")[1]] == [
        "support",
        "tail_list",
        "support",
    ]


def test_a_bare_name_is_a_byline_above_furniture_unless_a_line_ending_in_a_colon_introduces_it() -> None:
    headline = "Kenya's Kiprop wins Doha Marathon in course record\n"
    body = "Kenya's Daniel Kiprop won the Doha Marathon on Friday night in a course record.\n"
    assert _line_cuts(f"{headline}{body}Women's winner:\nHiwot Gebrekidan\nShare\n")[1] == [
        ("share", "Share")
    ]
    assert _line_cuts(f"{headline}{body}Rania Hossam\nShare\n{body}")[1] == [
        ("byline_name", "Rania Hossam"),
        ("share", "Share"),
    ]
    # a bare name above a photo credit or above the city of a byline is the byline too
    credit = "King Talal Dam, north of Amman, in October. (Mohammad Al-Kassim/The Media Line)"
    assert _line_cuts(f"{headline}Mohammad Al-Kassim\n{credit}\n{body}")[1] == [
        ("byline_name", "Mohammad Al-Kassim"),
        ("image", credit),
    ]
    ar_headline = "إضراب عام في قطاع النقل بتونس احتجاجاً على تأخر الأجور\n"
    ar_body = "شلّ إضراب عام قطاع النقل العمومي في تونس بعد فشل المفاوضات بين النقابة والوزارة.\n"
    assert _line_cuts(f"{ar_headline}آمال الهلالي\nتونس\n04 ديسمبر 2024\n{ar_body}")[1] == [
        ("byline_name", "آمال الهلالي"),
        ("navigation", "تونس"),
        ("date_line", "04 ديسمبر 2024"),
    ]


def test_date_lines_with_a_time_after_the_date_or_only_a_hijri_date_go(tmp_path: Path) -> None:
    body = "أطلقت وزارة الصحة حملة وطنية للتلقيح ضد الحصبة تستهدف الأطفال دون سن الخامسة.\n"
    headline = "وزارة الصحة تطلق حملة تلقيح ضد الحصبة في 12 ولاية"
    pages = {
        "نشر في 14 جانفي 2025 على الساعة 09:15": dt.date(2025, 1, 14),
        "الأحد، 5 ربيع الأول 1443 هـ": None,  # no Gregorian date: none is guessed
    }
    en = "Storm Eowyn: Red weather warning issued for Scotland\nA rare red weather warning has been issued.\n"
    for line, date in [*pages.items(), ("Thursday 23 January 2025 10:45, UK", dt.date(2025, 1, 23))]:
        page = (
            f"{en.split(chr(10))[0]}\n{line}\n{en.split(chr(10))[1]}\n"
            if "UK" in line
            else f"{headline}\n{line}\n{body}"
        )
        path = tmp_path / "page.txt"
        path.write_text(page, encoding="utf-8")
        ((doc,),), _ = annotate_files([(path, path.read_bytes())], KNOWLEDGE)
        assert [c.reason for c in doc.cuts if c.reason not in CHARACTER_CUTS] == ["date_line"], line
        assert doc.title == page.split("\n")[0] and doc.date == date, line


def test_links_under_a_read_also_marker_may_ask_or_follow_a_section_name() -> None:
    head = "Dubai court jails gang for Dh3 million phone scam\n"
    body = "The Dubai Criminal Court has sentenced five men to three years in jail each, records showed.\n"
    assert _line_cuts(f"{head}{body}More from UAE\nUAE reports 1,928 new COVID-19 cases\n5 hours ago\n")[
        1
    ] == [
        ("read_also", "More from UAE"),
        ("read_also", "UAE reports 1,928 new COVID-19 cases"),
        ("read_also", "5 hours ago"),
    ]
    assert _line_cuts(f"{head}{body}Read more:\nWhat is a red weather warning?\n")[1] == [
        ("read_also", "Read more:"),
        ("read_also", "What is a red weather warning?"),
    ]
    # after a colon the marker's line holds its link; a question further down is the article's
    question = "What happens next?"
    assert _line_cuts(f"{head}{body}Read more: Police warn of phone scams\n{question}\n{body}")[1] == [
        ("read_also", "Read more: Police warn of phone scams")
    ]
    assert _line_cuts(f"{head}{body}Read more:\nPolice warn of phone scams\n{question}\n{body}")[1] == [
        ("read_also", "Read more:"),
        ("read_also", "Police warn of phone scams"),
    ]


def test_a_breadcrumb_and_a_long_menu_above_the_headline_go_but_a_short_headline_stays() -> None:
    headline = "Dubai court jails gang for Dh3 million phone scam"
    body = "The Dubai Criminal Court has sentenced five men to three years in jail each, records showed.\n"
    assert _line_cuts(f"UAE / Courts\n{headline}\n{body}") == (headline, [("head_label", "UAE / Courts")])
    assert _line_cuts(f"Israel / Gaza war\n{body}{body}")[1] == []
    menu = "Menu\nU.S. News\nWorld News\nPolitics\nFact Check\nOddities\nBe Well\nNewsletters\nClimate\nSign in\n"
    title, cuts = _line_cuts(f"{menu}{headline}\n{body}")
    assert title == headline and len(cuts) == 10
    # the kept block right above the first longer line may end in a short headline: it stays
    short = "Storm Eowyn latest"
    title, cuts = _line_cuts(f"Menu\nPolitics\nWorld News\nFact Check\nOddities\n{short}\n{body}")
    assert title == short and short not in [line for _, line in cuts]


def test_one_related_headline_and_its_time_closing_the_page_go_but_the_articles_headline_stays() -> None:
    head = "وزارة الصحة تطلق حملة تلقيح ضد الحصبة في 12 ولاية\n"
    body = "أطلقت وزارة الصحة حملة وطنية للتلقيح ضد الحصبة تستهدف الأطفال دون سن الخامسة.\n• حمى مرتفعة\n"
    related = "المزيد من الصحة\nحمى المستنقعات: تسجيل حالات جديدة في الجنوب\nقبل 6 ساعات\n"
    assert _line_cuts(f"{head}{body}{related}مشاركة :\n")[1] == [
        ("related", "المزيد من الصحة"),
        ("related", "حمى المستنقعات: تسجيل حالات جديدة في الجنوب"),
        ("date_line", "قبل 6 ساعات"),
        ("share", "مشاركة :"),
    ]
    # article text after it, or none above it: the article's own headline and date
    assert [r for r, _ in _line_cuts(f"{head}{body}{related}{body}")[1]] == ["date_line"]
    page = "Oil prices climb on supply worries\n2 hours ago\n© 2024 Example Media\n"
    assert [r for r, _ in _line_cuts(page)[1]] == ["date_line", "copyright"]
