"""The flow from seed files to final documents, as a stream.

read seeds → split into documents → annotate (language, date, entities, topics) → merge human
annotations (gold over silver, :func:`annotations.apply_gold`) → curated groups. Each step is a function ``Document → Document``;
only :func:`silver_documents` touches the file system (the seed files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dataset_builder.annotations import apply_gold, gold_documents
from dataset_builder.annotators.dates import annotate_date
from dataset_builder.annotators.entities import annotate_entities
from dataset_builder.annotators.ner_model import ModelTagger, load_tagger
from dataset_builder.annotators.topics import annotate_topics
from dataset_builder.cache import SilverCache
from dataset_builder.documents import Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.executors import Executor, LocalExecutor, shards
from dataset_builder.knowledge import Knowledge
from dataset_builder.seeds import read_seed, seed_bytes, seed_files, split_seed

Step = Callable[[Document], Document]


def silver_steps(knowledge: Knowledge, tagger: ModelTagger | None = None) -> list[Step]:
    """The builder's own annotators, in order (language is set when a seed is split); with
    ``tagger``, a local token-classification model adds its entities to the silver ones."""
    return [
        lambda doc: annotate_date(doc, knowledge.date_rules),
        lambda doc: annotate_entities(doc, knowledge.entities, tagger),
        lambda doc: annotate_topics(doc, knowledge.topic_rules),
    ]


def annotate_seed(path: Path, knowledge: Knowledge, tagger: ModelTagger | None = None) -> list[Document]:
    """One seed file → its silver documents (the unit of work, in one process or many)."""
    steps = silver_steps(knowledge, tagger)
    docs = []
    for doc in split_seed(path, read_seed(path), knowledge.seed_rules):
        for step in steps:
            doc = step(doc)
        check_spans(doc.text, doc.entities, f"{path} ({doc.id})")
        docs.append(doc)
    return docs


def annotate_shard(context: SilverContext, paths: Sequence[Path]) -> list[list[Document]]:
    """A shard of seed files → each file's silver documents (what an executor runs; module-level,
    so it pickles)."""
    return [annotate_seed(path, context.knowledge, context.tagger()) for path in paths]


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
) -> Iterator[Document]:
    """Cleaned, split and silver-annotated documents, in seed-file order.

    Seed files are cut into shards that ``executor`` (default: ``workers`` local processes) annotates,
    each worker receiving the compiled knowledge once; shards come back in order, so the output is the
    same whatever runs them, and an error in a worker reaches the caller unchanged. With ``cache``,
    only the files it does not hold are annotated (and stored); the others are read back from it.
    """
    executor = executor or LocalExecutor(workers)
    files = seed_files(Path(seeds_dir))
    context = SilverContext(knowledge, Path(ner_model) if ner_model is not None else None)
    context.tagger()  # a bad model folder is reported before any seed is annotated
    if cache is None:
        for results in executor.map(annotate_shard, context, shards(files, SHARD_FILES)):
            for docs in results:
                yield from docs
        return
    keys = [cache.key(path.name, seed_bytes(path)) for path in files]
    stored = cache.present(keys)
    todo = [path for path, key in zip(files, keys, strict=True) if key not in stored]
    fresh = (
        docs
        for results in executor.map(annotate_shard, context, shards(todo, SHARD_FILES))
        for docs in results
    )
    for key in keys:
        if key in stored:
            yield from cache.get(key)
        else:
            docs = next(fresh)
            cache.put(key, docs)
            yield from docs


def documents(
    seeds_dir: Path,
    annotations_dir: Path,
    knowledge: Knowledge,
    workers: int = 1,
    executor: Executor | None = None,
    ner_model: Path | None = None,
    cache: SilverCache | None = None,
) -> Iterator[Document]:
    """Final documents: silver (from ``cache`` where it holds them), with gold
    (``annotations_dir/documents``) applied and curated groups set."""
    annotations_dir = Path(annotations_dir)
    gold = gold_documents(annotations_dir, knowledge.topic_ids)
    groups = knowledge.groups
    seen: set[str] = set()
    for doc in silver_documents(seeds_dir, knowledge, workers, executor, ner_model, cache):
        seen.add(doc.id)
        if doc.id in gold:
            doc = apply_gold(doc, gold[doc.id], knowledge, annotations_dir)
        yield doc.with_(
            event_id=groups.event.get(doc.id, doc.event_id),
            translation_group=groups.translation.get(doc.id, doc.translation_group),
        )
    for doc_id in sorted(set(gold) - seen):
        raise InputError(
            f"{annotations_dir / 'documents' / (doc_id + '.json')}: annotation for unknown document "
            f"{doc_id!r} (no such document in {seeds_dir})"
        )
    for doc_id in sorted(groups.members - seen):
        raise InputError(
            f"{knowledge.folder / 'groups.json'}: unknown document {doc_id!r} (no such document in {seeds_dir})"
        )
