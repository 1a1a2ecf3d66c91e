"""Label Studio tasks (JSON import format) carrying the builder's silver annotations as predictions.

Annotators correct predictions instead of labelling from scratch; ``model_version`` names the silver
annotators that made them, so Label Studio can tell stale predictions from current ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import dataset_builder
from dataset_builder import annotations, fingerprint
from dataset_builder.documents import Document
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import config
from dataset_builder.output import write_atomic

MODEL_VERSION_PREFIX = "dataset_builder-"
"""How the model version of every prediction the builder makes starts (see :func:`model_version`)."""


def model_version(knowledge: Knowledge) -> str:
    """``dataset_builder-<version>+<hash>``: the silver annotators' fingerprint (:mod:`dataset_builder.fingerprint`)
    of the loaded ``knowledge``, from the digest its loading computed once, as the silver cache's key.

    Any edit to a rule, an alias or the code gives a new version, so predictions made by
    different silver annotators are never confused.
    """
    return f"{MODEL_VERSION_PREFIX}{dataset_builder.__version__}+{fingerprint.silver(knowledge.silver_fingerprint)[:12]}"


DATASET_KEY = "dataset"
"""Task data key holding the dataset's name (``dataset.toml`` ``name``)."""


def task_key(document_id: str, text_sha256: str) -> str:
    """Task identity: the same document with the same text is the same task (a re-push never duplicates)."""
    return f"{document_id}:{text_sha256[:16]}"


def _region(region_id: str, from_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": region_id, "from_name": from_name, "to_name": config.TEXT, "type": kind, "value": value}


def prediction_result(doc: Document) -> list[dict[str, Any]]:
    """The document's annotations as Label Studio result regions (one per entity, one per control)."""
    result = [
        _region(
            f"entity-{i}",
            config.ENTITIES,
            "labels",
            {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]},
        )
        for i, span in enumerate(sorted(doc.entities, key=lambda s: (s.start, s.end, s.label)))
    ]
    if doc.topics:
        result.append(_region("topics", config.TOPICS, "choices", {"choices": list(doc.topics)}))
    result.append(_region("language", config.LANGUAGE, "choices", {"choices": [doc.language]}))
    if doc.date is not None:
        result.append(
            _region("date", config.DATE, "datetime", {"datetime": doc.date.strftime(config.DATE_FORMAT)})
        )
    if doc.date_evidence:
        result.append(
            _region("date_evidence", config.DATE_EVIDENCE, "textarea", {"text": [doc.date_evidence]})
        )
    return result


def task_data(doc: Document, dataset: str | None = None) -> dict[str, Any]:
    """A task's data: the text and what identifies it (document, text hash, and the dataset it belongs to)."""
    sha = annotations.text_sha256(doc.text)
    data = {
        "text": doc.text,
        "document_id": doc.id,
        "seed_file": doc.seed_file,
        "language": doc.language,
        "direction": config.direction(doc.language),
        "title": doc.title or "",
        "text_sha256": sha,
        "task_key": task_key(doc.id, sha),
    }
    if dataset is not None:
        data[DATASET_KEY] = dataset
    return data


def build_tasks(
    documents: Iterable[Document], model_version: str, dataset: str | None = None, predictions: bool = True
) -> list[dict[str, Any]]:
    """One task per document, in document order, with the silver annotations as one prediction.

    ``dataset`` (the project's name) lets a push or pull tell its tasks from another dataset's;
    ``predictions=False`` makes tasks for a blind pass (nothing to pre-annotate with).
    """
    tasks = []
    for doc in documents:
        task: dict[str, Any] = {"data": task_data(doc, dataset)}
        if predictions:
            task["predictions"] = [prediction(doc, model_version)]
        tasks.append(task)
    return tasks


def prediction(doc: Document, model_version: str) -> dict[str, Any]:
    """The silver annotations of ``doc`` as one Label Studio prediction."""
    return {"model_version": model_version, "result": prediction_result(doc)}


def tasks_json(tasks: list[dict[str, Any]]) -> str:
    """Deterministic JSON text of tasks (Label Studio's JSON import format)."""
    return json.dumps(tasks, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_tasks(
    documents: Iterable[Document],
    knowledge: Knowledge,
    out: Path | None = None,
    dataset: str | None = None,
) -> str:
    """Tasks for ``documents`` (the CLI computes them), written atomically to ``out`` (or returned as JSON
    text if None); ``dataset`` is the project's name, carried by each task as a push does."""
    version = model_version(knowledge)
    tasks = build_tasks(documents, version, dataset=dataset)
    text = tasks_json(tasks)
    if out is None:
        return text.rstrip("\n")
    write_atomic(Path(out), text.encode("utf-8"))
    return f"wrote {len(tasks)} tasks to {out} (predictions by {version})"
