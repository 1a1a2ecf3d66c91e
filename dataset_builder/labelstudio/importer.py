"""Import a Label Studio JSON export into ``annotations/`` (validated, atomic, idempotent).

Offsets: Label Studio's editor converts the browser's UTF-16 selection offsets to code points before
saving (``charsToCodePoints``/``fixCodePointsInRange`` in ``web/libs/editor/src/utils/selection-tools.js``:
"for external usage js length should be converted to code points count"), and counts ``\\r\\n`` as
two characters, so a region's ``start``/``end`` are Python offsets into the task text. Older or
third-party exports may still carry UTF-16 offsets: when the code-point reading disagrees with the
region's text and the UTF-16 reading agrees, the offsets are converted.

When a document's text changed since the tasks were made (its ``text_sha256`` differs), each span is
re-anchored to the occurrence of its text nearest to its old offset; spans that no longer occur make
the import fail, naming them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dataset_builder import annotations, schema
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Document, Span
from dataset_builder.errors import InputError
from dataset_builder.labelstudio import config

MAX_ERRORS_SHOWN = 20


@dataclass
class ImportReport:
    """What an import did; ``summary()`` is what the CLI prints."""

    export: str
    tasks: int = 0
    annotations: int = 0
    cancelled: int = 0
    superseded: int = 0
    reanchored: int = 0
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"{self.export}: {self.tasks} tasks, {self.annotations} annotations imported "
            f"({self.cancelled} cancelled skipped, {self.superseded} older than the stored version kept out, "
            f"{self.reanchored} spans re-anchored to changed texts); "
            f"{len(self.written)} document files written, {len(self.unchanged)} unchanged"
        )


def _same_text(a: str, b: str) -> bool:
    """Equal up to whitespace: the editor may show a newline as a space or ``\\r\\n`` as two line breaks."""
    return re.sub(r"\s+", " ", a) == re.sub(r"\s+", " ", b)


def _utf16_to_code_points(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Code-point offsets of UTF-16 code-unit offsets; None if out of range or inside a surrogate pair."""
    units = text.encode("utf-16-le")
    if not 0 <= start < end <= len(units) // 2:
        return None
    try:
        return len(units[: 2 * start].decode("utf-16-le")), len(units[: 2 * end].decode("utf-16-le"))
    except UnicodeDecodeError:
        return None


def resolve_offsets(text: str, start: int, end: int, region_text: str | None) -> tuple[int, int] | None:
    """Code-point offsets of a region in ``text`` (code points first, then UTF-16); None if neither fits."""
    if 0 <= start < end <= len(text) and (region_text is None or _same_text(text[start:end], region_text)):
        return start, end
    converted = _utf16_to_code_points(text, start, end)
    if converted and (region_text is None or _same_text(text[converted[0] : converted[1]], region_text)):
        return converted
    return None


def reanchor(text: str, needle: str, old_start: int) -> int | None:
    """Start of the occurrence of ``needle`` in ``text`` nearest to ``old_start`` (earlier on ties)."""
    found, pos = [], text.find(needle)
    while pos != -1 and needle:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return min(found, key=lambda p: (abs(p - old_start), p)) if found else None


def as_id(value: Any) -> int | None:
    """A Label Studio id: an integer, or its decimal string (as in some documented examples)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdecimal() else None


def annotator_of(completed_by: Any) -> str | None:
    """The annotator's email (export with user details) or ``user-<id>`` (plain export)."""
    if isinstance(completed_by, dict):
        if isinstance(completed_by.get("email"), str) and completed_by["email"]:
            return completed_by["email"]
        completed_by = completed_by.get("id")
    user_id = as_id(completed_by)
    return f"user-{user_id}" if user_id is not None else None


class _Errors:
    """Collects every problem of an export so that one run reports them all."""

    def __init__(self, source: str) -> None:
        self.source, self.items = source, []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            shown = self.items[:MAX_ERRORS_SHOWN]
            more = len(self.items) - len(shown)
            tail = f"\n  … and {more} more" if more else ""
            raise InputError(
                f"{self.source}: invalid export, nothing imported:\n  " + "\n  ".join(shown) + tail
            )


@dataclass
class _TaskContext:
    """What a region's offsets are checked against: the text the annotator saw and today's text."""

    where: str
    seen_text: str | None
    current: Document
    changed: bool


