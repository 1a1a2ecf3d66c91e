"""Push tasks to and pull annotations from a running Label Studio server (label-studio-sdk 2.x).

``push`` finds the project by title (or creates it), keeps its labeling config equal to
:func:`config.labeling_config`, and uploads, with the silver predictions, only the tasks whose
``task_key`` (document id + text hash) the project does not hold yet, so pushing twice never
duplicates. Two pushes running at once both see a task missing and both upload it; Label Studio has
no lock to prevent that, so after uploading, push lists the project again and deletes the tasks *it*
created whose key has an older task (the lowest id is kept, so the racing pushes agree on which
copy stays), never a task anyone has annotated, skipped or drafted. Every push names the task keys
the project still holds more than once.

A task whose document text changed since it was pushed keeps its key, so the new text arrives as
a new task and the old one is reported as *stale*: it is left on the server with its annotations
(pull still imports them, re-anchored by the importer onto the new text); delete it in Label
Studio once annotators have moved to the new task.

``pull`` takes a JSON export snapshot with the annotators' emails (``completed_by`` expanded) and
hands the complete export to :func:`importer.import_tasks`, which validates it and writes
``annotations/`` atomically: nothing is written until the whole export is in hand and valid, so a
server that is down or fails mid-pull leaves ``annotations/`` as it was.

The API key is only ever passed to the SDK: it is never logged, written, or put in an error message.
:func:`clean_api_key` strips the whitespace a key file or a copy-paste leaves around it and refuses
a key with any other character an HTTP header cannot carry (without showing it); :func:`server_errors`
scrubs every form of the key (as typed, stripped, escaped, quoted) and any ``Token``/``Bearer``
credential from the library's error text before it reaches the user, and never passes on the text
of an error raised while writing the request headers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import logging
import os
import re
import time
import unicodedata
import urllib.parse
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from dataset_builder.anchoring import TextMap
from dataset_builder.annotations import PSEUDONYMS_FILE, Pseudonyms
from dataset_builder.documents import Document
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.labelstudio import config, importer, parse, tasks
from dataset_builder.project import LabelStudioSettings, Project, Settings

if TYPE_CHECKING:  # a type only: the caller loads the knowledge and passes it
    from dataset_builder.knowledge import Knowledge

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 120.0
EXPORT_TIMEOUT = 300.0
UPLOAD_BATCH = 1000
"""Tasks per import request (Label Studio imports ~1,000 tasks in ~2 s; keeps each request small)."""

DUPLICATES_SETTLE = 2.0
DUPLICATES_SETTLE_LIMIT = 30.0
"""Seconds between listings, and at most in all, before a push names duplicates (see _settled_duplicates)."""

EXPORT_OPTIONS: dict[str, Any] = {
    "annotations__completed_by": {"only_id": False},
    "predictions": {"only_id": False},
}
"""Serialization options of the export snapshot: annotators as ``{id, email, …}`` instead of bare ids,
and predictions in full, so that a region accepted from the builder's prediction is known as such."""


class LabelStudioError(DatasetBuilderError):
    """The server could not be reached or refused a request (the message names the URL, never the key)."""


HIDDEN = "<api key>"
_KEY_CHARACTER = re.compile(r"[A-Za-z0-9._~+/=-]")
"""Characters of legacy keys (hex) and personal access tokens (JWT, base64url with dots)."""
_CREDENTIAL = re.compile(r"\b(Token|Bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}")
"""A credential as it appears in an ``Authorization`` header value, whatever the key."""


def clean_api_key(api_key: str, source: str = "the API key") -> str:
    """The key without surrounding whitespace; refuses characters a header cannot carry, never showing them.

    A key read from a file often ends in a newline or ``\\r\\n``; the HTTP library then refuses the
    header and prints it whole in its error, so the key is checked here, before any request.
    """
    key = api_key.strip()
    if not key:
        raise LabelStudioError(f"{source} is empty")
    for position, char in enumerate(key, start=1):
        if not _KEY_CHARACTER.fullmatch(char):
            raise LabelStudioError(
                f"{source} contains {_kind(char)} (character {position} of {len(key)}): copy the key "
                "again from Label Studio (Account & Settings > Personal Access Token)"
            )
    return key


def _kind(char: str) -> str:
    """What a refused key character is, in words (the character itself is never shown)."""
    if unicodedata.category(char).startswith("C"):
        return "a control character"
    if char.isspace():
        return "whitespace"
    return "a character other than ASCII letters, digits and . _ ~ + / = -"


def _key_forms(api_key: str) -> list[str]:
    """Every way a library may print the key: as given, stripped, repr/bytes/JSON-escaped, URL-quoted."""
    forms = set()
    for key in {api_key, api_key.strip()}:
        if not key:
            continue
        forms |= {
            key,
            repr(key)[1:-1],
            str(key.encode("utf-8", "backslashreplace"))[2:-1],
            json.dumps(key)[1:-1],
            urllib.parse.quote(key, safe=""),
            urllib.parse.quote_plus(key),
        }
    return sorted((f for f in forms if f), key=len, reverse=True)


