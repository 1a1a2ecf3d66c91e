"""A campaign with two annotators and a reviewer on a real Label Studio server: honest agreement,
disputes reviewed (never dropped), cancellations and deletions withdrawn, reviewer corrections accepted.

Everything happens through the server's API as people would do it; the project is a temp copy of
this repository's (seeds, knowledge, no imported annotations).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import REPO
from label_studio_sdk import LabelStudio

from dataset_builder import annotations, cli, pipeline, schema
from dataset_builder.agreement import compute_agreement
from dataset_builder.annotations import Annotation
from dataset_builder.build import build
from dataset_builder.documents import Document
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import client, config, importer, review, tasks
from dataset_builder.project import Project, init_project
from tests.support.labelstudio import LocalServer, label_studio, sign_up  # noqa: F401

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

A, B, REVIEWER = "rev-a@example.org", "rev-b@example.org", "rev-lead@example.org"
ONLY_A = "003_50d538c61f2444de"
"""Annotator A keeps every predicted span; B leaves the first one out."""
LOC_ORG = "002_a10ac565b067f4e4"
"""Both keep everything; A labels the first LOC span LOC, B labels it ORG (the Cairo case)."""
SAME = "000_7b0c189a82ed960c-en"
"""Both submit the same annotation: full agreement, unanimous gold."""
CANCELLED, DELETED = "004_01aeee41cd1430c7", "001_91a43c286490f4bd"
"""A's annotation of CANCELLED is later cancelled; B's annotation of DELETED is later deleted."""


@dataclass
class Lab:
    server: LocalServer
    root: Path
    admin: LabelStudio
    people: dict[str, LabelStudio]
    project_id: int
    task_ids: dict[str, int]
    documents: dict[str, Document]

    @property
    def project(self) -> Project:
        return Project.load(self.root)

    @property
    def knowledge(self) -> Knowledge:
        return Knowledge.load(self.root / "annotations")

    def pull(self) -> tuple[importer.ImportReport, importer.ImportReport | None]:
        """``labelstudio pull`` as the CLI runs it: the project, then the review project if recorded."""
        project, knowledge = self.project, self.knowledge
        url, key = self.server.url, self.server.api_key
        pulled = client.pull(project, self.documents.values(), knowledge, url, key).imported
        review_id = project.settings.labelstudio.review_project_id
        decided = None
        if review_id is not None:
            decided = review.pull_review(
                url,
                key,
                review_id,
                self.documents.values(),
                project.annotations_dir,
                knowledge.topic_ids,
                dataset=project.settings.name,
            )
        return pulled, decided

    def stored(self) -> dict[str, annotations.AnnotatedDocument]:
        return annotations.read_documents(self.root / "annotations", self.knowledge.topic_ids)

    def prediction(self, document_id: str) -> list[dict[str, Any]]:
        return tasks.prediction_result(self.documents[document_id])

    def annotate(self, who: str, document_id: str, result: list[dict[str, Any]]) -> int:
        created = self.people[who].annotations.create(
            id=self.task_ids[document_id], result=result, lead_time=12.5
        )
        return created.id


def _first(result: list[dict[str, Any]], label: str | None = None) -> dict[str, Any]:
    return next(
        r for r in result if r["from_name"] == config.ENTITIES and label in (None, r["value"]["labels"][0])
    )


@pytest.fixture(scope="module")
def lab(label_studio: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:  # noqa: F811
    project = init_project(tmp_path_factory.mktemp("review") / "review-live")
    shutil.copytree(REPO / "seeds", project.seeds_dir, dirs_exist_ok=True)
    kept_out = shutil.ignore_patterns(annotations.DOCUMENTS_DIR, annotations.EXPORTS_DIR)
    shutil.copytree(REPO / "annotations", project.annotations_dir, ignore=kept_out, dirs_exist_ok=True)
    project = project.record_labelstudio(reviewers=[REVIEWER])
    url, key = label_studio.url, label_studio.api_key
    knowledge = Knowledge.load(project.annotations_dir)
    documents = {d.id: d for d in pipeline.silver_documents(project.seeds_dir, knowledge)}
    pushed = client.push(project, documents.values(), knowledge, url, key)
    admin = LabelStudio(base_url=url, api_key=key)
    keys = client.project_task_keys(admin, pushed.project_id)
    task_ids = {d: keys[tasks.task_key(d, annotations.text_sha256(doc.text))] for d, doc in documents.items()}
    people = {
        who: LabelStudio(base_url=url, api_key=sign_up(label_studio, who, "review-me-1"))
        for who in (A, B, REVIEWER)
    }
    yield Lab(label_studio, project.root, admin, people, pushed.project_id, task_ids, documents)


@pytest.fixture(scope="module")
def first_round(lab: Lab) -> dict[str, Any]:
    """Both annotators work on ONLY_A, LOC_ORG, SAME; A on CANCELLED, B on DELETED; then a pull."""
    ids = {}
    only_a = lab.prediction(ONLY_A)
    ids[A, ONLY_A] = lab.annotate(A, ONLY_A, only_a)
    ids[B, ONLY_A] = lab.annotate(B, ONLY_A, [r for r in only_a if r is not _first(only_a)])
    loc = lab.prediction(LOC_ORG)
    org = copy.deepcopy(loc)
    _first(org, "LOC")["value"]["labels"] = ["ORG"]
    ids[A, LOC_ORG], ids[B, LOC_ORG] = lab.annotate(A, LOC_ORG, loc), lab.annotate(B, LOC_ORG, org)
    for who in (A, B):
        ids[who, SAME] = lab.annotate(who, SAME, lab.prediction(SAME))
    ids[A, CANCELLED] = lab.annotate(A, CANCELLED, lab.prediction(CANCELLED))
    ids[B, DELETED] = lab.annotate(B, DELETED, lab.prediction(DELETED))
    pulled, _ = lab.pull()
    return {"ids": ids, "pull": pulled, "spans": (only_a, loc)}


def _rows(lab: Lab, out: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    result = build(lab.project, out_dir=out, progress=False)
    rows = {}
    for path in sorted(out.glob(schema.data_glob("documents"))):
        rows |= {r["id"]: r for r in pq.read_table(path).to_pylist()}
    return result.summary(), rows


def _spans(row: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    return sorted((e["start"], e["end"], e["text"], e["label"]) for e in row["entities"])


def test_identical_independent_annotations_agree_fully(lab: Lab, first_round: dict[str, Any]) -> None:
    stored = lab.stored()
    texts = {d: doc.text for d, doc in lab.documents.items()}
    report = compute_agreement({SAME: stored[SAME]}, lab.knowledge.topic_ids, texts)
    assert report.documents_compared == 1 and report.annotator_pairs == 1
    assert report.entities_exact["micro"] == 1.0 and report.entities_token_alpha == 1.0
    assert annotations.adjudicate(stored[SAME], lab.knowledge.topic_ids).rule == "unanimous"
    everything = compute_agreement(stored, lab.knowledge.topic_ids, texts)
    assert everything.documents_compared == 3  # nobody left out as a copier
    assert set(everything.disagreements) == {ONLY_A, LOC_ORG}


def test_disputes_are_kept_out_of_gold_visibly_and_nothing_is_lost(
    lab: Lab, first_round: dict[str, Any], tmp_path: Path
) -> None:
    stored = lab.stored()
    only_a, loc = first_round["spans"]
    first = _first(only_a)["value"]
    gold = annotations.adjudicate(stored[ONLY_A], lab.knowledge.topic_ids)
    assert gold.rule == "disputed"
    assert f"entity {first['start']}:{first['end']} {first['labels'][0]} {first['text']!r}: only {A}" in (
        gold.disagreements
    )
    cairo = _first(loc, "LOC")["value"]
    gold = annotations.adjudicate(stored[LOC_ORG], lab.knowledge.topic_ids)
    assert gold.rule == "disputed" and gold.disagreements == (
        f"entity {cairo['start']}:{cairo['end']} LOC {cairo['text']!r}: only {A}",
        f"entity {cairo['start']}:{cairo['end']} ORG {cairo['text']!r}: only {B}",
    )
    summary, rows = _rows(lab, tmp_path / "dist")
    for document_id in (ONLY_A, LOC_ORG):
        silver = lab.documents[document_id]
        assert rows[document_id]["annotation_status"] == "disputed"
        assert _spans(rows[document_id]) == sorted((s.start, s.end, s.text, s.label) for s in silver.entities)
    assert rows[SAME]["annotation_status"] == "gold"
    assert "2 disputed documents (annotators disagree) kept silver" in summary


def test_the_reviewers_decision_lands_in_gold(lab: Lab, first_round: dict[str, Any], tmp_path: Path) -> None:
    before = (lab.root / "dataset.toml").read_text(encoding="utf-8")
    pushed = review.push_review(
        lab.server.url,
        lab.server.api_key,
        lab.project,
        lab.documents.values(),
        lab.root / "annotations",
        lab.knowledge.taxonomy,
    )
    assert pushed.created and sorted(pushed.uploaded) == sorted([ONLY_A, LOC_ORG])
    review_id = lab.project.settings.labelstudio.review_project_id
    assert review_id == pushed.project_id
    after = (lab.root / "dataset.toml").read_text(encoding="utf-8")
    assert after.replace(f"review_project_id = {review_id}\n", "") == before  # one key added, nothing else
    assert lab.admin.projects.get(review_id).title == review.review_title(lab.project.settings.pretty_name)
    again = review.push_review(
        lab.server.url,
        lab.server.api_key,
        lab.project,
        lab.documents.values(),
        lab.root / "annotations",
        lab.knowledge.taxonomy,
    )
    assert not again.created and again.uploaded == () and again.already_present == 2

    review_tasks = {t.data["document_id"]: t for t in lab.admin.tasks.list(project=review_id)}
    assert sorted(review_tasks) == sorted([ONLY_A, LOC_ORG])
    versions = {p.model_version: p.result for p in lab.admin.predictions.list(task=review_tasks[ONLY_A].id)}
    assert sorted(versions) == [A, B]
    assert "only " + A in review_tasks[ONLY_A].data[review.DISAGREEMENTS]
    # the reviewer keeps A's span on ONLY_A and B's ORG on LOC_ORG
    lab.people[REVIEWER].annotations.create(id=review_tasks[ONLY_A].id, result=versions[A], lead_time=5.0)
    org_versions = {
        p.model_version: p.result for p in lab.admin.predictions.list(task=review_tasks[LOC_ORG].id)
    }
    lab.people[REVIEWER].annotations.create(
        id=review_tasks[LOC_ORG].id, result=org_versions[B], lead_time=5.0
    )

    _, decided = lab.pull()
    assert decided is not None and decided.annotations == 2
    stored = lab.stored()
    for document_id in (ONLY_A, LOC_ORG):
        decision = [a for a in stored[document_id].annotations if a.review]
        assert [a.annotator for a in decision] == [REVIEWER]
        assert annotations.adjudicate(stored[document_id], lab.knowledge.topic_ids).rule == "review"
    _, rows = _rows(lab, tmp_path / "dist")
    only_a, loc = first_round["spans"]
    first = _first(only_a)["value"]
    assert rows[ONLY_A]["annotation_status"] == "gold"
    assert (first["start"], first["end"], first["text"], first["labels"][0]) in _spans(rows[ONLY_A])
    cairo = _first(loc, "LOC")["value"]
    assert rows[LOC_ORG]["annotation_status"] == "gold"
    assert (cairo["start"], cairo["end"], cairo["text"], "ORG") in _spans(rows[LOC_ORG])
    assert all(r["text"][e["start"] : e["end"]] == e["text"] for r in rows.values() for e in r["entities"])


def test_a_cancelled_and_a_deleted_annotation_are_withdrawn(lab: Lab, first_round: dict[str, Any]) -> None:
    ids = first_round["ids"]
    assert {a.annotator for a in lab.stored()[CANCELLED].annotations} == {A}
    lab.admin.annotations.update(id=ids[A, CANCELLED], was_cancelled=True)
    lab.admin.annotations.delete(id=ids[B, DELETED])
    pulled, _ = lab.pull()
    assert sorted(w.split(":")[0] for w in pulled.withdrawn) == sorted([CANCELLED, DELETED])
    assert "2 stored annotations withdrawn (cancelled or deleted in Label Studio)" in pulled.summary()
    stored = lab.stored()
    assert stored[CANCELLED].annotations == () and stored[DELETED].annotations == ()
    assert {a.annotator for a in stored[SAME].annotations} == {A, B}  # the rest is untouched


def test_a_reviewers_correction_of_a_ground_truth_is_accepted_and_other_tasks_still_import(
    lab: Lab, first_round: dict[str, Any]
) -> None:
    """Before: the corrected ground truth was a conflict that blocked every task of the pull."""
    target = "000_7b0c189a82ed960c-ar"
    prediction = lab.prediction(target)
    annotation_id = lab.annotate(A, target, prediction)
    lab.admin.annotations.update(id=annotation_id, ground_truth=True)
    lab.pull()
    corrected = [r for r in prediction if r is not _first(prediction)]
    lab.admin.annotations.update(id=annotation_id, result=corrected)
    lab.annotate(B, CANCELLED, lab.prediction(CANCELLED))  # another task's new annotation, same pull
    pulled, _ = lab.pull()
    assert pulled.corrected_ground_truths == 1
    stored = lab.stored()
    (truth,) = stored[target].annotations
    assert truth.ground_truth and len(truth.entities) == len(lab.documents[target].entities) - 1
    assert {a.annotator for a in stored[CANCELLED].annotations} == {B}


def test_a_listed_reviewers_annotation_in_the_main_project_decides(
    lab: Lab, first_round: dict[str, Any]
) -> None:
    prediction = lab.prediction(SAME)
    lab.annotate(REVIEWER, SAME, [r for r in prediction if r is not _first(prediction)])
    lab.pull()
    stored: tuple[Annotation, ...] = lab.stored()[SAME].annotations
    assert [a.annotator for a in stored if a.review] == [REVIEWER]
    gold = annotations.adjudicate(lab.stored()[SAME], lab.knowledge.topic_ids)
    assert gold.rule == "review" and len(gold.entities) == len(lab.documents[SAME].entities) - 1


def test_the_cli_review_command(
    lab: Lab, first_round: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", lab.server.api_key)
    code = cli.main(["labelstudio", "review", "-C", str(lab.root), "--url", lab.server.url])
    out = capsys.readouterr().out
    assert code == 0 and "review project (id" in out


def test_only_a_copy_label_studio_records_is_left_out_of_agreement(
    lab: Lab, first_round: dict[str, Any]
) -> None:
    """B creates an annotation from A's (``parent_annotation``), as the editor's copy does: not a judgement."""
    original = lab.annotate(A, DELETED, lab.prediction(DELETED))
    lab.people[B].annotations.create(
        id=lab.task_ids[DELETED], result=lab.prediction(DELETED), lead_time=1.0, parent_annotation=original
    )
    lab.pull()
    stored = lab.stored()[DELETED]
    copy_of = {a.annotator: a.parent_annotation for a in stored.annotations}
    assert copy_of == {A: None, B: original}
    report = compute_agreement({DELETED: stored}, lab.knowledge.topic_ids)
    assert report.documents_compared == 0 and len(report.copies[DELETED]) == 1