def _entity(
    region: dict[str, Any], ctx: _TaskContext, where: str, errors: _Errors
) -> tuple[Span, bool] | None:
    """A labels region as a span of the current text, and whether it had to be re-anchored."""
    value = region.get("value")
    if not isinstance(value, dict):
        errors.add(where, "region has no value")
        return None
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    region_text = value.get("text") if isinstance(value.get("text"), str) else None
    if (
        not (isinstance(start, int) and isinstance(end, int))
        or isinstance(start, bool)
        or isinstance(end, bool)
    ):
        errors.add(where, f"offsets {start!r}:{end!r} are not integers")
        return None
    if not (isinstance(labels, list) and len(labels) == 1 and isinstance(labels[0], str)):
        errors.add(where, f"expected exactly one label, got {labels!r}")
        return None
    if labels[0] not in schema.ENTITY_LABELS:
        errors.add(where, f"unknown label {labels[0]!r} (known: {', '.join(schema.ENTITY_LABELS)})")
        return None
    if ctx.seen_text is not None:
        offsets = resolve_offsets(ctx.seen_text, start, end, region_text)
        if offsets is None:
            shown = ctx.seen_text[start:end] if 0 <= start < end <= len(ctx.seen_text) else "<out of range>"
            errors.add(where, f"offsets {start}:{end} read {shown!r}, the region says {region_text!r}")
            return None
        start, end = offsets
        span_text = ctx.seen_text[start:end]
    elif region_text is not None:
        span_text = region_text
    else:
        errors.add(where, "the task has no text and the region no text: offsets cannot be checked")
        return None
    if not ctx.changed:
        return Span(start, end, span_text, labels[0]), False
    new_start = reanchor(ctx.current.text, span_text, start)
    if new_start is None:
        errors.add(
            where, f"cannot re-anchor {span_text!r} ({start}:{end}): not in the document's current text"
        )
        return None
    return Span(new_start, new_start + len(span_text), span_text, labels[0]), new_start != start


def _choices(
    region: dict[str, Any], allowed: list[str] | tuple[str, ...], what: str, where: str, errors: _Errors
) -> list[str]:
    values = region.get("value", {}).get("choices") if isinstance(region.get("value"), dict) else None
    if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
        errors.add(where, f"expected a list of {what} choices, got {values!r}")
        return []
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors.add(where, f"unknown {what} {', '.join(map(repr, unknown))}")
    return [v for v in values if v in allowed]


def _date(region: dict[str, Any], where: str, errors: _Errors) -> dt.date | None:
    value = region.get("value", {}).get("datetime") if isinstance(region.get("value"), dict) else None
    try:
        return dt.datetime.strptime(value, config.DATE_FORMAT).date()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors.add(where, f"invalid date {value!r} (expected {config.DATE_FORMAT})")
        return None


def _evidence(region: dict[str, Any], where: str, errors: _Errors) -> str | None:
    value = region.get("value", {}).get("text") if isinstance(region.get("value"), dict) else None
    if isinstance(value, str):
        value = [value]
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        errors.add(where, f"expected date evidence text, got {value!r}")
        return None
    return "\n".join(value).strip() or None


_REGION_TYPES = {
    config.ENTITIES: "labels",
    config.TOPICS: "choices",
    config.LANGUAGE: "choices",
    config.DATE: "datetime",
    config.DATE_EVIDENCE: "textarea",
}


