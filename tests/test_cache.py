"""The silver cache: a rebuild annotates only what changed and writes what a clean build writes.

Every test runs the real CLI on a project of its own (the repository's seeds and annotations, plus a
few held-in articles), with the cache in that project's ``.cache``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ANN, KNOWLEDGE, REPO, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from test_configs import documents_with_spans

from dataset_builder import cli
from dataset_builder.agreement import agreement_report
from dataset_builder.cache import CACHE_FILE, SilverCache, decode, encode
from dataset_builder.documents import Document
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio.tasks import write_tasks
from dataset_builder.pipeline import CACHE_STEP, PipelineStats, silver_documents
from dataset_builder.project import CACHE_ENV, Project

EXTRA = sorted((REPO / "tests" / "data" / "tuning").glob("t_*.txt"))[:4]
"""Articles beside the seeds, so that a corpus has several shards' worth of different files."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's project (seeds, knowledge, gold) whose cache is its own ``.cache``."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    root = tmp_path / "project"
    root.mkdir()
    for name in ("dataset.toml", "DATASET_CARD.md"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(ANN, root / "annotations")
    for path in EXTRA:
        shutil.copy(path, root / "seeds" / path.name)
    return root


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def build(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """``dataset-builder build`` in the project; returns the cache line of its summary (or '')."""
    assert cli.main(["build", "-C", str(project), "--no-progress", "--workers", "1", *extra]) == 0
    out = capsys.readouterr().out
    return next((line.strip() for line in out.splitlines() if "silver cache" in line), "")


def seed_count(project: Path) -> int:
    return len(list((project / "seeds").glob("*.txt")))


@settings(max_examples=200, deadline=None)
@given(st.lists(documents_with_spans(), max_size=3))
def test_documents_come_back_from_the_cache_unchanged(docs: list[Document]) -> None:
    assert decode(encode(docs)) == docs


def test_the_seeds_documents_come_back_from_the_cache_unchanged() -> None:
    docs = list(silver_documents(SEEDS, KNOWLEDGE))
    assert docs and decode(encode(docs)) == docs
    assert any(d.cuts for d in docs) and any(d.date for d in docs) and any(d.entities for d in docs)


@pytest.mark.slow
def test_a_rebuild_annotates_only_the_edited_article_and_matches_a_clean_build(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = seed_count(project)
    assert build(project, capsys) == f"silver cache: {n} seed files annotated, 0 unchanged ones reused"
    assert (project / ".cache" / CACHE_FILE).is_file()
    first = files(project / "dist")
    assert build(project, capsys) == f"silver cache: 0 seed files annotated, {n} unchanged ones reused"
    assert files(project / "dist") == first

    edited = project / "seeds" / EXTRA[0].name
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nThe talks were attended by envoy Ramtane Lamamra.\n",
        encoding="utf-8",
    )
    line = build(project, capsys)
    assert line == f"silver cache: 1 seed files annotated, {n - 1} unchanged ones reused"
    rebuilt = files(project / "dist")
    assert rebuilt != first
    clean = project.parent / "clean"
    assert build(project, capsys, "--no-cache", "--out", str(clean)) == ""
    assert files(clean) == rebuilt


@pytest.mark.slow
def test_a_knowledge_change_annotates_everything_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(project, capsys)
    rules = project / "annotations" / "entity_rules.json"
    rules.write_text(json.dumps(json.loads(rules.read_text(encoding="utf-8")), indent=1), encoding="utf-8")
    n = seed_count(project)
    assert build(project, capsys) == f"silver cache: {n} seed files annotated, 0 unchanged ones reused"
    # Curated groups are applied after the silver annotators: editing them changes no cache entry.
    groups = project / "annotations" / "groups.json"
    groups.write_text(json.dumps(json.loads(groups.read_text(encoding="utf-8")), indent=1), encoding="utf-8")
    assert build(project, capsys).startswith("silver cache: 0 seed files annotated")


@pytest.mark.slow
def test_the_cache_keeps_only_the_last_builds_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(project, capsys)
    (project / "seeds" / EXTRA[1].name).unlink()
    build(project, capsys)
    with sqlite3.connect(project / ".cache" / CACHE_FILE) as db:
        (entries,) = db.execute("SELECT count(*) FROM silver").fetchone()
    assert entries == seed_count(project)


def test_no_cache_reads_and_writes_none(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project, capsys, "--no-cache") == ""
    assert not (project / ".cache").exists()


def test_the_cache_folder_can_be_moved_with_an_environment_variable(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    build(project, capsys)
    assert (tmp_path / "elsewhere" / CACHE_FILE).is_file() and not (project / ".cache").exists()


def test_a_damaged_cache_is_an_error_naming_it_and_is_left_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = project / ".cache" / CACHE_FILE
    damaged.parent.mkdir()
    damaged.write_bytes(b"not a database, and not ours to delete\n" * 100)
    before = damaged.read_bytes()
    assert cli.main(["build", "-C", str(project), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert str(damaged) in err and "--no-cache" in err and "Traceback" not in err
    assert damaged.read_bytes() == before and not (project / "dist").exists()


def test_label_studio_commands_reuse_the_builds_silver_documents(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(project, capsys)
    p = Project.load(project)
    knowledge = Knowledge.load(p.annotations_dir)
    plain = write_tasks(silver_documents(p.seeds_dir, knowledge), knowledge, project / "plain.json")
    with SilverCache.open(p.cache_dir, knowledge) as cache:
        documents = silver_documents(p.seeds_dir, knowledge, cache=cache)
        cached = write_tasks(documents, knowledge, project / "cached.json")
        report = agreement_report(
            silver_documents(p.seeds_dir, knowledge, cache=cache), p.annotations_dir, knowledge
        )
        assert (cache.misses, cache.hits) == (0, 2 * seed_count(project))
    assert plain.replace("plain", "cached") == cached
    assert (project / "plain.json").read_bytes() == (project / "cached.json").read_bytes()
    again = agreement_report(silver_documents(p.seeds_dir, knowledge), p.annotations_dir, knowledge)
    assert report.to_text() == again.to_text()


def test_the_cache_rows_of_the_step_table_count_every_document_it_passed_on(tmp_path: Path) -> None:
    knowledge = KNOWLEDGE
    for run in ("cold", "warm"):
        stats = PipelineStats()
        with SilverCache.open(tmp_path, knowledge) as cache:
            docs = list(silver_documents(SEEDS, knowledge, cache=cache, stats=stats))
        row = stats[CACHE_STEP]
        assert row.documents == len(docs) > 0, run  # a cold build used to say "0 documents"
        assert sum(row.counters.values()) == seed_count_in(SEEDS), run


def seed_count_in(folder: Path) -> int:
    return len(list(folder.glob("*.txt")))
