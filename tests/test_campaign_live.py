"""Campaigns on a real Label Studio server: one project per dataset, campaign settings, a server that
follows edited and removed seeds, campaign status, and ``labelstudio serve``.

Every test works in dataset projects of its own (made by ``init``, with copies of this repository's
seeds and knowledge), so the repository is never touched; annotators sign up as people do.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from label_studio_sdk import LabelStudio

from dataset_builder import annotations, cli
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import config, tasks
from dataset_builder.labelstudio.campaign import next_batch, status
from dataset_builder.labelstudio.client import project_task_keys
from dataset_builder.project import Project
from tests.support.labelstudio import (  # noqa: F401  (label_studio: session fixture)
    LocalServer,
    free_port,
    label_studio,
    label_studio_executable,
    sign_up,
)
from tests.test_labelstudio_live import copy_corpus, documents_of, pull_dir, push_dir

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


def new_project(base: Path, name: str, seeds: int | None = None, **labelstudio: Any) -> Path:
    """A dataset project ``name`` holding the first ``seeds`` seed files (all by default); returns its
    annotations folder. ``labelstudio`` keys go into its ``[labelstudio]`` table."""
    seeds_dir, ann_dir = copy_corpus(base, name)
    for extra in sorted(seeds_dir.glob("*.txt"))[seeds:] if seeds is not None else []:
        extra.unlink()
    if labelstudio:
        Project.load(ann_dir.parent).record_labelstudio(**labelstudio)
    return ann_dir


def annotator(server: LocalServer, email: str) -> LabelStudio:
    return LabelStudio(base_url=server.url, api_key=sign_up(server, email, "annotate-me-1"))


def task_of(admin: LabelStudio, project_id: int, ann_dir: Path, document_id: str) -> int:
    doc = next(d for d in documents_of(ann_dir) if d.id == document_id)
    return project_task_keys(admin, project_id)[tasks.task_key(doc.id, annotations.text_sha256(doc.text))]


def entities_of(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in result if r["from_name"] == config.ENTITIES]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- case 1: one Label Studio project per dataset project --------------------------------------------


def test_two_dataset_projects_on_one_server_stay_apart_and_both_pull(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, key = label_studio.url, label_studio.api_key
    news = new_project(tmp_path, "Apart News", seeds=3)
    other = new_project(tmp_path, "Apart Other", seeds=1)
    first, second = push_dir(url, key, news), push_dir(url, key, other)
    assert first.created and second.created and first.project_id != second.project_id
    assert (first.project, second.project) == ("Apart News", "Apart Other")
    assert first.stale == second.stale == () and first.removed_kept == second.removed_kept == ()
    for ann_dir, report in ((news, first), (other, second)):
        recorded = Project.load(ann_dir.parent).settings.labelstudio
        assert (recorded.url, recorded.project_id) == (url, report.project_id)
        assert sorted(report.uploaded) == sorted(d.id for d in documents_of(ann_dir))
        assert "recorded url and project_id" in report.summary()
    again = push_dir(url, key, news)  # later pushes use exactly the recorded project
    assert again.project_id == first.project_id and again.uploaded == () and again.stale == ()
    assert not again.recorded

    admin = LabelStudio(base_url=url, api_key=key)
    for ann_dir, report in ((news, first), (other, second)):
        data = [t.data for t in admin.tasks.list(project=report.project_id, fields="task_only")]
        assert {d[tasks.DATASET_KEY] for d in data} == {Project.load(ann_dir.parent).settings.name}
    person = annotator(label_studio, "apart-1@example.org")
    for ann_dir, report in ((news, first), (other, second)):
        document_id = report.uploaded[0]
        task_id = task_of(admin, report.project_id, ann_dir, document_id)
        (prediction,) = admin.predictions.list(task=task_id)
        person.annotations.create(id=task_id, result=prediction.result, lead_time=3.0)
    pulled = {ann_dir: pull_dir(url, key, ann_dir).imported for ann_dir in (news, other)}
    assert pulled[news].written == (first.uploaded[0],) and pulled[other].written == (second.uploaded[0],)

    # binding one dataset project to the other's Label Studio project is refused, in one line
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    before = (other.parent / "dataset.toml").read_bytes()
    for command in ("push", "pull"):
        code, out, err = run_cli(
            capsys, "labelstudio", command, "-C", str(other.parent), "--project-id", str(first.project_id)
        )
        assert code == 2 and out == "" and err.count("\n") == 1
        assert "tasks of the dataset 'apart-news'" in err and "not of 'apart-other'" in err
    assert (other.parent / "dataset.toml").read_bytes() == before
    assert len(list(admin.tasks.list(project=first.project_id, fields="task_only"))) == len(first.uploaded)


def test_a_project_of_the_same_title_is_never_adopted_silently(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, key = label_studio.url, label_studio.api_key
    ann_dir = new_project(tmp_path, "Taken Title", seeds=1)
    admin = LabelStudio(base_url=url, api_key=key)
    theirs = admin.projects.create(title="Taken Title", label_config="<View></View>")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    code, out, err = run_cli(capsys, "labelstudio", "push", "-C", str(ann_dir.parent), "--url", url)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"titled 'Taken Title' (id {theirs.id})" in err and f"--project-id {theirs.id}" in err
    assert Project.load(ann_dir.parent).settings.labelstudio.project_id is None
    assert list(admin.tasks.list(project=theirs.id)) == []
    # binding it explicitly is the way to use it
    report = push_dir(url, key, ann_dir, project_id=theirs.id)
    assert report.project_id == theirs.id and report.config_updated and report.recorded
    assert Project.load(ann_dir.parent).settings.labelstudio.project_id == theirs.id


# --- case 7: campaign settings ------------------------------------------------------------------------


def test_campaign_settings_are_set_on_the_server_at_push(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    url, key = label_studio.url, label_studio.api_key
    ann_dir = new_project(
        tmp_path, "Blind Pass", seeds=2, annotators_per_task=2, overlap_percent=50, show_predictions=False
    )
    report = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    project = admin.projects.get(report.project_id)
    assert (project.maximum_annotations, project.overlap_cohort_percentage) == (2, 50)
    assert project.show_collab_predictions is False and project.show_instruction is True
    guidelines = (ann_dir / "GUIDELINES.md").read_text(encoding="utf-8")
    heading = next(line for line in guidelines.splitlines() if line.strip())
    assert heading.lstrip("# ") in (project.expert_instruction or "")
    task_ids = [t.id for t in admin.tasks.list(project=report.project_id, fields="task_only")]
    assert task_ids and all(admin.predictions.list(task=t) == [] for t in task_ids)
    summary = report.summary()
    assert "2 annotators per task on 50% of tasks" in summary and "blind pass" in summary
    assert "GUIDELINES.md" in summary

    # the second pass shows the pre-annotations again: every task gets its prediction
    Project.load(ann_dir.parent).record_labelstudio(show_predictions=True, annotators_per_task=1)
    shown = push_dir(url, key, ann_dir)
    project = admin.projects.get(report.project_id)
    assert project.show_collab_predictions is True and project.maximum_annotations == 1
    assert shown.predictions_added == len(task_ids)
    assert all(len(admin.predictions.list(task=t)) == 1 for t in task_ids)
    # and a blind pass again removes them
    Project.load(ann_dir.parent).record_labelstudio(show_predictions=False)
    blind = push_dir(url, key, ann_dir)
    assert blind.predictions_removed == len(task_ids)
    assert all(admin.predictions.list(task=t) == [] for t in task_ids)


# --- case 6: the server follows the project ----------------------------------------------------------


PREFIX = "خبر عاجل.\n"
"""Put before an Arabic document's text: every span of it moves by this many characters."""


