"""The single source of truth for labels and features.

The Label Studio config, the parquet features, the Croissant record sets and the dataset card are
all generated from what is defined here. What varies from one project to another lives in the
project: the topic taxonomy is knowledge (``annotations/taxonomy.json``, see
:mod:`dataset_builder.knowledge`), the name, version and license are in ``dataset.toml`` (see
:mod:`dataset_builder.project`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datasets

LANGUAGES: tuple[str, ...] = ("ar", "en")
"""ISO 639-1 codes of the languages the builder accepts; anything else is rejected."""

ENTITY_LABELS: dict[str, str] = {
    "PER": "Person: a named individual, without titles or honorifics.",
    "ORG": "Organisation: governments' bodies, ministries, agencies, companies, armed groups, parties.",
    "LOC": "Location: countries, cities, regions, geographic and political areas, seas.",
    "MISC": "Miscellaneous: nationalities and other named things (events, works) not above.",
}
"""CoNLL-2003 / ANERcorp entity scheme, with the one-line definition shown to annotators."""

DATE_SOURCES: tuple[str, ...] = ("header", "dateline", "text", "annotation")
GOLD = "gold"
SILVER = "silver"
DISPUTED = "disputed"
STATUSES: tuple[str, ...] = (GOLD, SILVER, DISPUTED)
"""``annotation_status`` values: ``disputed`` is a document whose annotators disagree and no reviewer
has decided yet; it carries its silver annotations."""
SPLITS: tuple[str, ...] = ("train", "validation", "test")
DEFAULT_SPLIT_RATIOS: tuple[float, float, float] = (0.8, 0.1, 0.1)


def split_ratios_ok(ratios: Sequence[float]) -> bool:
    """The one rule of split ratios (``dataset.toml``, ``--split-ratios``, the split ledger): one
    non-negative share per split, summing to 1."""
    return len(ratios) == len(SPLITS) and all(r >= 0 for r in ratios) and abs(sum(ratios) - 1) <= 1e-9


DATA_DIR = "data"
"""The folder of a built dataset that holds its parquet files: each config's splits, in shards."""


def data_file(config: str, split: str, shard: int = 0) -> str:
    """Where a shard of a config's split lives in a built folder (relative, POSIX): the one spelling
    of the layout the build writes and the card, the Croissant metadata, the manifest and the diff
    read. A split's rows are its shards' in the order of their numbers."""
    return f"{DATA_DIR}/{config}/{split}-{shard:05d}.parquet"


def split_glob(config: str, split: str) -> str:
    """The glob of a split's shards (what the card gives ``datasets`` as the split's files)."""
    return f"{DATA_DIR}/{config}/{split}-*.parquet"


def data_glob(config: str) -> str:
    """The glob of every parquet file of a config in a built folder."""
    return f"{DATA_DIR}/{config}/*.parquet"


_SHARD_SUFFIX = re.compile(r"-\d{5}$")


def split_of_file(path: PurePath) -> str:
    """The split a config's parquet file holds: its name without the shard number (a folder built
    before shards has one ``<split>.parquet`` per split)."""
    return _SHARD_SUFFIX.sub("", path.stem)


@dataclass(frozen=True, slots=True)
class Topic:
    """One taxonomy entry, mapped to an IPTC Media Topic where one fits."""

    id: str
    name: str
    iptc: str | None
    iptc_label: str | None
    definition: str
    parent: str | None = None
    """The broader topic this one refines (``diplomacy`` under ``politics``); ``None`` at the top level."""


def ner_tag_names() -> list[str]:
    """IOB2 tag names; index = ClassLabel id (``O`` is 0, as token-classification code expects)."""
    return ["O"] + [f"{p}-{label}" for label in ENTITY_LABELS for p in ("B", "I")]


Feature = Any
"""A ``datasets`` feature (``Value``, ``List``, ``ClassLabel``, ``Translation`` or a dict of them)."""
FeatureSpec = Callable[[Sequence[str]], Feature]
"""Makes a column's feature, given the project's topic ids (only ``labels`` reads them).

Features are made when asked for, never at import: the annotating workers import this module for its
names and labels, and ``datasets`` (with pandas) would add about 70 MB to each of them and to their
fork server, through the whole annotation of a large corpus."""


