"""Release artefacts: card YAML, Croissant, manifest, version diffs and the publish plan."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest
from datasets.info import DatasetInfosDict
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, DatasetCard
from huggingface_hub.errors import OfflineModeIsEnabled

from dataset_builder import cli, configs, release, schema
from dataset_builder.annotations import AnnotatedDocument, Annotation, read_documents
from dataset_builder.build import write_dataset
from dataset_builder.documents import Document, Span
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.labelstudio.agreement import compute_agreement
from dataset_builder.labelstudio.importer import import_export

REPO = Path(__file__).resolve().parent.parent
LEAD, ANNOTATOR_2 = "lead@dataset-builder.local", "annotator2@dataset-builder.local"


def test_card_yaml_loads_with_configs_and_features_from_the_schema(built: Path) -> None:
    data = DatasetCard.load(built / "README.md").data
    assert data.language == list(schema.LANGUAGES) and data.license == "other"
    assert data.license_name and schema.ANNOTATIONS_LICENSE in data.license_details
    assert set(data.task_categories) == {"token-classification", "text-classification", "translation"}
    assert data.version == schema.DATASET_VERSION
    infos = DatasetInfosDict.from_dataset_card_data(data)
    assert {name: info.features for name, info in infos.items()} == {
        c: f() for c, f in configs.FEATURES.items()
    }
    manifest = release.read_manifest(built)
    for entry in data.configs:
        for files in entry["data_files"]:
            assert (built / files["path"]).is_file()
            assert manifest["rows"][entry["config_name"]][files["split"]] > 0
    text = (built / "README.md").read_text(encoding="utf-8")
    assert f"]({release.GUIDELINES_NAME})" in text and release.SEMVER_RULE in text


def test_manifest_lists_every_file_with_its_sha256(built: Path) -> None:
    manifest = release.read_manifest(built)
    files = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [f for f in files if f != "manifest.json"]
    for path, entry in manifest["files"].items():
        data = (built / path).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    rows = {c: sum(n.values()) for c, n in manifest["rows"].items()}
    assert rows["documents"] == sum(
        pq.ParquetFile(p).metadata.num_rows for p in built.glob("data/documents/*")
    )


def test_croissant_validates_and_reads_the_records(built: Path) -> None:
    dataset = mlc.Dataset(jsonld=built / "croissant.json")  # raises ValidationError on errors
    metadata = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    assert metadata["conformsTo"] == release.CROISSANT_VERSION
    assert metadata["rai:dataBiases"] and metadata["rai:personalSensitiveInformation"]
    manifest = release.read_manifest(built)
    objects = [d for d in metadata["distribution"] if d["@type"] == "cr:FileObject"]
    assert {o["contentUrl"]: o["sha256"] for o in objects} == {
        p: f["sha256"] for p, f in manifest["files"].items() if p.startswith("data/")
    }
    for config in ("documents", "topics"):
        per_split = Counter(r[f"{config}/split"].decode() for r in dataset.records(config))
        assert per_split == {s: n for s, n in manifest["rows"][config].items() if n}
    topics = schema.topic_ids()
    labels = {topics[i] for r in dataset.records("topics") for i in r["topics/labels"]}
    assert labels == {
        t for p in built.glob("data/documents/*") for ts in pq.read_table(p)["topics"].to_pylist() for t in ts
    }


def test_croissant_validates_from_the_command_line(built: Path) -> None:
    command = [
        str(Path(sys.executable).parent / "mlcroissant"),
        "validate",
        "--jsonld",
        str(built / "croissant.json"),
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


# --- card: agreement and gold --------------------------------------------------------------------


def agreement_section(folder: Path) -> str:
    text = (folder / "README.md").read_text(encoding="utf-8")
    return text[text.index("### Agreement") : text.index("## Versioning")]


def assert_readable(section: str) -> None:
    """Prose and tables for people: no JSON, no Python repr, no list or dict syntax in any cell."""
    for mark in ("{", "}", "[", "]", "None", "null"):
        assert mark not in section, f"{mark!r} in the card's agreement section:\n{section}"
    cells = [line for line in section.splitlines() if line.startswith("|")]
    for line in cells:  # measure | scope | value | documents | annotators; no quoted JSON strings
        assert line.count("|") == 6 and "`" not in line and '"' not in line, line


def test_the_card_says_not_measured_yet_when_the_second_annotator_copied_the_lead(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    """The seed campaign's own export, re-imported: annotator2's annotations are the lead's, copied."""
    ann_dir = shutil.copytree(
        REPO / "annotations", tmp_path / "annotations", ignore=shutil.ignore_patterns("documents")
    )
    (export,) = sorted((ann_dir / "labelstudio").glob("export-*.json"))
    import_export(export, REPO / "seeds", ann_dir)
    stored = read_documents(ann_dir)
    assert {a.annotator for doc in stored.values() for a in doc.annotations} == {LEAD, ANNOTATOR_2}
    agreement = compute_agreement(stored, ann_dir)
    assert agreement.excluded_annotators == {ANNOTATOR_2: (LEAD,)}
    write_dataset(sample_docs, tmp_path / "dist", progress=False, agreement=agreement.to_dict())
    section = agreement_section(tmp_path / "dist")
    assert "**not measured yet**" in section and "1.000" not in section
    assert "Not counted: 1 annotator(s) whose every annotation is identical" in section
    assert ANNOTATOR_2 not in section and LEAD not in section  # no annotator's email in a public card
    assert_readable(section)


