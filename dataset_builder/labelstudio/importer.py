"""Import a Label Studio JSON export into ``annotations/`` (validated, atomic, idempotent).

Offsets: Label Studio's editor converts the browser's UTF-16 selection offsets to code points before
saving (``charsToCodePoints``/``fixCodePointsInRange`` in ``web/libs/editor/src/utils/selection-tools.js``:
"for external usage js length should be converted to code points count"), and counts ``\\r\\n`` as
two characters, so a region's ``start``/``end`` are Python offsets into the task text. Older or
third-party exports may still carry UTF-16 offsets: when the code-point reading disagrees with the
region's text and the UTF-16 reading agrees, the offsets are converted.

When a document's text changed since the tasks were made (its ``text_sha256`` differs), the text the
annotator saw is aligned with today's text (:mod:`dataset_builder.anchoring`) and each span moves
with its own characters; a span whose text was edited, which became part of another word, or which
the edit leaves ambiguous makes the import fail, naming task, annotation and region. Stored
annotations follow a changed text the same way (their old text is found in the export they came
from). Every moved span is listed in the report.

Every annotation's spans pass :func:`documents.validate_spans`, the rule the build applies, so what
the import accepts the build accepts. A span with whitespace at an edge (a double-click in the editor
often selects the space after a word) is refused, not trimmed: the annotation in Label Studio and the
one in ``annotations/`` must stay the same, so the fix is made in Label Studio and pulled again.

Annotations are identified by annotator, task, Label Studio id and creation time
(:meth:`Annotation.identity`), never by the id alone, which restarts at 1 on every server. A newer
version of the same annotation replaces the stored one, ground truth included (a reviewer's
correction of a ground truth supersedes it, and is counted; git keeps the version before).

The server follows the project: a pull exports the whole project, so a stored annotation that came
from that same server and project (its ``origin``) and is no longer in the export, or is there
cancelled (``was_cancelled``), was deleted or cancelled in Label Studio and is withdrawn from
``annotations/`` (listed in the report). Annotations from any other origin are never touched. A task
whose document is no longer among the seeds is reported and skipped; the rest still imports.

Reviewers' decisions: annotations of the review project (``labelstudio review``) and those of a user
listed in ``reviewers`` are stored with ``review`` set, which adjudication takes as a decision.
With ``pseudonymous``, annotators are stored under stable pseudonyms (:class:`annotations.Pseudonyms`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from dataset_builder import annotations, schema
from dataset_builder.anchoring import TextMap
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Document, Span, validate_spans
from dataset_builder.errors import InputError
from dataset_builder.labelstudio import config

if TYPE_CHECKING:  # the knowledge imports the annotators: load them only when needed
    from dataset_builder.knowledge import Knowledge

MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class MovedSpan:
    """One span carried over to a document's changed text: whose, which, from where to where."""

    document_id: str
    annotation: str
    label: str
    text: str
    old: tuple[int, int]
    new: tuple[int, int]
    stored: bool

    def __str__(self) -> str:
        kind = "stored " if self.stored else ""
        return (
            f"{self.document_id}: {kind}{self.annotation}: {self.label} {self.text!r} "
            f"{self.old[0]}:{self.old[1]} -> {self.new[0]}:{self.new[1]}"
        )