def scrub(message: str, api_key: str) -> str:
    """``message`` with the key (in any printed form) and any ``Token``/``Bearer`` credential hidden."""
    for form in _key_forms(api_key):
        message = message.replace(form, HIDDEN)
    return _CREDENTIAL.sub(lambda m: f"{m.group(1)}{m.group(2)}{HIDDEN}", message)


_HTML = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml)", re.IGNORECASE)


@contextlib.contextmanager
def server_errors(url: str, api_key: str, doing: str) -> Iterator[None]:
    """Turn transport and HTTP errors into :class:`LabelStudioError` naming the URL and the step.

    Library errors can quote the request headers (``Authorization: Token …``): their text is scrubbed,
    and an error raised while writing the request (a header the library refused) is not quoted at all.
    """
    try:
        yield
    except DatasetBuilderError:
        raise
    except ApiError as exc:
        body = exc.body if isinstance(exc.body, str) else json.dumps(exc.body, default=str)
        hint = " (the API key was refused)" if exc.status_code in (401, 403) else ""
        if _HTML.match(body):  # a web page, not the API: the URL has a path, or another server answers
            body = "the server sent a web page, not an API answer; give the server's root URL (e.g. http://127.0.0.1:8080)"
        message = f"Label Studio at {url}: {doing} failed with HTTP {exc.status_code}{hint}: {body[:500]}"
        raise LabelStudioError(scrub(message, api_key)) from None
    except httpx.LocalProtocolError:
        message = (
            f"Label Studio at {url}: {doing} failed: the request could not be sent (a header was refused)"
        )
        raise LabelStudioError(message) from None
    except httpx.HTTPError as exc:
        message = f"Label Studio at {url}: {doing} failed: {type(exc).__name__}: {exc}"
        raise LabelStudioError(scrub(message, api_key)) from None
    except ValueError as exc:  # an answer that is not the API's JSON (another server at this URL?)
        message = f"Label Studio at {url}: {doing} failed: unexpected answer ({type(exc).__name__}: {exc})"
        raise LabelStudioError(scrub(message, api_key)[:800]) from None


def connect(url: str, api_key: str) -> LabelStudio:
    """An SDK client; the legacy ``Token`` key and personal access tokens (JWT) both work.

    The SDK decodes a JWT key at once (an expired one is refused here), hence the error guard.
    """
    api_key = clean_api_key(api_key)
    with server_errors(url, api_key, "reading the API key"):
        return LabelStudio(base_url=url.rstrip("/"), api_key=api_key, timeout=REQUEST_TIMEOUT)


DEFAULT_URL = "http://127.0.0.1:8080"
URL_ENV = "LABEL_STUDIO_URL"
GUIDELINES = "GUIDELINES.md"
RACE_SLACK = dt.timedelta(seconds=5)
"""A same-title project created this long before a push started may still be a racing push's."""


def server_url(project: Project, given: str | None = None) -> str:
    """``--url``, else the server the first push recorded, else ``$LABEL_STUDIO_URL``, else the local one."""
    url = given or project.settings.labelstudio.url or os.environ.get(URL_ENV) or DEFAULT_URL
    return url.rstrip("/")


def project_title(settings: Settings) -> str:
    """The Label Studio title of a dataset project: its pretty name (Label Studio takes 3-50 characters)."""
    for title in (settings.pretty_name.strip(), settings.name):
        if 3 <= len(title) <= 50:
            return title
    return settings.name[:50].ljust(3, "-")


def project_description(dataset: str) -> str:
    """The description push gives the projects it creates: it tells a racing push's project from others."""
    return (
        f"Annotation tasks of the dataset {dataset!r}, pushed by dataset-builder "
        "(the dataset project's dataset.toml records this project's id under [labelstudio])."
    )


def _titled(ls: LabelStudio, title: str) -> list[Any]:
    """Projects titled exactly ``title``, oldest first (the API's title filter matches substrings)."""
    found = [p for p in ls.projects.list(title=title, page_size=100) if p.title == title]
    return sorted(found, key=lambda p: p.id)


def _racing(found: Any, dataset: str, started: dt.datetime) -> bool:
    """Whether ``found`` was created by another push of this dataset running at the same time."""
    created = found.created_at
    return (
        (found.description or "") == project_description(dataset)
        and created is not None
        and created >= started - RACE_SLACK
    )


def _not_ours(url: str, found: list[Any], title: str) -> LabelStudioError:
    ids = ", ".join(str(p.id) for p in found)
    return LabelStudioError(
        f"Label Studio at {url} already has a project titled {title!r} (id {ids}) that this dataset project "
        f"is not bound to: it is never adopted silently; if it holds this dataset's tasks, bind it with "
        f"`dataset-builder labelstudio push --project-id {found[0].id}`, otherwise rename it in Label "
        "Studio or change pretty_name in dataset.toml"
    )


