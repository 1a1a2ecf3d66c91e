"""``labelstudio review``: disputed documents go to a reviewer, whose decision becomes their gold.

A document annotated by several people who disagree is *disputed* (:mod:`dataset_builder.annotations`).
:func:`push_review` puts one task per disputed document into the dataset's review project (titled
``<pretty name> — review``, created on first use, its id recorded in ``[labelstudio]`` as
``review_project_id``): the task shows the document with each annotator's latest version as a
prediction named after the annotator (``model_version`` is the annotator as ``annotations/`` stores
them: an e-mail, or a pseudonym with ``pseudonymous = true``; neither ever reaches the dataset), and
a line listing the items they disagree on. The reviewer starts from one version (or none), fixes
it, and submits.

:func:`pull_review` (run by ``labelstudio pull`` when a review project is recorded) imports the review
project's annotations as decisions (``review`` in the file): adjudication takes the latest decision
as the document's gold. A task is keyed by the document, its text and the versions it shows, so a
second ``review`` uploads only disputes that are new or whose versions changed.

Layering: the documents come from the CLI (this module never runs the pipeline).
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataset_builder import annotations, schema
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.documents import Document
from dataset_builder.labelstudio import config, importer, parse, tasks
from dataset_builder.labelstudio.client import (
    check_dataset,
    clean_api_key,
    connect,
    exported_tasks,
    server_errors,
)

if TYPE_CHECKING:
    from dataset_builder.project import Project

REVIEW_KEY = "review_key"
"""Task data key: the document, its text and the versions shown (a dispute uploaded once)."""
DISAGREEMENTS = "disagreements"
"""Task data key: the items the annotators disagree on, shown above the text."""


TITLE_MAX = 50
"""Label Studio refuses longer project titles."""


def review_title(pretty_name: str) -> str:
    """The review project's title: the dataset's pretty name (shortened to fit) and ``— review``."""
    suffix = " — review"
    room = TITLE_MAX - len(suffix)
    name = pretty_name if len(pretty_name) <= room else pretty_name[: room - 1].rstrip() + "…"
    return name + suffix


def review_config(taxonomy: Sequence[schema.Topic]) -> str:
    """The project's labeling config with the disagreements shown first (same controls: same import)."""
    view = ET.fromstring(config.labeling_config(taxonomy))
    header = ET.Element("Header", value=f"Annotators disagree on: ${DISAGREEMENTS}", size="5")
    view.insert(1, header)  # after the style
    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode") + "\n"


def _version(doc: Document, annotation: Annotation) -> dict[str, Any]:
    """One annotator's latest annotation as a prediction named after them."""
    result = tasks.prediction_result(
        doc.with_(
            entities=list(annotation.entities),
            topics=list(annotation.topics),
            date=annotation.date,
            date_evidence=annotation.date_evidence,
            language=annotation.language or doc.language,
        )
    )
    if annotation.language is None:  # the annotator chose none: show none
        result = [r for r in result if r["from_name"] != config.LANGUAGE]
    return {"model_version": annotation.annotator, "result": result}


