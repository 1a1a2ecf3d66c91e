"""The card's statistics, counted column by column over the ``documents`` batches a build writes.

Small per-language counters only (never a text): the card, the Croissant metadata and the build's
summary read what :meth:`CardStats.to_dict` gives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import schema


@dataclass
class CardStats:
    """Counters over every document of a build, per language (and split, status, label, topic)."""

    documents: Counter[tuple[str, str]] = field(default_factory=Counter)
    seed_files: list[pa.Array] = field(default_factory=list)
    """Each batch's distinct seed files, kept in Arrow: 14 bytes per document against 81 in a Python set (20k synthetic corpus)."""
    characters: Counter[str] = field(default_factory=Counter)
    status: Counter[tuple[str, str]] = field(default_factory=Counter)
    dated: Counter[str] = field(default_factory=Counter)
    entities: Counter[tuple[str, str]] = field(default_factory=Counter)
    topics: Counter[tuple[str, str]] = field(default_factory=Counter)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    arrow_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    events: int = 0
    translation_groups: int = 0

    def add_batch(self, table: pa.Table, splits: Sequence[str]) -> None:
        """Count a batch of ``documents`` rows column by column (no row dicts)."""
        languages = table.column(schema.LANGUAGE).to_pylist()
        self.documents.update(zip(languages, splits, strict=True))
        self.seed_files.append(pc.unique(table.column(schema.SEED_FILE).combine_chunks()))
        lengths = pc.utf8_length(table.column(schema.TEXT)).to_pylist()
        statuses = table.column(schema.ANNOTATION_STATUS).to_pylist()
        self.status.update(zip(languages, statuses, strict=True))
        dated = pc.is_valid(table.column(schema.DATE)).to_pylist()
        for lang, length, has_date in zip(languages, lengths, dated, strict=True):
            self.characters[lang] += length
            self.dated[lang] += has_date
        for name, counter, values in (
            (schema.ENTITIES, self.entities, lambda flat: flat.field("label")),
            (schema.TOPICS, self.topics, lambda flat: flat),
        ):
            column = table.column(name)
            owners = pc.list_parent_indices(column).to_pylist()
            names = values(pc.list_flatten(column).combine_chunks()).to_pylist()
            counter.update((languages[i], n) for i, n in zip(owners, names, strict=True))

    def to_dict(self, topic_ids: Sequence[str]) -> dict[str, Any]:
        def per_language(
            counter: Counter[tuple[str, str]], names: Iterable[str]
        ) -> dict[str, dict[str, int]]:
            return {lang: {n: counter[lang, n] for n in names} for lang in schema.LANGUAGES}

        return {
            "languages": {
                lang: {
                    "documents": sum(self.documents[lang, s] for s in schema.SPLITS),
                    "characters": self.characters[lang],
                    "dated": self.dated[lang],
                }
                for lang in schema.LANGUAGES
            },
            "documents_per_split": per_language(self.documents, schema.SPLITS),
            "status": per_language(self.status, schema.STATUSES),
            "entities": per_language(self.entities, schema.ENTITY_LABELS),
            "topics": per_language(self.topics, topic_ids),
            "rows": self.rows,
            "arrow_bytes": self.arrow_bytes,
            "seed_files": pc.count_distinct(
                pa.chunked_array(self.seed_files, pa.string()), mode="all"
            ).as_py(),
            "events": self.events,
            "translation_groups": self.translation_groups,
        }