def _bind(
    ls: LabelStudio,
    url: str,
    api_key: str,
    project: Project,
    project_id: int | None,
    label_config: str,
    started: dt.datetime,
) -> tuple[Any, bool]:
    """The Label Studio project of ``project`` and whether this call created it.

    A given or recorded id is used exactly; otherwise a new project is created, titled after the
    dataset. An existing project of that title is refused (naming it), unless a push of this same
    dataset running at the same time has just created it (then the oldest is kept by both).
    """
    project_id = project_id or project.settings.labelstudio.project_id
    if project_id is not None:
        return _get_project(ls, url, api_key, project_id, project), False
    title, dataset = project_title(project.settings), project.settings.name
    with server_errors(url, api_key, f"finding projects titled {title!r}"):
        found = _titled(ls, title)
    if found:
        if not all(_racing(p, dataset, started) for p in found):
            raise _not_ours(url, found, title)
        return found[0], False
    with server_errors(url, api_key, f"creating project {title!r}"):
        mine = ls.projects.create(
            title=title, label_config=label_config, description=project_description(dataset)
        )
        found = _titled(ls, title)
        if found and found[0].id != mine.id:  # another project of that title appeared meanwhile
            if not _racing(found[0], dataset, started):
                ls.projects.delete(mine.id)
                raise _not_ours(url, found[:1], title)
            # every later copy goes, not only this call's: a create the client retried after the
            # server had committed it left a copy that no push holds (its creator sees it here)
            for copy in found[1:]:
                if copy.id == mine.id or _racing(copy, dataset, started):
                    _delete_copy(ls, copy.id)
            log.info("project %r was created more than once at once: using id %s", title, found[0].id)
            return found[0], False
    log.info("created project %r (id %s) at %s", title, mine.id, url)
    return mine, True


def _delete_copy(ls: LabelStudio, project_id: int) -> None:
    """Delete a racing copy of the project; another push may have deleted it first."""
    try:
        ls.projects.delete(project_id)
    except ApiError as exc:
        if exc.status_code != 404:
            raise


def _get_project(ls: LabelStudio, url: str, api_key: str, project_id: int, project: Project) -> Any:
    try:
        with server_errors(url, api_key, f"reading project {project_id}"):
            return ls.projects.get(project_id)
    except LabelStudioError as exc:
        if "HTTP 404" not in str(exc):
            raise
    recorded = project.settings.labelstudio.project_id == project_id
    where = f"recorded in {project.file} under [labelstudio]" if recorded else "given with --project-id"
    raise LabelStudioError(
        f"Label Studio at {url} has no project {project_id} ({where}): check --url, or remove project_id "
        "from [labelstudio] in dataset.toml to let the next push create a new project"
    )


@dataclass(frozen=True)
class ServerTask:
    """A task of the project as push sees it: what it holds and whether anyone has worked on it."""

    id: int
    worked_on: bool
    """It has annotations (submitted or skipped) or drafts: never deleted by push."""
    key: str = ""
    document_id: str | None = None
    dataset: str | None = None
    text: str | None = None
    predictions: int = 0
    drafts: bool = False


def server_tasks(ls: LabelStudio, project_id: int) -> list[ServerTask]:
    """The project's tasks made by push (they carry a ``task_key``), by id; others are ignored."""
    found = []
    include = "id,data,total_annotations,cancelled_annotations,drafts,total_predictions"
    for task in ls.tasks.list(project=project_id, fields="task_only", include=include, page_size=1000):
        data = task.data or {}
        key = data.get("task_key")
        if not isinstance(key, str):
            continue
        text, document_id = data.get("text"), data.get("document_id")
        dataset = data.get(tasks.DATASET_KEY)
        found.append(
            ServerTask(
                id=task.id,
                worked_on=bool(task.total_annotations or task.cancelled_annotations or task.drafts),
                key=key,
                document_id=document_id if isinstance(document_id, str) else None,
                dataset=str(dataset) if dataset is not None else None,
                text=text if isinstance(text, str) else None,
                predictions=task.total_predictions or 0,
                drafts=bool(task.drafts),
            )
        )
    return sorted(found, key=lambda t: t.id)


def _by_key(found: list[ServerTask]) -> dict[str, list[ServerTask]]:
    grouped: dict[str, list[ServerTask]] = {}
    for task in found:
        grouped.setdefault(task.key, []).append(task)
    return grouped


def project_tasks(ls: LabelStudio, project_id: int) -> dict[str, list[ServerTask]]:
    """``task_key`` → the project's tasks with that key, oldest (lowest id) first."""
    return _by_key(server_tasks(ls, project_id))


def project_task_keys(ls: LabelStudio, project_id: int) -> dict[str, int]:
    """``task_key`` → id of the task that counts for it (the oldest, when a key is there twice)."""
    return {key: group[0].id for key, group in project_tasks(ls, project_id).items()}


