"""The merge policy: how an export's annotations join those stored in ``annotations/documents``.

Annotations are identified by annotator, task, Label Studio id and creation time
(:meth:`Annotation.identity`), never by the id alone, which restarts at 1 on every server. A newer
version of the same annotation replaces the stored one, ground truth included (a reviewer's
correction of a ground truth supersedes it, and is counted; git keeps the version before).

Stored annotations follow a document's changed text as an export's do (:func:`parse.carried_over`):
their old text is found in the export they came from.

The server follows the project: a pull exports the whole project, so a stored annotation that came
from that same server and project (its ``origin``) and is no longer in the export, or is there
cancelled, was deleted or cancelled in Label Studio and is withdrawn. Annotations from any other
origin are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dataset_builder import annotations
from dataset_builder.anchoring import TextMap
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Document
from dataset_builder.labelstudio.parse import ExportErrors, MovedSpan, carried_over

Identity = tuple[str, int, int, str]


@dataclass
class MergeCounts:
    """What merging decided: versions kept out as older, stored ones replaced by newer, and of
    those the ground truths."""

    superseded: int = 0
    updated: int = 0
    corrected_ground_truths: int = 0


def old_text(stored: AnnotatedDocument, annotations_dir: Path, cache: dict[str, Any]) -> str | None:
    """The text the stored annotations were made on, from a kept export whose task carries it."""
    exports = sorted({a.export for a in stored.annotations})
    exports += sorted(
        p.relative_to(annotations_dir).as_posix()
        for p in (annotations_dir / annotations.EXPORTS_DIR).glob("export-*.json")
        if p.relative_to(annotations_dir).as_posix() not in exports
    )
    for name in exports:
        if name not in cache:
            try:
                cache[name] = json.loads((annotations_dir / name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                cache[name] = []
        for task in cache[name] if isinstance(cache[name], list) else []:
            data = task.get("data") if isinstance(task, dict) else None
            if (
                isinstance(data, dict)
                and data.get("document_id") == stored.document_id
                and isinstance(data.get("text"), str)
                and annotations.text_sha256(data["text"]) == stored.text_sha256
            ):
                return data["text"]
    return None


def reanchor_stored(
    stored: AnnotatedDocument,
    current: Document,
    path: Path,
    annotations_dir: Path,
    cache: dict[str, Any],
    moves: list[MovedSpan],
    errors: ExportErrors,
) -> AnnotatedDocument:
    """Stored annotations moved onto the document's current text (when it changed since they were
    made); the spans that moved are added to ``moves``."""
    sha = annotations.text_sha256(current.text)
    if stored.text_sha256 == sha or not stored.annotations:
        return AnnotatedDocument(stored.document_id, sha, stored.annotations)
    before = old_text(stored, annotations_dir, cache)
    if before is None:
        errors.add(
            str(path),
            "the document's text changed, and the text these annotations were made on is in no export "
            f"under {annotations_dir / annotations.EXPORTS_DIR}: they cannot be carried over",
        )
        return stored
    try:
        text_map = TextMap.between(before, current.text)
    except ValueError as exc:
        errors.add(str(path), f"the document's text changed and {exc}")
        return stored
    moved = []
    for ann in stored.annotations:
        names = [f"entity {i}" for i in range(len(ann.entities))]
        where = f"{path}, {ann.describe()}"
        pairs = carried_over(list(ann.entities), names, text_map, where, errors)
        moves += [
            MovedSpan(current.id, ann.describe(), o.label, o.text, (o.start, o.end), (n.start, n.end), True)
            for o, n in pairs
            if (o.start, o.end) != (n.start, n.end)
        ]
        moved.append(replace(ann, entities=annotations.sort_spans(n for _, n in pairs)))
    return AnnotatedDocument(stored.document_id, sha, tuple(moved))


def merge(stored: AnnotatedDocument, incoming: list[Annotation], counts: MergeCounts) -> AnnotatedDocument:
    """Stored and incoming annotations of one document: the newer version of each annotation wins."""
    merged = {a.identity(): a for a in stored.annotations}
    for ann in incoming:
        old = merged.get(ann.identity())
        if old is None:
            merged[ann.identity()] = ann
        elif ann.content() == old.content():
            if (old.unique_id, old.parent_annotation) == (None, None) and (
                ann.unique_id,
                ann.parent_annotation,
            ) != (
                None,
                None,
            ):  # fields recorded since: filled in from Label Studio
                merged[ann.identity()] = replace(
                    old, unique_id=ann.unique_id, origin=ann.origin, parent_annotation=ann.parent_annotation
                )
        elif ann.recency() < old.recency():
            counts.superseded += 1
        else:
            merged[ann.identity()] = ann
            counts.updated += 1
            counts.corrected_ground_truths += old.ground_truth
    return AnnotatedDocument(stored.document_id, stored.text_sha256, tuple(merged.values()))


def withdrawing(
    stored: Mapping[str, AnnotatedDocument], documents: Collection[str], live: set[Identity], origin: str
) -> set[str]:
    """Ids of the current ``documents`` whose stored annotations from ``origin`` (an export complete
    for it) include one the export no longer holds live."""
    return {
        document_id
        for document_id, doc in stored.items()
        if document_id in documents
        and any(a.origin == origin and a.identity() not in live for a in doc.annotations)
    }


def withdraw(
    doc: AnnotatedDocument, live: set[Identity], origin: str
) -> tuple[AnnotatedDocument, list[Annotation]]:
    """``doc`` without its annotations from ``origin`` that the export no longer holds live, and those."""
    gone = [a for a in doc.annotations if a.origin == origin and a.identity() not in live]
    kept = tuple(a for a in doc.annotations if a not in gone)
    return AnnotatedDocument(doc.document_id, doc.text_sha256, kept), gone