def _annotation(
    ann: dict[str, Any], task_id: int, ctx: _TaskContext, export: str, annotations_dir: Path, errors: _Errors
) -> tuple[Annotation, int] | None:
    """One Label Studio annotation as a normalised :class:`Annotation` and its count of re-anchored spans."""
    ann_id = as_id(ann.get("id"))
    where = f"{ctx.where}, annotation {ann.get('id')}"
    if ann_id is None:
        errors.add(where, "missing integer annotation id")
        return None
    annotator = annotator_of(ann.get("completed_by"))
    if annotator is None:
        errors.add(where, f"cannot tell the annotator from completed_by={ann.get('completed_by')!r}")
    stamps = {}
    for key in ("created_at", "updated_at"):
        stamps[key] = ann.get(key)
        try:
            annotations.parse_timestamp(stamps[key], where)
        except InputError:
            errors.add(where, f"invalid {key} {stamps[key]!r}")
    lead_time = ann.get("lead_time")
    if lead_time is not None and (not isinstance(lead_time, int | float) or isinstance(lead_time, bool)):
        errors.add(where, f"invalid lead_time {lead_time!r}")
    result = ann.get("result")
    if not isinstance(result, list):
        errors.add(where, "result is not a list")
        return None

    entities: list[Span] = []
    reanchored = 0
    fields: dict[str, Any] = {}
    topic_ids = schema.topic_ids(annotations_dir)
    for i, region in enumerate(result):
        region_id = region.get("id", f"#{i}") if isinstance(region, dict) else f"#{i}"
        at = f"{where}, region {region_id}"
        if not isinstance(region, dict) or region.get("from_name") not in _REGION_TYPES:
            name = region.get("from_name") if isinstance(region, dict) else None
            errors.add(at, f"unknown control {name!r} (known: {', '.join(_REGION_TYPES)})")
            continue
        name = region["from_name"]
        if region.get("type") != _REGION_TYPES[name]:
            errors.add(at, f"{name} region has type {region.get('type')!r}, expected {_REGION_TYPES[name]!r}")
            continue
        if name == config.ENTITIES:
            got = _entity(region, ctx, at, errors)
            if got:
                entities.append(got[0])
                reanchored += got[1]
            continue
        if name in fields:
            errors.add(at, f"a second {name} region")
            continue
        if name == config.TOPICS:
            fields[name] = _choices(region, topic_ids, "topic", at, errors)
        elif name == config.LANGUAGE:
            chosen = _choices(region, schema.LANGUAGES, "language", at, errors)
            if len(chosen) > 1:
                errors.add(at, f"expected one language, got {chosen!r}")
            fields[name] = chosen[0] if chosen else None
        elif name == config.DATE:
            fields[name] = _date(region, at, errors)
        else:
            fields[name] = _evidence(region, at, errors)
    if annotator is None:
        return None
    annotation = Annotation(
        annotator=annotator,
        export=export,
        task_id=task_id,
        annotation_id=ann_id,
        created_at=stamps["created_at"],
        updated_at=stamps["updated_at"],
        lead_time=float(lead_time) if isinstance(lead_time, int | float) else None,
        ground_truth=bool(ann.get("ground_truth", False)),
        entities=annotations.sort_spans(set(entities)),
        topics=annotations.sort_topics(fields.get(config.TOPICS, ()), annotations_dir),
        date=fields.get(config.DATE),
        date_evidence=fields.get(config.DATE_EVIDENCE),
        language=fields.get(config.LANGUAGE),
    )
    return annotation, reanchored


def _task_context(
    task: dict[str, Any], where: str, documents: Mapping[str, Document], errors: _Errors
) -> _TaskContext | None:
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("document_id"), str):
        errors.add(
            where, "task data has no document_id (was it made by `dataset-builder labelstudio export-tasks`?)"
        )
        return None
    document_id = data["document_id"]
    if document_id not in documents:
        errors.add(where, f"unknown document {document_id!r} (not among the seeds' documents)")
        return None
    current = documents[document_id]
    current_sha = annotations.text_sha256(current.text)
    seen_text = data.get("text") if isinstance(data.get("text"), str) else None
    seen_sha = annotations.text_sha256(seen_text) if seen_text is not None else data.get("text_sha256")
    if not isinstance(seen_sha, str):
        errors.add(where, "task data has neither text nor text_sha256")
        return None
    changed = seen_sha != current_sha
    if seen_text is None and not changed:
        seen_text = current.text
    return _TaskContext(f"{where} (document {document_id})", seen_text, current, changed)


def _reanchor_stored(
    stored: AnnotatedDocument, current: Document, where: str, errors: _Errors
) -> AnnotatedDocument:
    """Stored annotations moved onto the document's current text (when it changed since they were made)."""
    sha = annotations.text_sha256(current.text)
    if stored.text_sha256 == sha:
        return stored
    moved = []
    for ann in stored.annotations:
        spans = []
        for span in ann.entities:
            start = reanchor(current.text, span.text, span.start)
            if start is None:
                errors.add(
                    f"{where}, annotation {ann.annotation_id}",
                    f"cannot re-anchor {span.text!r} to the changed text",
                )
            else:
                spans.append(Span(start, start + len(span.text), span.text, span.label))
        moved.append(replace(ann, entities=annotations.sort_spans(spans)))
    return AnnotatedDocument(stored.document_id, sha, tuple(moved))