def check_dataset(
    found: list[ServerTask] | list[dict[str, Any]], dataset: str, url: str, project_id: int
) -> None:
    """Refuse a project holding tasks of another dataset (tasks carry the dataset's name)."""
    names = []
    for task in found:
        if isinstance(task, ServerTask):
            names.append((task.id, task.dataset))
        elif isinstance(task, dict) and isinstance(task.get("data"), dict):
            names.append((task.get("id"), task["data"].get(tasks.DATASET_KEY)))
    foreign = [(task_id, name) for task_id, name in names if name is not None and name != dataset]
    if foreign:
        others = ", ".join(sorted({repr(str(name)) for _, name in foreign}))
        raise LabelStudioError(
            f"Label Studio project {project_id} at {url} holds {len(foreign)} tasks of the dataset {others} "
            f"(e.g. task {foreign[0][0]}), not of {dataset!r}: bind this dataset project to its own Label Studio "
            "project (pass --project-id, or remove project_id from [labelstudio] in dataset.toml so that "
            "push creates one)"
        )


def _duplicates(found: dict[str, list[ServerTask]]) -> dict[str, tuple[int, ...]]:
    return {key: tuple(t.id for t in group) for key, group in sorted(found.items()) if len(group) > 1}


def _settled_duplicates(
    ls: LabelStudio, project_id: int, found: dict[str, list[ServerTask]]
) -> dict[str, tuple[int, ...]]:
    """Task keys held more than once, once a push running at the same time has deleted its copies.

    That push deletes them right after its upload: the project is listed again every
    ``DUPLICATES_SETTLE`` seconds while the duplicates keep changing, so only lasting ones are named.
    """
    duplicates = _duplicates(found)
    deadline = time.monotonic() + DUPLICATES_SETTLE_LIMIT
    while duplicates and time.monotonic() < deadline:
        time.sleep(DUPLICATES_SETTLE)
        again = _duplicates(project_tasks(ls, project_id))
        if again == duplicates:
            break
        duplicates = again
    return duplicates


def _remove_racing_copies(
    ls: LabelStudio, found: dict[str, list[ServerTask]], ours: set[int]
) -> dict[str, list[int]]:
    """Delete the tasks we created whose key has an older task; returns their ids by key.

    Every push keeps the lowest id of a key, so racing pushes never delete each other's kept copy.
    A task someone has worked on is kept whatever its id.
    """
    removed: dict[str, list[int]] = {}
    for key, group in found.items():
        for task in group[1:]:
            if task.id in ours and not task.worked_on:
                ls.tasks.delete(id=str(task.id))
                removed.setdefault(key, []).append(task.id)
    return removed


# --- campaign settings ------------------------------------------------------------------------------


def instructions_html(guidelines: str) -> str:
    """The guidelines as Label Studio instructions (HTML): the Markdown text shown as written."""
    return f'<pre style="white-space: pre-wrap">{html.escape(guidelines)}</pre>'


def campaign_settings(settings: LabelStudioSettings, guidelines: str | None) -> dict[str, Any]:
    """The project settings a push sets from ``[labelstudio]`` and ``annotations/GUIDELINES.md``."""
    return {
        "maximum_annotations": settings.annotators_per_task,
        "overlap_cohort_percentage": settings.overlap_percent,
        "show_collab_predictions": settings.show_predictions,
        "expert_instruction": instructions_html(guidelines) if guidelines else "",
        "show_instruction": bool(guidelines),
    }


def describe_campaign(settings: LabelStudioSettings, guidelines: Path | None) -> str:
    shown = f"shown from {guidelines}" if guidelines else f"none ({GUIDELINES} not found)"
    mode = "pre-annotations shown" if settings.show_predictions else "blind pass: no pre-annotations"
    return (
        f"campaign: {settings.annotators_per_task} annotators per task on {settings.overlap_percent}% of "
        f"tasks; instructions {shown}; {mode}"
    )


# --- edited and removed documents -------------------------------------------------------------------


@dataclass(frozen=True)
class MovedRegion:
    """A span of an annotation on the server carried over to its document's new text."""

    document_id: str
    task_id: int
    annotation_id: int
    label: str
    text: str
    old: tuple[int, int]
    new: tuple[int, int]

    def __str__(self) -> str:
        return (
            f"{self.document_id}: task {self.task_id}, annotation {self.annotation_id}: {self.label} "
            f"{self.text!r} {self.old[0]}:{self.old[1]} -> {self.new[0]}:{self.new[1]}"
        )


def _same_text(a: str, b: str) -> bool:
    return re.sub(r"\s+", " ", a) == re.sub(r"\s+", " ", b)


def reanchor_result(
    result: list[dict[str, Any]], text_map: TextMap
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str, tuple[int, int], tuple[int, int]]], list[str]]:
    """An annotation's result with its entity regions moved onto the new text.

    Returns the new result, the moves (region id, label, text, old, new) and, for each region that
    cannot be placed exactly, why (then nothing of the task may change).
    """
    moved, moves, problems = [], [], []
    for region in result:
        value = region.get("value") if isinstance(region, dict) else None
        if region.get("from_name") != config.ENTITIES or not isinstance(value, dict):
            moved.append(region)
            continue
        start, end = value.get("start"), value.get("end")
        label = ",".join(value.get("labels") or [])
        shown = value.get("text") if isinstance(value.get("text"), str) else ""
        where = f"region {region.get('id')} ({label} {shown!r})"
        if not isinstance(start, int) or not isinstance(end, int):
            problems.append(f"{where} has no character offsets")
            continue
        if shown and not _same_text(text_map.old[start:end], shown):
            problems.append(f"{where} does not match the text the task holds at {start}:{end}")
            continue
        placed = text_map.span(start, end)
        if isinstance(placed, str):
            problems.append(f"{where} cannot be placed exactly on the new text: {placed}")
            continue
        moved.append({**region, "value": {**value, "start": placed[0], "end": placed[1]}})
        if placed != (start, end):
            moves.append(
                (str(region.get("id")), label, shown or text_map.old[start:end], (start, end), placed)
            )
    return moved, moves, problems


