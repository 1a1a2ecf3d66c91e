"""Entity knowledge compiled: the knowledge base (``entities.json``), the registry gazetteer
(:mod:`dataset_builder.knowledge.gazetteer`), the names learned from gold (``learned_aliases.json``)
as one Aho-Corasick automaton per language, and the trigger rules of ``entity_rules.json`` as
patterns and word tables. Applied by :mod:`dataset_builder.annotators.entities`."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

import ahocorasick

from dataset_builder.errors import InputError
from dataset_builder.knowledge.registries import RegistryNames
from dataset_builder.knowledge.schema import ENTITY_RULES, EntitiesFile, EntityRulesFile, LearnedAliasesFile
from dataset_builder.knowledge.text import LetterMarks, after_lam, latin_folded, letter_marks, normalise
from dataset_builder.schema import ENTITY_LABELS

_EN_NAME_WORD = r"[A-Z][A-Z’'\-]*+[a-z][A-Za-z’'\-]*+"
"""A capitalised word with a lowercase letter (Sisi, McDonald, O'Brien), always its whole run of letters,
apostrophes and hyphens: possessive, so a failed match never retries the word's shorter prefixes (the
backtracking that made the English rules the entity step's slowest part). Used only where whitespace or
the pattern's end follows the word, where no shorter prefix could match anyway."""
_EN_NAME_WORD_BEFORE_BOUNDARY = r"[A-Z][A-Za-z’'\-]*[a-z][A-Za-z’'\-]*"
"""The same word before a ``\\b``, where a prefix may end the match (Egypt’s: Egypt)."""
_EN_NAME_WORD_AT_START = r"[A-Z](?<!\w[A-Z])[A-Z’'\-]*+[a-z][A-Za-z’'\-]*+"
"""The word after ``\\b``, written to start with its capital: a pattern that starts with a character
set is only tried where one of those characters stands, several times faster than trying ``\\b`` at
every position. The look-behind (no word character before the capital) is the ``\\b``."""
_EN_ACRONYM_AT_START = r"[A-Z](?<!\w[A-Z])[A-Z]++"
"""An acronym starting a name (HSBC Holdings, NBD): capitals only, whole (possessive), after no word
character; starts with its capital, as above."""
_EN_INITIALS = r"(?:[A-Z]\.){1,3}+"
"""Initials inside a name (Daniel J. O'Connor, Alexandra A.E. Shapiro)."""
_EN_SPACED_INITIALS = r"[A-Z]\.(?:[^\S\n]?[A-Z]\.){0,2}+"
"""Initials opening a name after a title (Judge A. B. Khan, Dr J.R. Menon), one space or none apart."""
_EN_INITIALS_AT_START = r"[A-Z](?<![\w’'.-][A-Z])\.(?:[^\S\n]?[A-Z]\.){0,2}+"
"""Initials opening a name (M.S. Dhoni, B. Sai Sudharsan, J. R. Menon: one space may part them),
after no word character or dot; starts with its capital, as above."""
_EN_ACRONYM = r"\((?P<acr>[A-Z][A-Za-z]{1,7})\)"
_EN_FIRST_WORD = r"[A-Z](?<![\w’'-][A-Z])[A-Z’'\-]*+[a-z][A-Za-z’'\-]*+(?<![’']s)"
"""A name's first word: no word character, apostrophe or hyphen before it, and no possessive
(England's Mark Taylor is Mark Taylor); starts with its capital, as above."""

_V = TypeVar("_V")


# the English patterns tried only where one of their words starts (see WordStarts)
PERSON = 0
ORG_CUED = 1
APPOSITION = 2
ORG_CUED_AFTER = 3


@dataclass(frozen=True, slots=True)
class WordStarts:
    """Where the words of a few patterns start in a text (titles, cues), found in one Aho-Corasick
    pass for all: a pattern every match of which starts with one of its words is then matched there
    alone (:func:`started_matches`), where a pattern that starts with a letter and a look-behind is
    tried at every letter of the text, several times slower."""

    automaton: ahocorasick.Automaton
    """Every word, with its length and the patterns it starts (no word: an empty automaton)."""

    def find(self, text: str) -> tuple[list[int], ...]:
        """The sorted starts of each pattern's words in ``text`` (by :data:`PERSON` …)."""
        found: tuple[set[int], ...] = tuple(set() for _ in range(ORG_CUED_AFTER + 1))
        if self.automaton.kind == ahocorasick.AHOCORASICK:
            for end, (length, patterns) in self.automaton.iter(text):
                for pattern in patterns:
                    found[pattern].add(end + 1 - length)
        return tuple(sorted(starts) for starts in found)


def started_matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)``, every one of which starts at one of ``starts``."""
    pos = 0
    for at in starts:
        if at >= pos and (m := pattern.match(text, at)) is not None:
            yield m
            pos = m.end()


def _word_starts(words: dict[int, Iterable[str]]) -> WordStarts:
    """The automaton of :class:`WordStarts` for each pattern's words."""
    patterns: dict[str, set[int]] = {}
    for pattern, its_words in words.items():
        for word in its_words:
            patterns.setdefault(word, set()).add(pattern)
    automaton = ahocorasick.Automaton()
    for word, which in sorted(patterns.items()):
        automaton.add_word(word, (len(word), tuple(sorted(which))))
    if len(automaton):
        automaton.make_automaton()
    return WordStarts(automaton)


