"""Read a Label Studio JSON export: its tasks and annotations validated, their offsets resolved.

Offsets: Label Studio's editor converts the browser's UTF-16 selection offsets to code points before
saving (``charsToCodePoints``/``fixCodePointsInRange`` in ``web/libs/editor/src/utils/selection-tools.js``:
"for external usage js length should be converted to code points count"), and counts ``\\r\\n`` as
two characters, so a region's ``start``/``end`` are Python offsets into the task text. Older or
third-party exports may still carry UTF-16 offsets: when the code-point reading disagrees with the
region's text and the UTF-16 reading agrees, the offsets are converted.

When a document's text changed since the tasks were made (its ``text_sha256`` differs), the text the
annotator saw is aligned with today's text (:mod:`dataset_builder.anchoring`) and each span moves
with its own characters; a span whose text was edited, which became part of another word, or which
the edit leaves ambiguous is an error naming task, annotation and region.

Every annotation's spans pass :func:`documents.validate_spans`, the rule the build applies, so what
the import accepts the build accepts. A span with whitespace at an edge (a double-click in the editor
often selects the space after a word) is refused, not trimmed: the annotation in Label Studio and the
one in ``annotations/`` must stay the same, so the fix is made in Label Studio and pulled again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import regex

from dataset_builder import annotations, schema
from dataset_builder.anchoring import TextMap
from dataset_builder.annotations import Annotation
from dataset_builder.documents import Document, Span, validate_spans
from dataset_builder.errors import InputError
from dataset_builder.labelstudio import config
from dataset_builder.labelstudio.tasks import MODEL_VERSION_PREFIX

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


def _other_reading(text: str, start: int, end: int, region_text: str | None) -> tuple[int, int] | None:
    """Where the offsets land on the region's text when read as UTF-16 units instead, if elsewhere."""
    other = _utf16_to_code_points(text, start, end)
    if (
        other is not None
        and other != (start, end)
        and region_text is not None
        and _same_text(text[other[0] : other[1]], region_text)
    ):
        return other
    return None


def reads_only_as_code_points(text: str, start: int, end: int, region_text: str | None) -> bool:
    """True if the offsets cover the region's text as code points and not as UTF-16 units.

    Such a region shows the unit its writer used: code points, as Label Studio's editor saves them.
    """
    if region_text is None or not 0 <= start < end <= len(text):
        return False
    if not _same_text(text[start:end], region_text):
        return False
    other = _utf16_to_code_points(text, start, end)
    return (
        other is not None and other != (start, end) and not _same_text(text[other[0] : other[1]], region_text)
    )


