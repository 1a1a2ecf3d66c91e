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
import json
import logging
import re
import time
import unicodedata
import urllib.parse
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from dataset_builder.errors import DatasetBuilderError
from dataset_builder.labelstudio import config, importer, tasks

if TYPE_CHECKING:  # the knowledge imports the annotators: load them only when needed
    from dataset_builder.annotations import Pseudonyms
    from dataset_builder.cache import SilverCache
    from dataset_builder.knowledge import Knowledge

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 120.0
EXPORT_TIMEOUT = 300.0
UPLOAD_BATCH = 1000
"""Tasks per import request (Label Studio imports ~1,000 tasks in ~2 s; keeps each request small)."""

DUPLICATES_SETTLE = 2.0
DUPLICATES_SETTLE_LIMIT = 30.0
"""Seconds between listings, and at most in all, before a push names duplicates (see _settled_duplicates)."""

EXPORT_OPTIONS: dict[str, Any] = {"annotations__completed_by": {"only_id": False}}
"""Serialization options of the export snapshot: annotators as ``{id, email, …}`` instead of bare ids."""


class LabelStudioError(DatasetBuilderError):
    """The server could not be reached or refused a request (the message names the URL, never the key)."""


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

    def summary(self) -> str:
        lines = [
            f"{'created' if self.created else 'found'} project {self.project!r} (id {self.project_id}) "
            f"at {self.url}; labeling config {'updated' if self.config_updated else 'unchanged'}",
            f"uploaded {len(self.uploaded)} new tasks with predictions; "
            f"{self.already_present} already in the project",
        ]
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
                f"{len(self.stale)} stale tasks (document text changed or document gone), kept with their "
                "annotations, which pull re-anchors onto the current text; delete them in Label Studio "
                "when no longer needed: " + ", ".join(self.stale)
            )
        return "\n".join(lines)


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


def find_project(ls: LabelStudio, title: str) -> Any | None:
    """The project titled exactly ``title`` (the API's title filter matches substrings), or None."""
    found = [p for p in ls.projects.list(title=title, page_size=100) if p.title == title]
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in found)
        raise DatasetBuilderError(
            f"{len(found)} projects are titled {title!r} (ids {ids}): rename all but one"
        )
    return found[0] if found else None


@dataclass(frozen=True)
class ServerTask:
    """A task of the project as push sees it: its id and whether anyone has worked on it."""

    id: int
    worked_on: bool
    """It has annotations (submitted or skipped) or drafts: never deleted by push."""


def _oldest_project(ls: LabelStudio, title: str, mine: Any) -> tuple[Any, bool]:
    """The project to use after creating ``mine``, and whether it is ``mine``.

    A push running at the same time may have created one too: the oldest (lowest id) is kept by
    both, and ours, still empty, is deleted.
    """
    same = sorted(
        (p for p in ls.projects.list(title=title, page_size=100) if p.title == title), key=lambda p: p.id
    )
    if same and same[0].id != mine.id:
        ls.projects.delete(mine.id)
        log.info(
            "project %r was created twice at once: using id %s, deleted id %s", title, same[0].id, mine.id
        )
        return same[0], False
    return mine, True


def project_tasks(ls: LabelStudio, project_id: int) -> dict[str, list[ServerTask]]:
    """``task_key`` → the project's tasks with that key, oldest (lowest id) first.

    Tasks without a key were not made by push: ignored.
    """
    found: dict[str, list[ServerTask]] = {}
    include = "id,data,total_annotations,cancelled_annotations,drafts"
    for task in ls.tasks.list(project=project_id, fields="task_only", include=include, page_size=1000):
        key = (task.data or {}).get("task_key")
        if isinstance(key, str):
            worked_on = bool(task.total_annotations or task.cancelled_annotations or task.drafts)
            found.setdefault(key, []).append(ServerTask(task.id, worked_on))
    return {key: sorted(group, key=lambda t: t.id) for key, group in found.items()}


def project_task_keys(ls: LabelStudio, project_id: int) -> dict[str, int]:
    """``task_key`` → id of the task that counts for it (the oldest, when a key is there twice)."""
    return {key: group[0].id for key, group in project_tasks(ls, project_id).items()}


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