@dataclass(frozen=True, slots=True)
class EntityKnowledge:
    """The compiled knowledge base and rules (see :class:`dataset_builder.knowledge.Knowledge`)."""

    automata: dict[str, ahocorasick.Automaton]
    names: dict[tuple[str, str], tuple[str, str]]
    proclitics: frozenset[str]
    ar_titles: dict[str, tuple[int, tuple[str, ...]]]
    """Arabic titles by the word they start with, bare or behind a proclitic (ووزير): the proclitic's
    length and the titles, longest first — one dict look-up per word of the text."""
    ar_modifiers: frozenset[str]
    ar_stopwords: frozenset[str]
    en_person: re.Pattern[str]
    en_org: re.Pattern[str]
    en_country_org: re.Pattern[str]
    """A country's abbreviation the base knows, then capitalised words ending in an organisation head:
    one government body (US Geological Survey, UK Met Office, US Navy), not a place and a body."""
    en_org_of: re.Pattern[str]
    """An organisation head, then "of" or "for" and capitalised words, once or twice (Bank of England,
    Office for the Coordination of Humanitarian Affairs), then "and" and one or two words (Department
    of Science and Technology): the name starts at its head."""
    en_loc: re.Pattern[str]
    """Capitalised words before a place head (Downing Street), a name's particle between two of them
    (Sheikh Mohammed bin Zayed Road), or after a place prefix (Mount Arafat)."""
    en_misc: re.Pattern[str]
    """Capitalised words before an event or award head (World Cup) or after a storm or operation prefix."""
    en_loc_cue: re.Pattern[str]
    """Any place head or prefix (the schema requires both): a text without one holds no ``en_loc``
    match and is not searched for one (``en_loc`` starts with two alternatives, so re tries it at
    every position)."""
    en_misc_cue: re.Pattern[str]
    """Any event head or prefix, likewise for ``en_misc``."""
    ar_facilities: dict[str, str]
    """Facility heads (مطار), bare or behind a proclitic (بمطار) → the bare head; likewise below."""
    ar_qualified_facility_heads: tuple[str, ...]
    """Heads (محطة) that, before a place and another word, name where a measure was taken: the place alone."""
    en_stopwords: frozenset[str]
    en_titles: frozenset[str]
    en_org_heads: frozenset[str]
    en_company_suffixes: frozenset[str]
    ar_counterparts: frozenset[str]
    ar_connectors: frozenset[str]
    ar_verb: re.Pattern[str]
    """Imperfect verb forms (يستقبل, يتوجه): a verb never starts a name."""
    ar_not_first: re.Pattern[str]
    """Verbal-noun patterns (تقدير, استقبال, إعلان) that never start a name."""
    ar_org_heads: dict[str, str]
    ar_org_complemented: dict[str, str]
    """Organisation heads in the construct state: their first article word is part of the name."""
    ar_complemented: dict[str, str]
    """Titles that take a genitive complement (وزيرة الخزانة, قائد الجيش): one article word after them."""
    en_particle_name: re.Pattern[str]
    """A name with a particle (al-, bin, Al): ``Abdullatif al-Zayani`` is a person with no title before it."""
    en_said: re.Pattern[str]
    en_said_after: re.Pattern[str] | None
    """After a comma or closing quote, a ``speaker_after_verbs`` verb and two or three capitalised
    words (an initial may come first) up to punctuation: "…," said Naka Matsuzawa, chief strategist.
    None when the rules list no such verb."""
    en_named: re.Pattern[str]
    """Two or three capitalised words: a person when the first is a known given name (Michel Aoun);
    initials may stand before the last words (Daniel J. O'Connor)."""
    en_initialled: re.Pattern[str]
    """Initials and one to three capitalised words: a person (M.S. Dhoni, B. Sai Sudharsan)."""
    en_first_names: frozenset[str]
    """Two or three capitalised words right before "said"/"told": a person."""
    model_labels: dict[str, str]
    """A token-classification model's entity types → the schema's labels (PERS → PER, GPE → LOC)."""
    contextual_forms: dict[str, ahocorasick.Automaton]
    """Names the base gives an entity only in context (brackets, quotes, after a descriptor)
    (:func:`contextual_table`), one automaton per language, a form's value (its rank in sorted
    order, form, entity id, label): one pass finds which forms a document holds, rather than one
    search per form."""
    ar_descriptors: dict[str, str]
    """Descriptor words (صحيفة, نادي), bare or behind a proclitic → the bare word."""
    ar_company_descriptors: dict[str, str]
    ar_media_descriptors: dict[str, str]
    ar_paper_descriptors: dict[str, str]
    ar_club_descriptors: dict[str, str]
    ar_purpose_heads: dict[str, str]
    """Heads that name a body only with what it is for (الشركة), bare or behind a proclitic → the bare word."""
    """Words in front of a club's name (نادي), bare or behind a proclitic → the bare word."""
    ar_company_trade_nouns: frozenset[str]
    """Nouns of what a state company does (نفط): with a place after شركة, the descriptor is in the name."""
    """Words in front of an outlet's name (قناة), bare or behind a proclitic → the bare word."""
    """Words in front of a company's name (شركة), bare or behind a proclitic → the bare word."""
    ar_not_names: frozenset[str]
    ar_not_purposes: frozenset[str]
    """لل-words of time that end a body's name (للمرة), normalised."""
    ar_heads_before_known: frozenset[str]
    """Heads kept in front of a known short name (حزب), normalised."""
    ar_sub_body_heads: frozenset[str]
    """Heads of a body's part named with the body after ب (كلية), normalised."""
    ar_chain_bridges: frozenset[str]
    """Words that keep a title chain going before a known name: prepositions, organisation heads, descriptors."""
    ar_lineage_titles: dict[str, str]
    """Honorifics of ruling families, bare or behind a proclitic: the name after them takes its lineage."""
    ar_lineage_families: frozenset[str]
    """Family names with the article that end a lineage (الصباح)."""
    ar_single_name_titles: frozenset[str]
    """Sport roles after which one word may be a name (اللاعب كهربا), normalised."""
    ar_given_titles: frozenset[str]
    """Titles that are also given names inside a name (محمد أمين عمورة), normalised."""
    ar_reporting_verbs: frozenset[str]
    """Verbs that bring a speaker's words, normalised (see the rules' schema)."""
    ar_given_names: frozenset[str]
    """Given names that start a person's name with no title before it, normalised (see the rules' schema)."""
    ar_marked_names: dict[str, tuple[tuple[LetterMarks, str, str], ...]]
    """Letters of a name told apart by its marks → (the marks that tell it, entity id, label)."""
    learned_from: dict[tuple[str, str], frozenset[str]]
    """Names the base and the registries lack, taught by gold alone → the documents that taught them."""
    ar_compound_first: frozenset[str]
    """First-name words that take a second word (عبد الفتاح, أبو مازن) before the family name."""
    ar_compound_second: frozenset[str]
    """Second words of compound given names (نور الدين): they belong to the given name."""
    ar_article_behind_proclitic: tuple[str, ...]
    """Word starts with the article behind a proclitic (للبرنامج): never a name's first word."""
    en_article: re.Pattern[str]
    """The romanised article and its hyphen at a word's start (al-Sisi), left out of a surname's mentions."""
    en_acronym_name: re.Pattern[str]
    """Capitalised words (with joiners: of, the) before an acronym in brackets: World Health Organization (WHO)."""
    en_acronym: re.Pattern[str]
    """The acronym in brackets alone: a text without one is not searched for names before it (the
    costly part of ``en_acronym_name``, which tries up to eight words at every capital)."""
    en_name_joiners: frozenset[str]
    """Small words inside a capitalised name, skipped by its acronym."""
    ar_org_name_adjectives: frozenset[str]
    """Adjectives that continue a body's name like a nisba (العليا), normalised (see the rules' schema)."""
    ar_org_end_adjectives: frozenset[str]
    """Nisba-shaped adjectives that end a body's name (الرسمية), normalised."""
    ar_generic_bodies: frozenset[str]
    """Common nouns shaped like a body's name (مجلس الإدارة), normalised."""
    ar_ministry_short_forms: dict[str, str]
    """A ministry's domain (الخارجية), bare or behind a proclitic → the bare word."""
    ar_place_descriptors: frozenset[str]
    """Nouns before a place's name (محافظة) that join it inside a local body's name, normalised."""
    ar_membership_heads: dict[str, str]
    """Heads of bodies of members (نقابة), bare or behind a proclitic → the bare head."""
    ar_namesake_heads: dict[str, str]
    """Heads of bodies named after a person that are no organisation heads elsewhere (كلية), bare or
    behind a proclitic → the bare head."""
    ar_namesake_honorifics: frozenset[str]
    """Honorifics of the namesakes of bodies and facilities (الملك), normalised."""
    ar_misc_heads: dict[str, str]
    """Heads of events named after a place (مهرجان), bare or behind a proclitic → the bare head."""
    ar_misc_prefixes: dict[str, str]
    """Words before a storm's name (العاصفة), bare or behind a proclitic → the bare word."""
    ar_work_nouns: dict[str, str]
    """Nouns of a work (روايته), bare or behind a proclitic → the bare noun."""
    ar_place_heads: dict[str, str]
    """Nouns before a place's name left out of it (مدينة), bare or behind a proclitic → the bare word."""
    ar_place_nouns: dict[str, str]
    """Nouns whose complement is a place (شبه, سكان, and every place head and descriptor), bare or
    behind a proclitic → the bare word."""
    ar_family_name_places: frozenset[str]
    """Family names the base also knows as places (الأبيض), normalised."""
    ar_competition_heads: dict[str, str]
    """Heads of a competition named by its country (الدوري), bare or behind a proclitic → the bare head."""
    ar_competition_words: frozenset[str]
    """Words after a competition's nationality that belong to its name (الممتاز), normalised."""
    ar_sport_cue: re.Pattern[str]
    """Any ``sport_cues`` word, bare or behind proclitics, as a whole word of the normalised text."""
    ar_match_verbs: dict[str, str]
    """Verbs of a match (فاز, يتغلب), bare or behind a proclitic → the bare verb."""
    ar_match_links: frozenset[str]
    """Words between a match verb and the opponent (على, ضيفه), normalised."""
    ar_adjective_names: frozenset[str]
    """Names that are also common adjectives (الأهلي), normalised."""
    ar_company_suffixes: frozenset[str]
    """Words after a company's name that belong to it (القابضة), normalised."""
    ar_nationality_purpose_heads: frozenset[str]
    """Heads whose name goes on with a لل-word after its nationality (الصندوق), normalised."""
    ar_role_complements: frozenset[str]
    """Nouns in construct after a title (قسم, إدارة): never a name's first word, normalised."""
    ar_place_adjectives: frozenset[str]
    """Adjectives of size or direction that name a place with the known place before them, normalised."""
    ar_facility_name_heads: dict[str, str]
    """Facility heads whose name the base may lack (مستشفى), bare or behind a proclitic → the bare head."""
    ar_maqsura_stopwords: frozenset[str]
    """Stopwords spelled with ى (على), normalised: a word the text spells with ي instead is a name (علي)."""
    en_org_cued: re.Pattern[str] | None = None
    """Capitalised words after an ``org_cues`` word or phrase (the chipmaker Infineon); None without cues."""
    en_org_cued_after: re.Pattern[str] | None = None
    """Capitalised words before an ``org_cues_after`` word (the Premium Times newspaper); None without cues."""
    en_descriptor_before: re.Pattern[str] = re.compile(r"(?!)")
    """A ``descriptors`` word or phrase ending where the search ends (with ``endpos`` at a contextual
    name and one space before it), lowercase or with a capital first letter."""
    en_descriptor_after: re.Pattern[str] = re.compile(r"(?!)")
    """One space and a ``descriptors_after`` word, matched where a contextual name ends."""
    en_subject_verb: re.Pattern[str] = re.compile(r"(?!)")
    """One space and a ``subject_verbs`` verb (an auxiliary may come first), matched where a
    contextual name no other entity has ends."""
    en_person_cued: re.Pattern[str] | None = None
    """Two or three capitalised words before a ``person_cues_after`` pattern (Wu Chien-fu, who)."""
    en_role_apposition: re.Pattern[str] = re.compile(r"(?!)")
    """A lowercase title, a comma, then two or three capitalised words and a comma: a person in
    apposition to the role (Her coach, Issam Jellali, said; His star, Mikey Madison, joined)."""
    en_name_suffix: re.Pattern[str] = re.compile(r"(?!)")
    """A ``name_suffixes`` word right after a name (Filho, Jr.): part of it."""
    en_name_run: re.Pattern[str] = re.compile(r"(?!)")
    """Two or three capitalised words that no capitalised word follows: a name whose words before
    it may tell a person (Tunisia's Ons Jabeur, the Ugandan Oscar Chelimo)."""
    en_loc_heads: frozenset[str] = frozenset()
    """Place heads (Dam, Reef, Coast): no word of a person's name."""
    en_club_suffixes: frozenset[str] = frozenset()
    """Words that end a club's name after its town (Newcastle United)."""
    en_club_prefixes: frozenset[str] = frozenset()
    """Words that start a club's name before its town (Borussia Dortmund)."""
    en_competitions: frozenset[str] = frozenset()
    """Two-word endings that make an organisation-headed name a competition (Premier League)."""
    en_place_prepositions: frozenset[str] = frozenset()
    """Prepositions that make a club's town the place (in Newcastle)."""
    en_surname_particles: frozenset[str] = frozenset()
    """Particles kept with a family name in its later mentions (Di María), with plain letters."""
    en_context_towns: ahocorasick.Automaton | None = None
    """The registry's context towns: each name → its length, its id and whether it is under the
    cities15000 cut (:func:`~dataset_builder.knowledge.gazetteer.small_towns`: such a town is a place
    only after a word of its own context, not before "in" and a place: beat Bulls in Durban is a side);
    a place only in a place's context
    (:func:`~dataset_builder.annotators.entities.english.english_context_towns`). Its ``get`` looks up
    a dateline's town in capitals (ASHEVILLE read as Asheville): one structure for the 46k towns, not
    a dict and a set beside it (about 5 MB less in the builder and in each worker)."""
    en_town_prepositions: frozenset[str] = frozenset()
    """Words and two-word phrases before a context town that make it a place (in, near, residents of)."""
    en_given_name_places: frozenset[str] = frozenset()
    """Places named as people too (Kerry, Clare): places only where no name goes on around them."""
    en_word_places: frozenset[str] = frozenset()
    """Places named as a common word (Down): likewise, and never at a sentence's start."""
    en_misc_prefixes: frozenset[str] = frozenset()
    """Words that start a named storm or operation (Hurricane Milton): the name after one, alone
    elsewhere in the text, is the same storm."""
    en_named_town: re.Pattern[str] | None = None
    """A settlement's noun, "of" and capitalised words (the village of Leask): a place
    (:func:`~dataset_builder.annotators.entities.english.english_named_towns`)."""
    en_state_after_town: re.Pattern[str] | None = None
    """A comma and a state's or province's abbreviation after it (, Okla.; , N.D.): the town before
    it is a place (:func:`~dataset_builder.annotators.entities.english.english_state_towns`)."""
    en_place_directions: frozenset[str] = frozenset()
    """Words of direction before a known place (West Midlands): one place with it, and no first word
    of a person's name."""
    en_title_words: frozenset[str] = frozenset()
    """Every capitalised word of a title (Crown of Crown Prince): no person's name holds one."""
    en_org_cue_words: frozenset[str] = frozenset()
    """The one-word ``org_cues`` (chipmaker): before a name they tell an organisation, not a person."""
    en_starts: WordStarts = WordStarts(ahocorasick.Automaton())
    """Where the words of ``en_person`` (titles), ``en_org_cued`` and ``en_org_cued_after`` (cues)
    and ``en_role_apposition`` (a lowercase title and a comma) start: those patterns are matched there."""
    not_entity_phrases: dict[str, ahocorasick.Automaton] = field(default_factory=dict)
    """The rules' ``not_entity_phrases`` by language, matched on the normalised text (English in lower
    case; Arabic also as written after ل, للقوة القاهرة), a form's value its length and whether it
    needs ل before it: a span inside one is no entity."""
    unlearned: frozenset[tuple[str, str]] = frozenset()
    """Learned names left out (see :meth:`without_documents`)."""

    def without_documents(self, document_ids: Iterable[str]) -> EntityKnowledge:
        """This knowledge without the names only these documents' gold taught: silver re-annotating
        a gold document must not read its own answer (an honest silver-versus-gold comparison)."""
        ids = frozenset(document_ids)
        drop = frozenset(key for key, sources in self.learned_from.items() if sources <= ids)
        if not drop:
            return self
        names = {key: hit for key, hit in self.names.items() if key not in drop}
        return replace(self, names=names, unlearned=self.unlearned | drop)

    def link(self, surface: str, language: str) -> str | None:
        """The knowledge-base id for a span's text, or None when the base does not know it."""
        hit = self.names.get((language, normalise(surface, language)))
        return hit[0] if hit else None


