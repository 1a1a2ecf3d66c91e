"""The flow from seed files to final documents, as a stream of steps.

read seeds → split into documents → annotate (dates, entities, topics) → silver cache → merge human
annotations (gold over silver, :func:`annotations.apply_gold`) → curated groups. Every stage is a
:class:`PipelineStep` in datatrove's shape: ``run(documents, stats)`` is a generator over a stream of
documents that counts what it does, and the pipeline chains the steps' generators. The per-shard
steps (:func:`shard_steps`) run wherever an executor sends a shard of seed files; the others
(:func:`pipeline_steps`) run in this process over the shards' documents, in seed-file order.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa

from dataset_builder.annotations import Gold, apply_gold, gold_documents
from dataset_builder.annotators.dates import annotate_date
from dataset_builder.annotators.entities import annotate_entities
from dataset_builder.annotators.ner_model import ModelTagger, load_tagger
from dataset_builder.annotators.topics import annotate_topics
from dataset_builder.cache import SilverCache
from dataset_builder.documents import CHARACTER_CUTS, Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.executors import Executor, LocalExecutor, Shards
from dataset_builder.knowledge import Groups, Knowledge
from dataset_builder.knowledge.entities import EntityKnowledge
from dataset_builder.knowledge.seeds import SeedRules
from dataset_builder.seeds import SeedFiles, decode_seed, seed_bytes, seed_files, split_seed
from dataset_builder.staged import Reuse

READ_STEP = "read + clean + split"
CACHE_STEP = "silver cache"
SHARDS_STEP = "silver shards"
GOLD_STEP = "gold"
GROUPS_STEP = "curated groups"
"""Names of the steps that are not annotators (the annotators' are given in :func:`annotator_steps`)."""

T = TypeVar("T")


@dataclass
class StepStats:
    """What one step did in a run: documents it passed on, seconds it took (its own, not its input's;
    summed over workers), and its own counters (e.g. spans per label). Stats of shards run anywhere
    add up (:meth:`merge`)."""

    documents: int = 0
    seconds: float = 0.0
    counters: Counter[str] = field(default_factory=Counter)

    def merge(self, other: StepStats) -> None:
        self.documents += other.documents
        self.seconds += other.seconds
        self.counters.update(other.counters)

    def untimed(self, items: Iterable[T]) -> Iterator[T]:
        """``items``, the time spent producing them taken off this step's seconds: it is other steps'."""
        source = iter(items)
        while True:
            start = time.perf_counter()
            try:
                item = next(source)
            except StopIteration:
                return
            finally:
                self.seconds -= time.perf_counter() - start
            yield item


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
    """A stage of the flow, in the shape of datatrove's ``PipelineStep``: a generator over a stream of
    documents that knows nothing of where it runs and counts what it does; calling it times it and
    counts the documents it passes on."""

    name: str

    @abstractmethod
    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        """The step's documents, given those of the steps before; ``stats.counters`` counts what it found."""

    def __call__(self, documents: Iterable[Document], stats: PipelineStats) -> Iterator[Document]:
        step = stats.step(self.name)
        out = self.run(step.untimed(documents), step)
        while True:
            start = time.perf_counter()
            try:
                doc = next(out)
            except StopIteration:
                return
            finally:
                step.seconds += time.perf_counter() - start
            step.documents += 1
            yield doc


def run_steps(
    steps: Sequence[PipelineStep], stats: PipelineStats, documents: Iterable[Document] = ()
) -> Iterator[Document]:
    """The steps chained, each over the stream of the one before (the first one's input: ``documents``);
    their rows of ``stats`` in the steps' order, even for a step that passes nothing on."""
    for step in steps:
        stats.step(step.name)
    for step in steps:
        documents = step(documents, stats)
    yield from documents


# --- the per-shard steps -----------------------------------------------------------------------------

SeedFile = tuple[Path, bytes]
"""A seed file's path (documents are named after it) and its bytes, read by the driver: a shard
carries its seeds, so a cluster's nodes need no access to the project's files."""


class ReadSeeds(PipelineStep):
    """The first step, a reader (as datatrove's, it passes its input on first): each seed file
    decoded, cleaned and cut into one document per language run."""

    name = READ_STEP

    def __init__(self, files: Sequence[SeedFile], rules: SeedRules) -> None:
        self.files, self.rules = files, rules

    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        yield from documents
        for path, data in self.files:
            docs = split_seed(path, decode_seed(path, data), self.rules)
            stats.counters["seed files"] += 1
            stats.counters.update(doc.language for doc in docs)
            stats.counters["lines cut"] += sum(len(doc.cuts) for doc in docs)
            stats.counters.update(
                f"cut by {c.reason}" for doc in docs for c in doc.cuts if c.reason not in CHARACTER_CUTS
            )
            yield from docs


@dataclass(frozen=True)
class Annotator(PipelineStep):
    """A silver annotator as a step: ``annotate`` fills a document's field, ``count`` says what it
    found there (counter → amount)."""

    name: str  # type: ignore[misc]
    annotate: Callable[[Document], Document]
    count: Callable[[Document], Mapping[str, int]]

    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        for doc in documents:
            doc = self.annotate(doc)
            stats.counters.update(self.count(doc))
            yield doc


def _date_counts(doc: Document) -> Mapping[str, int]:
    return {f"from {doc.date_source}" if doc.date else "undated": 1}


def _checked_entities(doc: Document, knowledge: EntityKnowledge, tagger: ModelTagger | None) -> Document:
    doc = annotate_entities(doc, knowledge, tagger)
    check_spans(doc.text, doc.entities, f"{doc.seed_file} ({doc.id})")
    return doc


def _entity_counts(doc: Document) -> Mapping[str, int]:
    counts = Counter(span.label for span in doc.entities)
    counts["linked to an id"] = sum(span.entity_id is not None for span in doc.entities)
    return counts


def _topic_counts(doc: Document) -> Mapping[str, int]:
    return {"with a topic" if doc.topics else "without a topic": 1}


def annotator_steps(knowledge: Knowledge, tagger: ModelTagger | None = None) -> list[PipelineStep]:
    """The builder's own annotators, in order (a document's language is set when its seed is split,
    by language); with ``tagger``, a local token-classification model adds its entities to the
    silver ones."""
    return [
        Annotator("dates", partial(annotate_date, rules=knowledge.date_rules), _date_counts),
        Annotator(
            "entities",
            partial(_checked_entities, knowledge=knowledge.entities, tagger=tagger),
            _entity_counts,
        ),
        Annotator("topics", partial(annotate_topics, rules=knowledge.topic_rules), _topic_counts),
    ]


def shard_steps(
    files: Sequence[SeedFile], knowledge: Knowledge, tagger: ModelTagger | None = None
) -> list[PipelineStep]:
    """The steps a shard of seed files goes through, wherever it runs: read and split, then annotate."""
    return [ReadSeeds(files, knowledge.seed_rules), *annotator_steps(knowledge, tagger)]


def annotate_files(
    files: Sequence[SeedFile], knowledge: Knowledge, tagger: ModelTagger | None = None
) -> tuple[list[list[Document]], PipelineStats]:
    """Seed files → each file's silver documents (what the cache keeps), and what every step did."""
    stats = PipelineStats()
    stream = run_steps(shard_steps(files, knowledge, tagger), stats)
    per_file: list[list[Document]] = [[] for _ in files]
    index = {path.name: i for i, (path, _) in enumerate(files)}
    for doc in stream:
        per_file[index[doc.seed_file]].append(doc)
    return per_file, stats


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
        self.groups = Shards(paths, SHARD_FILES)

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


# --- the steps in this process -----------------------------------------------------------------------


class AnnotateSeeds(PipelineStep):
    """Seed files → silver documents, in file order (a reader: it passes its input on first).

    The files go in shards through :func:`shard_steps` on ``executor``, whose stats join
    ``shard_stats``; with ``cache``, only the files it does not hold do (and are stored), the others
    are read back from it. Its own row is the cache's (``silver cache``), else the shards' dispatch.
    """

    def __init__(
        self,
        files: SeedFiles,
        context: SilverContext,
        executor: Executor,
        shard_stats: PipelineStats,
        cache: SilverCache | None = None,
        reuse: Reuse | None = None,
    ) -> None:
        self.files, self.context, self.executor = files, context, executor
        self.shard_stats, self.cache, self.reuse = shard_stats, cache, reuse
        self.name = SHARDS_STEP if cache is None else CACHE_STEP

    def _annotated(self, paths: Sequence[Path]) -> Iterator[list[Document]]:
        for per_file, stats in self.executor.map(annotate_shard, self.context, _SeedShards(paths)):
            self.shard_stats.merge(stats)
            yield from per_file

    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        yield from documents
        if self.cache is None:
            for docs in stats.untimed(self._annotated(self.files)):
                yield from docs
            return
        cache = self.cache
        keys = _file_keys(cache, self.files)
        reused = self.reuse.keep(keys) if self.reuse is not None else np.zeros(len(keys), np.int64)
        stored = _present(cache, keys, reused == 0)
        fresh = stats.untimed(self._annotated(self.files.subset((reused == 0) & ~stored)))
        # the files whose rows are taken back from the last build's staging table, at once: no
        # document of theirs passes here, and a rebuild is mostly them
        taken = np.flatnonzero(reused)
        for start in range(0, len(taken), KEY_CHUNK):
            cache.touch(keys.take(pa.array(taken[start : start + KEY_CHUNK])).to_pylist())
        stats.documents += int(reused.sum())
        stats.counters["seed files reused"] += len(taken)
        rest = np.flatnonzero(reused == 0)
        for start in range(0, len(rest), KEY_CHUNK):
            at = pa.array(rest[start : start + KEY_CHUNK])
            for name, key, i in zip(
                self.files.names.take(at).to_pylist(), keys.take(at).to_pylist(), at.to_pylist(), strict=True
            ):
                yield from self._documents(name, key, bool(stored[i]), fresh, stats)

    def _documents(
        self, name: str, key: bytes, stored: bool, fresh: Iterator[list[Document]], stats: StepStats
    ) -> list[Document]:
        """One seed file's silver documents: from the cache when ``stored``, else the next ``fresh`` ones (stored)."""
        cache = self.cache
        assert cache is not None
        if stored:
            docs = cache.get(key)
            stats.counters["seed files reused"] += 1
        else:
            docs = next(fresh)
            cache.put(key, docs)
            stats.counters["seed files annotated"] += 1
        if self.reuse is not None:
            self.reuse.file_keys[name] = key  # for the staged rows (the stage takes it back)
        return docs


KEY_CHUNK = 1 << 16
"""Seed files whose names or cache keys are Python objects at once (a build holds them in Arrow)."""


def _file_keys(cache: SilverCache, files: SeedFiles) -> pa.Array:
    """Each seed file's cache key, as one Arrow array: 32 bytes a file."""
    chunks = [
        pa.array(cache.keys(files.folder, files.names[i : i + KEY_CHUNK].to_pylist()), pa.binary())
        for i in range(0, len(files), KEY_CHUNK)
    ]
    return pa.concat_arrays([pa.array([], pa.binary()), *chunks])


def _present(cache: SilverCache, keys: pa.Array, asked: np.ndarray) -> np.ndarray:
    """Which of ``keys`` (where ``asked``) the cache holds, as a mask."""
    found = np.zeros(len(keys), bool)
    for start in range(0, len(keys), KEY_CHUNK):
        rows = np.flatnonzero(asked[start : start + KEY_CHUNK]) + start
        chunk = keys.take(pa.array(rows, pa.int64())).to_pylist()
        stored = cache.present(chunk)
        found[rows] = [key in stored for key in chunk]
    return found


class ApplyGold(PipelineStep):
    """Human annotations over silver (:func:`annotations.apply_gold`); a gold file of no document is
    an error once the stream has ended."""

    name = GOLD_STEP

    def __init__(
        self, gold: Mapping[str, Gold], knowledge: Knowledge, annotations_dir: Path, seeds_dir: Path
    ) -> None:
        self.gold, self.knowledge = gold, knowledge
        self.annotations_dir, self.seeds_dir = annotations_dir, seeds_dir

    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        seen: set[str] = set()  # of the documents gold names: not every id
        for doc in documents:
            stats.counters["gold"] += doc.id in self.gold
            if doc.id in self.gold:
                seen.add(doc.id)
                doc = apply_gold(doc, self.gold[doc.id], self.knowledge, self.annotations_dir)
            yield doc
        for doc_id in sorted(set(self.gold) - seen):
            raise InputError(
                f"{self.annotations_dir / 'documents' / (doc_id + '.json')}: annotation for unknown document "
                f"{doc_id!r} (no such document in {self.seeds_dir})"
            )


class CuratedGroups(PipelineStep):
    """Events and translation groups curated in ``groups.json`` set on their documents; a member of no
    document is an error once the stream has ended."""

    name = GROUPS_STEP

    def __init__(self, groups: Groups, groups_file: Path, seeds_dir: Path) -> None:
        self.groups, self.members = groups, groups.members
        self.groups_file, self.seeds_dir = groups_file, seeds_dir

    def run(self, documents: Iterable[Document], stats: StepStats) -> Iterator[Document]:
        seen: set[str] = set()  # of the documents the groups name: not every id
        for doc in documents:
            if doc.id in self.members:
                seen.add(doc.id)
            doc = doc.with_(
                event_id=self.groups.event.get(doc.id, doc.event_id),
                translation_group=self.groups.translation.get(doc.id, doc.translation_group),
            )
            stats.counters["in a curated group"] += doc.id in self.members
            yield doc
        for doc_id in sorted(self.members - seen):
            raise InputError(
                f"{self.groups_file}: unknown document {doc_id!r} (no such document in {self.seeds_dir})"
            )


def _silver_step(
    seeds_dir: Path,
    knowledge: Knowledge,
    workers: int,
    executor: Executor | None,
    ner_model: Path | None,
    cache: SilverCache | None,
    stats: PipelineStats,
    reuse: Reuse | None = None,
) -> AnnotateSeeds:
    files = seed_files(Path(seeds_dir))
    context = SilverContext(knowledge, Path(ner_model) if ner_model is not None else None)
    context.tagger()  # a bad model folder is reported before any seed is annotated
    for step in shard_steps([], knowledge):  # their rows first, in order, even when the cache holds all
        stats.step(step.name)
    return AnnotateSeeds(files, context, executor or LocalExecutor(workers), stats, cache, reuse)


def pipeline_steps(
    seeds_dir: Path,
    annotations_dir: Path,
    knowledge: Knowledge,
    workers: int = 1,
    executor: Executor | None = None,
    ner_model: Path | None = None,
    cache: SilverCache | None = None,
    stats: PipelineStats | None = None,
    reuse: Reuse | None = None,
) -> list[PipelineStep]:
    """Every step this process runs, in order: the silver documents (:class:`AnnotateSeeds`, which
    sends the per-shard steps to the executor), gold, curated groups. ``stats`` gets the shards' rows;
    the seed files ``reuse`` names give no document (the build takes their rows back as Arrow)."""
    annotations_dir = Path(annotations_dir)
    silver = _silver_step(
        seeds_dir,
        knowledge,
        workers,
        executor,
        ner_model,
        cache,
        PipelineStats() if stats is None else stats,
        reuse,
    )
    return [
        silver,
        ApplyGold(
            gold_documents(annotations_dir, knowledge.topic_ids), knowledge, annotations_dir, seeds_dir
        ),
        CuratedGroups(knowledge.groups, knowledge.folder / "groups.json", seeds_dir),
    ]


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
    silver = _silver_step(seeds_dir, knowledge, workers, executor, ner_model, cache, stats)
    yield from run_steps([silver], stats)


def documents(
    seeds_dir: Path,
    annotations_dir: Path,
    knowledge: Knowledge,
    workers: int = 1,
    executor: Executor | None = None,
    ner_model: Path | None = None,
    cache: SilverCache | None = None,
    stats: PipelineStats | None = None,
    reuse: Reuse | None = None,
) -> Iterator[Document]:
    """Final documents: silver (from ``cache`` where it holds them), with gold
    (``annotations_dir/documents``) applied and curated groups set; ``stats`` as in :func:`silver_documents`;
    ``reuse`` as in :func:`pipeline_steps`."""
    stats = PipelineStats() if stats is None else stats
    steps = pipeline_steps(
        seeds_dir, annotations_dir, knowledge, workers, executor, ner_model, cache, stats, reuse
    )
    yield from run_steps(steps, stats)


# --- the silver of gold documents ---------------------------------------------------------------------


def silver_of_gold(
    gold: Iterable[Document], seeds_dir: Path, knowledge: Knowledge
) -> dict[str, Document | str]:
    """Each gold document's silver, annotated again from its seed file, or why there is none.

    A seed file is annotated without the names its gold documents taught (their learned aliases), so
    silver cannot read its answer: recall is not 100% by construction. The build computes this once
    for the card (:func:`silver_eval.silver_against_gold`) and the report, ``dataset-builder report`` for the gold
    of a built folder; a seed file that is gone, fails, or no longer gives the gold text is named.
    """
    by_file: dict[str, list[Document]] = {}
    for doc in gold:
        by_file.setdefault(doc.seed_file, []).append(doc)
    out: dict[str, Document | str] = {}
    for seed_file, docs in sorted(by_file.items()):
        silver, problem = _silver_of_seed(
            Path(seeds_dir) / seed_file, knowledge.without_learned_from(d.id for d in docs)
        )
        for doc in docs:
            redone = silver.get(doc.id)
            if redone is None:
                out[doc.id] = problem or f"seeds/{seed_file} no longer gives this document"
            elif redone.text != doc.text:
                out[doc.id] = f"the text of seeds/{seed_file} changed since this build"
            else:
                out[doc.id] = redone
    return out


def _silver_of_seed(path: Path, knowledge: Knowledge) -> tuple[dict[str, Document], str | None]:
    if not path.is_file():
        return {}, f"seed file {path.name} is not in the seeds folder"
    try:
        return {d.id: d for d in annotate_seed(path, knowledge)}, None
    except InputError as exc:
        return {}, f"the silver annotators failed on {path.name}: {exc}"
