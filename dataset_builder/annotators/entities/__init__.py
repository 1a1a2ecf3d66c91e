"""Entity pre-annotation: a gazetteer from the knowledge base, plus rules for names it lacks.

The knowledge base (``annotations/entities.json``) is compiled into one Aho-Corasick automaton
(pyahocorasick). Arabic is matched on a length-preserving normalisation (أ/إ/آ → ا, ى → ي, ة → ه),
so offsets found there are offsets in the original text. A match may sit after Arabic proclitics
inside a word (وبلينكن → بلينكن), which stay outside the span; titles are never in the base, so
they never enter a span. Trigger rules from ``annotations/entity_rules.json`` find person names
after a title, a title chain of any length or "his counterpart" (and English organisation names)
that the base does not know: they get no id. Places come also from registry gazetteers
(:mod:`dataset_builder.knowledge.gazetteer`) and names from human gold (``learned_aliases.json``,
:mod:`dataset_builder.annotators.learned`); the base wins over both. Once a person's full name is
found, a later surname-only mention is the same person. Names that are also common words (الرجاء) or
another entity's name (الشرق الأوسط the region and the paper) count only in context: brackets,
quotes, after a descriptor (صحيفة, نادي). Arabic marks (tashkeel, shadda, tatweel) are read past:
the text is matched without them and offsets mapped back. English accented letters are read plain,
one for one (Éowyn as Eowyn), the knowledge holding both spellings. Towns below the gazetteer's cut
count only in a place's context (:func:`.english.english_context_towns`).

The knowledge is compiled in :mod:`dataset_builder.knowledge.entities`; here, by concern: :mod:`.text`
(the text as the rules read it), :mod:`.known` (what the knowledge names), :mod:`.arabic` and
:mod:`.english` (rules for names it lacks), :mod:`.select` (choosing among candidates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from dataset_builder.annotators.entities.arabic import (
    arabic_clubs,
    arabic_companies,
    arabic_competitions,
    arabic_directional_places,
    arabic_events,
    arabic_facilities,
    arabic_facilities_of_bodies,
    arabic_given_names,
    arabic_headed_places,
    arabic_heads_before_known,
    arabic_members_in_place,
    arabic_ministries,
    arabic_named_facilities,
    arabic_namesakes,
    arabic_national_orgs,
    arabic_nationals,
    arabic_nisba_companies,
    arabic_orgs,
    arabic_outlets,
    arabic_people,
    arabic_quoted_works,
    arabic_role_appositions,
    arabic_speakers,
    arabic_storms,
    arabic_sub_bodies,
    without_adjectival_domains,
)
from dataset_builder.annotators.entities.english import (
    english_acronym_names,
    english_bodies_of_places,
    english_club_towns,
    english_context_towns,
    english_coordinated_people,
    english_cued_orgs,
    english_cued_people,
    english_directional_places,
    english_given_name_places,
    english_maker_models,
    english_named_towns,
    english_national_people,
    english_orgs,
    english_partner_firms,
    english_quoted_works,
    english_rules,
    english_short_forms,
    english_speaker,
    english_state_towns,
    english_storm_names,
    without_firms_as_common_nouns,
    without_places_ending_names,
    without_places_named_as_surnames,
)
from dataset_builder.annotators.entities.known import (
    bracketed_short_names,
    contextual_names,
    dateline_agencies,
    gazetteer_matches,
    without_phrases_naming_nothing,
)
from dataset_builder.annotators.entities.select import (
    longest_first,
    select,
    surname_mentions,
    without_people_opening_titles,
)
from dataset_builder.annotators.entities.text import arabic_words, marked_spans, unmarked_spans, without_marks
from dataset_builder.annotators.ner_model import ModelTagger, model_spans
from dataset_builder.documents import Document, Span
from dataset_builder.knowledge.entities import EntityKnowledge
from dataset_builder.knowledge.text import MARKS, latin_folded, letter_marks, normalise


def find_entities(text: str, language: str, k: EntityKnowledge, model: Iterable[Span] = ()) -> list[Span]:
    """Entity spans in ``text``: knowledge-base matches first, then a model's spans (ids from the
    base), then rule matches, each where nothing is taken yet; then surname-only mentions of the
    people found. Arabic marks are read past (found in the text without them, offsets mapped back)."""
    if language == "ar" and (unmarked := without_marks(text)) is not None:
        plain, at = unmarked
        spans = marked_spans(text, at, find_entities(plain, language, k, unmarked_spans(plain, at, model)))
        return [_told_by_marks(s, k) for s in spans] if k.ar_marked_names else spans
    # English accented letters are read plain (Éowyn, Şahin, Micheál), offsets and spans' text as written
    if language == "en" and (plain := latin_folded(text)) != text:
        return [replace(s, text=text[s.start : s.end]) for s in find_entities(plain, language, k, model)]
    norm = normalise(text, language)
    words = arabic_words(norm) if language == "ar" else []
    gazetteer = gazetteer_matches(text, norm, language, k)
    if language == "ar":
        gazetteer = without_adjectival_domains(norm, words, gazetteer, k)
    starts = k.en_starts.find(text) if language == "en" else ()  # where titles and cues start
    # an institution named with a nationality is one span, over the nationality the base knows
    orgs = (
        arabic_orgs(text, norm, words, k, gazetteer)
        + arabic_facilities(text, norm, gazetteer, k)
        + arabic_national_orgs(text, norm, gazetteer, k)
        + arabic_ministries(text, norm, words, k)
        + arabic_namesakes(text, norm, words, k)
        + arabic_companies(text, norm, words, k)
        + arabic_nisba_companies(text, norm, words, k)
        + arabic_events(text, norm, words, k, gazetteer)
        + arabic_competitions(text, norm, words, k)
        + arabic_headed_places(text, norm, words, k)
        + arabic_named_facilities(text, norm, words, k)
        + arabic_storms(text, norm, words, k)
        + arabic_quoted_works(text, norm, words, k)
        + arabic_directional_places(text, norm, gazetteer, k)
        if language == "ar"
        else english_orgs(text, k)
        + english_partner_firms(text, k)
        + english_acronym_names(text, k)
        + english_cued_orgs(text, k, starts)
        + english_directional_places(text, gazetteer, k)
        + english_quoted_works(text, k)
    )
    if language == "ar":  # the outermost name over a known one inside it (حزب القوات اللبنانية)
        orgs += arabic_heads_before_known(text, norm, gazetteer + orgs, k)
        orgs += arabic_sub_bodies(text, norm, words, k, gazetteer + orgs)
        orgs += arabic_facilities_of_bodies(text, norm, gazetteer + orgs, k)
        orgs += arabic_members_in_place(text, norm, gazetteer + orgs, k)
    # a name in context (بترا in brackets) wins over the same surface's other reading
    known = longest_first(
        contextual_names(text, norm, language, k, gazetteer)
        + (  # over the place
            arabic_outlets(text, norm, words, k, gazetteer) + arabic_clubs(text, norm, words, k)
            if language == "ar"
            else []
        )
        + dateline_agencies(text, language, k)  # and over the other reading of a source's name (العمانية)
        + gazetteer
        + orgs
        + (english_maker_models(text, gazetteer) if language == "en" else [])  # over the maker (Airbus A380)
        # and over both the body and its place (University Hospital Limerick)
        + (english_bodies_of_places(text, gazetteer + orgs, k) if language == "en" else [])
    )
    learned = longest_first(
        s if s.entity_id else replace(s, entity_id=k.link(s.text, language)) for s in model
    )
    rules = (
        arabic_people(text, norm, words, k, gazetteer + orgs)
        + arabic_speakers(text, norm, words, k)
        + arabic_role_appositions(text, norm, words, k)
        + arabic_given_names(text, norm, words, k)
        + arabic_nationals(text, norm, words, k)
        if language == "ar"
        else english_rules(text, k, starts)
        + english_national_people(text, k)
        + english_cued_people(text, k, starts)
        + english_given_name_places(text, k)
        + english_context_towns(text, k, gazetteer + orgs)
        + english_state_towns(text, k)
        + english_named_towns(text, k)
    )
    # a full name found by a rule wins over the surname the base knows inside it, and takes its id
    # (grouped by end, in the set's order: one lookup per rule, not rules x surnames)
    surnames: dict[int, list[str | None]] = defaultdict(list)
    for end, entity_id in {(s.end, s.entity_id) for s in gazetteer if s.label == "PER"}:
        surnames[end].append(entity_id)
    # and over a given name the base knows as a nationality or belief (Christian Scherer); in English
    # a person whose given name the dictionary knows wins over the place ending the name (Anna Coventry)
    given = {s.start for s in gazetteer if s.label == "MISC" and s.text in k.en_first_names}
    if language == "en":
        places = {s.end for s in gazetteer if s.label == "LOC"}
        given.update(
            r.start
            for r in rules
            if r.label == "PER" and r.end in places and r.text.split(None, 1)[0] in k.en_first_names
        )
        # and over a place or club the given name is (Jordan Derby, Chelsea Barrow)
        named = {(s.start, s.end) for s in gazetteer if s.label != "PER"}
        given.update(
            r.start
            for r in rules
            if r.label == "PER"
            and (first := r.text.split(None, 1)[0]) in k.en_first_names
            and (r.start, r.start + len(first)) in named
        )
    else:  # and over a place the base knows that is the family name (فراس الأبيض)
        places = {
            s.end for s in gazetteer if s.label == "LOC" and norm[s.start : s.end] in k.ar_family_name_places
        }
        given.update(r.start for r in rules if r.label == "PER" and r.end in places)
    # a person's rule wins over a place named by its head, the same words, after a given name, when
    # they speak (chief executive Randy Abbey said; not Workers on Albert Street said)
    headed = {(s.start, s.end) for s in orgs if s.label == "LOC"} if language == "en" else set()
    known = longest_first(
        [r for r in rules if r.label == "PER" and (r.start, r.end) in headed and english_speaker(text, r, k)]
        + known
        + [
            Span(r.start, r.end, r.text, r.label, entity_id)  # not replace(): several times faster
            for r in rules
            if r.label == "PER" and " " in r.text
            for entity_id in surnames.get(r.end, ())
        ]
        + [r for r in rules if r.label == "PER" and " " in r.text and r.start in given]
    )
    chosen = without_people_opening_titles(text, select(known + learned + longest_first(rules), len(text)))
    people = [s for s in chosen if s.label == "PER"]
    # a person joined by "and" to one found in full (A B and C D); none found, the choice stands
    if language == "en" and (coordinated := english_coordinated_people(text, people, k)):
        chosen = select(chosen + coordinated, len(text))
        people = [s for s in chosen if s.label == "PER"]
    later = surname_mentions(text, norm, language, people, k) + bracketed_short_names(
        text, norm, language, chosen, k
    )
    if language == "en":
        later += english_short_forms(text, chosen, k)
        chosen = without_places_named_as_surnames(text, chosen, people, k)
    # a surname or the full name found again may sit in a title the chosen people were taken out of
    final = without_people_opening_titles(text, select(chosen + later, len(text)))
    if language == "en":  # a place ending a longer name goes last: no rule may take its words instead
        final = english_club_towns(text, without_places_ending_names(text, final, k), k)
        final = without_firms_as_common_nouns(text, english_storm_names(text, final, k))
    # a name's letters inside a phrase that names nothing (القوة القاهرة, Brussels sprouts) go, whichever step found them
    return without_phrases_naming_nothing(text, norm, language, final, k)


def _told_by_marks(span: Span, k: EntityKnowledge) -> Span:
    """The entity a span's marks tell (عمّان is Amman where عمان is Oman), else the span as found.
    Most spans' letters name no marked name: one look-up on the text without marks settles them
    before each letter's marks are read."""
    told = k.ar_marked_names.get(normalise(MARKS.sub("", span.text), "ar"))
    if told is None:
        return span
    marks = letter_marks(span.text)[1]
    for wanted, entity_id, label in told:
        if all(w <= m for w, m in zip(wanted, marks, strict=True)):
            return replace(span, entity_id=entity_id, label=label)
    return span


def annotate_entities(
    doc: Document, knowledge: EntityKnowledge, tagger: ModelTagger | None = None
) -> Document:
    model = model_spans(doc.text, tagger, knowledge.model_labels) if tagger is not None else ()
    return doc.with_(entities=find_entities(doc.text, doc.language, knowledge, model))
