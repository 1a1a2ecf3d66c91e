"""Diffs of git revisions (each built as the project was then), and the module graph that keeps
release code from building."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

from dataset_builder import cli
from dataset_builder.cache import CACHE_FILE
from dataset_builder.errors import InputError
from dataset_builder.project import CACHE_ENV
from dataset_builder.revisions import diff_releases
from tests.support.module_graph import graph as module_graph
from tests.support.module_graph import module_names, reachable


def test_diff_tells_a_folder_from_a_git_revision(
    tmp_path: Path, built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.chdir(outside)
    with pytest.raises(
        InputError, match=r"^dsit: no such folder, and not a git revision \(no dataset project"
    ):
        diff_releases("dsit", str(built))
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
        diff_releases("HEAD", "dsit")
    with pytest.raises(InputError, match=r"notes\.txt: a file, not a built dataset folder"):
        diff_releases("notes.txt", str(built))
    with pytest.raises(InputError, match="not a built dataset folder"):
        diff_releases(str(tmp_path), str(built))
    assert cli.main(["diff", "dsit", str(built)]) == 2
    assert capsys.readouterr().err.startswith("error: dsit: no such folder, and not a git revision")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.mark.slow
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
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    diff = diff_releases(first, "HEAD")
    assert diff.added == ["005_copy"] and diff.removed == [] and diff.required_bump == "minor"
    # Both revisions went through the project's silver cache: 5 seed files, then one more.
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as db:
        assert db.execute("SELECT count(*) FROM silver").fetchone() == (6,)
    assert diff_releases(first, "HEAD", cache=False).to_json() == diff.to_json()
    with pytest.raises(InputError, match="no-such-rev"):
        diff_releases("no-such-rev", "HEAD")


# --- the module graph -----------------------------------------------------------------------------


def test_release_code_never_imports_the_build() -> None:
    """The build writes release files; release code never builds (diffs of revisions live above both),
    so build → release is one way: no release module reaches the build, even lazily or through others."""
    names = module_names()
    graph = {name: imports.all for name, imports in module_graph().items()}
    release = [n for n in names if n == "dataset_builder.release" or n.startswith("dataset_builder.release.")]
    assert {"dataset_builder.release.card", "dataset_builder.release.diff"} <= set(release)
    assert "dataset_builder.release.card" in reachable(
        "dataset_builder.build", graph
    )  # the graph sees imports
    assert "dataset_builder.build" in graph["dataset_builder.revisions"]
    for name in release:
        assert "dataset_builder.build" not in reachable(name, graph), f"{name} imports the build"