def _datasets() -> Any:
    import datasets  # here, not at the top: see FeatureSpec

    return datasets


def _value(dtype: str) -> FeatureSpec:
    return lambda _topic_ids: _datasets().Value(dtype)


def _list(item: FeatureSpec) -> FeatureSpec:
    return lambda topic_ids: _datasets().List(item(topic_ids))


def _struct(fields: dict[str, FeatureSpec]) -> FeatureSpec:
    return lambda topic_ids: {name: make(topic_ids) for name, make in fields.items()}


_SPAN = _struct(
    {
        "start": _value("int32"),
        "end": _value("int32"),
        "text": _value("string"),
        "label": _value("string"),
        "entity_id": _value("string"),
    }
)
_CUT = _struct({"start": _value("int32"), "text": _value("string"), "reason": _value("string")})
_STRING = _value("string")
_INT32 = _value("int32")


def _ner_tags(_topic_ids: Sequence[str]) -> Feature:
    return _datasets().ClassLabel(names=ner_tag_names())


def _topic_labels(topic_ids: Sequence[str]) -> Feature:
    return _datasets().ClassLabel(names=list(topic_ids))


def _translation(_topic_ids: Sequence[str]) -> Feature:
    return _datasets().Translation(languages=list(LANGUAGES))


# --- the field table ------------------------------------------------------------------------------
# Every column of every config is named here once; code elsewhere spells a column with these constants
# (``tests/test_field_table.py`` fails on a string literal of a field name used as a column key).

ID = "id"
DOCUMENT_ID = "document_id"
SEED_FILE = "seed_file"
LANGUAGE = "language"
TITLE = "title"
TEXT = "text"
DATE = "date"
DATE_SOURCE = "date_source"
DATE_EVIDENCE = "date_evidence"
ENTITIES = "entities"
TOPICS = "topics"
EVENT_ID = "event_id"
TRANSLATION_GROUP = "translation_group"
ANNOTATION_STATUS = "annotation_status"
TRUNCATED = "truncated"
SEED_START = "seed_start"
SEED_END = "seed_end"
CUTS = "cuts"
TOKENS = "tokens"
NER_TAGS = "ner_tags"
TOKEN_STARTS = "token_starts"
TOKEN_ENDS = "token_ends"
LABELS = "labels"
ALIGNMENT = "alignment"
TRANSLATION = "translation"


@dataclass(frozen=True, slots=True)
class Field:
    """One dataset column: its name, its feature, what the card and Croissant say of it, and the Label
    Studio control that annotates it (``None`` when annotators do not edit it)."""

    name: str
    feature: FeatureSpec
    description: str
    control: str | None = None


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(ID, _STRING, "Row id (document id, or document id + sentence/pair suffix)."),
        Field(DOCUMENT_ID, _STRING, "Id of the document the sentence comes from."),
        Field(SEED_FILE, _STRING, "Seed file the document was cut from."),
        Field(LANGUAGE, _STRING, "ISO 639-1 language code.", control=LANGUAGE),
        Field(TITLE, _STRING, "Headline, when the article has one."),
        Field(
            TEXT,
            _STRING,
            "Cleaned article text; entity and token offsets point into it (Python code points).",
            control=TEXT,
        ),
        Field(DATE, _value("date32"), "Publication date of the article.", control=DATE),
        Field(
            DATE_SOURCE,
            _STRING,
            f"Where the date was found: one of {', '.join(DATE_SOURCES)}.",
        ),
        Field(DATE_EVIDENCE, _STRING, "Text the date was read from.", control=DATE_EVIDENCE),
        Field(
            ENTITIES,
            _list(_SPAN),
            "Named-entity spans: start/end offsets into text, text, label, knowledge-base entity_id.",
            control=ENTITIES,
        ),
        Field(TOPICS, _list(_STRING), "Taxonomy topic ids.", control=TOPICS),
        Field(
            EVENT_ID,
            _STRING,
            "Id of the news event the document reports (documents of one event share a split).",
        ),
        Field(TRANSLATION_GROUP, _STRING, "Id shared by an article and its translation."),
        Field(
            ANNOTATION_STATUS,
            _STRING,
            "gold (human-adjudicated), silver (automatic), or disputed (annotators disagree, a reviewer "
            "has not decided yet: silver annotations).",
        ),
        Field(TRUNCATED, _value("bool"), "True when the seed article was cut short."),
        Field(SEED_START, _INT32, "Offset of the document in its seed file (not in text)."),
        Field(SEED_END, _INT32, "End offset of the document in its seed file (not in text)."),
        Field(
            CUTS,
            _list(_CUT),
            "Characters cleaning removed, each at a start offset into the seed file (not into text); "
            "text plus cuts rebuild the file's characters seed_start:seed_end.",
        ),
        Field(
            TOKENS,
            _list(_STRING),
            "Words and punctuation; tokens are also cut at entity boundaries (Arabic proclitics split off).",
        ),
        Field(
            NER_TAGS,
            _list(_ner_tags),
            "IOB2 tag per token (ClassLabel).",
        ),
        Field(TOKEN_STARTS, _list(_INT32), "Offset of each token in the document text."),
        Field(
            TOKEN_ENDS,
            _list(_INT32),
            "End offset of each token in the document text.",
        ),
        Field(
            LABELS,
            _list(_topic_labels),
            "Topic labels (ClassLabel, multi-label).",
        ),
        Field(
            ALIGNMENT,
            _STRING,
            "paragraph (paragraphs aligned one to one) or document (whole articles).",
        ),
        Field(
            TRANSLATION,
            _translation,
            "The Arabic and English texts, keyed by language code.",
        ),
    )
}
"""Every column of the dataset, in no particular order (each config orders its own)."""