def resolve_offsets(
    text: str, start: int, end: int, region_text: str | None, *, code_points: bool = False
) -> tuple[int, int] | str:
    """Code-point offsets of a region of ``text``, or why they cannot be trusted.

    Label Studio 1.23.2's editor saves ``<Text>`` regions in code points (established in the real
    editor: tests/labelstudio/test_editor_rtl.py), so that is the one unit read. Offsets that would also read
    as UTF-16 code units onto other matching text are refused, unless ``code_points`` says the unit is
    settled (the region is the builder's own prediction, or another region of the same annotation reads
    only as code points): another tool may have written them, and picking one reading put spans on the
    wrong word. A span must not split a grapheme (a base letter from its combining marks, or half a flag).
    """
    fits = 0 <= start < end <= len(text)
    shown = repr(text[start:end]) if fits else f"nothing (the text has {len(text)} characters)"
    if not fits or (region_text is not None and not _same_text(text[start:end], region_text)):
        return (
            f"offsets {start}:{end} (code points, the unit the Label Studio editor saves) read {shown}, "
            f"the region says {region_text!r}"
        )
    other = None if code_points else _other_reading(text, start, end, region_text)
    if other is not None:
        return (
            f"offsets {start}:{end} are ambiguous: as code points they cover {region_text!r} at "
            f"{start}:{end}, as UTF-16 units the same text at {other[0]}:{other[1]}, and neither a "
            "prediction of the builder nor another region of the annotation settles which; nothing "
            "guessed, annotate it again in the Label Studio editor"
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


class ExportErrors:
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
    predicted: frozenset[tuple[int, int, str, str]] = frozenset()
    """(start, end, text, label) of the entities the builder predicted on the task: code points."""


def _entity(
    region: dict[str, Any], ctx: _TaskContext, where: str, errors: ExportErrors, settled: bool
) -> Span | None:
    """A labels region as a span of the text the annotator saw (offsets resolved to code points);
    ``settled``: another region of the annotation showed its offsets are code points."""
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
    code_points = settled or (start, end, region_text, labels[0]) in ctx.predicted
    offsets = resolve_offsets(ctx.seen_text, start, end, region_text, code_points=code_points)
    if isinstance(offsets, str):
        errors.add(where, offsets)
        return None
    start, end = offsets
    return Span(start, end, ctx.seen_text[start:end], labels[0])


def carried_over(
    spans: list[Span], names: list[str], text_map: TextMap, where: str, errors: ExportErrors
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
    region: dict[str, Any], allowed: list[str] | tuple[str, ...], what: str, where: str, errors: ExportErrors
) -> list[str]:
    values = region.get("value", {}).get("choices") if isinstance(region.get("value"), dict) else None
    if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
        errors.add(where, f"expected a list of {what} choices, got {values!r}")
        return []
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors.add(where, f"unknown {what} {', '.join(map(repr, unknown))}")
    return [v for v in values if v in allowed]


def _date(region: dict[str, Any], where: str, errors: ExportErrors) -> dt.date | None:
    value = region.get("value", {}).get("datetime") if isinstance(region.get("value"), dict) else None
    try:
        return dt.datetime.strptime(value, config.DATE_FORMAT).date()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors.add(where, f"invalid date {value!r} (expected {config.DATE_FORMAT})")
        return None


def _evidence(region: dict[str, Any], where: str, errors: ExportErrors) -> str | None:
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


def _label_regions(result: Any) -> Iterator[tuple[int, int, str, str | None]]:
    """(start, end, text, label) of each well-formed entity region of a result (or of a prediction's);
    label None unless the region has exactly one. Malformed regions are left to :func:`_entity`."""
    for region in result if isinstance(result, list) else ():
        if not isinstance(region, dict) or region.get("from_name") != config.ENTITIES:
            continue
        value = region.get("value")
        if not isinstance(value, dict):
            continue
        start, end, text, labels = (value.get(k) for k in ("start", "end", "text", "labels"))
        if isinstance(start, int) and isinstance(end, int) and isinstance(text, str):
            one = isinstance(labels, list) and len(labels) == 1 and isinstance(labels[0], str)
            yield start, end, text, labels[0] if one else None


def _settles_code_points(result: Any, text: str | None) -> bool:
    """True if one entity region of ``result`` reads only as code points, the unit of all its regions."""
    return text is not None and any(
        reads_only_as_code_points(text, start, end, region_text)
        for start, end, region_text, _ in _label_regions(result)
    )


def _predicted(task: dict[str, Any]) -> frozenset[tuple[int, int, str, str]]:
    """The entities of the builder's own predictions on ``task`` (exported in full by a pull)."""
    return frozenset(
        (start, end, text, label)
        for prediction in task.get("predictions") or ()
        if isinstance(prediction, dict)
        and str(prediction.get("model_version") or "").startswith(MODEL_VERSION_PREFIX)
        for start, end, text, label in _label_regions(prediction.get("result"))
        if label is not None
    )


def _annotation(
    ann: dict[str, Any], ctx: _TaskContext, export: str, topic_ids: Sequence[str], errors: ExportErrors
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
    settled = _settles_code_points(result, ctx.seen_text)
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
            span = _entity(region, ctx, at, errors, settled)
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
        pairs = carried_over(entities, names, ctx.text_map, where, errors)
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
    errors: ExportErrors,
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
        predicted=_predicted(task),
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


@dataclass
class ParsedTasks:
    """An export's valid annotations per document id, and what reading them counted."""

    incoming: dict[str, list[Annotation]] = field(default_factory=dict)
    tasks: int = 0
    annotations: int = 0
    cancelled: int = 0
    unknown_documents: list[str] = field(default_factory=list)
    """Tasks whose document is no longer among the seeds: reported, not imported."""
    moved: list[MovedSpan] = field(default_factory=list)


def parse_tasks(
    tasks: Any,
    export: str,
    origin: str,
    documents: Mapping[str, Document],
    topic_ids: Sequence[str],
    errors: ExportErrors,
    *,
    reviewers: Collection[str] = (),
    review: bool = False,
    pseudonyms: annotations.Pseudonyms | None = None,
) -> ParsedTasks:
    """Every annotation of an export's ``tasks`` checked against ``documents`` (problems go to
    ``errors``), stored under ``export``, with its annotator's pseudonym and whether it decides."""
    if not isinstance(tasks, list):
        raise InputError(f"{errors.source}: expected a JSON list of tasks, got {type(tasks).__name__}")
    parsed = ParsedTasks()
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
        ctx = _task_context(task, task_id, where, origin, documents, errors, parsed.unknown_documents)
        anns = task.get("annotations", [])
        if ctx is None or not isinstance(anns, list):
            if ctx is not None:
                errors.add(where, "annotations is not a list")
            continue
        parsed.tasks += 1
        for ann in anns:
            if not isinstance(ann, dict):
                errors.add(where, "an annotation must be a JSON object")
                continue
            if ann.get("was_cancelled"):
                parsed.cancelled += 1
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
            parsed.incoming.setdefault(ctx.current.id, []).append(annotation)
            parsed.annotations += 1
            parsed.moved += moves
    return parsed
