"""The single source of truth for labels and features.

The Label Studio config, the parquet features, the Croissant record sets and the dataset card are
all generated from what is defined here. What varies from one project to another lives in the
project: the topic taxonomy is knowledge (``annotations/taxonomy.json``, see
:mod:`dataset_builder.knowledge`), the name, version and license are in ``dataset.toml`` (see
:mod:`dataset_builder.project`).
"""

from __future__ import annotations

from dataclasses import dataclass

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
STATUSES: tuple[str, ...] = ("gold", "silver")
SPLITS: tuple[str, ...] = ("train", "validation", "test")
DEFAULT_SPLIT_RATIOS: tuple[float, float, float] = (0.8, 0.1, 0.1)

DATA_DIR = "data"
"""The folder of a built dataset that holds its parquet files, one per config and split."""


def data_file(config: str, split: str) -> str:
    """Where a config's split lives in a built folder (relative, POSIX): the one spelling of the layout
    the build writes and the card, the Croissant metadata, the manifest and the diff read."""
    return f"{DATA_DIR}/{config}/{split}.parquet"


def data_glob(config: str) -> str:
    """The glob of a config's split files in a built folder (the split is the file's stem)."""
    return data_file(config, "*")


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


SPAN_FEATURE = {
    "start": datasets.Value("int32"),
    "end": datasets.Value("int32"),
    "text": datasets.Value("string"),
    "label": datasets.Value("string"),
    "entity_id": datasets.Value("string"),
}
CUT_FEATURE = {
    "start": datasets.Value("int32"),
    "text": datasets.Value("string"),
    "reason": datasets.Value("string"),
}


def documents_features() -> datasets.Features:
    """Features of the ``documents`` config (field names are a contract)."""
    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "seed_file": datasets.Value("string"),
            "language": datasets.Value("string"),
            "title": datasets.Value("string"),
            "text": datasets.Value("string"),
            "date": datasets.Value("date32"),
            "date_source": datasets.Value("string"),
            "date_evidence": datasets.Value("string"),
            "entities": datasets.List(SPAN_FEATURE),
            "topics": datasets.List(datasets.Value("string")),
            "event_id": datasets.Value("string"),
            "translation_group": datasets.Value("string"),
            "annotation_status": datasets.Value("string"),
            "truncated": datasets.Value("bool"),
            "seed_start": datasets.Value("int32"),
            "seed_end": datasets.Value("int32"),
            "cuts": datasets.List(CUT_FEATURE),
        }
    )