@dataclass
class ImportReport:
    """What an import did; ``summary()`` is what the CLI prints."""

    export: str
    tasks: int = 0
    annotations: int = 0
    cancelled: int = 0
    superseded: int = 0
    updated: int = 0
    corrected_ground_truths: int = 0
    """Newer versions of stored ground truths (a reviewer's correction) that replaced them."""
    withdrawn: list[str] = field(default_factory=list)
    """Stored annotations cancelled or deleted in Label Studio since, removed from ``annotations/``."""
    unknown_documents: list[str] = field(default_factory=list)
    """Tasks whose document is no longer among the seeds: reported, not imported."""
    moved: list[MovedSpan] = field(default_factory=list)
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    aliases: int | None = None
    """Entity surfaces the silver annotator now knows from gold (``learned_aliases.json``), once learned."""

    @property
    def reanchored(self) -> int:
        """Spans of this export moved onto a changed text."""
        return sum(not m.stored for m in self.moved)

    def summary(self) -> str:
        lines = [
            f"{self.export}: {self.tasks} tasks, {self.annotations} annotations imported "
            f"({self.cancelled} cancelled skipped, {self.updated} newer versions of stored ones, "
            f"{self.superseded} older than the stored version kept out); "
            f"{len(self.written)} document files written, {len(self.unchanged)} unchanged"
        ]
        if self.corrected_ground_truths:
            lines.append(
                f"{self.corrected_ground_truths} ground truths corrected in Label Studio: newer version kept"
            )
        if self.withdrawn:
            lines.append(
                f"{len(self.withdrawn)} stored annotations withdrawn (cancelled or deleted in Label Studio):"
            )
            lines += [f"  {w}" for w in self.withdrawn]
        if self.unknown_documents:
            lines.append(
                f"{len(self.unknown_documents)} tasks skipped, their document is no longer among the seeds "
                "(archive or delete them in Label Studio):"
            )
            lines += [f"  {u}" for u in self.unknown_documents]
        if self.aliases is not None:
            lines.append(
                f"learned_aliases.json: {self.aliases} entity names learned from gold for the silver annotator"
            )
        if self.moved:
            lines.append(f"{len(self.moved)} spans moved with their text to changed documents:")
            lines += [f"  {m}" for m in self.moved]
        return "\n".join(lines)


def _same_text(a: str, b: str) -> bool:
    """Equal up to whitespace: the editor may show a newline as a space or ``\\r\\n`` as two line breaks."""
    return re.sub(r"\s+", " ", a) == re.sub(r"\s+", " ", b)


