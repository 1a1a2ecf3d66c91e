"""The hand-written knowledge files agree with the schema, with each other and with the seeds.

Covers ``entities.json``, ``topic_rules.json``, ``taxonomy.json``, ``groups.json``,
``seed_annotations.json`` and ``GUIDELINES.md``: a typo in any of them must fail here, not deep
inside a build.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from collections import Counter
from typing import Any

import pytest
from conftest import ANN, SEEDS

from dataset_builder import pipeline
from dataset_builder.annotations import nth_occurrence
from dataset_builder.documents import Document
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.text import normalise
from dataset_builder.schema import ENTITY_LABELS, LANGUAGES

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _json(name: str) -> Any:
    return json.loads((ANN / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kb() -> list[dict[str, Any]]:
    return _json("entities.json")["entities"]


@pytest.fixture(scope="module")
def entity_rules() -> dict[str, Any]:
    path = ANN / "entity_rules.json"
    if not path.exists():
        pytest.skip("annotations/entity_rules.json not written yet")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=sorted(p.name for p in ANN.glob("seed_annotations*.json")))
def gold(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """Each hand-entered annotation file of the seed campaign (the lead's and other annotators')."""
    return _json(request.param)["documents"]


@pytest.fixture(scope="module")
def seed_docs(knowledge: Knowledge) -> dict[str, Document]:
    """The cleaned seed documents the gold offsets refer to."""
    return {d.id: d for d in pipeline.silver_documents(SEEDS, knowledge)}


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L" or unicodedata.category(ch) == "Mn"


# --- taxonomy and topic rules -------------------------------------------------------------------


def test_taxonomy_ids_are_slugs_and_iptc_codes_are_well_formed(knowledge: Knowledge) -> None:
    for topic in knowledge.taxonomy:
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", topic.id), topic.id
        assert topic.definition.strip(), topic.id
        assert (topic.iptc is None) == (topic.iptc_label is None), topic.id
        assert topic.iptc is None or re.fullmatch(r"medtop:\d{8}", topic.iptc), topic.iptc


def test_topic_rules_load_and_cover_every_topic_once(knowledge: Knowledge) -> None:
    rules = _json("topic_rules.json")["rules"]  # Knowledge.load rejected a rule naming an unknown topic
    assert sorted(r["topic"] for r in rules) == sorted(knowledge.topic_ids)
    for rule in rules:
        assert rule["min_matches"] >= 1
        for language in LANGUAGES:
            words = rule["keywords"][language] + rule.get("words", {}).get(language, [])
            assert words and len(set(words)) == len(words), (rule["topic"], language)
            assert all(w == w.strip() and w for w in words), (rule["topic"], language)


# --- knowledge base -----------------------------------------------------------------------------


def test_kb_ids_are_unique_sorted_slugs_with_valid_labels(kb: list[dict[str, Any]]) -> None:
    ids = [e["id"] for e in kb]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    for entity in kb:
        assert SLUG.fullmatch(entity["id"]), entity["id"]
        assert entity["label"] in ENTITY_LABELS, entity["id"]
        assert entity["wikidata"] is None or re.fullmatch(r"Q\d+", entity["wikidata"]), entity["id"]
        assert set(entity["names"]) <= set(LANGUAGES), entity["id"]
        assert any(entity["names"].values()) or any(entity.get("contextual", {}).values()), entity["id"]


def test_no_name_belongs_to_two_entities(kb: list[dict[str, Any]], knowledge: Knowledge) -> None:
    owners: dict[tuple[str, str], set[str]] = {}
    for entity in kb:
        for language, names in entity["names"].items():
            for name in names:
                assert name == name.strip() and "  " not in name, (entity["id"], name)
                owners.setdefault((language, normalise(name, language)), set()).add(entity["id"])
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert knowledge.entities.link(kb[0]["names"]["en"][0], "en") == kb[0]["id"]


def test_no_title_or_proclitic_in_names(kb: list[dict[str, Any]], entity_rules: dict[str, Any]) -> None:
    """Names are bare surfaces: a person's name never starts with a title, no name with a proclitic."""
    known = {(lang, n) for e in kb for lang, names in e["names"].items() for n in names}
    bad = []
    for entity in kb:
        for language, names in entity["names"].items():
            titles = entity_rules[language]["titles"]
            for name in names:
                if entity["label"] == "PER" and any(name.startswith(t + " ") for t in titles):
                    bad.append((entity["id"], name, "title"))
                if language == "ar" and any(
                    name.startswith(p) and (language, name[len(p) :]) in known
                    for p in entity_rules["ar"]["proclitics"]
                ):
                    bad.append((entity["id"], name, "proclitic"))
    assert bad == []


# --- gold of the seeds --------------------------------------------------------------------------


def test_gold_covers_every_seed_document_with_valid_fields(
    gold: list[dict[str, Any]], seed_docs: dict[str, Document], knowledge: Knowledge
) -> None:
    assert sorted(d["document_id"] for d in gold) == sorted(seed_docs)
    topics = set(knowledge.topic_ids)
    for doc in gold:
        where = doc["document_id"]
        assert doc["language"] == seed_docs[where].language, where
        assert set(doc["topics"]) <= topics and len(set(doc["topics"])) == len(doc["topics"]), where
        if doc["date"] is not None:
            dt.date.fromisoformat(doc["date"])
        assert doc["date_evidence"].strip(), where
        assert all(e["label"] in ENTITY_LABELS for e in doc["entities"]), where


