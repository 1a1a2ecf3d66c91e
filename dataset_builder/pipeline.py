"""The flow from seed files to final documents, as a stream.

read seeds → split into documents → annotate (language, date, entities, topics) → merge human
annotations (gold over silver, :func:`annotations.apply_gold`) → curated groups. The annotators are
:class:`PipelineStep` objects over a batch of documents (a shard's), with counters; only
:func:`silver_documents` touches the file system (the seed files, the silver cache).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from dataset_builder.annotations import apply_gold, gold_documents
from dataset_builder.annotators.dates import annotate_date
from dataset_builder.annotators.entities import annotate_entities
from dataset_builder.annotators.ner_model import ModelTagger, load_tagger
from dataset_builder.annotators.topics import annotate_topics
from dataset_builder.cache import SilverCache
from dataset_builder.documents import CHARACTER_CUTS, Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.executors import Executor, LocalExecutor, shards
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.dates import DateRules
from dataset_builder.knowledge.entities import EntityKnowledge
from dataset_builder.knowledge.seeds import SeedRules
from dataset_builder.knowledge.topics import TopicRules
from dataset_builder.seeds import decode_seed, seed_bytes, seed_files, split_seed

READ_STEP = "read + clean + split"
CACHE_STEP = "silver cache"
GOLD_STEP = "gold + curated groups"
"""Names of the steps that are not annotators (the annotators' are their classes' ``name``)."""


@dataclass
class StepStats:
    """What one step did in a run: documents it saw, seconds it took (summed over workers), and its
    own counters (e.g. spans per label). Stats of shards run anywhere add up (:meth:`merge`)."""

    documents: int = 0
    seconds: float = 0.0
    counters: Counter[str] = field(default_factory=Counter)

    def merge(self, other: StepStats) -> None:
        self.documents += other.documents
        self.seconds += other.seconds
        self.counters.update(other.counters)


class PipelineStats(dict[str, StepStats]):
    """Step name → its stats, in the order the steps run (datatrove's per-step stats)."""

    def step(self, name: str) -> StepStats:
        return self.setdefault(name, StepStats())

    def merge(self, other: Mapping[str, StepStats]) -> None:
        for name, stats in other.items():
            self.step(name).merge(stats)

    def to_text(self) -> str:
        """One line a step: documents, counters, seconds (summed over workers: CPU time, not wall)."""
        width = max((len(name) for name in self), default=0)
        lines = []
        for name, stats in self.items():
            counters = ", ".join(f"{key} {value:,}" for key, value in sorted(stats.counters.items()))
            lines.append(
                f"{name:<{width}}  {stats.documents:>9,} documents  {stats.seconds:>8.2f} s"
                + (f"  ({counters})" if counters else "")
            )
        return "\n".join(lines)


class PipelineStep(ABC):
    """A step over a batch of documents, in the shape of datatrove's ``PipelineStep``: it knows
    nothing of where it runs, counts what it does, and is timed by :meth:`__call__`."""

    name: ClassVar[str]

    @abstractmethod
    def process(self, doc: Document, stats: StepStats) -> Document:
        """One document, annotated; ``stats.counters`` counts what the step found in it."""

    def __call__(self, docs: Sequence[Document], stats: PipelineStats) -> list[Document]:
        step = stats.step(self.name)
        start = time.perf_counter()
        out = [self.process(doc, step) for doc in docs]
        step.documents += len(docs)
        step.seconds += time.perf_counter() - start
        return out


class DateStep(PipelineStep):
    name = "dates"

    def __init__(self, rules: DateRules) -> None:
        self.rules = rules

    def process(self, doc: Document, stats: StepStats) -> Document:
        doc = annotate_date(doc, self.rules)
        stats.counters[f"from {doc.date_source}" if doc.date else "undated"] += 1
        return doc


class EntityStep(PipelineStep):
    name = "entities"

    def __init__(self, knowledge: EntityKnowledge, tagger: ModelTagger | None = None) -> None:
        self.knowledge, self.tagger = knowledge, tagger

    def process(self, doc: Document, stats: StepStats) -> Document:
        doc = annotate_entities(doc, self.knowledge, self.tagger)
        check_spans(doc.text, doc.entities, f"{doc.seed_file} ({doc.id})")
        stats.counters.update(span.label for span in doc.entities)
        stats.counters["linked to an id"] += sum(span.entity_id is not None for span in doc.entities)
        return doc


class TopicStep(PipelineStep):
    name = "topics"

    def __init__(self, rules: TopicRules) -> None:
        self.rules = rules

    def process(self, doc: Document, stats: StepStats) -> Document:
        doc = annotate_topics(doc, self.rules)
        stats.counters["with a topic" if doc.topics else "without a topic"] += 1
        return doc


def silver_steps(knowledge: Knowledge, tagger: ModelTagger | None = None) -> list[PipelineStep]:
    """The builder's own annotators, in order (language is set when a seed is split); with
    ``tagger``, a local token-classification model adds its entities to the silver ones."""
    return [
        DateStep(knowledge.date_rules),
        EntityStep(knowledge.entities, tagger),
        TopicStep(knowledge.topic_rules),
    ]


SeedFile = tuple[Path, bytes]
"""A seed file's path (documents are named after it) and its bytes, read by the driver: a shard
carries its seeds, so a cluster's nodes need no access to the project's files."""


def read_and_split(files: Sequence[SeedFile], rules: SeedRules, stats: PipelineStats) -> list[list[Document]]:
    """The first step, over files: each seed file decoded, cleaned and cut into one document per language."""
    step = stats.step(READ_STEP)
    start = time.perf_counter()
    per_file = [split_seed(path, decode_seed(path, data), rules) for path, data in files]
    for docs in per_file:
        step.documents += len(docs)
        step.counters["seed files"] += 1
        step.counters.update(doc.language for doc in docs)
        step.counters["lines cut"] += sum(len(doc.cuts) for doc in docs)
        step.counters.update(
            f"cut by {c.reason}" for doc in docs for c in doc.cuts if c.reason not in CHARACTER_CUTS
        )
    step.seconds += time.perf_counter() - start
    return per_file


def annotate_files(
    files: Sequence[SeedFile], knowledge: Knowledge, tagger: ModelTagger | None = None
) -> tuple[list[list[Document]], PipelineStats]:
    """Seed files → each file's silver documents, and what every step did: the steps run over the
    whole batch of the files' documents."""
    stats = PipelineStats()
    per_file = read_and_split(files, knowledge.seed_rules, stats)
    batch = [doc for docs in per_file for doc in docs]
    for step in silver_steps(knowledge, tagger):
        batch = step(batch, stats)
    done = iter(batch)
    return [[next(done) for _ in docs] for docs in per_file], stats


def annotate_seed(path: Path, knowledge: Knowledge, tagger: ModelTagger | None = None) -> list[Document]:
    """One seed file → its silver documents."""
    (docs,), _ = annotate_files([(path, seed_bytes(path))], knowledge, tagger)
    return docs


def annotate_shard(
    context: SilverContext, files: Sequence[SeedFile]
) -> tuple[list[list[Document]], PipelineStats]:
    """A shard of seed files → each file's silver documents and the steps' stats (what an executor
    runs; module-level, so it pickles)."""
    return annotate_files(files, context.knowledge, context.tagger())


class _SeedShards(Sequence[list[SeedFile]]):
    """Shards of ``SHARD_FILES`` seed files, each read when an executor takes it: the bytes travel
    with the shard, and only the shards in flight are in memory."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.groups = shards(paths, SHARD_FILES)

    def __len__(self) -> int:
        return len(self.groups)

    def __getitem__(self, index: int) -> list[SeedFile]:  # type: ignore[override]
        return [(path, seed_bytes(path)) for path in self.groups[index]]


SHARD_FILES = 32
"""Seed files per shard: fixed, so the shards (and the output) never depend on the executor."""


@dataclass
class SilverContext:
    """What every shard's annotators need, sent once to each worker: the knowledge and, optionally,
    a local NER model folder, loaded on first use in each worker (a loaded model does not pickle)."""

    knowledge: Knowledge
    ner_model: Path | None = None
    _tagger: ModelTagger | None = field(default=None, repr=False, compare=False)

    def tagger(self) -> ModelTagger | None:
        if self.ner_model is not None and self._tagger is None:
            self._tagger = load_tagger(self.ner_model)
        return self._tagger

    def __getstate__(self) -> dict[str, object]:
        return {"knowledge": self.knowledge, "ner_model": self.ner_model, "_tagger": None}


def silver_documents(
    seeds_dir: Path,
    knowledge: Knowledge,
    workers: int = 1,
    executor: Executor | None = None,
    ner_model: Path | None = None,
    cache: SilverCache | None = None,
    stats: PipelineStats | None = None,
) -> Iterator[Document]:
    """Cleaned, split and silver-annotated documents, in seed-file order.

    Seed files are cut into shards that ``executor`` (default: ``workers`` local processes) annotates,
    each worker receiving the compiled knowledge once; shards come back in order, so the output is the
    same whatever runs them, and an error in a worker reaches the caller unchanged. With ``cache``,
    only the files it does not hold are annotated (and stored); the others are read back from it.
    ``stats`` gathers what every step did, as the documents stream by.
    """
    stats = PipelineStats() if stats is None else stats
    executor = executor or LocalExecutor(workers)
    files = seed_files(Path(seeds_dir))
    context = SilverContext(knowledge, Path(ner_model) if ner_model is not None else None)
    context.tagger()  # a bad model folder is reported before any seed is annotated

    def annotated(paths: list[Path]) -> Iterator[list[Document]]:
        for per_file, shard_stats in executor.map(annotate_shard, context, _SeedShards(paths)):
            stats.merge(shard_stats)
            yield from per_file

    if cache is None:
        for docs in annotated(files):
            yield from docs
        return
    lookup = stats.step(CACHE_STEP)
    start = time.perf_counter()
    keys = [cache.key(path.name, seed_bytes(path)) for path in files]
    stored = cache.present(keys)
    fresh = annotated([path for path, key in zip(files, keys, strict=True) if key not in stored])
    lookup.seconds += time.perf_counter() - start
    for key in keys:
        if key in stored:
            start = time.perf_counter()
            docs = cache.get(key)
            lookup.seconds += time.perf_counter() - start
            lookup.documents += len(docs)
            lookup.counters["seed files reused"] += 1
        else:
            docs = next(fresh)
            cache.put(key, docs)
            lookup.documents += len(docs)  # the row counts every document the cache step passed on
            lookup.counters["seed files annotated"] += 1
        yield from docs


def documents(
    seeds_dir: Path,
    annotations_dir: Path,
    knowledge: Knowledge,
    workers: int = 1,
    executor: Executor | None = None,
    ner_model: Path | None = None,
    cache: SilverCache | None = None,
    stats: PipelineStats | None = None,
) -> Iterator[Document]:
    """Final documents: silver (from ``cache`` where it holds them), with gold
    (``annotations_dir/documents``) applied and curated groups set; ``stats`` as in :func:`silver_documents`."""
    stats = PipelineStats() if stats is None else stats
    annotations_dir = Path(annotations_dir)
    gold = gold_documents(annotations_dir, knowledge.topic_ids)
    groups = knowledge.groups
    members = groups.members
    seen: set[str] = set()  # of the documents gold or the curated groups name: not every id
    for doc in silver_documents(seeds_dir, knowledge, workers, executor, ner_model, cache, stats):
        start = time.perf_counter()
        merge = stats.step(GOLD_STEP)
        if doc.id in gold or doc.id in members:
            seen.add(doc.id)
        merge.counters["gold"] += doc.id in gold
        if doc.id in gold:
            doc = apply_gold(doc, gold[doc.id], knowledge, annotations_dir)
        doc = doc.with_(
            event_id=groups.event.get(doc.id, doc.event_id),
            translation_group=groups.translation.get(doc.id, doc.translation_group),
        )
        merge.counters["in a curated group"] += doc.id in members
        merge.documents += 1
        merge.seconds += time.perf_counter() - start
        yield doc
    for doc_id in sorted(set(gold) - seen):
        raise InputError(
            f"{annotations_dir / 'documents' / (doc_id + '.json')}: annotation for unknown document "
            f"{doc_id!r} (no such document in {seeds_dir})"
        )
    for doc_id in sorted(members - seen):
        raise InputError(
            f"{knowledge.folder / 'groups.json'}: unknown document {doc_id!r} (no such document in {seeds_dir})"
        )