def _utf16_to_code_points(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Code-point offsets of UTF-16 code-unit offsets; None if out of range or inside a surrogate pair."""
    units = text.encode("utf-16-le", "surrogatepass")
    if not 0 <= start < end <= len(units) // 2:
        return None
    try:
        return len(units[: 2 * start].decode("utf-16-le")), len(units[: 2 * end].decode("utf-16-le"))
    except UnicodeDecodeError:
        return None


def _grapheme_edges(text: str) -> set[int]:
    """Offsets between two user-perceived characters (a base letter and its marks, a flag's pair)."""
    return {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}


def resolve_offsets(text: str, start: int, end: int, region_text: str | None) -> tuple[int, int] | str:
    """Code-point offsets of a region of ``text``, or why they cannot be trusted.

    Label Studio 1.23.2's editor saves ``<Text>`` regions in code points (established in the real
    editor: tests/test_editor_rtl.py), so that is the one unit read. Offsets that would also read
    as UTF-16 code units onto other matching text are refused: another tool may have written them,
    and picking one reading put spans on the wrong word. A span must not split a grapheme (a base
    letter from its combining marks, or half a flag).
    """
    fits = 0 <= start < end <= len(text)
    shown = repr(text[start:end]) if fits else f"nothing (the text has {len(text)} characters)"
    if not fits or (region_text is not None and not _same_text(text[start:end], region_text)):
        return (
            f"offsets {start}:{end} (code points, the unit the Label Studio editor saves) read {shown}, "
            f"the region says {region_text!r}"
        )
    other = _utf16_to_code_points(text, start, end)
    if (
        other is not None
        and other != (start, end)
        and region_text is not None
        and _same_text(text[other[0] : other[1]], region_text)
    ):
        return (
            f"offsets {start}:{end} are ambiguous: as code points they cover {region_text!r} at "
            f"{start}:{end}, as UTF-16 units the same text at {other[0]}:{other[1]}; nothing guessed, "
            "annotate it again in the Label Studio editor"
        )
    edges = _grapheme_edges(text)
    for offset in (start, end):
        if offset not in edges:
            return (
                f"offsets {start}:{end} split a character at {offset} (a letter from its combining "
                f"marks, e.g. {text[max(0, offset - 1) : offset + 1]!r}); extend the region to whole characters"
            )
    return start, end


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


def _not_unicode(value: Any, path: str = "") -> str | None:
    """The first field (a dotted path) whose string holds a lone surrogate, which UTF-8 cannot encode.

    JSON lets ``\\ud83c`` stand alone; such a text or e-mail would fail later when it is hashed or
    stored, so the task is refused up front with its field named.
    """
    if isinstance(value, str):
        return (path or "the task") if _SURROGATE.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if (found := _not_unicode(item, f"{path}.{key}" if path else str(key))) is not None:
            return found
    return None


_SURROGATE = re.compile("[\\ud800-\\udfff]")


class _Errors:
    """Collects every problem of an export so that one run reports them all."""

    def __init__(self, source: str) -> None:
        self.source, self.items = source, []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def extend(self, messages: list[str]) -> None:
        self.items.extend(messages)

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
    task_id: int
    origin: str
    seen_text: str | None
    current: Document
    changed: bool
    text_map: TextMap | None = None


def _entity(region: dict[str, Any], ctx: _TaskContext, where: str, errors: _Errors) -> Span | None:
    """A labels region as a span of the text the annotator saw (offsets resolved to code points)."""
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
    if ctx.seen_text is None:
        errors.add(where, "the task has no text: its offsets cannot be checked")
        return None
    offsets = resolve_offsets(ctx.seen_text, start, end, region_text)
    if isinstance(offsets, str):
        errors.add(where, offsets)
        return None
    start, end = offsets
    return Span(start, end, ctx.seen_text[start:end], labels[0])


def _carried_over(
    spans: list[Span], names: list[str], text_map: TextMap, where: str, errors: _Errors
) -> list[tuple[Span, Span]]:
    """(old, new) for each span moved onto the new text; every span that cannot move is an error."""
    moved = []
    for span, name in zip(spans, names, strict=True):
        got = text_map.span(span.start, span.end)
        if isinstance(got, str):
            errors.add(
                f"{where}, {name}",
                f"cannot re-anchor {span.text!r} ({span.label} {span.start}:{span.end}) to the "
                f"document's changed text: {got}; annotate it again on the current text",
            )
        else:
            moved.append((span, Span(got[0], got[1], span.text, span.label)))
    return moved


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
    ann: dict[str, Any], ctx: _TaskContext, export: str, topic_ids: Sequence[str], errors: _Errors
) -> tuple[Annotation, list[MovedSpan]] | None:
    """One Label Studio annotation as a normalised :class:`Annotation` and the spans it moved."""
    ann_id = as_id(ann.get("id"))
    annotator = annotator_of(ann.get("completed_by"))
    where = f"{ctx.where}, annotation {ann.get('id')}" + (f" by {annotator}" if annotator else "")
    if ann_id is None:
        errors.add(where, "missing integer annotation id")
        return None
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
    unique_id = ann.get("unique_id")
    if unique_id is not None and not isinstance(unique_id, str):
        errors.add(where, f"invalid unique_id {unique_id!r}")
    result = ann.get("result")
    if not isinstance(result, list):
        errors.add(where, "result is not a list")
        return None

    entities: list[Span] = []
    names: list[str] = []
    fields: dict[str, Any] = {}
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
            span = _entity(region, ctx, at, errors)
            if span:
                entities.append(span)
                names.append(f"region {region_id}")
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
    problems = validate_spans(entities, schema.ENTITY_LABELS, where, ctx.seen_text, names)
    errors.extend(problems)
    if annotator is None or problems:
        return None
    describe = f"annotation {ann_id} by {annotator} (task {ctx.task_id})"
    moves: list[MovedSpan] = []
    if ctx.changed and ctx.text_map is not None:
        pairs = _carried_over(entities, names, ctx.text_map, where, errors)
        entities = [new for _, new in pairs]
        moves = [
            MovedSpan(ctx.current.id, describe, o.label, o.text, (o.start, o.end), (n.start, n.end), False)
            for o, n in pairs
            if (o.start, o.end) != (n.start, n.end)
        ]
    annotation = Annotation(
        annotator=annotator,
        export=export,
        task_id=ctx.task_id,
        annotation_id=ann_id,
        created_at=stamps["created_at"],
        updated_at=stamps["updated_at"],
        lead_time=float(lead_time) if isinstance(lead_time, int | float) else None,
        ground_truth=bool(ann.get("ground_truth", False)),
        entities=annotations.sort_spans(entities),
        topics=annotations.sort_topics(fields.get(config.TOPICS, ()), topic_ids),
        date=fields.get(config.DATE),
        date_evidence=fields.get(config.DATE_EVIDENCE),
        language=fields.get(config.LANGUAGE),
        origin=ctx.origin,
        unique_id=unique_id if isinstance(unique_id, str) else None,
        parent_annotation=as_id(ann.get("parent_annotation")),
    )
    return annotation, moves


def _task_context(
    task: dict[str, Any],
    task_id: int,
    where: str,
    origin: str,
    documents: Mapping[str, Document],
    errors: _Errors,
    unknown: list[str],
) -> _TaskContext | None:
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("document_id"), str):
        errors.add(
            where, "task data has no document_id (was it made by `dataset-builder labelstudio export-tasks`?)"
        )
        return None
    document_id = data["document_id"]
    if document_id not in documents:
        unknown.append(f"{where}: document {document_id!r}")
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
    project = as_id(task.get("project"))
    ctx = _TaskContext(
        f"{where} (document {document_id})",
        task_id,
        project_origin(origin, project) if project is not None else origin,
        seen_text,
        current,
        changed,
    )
    if changed and seen_text is not None:
        try:
            ctx.text_map = TextMap.between(seen_text, current.text)
        except ValueError as exc:
            errors.add(ctx.where, f"the document's text changed and {exc}; annotate it again")
    return ctx