def _update_in_place(
    ls: LabelStudio, old: ServerTask, task: dict[str, Any], model_version: str, blind: bool
) -> tuple[list[MovedRegion], list[str]]:
    """Give ``old`` the document's new text and predictions, carrying its annotations' spans exactly.

    Nothing changes unless every span of every annotation can be placed exactly; otherwise the
    reasons are returned (task, annotation, region), and the task keeps its old text.
    """
    data = task["data"]
    document_id = data["document_id"]
    where = f"{document_id}: task {old.id}"
    if old.drafts:
        return [], [f"{where} has a draft in progress: not updated (push again once it is submitted)"]
    if old.text is None:
        return [], [f"{where} holds no text to carry its annotations from: not updated"]
    try:
        text_map = TextMap.between(old.text, data["text"])
    except ValueError as exc:
        return [], [f"{where}: not updated: {exc}"]
    changes, moved, problems = [], [], []
    for annotation in ls.annotations.list(id=old.id) if old.worked_on else []:
        result, moves, trouble = reanchor_result(list(annotation.result or []), text_map)
        problems += [f"{where}, annotation {annotation.id}, {p}" for p in trouble]
        if result != list(annotation.result or []):
            changes.append((annotation.id, result))
        moved += [MovedRegion(document_id, old.id, annotation.id, *m[1:]) for m in moves]
    if problems:
        return [], [f"{p}: the task keeps its old text" for p in problems]
    for annotation_id, result in changes:
        ls.annotations.update(id=annotation_id, result=result)
    ls.tasks.update(id=str(old.id), data=data)
    for existing in ls.predictions.list(task=old.id):
        if (existing.model_version or "").startswith(tasks.MODEL_VERSION_PREFIX):
            ls.predictions.delete(id=existing.id)
    if not blind:
        (prediction,) = task["predictions"]
        ls.predictions.create(task=old.id, result=prediction["result"], model_version=model_version)
    return moved, []


# --- push -------------------------------------------------------------------------------------------


@dataclass
class PushReport:
    """What a push did; ``summary()`` is what the CLI prints."""

    url: str
    project: str
    project_id: int
    created: bool
    config_updated: bool
    uploaded: tuple[str, ...]
    already_present: int
    stale: tuple[str, ...]
    removed_duplicates: tuple[int, ...] = ()
    """Ids of the tasks this push created and deleted again: a push running at the same time had them."""
    duplicates: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Task keys the project holds more than once after this push, with their task ids."""
    recorded: bool = False
    """``url`` and ``project_id`` were written into dataset.toml by this push."""
    campaign: str = ""
    updated: tuple[str, ...] = ()
    """Documents whose edited text replaced their task's, in place (same task id)."""
    moved: tuple[MovedRegion, ...] = ()
    not_updated: tuple[str, ...] = ()
    removed_deleted: tuple[str, ...] = ()
    """Documents no longer among the seeds whose task nobody had worked on: deleted."""
    removed_kept: tuple[str, ...] = ()
    """Documents no longer among the seeds whose task holds work: kept, and skipped by pull."""
    not_selected: int = 0
    predictions_removed: int = 0
    predictions_added: int = 0

    def summary(self) -> str:
        verb = "created" if self.created else "using"
        lines = [
            f"{verb} Label Studio project {self.project!r} (id {self.project_id}) at {self.url}; "
            f"labeling config {'updated' if self.config_updated else 'unchanged'}"
        ]
        if self.recorded:
            lines.append(f"recorded url and project_id {self.project_id} under [labelstudio] in dataset.toml")
        if self.campaign:
            lines.append(self.campaign)
        what = "with predictions" if "blind" not in self.campaign else "without predictions (blind pass)"
        lines.append(
            f"uploaded {len(self.uploaded)} new tasks {what}; {self.already_present} already in the project"
            + (f"; {self.not_selected} documents not selected" if self.not_selected else "")
        )
        if self.predictions_removed:
            lines.append(f"removed the pre-annotations of {self.predictions_removed} tasks (blind pass)")
        if self.predictions_added:
            lines.append(f"added pre-annotations to {self.predictions_added} tasks")
        if self.updated:
            lines.append(
                f"{len(self.updated)} edited documents updated in place (same task, new text and predictions, "
                f"annotations carried over): {', '.join(self.updated)}"
            )
        if self.moved:
            lines.append(f"{len(self.moved)} spans of annotations on the server moved with their text:")
            lines += [f"  {m}" for m in self.moved]
        if self.not_updated:
            lines.append(f"{len(self.not_updated)} edited documents not updated on the server:")
            lines += [f"  {m}" for m in self.not_updated]
        if self.removed_deleted:
            lines.append(
                f"{len(self.removed_deleted)} documents no longer among the seeds: their tasks, which nobody "
                f"had worked on, were deleted: {', '.join(self.removed_deleted)}"
            )
        if self.removed_kept:
            lines.append(
                f"{len(self.removed_kept)} documents no longer among the seeds: their tasks hold annotations "
                "or drafts and were kept (pull skips them; delete them in Label Studio when no longer "
                f"needed): {', '.join(self.removed_kept)}"
            )
        if self.removed_duplicates:
            lines.append(
                f"deleted {len(self.removed_duplicates)} tasks this push had just uploaded, because another "
                "push running at the same time uploaded the same documents"
            )
        if self.duplicates:
            lines.append(
                f"{len(self.duplicates)} documents are in the project more than once (annotate the first "
                "task, delete the others in Label Studio once nobody works on them): "
                + "; ".join(
                    f"{key} (tasks {', '.join(map(str, ids))})" for key, ids in self.duplicates.items()
                )
            )
        if self.stale:
            lines.append(
                f"{len(self.stale)} stale tasks (an older text of a document that has a current task), kept "
                "with their annotations, which pull re-anchors onto the current text; delete them in Label "
                "Studio when no longer needed: " + ", ".join(self.stale)
            )
        return "\n".join(lines)