def compile_entity_knowledge(
    kb: EntitiesFile,
    rules: EntityRulesFile,
    registry: RegistryNames,
    learned: LearnedAliasesFile | None = None,
    rules_path: str = ENTITY_RULES,
) -> EntityKnowledge:
    """The automata and tables of a validated base, its rules, the registry names (of these rules:
    :func:`~dataset_builder.knowledge.registries.registry_names`) and the names learned from gold (the
    base wins over the other two; names are unique across its entities). ``rules_path`` names the
    rules file in errors."""
    names: dict[tuple[str, str], tuple[str | None, str]] = {
        (language, normalise(surface, language)): (entity.id, entity.label)
        for entity in kb.entities
        for language, surfaces in entity.names.items()
        for surface in surfaces
    }
    # the base's own forms after the preposition ل come first, so that no learned or registry name
    # (without an id) can stand in for them
    after_lam = _after_lam_forms(names, names)
    taken = names.keys() | after_lam.keys()
    learned_names = _learned_names(learned) if learned else {}
    places = registry.places
    extra = [*sorted(learned_names.items()), *places]
    for key, hit in extra:
        if key not in taken:
            names.setdefault(key, hit)
    names = _with_nisba_plurals(names, rules.ar.nisba_plural_endings)
    for (language, surface), hit in sorted(names.items()):
        # datelines write places in capitals (BAGHDAD, SHARM EL-SHEIKH)
        if language == "en" and hit[1] == "LOC" and len(surface) >= 4 and not surface.isupper():
            names.setdefault(("en", surface.upper()), hit)
    names = _with_plain_english(names)
    after_lam |= _after_lam_forms(names, names.keys() | after_lam.keys())
    automata: dict[str, ahocorasick.Automaton] = {}
    for table, needs_lam in ((names, False), (after_lam, True)):
        for (language, surface), (entity_id, label) in sorted(table.items()):
            automaton = automata.setdefault(language, ahocorasick.Automaton())
            automaton.add_word(surface, (len(surface), entity_id, label, needs_lam))
    names.update(after_lam)
    learned_from = (
        _learned_sources(learned, learned_names, taken | {key for key, _ in places}, names) if learned else {}
    )
    for automaton in automata.values():
        automaton.make_automaton()
    ar, en = rules.ar, rules.en
    town_ids = {
        surface: entity_id
        for (language, surface), (entity_id, _) in registry.context_towns + registry.small_towns
        if language == "en"
    }
    # a lowercase title also starts a sentence (Goalkeeper Andre Onana saved …)
    titles = sorted({*en.titles, *(t[:1].upper() + t[1:] for t in en.titles)})
    org_heads = _alternatives([*en.org_heads, *en.company_suffixes])
    articles = "|".join(map(re.escape, en.articles))
    name_part = rf"(?:(?:{articles})-)?{_EN_NAME_WORD}"
    loc_heads = _alternatives(en.loc_heads)
    loc_prefixes = _word_start_alternatives(en.loc_prefixes)
    particles = "|".join(re.escape(w) for w in sorted(en.particles, key=len, reverse=True))
    joiners = "|".join(map(re.escape, en.name_joiners))
    said = "|".join(map(re.escape, en.reporting_verbs))
    return EntityKnowledge(
        automata=automata,
        names=names,
        proclitics=frozenset(ar.proclitics),
        ar_titles=_title_starts((normalise(t, "ar") for t in [*ar.titles, *ar.counterparts]), ar.proclitics),
        ar_modifiers=frozenset(normalise(m, "ar") for m in ar.title_modifiers),
        ar_stopwords=frozenset(normalise(w, "ar") for w in ar.stopwords),
        en_person=re.compile(
            rf"{_word_start_alternatives(titles)}[^\S\n]+"
            rf"(?P<name>(?:{_EN_SPACED_INITIALS}[^\S\n]*)?{name_part}(?:[^\S\n]+(?:(?:{particles})[^\S\n]+)*(?:{_EN_INITIALS}[^\S\n]+)?{name_part}){{0,4}})",
        ),
        en_org=re.compile(
            rf"(?P<name>(?:{_EN_NAME_WORD_AT_START}|{_EN_ACRONYM_AT_START})[^\S\n]+(?:(?:{_EN_NAME_WORD}|[A-Z]{{2,}}+)[^\S\n]+){{0,3}}"
            rf"(?:and[^\S\n]+(?:{_EN_NAME_WORD}[^\S\n]+){{1,2}})?(?:{org_heads})(?!-)"
            rf"(?:(?:[^\S\n]+(?:of|for|on)(?:[^\S\n]+the)?(?:[^\S\n]+(?:{_EN_NAME_WORD_BEFORE_BOUNDARY}|[A-Z]{{2,}})){{1,3}}){{1,2}}(?:[^\S\n]+and(?:[^\S\n]+{_EN_NAME_WORD_BEFORE_BOUNDARY}){{1,3}})?)?)\b"
        ),
        en_country_org=re.compile(
            rf"(?P<name>(?:{_country_abbreviations(kb)})[^\S\n]+(?:{_EN_NAME_WORD}[^\S\n]+){{0,3}}(?:{org_heads}))\b"
        ),
        en_org_of=re.compile(
            rf"(?P<name>{_word_start_alternatives([*en.org_heads, *en.company_suffixes])}(?:[^\S\n]+(?:of|for|on)(?:[^\S\n]+the)?(?:[^\S\n]+{_EN_NAME_WORD_BEFORE_BOUNDARY}){{1,3}}){{1,2}}"
            rf"(?:[^\S\n]+and(?:[^\S\n]+{_EN_NAME_WORD_BEFORE_BOUNDARY}){{1,2}})?)\b"
        ),
        en_misc=_head_or_prefix(en.misc_heads, en.misc_prefixes, 3),
        en_loc_cue=_cue([*en.loc_heads, *en.loc_prefixes]),
        en_misc_cue=_cue([*en.misc_heads, *en.misc_prefixes]),
        en_loc=re.compile(
            rf"(?P<name>{_EN_NAME_WORD_AT_START}[^\S\n]+(?:{_EN_NAME_WORD}[^\S\n]+(?:(?:{particles})[^\S\n]+{_EN_NAME_WORD}[^\S\n]+)?){{0,2}}(?:{loc_heads})"
            rf"|{loc_prefixes}(?:[^\S\n]+{_EN_NAME_WORD_BEFORE_BOUNDARY}){{1,3}})\b"
        ),
        ar_facilities=_with_proclitics(ar.facility_heads, ar.proclitics),
        ar_qualified_facility_heads=tuple(normalise(w, "ar") for w in ar.qualified_facility_heads),
        en_stopwords=frozenset(en.stopwords),
        en_titles=frozenset(t for t in titles if " " not in t),
        en_org_heads=frozenset(en.org_heads),
        en_company_suffixes=frozenset(en.company_suffixes),
        ar_counterparts=frozenset(normalise(w, "ar") for w in ar.counterparts),
        ar_connectors=frozenset(normalise(w, "ar") for w in ar.connectors),
        ar_not_first=re.compile("|".join(f"(?:{p})" for p in ar.not_first_name_patterns)),
        ar_org_heads=_with_proclitics([*ar.org_heads, *ar.org_heads_with_complement], ar.proclitics),
        ar_org_complemented=_with_proclitics(ar.org_heads_with_complement, ar.proclitics),
        ar_complemented=_with_proclitics(ar.titles_with_complement, ar.proclitics),
        ar_verb=re.compile("^(?:" + "|".join(map(re.escape, ar.verb_prefixes)) + r")\w{2,}$"),
        en_particle_name=re.compile(
            rf"(?P<name>{_EN_NAME_WORD_AT_START}(?:(?:[^\S\n]+(?:{particles}))+[^\S\n]+{_EN_NAME_WORD}|[^\S\n]+(?:{articles})-{_EN_NAME_WORD})+)"
        ),
        model_labels={raw: label for raw, label in rules.model_labels.items() if label in ENTITY_LABELS},
        contextual_forms=_contextual_automata(_with_plain_english(contextual_table(kb))),
        ar_descriptors=_with_proclitics(ar.descriptors, ar.proclitics),
        ar_company_descriptors=_with_proclitics(ar.company_descriptors, ar.proclitics),
        ar_media_descriptors=_with_proclitics(ar.media_descriptors, ar.proclitics),
        ar_paper_descriptors=_with_proclitics(ar.paper_descriptors, ar.proclitics),
        ar_club_descriptors=_with_proclitics(ar.club_descriptors, ar.proclitics),
        ar_purpose_heads=_with_proclitics(ar.org_heads_with_purpose, ar.proclitics),
        ar_company_trade_nouns=frozenset(normalise(w, "ar") for w in ar.company_trade_nouns),
        ar_not_names=frozenset(normalise(w, "ar") for w in ar.not_names),
        ar_not_purposes=frozenset(normalise(w, "ar") for w in ar.not_purposes),
        ar_heads_before_known=frozenset(normalise(w, "ar") for w in ar.heads_before_known),
        ar_sub_body_heads=frozenset(normalise(w, "ar") for w in ar.sub_body_heads),
        ar_chain_bridges=frozenset(
            [
                *(normalise(w, "ar") for w in ar.chain_bridges),
                *_with_proclitics(
                    [*ar.org_heads, *ar.org_heads_with_complement, *ar.descriptors], ar.proclitics
                ),
            ]
        ),
        ar_lineage_titles=_with_proclitics(ar.lineage_titles, ar.proclitics),
        ar_lineage_families=frozenset(normalise(w, "ar") for w in ar.lineage_families),
        ar_single_name_titles=frozenset(normalise(w, "ar") for w in ar.single_name_titles),
        ar_given_titles=frozenset(normalise(w, "ar") for w in ar.given_titles),
        ar_reporting_verbs=frozenset(normalise(w, "ar") for w in ar.reporting_verbs),
        ar_given_names=frozenset(normalise(w, "ar") for w in ar.given_names),
        ar_marked_names=_marked_names(ar.marked_names, names, rules_path),
        learned_from=learned_from,
        ar_compound_first=frozenset(normalise(w, "ar") for w in ar.compound_first),
        ar_compound_second=frozenset(normalise(w, "ar") for w in ar.compound_second),
        ar_article_behind_proclitic=tuple(ar.articles_behind_proclitics),
        en_article=re.compile(rf"^(?:{articles})-"),
        en_acronym_name=re.compile(
            rf"(?P<name>(?:[A-Z][\w’'-]*[^\S\n]+(?:(?:{joiners})[^\S\n]+)*){{1,8}}[A-Z][\w’'-]*)\s*{_EN_ACRONYM}"
        ),
        en_acronym=re.compile(_EN_ACRONYM),
        en_name_joiners=frozenset(en.name_joiners),
        en_surname_particles=frozenset(latin_folded(p) for p in en.surname_particles),
        ar_org_name_adjectives=frozenset(normalise(w, "ar") for w in ar.org_name_adjectives),
        ar_org_end_adjectives=frozenset(normalise(w, "ar") for w in ar.org_end_adjectives),
        ar_generic_bodies=frozenset(normalise(w, "ar") for w in ar.generic_bodies),
        ar_ministry_short_forms=_with_proclitics(ar.ministry_short_forms, ar.proclitics),
        ar_place_descriptors=frozenset(normalise(w, "ar") for w in ar.place_descriptors),
        ar_membership_heads=_with_proclitics(ar.membership_heads, ar.proclitics),
        ar_namesake_heads=_with_proclitics(ar.namesake_heads, ar.proclitics),
        ar_namesake_honorifics=frozenset(normalise(w, "ar") for w in ar.namesake_honorifics),
        ar_misc_heads=_with_proclitics(ar.misc_heads, ar.proclitics),
        ar_misc_prefixes=_with_proclitics(ar.misc_prefixes, ar.proclitics),
        ar_work_nouns=_with_proclitics(ar.work_nouns, ar.proclitics),
        ar_place_heads=_with_proclitics(ar.place_heads, ar.proclitics),
        ar_place_nouns=_with_proclitics(
            [*ar.place_nouns, *ar.place_heads, *ar.place_descriptors], ar.proclitics
        ),
        ar_family_name_places=frozenset(normalise(w, "ar") for w in ar.family_name_places),
        ar_competition_heads=_with_proclitics(ar.competition_heads, ar.proclitics),
        ar_competition_words=frozenset(normalise(w, "ar") for w in ar.competition_words),
        ar_sport_cue=re.compile(
            _word_start_alternatives(_with_proclitics(ar.sport_cues, ar.proclitics)) + r"(?!\w)"
        )
        if ar.sport_cues
        else re.compile(r"(?!)"),
        ar_match_verbs=_with_proclitics(ar.match_verbs, ar.proclitics),
        ar_match_links=frozenset(normalise(w, "ar") for w in ar.match_links),
        ar_adjective_names=frozenset(normalise(w, "ar") for w in ar.adjective_names),
        ar_company_suffixes=frozenset(normalise(w, "ar") for w in ar.company_suffixes),
        ar_facility_name_heads=_with_proclitics(ar.facility_name_heads, ar.proclitics),
        ar_place_adjectives=frozenset(normalise(w, "ar") for w in ar.place_adjectives),
        ar_role_complements=frozenset(normalise(w, "ar") for w in ar.role_complements),
        ar_nationality_purpose_heads=frozenset(normalise(w, "ar") for w in ar.nationality_purpose_heads),
        ar_maqsura_stopwords=frozenset(normalise(w, "ar") for w in ar.stopwords if w.endswith("ى")),
        not_entity_phrases=_phrase_automata(ar.not_entity_phrases, en.not_entity_phrases),
        en_named=re.compile(
            rf"(?P<name>{_EN_FIRST_WORD}(?:[^\S\n]+{_EN_INITIALS})?(?:[^\S\n]+{name_part}){{1,2}})"
        ),
        en_initialled=re.compile(
            rf"(?P<name>{_EN_INITIALS_AT_START}[^\S\n]*{name_part}(?:[^\S\n]+{name_part}){{0,2}})(?![\w’'-])"
        ),
        en_name_run=re.compile(
            rf"(?P<name>{_EN_FIRST_WORD}(?:[^\S\n]+{name_part}){{1,2}})(?![\w’'-]|[^\S\n]+[A-Z])"
        ),
        en_role_apposition=re.compile(
            rf"\b(?:{_alternatives(t for t in en.titles if t.islower())}),[^\S\n]+"
            rf"(?P<name>{_EN_FIRST_WORD}(?:[^\S\n]+{name_part}){{1,2}}),",
        ),
        en_name_suffix=re.compile(rf"[^\S\n]+(?:{_alternatives(en.name_suffixes)})(?![\w’'-])")
        if en.name_suffixes
        else re.compile(r"(?!)"),
        en_org_cued=_name_cued_before(en.org_cues),
        en_descriptor_before=re.compile(
            rf"(?<![\w-])(?:{_alternatives([*en.descriptors, *(d[:1].upper() + d[1:] for d in en.descriptors)])}) \Z"
        )
        if en.descriptors
        else re.compile(r"(?!)"),
        en_descriptor_after=re.compile(rf" (?:{_alternatives(en.descriptors_after)})\b")
        if en.descriptors_after
        else re.compile(r"(?!)"),
        en_subject_verb=re.compile(
            rf" (?:(?:{_alternatives(en.subject_auxiliaries)}) )?(?:{_alternatives(en.subject_verbs)})\b"
            if en.subject_auxiliaries
            else rf" (?:{_alternatives(en.subject_verbs)})\b"
        )
        if en.subject_verbs
        else re.compile(r"(?!)"),
        en_org_cued_after=_name_cued_after(en.org_cues_after),
        en_starts=_word_starts(
            {
                PERSON: titles,
                ORG_CUED: [*en.org_cues, *(cue[:1].upper() + cue[1:] for cue in en.org_cues)],
                APPOSITION: [f"{t}," for t in en.titles if t.islower()],
                ORG_CUED_AFTER: en.org_cues_after,
            }
        ),
        en_person_cued=re.compile(
            rf"(?P<name>{_EN_FIRST_WORD}(?:[^\S\n]+{name_part}){{1,2}})(?:{'|'.join(en.person_cues_after)})"
        )
        if en.person_cues_after
        else None,
        en_loc_heads=frozenset(en.loc_heads),
        en_place_directions=frozenset(en.place_directions),
        en_club_suffixes=frozenset(en.club_suffixes),
        en_club_prefixes=frozenset(en.club_prefixes),
        en_competitions=frozenset(f"{w} {h}" for w in en.competition_words for h in en.competition_heads),
        en_place_prepositions=frozenset(en.place_prepositions),
        en_context_towns=_towns_automaton(
            town_ids, {surface for (language, surface), _ in registry.small_towns if language == "en"}
        ),
        en_town_prepositions=frozenset(en.town_prepositions),
        en_given_name_places=frozenset(en.given_name_places),
        en_word_places=frozenset(en.word_places),
        en_misc_prefixes=frozenset(en.misc_prefixes),
        en_named_town=re.compile(
            rf"(?<![\w-])(?:{_alternatives(en.town_nouns)})[^\S\n]+of[^\S\n]+"
            rf"(?P<name>{_EN_NAME_WORD}(?:[^\S\n]+{_EN_NAME_WORD}){{0,2}})(?![\w’'-]|[^\S\n]+[A-Z])"
        )
        if en.town_nouns
        else None,
        en_state_after_town=re.compile(
            rf",[^\S\n]+(?P<state>{_alternatives(en.state_abbreviations)})(?![\w’'-])"
        )
        if en.state_abbreviations
        else None,
        en_title_words=frozenset(w for t in titles for w in t.split() if w[:1].isupper()),
        en_org_cue_words=frozenset(c for c in en.org_cues if " " not in c),
        en_first_names=registry.given_names | {latin_folded(n) for n in registry.given_names},
        en_said=re.compile(
            rf"(?P<name>[A-Z](?<![\w’'.-][A-Z])\.?[^\S\n]+{_EN_NAME_WORD}(?:[^\S\n]+{_EN_NAME_WORD})?"
            rf"|{_EN_FIRST_WORD}(?:[^\S\n]+{_EN_NAME_WORD}){{1,2}}),?[^\S\n]+(?:{said})\b"
        ),
        en_said_after=re.compile(
            rf"[,\"”’][^\S\n]*(?:{said_after})[^\S\n]+(?P<name>[A-Z]\.?[^\S\n]+{_EN_NAME_WORD}"
            rf"(?:[^\S\n]+{name_part})?|{_EN_NAME_WORD}(?:[^\S\n]+{name_part}){{1,2}})(?=[^\S\n]*(?:[,.;:!?]|\n|$))"
        )
        if (said_after := "|".join(map(re.escape, en.speaker_after_verbs)))
        else None,
    )