def review_tasks(
    documents: Iterable[Document],
    annotated: Mapping[str, AnnotatedDocument],
    topic_ids: Sequence[str],
    dataset: str | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """One task per disputed document, and the disputed documents left out because their text changed.

    A document whose annotations were made on another text is left out: pull first, so the versions
    are re-anchored onto today's text.
    """
    out, stale = [], []
    for doc in documents:
        stored = annotated.get(doc.id)
        gold = annotations.adjudicate(stored, topic_ids) if stored else None
        if gold is None or gold.rule != annotations.DISPUTED:
            continue
        if stored.text_sha256 != annotations.text_sha256(doc.text):  # type: ignore[union-attr]
            stale.append(doc.id)
            continue
        latest = annotations.latest_per_annotator(stored.annotations)  # type: ignore[union-attr]
        data = tasks.task_data(doc, dataset)
        shown = [(a.annotator, a.annotation_id, a.created_at, a.updated_at) for a in latest]
        digest = hashlib.sha256(json.dumps(shown).encode("utf-8")).hexdigest()[:16]
        data |= {DISAGREEMENTS: "; ".join(gold.disagreements), REVIEW_KEY: f"{data['task_key']}:{digest}"}
        out.append({"data": data, "predictions": [_version(doc, a) for a in latest]})
    return out, stale


@dataclass
class ReviewReport:
    """What ``labelstudio review`` did; ``summary()`` is what the CLI prints."""

    url: str
    project_id: int
    created: bool
    uploaded: tuple[str, ...]
    already_present: int
    stale: tuple[str, ...]

    def summary(self) -> str:
        lines = [
            f"{'created' if self.created else 'found'} review project (id {self.project_id}) at {self.url}",
            f"uploaded {len(self.uploaded)} disputed documents for review; {self.already_present} already there",
        ]
        lines += [f"  {d}" for d in self.uploaded]
        if self.stale:
            lines.append(
                f"{len(self.stale)} disputed documents changed text since they were annotated "
                f"(pull first, so their versions follow the text): {', '.join(self.stale)}"
            )
        return "\n".join(lines)


def _server_tasks(ls: Any, project_id: int) -> list[dict[str, Any]]:
    """The review project's tasks as ``{id, data}``."""
    listed = ls.tasks.list(project=project_id, fields="task_only", include="id,data", page_size=1000)
    return [{"id": task.id, "data": task.data or {}} for task in listed]


def push_review(
    url: str,
    api_key: str,
    project: Project,
    documents: Iterable[Document],
    annotations_dir: Path,
    taxonomy: Sequence[schema.Topic],
) -> ReviewReport:
    """Upload a review task for every disputed document the review project does not hold yet."""
    api_key = clean_api_key(api_key)
    topic_ids = [t.id for t in taxonomy]
    annotated = annotations.read_documents(Path(annotations_dir), topic_ids)
    to_review, stale = review_tasks(documents, annotated, topic_ids, project.settings.name)
    ls = connect(url, api_key)
    settings = project.settings.labelstudio
    label_config = review_config(taxonomy)
    created = settings.review_project_id is None
    with server_errors(url, api_key, "finding the review project"):
        if created:
            found = ls.projects.create(
                title=review_title(project.settings.pretty_name),
                label_config=label_config,
                show_collab_predictions=True,
                maximum_annotations=1,
            )
            project_id = found.id
            project.record_labelstudio(review_project_id=project_id)
        else:
            project_id = settings.review_project_id
            found = ls.projects.get(project_id)
            if (found.label_config or "").strip() != label_config.strip():
                ls.projects.update(project_id, label_config=label_config)
    with server_errors(url, api_key, f"uploading review tasks to project {project_id}"):
        on_server = _server_tasks(ls, project_id)
        check_dataset(on_server, project.settings.name, url, project_id)
        present = {t["data"].get(REVIEW_KEY) for t in on_server}
        new = [t for t in to_review if t["data"][REVIEW_KEY] not in present]
        if new:
            ls.projects.import_tasks(project_id, request=new, commit_to_project=True, return_task_ids=True)
    return ReviewReport(
        url=url,
        project_id=project_id,
        created=created,
        uploaded=tuple(t["data"]["document_id"] for t in new),
        already_present=len(to_review) - len(new),
        stale=tuple(stale),
    )


def pull_review(
    url: str,
    api_key: str,
    project_id: int,
    documents: Iterable[Document],
    annotations_dir: Path,
    topic_ids: Sequence[str],
    pseudonyms: annotations.Pseudonyms | None = None,
    dataset: str | None = None,
) -> importer.ImportReport:
    """Import the review project's annotations as reviewers' decisions (all or nothing, as a pull)."""
    raw, exported, source = exported_tasks(url, api_key, project_id, "review project")
    if isinstance(exported, list) and dataset is not None:
        check_dataset(exported, dataset, url, project_id)
    origin = f"Label Studio at {url}"
    return importer.import_tasks(
        exported,
        raw,
        {d.id: d for d in documents},
        Path(annotations_dir),
        topic_ids,
        source=source,
        origin=origin,
        complete_for=parse.project_origin(origin, project_id),
        review=True,
        pseudonyms=pseudonyms,
    )
