"""The Label Studio round trip against a real server: push, annotate as two people, pull, build, agree.

Works on temp copies of ``seeds/`` and ``annotations/`` (without its imported documents), so the
repository's annotations are never touched.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT as REPO_PROJECT
from conftest import TAXONOMY
from label_studio_sdk import LabelStudio

from dataset_builder import annotations, cli, pipeline, schema
from dataset_builder.agreement import agreement_report
from dataset_builder.build import build
from dataset_builder.documents import Document
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import config, importer, tasks
from dataset_builder.labelstudio.client import (
    RELATIVE_TIME,
    LabelStudioError,
    PullReport,
    PushReport,
    project_task_keys,
    pull,
    push,
    scrub,
    server_errors,
)
from dataset_builder.project import Project, init_project
from tests.support.labelstudio import (  # noqa: F401  (label_studio: session fixture)
    LocalServer,
    free_port,
    label_studio,
    local_server,
    login,
    sign_up,
)

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DOC = "000_7b0c189a82ed960c-ar"
ANNOTATOR_1, ANNOTATOR_2 = "annotator1@example.org", "annotator2@example.org"
REMOVED = ("لأهالي غزة", "غزة")
"""(context, entity): annotator 1 removes the predicted entity ``غزة`` in ``لأهالي غزة``."""
ADDED = ("الحرب على القطاع", "القطاع", "LOC")
"""(context, entity, label): annotator 1 adds ``القطاع`` in ``الحرب على القطاع``, which was not predicted."""
DATE, EVIDENCE = "2024-06-10", "اليوم"
DROPPED_TOPIC, ADDED_TOPIC = "humanitarian_aid", "armed_conflict"


def copy_corpus(base: Path, name: str | None = None) -> tuple[Path, Path]:
    """A new dataset project (as ``init`` makes it, named after ``base``) holding copies of this
    repository's seeds and knowledge files (no imported annotations); returns its seeds and annotations."""
    project = init_project(base / (name or base.name))
    seeds = shutil.copytree(ROOT / "seeds", project.seeds_dir, dirs_exist_ok=True)
    kept_out = shutil.ignore_patterns(annotations.DOCUMENTS_DIR, annotations.EXPORTS_DIR)
    return seeds, shutil.copytree(
        ROOT / "annotations", project.annotations_dir, ignore=kept_out, dirs_exist_ok=True
    )


def documents_of(ann_dir: Path) -> list[Document]:
    return list(pipeline.silver_documents(ann_dir.parent / "seeds", Knowledge.load(ann_dir)))


def push_dir(url: str, key: str, ann_dir: Path, **options: Any) -> PushReport:
    """``labelstudio push`` in the dataset project holding ``ann_dir``, as the CLI calls it."""
    knowledge = Knowledge.load(ann_dir)
    return push(Project.load(ann_dir.parent), documents_of(ann_dir), knowledge, url, key, **options)


def pull_dir(url: str, key: str, ann_dir: Path, **options: Any) -> PullReport:
    """``labelstudio pull`` in the dataset project holding ``ann_dir``, as the CLI calls it."""
    knowledge = Knowledge.load(ann_dir)
    return pull(Project.load(ann_dir.parent), documents_of(ann_dir), knowledge, url, key, **options)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def span_at(text: str, context: str, surface: str) -> tuple[int, int]:
    """Offsets of ``surface`` inside the first ``context`` of ``text`` (never hard-coded)."""
    start = text.index(context) + context.index(surface)
    return start, start + len(surface)


def region(from_name: str, kind: str, value: dict[str, Any], region_id: str) -> dict[str, Any]:
    """A result region as the editor saves it for a control of the generated config."""
    return {
        "id": region_id,
        "from_name": from_name,
        "to_name": config.TEXT,
        "type": kind,
        "origin": "manual",
        "value": value,
    }