def _towns_automaton(towns: dict[str, str], small: Collection[str]) -> ahocorasick.Automaton | None:
    """The context towns' English names (their letters plain already) → their ids as one automaton,
    each name's value its length, id and whether it is one of the ``small`` towns; None without towns."""
    if not towns:
        return None
    automaton = ahocorasick.Automaton()
    for form, entity_id in sorted(towns.items()):
        automaton.add_word(form, (len(form), entity_id, form in small))
    automaton.make_automaton()
    return automaton


def _phrase_automata(ar: list[str], en: list[str]) -> dict[str, ahocorasick.Automaton]:
    """``not_entity_phrases`` as one automaton per language that has some: each form (Arabic
    normalised, and as written after ل; English in lower case) → its length and whether it is the
    form after ل (which needs that proclitic before it)."""
    ar_forms = [normalise(p, "ar") for p in ar]
    forms = {
        "ar": {
            **{after_lam(f): True for f in ar_forms if f.startswith("ال")},
            **dict.fromkeys(ar_forms, False),
        },
        "en": dict.fromkeys((latin_folded(p.lower()) for p in en), False),
    }
    automata: dict[str, ahocorasick.Automaton] = {}
    for language, phrases in forms.items():
        if phrases:
            automaton = automata[language] = ahocorasick.Automaton()
            for phrase, needs_lam in sorted(phrases.items()):
                automaton.add_word(phrase, (len(phrase), needs_lam))
            automaton.make_automaton()
    return automata