def test_gold_header_dates_agree_with_the_date_annotator(
    gold: list[dict[str, Any]], seed_docs: dict[str, Document]
) -> None:
    """Where a seed has a metadata date, the human date is that date (dates are publication dates)."""
    checked = 0
    for doc in gold:
        silver = seed_docs[doc["document_id"]]
        if silver.date_source == "header":
            assert doc["date"] == silver.date.isoformat(), doc["document_id"]
            checked += 1
    assert checked


def test_gold_mentions_resolve_to_whole_words_without_overlap(
    gold: list[dict[str, Any]], seed_docs: dict[str, Document], entity_rules: dict[str, Any]
) -> None:
    """Each mention occurs at least occurrence+1 times, is not a piece of a word (except after
    Arabic proclitics, which stay outside the span) and no two mentions overlap (outermost only)."""
    proclitics = set(entity_rules["ar"]["proclitics"])
    for doc in gold:
        text, where = seed_docs[doc["document_id"]].text, doc["document_id"]
        spans = []
        for mention in doc["entities"]:
            start = nth_occurrence(text, mention["text"], mention["occurrence"])
            assert start is not None, (where, mention)
            end = start + len(mention["text"])
            assert end == len(text) or not _is_letter(text[end]), (where, mention)
            word_start = start
            while word_start > 0 and _is_letter(text[word_start - 1]):
                word_start -= 1
            prefix = text[word_start:start]
            assert not prefix or (doc["language"] == "ar" and prefix in proclitics), (where, mention)
            spans.append((start, end))
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), where
        assert len(spans) == len(set(spans)), where


def test_gold_person_mentions_carry_no_title(
    gold: list[dict[str, Any]], entity_rules: dict[str, Any]
) -> None:
    for doc in gold:
        titles = entity_rules[doc["language"]]["titles"]
        for mention in doc["entities"]:
            if mention["label"] == "PER":
                assert not any(mention["text"].startswith(t + " ") for t in titles), mention


def test_gold_and_knowledge_base_agree_on_labels(
    gold: list[dict[str, Any]], kb: list[dict[str, Any]]
) -> None:
    """A gold surface the base knows has the base's label (else linking would attach a wrong id)."""
    label_of = {
        (lang, normalise(n, lang)): e["label"]
        for e in kb
        for lang, names in e["names"].items()
        for n in names
    }
    known = 0
    for doc in gold:
        for mention in doc["entities"]:
            label = label_of.get((doc["language"], normalise(mention["text"], doc["language"])))
            if label is not None:
                known += 1
                assert label == mention["label"], (doc["document_id"], mention)
    assert known


# --- groups ---------------------------------------------------------------------------------------


def test_groups_reference_seed_documents_and_translations_share_an_event(
    seed_docs: dict[str, Document], knowledge: Knowledge
) -> None:
    raw = _json("groups.json")
    groups = knowledge.groups  # Knowledge.load rejected a document in two groups of one kind
    assert groups.members <= set(seed_docs)
    for kind in ("events", "translation_groups"):
        ids = [g["id"] for g in raw[kind]]
        assert len(set(ids)) == len(ids), kind
        for group in raw[kind]:
            assert group["documents"] and group["evidence"].strip(), group["id"]
    for group in raw["translation_groups"]:
        assert len({groups.event.get(d) for d in group["documents"]}) == 1, group["id"]
        languages = Counter(seed_docs[d].language for d in group["documents"])
        assert len(languages) > 1, group["id"]
    assert all(SLUG.fullmatch(g["id"]) for g in raw["events"])


def test_split_seeds_translation_groups_match_the_curated_ones(
    seed_docs: dict[str, Document], knowledge: Knowledge
) -> None:
    curated = knowledge.groups.translation
    for doc in seed_docs.values():
        if doc.translation_group is not None:
            assert curated.get(doc.id) == doc.translation_group, doc.id


# --- guidelines -----------------------------------------------------------------------------------


def test_guidelines_state_every_topic_definition_and_keep_an_adjudication_section(
    knowledge: Knowledge,
) -> None:
    text = (ANN / "GUIDELINES.md").read_text(encoding="utf-8")
    for topic in knowledge.taxonomy:
        assert f"`{topic.id}`" in text and topic.definition in text, topic.id
    assert re.search(r"^## \d+\. Adjudication$", text, re.M)


def test_arabic_given_names_are_compiled_normalised_and_none_is_a_title_or_a_stopword(
    knowledge: Knowledge, entity_rules: dict[str, Any]
) -> None:
    """A given name is no title, stopword or listed non-name once normalised, except where a stopword
    spelled with ى normalises to it (على → علي): those are compiled apart, for the annotator to tell
    the name by its spelling in the text."""
    given = knowledge.entities.ar_given_names
    assert normalise("أحمد", "ar") in given and "حكيم" in given
    listed = {normalise(w, "ar") for w in entity_rules["ar"]["given_names"]}
    others = {
        normalise(w, "ar") for key in ("titles", "stopwords", "not_names") for w in entity_rules["ar"][key]
    }
    maqsura = knowledge.entities.ar_maqsura_stopwords
    assert maqsura == {normalise(w, "ar") for w in entity_rules["ar"]["stopwords"] if w.endswith("ى")}
    assert listed == given and listed & others <= maqsura