def edit_seed(seeds: Path, document_id: str, old: str, new: str) -> None:
    """Replace the first ``old`` by ``new`` in the seed file holding ``document_id``'s text."""
    path = seeds / f"{document_id.rsplit('-', 1)[0]}.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_seed_updates_its_task_in_place_with_its_annotations_carried_over(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    url, key = label_studio.url, label_studio.api_key
    ann_dir = new_project(tmp_path, "Edited Seeds", seeds=1)
    seeds = ann_dir.parent / "seeds"
    first = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    before = {d.id: d for d in documents_of(ann_dir)}
    doc = next(d for d in before.values() if d.language == "ar" and len(d.entities) >= 2)
    task_id = task_of(admin, first.project_id, ann_dir, doc.id)
    (prediction,) = admin.predictions.list(task=task_id)
    for email in ("edited-1@example.org", "edited-2@example.org"):
        annotator(label_studio, email).annotations.create(id=task_id, result=prediction.result, lead_time=5.0)
    assert pull_dir(url, key, ann_dir).imported.written == (doc.id,)

    first_line = doc.text.split("\n", 1)[0]
    edit_seed(seeds, doc.id, first_line, PREFIX + first_line)
    after = {d.id: d for d in documents_of(ann_dir)}[doc.id]
    assert after.text == PREFIX + doc.text  # the edit, as the pipeline cuts the document
    report = push_dir(url, key, ann_dir)
    assert report.updated == (doc.id,) and report.uploaded == () and report.stale == ()
    assert report.not_updated == ()
    ids = project_task_keys(admin, first.project_id)
    assert ids[tasks.task_key(doc.id, annotations.text_sha256(after.text))] == task_id  # same task
    task = admin.tasks.get(str(task_id))
    assert task.data["text"] == after.text and task.data["text_sha256"] == annotations.text_sha256(after.text)
    (new_prediction,) = admin.predictions.list(task=task_id)
    assert new_prediction.result == tasks.prediction_result(after)
    shift = len(PREFIX)
    server_annotations = admin.annotations.list(id=task_id)
    assert len(server_annotations) == 2
    for ann in server_annotations:
        spans = entities_of(ann.result)
        assert spans and all(
            after.text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in spans
        )
        assert sorted((r["value"]["start"] - shift, r["value"]["end"] - shift) for r in spans) == sorted(
            (r["value"]["start"], r["value"]["end"]) for r in entities_of(prediction.result)
        )
    moved = [(m.annotation_id, m.old, m.new) for m in report.moved]
    assert len(moved) == len(set(moved)) == 2 * len(entities_of(prediction.result))  # each span once
    assert all(new == (old[0] + shift, old[1] + shift) for _, old, new in moved)
    assert report.summary().count(f"annotation {server_annotations[0].id}:") == len(
        entities_of(prediction.result)
    )

    pulled = pull_dir(url, key, ann_dir).imported
    stored = annotations.read_documents(ann_dir, Knowledge.load(ann_dir).topic_ids)[doc.id]
    assert stored.text_sha256 == annotations.text_sha256(after.text)
    for ann in stored.annotations:
        assert ann.entities and all(after.text[s.start : s.end] == s.text for s in ann.entities)
    spans_moved = [(m.annotation, m.old, m.new) for m in pulled.moved]
    assert len(spans_moved) == len(set(spans_moved)), "a moved span is listed twice"
    assert push_dir(url, key, ann_dir).updated == ()  # the server follows: nothing left to do