def _with_plain_english(table: dict[tuple[str, str], _V]) -> dict[tuple[str, str], _V]:
    """``table`` and each English form with accented letters also with plain ones: English text is
    matched with plain letters (:func:`~dataset_builder.knowledge.text.latin_folded`), so the base's
    Micheál Martin must be found as Micheal Martin. A plain form the table has already wins."""
    plain = dict(table)
    for language, form in sorted(key for key in table if key[0] == "en" and not key[1].isascii()):
        plain.setdefault((language, latin_folded(form)), table[language, form])
    return plain


def contextual_table(kb: EntitiesFile) -> dict[tuple[str, str], tuple[str, str]]:
    """(language, normalised form) → (entity id, label) of the names the base gives only in context."""
    return {
        (language, normalise(surface, language)): (entity.id, entity.label)
        for entity in kb.entities
        for language, surfaces in entity.contextual.items()
        for surface in surfaces
    }


def _contextual_automata(
    table: dict[tuple[str, str], tuple[str, str]],
) -> dict[str, ahocorasick.Automaton]:
    """A :func:`contextual_table` as one automaton per language (see ``contextual_forms``)."""
    automata: dict[str, ahocorasick.Automaton] = {}
    for rank, ((language, form), (entity_id, label)) in enumerate(sorted(table.items())):
        automata.setdefault(language, ahocorasick.Automaton()).add_word(form, (rank, form, entity_id, label))
    for automaton in automata.values():
        automaton.make_automaton()
    return automata


