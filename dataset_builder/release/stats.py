"""The card's statistics, counted column by column over the ``documents`` batches a build writes.

Small per-language counters only (never a text): the card, the Croissant metadata and the build's
summary read what :meth:`CardStats.to_dict` gives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder import schema
from dataset_builder.rows import count_rows

_COUNTERS = ("documents", "characters", "status", "dated", "entities", "topics")
"""The :class:`CardStats` counters summed over documents (what a part of the documents adds)."""
_SEED_FILES = "seed_files"


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

    def add_batch(self, table: pa.Table, splits: pa.Array) -> None:
        """Count a batch of ``documents`` rows (``splits``: each row's split) in Arrow: no Python loop
        per document or per span."""
        languages = table.column(schema.LANGUAGE)
        self.documents.update(count_rows([languages, splits]))
        self.seed_files.append(pc.unique(table.column(schema.SEED_FILE).combine_chunks()))
        self.status.update(count_rows([languages, table.column(schema.ANNOTATION_STATUS)]))
        sums = (
            pa.table(
                {
                    schema.LANGUAGE: languages,
                    "characters": pc.cast(pc.utf8_length(table.column(schema.TEXT)), pa.int64()),
                    "dated": pc.cast(pc.is_valid(table.column(schema.DATE)), pa.int64()),
                }
            )
            .group_by(schema.LANGUAGE, use_threads=False)
            .aggregate([("characters", "sum"), ("dated", "sum")])
        )
        columns = (sums.column(n).to_pylist() for n in (schema.LANGUAGE, "characters_sum", "dated_sum"))
        for lang, characters, dated in zip(*columns, strict=True):
            self.characters[lang] += characters
            self.dated[lang] += dated
        for name, counter, values in (
            (schema.ENTITIES, self.entities, lambda flat: flat.field("label")),
            (schema.TOPICS, self.topics, lambda flat: flat),
        ):
            column = table.column(name)
            owners = pc.list_parent_indices(column)
            counter.update(
                count_rows([languages.take(owners), values(pc.list_flatten(column).combine_chunks())])
            )

    def merge(self, other: CardStats) -> None:
        """Add the counters of other documents (a staging part's: :mod:`dataset_builder.config_parts`)."""
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))
        self.seed_files += other.seed_files

    def counters(self) -> dict[str, Any]:
        """The per-document counters as JSON values (:meth:`from_counters` reads them back)."""
        data: dict[str, Any] = {
            name: [[list(k) if isinstance(k, tuple) else k, n] for k, n in getattr(self, name).items()]
            for name in _COUNTERS
        }
        data[_SEED_FILES] = pa.chunked_array(self.seed_files, pa.string()).to_pylist()
        return data

    @classmethod
    def from_counters(cls, data: Mapping[str, Any]) -> CardStats:
        """The counters :meth:`counters` gave (``KeyError``, ``TypeError`` or ``ValueError`` if damaged)."""
        stats = cls(seed_files=[pa.array(data[_SEED_FILES], pa.string())])
        for name in _COUNTERS:
            counter = getattr(stats, name)
            for k, n in data[name]:
                counter[tuple(k) if isinstance(k, list) else k] += int(n)
        return stats

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