def corrected(prediction: list[dict[str, Any]], doc: Document, topics: list[str]) -> list[dict[str, Any]]:
    """Annotator 1's work on the prediction: one entity removed, one added, topics changed, a date set."""
    removed = span_at(doc.text, *REMOVED)
    result = [
        r
        for r in prediction
        if r["from_name"] not in (config.TOPICS, config.DATE, config.DATE_EVIDENCE)
        and not (r["from_name"] == config.ENTITIES and (r["value"]["start"], r["value"]["end"]) == removed)
    ]
    assert len(result) == len(prediction) - 2, "the prediction should hold the entity to remove and topics"
    start, end = span_at(doc.text, *ADDED[:2])
    result.append(
        region(
            config.ENTITIES,
            "labels",
            {"start": start, "end": end, "text": ADDED[1], "labels": [ADDED[2]]},
            "a1",
        )
    )
    result.append(region(config.TOPICS, "choices", {"choices": topics}, "t1"))
    result.append(region(config.DATE, "datetime", {"datetime": DATE}, "d1"))
    result.append(region(config.DATE_EVIDENCE, "textarea", {"text": [EVIDENCE]}, "e1"))
    return result


@dataclass
class Campaign:
    server: LocalServer
    seeds: Path
    annotations: Path
    documents: dict[str, Document]
    first_push: PushReport
    second_push: PushReport
    pull: importer.ImportReport
    prediction: list[dict[str, Any]]
    topics_1: list[str]