def _country_abbreviations(kb: EntitiesFile) -> str:
    """The base's English names of places written as an abbreviation (US, U.S., UAE), as alternatives,
    none after a word character or a full stop: written after each one's first letter (as in
    :func:`_word_start_alternatives`), so that the pattern is only tried where such a letter stands."""
    forms = {
        name
        for entity in kb.entities
        if entity.label == "LOC"
        for name in entity.names.get("en", ())
        if name.isupper() and len(name.replace(".", "")) <= 4
    }
    return (
        "|".join(
            rf"{re.escape(f[0])}(?<![\w.]{re.escape(f[0])}){re.escape(f[1:])}"
            for f in sorted(forms, key=lambda f: (-len(f), f))
        )
        or "(?!)"
    )


def _marked_names(
    marked: dict[str, str], names: dict[tuple[str, str], tuple[str | None, str]], rules_path: str
) -> dict[str, tuple[tuple[LetterMarks, str, str], ...]]:
    """``ar.marked_names`` by their letters; every id must be one the base or the registry knows."""
    labels = {entity_id: label for entity_id, label in names.values() if entity_id}
    table: dict[str, list[tuple[LetterMarks, str, str]]] = {}
    for form, entity_id in sorted(marked.items()):
        if entity_id not in labels:
            raise InputError(
                f"{rules_path}: ar.marked_names: {form!r} names {entity_id!r}, an id neither "
                "entities.json nor the place registry knows"
            )
        letters, marks = letter_marks(form)
        if not any(marks):
            raise InputError(f"{rules_path}: ar.marked_names: {form!r} has no marks to tell it apart by")
        table.setdefault(normalise(letters, "ar"), []).append((marks, entity_id, labels[entity_id]))
    return {letters: tuple(forms) for letters, forms in table.items()}