def _guidelines(annotations_dir: Path) -> tuple[Path | None, str | None]:
    path = annotations_dir / GUIDELINES
    try:
        return path, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None


def push(
    project: Project,
    documents: Iterable[Document],
    knowledge: Knowledge,
    url: str,
    api_key: str,
    *,
    annotations_dir: Path | None = None,
    project_id: int | None = None,
    select: Collection[str] | None = None,
) -> PushReport:
    """Bind the dataset project to its Label Studio project, set the campaign, and make the server follow.

    ``documents`` are the dataset's current documents (the CLI runs the pipeline once). New ones are
    uploaded (only those in ``select``, when given); an edited one updates its task in place with its
    annotations' spans carried over exactly; a removed one's task is deleted if nobody worked on it,
    else reported.
    """
    started = dt.datetime.now(dt.UTC)
    api_key = clean_api_key(api_key)
    settings = project.settings.labelstudio
    dataset = project.settings.name
    annotations_dir = Path(annotations_dir or project.annotations_dir)
    blind = not settings.show_predictions
    version = tasks.model_version(knowledge)
    docs = list(documents)
    all_tasks = tasks.build_tasks(docs, version, dataset=dataset, predictions=not blind)
    by_document = {t["data"]["document_id"]: t for t in all_tasks}
    label_config = config.labeling_config(knowledge.taxonomy)
    guidelines_path, guidelines = _guidelines(annotations_dir)
    ls = connect(url, api_key)
    server_project, created = _bind(ls, url, api_key, project, project_id, label_config, started)
    pid = server_project.id
    with server_errors(url, api_key, f"listing the tasks of project {pid}"):
        found = server_tasks(ls, pid)
    check_dataset(found, dataset, url, pid)
    recorded = (settings.url, settings.project_id) != (url, pid)
    if recorded:  # before uploading: an interrupted push leaves no project the next one cannot find
        project = project.record_labelstudio(url=url, project_id=pid)
    # the server strips the config's trailing newline: compare the XML, not the file text
    config_updated = not created and (server_project.label_config or "").strip() != label_config.strip()
    wanted = campaign_settings(settings, guidelines)
    with server_errors(url, api_key, f"setting the campaign of project {pid}"):
        if config_updated:
            ls.projects.update(pid, label_config=label_config, **wanted)
        else:
            ls.projects.update(pid, **wanted)

    present = _by_key(found)
    already = sum(1 for t in all_tasks if t["data"]["task_key"] in present)
    on_server: dict[str, list[ServerTask]] = {}
    for task in found:
        if task.document_id is not None:
            on_server.setdefault(task.document_id, []).append(task)
    current_keys = {t["data"]["task_key"] for t in all_tasks}
    new, edits, not_selected = [], [], 0
    for task in all_tasks:
        data = task["data"]
        if data["task_key"] in present:
            continue
        held = [t for t in on_server.get(data["document_id"], []) if t.key not in current_keys]
        if held:  # the document's text changed: its (oldest) task follows it
            edits.append((held[0], task))
        elif select is None or data["document_id"] in select:
            new.append(task)
        else:
            not_selected += 1

    updated, moved, not_updated, blocked = [], [], [], set()
    for old, task in edits:
        with server_errors(url, api_key, f"updating task {old.id} of project {pid}"):
            moves, problems = _update_in_place(ls, old, task, version, blind)
        if problems:
            not_updated += problems
            blocked.add(old.key)
        else:
            updated.append(task["data"]["document_id"])
            moved += moves

    removed_deleted, removed_kept = [], []
    for task in found:
        if task.document_id is None or task.document_id in by_document or task.dataset != dataset:
            continue
        if task.worked_on:
            removed_kept.append(f"{task.document_id} (task {task.id})")
        else:
            with server_errors(url, api_key, f"deleting task {task.id} of project {pid}"):
                ls.tasks.delete(id=str(task.id))
            removed_deleted.append(f"{task.document_id} (task {task.id})")

    predictions_removed = predictions_added = 0
    current_tasks = [t for t in found if t.key in current_keys]
    with server_errors(url, api_key, f"updating the pre-annotations of project {pid}"):
        for task in current_tasks:
            if blind and task.predictions:
                gone = [
                    p
                    for p in ls.predictions.list(task=task.id)
                    if (p.model_version or "").startswith(tasks.MODEL_VERSION_PREFIX)
                ]
                for p in gone:
                    ls.predictions.delete(id=p.id)
                predictions_removed += bool(gone)
            elif not blind and not task.predictions:
                (prediction,) = by_document[task.document_id]["predictions"]
                ls.predictions.create(task=task.id, result=prediction["result"], model_version=version)
                predictions_added += 1

    ours: set[int] = set()
    for i in range(0, len(new), UPLOAD_BATCH):
        batch = new[i : i + UPLOAD_BATCH]
        with server_errors(url, api_key, f"uploading tasks {i + 1}-{i + len(batch)} to project {pid}"):
            imported = ls.projects.import_tasks(
                pid, request=batch, commit_to_project=True, return_task_ids=True
            )
        ours.update(imported.task_ids or ())
        log.info("uploaded %d tasks to project %s", len(batch), pid)
    removed: dict[str, list[int]] = {}
    if new or updated or removed_deleted:
        with server_errors(url, api_key, f"checking project {pid} for tasks uploaded twice"):
            present = project_tasks(ls, pid)
            removed = _remove_racing_copies(ls, present, ours)
        gone_ids = {task_id for ids in removed.values() for task_id in ids}
        present = {k: [t for t in group if t.id not in gone_ids] for k, group in present.items()}
        if removed:
            log.info("deleted %d tasks another push uploaded too, from project %s", len(gone_ids), pid)
    uploaded = [t for t in new if t["data"]["task_key"] not in removed]
    if not blind and (uploaded or updated or predictions_added) and server_project.model_version != version:
        # the server accepts a model version only once predictions of that version exist
        with server_errors(url, api_key, f"setting the model version of project {pid}"):
            ls.projects.update(pid, model_version=version)
    with server_errors(url, api_key, f"checking project {pid} for documents held twice"):
        duplicates = _settled_duplicates(ls, pid, present)
    gone_documents = {t.key for t in found if t.document_id is not None and t.document_id not in by_document}
    stale = sorted(k for k in present if k not in current_keys | gone_documents | blocked)
    return PushReport(
        url=url,
        project=project_title(project.settings) if created else (server_project.title or ""),
        project_id=pid,
        created=created,
        config_updated=config_updated,
        uploaded=tuple(t["data"]["document_id"] for t in uploaded),
        already_present=already,
        stale=tuple(stale),
        removed_duplicates=tuple(sorted(i for ids in removed.values() for i in ids)),
        duplicates=duplicates,
        recorded=recorded,
        campaign=describe_campaign(settings, guidelines_path),
        updated=tuple(updated),
        moved=tuple(moved),
        not_updated=tuple(not_updated),
        removed_deleted=tuple(removed_deleted),
        removed_kept=tuple(removed_kept),
        not_selected=not_selected,
        predictions_removed=predictions_removed,
        predictions_added=predictions_added,
    )