def test_a_span_that_cannot_be_placed_exactly_keeps_the_task_on_its_old_text(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    url, key = label_studio.url, label_studio.api_key
    ann_dir = new_project(tmp_path, "Unplaceable", seeds=1)
    seeds = ann_dir.parent / "seeds"
    first = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    doc = next(d for d in documents_of(ann_dir) if d.language == "ar" and d.entities)
    task_id = task_of(admin, first.project_id, ann_dir, doc.id)
    (prediction,) = admin.predictions.list(task=task_id)
    person = annotator(label_studio, "unplaceable-1@example.org")
    ann = person.annotations.create(id=task_id, result=prediction.result, lead_time=5.0)
    span = max(doc.entities, key=lambda s: len(s.text))
    context = doc.text[max(0, span.start - 8) : span.end]
    assert doc.text.count(context) == 1
    edit_seed(seeds, doc.id, context, context[: -len(span.text)] + span.text[:-1] + "ـ" + span.text[-1])
    report = push_dir(url, key, ann_dir)
    assert report.updated == () and report.stale == ()
    (problem,) = report.not_updated
    assert f"task {task_id}, annotation {ann.id}, region" in problem and repr(span.text) in problem
    assert "keeps its old text" in problem
    assert admin.tasks.get(str(task_id)).data["text"] == doc.text
    assert admin.annotations.get(ann.id).result == ann.result  # nothing moved on a guess


def test_a_removed_seed_is_reported_and_the_rest_still_pulls(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    url, key = label_studio.url, label_studio.api_key
    ann_dir = new_project(tmp_path, "Removed Seeds", seeds=3)
    seeds = ann_dir.parent / "seeds"
    first = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    documents = documents_of(ann_dir)
    files = sorted(seeds.glob("*.txt"))
    kept_doc = next(d for d in documents if d.seed_file == files[0].name)
    annotated = next(d for d in documents if d.seed_file == files[1].name)
    unworked = [d.id for d in documents if d.seed_file == files[2].name]
    person = annotator(label_studio, "removed-1@example.org")
    for doc in (kept_doc, annotated):
        task_id = task_of(admin, first.project_id, ann_dir, doc.id)
        (prediction,) = admin.predictions.list(task=task_id)
        person.annotations.create(id=task_id, result=prediction.result, lead_time=2.0)
    annotated_task = task_of(admin, first.project_id, ann_dir, annotated.id)
    files[1].unlink()
    files[2].unlink()
    report = push_dir(url, key, ann_dir)
    assert sorted(d.split(" ")[0] for d in report.removed_deleted) == sorted(unworked)
    assert f"{annotated.id} (task {annotated_task})" in report.removed_kept
    assert "deleted" in report.summary() and "were kept" in report.summary()
    left = {t.data["document_id"] for t in admin.tasks.list(project=first.project_id, fields="task_only")}
    assert not left & set(unworked) and annotated.id in left

    pulled = pull_dir(url, key, ann_dir)
    assert pulled.imported.written == (kept_doc.id,)
    assert pulled.removed == (f"{annotated.id} (task {annotated_task})",)
    assert annotated.id in pulled.summary()
    assert not (ann_dir / "documents" / f"{annotated.id}.json").exists()


# --- the next batch ------------------------------------------------------------------------------------


def test_push_select_uploads_the_documents_next_ranks_first(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ann_dir = new_project(tmp_path, "Selected Batch", seeds=3)
    project = Project.load(ann_dir.parent)
    documents = documents_of(ann_dir)
    ranked = next_batch(project, documents, ann_dir, Knowledge.load(ann_dir), 2)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.api_key)
    code, out, err = run_cli(
        capsys, "labelstudio", "push", "-C", str(project.root), "--url", label_studio.url, "--select", "2"
    )
    assert code == 0 and not err, err
    assert "uploaded 2 new tasks" in out and f"{len(documents) - 2} documents not selected" in out
    admin = LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    project_id = Project.load(project.root).settings.labelstudio.project_id
    assert project_id is not None
    pushed = {t.data["document_id"] for t in admin.tasks.list(project=project_id, fields="task_only")}
    assert pushed == {c.document_id for c in ranked}


# --- case 7: status -----------------------------------------------------------------------------------


def test_status_counts_each_annotators_work_and_the_tasks_by_annotations(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, key = label_studio.url, label_studio.api_key
    ann_dir = new_project(tmp_path, "Status Check", seeds=3, annotators_per_task=2)
    first = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    ids = sorted(project_task_keys(admin, first.project_id).values())
    assert len(ids) >= 4
    one, two = "status-1@example.org", "status-2@example.org"
    key_2 = sign_up(label_studio, two, "annotate-me-1")
    person_1, person_2 = annotator(label_studio, one), LabelStudio(base_url=url, api_key=key_2)
    person_1.annotations.create(id=ids[0], result=[], lead_time=1.0)
    person_2.annotations.create(id=ids[0], result=[], lead_time=1.0)
    person_1.annotations.create(id=ids[1], result=[], lead_time=1.0)
    person_2.annotations.create(id=ids[1], result=[], lead_time=1.0, was_cancelled=True)
    draft = httpx.post(
        f"{url}/api/tasks/{ids[2]}/drafts",
        json={"result": [], "lead_time": 1.0},
        headers={"Authorization": f"Token {key_2}"},
        timeout=60,
    )
    assert draft.status_code in (200, 201), draft.text
    # a document the two annotators disagree on: disputed once pulled, until a reviewer decides
    (prediction,) = admin.predictions.list(task=ids[3])
    assert entities_of(prediction.result), "the disputed document needs a predicted entity"
    person_1.annotations.create(id=ids[3], result=prediction.result, lead_time=1.0)
    person_2.annotations.create(id=ids[3], result=entities_of(prediction.result)[1:], lead_time=1.0)
    pull_dir(url, key, ann_dir)
    knowledge = Knowledge.load(ann_dir)
    state = status(Project.load(ann_dir.parent), documents_of(ann_dir), knowledge, url, key)
    assert state.annotated == {"0": len(ids) - 3, "1": 1, "2+": 2}
    assert (state.annotators[one].done, state.annotators[one].skipped, state.annotators[one].in_progress) == (
        3,
        0,
        0,
    )
    assert (state.annotators[two].done, state.annotators[two].skipped, state.annotators[two].in_progress) == (
        2,
        1,
        1,
    )
    assert state.disputed == 1 and state.reviewed == 0
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    code, out, err = run_cli(capsys, "labelstudio", "status", "-C", str(ann_dir.parent))
    assert code == 0 and not err
    assert f"Label Studio project {first.project_id} at {url}" in out and one in out and two in out
    assert "2 annotators per task" in out


# --- the server for wheel users ---------------------------------------------------------------------


def test_serve_runs_label_studio_on_loopback_and_says_how_to_get_the_key(tmp_path: Path) -> None:
    venv = label_studio_executable().parent.parent
    if not (venv / "bin" / "label-studio").exists():
        pytest.skip(f"{venv} has no label-studio")
    port = free_port()
    data_dir = tmp_path / "state"
    command = [sys.executable, "-m", "dataset_builder.cli", "labelstudio", "serve"]
    command += ["--venv", str(venv), "--data-dir", str(data_dir), "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ}
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text(errors="replace")[-2000:]
            try:
                if httpx.get(f"{url}/health", timeout=5).json().get("status") == "UP":
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1)
        else:
            raise AssertionError(f"{url} never answered: {log.read_text(errors='replace')[-2000:]}")
        printed = log.read_text(errors="replace")
        assert f"at {url}" in printed and "Personal Access Token" in printed
        assert "LABEL_STUDIO_API_KEY" in printed and "installing" not in printed
        assert (data_dir / "label_studio.sqlite3").exists()  # all its state in that one folder
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    shutil.rmtree(data_dir, ignore_errors=True)