def _with_nisba_plurals(
    names: dict[tuple[str, str], tuple[str | None, str]], endings: list[str]
) -> dict[tuple[str, str], tuple[str | None, str]]:
    """``names`` with the plurals of every one-word Arabic nationality (a MISC name ending in ي) made
    by ``endings``, under its id, where no name has that form yet."""
    derived: dict[tuple[str, str], tuple[str | None, str]] = {}
    for (language, surface), hit in sorted(names.items()):
        if language == "ar" and hit[1] == "MISC" and " " not in surface and surface.endswith("ي"):
            for ending in endings:
                derived.setdefault(("ar", normalise(surface + ending, "ar")), hit)
    for key, hit in derived.items():
        names.setdefault(key, hit)
    return names


def _head_or_prefix(heads: list[str], prefixes: list[str], words: int) -> re.Pattern[str]:
    """Capitalised words before a head, and what it is for or of (Women's Prize for Fiction), or after
    a prefix (an empty list matches nothing)."""
    parts = []
    if heads:
        parts.append(
            rf"{_EN_NAME_WORD_AT_START}[^\S\n]+(?:{_EN_NAME_WORD}[^\S\n]+){{0,{words - 1}}}(?:{_alternatives(heads)})"
            rf"(?:[^\S\n]+(?:for|of)(?:[^\S\n]+{_EN_NAME_WORD_BEFORE_BOUNDARY}){{1,2}}\b)?"
        )
    if prefixes:
        parts.append(
            rf"{_word_start_alternatives(prefixes)}(?:[^\S\n]+{_EN_NAME_WORD_BEFORE_BOUNDARY}){{1,{words}}}"
        )
    return re.compile(rf"(?P<name>{'|'.join(parts)})\b" if parts else r"(?!)")