# --- pull -------------------------------------------------------------------------------------------


def bound_project_id(project: Project, project_id: int | None) -> int:
    """The project a pull, status or review works on: ``--project-id``, else the one push recorded."""
    found = project_id or project.settings.labelstudio.project_id
    if found is None:
        raise LabelStudioError(
            f"{project.file}: no project_id under [labelstudio]: run `dataset-builder labelstudio push` first "
            "(it creates the Label Studio project and records it), or pass --project-id"
        )
    return found


def exported_tasks(url: str, api_key: str, project_id: int, kind: str) -> tuple[bytes, Any, str]:
    """A project's export (see :func:`without_relative_times`), parsed, and how messages name it
    (``kind``: project, review project)."""
    source = f"export of {kind} {project_id} at {url}"
    try:
        raw, exported = without_relative_times(export_snapshot(url, api_key, project_id))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelStudioError(f"Label Studio at {url}: the {source} is not JSON ({exc})") from None
    return raw, exported, source


RELATIVE_TIME = "created_ago"
"""A field of exported predictions (and of annotations, in some versions): "3 minutes" since creation,
for display. It changes as the clock turns, so two pulls of an unchanged project differed."""


def without_relative_times(raw: bytes) -> tuple[bytes, Any]:
    """An export as received, unless its annotations or predictions carry :data:`RELATIVE_TIME`:
    then without it (written again as JSON), so that the same work gives the same stored export; and
    the export parsed."""
    exported = json.loads(raw.decode("utf-8"))
    dropped = False
    for task in exported if isinstance(exported, list) else ():
        for key in ("annotations", "predictions", "drafts"):
            items = task.get(key) if isinstance(task, dict) else None
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and RELATIVE_TIME in item:
                    del item[RELATIVE_TIME]
                    dropped = True
    if dropped:
        raw = json.dumps(exported, ensure_ascii=False, indent=2).encode("utf-8")
    return raw, exported