@pytest.fixture(scope="module")
def campaign(label_studio: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Campaign:  # noqa: F811
    """Push twice, let two annotators correct the Arabic prediction through the API, pull once."""
    seeds, ann_dir = copy_corpus(tmp_path_factory.mktemp("campaign"))
    url, key = label_studio.url, label_studio.api_key
    first = push_dir(url, key, ann_dir)
    second = push_dir(url, key, ann_dir)
    documents = {d.id: d for d in pipeline.silver_documents(seeds, Knowledge.load(ann_dir))}
    doc = documents[DOC]

    admin = LabelStudio(base_url=url, api_key=key)
    project_id = first.project_id
    task_id = project_task_keys(admin, project_id)[tasks.task_key(DOC, annotations.text_sha256(doc.text))]
    (prediction,) = admin.predictions.list(task=task_id)
    topics_1 = [t for t in doc.topics if t != DROPPED_TOPIC] + [ADDED_TOPIC]
    for email, topics in ((ANNOTATOR_1, topics_1), (ANNOTATOR_2, [*topics_1, DROPPED_TOPIC])):
        person = LabelStudio(base_url=url, api_key=sign_up(label_studio, email, "annotate-me-1"))
        person.annotations.create(
            id=task_id, result=corrected(prediction.result, doc, topics), lead_time=42.5
        )
    report = pull_dir(url, key, ann_dir).imported
    return Campaign(
        label_studio, seeds, ann_dir, documents, first, second, report, prediction.result, topics_1
    )


def test_pushing_twice_uploads_each_document_once(campaign: Campaign) -> None:
    assert campaign.first_push.created and sorted(campaign.first_push.uploaded) == sorted(campaign.documents)
    assert not campaign.second_push.created and campaign.second_push.uploaded == ()
    assert campaign.second_push.already_present == len(campaign.documents)
    assert not campaign.second_push.config_updated and campaign.second_push.stale == ()
    admin = LabelStudio(base_url=campaign.server.url, api_key=campaign.server.api_key)
    assert len(list(admin.tasks.list(project=campaign.first_push.project_id))) == len(campaign.documents)
    project = admin.projects.get(campaign.first_push.project_id)
    assert (
        project.label_config == config.labeling_config(Knowledge.load(campaign.annotations).taxonomy).strip()
    )


def test_predictions_arrive_as_the_silver_annotations(campaign: Campaign) -> None:
    doc = campaign.documents[DOC]
    assert campaign.prediction == tasks.prediction_result(doc)


def test_pull_stores_both_annotators_with_their_emails(campaign: Campaign) -> None:
    assert (campaign.pull.tasks, campaign.pull.annotations, campaign.pull.written) == (1, 2, (DOC,))
    stored = annotations.read_documents(campaign.annotations, Knowledge.load(campaign.annotations).topic_ids)[
        DOC
    ]
    assert sorted(a.annotator for a in stored.annotations) == [ANNOTATOR_1, ANNOTATOR_2]
    assert (campaign.annotations / campaign.pull.export).is_file()


def test_annotator_changes_reach_the_built_dataset_with_exact_offsets(
    campaign: Campaign, tmp_path: Path
) -> None:
    doc = campaign.documents[DOC]
    removed, added = span_at(doc.text, *REMOVED), span_at(doc.text, *ADDED[:2])
    expected = sorted(
        [(s.start, s.end, s.text, s.label) for s in doc.entities if (s.start, s.end) != removed]
        + [(*added, ADDED[1], ADDED[2])]
    )

    def built_row(annotations_dir: Path, out: Path) -> dict[str, Any]:
        build(
            REPO_PROJECT,
            out_dir=out,
            seeds_dir=campaign.seeds,
            annotations_dir=annotations_dir,
            progress=False,
        )
        (row,) = [
            row
            for path in sorted(out.glob(schema.data_glob("documents")))
            for row in pq.read_table(path).to_pylist()
            if row["id"] == DOC
        ]
        return row

    # the two annotators disagree on a topic: the document is disputed, kept silver until a decision
    assert built_row(campaign.annotations, tmp_path / "disputed")["annotation_status"] == "disputed"
    # the reviewer's decision (annotator 1's annotation as ground truth) makes it gold
    decided = shutil.copytree(campaign.annotations, tmp_path / "decided")
    path = decided / annotations.DOCUMENTS_DIR / f"{DOC}.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    for annotation in stored["annotations"]:
        annotation["ground_truth"] = annotation["annotator"] == ANNOTATOR_1
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    row = built_row(decided, tmp_path / "dist")
    assert row["annotation_status"] == "gold"
    assert sorted((e["start"], e["end"], e["text"], e["label"]) for e in row["entities"]) == expected
    assert all(row["text"][e["start"] : e["end"]] == e["text"] for e in row["entities"])
    assert sorted(row["topics"]) == sorted(campaign.topics_1)
    assert str(row["date"]) == DATE and row["date_evidence"] == EVIDENCE


def test_the_disagreement_shows_in_the_agreement_report(campaign: Campaign) -> None:
    report = agreement_report(
        documents_of(campaign.annotations), campaign.annotations, Knowledge.load(campaign.annotations)
    )
    assert report.documents_compared == 1
    assert report.disagreements == {DOC: [f"topic {DROPPED_TOPIC}: only {ANNOTATOR_2}"]}
    assert report.entities_exact["micro"] == 1.0


def test_pulling_an_unchanged_project_again_changes_nothing(campaign: Campaign) -> None:
    before = files_of(campaign.annotations)
    report = pull_dir(campaign.server.url, campaign.server.api_key, campaign.annotations).imported
    assert report.export == campaign.pull.export and report.unchanged == (DOC,) and report.written == ()
    assert files_of(campaign.annotations) == before
    stored_export = campaign.annotations / campaign.pull.export
    again = importer.import_export(
        stored_export,
        documents_of(campaign.annotations),
        campaign.annotations,
        Knowledge.load(campaign.annotations),
    )
    assert again.unchanged == (DOC,) and files_of(campaign.annotations) == before
    # the export keeps predictions whole but not their age ("1 minute"), which made pulls a minute
    # apart store two exports of the same work
    tasks = json.loads(stored_export.read_text(encoding="utf-8"))
    predictions = [p for task in tasks for p in task["predictions"]]
    assert predictions and all("result" in p and RELATIVE_TIME not in p for p in predictions)


@pytest.mark.parametrize("what", ["nothing listening", "wrong key", "unknown project"])
def test_a_failing_pull_names_the_server_and_leaves_annotations_untouched(
    campaign: Campaign, what: str
) -> None:
    url, key, project_id = campaign.server.url, campaign.server.api_key, None
    if what == "nothing listening":
        url = f"http://127.0.0.1:{free_port()}"
    elif what == "wrong key":
        key = "0" * 40
    else:
        project_id = 999_999
    before = files_of(campaign.annotations)
    with pytest.raises(LabelStudioError) as caught:
        pull_dir(url, key, campaign.annotations, project_id=project_id)
    assert url in str(caught.value) and key not in str(caught.value)
    assert files_of(campaign.annotations) == before


def test_a_task_of_a_document_the_seeds_do_not_have_is_reported_and_the_pull_goes_on(
    campaign: Campaign, tmp_path: Path
) -> None:
    """A task (not made by push) of a document the seeds do not have: named, skipped, nothing else lost.
    Before, one such task made every pull refuse the whole export."""
    url, key = campaign.server.url, campaign.server.api_key
    _, ann_dir = copy_corpus(tmp_path, "live refused export")
    project_id = push_dir(url, key, ann_dir).project_id
    admin = LabelStudio(base_url=url, api_key=key)
    imported = admin.projects.import_tasks(
        project_id,
        request=[{"data": {"text": "Orphan text.", "title": "", "document_id": "999_gone"}}],
        return_task_ids=True,
    )
    admin.annotations.create(id=imported.task_ids[0], result=[], lead_time=1.0)
    report = pull_dir(url, key, ann_dir).imported
    assert report.unknown_documents == [f"task {imported.task_ids[0]}: document '999_gone'"]
    assert "999_gone" in report.summary() and report.written == ()
    assert not (ann_dir / annotations.DOCUMENTS_DIR).exists() or not any(
        (ann_dir / annotations.DOCUMENTS_DIR).iterdir()
    )


def test_a_changed_text_updates_its_task_in_place(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    seeds, ann_dir = copy_corpus(tmp_path)
    url, key = label_studio.url, label_studio.api_key
    first = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    ids_before = project_task_keys(admin, first.project_id)
    before = {d.id: d for d in pipeline.silver_documents(seeds, Knowledge.load(ann_dir))}
    seed = sorted(seeds.glob("004_*.txt"))[0]
    seed.write_text(
        seed.read_text(encoding="utf-8").rstrip("\n") + "\nوأكد الطرفان استمرار التنسيق.\n", encoding="utf-8"
    )
    doc_id = seed.stem
    old_key = tasks.task_key(doc_id, annotations.text_sha256(before[doc_id].text))
    report = push_dir(url, key, ann_dir)
    assert report.uploaded == () and report.stale == () and report.updated == (doc_id,)
    assert report.already_present == len(before) - 1
    assert doc_id in report.summary()
    after = {d.id: d for d in documents_of(ann_dir)}
    new_key = tasks.task_key(doc_id, annotations.text_sha256(after[doc_id].text))
    ids_after = project_task_keys(admin, first.project_id)
    assert ids_after[new_key] == ids_before[old_key] and old_key not in ids_after
    assert len(ids_after) == len(ids_before)
    task = admin.tasks.get(str(ids_after[new_key]))
    assert task.data["text"] == after[doc_id].text
    (prediction,) = admin.predictions.list(task=task.id)
    assert prediction.result == tasks.prediction_result(after[doc_id])


def test_the_api_key_is_never_logged_nor_written(
    campaign: Campaign, caplog: pytest.LogCaptureFixture
) -> None:
    url, key = campaign.server.url, campaign.server.api_key
    with caplog.at_level(logging.DEBUG):
        push_dir(url, key, campaign.annotations)
        pull_dir(url, key, campaign.annotations)
    assert caplog.records, "logging at DEBUG should have captured the HTTP traffic"
    assert key not in caplog.text
    assert all(key.encode() not in data for data in files_of(campaign.annotations).values())


def test_a_personal_access_token_works_as_the_lead_would_use_it(campaign: Campaign) -> None:
    """The key a lead creates under Account & Settings > Personal Access Token (a JWT, not a legacy key)."""
    server = campaign.server
    session = login(server, server.username, server.password)
    created = session.post(
        "/api/token/", headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": f"{server.url}/"}
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    report = push_dir(server.url, token, campaign.annotations)
    assert report.uploaded == () and report.already_present == len(campaign.documents)


def test_the_cli_pulls_with_the_key_from_the_environment(
    campaign: Campaign, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", campaign.server.api_key)
    common = [
        "--seeds",
        str(campaign.seeds),
        "--annotations",
        str(campaign.annotations),
        "-C",
        str(campaign.annotations.parent),
    ]
    assert cli.main(["labelstudio", "pull", *common, "--url", campaign.server.url]) == 0
    assert f"{campaign.pull.export}: 1 tasks, 2 annotations imported" in capsys.readouterr().out
    down = f"http://127.0.0.1:{free_port()}"
    assert cli.main(["labelstudio", "pull", *common, "--url", down]) == 2
    err = capsys.readouterr().err
    assert down in err and campaign.server.api_key not in err


# --- secrets --------------------------------------------------------------------------------------


def key_forms(key: str) -> list[str]:
    """The key and every way a library could print it (raw, stripped, escaped), to search output for."""
    core = key.strip()
    return [key, core, repr(key)[1:-1], repr(key.encode())[2:-1], json.dumps(key)[1:-1], core[:16]]


def assert_hidden(key: str, *texts: str) -> None:
    for text in texts:
        for form in key_forms(key):
            assert form not in text, f"the API key (as {form!r}) leaked"


@pytest.mark.parametrize("what", ["wrong key", "right key"])
def test_a_key_with_a_trailing_crlf_never_shows_anywhere(
    campaign: Campaign,
    what: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A key read from a file keeps its line end; the HTTP library used to print the header with it."""
    core = "7f3e9a1c5b2d8e4f6a0b1c2d3e4f5a6b7c8d9e0f" if what == "wrong key" else campaign.server.api_key
    key = core + "\r\n"
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    log_size = campaign.server.log_path.stat().st_size
    common = ["--seeds", str(campaign.seeds), "--annotations", str(campaign.annotations)]
    args = [
        "labelstudio",
        "push",
        "-C",
        str(campaign.annotations.parent),
        *common,
        "--url",
        campaign.server.url,
    ]
    with caplog.at_level(logging.DEBUG):
        code = cli.main(args)
    out, err = capsys.readouterr()
    if what == "wrong key":
        assert code == 2 and campaign.server.url in err and "the API key was refused" in err
    else:
        assert code == 0 and "0 new tasks" in out and not err
    with campaign.server.log_path.open("rb") as server_log:
        server_log.seek(log_size)
        server_text = server_log.read().decode("utf-8", "replace")
    assert_hidden(key, out, err, caplog.text, server_text)
    for data in files_of(campaign.annotations).values():
        assert_hidden(key, data.decode("utf-8", "replace"))


@pytest.mark.parametrize("bad", ["\x00", "\x1b[0m", "\u00e9", " inner space", "\u200b"])
def test_a_key_with_a_character_a_header_cannot_carry_is_refused_without_showing_it(
    campaign: Campaign, bad: str
) -> None:
    key = "a1b2c3d4e5f6a7b8c9d0" + bad + "e1f2a3b4"
    with pytest.raises(LabelStudioError) as caught:
        push_dir(campaign.server.url, key, campaign.annotations)
    message = str(caught.value)
    assert "API key contains" in message and "character 21 of" in message
    assert_hidden(key, message)
    assert "a1b2c3d4" not in message and "e1f2a3b4" not in message


def test_library_errors_that_quote_the_headers_are_scrubbed(campaign: Campaign) -> None:
    """httpx itself refuses a header with a line end and quotes it (repr, escaped) in its error."""
    key = "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b\r\n"
    with pytest.raises(LabelStudioError) as caught, server_errors(campaign.server.url, key, "probing"):
        httpx.get(campaign.server.url + "/api/projects/", headers={"Authorization": f"Token {key}"})
    assert campaign.server.url in str(caught.value)
    assert_hidden(key, str(caught.value))
    quoted = f"Illegal header value b'Token {key.encode()!r}' and {key!r} and Bearer {key.strip()}x"
    assert_hidden(key, scrub(quoted, key))
    assert scrub("Authorization: Token 0123456789abcdef0123", "other") == "Authorization: Token <api key>"


def test_the_cli_help_steers_the_key_to_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["labelstudio", "push", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "process list" in help_text and "LABEL_STUDIO_API_KEY" in help_text


# --- concurrent pushes ----------------------------------------------------------------------------


def tasks_per_key(admin: LabelStudio, project_id: int) -> Counter[str]:
    return Counter(t.data["task_key"] for t in admin.tasks.list(project=project_id, page_size=1000))


def push_at_once(server: LocalServer, ann_dir: Path, n: int = 2) -> list[PushReport]:
    """``n`` pushes started together (threads released by a barrier), as two terminals would."""
    barrier = threading.Barrier(n)

    def one() -> PushReport:
        barrier.wait()
        return push_dir(server.url, server.api_key, ann_dir)

    with ThreadPoolExecutor(n) as pool:
        return [f.result() for f in [pool.submit(one) for _ in range(n)]]


@pytest.mark.parametrize("project", ["existing", "new"])
def test_two_pushes_at_once_leave_each_document_once(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
    project: str,
) -> None:
    seeds, ann_dir = copy_corpus(tmp_path, f"live concurrent {project}")
    title = Project.load(ann_dir.parent).settings.pretty_name
    admin = LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    if project == "existing":  # as a first push leaves it before its upload: no task yet
        made = admin.projects.create(
            title=title,
            label_config=config.labeling_config(Knowledge.load(ann_dir).taxonomy),
            model_version=tasks.model_version(Knowledge.load(ann_dir)),
        )
        Project.load(ann_dir.parent).record_labelstudio(url=label_studio.url, project_id=made.id)
    reports = push_at_once(label_studio, ann_dir)
    documents = {d.id: d for d in pipeline.silver_documents(seeds, Knowledge.load(ann_dir))}
    (found,) = [p for p in admin.projects.list(title=title) if p.title == title]
    assert {r.project_id for r in reports} == {found.id}
    expected = {tasks.task_key(d, annotations.text_sha256(doc.text)) for d, doc in documents.items()}
    assert tasks_per_key(admin, found.id) == Counter(expected)
    # a document is reported uploaded by at most one push (by none when the server's retry of a
    # request that failed after committing left the oldest copy, which both pushes then keep)
    claimed = [d for r in reports for d in r.uploaded]
    assert len(claimed) == len(set(claimed)) and set(claimed) <= set(documents)
    assert all(r.duplicates == {} for r in reports)
    again = push_dir(label_studio.url, label_studio.api_key, ann_dir)
    assert again.uploaded == () and again.duplicates == {} and not again.removed_duplicates


def test_a_create_retried_after_the_server_committed_it_leaves_no_copy_behind(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seen in CI: two pushes at once, and the client retried one's project create after the server
    had committed it; that push deleted its retried copy only, and the committed one stayed, held by
    no push. The creates are the server's own, in the order the race made them."""
    _, ann_dir = copy_corpus(tmp_path, "live retried create")
    title = Project.load(ann_dir.parent).settings.pretty_name
    admin = LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    projects = type(admin.projects)
    create = projects.create

    def raced_and_retried(self: Any, **kwargs: Any) -> Any:
        create(self, **kwargs)  # another push of this dataset, a moment earlier
        create(self, **kwargs)  # this push's create: committed, its response lost
        return create(self, **kwargs)  # the client's retry

    monkeypatch.setattr(projects, "create", raced_and_retried)
    report = push_dir(label_studio.url, label_studio.api_key, ann_dir)
    monkeypatch.undo()
    (found,) = [p for p in admin.projects.list(title=title) if p.title == title]
    assert report.project_id == found.id


def test_every_push_names_duplicates_already_on_the_server_and_keeps_annotated_ones(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    _, ann_dir = copy_corpus(tmp_path)
    url, key = label_studio.url, label_studio.api_key
    first = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    original = project_task_keys(admin, first.project_id)
    doc_key = sorted(original)[0]
    data = admin.tasks.get(str(original[doc_key])).data
    copy = admin.projects.import_tasks(first.project_id, request=[{"data": data}], return_task_ids=True)
    (copy_id,) = copy.task_ids
    admin.annotations.create(id=copy_id, result=[], lead_time=1.0)
    report = push_dir(url, key, ann_dir)
    assert report.duplicates == {doc_key: (original[doc_key], copy_id)}
    assert f"{doc_key} (tasks {original[doc_key]}, {copy_id})" in report.summary()
    assert tasks_per_key(admin, first.project_id)[doc_key] == 2, "push deleted a task it did not create"


def test_a_pull_from_a_fresh_server_keeps_the_leads_ground_truth(tmp_path: Path) -> None:
    """A new server restarts task and annotation ids at 1: the lead annotating task 1 there (annotation
    1, like the lead's ground truth of the seed campaign) and another annotator must add annotations,
    never replace the stored ones, and gold stays the lead's ground truth."""
    project_dir = init_project(tmp_path / "fresh").root
    shutil.copytree(ROOT / "seeds", project_dir / "seeds", dirs_exist_ok=True)
    # with the seed campaign
    ann_dir = shutil.copytree(ROOT / "annotations", project_dir / "annotations", dirs_exist_ok=True)
    before = annotations.read_documents(ann_dir, [t.id for t in TAXONOMY])
    lead = "lead@dataset-builder.local"
    leads_gold = {
        doc_id: [a.to_json() for a in doc.annotations if a.ground_truth] for doc_id, doc in before.items()
    }
    assert all(len(gt) == 1 and gt[0]["annotator"] == lead for gt in leads_gold.values())
    gold_before = annotations.gold_documents(ann_dir, [t.id for t in TAXONOMY])

    with local_server(tmp_path / "fresh-server", username=lead, startup_timeout=900) as server:
        project = push_dir(server.url, server.api_key, ann_dir)
        admin = LabelStudio(base_url=server.url, api_key=server.api_key)
        task_ids = sorted(t.id for t in admin.tasks.list(project=project.project_id, fields="task_only"))
        other = LabelStudio(base_url=server.url, api_key=sign_up(server, ANNOTATOR_2, "annotate-me-2"))
        for person, task_id in ((admin, task_ids[0]), (other, task_ids[1])):
            (prediction,) = admin.predictions.list(task=task_id)
            kept = [r for r in prediction.result if r["from_name"] != config.ENTITIES][:2]
            person.annotations.create(id=task_id, result=kept, lead_time=3.0)
        report = pull_dir(server.url, server.api_key, ann_dir).imported

    after = annotations.read_documents(ann_dir, [t.id for t in TAXONOMY])
    for doc_id, doc in before.items():  # every stored annotation is still there, unchanged
        now = [a.to_json() for a in after[doc_id].annotations]
        assert all(a.to_json() in now for a in doc.annotations), f"{doc_id}: a stored annotation changed"
        assert [a.to_json() for a in after[doc_id].annotations if a.ground_truth] == leads_gold[doc_id]
    assert annotations.gold_documents(ann_dir, [t.id for t in TAXONOMY]) == gold_before

    new = [
        a
        for doc_id, doc in after.items()
        for a in doc.annotations
        if a.to_json() not in [b.to_json() for b in before[doc_id].annotations]
    ]
    assert sorted((a.annotator, a.annotation_id, a.task_id) for a in new) == sorted(
        [(lead, 1, task_ids[0]), (ANNOTATOR_2, 2, task_ids[1])]
    )
    for a in new:  # the fresh server reused the ids of the lead's ground truth of the same documents
        doc_id = next(d for d, doc in after.items() if a in doc.annotations)
        assert a.annotation_id in [b.annotation_id for b in before[doc_id].annotations if b.ground_truth]
        assert a.unique_id and a.origin == f"Label Studio at {server.url}, project {project.project_id}"
    assert report.annotations == 2 and report.updated == 0 and len(report.written) == 2


def test_an_accepted_prediction_after_emoji_flags_is_pulled_where_it_was_predicted(
    label_studio: LocalServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Four flags and an emoji (nine astral characters) before 'Egypt in Egypt': the second 'Egypt' as
    code points is the first as UTF-16 units. The annotator keeps only the builder's prediction of it;
    before, the pull refused it as ambiguous, though the builder writes code points and the editor
    saves them."""
    project = init_project(tmp_path / "flags")
    (project.seeds_dir / "901_flags.txt").write_text(
        "Flags over the capital\n\n🇪🇬🇪🇬🇪🇬🇪🇬😀 Fans of Egypt in Egypt cheered the team in Cairo on Monday.\n",
        encoding="utf-8",
    )
    ann_dir = project.annotations_dir
    url, key = label_studio.url, label_studio.api_key
    pushed = push_dir(url, key, ann_dir)
    admin = LabelStudio(base_url=url, api_key=key)
    (task,) = admin.tasks.list(project=pushed.project_id, fields="all")
    text = task.data["text"]
    second = text.index("Egypt", text.index("Egypt") + 1)
    (prediction,) = admin.predictions.list(task=task.id)
    kept = [
        r for r in prediction.result if r["from_name"] == config.ENTITIES and r["value"]["start"] == second
    ]
    assert len(kept) == 1, "the builder should predict the second 'Egypt'"
    utf16 = len(text[: text.index("Egypt")].encode("utf-16-le")) // 2
    assert utf16 == second, "the test needs the second 'Egypt' to be the first one read as UTF-16"
    admin.annotations.create(id=task.id, result=kept, lead_time=2.0)
    pull_dir(url, key, ann_dir)
    (doc,) = annotations.read_documents(ann_dir, Knowledge.load(ann_dir).topic_ids).values()
    (stored,) = doc.annotations
    assert [(s.start, s.end, s.text) for s in stored.entities] == [(second, second + 5, "Egypt")]