_EN_ORG_WORD = r"[A-Z](?:[\w&’'-]|\.(?=\w))*+"
"""A word of an organisation's name: a capital first, then letters, digits, ``&``, apostrophes,
hyphens and inner full stops (FTX, BFM, U.S.), never a sentence's full stop."""
_EN_ORG_NAME = rf"(?P<name>{_EN_ORG_WORD}(?:[^\S\n]+{_EN_ORG_WORD}){{0,3}})"


def _name_cued_before(cues: list[str]) -> re.Pattern[str] | None:
    """One to four capitalised words after the cues, also with a capital first letter at a
    sentence's start (Chipmaker TSMC, but not the Daily Star), and a second name joined by "and"
    (investors A and B). None without cues."""
    if not cues:
        return None
    second = rf"(?P<second>{_EN_ORG_WORD}(?:[^\S\n]+{_EN_ORG_WORD}){{0,3}})"
    upper = _alternatives(cue[:1].upper() + cue[1:] for cue in cues)
    return re.compile(
        rf"(?:(?<![\w-])(?:{_alternatives(cues)})|(?:\A|(?<=\n)|(?<=[.!?\"”][^\S\n]))(?:{upper}))"
        rf"[^\S\n]+{_EN_ORG_NAME}(?:[^\S\n]+and[^\S\n]+{second})?"
    )


def _name_cued_after(cues: list[str]) -> re.Pattern[str] | None:
    """One to four capitalised words before the cues (the Premium Times newspaper). None without cues."""
    return re.compile(rf"{_EN_ORG_NAME}[^\S\n]+(?:{_alternatives(cues)})\b") if cues else None


def _cue(words: list[str]) -> re.Pattern[str]:
    """Any of the words anywhere (an empty list matches nothing)."""
    return re.compile(_alternatives(words) if words else r"(?!)")


def _alternatives(words: Iterable[str]) -> str:
    """The words as one regex, shaped as a letter trie (the longest first at every branch), so that
    a long list costs one pass rather than one try per word."""
    return _branch(_trie(words))


def _word_start_alternatives(words: Iterable[str]) -> str:
    """``\\b(?:{_alternatives(words)})``, written to start with the words' first letters: a pattern
    that starts with literals is only tried where one of them stands (see ``_EN_NAME_WORD_AT_START``),
    while ``\\b`` first is tried at every position. After a first letter that is a word character,
    "no word character before it" is the ``\\b``; other words keep the ``\\b``."""
    trie = _trie(words)
    if not trie or "" in trie or not all(re.fullmatch(r"\w", ch) for ch in trie):
        return rf"\b(?:{_branch(trie)})"
    parts = [rf"{re.escape(ch)}(?<!\w{re.escape(ch)}){_branch(child)}" for ch, child in sorted(trie.items())]
    return "(?:" + "|".join(parts) + ")"


def _trie(words: Iterable[str]) -> dict:
    trie: dict = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return trie


def _branch(node: dict) -> str:
    parts = [re.escape(ch) + _branch(child) for ch, child in sorted(node.items()) if ch]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{body})?" if "" in node else body


def _after_lam_forms(
    names: dict[tuple[str, str], tuple[str | None, str]], taken: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str | None, str]]:
    """Arabic names with the article as written after the preposition ل (see :func:`~dataset_builder.knowledge.text.after_lam`)."""
    taken = set(taken)
    return {
        ("ar", after_lam(surface)): hit
        for (language, surface), hit in names.items()
        if language == "ar" and surface.startswith("ال") and ("ar", after_lam(surface)) not in taken
    }


def _learned_names(learned: LearnedAliasesFile) -> dict[tuple[str, str], tuple[str | None, str]]:
    """Names learned from human gold; a surface gold gave two labels is left out (ambiguous)."""
    found: dict[tuple[str, str], set[tuple[str | None, str]]] = {}
    for alias in learned.aliases:
        key = (alias.language, normalise(alias.surface, alias.language))
        found.setdefault(key, set()).add((alias.entity_id, alias.label))
    return {key: min(hits, key=str) for key, hits in found.items() if len({label for _, label in hits}) == 1}


def _learned_sources(
    learned: LearnedAliasesFile,
    learned_names: dict[tuple[str, str], tuple[str | None, str]],
    taken: Iterable[tuple[str, str]],
    names: dict[tuple[str, str], tuple[str | None, str]],
) -> dict[tuple[str, str], frozenset[str]]:
    """Each name in the table that only gold taught (with its forms after ل and in capitals) → the
    documents whose gold taught it."""
    sources: dict[tuple[str, str], set[str]] = {}
    for alias in learned.aliases:
        key = (alias.language, normalise(alias.surface, alias.language))
        if key in learned_names:
            sources.setdefault(key, set()).update(s.document_id for s in alias.sources)
    taken = set(taken)
    out: dict[tuple[str, str], frozenset[str]] = {}
    for (language, surface), documents in sources.items():
        if (language, surface) in taken or names.get((language, surface)) != learned_names[
            (language, surface)
        ]:
            continue  # the base or a registry names it too: not the gold's alone
        forms = [(language, surface), (language, surface.upper())]
        if language == "ar" and surface.startswith("ال"):
            forms.append(("ar", after_lam(surface)))
        for form in forms:
            if names.get(form) == learned_names[(language, surface)] and form not in taken:
                out[form] = frozenset(documents)
    return out


def _with_proclitics(heads: Iterable[str], proclitics: Iterable[str]) -> dict[str, str]:
    """Each head, bare and behind every proclitic (وزارة, بوزارة, لوزارة) → the bare head."""
    table: dict[str, str] = {}
    for head in sorted(normalise(h, "ar") for h in heads):
        for prefix in ("", *sorted(proclitics)):
            table.setdefault(prefix + head, head)
    return table


def _title_starts(titles: Iterable[str], proclitics: Iterable[str]) -> dict[str, tuple[int, tuple[str, ...]]]:
    by_first: dict[str, list[str]] = {}
    for title in titles:
        by_first.setdefault(title.split()[0], []).append(title)
    table: dict[str, tuple[int, tuple[str, ...]]] = {}
    for first, group in by_first.items():
        ordered = tuple(sorted(group, key=len, reverse=True))
        for prefix in ("", *proclitics):
            table.setdefault(prefix + first, (len(prefix), ordered))
        if first.startswith("ال"):  # ل + the article written لل (للمدافع): the article's ل stays
            for prefix in ("", *proclitics):
                behind = tuple(prefix + "ل" + t[1:] for t in ordered)
                table.setdefault(prefix + "ل" + first[1:], (0, behind))
    return table