def test_the_card_gives_measured_figures_with_documents_and_annotators(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    def annotation(annotation_id: int, who: str, topics: list[str]) -> Annotation:
        return Annotation(who, "labelstudio/export-0123456789ab.json", 1, annotation_id, "2026-11-23T12:00:00Z",
                          "2026-11-23T12:00:00Z", None, False, (Span(0, 5, "Aaaaa", "PER"),), tuple(topics),
                          None, None, "en")  # fmt: skip

    stored = {
        d: AnnotatedDocument(
            d, "0" * 64, (annotation(i, "a", ["diplomacy"]), annotation(i + 10, "b", topics))
        )
        for i, (d, topics) in enumerate((("d1", ["diplomacy", "defence"]), ("d2", ["diplomacy", "economy"])))
    }
    agreement = compute_agreement(stored, schema.DEFAULT_ANNOTATIONS_DIR)
    write_dataset(sample_docs, tmp_path / "dist", progress=False, agreement=agreement.to_dict())
    section = agreement_section(tmp_path / "dist")
    assert "(2 documents, 2 annotators)" in section
    assert "| entity F1, exact match | all labels | 1.000 | 2 | 2 |" in section
    assert "| entity F1, exact match | MISC | not measured yet | 0 | 0 |" in section
    assert "| date, share of pairs agreeing | — | 1.000 | 2 | 2 |" in section
    assert_readable(section)


def test_without_agreement_figures_the_card_says_not_measured_yet(built: Path) -> None:
    section = agreement_section(built)
    assert "**not measured yet**" in section
    assert_readable(section)


def test_the_card_shows_how_to_keep_gold_only(built: Path) -> None:
    text = " ".join((built / "README.md").read_text(encoding="utf-8").split())
    assert 'ds.filter(lambda r: r["annotation_status"] == "gold")' in text
    assert 'test.filter(lambda r: r["annotation_status"] == "gold")' in text
    for config in ("ner", "topics"):
        table = text[text.index(f"### `{config}`") :]
        assert "| `annotation_status` | string | gold (human-adjudicated) or silver (automatic). |" in table


# --- diff -----------------------------------------------------------------------------------------


def build_to(tmp_path: Path, name: str, docs: list[Document]) -> Path:
    write_dataset(docs, tmp_path / name, progress=False)
    return tmp_path / name


def test_diff_reports_exactly_one_added_entity(tmp_path: Path, sample_docs: list[Document]) -> None:
    doc = sample_docs[2]
    start = doc.text.index("الجولة")
    extra = Span(start, start + len("الجولة"), "الجولة", "MISC")
    changed = [*sample_docs[:2], doc.with_(entities=[*doc.entities, extra]), *sample_docs[3:]]
    diff = release.diff_releases(
        str(build_to(tmp_path, "old", sample_docs)), str(build_to(tmp_path, "new", changed))
    )
    assert diff.changes == [
        release.Change(
            doc.id,
            "entities",
            "added",
            new={"start": start, "end": extra.end, "text": "الجولة", "label": "MISC", "entity_id": None},
        )
    ]
    assert (diff.added, diff.removed, diff.text_changed, diff.schema_changes) == ([], [], [], [])
    assert diff.required_bump == "minor" and not diff.version_ok()
    text = diff.to_text()
    assert f"{doc.id}: entities added" in text and "required bump: minor" in text
    assert "annotations entities: 1 added, 0 removed, 0 changed" in text
    assert "### Added" in release.changelog_entry(diff)


def test_diff_classifies_corrections_additions_and_schema_changes(
    tmp_path: Path, sample_docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = build_to(tmp_path, "old", sample_docs)
    assert release.diff_folders(old, old).required_bump == "none"
    assert "no changes" in release.diff_folders(old, old).to_text()
    moved = sample_docs[1].entities[0]
    fixed = [
        sample_docs[0],
        sample_docs[1].with_(
            entities=[Span(moved.start, moved.end, moved.text, "ORG"), *sample_docs[1].entities[1:]]
        ),
        *sample_docs[2:],
    ]
    diff = release.diff_folders(old, build_to(tmp_path, "fixed", fixed))
    assert [(c.field, c.kind) for c in diff.changes] == [
        ("entities", "changed")
    ] and diff.required_bump == "patch"
    diff = release.diff_folders(old, build_to(tmp_path, "fewer", sample_docs[:-1]))
    assert diff.removed == [sample_docs[-1].id] and diff.required_bump == "minor"
    monkeypatch.setattr(
        schema, "topic_ids", lambda *a: [t.id for t in schema.load_taxonomy()] + ["extra_topic"]
    )
    diff = release.diff_folders(old, build_to(tmp_path, "schema", sample_docs))
    assert diff.schema_changes == ["features of config 'topics' changed"] and diff.required_bump == "major"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_diff_between_git_revisions_builds_each_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "seeds", repo / "seeds")
    shutil.copytree(REPO / "annotations", repo / "annotations", ignore=shutil.ignore_patterns("labelstudio"))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    first = git(repo, "rev-parse", "HEAD")
    shutil.copy(repo / "seeds" / "002_a10ac565b067f4e4.txt", repo / "seeds" / "005_copy.txt")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "two")
    monkeypatch.chdir(repo)
    diff = release.diff_releases(first, "HEAD")
    assert diff.added == ["005_copy"] and diff.removed == [] and diff.required_bump == "minor"
    with pytest.raises(InputError, match="no-such-rev"):
        release.diff_releases("no-such-rev", "HEAD")


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
    monkeypatch.setattr(release, "HfApi", None)  # any network use would fail
    plan = release.publish(built, "org/news", tag=None, dry_run=True)
    manifest = release.read_manifest(built)
    assert plan.tag == f"v{schema.DATASET_VERSION}" and schema.DATASET_VERSION in plan.commit_message
    assert {f.path: (f.size, f.sha256) for f in plan.files if f.path != "manifest.json"} == {
        p: (f["size"], f["sha256"]) for p, f in manifest["files"].items()
    }
    text = plan.to_text()
    assert text.startswith("dry run") and all(f.sha256 in text for f in plan.files)


