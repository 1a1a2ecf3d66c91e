"""Diffs of built folders: changes per field, the semver bump they require, text and JSON for people
and machines."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import PROJECT, REPO, TAXONOMY

from dataset_builder import cli, schema
from dataset_builder.build import write_dataset
from dataset_builder.documents import Document, Span
from dataset_builder.project import Project
from dataset_builder.release.diff import Change, SplitMove, changelog_entry, diff_folders
from dataset_builder.revisions import diff_releases
from dataset_builder.schema import Topic


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
    diff = diff_releases(str(build_to(tmp_path, "old", sample_docs)), str(build_to(tmp_path, "new", changed)))
    assert diff.changes == [
        Change(
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
    assert "### Added" in changelog_entry(diff)


def test_diff_classifies_corrections_additions_and_schema_changes(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    old = build_to(tmp_path, "old", sample_docs)
    assert diff_folders(old, old).required_bump == "none"
    assert "No changes." in diff_folders(old, old).to_text()
    moved = sample_docs[1].entities[0]
    fixed = [
        sample_docs[0],
        sample_docs[1].with_(
            entities=[Span(moved.start, moved.end, moved.text, "ORG"), *sample_docs[1].entities[1:]]
        ),
        *sample_docs[2:],
    ]
    diff = diff_folders(old, build_to(tmp_path, "fixed", fixed))
    assert [(c.field, c.kind) for c in diff.changes] == [
        ("entities", "changed")
    ] and diff.required_bump == "patch"
    diff = diff_folders(old, build_to(tmp_path, "fewer", sample_docs[:-1]))
    assert diff.removed == [sample_docs[-1].id] and diff.required_bump == "minor"
    extra = Topic("extra_topic", "Extra", None, None, "A topic the old build did not have.")
    diff = diff_folders(old, build_to(tmp_path, "schema", sample_docs, (*TAXONOMY, extra)))
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
    diff = diff_folders(build_to(tmp_path, "old", docs), build_to(tmp_path, "new", changed))
    text = diff.to_text()
    assert "datetime" not in text and "{'" not in text and "None" not in text
    assert "release." not in text and "changelog_entry" not in text
    assert f"{pair_en.id} «Talks, part 1»: date 2024-02-06 → 2019-01-10" in text
    assert f"{pair_en.id} «Talks, part 1»: entities PER «Sisi» 0:4 → ORG «Sisi» 0:4" in text
    assert "Documents added (1):\n  100_new «A new article»" in text
    assert "Problem: the version was not bumped (1.0.0); these changes need a minor bump: 1.1.0" in text
    entry = changelog_entry(diff)
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
    assert data["changelog"] == changelog_entry(diff_folders(old, new))


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
    diff = diff_folders(old, build_to(tmp_path, "new", sample_docs, version="0.9.9"))
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
            i: schema.split_of_file(p)
            for p in folder.glob(schema.data_glob("documents"))
            for i in pq.read_table(p)["id"].to_pylist()
        }

    before, after = splits(old), splits(new)
    moved = sorted(d for d in before if before[d] != after[d])
    assert moved  # the ratios moved some events
    diff = diff_folders(old, new)
    assert diff.split_moves == [SplitMove(d, before[d], after[d]) for d in moved]
    text = diff.to_text()
    assert f"Documents that changed split ({len(moved)}):" in text
    assert f"  {moved[0]}: {before[moved[0]]} → {after[moved[0]]}" in text
