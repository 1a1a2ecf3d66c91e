"""Release artefacts: card YAML, Croissant, manifest, version diffs and the publish plan."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT, REPO, TAXONOMY
from datasets.info import DatasetInfosDict
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, DatasetCard
from huggingface_hub.errors import OfflineModeIsEnabled

from dataset_builder import cli, configs, release, schema
from dataset_builder.annotations import AnnotatedDocument, Annotation, read_documents
from dataset_builder.build import write_dataset
from dataset_builder.documents import Document, Span
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio.agreement import compute_agreement
from dataset_builder.labelstudio.importer import import_export
from dataset_builder.project import Project
from dataset_builder.schema import Topic

LEAD, ANNOTATOR_2 = "lead@dataset-builder.local", "annotator2@dataset-builder.local"


def test_card_yaml_loads_with_configs_and_features_from_the_schema(built: Path) -> None:
    data = DatasetCard.load(built / "README.md").data
    assert data.language == list(schema.LANGUAGES) and data.license == "other"
    assert data.license_name and PROJECT.settings.annotations_license in data.license_details
    assert set(data.task_categories) == {"token-classification", "text-classification", "translation"}
    assert data.version == PROJECT.settings.version
    infos = DatasetInfosDict.from_dataset_card_data(data)
    assert {name: info.features for name, info in infos.items()} == {
        **configs.config_features([t.id for t in TAXONOMY])
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
    topics = [t.id for t in TAXONOMY]
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


def test_card_links_its_license_file_and_cites_authors_year_url_and_version(built: Path) -> None:
    settings = PROJECT.settings
    info = release.release_info(settings)
    data = DatasetCard.load(built / "README.md").data
    assert data.license == "other" and data.license_link == settings.license_link == "LICENSE.md"
    license_file = (built / data.license_link).read_text(encoding="utf-8")
    assert license_file == release.license_text(info) and settings.annotations_license in license_file
    assert settings.license_details in license_file
    assert data.license_link in release.read_manifest(built)["files"]
    text = (built / "README.md").read_text(encoding="utf-8")
    citation = text.split("```bibtex\n")[1].split("```")[0]
    assert citation.startswith("@misc{") and citation.count("{") == citation.count("}")
    authors = " and ".join(f"{{{a}}}" for a in settings.citation.authors)
    for key, value in {
        "author": authors,
        "title": settings.pretty_name,
        "year": str(settings.release_date.year),
        "version": settings.version,
    }.items():
        assert f"  {key} = {{{value}}}" in citation, key
    on_the_hub = settings.model_copy(update={"hub": settings.hub.model_copy(update={"repo_id": "org/news"})})
    assert "  url = {https://huggingface.co/datasets/org/news}" in release.release_info(on_the_hub).citation


def test_card_and_croissant_say_which_offsets_point_into_the_seed_file(built: Path) -> None:
    text = (built / "README.md").read_text(encoding="utf-8")
    offsets = next(p for p in text.split("\n\n") if "`seed_start`" in p)
    assert "into the document's `text`" in offsets and "into the seed *file*" in offsets
    assert "not into `text`" in offsets
    metadata = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f["description"] for f in metadata["recordSet"][0]["field"]}
    assert all(
        "seed file (not in" in fields[f] or "seed file (not into" in fields[f] for f in ("seed_start", "cuts")
    )


def test_croissant_dates_links_and_names_the_class_labels_as_data(built: Path) -> None:
    metadata = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    settings = PROJECT.settings
    assert metadata["datePublished"].startswith(settings.release_date.isoformat())
    assert metadata["version"] == settings.version
    assert metadata["citeAs"] == release.release_info(settings).citation
    enums = {r["@id"]: r for r in metadata["recordSet"] if r.get("dataType") == "sc:Enumeration"}
    expected = {
        "ner-ner_tags-classes": schema.ner_tag_names(),
        "topics-labels-classes": [t.id for t in TAXONOMY],
    }
    assert set(enums) == set(expected)
    dataset = mlc.Dataset(jsonld=built / "croissant.json")  # raises on any validation error
    for record_set, names in expected.items():
        assert enums[record_set]["key"] == {"@id": f"{record_set}/id"}
        rows = [(r[f"{record_set}/id"], r[f"{record_set}/name"]) for r in dataset.records(record_set)]
        assert rows == list(enumerate(names))


# --- card: agreement and gold --------------------------------------------------------------------


def agreement_section(folder: Path) -> str:
    text = (folder / "README.md").read_text(encoding="utf-8")
    return text[text.index("### Agreement") : text.index("## Versioning")]


def card_agreement(docs: list[Document], out: Path, agreement: dict[str, Any]) -> str:
    """The agreement section of the card of ``docs`` built with ``agreement``."""
    write_dataset(docs, out, project=PROJECT, taxonomy=TAXONOMY, progress=False, agreement=agreement)
    return agreement_section(out)


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
    knowledge = Knowledge.load(ann_dir)
    import_export(export, REPO / "seeds", ann_dir, knowledge)
    stored = read_documents(ann_dir, knowledge.topic_ids)
    assert {a.annotator for doc in stored.values() for a in doc.annotations} == {LEAD, ANNOTATOR_2}
    agreement = compute_agreement(stored, knowledge.topic_ids)
    assert agreement.excluded_annotators == {ANNOTATOR_2: (LEAD,)}
    section = card_agreement(sample_docs, tmp_path / "dist", agreement.to_dict())
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
    agreement = compute_agreement(stored, [t.id for t in TAXONOMY])
    section = card_agreement(sample_docs, tmp_path / "dist", agreement.to_dict())
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


def build_to(
    tmp_path: Path,
    name: str,
    docs: list[Document],
    taxonomy: tuple[Topic, ...] = TAXONOMY,
    version: str | None = None,
) -> Path:
    """``docs`` built into ``tmp_path/name``, as the repository's project at ``version`` (default 1.0.0)."""
    project = with_version(version or "1.0.0")
    write_dataset(docs, tmp_path / name, project=project, taxonomy=taxonomy, progress=False)
    return tmp_path / name


