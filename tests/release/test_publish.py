"""Publishing: the dry-run plan, one commit and a tag on the Hub, and the refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import tomlkit
from conftest import PROJECT, REPO, TAXONOMY, sample_documents
from huggingface_hub import CommitOperationAdd, CommitOperationDelete
from huggingface_hub.errors import OfflineModeIsEnabled

from dataset_builder import cli, schema
from dataset_builder.build import write_dataset
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.project import PROMPTED_KEYS, Project, init_project
from dataset_builder.release.diff import _documents
from dataset_builder.release.manifest import read_manifest
from dataset_builder.release.publish import publish

# --- publish --------------------------------------------------------------------------------------


class FakeHub:
    """Records the calls publish makes; ``tags`` maps a tag to the manifest published under it."""

    def __init__(self, tmp: Path, tags: dict[str, dict] | None = None, files: list[str] = ()) -> None:
        self.tmp, self.tags, self.files, self.calls = tmp, tags or {}, list(files), []

    def list_repo_refs(self, repo_id: str, repo_type: str) -> SimpleNamespace:
        return SimpleNamespace(tags=[SimpleNamespace(name=t) for t in self.tags])

    def list_repo_files(self, repo_id: str, repo_type: str) -> list[str]:
        return self.files

    def hf_hub_download(self, repo_id: str, filename: str, repo_type: str, revision: str) -> str:
        path = self.tmp / f"remote-{revision}.json"
        path.write_text(json.dumps(self.tags[revision]), encoding="utf-8")
        return str(path)

    def create_repo(self, repo_id: str, **kwargs: object) -> None:
        self.calls.append(("create_repo", repo_id))

    def create_commit(
        self, repo_id: str, operations: list, commit_message: str, repo_type: str
    ) -> SimpleNamespace:
        self.calls.append(("create_commit", operations, commit_message))
        return SimpleNamespace(oid="abc123")

    def create_tag(self, repo_id: str, tag: str, revision: str, **kwargs: object) -> None:
        self.calls.append(("create_tag", tag, revision))


def test_dry_run_lists_every_file_and_touches_no_network(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dataset_builder.release.publish.HfApi", None)  # any network use would fail
    plan = publish(built, "org/news", tag=None, dry_run=True)
    manifest = read_manifest(built)
    assert plan.tag == f"v{PROJECT.settings.version}" and PROJECT.settings.version in plan.commit_message
    assert {f.path: (f.size, f.sha256) for f in plan.files if f.path != "manifest.json"} == {
        p: (f["size"], f["sha256"]) for p, f in manifest["files"].items()
    }
    text = plan.to_text()
    assert text.startswith("dry run") and all(f.sha256 in text for f in plan.files)


def test_publish_sends_one_commit_with_the_planned_files_then_tags_it(built: Path, tmp_path: Path) -> None:
    hub = FakeHub(tmp_path, files=["old.parquet", ".gitattributes"])
    releases = tmp_path / "releases"
    dry = publish(built, "org/news", tag="v9", dry_run=True, api=hub, releases_dir=releases)
    assert dry.status == "planned" and hub.calls == [] and not releases.exists()
    plan = publish(built, "org/news", tag="v9", dry_run=False, api=hub, releases_dir=releases)
    (_, _repo), (_, operations, message), tag = hub.calls
    adds = [
        (op.path_in_repo, op.upload_info.sha256.hex())
        for op in operations
        if isinstance(op, CommitOperationAdd)
    ]
    assert adds == [(f.path, f.sha256) for f in plan.files] and message == plan.commit_message
    assert [op.path_in_repo for op in operations if isinstance(op, CommitOperationDelete)] == ["old.parquet"]
    assert tag == ("create_tag", "v9", "abc123") and plan.status == "published"
    manifest = read_manifest(built)
    record = json.loads((releases / f"{manifest['version']}.json").read_text(encoding="utf-8"))
    assert record == {**manifest, "repo_id": "org/news", "tag": "v9"}


def test_publish_refuses_an_existing_tag_with_other_content(built: Path, tmp_path: Path) -> None:
    manifest = read_manifest(built)
    same = FakeHub(tmp_path, tags={"v1": manifest})
    assert publish(built, "org/news", tag="v1", dry_run=False, api=same).status == "already published"
    assert same.calls == []
    other = FakeHub(tmp_path, tags={"v1": {**manifest, "files": {}}})
    with pytest.raises(DatasetBuilderError, match="already has tag v1"):
        publish(built, "org/news", tag="v1", dry_run=False, api=other)
    assert other.calls == []


def test_an_unreachable_hub_is_a_clean_error(built: Path, tmp_path: Path) -> None:
    class Offline(FakeHub):
        def list_repo_refs(self, repo_id: str, repo_type: str) -> SimpleNamespace:
            raise OfflineModeIsEnabled("offline")

    with pytest.raises(DatasetBuilderError, match="publishing to datasets/org/news failed"):
        publish(built, "org/news", tag=None, dry_run=False, api=Offline(tmp_path))


def test_publish_refuses_a_folder_that_no_longer_matches_its_manifest(
    built: Path, tmp_path: Path, capsys
) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(built, dist)
    project = ledgered_project(tmp_path / "project", dist)
    command = ["publish", "-C", str(project), "--dist", str(dist), "--repo-id", "org/news", "--dry-run"]
    assert cli.main(command) == 0
    assert f"add {schema.data_file('documents', 'train')}" in capsys.readouterr().out
    (dist / "README.md").write_text("edited", encoding="utf-8")
    assert cli.main(command) != 0
    assert "README.md" in capsys.readouterr().err


def test_publish_refuses_a_build_that_still_says_the_init_templates_prompts(tmp_path: Path) -> None:
    """A new project's card would state the template's prompts as facts about its data: not published
    (dry run too) until the owner has replaced them and rebuilt."""
    root = tmp_path / "project"
    init_project(root)
    dist = tmp_path / "dist"
    write_dataset(sample_documents(), dist, project=Project.load(root), taxonomy=TAXONOMY, progress=False)
    with pytest.raises(InputError) as refused:
        publish(dist, "org/news", tag=None, dry_run=True)
    assert str(refused.value) == (
        f"{dist}: not published, LICENSE.md, README.md, croissant.json still say the init template's prompts "
        f"for {', '.join(PROMPTED_KEYS)} of dataset.toml: replace them with what is true of this "
        "dataset, then rebuild"
    )
    toml = root / "dataset.toml"
    document = tomlkit.parse(toml.read_text(encoding="utf-8"))
    document["license_details"] = "The texts are ours, under CC-BY-4.0 like the annotations."
    document["card"] = {"biases": ["One agency only.", *document["card"]["biases"]]}  # one prompt is left
    toml.write_text(tomlkit.dumps(document), encoding="utf-8")
    shutil.rmtree(dist)
    write_dataset(sample_documents(), dist, project=Project.load(root), taxonomy=TAXONOMY, progress=False)
    with pytest.raises(InputError, match=r"README\.md, croissant\.json still say .* for card\.biases of"):
        publish(dist, "org/news", tag=None, dry_run=True)
    document["card"] = {"biases": ["One agency only."]}
    toml.write_text(tomlkit.dumps(document), encoding="utf-8")
    shutil.rmtree(dist)
    write_dataset(sample_documents(), dist, project=Project.load(root), taxonomy=TAXONOMY, progress=False)
    assert publish(dist, "org/news", tag=None, dry_run=True).dry_run


def ledgered_project(root: Path, dist: Path) -> Path:
    """A project whose split ledger recorded the documents of ``dist`` where they are."""
    from dataset_builder.splits import Assignment, SplitLedger

    (root / "annotations").mkdir(parents=True)
    shutil.copy(REPO / "dataset.toml", root / "dataset.toml")
    docs, splits = _documents(dist)
    ledger = SplitLedger.of({d: Assignment(splits[d], doc.event_id) for d, doc in docs.items()})
    (root / "annotations" / "splits.json").write_bytes(ledger.to_bytes())
    return root