def project_origin(origin: str, project_id: int) -> str:
    """The ``origin`` stored with the annotations of one Label Studio project: server and project id."""
    return f"{origin}, project {project_id}"


def _old_text(stored: AnnotatedDocument, annotations_dir: Path, cache: dict[str, Any]) -> str | None:
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


def _reanchor_stored(
    stored: AnnotatedDocument,
    current: Document,
    path: Path,
    annotations_dir: Path,
    cache: dict[str, Any],
    report: ImportReport,
    errors: _Errors,
) -> AnnotatedDocument:
    """Stored annotations moved onto the document's current text (when it changed since they were made)."""
    sha = annotations.text_sha256(current.text)
    if stored.text_sha256 == sha or not stored.annotations:
        return AnnotatedDocument(stored.document_id, sha, stored.annotations)
    old_text = _old_text(stored, annotations_dir, cache)
    if old_text is None:
        errors.add(
            str(path),
            "the document's text changed, and the text these annotations were made on is in no export "
            f"under {annotations_dir / annotations.EXPORTS_DIR}: they cannot be carried over",
        )
        return stored
    try:
        text_map = TextMap.between(old_text, current.text)
    except ValueError as exc:
        errors.add(str(path), f"the document's text changed and {exc}")
        return stored
    moved = []
    for ann in stored.annotations:
        names = [f"entity {i}" for i in range(len(ann.entities))]
        where = f"{path}, {ann.describe()}"
        pairs = _carried_over(list(ann.entities), names, text_map, where, errors)
        report.moved += [
            MovedSpan(current.id, ann.describe(), o.label, o.text, (o.start, o.end), (n.start, n.end), True)
            for o, n in pairs
            if (o.start, o.end) != (n.start, n.end)
        ]
        moved.append(replace(ann, entities=annotations.sort_spans(n for _, n in pairs)))
    return AnnotatedDocument(stored.document_id, sha, tuple(moved))


def _merge(stored: AnnotatedDocument, incoming: list[Annotation], report: ImportReport) -> AnnotatedDocument:
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
            report.superseded += 1
        else:
            merged[ann.identity()] = ann
            report.updated += 1
            report.corrected_ground_truths += old.ground_truth
    return AnnotatedDocument(stored.document_id, stored.text_sha256, tuple(merged.values()))


