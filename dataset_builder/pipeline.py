"""The flow from seed files to final documents, as a stream.

read seeds → split into documents → annotate (language, date, entities, topics) → merge human
annotations (gold over silver, :func:`annotations.apply_gold`) → curated groups. Each step is a function ``Document → Document``;
only :func:`silver_documents` touches the file system (seed files, knowledge files).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from dataset_builder.annotations import apply_gold, gold_documents
from dataset_builder.annotators.dates import annotate_date
from dataset_builder.annotators.entities import annotate_entities
from dataset_builder.annotators.ner_model import load_tagger
from dataset_builder.annotators.topics import annotate_topics
from dataset_builder.documents import Document, check_spans
from dataset_builder.errors import InputError, knowledge_file
from dataset_builder.seeds import read_seed, seed_files, split_seed

Step = Callable[[Document], Document]


def silver_steps(annotations_dir: Path, ner_model: Path | None = None) -> list[Step]:
    """The builder's own annotators, in order (language is set when a seed is split); with
    ``ner_model``, a local token-classification model adds its entities to the silver ones."""
    tagger = load_tagger(Path(ner_model)) if ner_model is not None else None
    return [
        partial(annotate_date, annotations_dir=annotations_dir),
        partial(annotate_entities, annotations_dir=annotations_dir, tagger=tagger),
        partial(annotate_topics, annotations_dir=annotations_dir),
    ]


def annotate_seed(path: Path, annotations_dir: Path, ner_model: Path | None = None) -> list[Document]:
    """One seed file → its silver documents (the unit of work, in one process or many)."""
    steps = silver_steps(annotations_dir, ner_model)
    docs = []
    for doc in split_seed(path, read_seed(path), annotations_dir):
        for step in steps:
            doc = step(doc)
        check_spans(doc.text, doc.entities, f"{path} ({doc.id})")
        docs.append(doc)
    return docs


PARALLEL_MIN_FILES = 256
"""Below this many seed files, worker start-up (imports, knowledge loading) costs more than it saves."""
CHUNK_FILES = 32


def silver_documents(
    seeds_dir: Path, annotations_dir: Path, workers: int = 1, ner_model: Path | None = None
) -> Iterator[Document]:
    """Cleaned, split and silver-annotated documents, in seed-file order.

    With ``workers > 1`` files are annotated in worker processes (``Pool.imap`` keeps the order, so
    the output is the same as with one process); an error in a worker reaches the caller unchanged.
    """
    annotations_dir = Path(annotations_dir)
    paths = seed_files(Path(seeds_dir))
    work = partial(annotate_seed, annotations_dir=annotations_dir, ner_model=ner_model)
    if workers <= 1 or len(paths) < PARALLEL_MIN_FILES:
        for path in paths:
            yield from work(path)
        return
    with multiprocessing.get_context("forkserver").Pool(workers) as pool:
        for docs in pool.imap(work, paths, chunksize=CHUNK_FILES):
            yield from docs


@dataclass(frozen=True, slots=True)
class Groups:
    """Curated cross-document links from ``annotations/groups.json``."""

    event: dict[str, str]
    translation: dict[str, str]

    @property
    def members(self) -> set[str]:
        return set(self.event) | set(self.translation)


def load_groups(annotations_dir: Path) -> Groups:
    path = Path(annotations_dir) / "groups.json"
    if not path.exists():
        return Groups({}, {})
    with knowledge_file(path, "groups") as raw:
        tables = []
        for kind in ("events", "translation_groups"):
            table: dict[str, str] = {}
            for group in raw.get(kind, []):
                for doc_id in group["documents"]:
                    if doc_id in table:
                        raise InputError(f"{path}: document {doc_id!r} is in two {kind}")
                    table[doc_id] = group["id"]
            tables.append(table)
    return Groups(*tables)


def documents(
    seeds_dir: Path, annotations_dir: Path, workers: int = 1, ner_model: Path | None = None
) -> Iterator[Document]:
    """Final documents: silver, with gold applied and curated groups set."""
    annotations_dir = Path(annotations_dir)
    gold = gold_documents(annotations_dir)
    groups = load_groups(annotations_dir)
    seen: set[str] = set()
    for doc in silver_documents(seeds_dir, annotations_dir, workers, ner_model):
        seen.add(doc.id)
        if doc.id in gold:
            doc = apply_gold(doc, gold[doc.id], annotations_dir)
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
        raise InputError(f"{annotations_dir / 'groups.json'}: unknown document {doc_id!r}")