def push(
    url: str,
    api_key: str,
    project_title: str,
    seeds_dir: Path,
    annotations_dir: Path,
    knowledge: Knowledge,
    cache: SilverCache | None = None,
) -> PushReport:
    """Create or update the project and upload the tasks it does not have yet, with predictions."""
    from dataset_builder import pipeline  # the pipeline imports the annotators: load it only when needed

    api_key = clean_api_key(api_key)
    version = tasks.model_version(annotations_dir)
    all_tasks = tasks.build_tasks(pipeline.silver_documents(Path(seeds_dir), knowledge, cache=cache), version)
    label_config = config.labeling_config(knowledge.taxonomy)
    ls = connect(url, api_key)
    settings = {"model_version": version, "show_collab_predictions": True}
    with server_errors(url, api_key, f"finding project {project_title!r}"):
        project = find_project(ls, project_title)
    created = project is None
    if project is None:
        with server_errors(url, api_key, f"creating project {project_title!r}"):
            project = ls.projects.create(title=project_title, label_config=label_config, **settings)
            project, created = _oldest_project(ls, project_title, project)
        if created:
            log.info("created project %r (id %s) at %s", project_title, project.id, url)
    # the server strips the config's trailing newline: compare the XML, not the file text
    config_updated = not created and (project.label_config or "").strip() != label_config.strip()
    if config_updated:
        with server_errors(url, api_key, f"updating the labeling config of project {project.id}"):
            ls.projects.update(project.id, label_config=label_config, show_collab_predictions=True)
    with server_errors(url, api_key, f"listing the tasks of project {project.id}"):
        present = project_tasks(ls, project.id)
    new = [t for t in all_tasks if t["data"]["task_key"] not in present]
    ours: set[int] = set()
    for i in range(0, len(new), UPLOAD_BATCH):
        batch = new[i : i + UPLOAD_BATCH]
        with server_errors(url, api_key, f"uploading tasks {i + 1}-{i + len(batch)} to project {project.id}"):
            imported = ls.projects.import_tasks(
                project.id, request=batch, commit_to_project=True, return_task_ids=True
            )
        ours.update(imported.task_ids or ())
        log.info("uploaded %d tasks to project %s", len(batch), project.id)
    removed: dict[str, list[int]] = {}
    if new:
        with server_errors(url, api_key, f"checking project {project.id} for tasks uploaded twice"):
            present = project_tasks(ls, project.id)
            removed = _remove_racing_copies(ls, present, ours)
        gone = {task_id for ids in removed.values() for task_id in ids}
        present = {k: [t for t in group if t.id not in gone] for k, group in present.items()}
        if removed:
            log.info("deleted %d tasks another push uploaded too, from project %s", len(gone), project.id)
    uploaded = [t for t in new if t["data"]["task_key"] not in removed]
    if uploaded and project.model_version != version:
        # the server accepts a model version only once predictions of that version exist
        with server_errors(url, api_key, f"setting the model version of project {project.id}"):
            ls.projects.update(project.id, **settings)
    with server_errors(url, api_key, f"checking project {project.id} for documents held twice"):
        duplicates = _settled_duplicates(ls, project.id, present)
    current = {t["data"]["task_key"] for t in all_tasks}
    return PushReport(
        url=url,
        project=project_title,
        project_id=project.id,
        created=created,
        config_updated=config_updated,
        uploaded=tuple(t["data"]["document_id"] for t in uploaded),
        already_present=len(all_tasks) - len(uploaded),
        stale=tuple(sorted(k for k in present if k not in current)),
        removed_duplicates=tuple(sorted(i for ids in removed.values() for i in ids)),
        duplicates=duplicates,
    )


def export_snapshot(url: str, api_key: str, project_title: str) -> bytes:
    """The complete JSON export of the project's annotated tasks, with annotator emails, as bytes."""
    api_key = clean_api_key(api_key)
    ls = connect(url, api_key)
    with server_errors(url, api_key, f"finding project {project_title!r}"):
        project = find_project(ls, project_title)
    if project is None:
        raise LabelStudioError(f"Label Studio at {url}: no project titled {project_title!r} (push first)")
    with server_errors(url, api_key, f"exporting project {project.id}"):
        snapshot = ls.projects.exports.create(
            project.id,
            title=f"dataset_builder pull of {project_title}",
            serialization_options=EXPORT_OPTIONS,
            task_filter_options={"only_with_annotations": True},
        )
        deadline = time.monotonic() + EXPORT_TIMEOUT
        while snapshot.status != "completed":
            if snapshot.status == "failed" or time.monotonic() > deadline:
                raise LabelStudioError(
                    f"Label Studio at {url}: export {snapshot.id} of project {project.id} {snapshot.status}"
                )
            time.sleep(1)
            snapshot = ls.projects.exports.get(project.id, snapshot.id)
        raw = b"".join(ls.projects.exports.download(project.id, snapshot.id, export_type="JSON"))
        ls.projects.exports.delete(project.id, snapshot.id)
    log.info("exported %d bytes from project %s", len(raw), project.id)
    return raw


def pull(
    url: str,
    api_key: str,
    project_title: str,
    seeds_dir: Path,
    annotations_dir: Path,
    knowledge: Knowledge,
    cache: SilverCache | None = None,
    *,
    reviewers: Collection[str] = (),
    pseudonyms: Pseudonyms | None = None,
) -> importer.ImportReport:
    """Export the project's annotations and import them into ``annotations_dir`` (all or nothing).

    The export is the whole project: stored annotations of this project that it no longer holds are
    withdrawn (see :mod:`importer`); ``reviewers`` and ``pseudonyms`` as in :func:`importer.import_tasks`.
    """
    from dataset_builder import pipeline  # the pipeline imports the annotators: load it only when needed

    raw = export_snapshot(url, api_key, project_title)
    with server_errors(url, api_key, f"finding project {project_title!r}"):
        project = find_project(connect(url, api_key), project_title)
    source = f"export of project {project_title!r} at {url}"
    try:
        exported = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelStudioError(f"Label Studio at {url}: the {source} is not JSON ({exc})") from None
    documents = {d.id: d for d in pipeline.silver_documents(Path(seeds_dir), knowledge, cache=cache)}
    report = importer.import_tasks(
        exported,
        raw,
        documents,
        Path(annotations_dir),
        knowledge.topic_ids,
        source=source,
        origin=f"Label Studio at {url}",
        complete_for=importer.project_origin(f"Label Studio at {url}", project.id) if project else None,
        reviewers=reviewers,
        pseudonyms=pseudonyms,
    )
    return importer.learn_from_gold(report, Path(annotations_dir), knowledge)