def with_version(version: str) -> Project:
    return Project(PROJECT.root, PROJECT.settings.model_copy(update={"version": version}))


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
    assert f"{doc.id}: entities added MISC «الجولة» {start}:{extra.end}" in text
    assert "Required bump: minor" in text and "entities: 1 added, 0 removed, 0 changed" in text
    assert "### Added" in release.changelog_entry(diff)


def test_diff_classifies_corrections_additions_and_schema_changes(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    old = build_to(tmp_path, "old", sample_docs)
    assert release.diff_folders(old, old).required_bump == "none"
    assert "No changes." in release.diff_folders(old, old).to_text()
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
    extra = Topic("extra_topic", "Extra", None, None, "A topic the old build did not have.")
    diff = release.diff_folders(old, build_to(tmp_path, "schema", sample_docs, (*TAXONOMY, extra)))
    assert diff.schema_changes == ["topics config: field labels: label names added: extra_topic"]
    assert diff.required_bump == "major"


def titled(docs: list[Document]) -> list[Document]:
    return [d.with_(title=f"Talks, part {i}") for i, d in enumerate(docs)]


def test_diff_reads_as_text_for_people(tmp_path: Path, sample_docs: list[Document]) -> None:
    docs = titled(sample_docs)
    pair_en = docs[1]
    sisi = pair_en.entities[0]
    changed = [
        docs[0],
        pair_en.with_(
            date=dt.date(2019, 1, 10),
            entities=[Span(sisi.start, sisi.end, sisi.text, "ORG"), *pair_en.entities[1:]],
        ),
        *docs[2:],
        docs[2].with_(id="100_new", title="A new article"),
    ]
    diff = release.diff_folders(build_to(tmp_path, "old", docs), build_to(tmp_path, "new", changed))
    text = diff.to_text()
    assert "datetime" not in text and "{'" not in text and "None" not in text
    assert "release." not in text and "changelog_entry" not in text
    assert f"{pair_en.id} «Talks, part 1»: date 2024-02-06 → 2019-01-10" in text
    assert f"{pair_en.id} «Talks, part 1»: entities PER «Sisi» 0:4 → ORG «Sisi» 0:4" in text
    assert "Documents added (1):\n  100_new «A new article»" in text
    assert "Problem: the version was not bumped (1.0.0); these changes need a minor bump: 1.1.0" in text
    entry = release.changelog_entry(diff)
    assert entry.startswith("## [1.1.0] — minor\n") and entry in text
    assert "- Document 100_new «A new article»" in entry


def test_diff_json_has_the_documented_keys(
    tmp_path: Path, sample_docs: list[Document], capsys: pytest.CaptureFixture[str]
) -> None:
    docs = titled(sample_docs)
    changed = [docs[0], docs[1].with_(date=dt.date(2019, 1, 10)), *docs[2:-1]]
    old, new = build_to(tmp_path, "old", docs), build_to(tmp_path, "new", changed)
    assert cli.main(["diff", str(old), str(new), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    documented = (
        (REPO / "README.md").read_text(encoding="utf-8").split("`diff --json` keys:")[1].split("\n\n")[0]
    )
    assert list(data) == re.findall(r"`(\w+)`", documented.split(";")[0])
    assert data["required_bump"] == "minor" and data["next_version"] == "1.1.0" and not data["version_ok"]
    assert data["documents_removed"] == [{"id": docs[-1].id, "title": docs[-1].title}]
    [change] = data["annotation_changes"]
    assert change == {
        "document_id": docs[1].id,
        "title": docs[1].title,
        "field": "date",
        "kind": "changed",
        "old": "2024-02-06",
        "new": "2019-01-10",
    }
    assert data["changelog"] == release.changelog_entry(release.diff_folders(old, new))


@pytest.mark.parametrize(
    ("version", "exit_code", "message"),
    [
        ("1.0.0", 1, "the version was not bumped (1.0.0); these changes need a minor bump: 1.1.0"),
        ("1.0.1", 1, "1.0.0 → 1.0.1 is only a patch bump; these changes need a minor bump: 1.1.0"),
        ("0.9.0", 1, "the version goes backwards (1.0.0 → 0.9.0); these changes need a minor bump: 1.1.0"),
        ("1.1.0", 0, ""),
        ("2.0.0", 0, ""),
    ],
)
def test_diff_check_fails_unless_the_version_gets_the_required_bump(
    tmp_path: Path,
    sample_docs: list[Document],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    version: str,
    exit_code: int,
    message: str,
) -> None:
    old = build_to(tmp_path, "old", sample_docs)
    new = build_to(tmp_path, "new", sample_docs[:-1], version=version)  # a document removed: minor
    assert cli.main(["diff", str(old), str(new), "--check"]) == exit_code
    out, err = capsys.readouterr()
    assert "Documents removed (1)" in out
    assert err == (f"check failed: {message}\n" if message else "")
    assert cli.main(["diff", str(old), str(new)]) == 0  # without --check a diff is only a report


def test_diff_flags_a_backwards_version_even_without_changes(
    tmp_path: Path, sample_docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = build_to(tmp_path, "old", sample_docs)
    diff = release.diff_folders(old, build_to(tmp_path, "new", sample_docs, version="0.9.9"))
    assert diff.required_bump == "none" and not diff.version_ok()
    assert diff.version_problem() == "the version goes backwards (1.0.0 → 0.9.9); keep 1.0.0"


def test_diff_lists_the_documents_that_changed_split(tmp_path: Path, sample_docs: list[Document]) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder, ratios in ((old, (0.5, 0.25, 0.25)), (new, (0.2, 0.4, 0.4))):
        write_dataset(
            sample_docs, folder, project=PROJECT, taxonomy=TAXONOMY, split_ratios=ratios, progress=False
        )

    def splits(folder: Path) -> dict[str, str]:
        return {
            i: p.stem
            for p in folder.glob("data/documents/*.parquet")
            for i in pq.read_table(p)["id"].to_pylist()
        }

    before, after = splits(old), splits(new)
    moved = sorted(d for d in before if before[d] != after[d])
    assert moved  # the ratios moved some events
    diff = release.diff_folders(old, new)
    assert diff.split_moves == [release.SplitMove(d, before[d], after[d]) for d in moved]
    text = diff.to_text()
    assert f"Documents that changed split ({len(moved)}):" in text
    assert f"  {moved[0]}: {before[moved[0]]} → {after[moved[0]]}" in text


def test_diff_tells_a_folder_from_a_git_revision(
    tmp_path: Path, built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.chdir(outside)
    with pytest.raises(
        InputError, match=r"^dsit: no such folder, and not a git revision \(no dataset project"
    ):
        release.diff_releases("dsit", str(built))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "notes.txt").write_text("no seeds here", encoding="utf-8")
    shutil.copy(REPO / "dataset.toml", repo / "dataset.toml")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    monkeypatch.chdir(repo)
    # HEAD is a revision (without seeds: building it would fail), so the typo is found before any build
    with pytest.raises(
        InputError, match=r"^dsit: no such folder, and not a git revision \(no such commit in"
    ):
        release.diff_releases("HEAD", "dsit")
    with pytest.raises(InputError, match=r"notes\.txt: a file, not a built dataset folder"):
        release.diff_releases("notes.txt", str(built))
    with pytest.raises(InputError, match="not a built dataset folder"):
        release.diff_releases(str(tmp_path), str(built))
    assert cli.main(["diff", "dsit", str(built)]) == 2
    assert capsys.readouterr().err.startswith("error: dsit: no such folder, and not a git revision")


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
    for name in ("dataset.toml", "DATASET_CARD.md"):
        shutil.copy(REPO / name, repo / name)
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
    assert plan.tag == f"v{PROJECT.settings.version}" and PROJECT.settings.version in plan.commit_message
    assert {f.path: (f.size, f.sha256) for f in plan.files if f.path != "manifest.json"} == {
        p: (f["size"], f["sha256"]) for p, f in manifest["files"].items()
    }
    text = plan.to_text()
    assert text.startswith("dry run") and all(f.sha256 in text for f in plan.files)


def test_publish_sends_one_commit_with_the_planned_files_then_tags_it(built: Path, tmp_path: Path) -> None:
    hub = FakeHub(tmp_path, files=["old.parquet", ".gitattributes"])
    releases = tmp_path / "releases"
    dry = release.publish(built, "org/news", tag="v9", dry_run=True, api=hub, releases_dir=releases)
    assert dry.status == "planned" and hub.calls == [] and not releases.exists()
    plan = release.publish(built, "org/news", tag="v9", dry_run=False, api=hub, releases_dir=releases)
    (_, _repo), (_, operations, message), tag = hub.calls
    adds = [
        (op.path_in_repo, op.upload_info.sha256.hex())
        for op in operations
        if isinstance(op, CommitOperationAdd)
    ]
    assert adds == [(f.path, f.sha256) for f in plan.files] and message == plan.commit_message
    assert [op.path_in_repo for op in operations if isinstance(op, CommitOperationDelete)] == ["old.parquet"]
    assert tag == ("create_tag", "v9", "abc123") and plan.status == "published"
    manifest = release.read_manifest(built)
    record = json.loads((releases / f"{manifest['version']}.json").read_text(encoding="utf-8"))
    assert record == {**manifest, "repo_id": "org/news", "tag": "v9"}


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
    project = ledgered_project(tmp_path / "project", dist)
    publish = ["publish", "-C", str(project), "--dist", str(dist), "--repo-id", "org/news", "--dry-run"]
    assert cli.main(publish) == 0
    assert "add data/documents/train.parquet" in capsys.readouterr().out
    (dist / "README.md").write_text("edited", encoding="utf-8")
    assert cli.main(publish) != 0
    assert "README.md" in capsys.readouterr().err


def ledgered_project(root: Path, dist: Path) -> Path:
    """A project whose split ledger recorded the documents of ``dist`` where they are."""
    from dataset_builder.splits import Assignment, SplitLedger

    (root / "annotations").mkdir(parents=True)
    shutil.copy(REPO / "dataset.toml", root / "dataset.toml")
    rows, splits = release._documents(dist)
    ledger = SplitLedger({d: Assignment(splits[d], rows[d]["event_id"]) for d in rows})
    (root / "annotations" / "splits.json").write_bytes(ledger.to_bytes())
    return root