def import_tasks(
    tasks: Any,
    raw_bytes: bytes,
    documents: Mapping[str, Document],
    annotations_dir: Path,
    source: str = "Label Studio export",
) -> ImportReport:
    """Validate an export's tasks against ``documents`` and merge their annotations into ``annotations_dir``.

    ``raw_bytes`` is the export as received; it is kept as ``labelstudio/export-<sha256[:12]>.json``.
    Annotations are merged by annotation id: a newer ``updated_at`` replaces the stored one, an older
    one is kept out, and other annotators' annotations stay. Nothing is written unless the whole
    export is valid; re-importing the same export rewrites nothing.
    """
    annotations_dir = Path(annotations_dir)
    export = f"{annotations.EXPORTS_DIR}/export-{hashlib.sha256(raw_bytes).hexdigest()[:12]}.json"
    report = ImportReport(export=export)
    errors = _Errors(source)
    if not isinstance(tasks, list):
        raise InputError(f"{source}: expected a JSON list of tasks, got {type(tasks).__name__}")

    incoming: dict[str, list[Annotation]] = {}
    seen_ids: dict[int, str] = {}
    for i, task in enumerate(tasks):
        task_id = as_id(task.get("id")) if isinstance(task, dict) else None
        task_id = i if task_id is None else task_id
        where = f"task {task_id}"
        if not isinstance(task, dict):
            errors.add(where, "a task must be a JSON object")
            continue
        ctx = _task_context(task, where, documents, errors)
        anns = task.get("annotations", [])
        if ctx is None or not isinstance(anns, list):
            if ctx is not None:
                errors.add(where, "annotations is not a list")
            continue
        report.tasks += 1
        for ann in anns:
            if not isinstance(ann, dict):
                errors.add(where, "an annotation must be a JSON object")
                continue
            if ann.get("was_cancelled"):
                report.cancelled += 1
                continue
            got = _annotation(ann, task_id, ctx, export, annotations_dir, errors)
            if got is None:
                continue
            annotation, reanchored = got
            if annotation.annotation_id in seen_ids:
                errors.add(
                    f"{ctx.where}, annotation {annotation.annotation_id}",
                    f"id also used in {seen_ids[annotation.annotation_id]}",
                )
                continue
            seen_ids[annotation.annotation_id] = ctx.where
            incoming.setdefault(ctx.current.id, []).append(annotation)
            report.annotations += 1
            report.reanchored += reanchored
    errors.raise_if_any()

    files: dict[Path, bytes] = {}
    written, unchanged = [], []
    for document_id in sorted(incoming):
        path = annotations_dir / annotations.DOCUMENTS_DIR / f"{document_id}.json"
        current = documents[document_id]
        sha = annotations.text_sha256(current.text)
        stored = (
            _reanchor_stored(
                annotations.read_document_file(path, annotations_dir), current, str(path), errors
            )
            if path.exists()
            else AnnotatedDocument(document_id, sha, ())
        )
        merged = {a.annotation_id: a for a in stored.annotations}
        for ann in incoming[document_id]:
            old = merged.get(ann.annotation_id)
            if old is not None and ann.recency() < old.recency():
                report.superseded += 1
            elif old is None or ann.recency() > old.recency():
                merged[ann.annotation_id] = ann
        data = AnnotatedDocument(document_id, sha, tuple(merged.values())).to_bytes()
        if path.exists() and path.read_bytes() == data:
            unchanged.append(document_id)
        else:
            files[path] = data
            written.append(document_id)
    errors.raise_if_any()
    export_path = annotations_dir / export
    if not export_path.exists() or export_path.read_bytes() != raw_bytes:
        files[export_path] = raw_bytes
    annotations.write_files_atomic(files)
    report.written, report.unchanged = tuple(written), tuple(unchanged)
    return report


def import_export(export_path: Path, seeds_dir: Path, annotations_dir: Path) -> ImportReport:
    """Import a Label Studio JSON export file against the documents built from ``seeds_dir``."""
    export_path = Path(export_path)
    try:
        raw = export_path.read_bytes()
        tasks = json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise InputError(f"{export_path}: cannot read ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{export_path}: byte {exc.start}: not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{export_path}: line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})"
        ) from exc
    from dataset_builder import pipeline  # the pipeline imports the annotators: load it only when needed

    documents = {doc.id: doc for doc in pipeline.silver_documents(Path(seeds_dir), Path(annotations_dir))}
    return import_tasks(tasks, raw, documents, Path(annotations_dir), source=str(export_path))