def import_tasks(
    tasks: Any,
    raw_bytes: bytes,
    documents: Mapping[str, Document],
    annotations_dir: Path,
    topic_ids: Sequence[str],
    source: str = "Label Studio export",
    origin: str = "Label Studio export",
    *,
    complete_for: str | None = None,
    reviewers: Collection[str] = (),
    review: bool = False,
    pseudonyms: annotations.Pseudonyms | None = None,
) -> ImportReport:
    """Validate an export's tasks against ``documents`` and merge their annotations into ``annotations_dir``.

    ``raw_bytes`` is the export as received; it is kept as ``labelstudio/export-<sha256[:12]>.json``.
    ``origin`` names the server the export came from (with each task's project id appended).
    Annotations are merged by :meth:`Annotation.identity`: a newer version replaces the stored one,
    an older one is kept out, and every other annotation stays. ``complete_for``: the origin (see
    :func:`project_origin`) of which this export is complete (a pull): stored annotations of that
    origin it no longer holds, or holds cancelled, are withdrawn. ``reviewers`` (e-mails) and
    ``review`` (the review project) mark decisions; ``pseudonyms`` replaces e-mails. Nothing is
    written unless the whole export is valid; re-importing the same export rewrites nothing.
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
        if (field := _not_unicode(task)) is not None:
            errors.add(where, f"{field} holds a lone surrogate (\\ud800-\\udfff), which is not text")
            continue
        ctx = _task_context(task, task_id, where, origin, documents, errors, report.unknown_documents)
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
            got = _annotation(ann, ctx, export, topic_ids, errors)
            if got is None:
                continue
            annotation, moves = got
            if annotation.annotation_id in seen_ids:
                errors.add(
                    f"{ctx.where}, annotation {annotation.annotation_id}",
                    f"id also used in {seen_ids[annotation.annotation_id]}",
                )
                continue
            seen_ids[annotation.annotation_id] = ctx.where
            email = annotation.annotator
            annotation = replace(
                annotation,
                annotator=pseudonyms.name(email) if pseudonyms is not None else email,
                review=review or email in reviewers,
            )
            incoming.setdefault(ctx.current.id, []).append(annotation)
            report.annotations += 1
            report.moved += moves
    errors.raise_if_any()

    live = {a.identity() for anns in incoming.values() for a in anns}
    stored_files = annotations.read_documents(annotations_dir, topic_ids) if complete_for else {}
    withdrawing = {
        document_id
        for document_id, doc in stored_files.items()
        if document_id in documents
        and any(a.origin == complete_for and a.identity() not in live for a in doc.annotations)
    }
    files: dict[Path, bytes] = {}
    written, unchanged = [], []
    exports_read: dict[str, Any] = {}
    for document_id in sorted(set(incoming) | withdrawing):
        path = annotations_dir / annotations.DOCUMENTS_DIR / f"{document_id}.json"
        current = documents[document_id]
        sha = annotations.text_sha256(current.text)
        if document_id not in incoming:  # only withdrawals: the file keeps its text
            stored = stored_files[document_id]
            merged = AnnotatedDocument(document_id, stored.text_sha256, stored.annotations)
        else:
            stored = (
                _reanchor_stored(
                    annotations.read_document_file(path, topic_ids),
                    current,
                    path,
                    annotations_dir,
                    exports_read,
                    report,
                    errors,
                )
                if path.exists()
                else AnnotatedDocument(document_id, sha, ())
            )
            merged = _merge(stored, incoming[document_id], report)
            merged = AnnotatedDocument(document_id, sha, merged.annotations)
        if document_id in withdrawing:
            gone = [a for a in merged.annotations if a.origin == complete_for and a.identity() not in live]
            report.withdrawn += [
                f"{document_id}: {a.describe()}" for a in sorted(gone, key=Annotation.recency)
            ]
            merged = AnnotatedDocument(
                document_id, merged.text_sha256, tuple(a for a in merged.annotations if a not in gone)
            )
        data = merged.to_bytes()
        if path.exists() and path.read_bytes() == data:
            unchanged.append(document_id)
        else:
            files[path] = data
            written.append(document_id)
    errors.raise_if_any()
    export_path = annotations_dir / export
    if not export_path.exists() or export_path.read_bytes() != raw_bytes:
        files[export_path] = raw_bytes
    if pseudonyms is not None:
        files.update(pseudonyms.files())
    annotations.write_files_atomic(files)
    report.written, report.unchanged = tuple(written), tuple(unchanged)
    return report


def import_export(
    export_path: Path, documents: Iterable[Document], annotations_dir: Path, knowledge: Knowledge
) -> ImportReport:
    """Import a Label Studio JSON export file against the corpus' current ``documents`` (from the CLI)."""
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
    report = import_tasks(
        tasks,
        raw,
        {d.id: d for d in documents},
        Path(annotations_dir),
        knowledge.topic_ids,
        source=str(export_path),
    )
    return learn_from_gold(report, Path(annotations_dir), knowledge)


def learn_from_gold(report: ImportReport, annotations_dir: Path, knowledge: Knowledge) -> ImportReport:
    """After an import: every gold entity surface becomes an alias the silver annotator uses."""
    from dataset_builder.annotators.learned import learn_aliases

    report.aliases = learn_aliases(annotations_dir, knowledge)
    return report
