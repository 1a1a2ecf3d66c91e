"""The flow from seed files to final documents, as a stream.

read seeds → split into documents → annotate (language, date, entities, topics) → merge human
annotations (gold over silver, :func:`annotations.apply_gold`) → curated groups. Each step is a function ``Document → Document``;
only :func:`silver_documents` touches the file system (the seed files).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from pathlib import Path

from dataset_builder.annotations import apply_gold, gold_documents
from dataset_builder.annotators.dates import annotate_date
from dataset_builder.annotators.entities import annotate_entities
from dataset_builder.annotators.topics import annotate_topics
from dataset_builder.documents import Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.seeds import read_seed, seed_files, split_seed

Step = Callable[[Document], Document]


def silver_steps(knowledge: Knowledge) -> list[Step]:
    """The builder's own annotators, in order (language is set when a seed is split)."""
    return [
        lambda doc: annotate_date(doc, knowledge.date_rules),
        lambda doc: annotate_entities(doc, knowledge.entities),
        lambda doc: annotate_topics(doc, knowledge.topic_rules),
    ]


def annotate_seed(path: Path, knowledge: Knowledge) -> list[Document]:
    """One seed file → its silver documents (the unit of work, in one process or many)."""
    steps = silver_steps(knowledge)
    docs = []
    for doc in split_seed(path, read_seed(path), knowledge.seed_rules):
        for step in steps:
            doc = step(doc)
        check_spans(doc.text, doc.entities, f"{path} ({doc.id})")
        docs.append(doc)
    return docs


PARALLEL_MIN_FILES = 256
"""Below this many seed files, worker start-up (imports, knowledge loading) costs more than it saves."""
CHUNK_FILES = 32


_worker_knowledge: Knowledge | None = None
"""A worker process's copy of the knowledge, received once when the worker starts."""


def _start_worker(knowledge: Knowledge) -> None:
    global _worker_knowledge
    _worker_knowledge = knowledge


def _annotate_in_worker(path: Path) -> list[Document]:
    assert _worker_knowledge is not None, "worker started without knowledge"
    return annotate_seed(path, _worker_knowledge)


def silver_documents(seeds_dir: Path, knowledge: Knowledge, workers: int = 1) -> Iterator[Document]:
    """Cleaned, split and silver-annotated documents, in seed-file order.

    With ``workers > 1`` files are annotated in worker processes (``Pool.imap`` keeps the order, so
    the output is the same as with one process); each worker receives the compiled knowledge once,
    pickled, instead of once per chunk. An error in a worker reaches the caller unchanged.
    """
    paths = seed_files(Path(seeds_dir))
    if workers <= 1 or len(paths) < PARALLEL_MIN_FILES:
        for path in paths:
            yield from annotate_seed(path, knowledge)
        return
    context = multiprocessing.get_context("forkserver")
    with context.Pool(workers, initializer=_start_worker, initargs=(knowledge,)) as pool:
        for docs in pool.imap(_annotate_in_worker, paths, chunksize=CHUNK_FILES):
            yield from docs


def documents(
    seeds_dir: Path, annotations_dir: Path, knowledge: Knowledge, workers: int = 1
) -> Iterator[Document]:
    """Final documents: silver, with gold (``annotations_dir/documents``) applied and curated groups set."""
    annotations_dir = Path(annotations_dir)
    gold = gold_documents(annotations_dir, knowledge.topic_ids)
    groups = knowledge.groups
    seen: set[str] = set()
    for doc in silver_documents(seeds_dir, knowledge, workers):
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