CONFIG_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": (
        ID,
        SEED_FILE,
        LANGUAGE,
        TITLE,
        TEXT,
        DATE,
        DATE_SOURCE,
        DATE_EVIDENCE,
        ENTITIES,
        TOPICS,
        EVENT_ID,
        TRANSLATION_GROUP,
        ANNOTATION_STATUS,
        TRUNCATED,
        SEED_START,
        SEED_END,
        CUTS,
    ),
    # Sentence-level IOB2 rows; offsets point into the document text so spans can be traced back.
    # ``annotation_status`` travels with every row, so evaluation can keep gold sentences only.
    "ner": (ID, DOCUMENT_ID, LANGUAGE, ANNOTATION_STATUS, TOKENS, NER_TAGS, TOKEN_STARTS, TOKEN_ENDS),
    # Multi-label document classification over the project's taxonomy (its order fixes the ids).
    "topics": (ID, LANGUAGE, ANNOTATION_STATUS, TEXT, LABELS),
    # Arabic–English pairs in the ``translation`` convention HF translation scripts expect.
    "parallel": (ID, TRANSLATION_GROUP, ALIGNMENT, TRANSLATION),
}
"""The columns of each config, in their order (field names are a contract)."""

CONFIG_NAMES: tuple[str, ...] = tuple(CONFIG_FIELDS)

FIELD_DESCRIPTIONS: dict[str, str] = {name: f.description for name, f in FIELDS.items()}
"""One description per field name, shared by the card and the Croissant metadata."""

CONTROLS: dict[str, str] = {name: f.control for name, f in FIELDS.items() if f.control is not None}
"""The Label Studio control (``from_name``) of each field annotators edit."""


def features(config: str, topic_ids: Sequence[str] = ()) -> datasets.Features:
    """The ``datasets`` features of a config, from the field table (only ``topics`` needs the taxonomy)."""
    return _datasets().Features({name: FIELDS[name].feature(topic_ids) for name in CONFIG_FIELDS[config]})


def config_features(topic_ids: Sequence[str]) -> dict[str, datasets.Features]:
    """The features of every config, by config name."""
    return {config: features(config, topic_ids) for config in CONFIG_NAMES}


def documents_features() -> datasets.Features:
    """Features of the ``documents`` config."""
    return features("documents")


def ner_features() -> datasets.Features:
    """Features of the ``ner`` config."""
    return features("ner")


def topics_features(topic_ids: Sequence[str]) -> datasets.Features:
    """Features of the ``topics`` config over the project's taxonomy."""
    return features("topics", topic_ids)


def parallel_features() -> datasets.Features:
    """Features of the ``parallel`` config."""
    return features("parallel")