def test_publish_sends_one_commit_with_the_planned_files_then_tags_it(built: Path, tmp_path: Path) -> None:
    hub = FakeHub(tmp_path, files=["old.parquet", ".gitattributes"])
    plan = release.publish(built, "org/news", tag="v9", dry_run=False, api=hub)
    (_, _repo), (_, operations, message), tag = hub.calls
    adds = [
        (op.path_in_repo, op.upload_info.sha256.hex())
        for op in operations
        if isinstance(op, CommitOperationAdd)
    ]
    assert adds == [(f.path, f.sha256) for f in plan.files] and message == plan.commit_message
    assert [op.path_in_repo for op in operations if isinstance(op, CommitOperationDelete)] == ["old.parquet"]
    assert tag == ("create_tag", "v9", "abc123") and plan.status == "published"


def test_publish_refuses_an_existing_tag_with_other_content(built: Path, tmp_path: Path) -> None:
    manifest = release.read_manifest(built)
    same = FakeHub(tmp_path, tags={"v1": manifest})
    assert release.publish(built, "org/news", tag="v1", dry_run=False, api=same).status == "already published"
    assert same.calls == []
    other = FakeHub(tmp_path, tags={"v1": {**manifest, "files": {}}})
    with pytest.raises(DatasetBuilderError, match="already has tag v1"):
        release.publish(built, "org/news", tag="v1", dry_run=False, api=other)
    assert other.calls == []


def test_an_unreachable_hub_is_a_clean_error(built: Path, tmp_path: Path) -> None:
    class Offline(FakeHub):
        def list_repo_refs(self, repo_id: str, repo_type: str) -> SimpleNamespace:
            raise OfflineModeIsEnabled("offline")

    with pytest.raises(DatasetBuilderError, match="publishing to datasets/org/news failed"):
        release.publish(built, "org/news", tag=None, dry_run=False, api=Offline(tmp_path))


def test_publish_refuses_a_folder_that_no_longer_matches_its_manifest(
    built: Path, tmp_path: Path, capsys
) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(built, dist)
    assert cli.main(["publish", "--dist", str(dist), "--repo-id", "org/news", "--dry-run"]) == 0
    assert "add data/documents/train.parquet" in capsys.readouterr().out
    (dist / "README.md").write_text("edited", encoding="utf-8")
    assert cli.main(["publish", "--dist", str(dist), "--repo-id", "org/news", "--dry-run"]) != 0
    assert "README.md" in capsys.readouterr().err