def export_snapshot(url: str, api_key: str, project_id: int) -> bytes:
    """The complete JSON export of the project's annotated tasks, with annotator emails, as bytes."""
    api_key = clean_api_key(api_key)
    ls = connect(url, api_key)
    try:
        with server_errors(url, api_key, f"reading project {project_id}"):
            ls.projects.get(project_id)
    except LabelStudioError as exc:
        if "HTTP 404" in str(exc):
            raise LabelStudioError(
                f"Label Studio at {url}: no project {project_id} (check --url or project_id)"
            ) from None
        raise
    with server_errors(url, api_key, f"exporting project {project_id}"):
        snapshot = ls.projects.exports.create(
            project_id,
            title=f"dataset_builder pull of project {project_id}",
            serialization_options=EXPORT_OPTIONS,
            task_filter_options={"only_with_annotations": True},
        )
        deadline = time.monotonic() + EXPORT_TIMEOUT
        while snapshot.status != "completed":
            if snapshot.status == "failed" or time.monotonic() > deadline:
                raise LabelStudioError(
                    f"Label Studio at {url}: export {snapshot.id} of project {project_id} {snapshot.status}"
                )
            time.sleep(1)
            snapshot = ls.projects.exports.get(project_id, snapshot.id)
        raw = b"".join(ls.projects.exports.download(project_id, snapshot.id, export_type="JSON"))
        ls.projects.exports.delete(project_id, snapshot.id)
    log.info("exported %d bytes from project %s", len(raw), project_id)
    return raw


def pseudonyms(project: Project, annotations_dir: Path) -> Pseudonyms | None:
    """The project's pseudonym mapping when ``pseudonymous = true`` (see :class:`annotations.Pseudonyms`)."""
    if not project.settings.labelstudio.pseudonymous:
        return None
    return Pseudonyms.load(project.root / PSEUDONYMS_FILE, annotations_dir)


@dataclass
class PullReport:
    """What a pull did: the import, and the tasks of documents no longer among the seeds (skipped)."""

    imported: importer.ImportReport
    removed: tuple[str, ...] = ()
    recorded: bool = False

    def summary(self) -> str:
        lines = [self.imported.summary()]
        if self.removed:
            lines.append(
                f"{len(self.removed)} tasks of documents no longer among the seeds were skipped (their "
                f"annotations stay in Label Studio): {', '.join(self.removed)}"
            )
        if self.recorded:
            lines.append("recorded url and project_id under [labelstudio] in dataset.toml")
        return "\n".join(lines)


def pull(
    project: Project,
    documents: Iterable[Document],
    knowledge: Knowledge,
    url: str,
    api_key: str,
    *,
    annotations_dir: Path | None = None,
    project_id: int | None = None,
) -> PullReport:
    """Export the bound project's annotations and import them into ``annotations/`` (all or nothing).

    A project holding another dataset's tasks is refused; tasks of this dataset whose document is no
    longer among the seeds are reported and skipped, so they never block the rest. The export is the
    whole project: stored annotations of this project it no longer holds (deleted) or holds cancelled
    are withdrawn; annotations of listed ``reviewers`` are decisions; ``pseudonymous`` replaces e-mails
    (see :mod:`importer`).
    """
    pid = bound_project_id(project, project_id)
    dataset = project.settings.name
    raw, exported, source = exported_tasks(url, api_key, pid, "project")
    by_id = {d.id: d for d in documents}
    removed: list[str] = []
    if isinstance(exported, list):
        check_dataset(exported, dataset, url, pid)
        kept = []
        for task in exported:
            data = task.get("data") if isinstance(task, dict) else None
            if (
                isinstance(data, dict)
                and data.get(tasks.DATASET_KEY) == dataset
                and data.get("document_id") not in by_id
            ):
                removed.append(f"{data.get('document_id')} (task {task.get('id')})")
            else:
                kept.append(task)
        exported = kept
    settings = project.settings.labelstudio
    annotations_dir = Path(annotations_dir or project.annotations_dir)
    origin = f"Label Studio at {url}"
    report = importer.import_tasks(
        exported,
        raw,
        by_id,
        annotations_dir,
        knowledge.topic_ids,
        source=source,
        origin=origin,
        complete_for=parse.project_origin(origin, pid),
        reviewers=settings.reviewers,
        pseudonyms=pseudonyms(project, annotations_dir),
    )
    recorded = (settings.url, settings.project_id) != (url, pid)
    if recorded:
        project.record_labelstudio(url=url, project_id=pid)
    return PullReport(importer.learn_from_gold(report, annotations_dir, knowledge), tuple(removed), recorded)
