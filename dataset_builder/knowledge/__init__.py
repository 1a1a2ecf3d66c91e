"""A project's knowledge, read and compiled once, then passed explicitly to every stage.

Each annotator takes the compiled piece it needs (``annotate_entities(doc, knowledge.entities)``),
so which knowledge a build used is decided by the caller, never by a module cache or a path
computed from the package: two projects in one process cannot see each other's rules. The object
pickles, so worker processes receive it once each (see :func:`pipeline.silver_documents`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from dataset_builder.knowledge import compiled
from dataset_builder.knowledge import schema as ks
from dataset_builder.knowledge.dates import DateRules, compile_date_rules
from dataset_builder.knowledge.entities import EntityKnowledge, compile_entity_knowledge
from dataset_builder.knowledge.registries import registry_names
from dataset_builder.knowledge.seeds import SeedRules, compile_seed_rules
from dataset_builder.knowledge.text import normalise
from dataset_builder.knowledge.topics import TopicRules, compile_topic_rules
from dataset_builder.schema import Topic


@dataclass(frozen=True, slots=True)
class Groups:
    """Curated cross-document links (``groups.json``): document id → event / translation group id."""

    event: dict[str, str]
    translation: dict[str, str]

    @property
    def members(self) -> set[str]:
        return set(self.event) | set(self.translation)

    @classmethod
    def compile(cls, groups: ks.GroupsFile) -> Groups:
        return cls(
            {d: g.id for g in groups.events for d in g.documents},
            {d: g.id for g in groups.translation_groups for d in g.documents},
        )


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the builder knows besides the seeds and the human annotations."""

    folder: Path
    """Where the files were read (named in errors about groups)."""
    taxonomy: tuple[Topic, ...]
    """Topics in the order that fixes the ClassLabel ids."""
    seed_rules: SeedRules
    date_rules: DateRules
    entities: EntityKnowledge
    topic_rules: TopicRules
    groups: Groups
    silver_fingerprint: str
    """Hash of the files the silver annotators read (all but ``groups.json``, applied after them):
    a key of the silver cache (:mod:`dataset_builder.cache`)."""

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.taxonomy)

    def without_learned_from(self, document_ids: Iterable[str]) -> Knowledge:
        """This knowledge without the entity names only these documents' gold taught, for comparing
        their silver with their gold (else silver finds every gold name by construction)."""
        return replace(self, entities=self.entities.without_documents(document_ids))

    @classmethod
    def load(cls, annotations_dir: Path, cache_dir: Path | None = None) -> Knowledge:
        """Read, validate and compile every knowledge file of ``annotations_dir`` (errors name file and
        entry). With ``cache_dir`` (the project's cache folder), the names taken from registry packages
        are read from it when they were built for the same inputs, and kept there otherwise
        (:mod:`dataset_builder.knowledge.registries`), and the whole compiled knowledge too
        (:mod:`dataset_builder.knowledge.compiled`)."""
        folder = Path(annotations_dir)
        with _no_cycle_collection():
            if cache_dir is None:
                return cls._load(folder, None)
            return compiled.cached(Path(cache_dir), folder, lambda: cls._load(folder, cache_dir))

    @classmethod
    def _load(cls, folder: Path, cache_dir: Path | None) -> Knowledge:
        taxonomy = tuple(
            Topic(t.id, t.name, t.iptc, t.iptc_label, t.definition, t.parent)
            for t in ks.load_taxonomy_file(folder / ks.TAXONOMY).topics
        )
        topic_ids = [t.id for t in taxonomy]
        groups_path = folder / ks.GROUPS
        return cls(
            folder=folder,
            taxonomy=taxonomy,
            seed_rules=compile_seed_rules(ks.load(folder / ks.SEED_RULES, ks.SeedRulesFile)),
            date_rules=compile_date_rules(ks.load(folder / ks.DATE_RULES, ks.DateRulesFile)),
            entities=_entity_knowledge(folder, cache_dir),
            topic_rules=compile_topic_rules(
                ks.load_topic_rules_file(folder / ks.TOPIC_RULES, topic_ids),
                topic_ids,
                {t.id: t.parent for t in taxonomy},
            ),
            groups=Groups.compile(ks.load_groups_file(groups_path))
            if groups_path.exists()
            else Groups({}, {}),
            silver_fingerprint=ks.silver_files_digest(folder),
        )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the knowledge is built: the hundreds of thousands of
    tuples and strings (names, towns, automata entries) it allocates, and none of them garbage, set
    off collections that walk the whole heap again and again: the load and one full collection after
    it took 0.73 s of CPU with the collector running, 0.58 s with it paused (this repository's
    knowledge, its registry names read from the cache)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _entity_knowledge(folder: Path, cache_dir: Path | None) -> EntityKnowledge:
    """The entity knowledge of ``folder``'s files, the registry names read from ``cache_dir`` if kept there."""
    entities = ks.load_entities_file(folder / ks.ENTITIES, normalise)
    rules = ks.load(folder / ks.ENTITY_RULES, ks.EntityRulesFile)
    learned = folder / ks.LEARNED_ALIASES
    return compile_entity_knowledge(
        entities,
        rules,
        registry_names(rules, cache_dir),
        ks.load(learned, ks.LearnedAliasesFile) if learned.exists() else None,
        str(folder / ks.ENTITY_RULES),
    )
