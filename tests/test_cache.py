"""The silver cache: a rebuild annotates only what changed and writes what a clean build writes.

Every test runs the real CLI on a project of its own (the repository's seeds and annotations, plus a
few held-in articles), with the cache in that project's ``.cache``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ANN, KNOWLEDGE, REPO, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from test_configs import documents_with_spans

from dataset_builder import cache, cli, shards, staged
from dataset_builder.agreement import agreement_report
from dataset_builder.cache import CACHE_FILE, SilverCache, decode, encode
from dataset_builder.documents import Document
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge, registries
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
def test_a_rebuild_with_small_parts_and_shards_matches_a_clean_build_byte_for_byte(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a staging part per seed file and shards of three documents, a rebuild after an edit keeps
    most parts and shards, and its card's Arrow sizes must still be those of a clean build (rows
    taken from the cache once carried bitmaps that a clean build's rows did not)."""
    monkeypatch.setattr(shards, "SHARD_DOCUMENTS", 3)
    monkeypatch.setattr(staged, "PART_FILES", 1)
    build(project, capsys)
    edited = project / "seeds" / EXTRA[0].name
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nA closing line added by an editor.\n", encoding="utf-8"
    )
    build(project, capsys)
    clean = project.parent / "clean"
    build(project, capsys, "--no-cache", "--out", str(clean))
    assert files(clean) == files(project / "dist")


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
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # every file's digest is remembered
    build(project, capsys)
    (project / "seeds" / EXTRA[1].name).unlink()
    build(project, capsys)
    with sqlite3.connect(project / ".cache" / CACHE_FILE) as db:
        (entries,) = db.execute("SELECT count(*) FROM silver").fetchone()
        remembered = {Path(path).name for (path,) in db.execute("SELECT path FROM seed_digests")}
    assert entries == seed_count(project)
    assert remembered == {p.name for p in (project / "seeds").glob("*.txt")}


def write_seeds(folder: Path, texts: dict[str, str]) -> list[str]:
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(texts)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the seed files the cache reads to key them, in order."""
    seen: list[str] = []
    real = cache.seed_bytes

    def counted(path: Path) -> bytes:
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(cache, "seed_bytes", counted)
    return seen


@pytest.mark.slow
def test_a_rebuild_reads_only_the_seed_files_whose_signature_changed(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys from remembered digests are the keys of the files' bytes; a file is read again when its
    size, modification time, change time or inode moved, even by an edit that keeps its size and
    puts its modification time back (its change time still moves)."""
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    seeds = tmp_path / "seeds"
    names = write_seeds(
        seeds, {"a.txt": "Alpha.\n", "b.txt": "Beta.\n", "c.txt": "Gamma.\n", "d.txt": "D.\n"}
    )
    with SilverCache(tmp_path / CACHE_FILE, "fp") as store:

        def expected() -> list[bytes]:
            return [store.key(name, (seeds / name).read_bytes()) for name in names]

        assert store.keys(seeds, names) == expected()
        assert reads == names
        reads.clear()
        assert store.keys(seeds, names) == expected()
        assert reads == []

        before = (seeds / "a.txt").stat()
        (seeds / "a.txt").write_text("Alphx.\n", encoding="utf-8")  # same size, same mtime put back
        os.utime(seeds / "a.txt", ns=(before.st_atime_ns, before.st_mtime_ns))
        (seeds / "b.txt").write_text("Beta, longer.\n", encoding="utf-8")
        (seeds / "c.new").write_text("Gamma!\n", encoding="utf-8")  # an editor's save: a new inode
        os.replace(seeds / "c.new", seeds / "c.txt")
        keys = store.keys(seeds, names)
        assert keys == expected()
        assert reads == ["a.txt", "b.txt", "c.txt"]


def test_a_seed_file_changed_within_the_settling_time_is_read_again(tmp_path: Path, reads: list[str]) -> None:
    """A file changed just now may change again within the file system's timestamp granularity
    without its signature moving: its digest is not remembered, so the next build reads it."""
    seeds = tmp_path / "seeds"
    names = write_seeds(seeds, {"a.txt": "Alpha.\n"})
    with SilverCache(tmp_path / CACHE_FILE, "fp") as store:
        first = store.keys(seeds, names)
        assert store.keys(seeds, names) == first
    assert reads == ["a.txt", "a.txt"]


def test_keying_seed_files_leaves_the_cache_free_for_another_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two builds of one project share its cache: the digests one build learns while keying its files
    are committed at once, not held in an open write through its whole annotation."""
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    seeds = tmp_path / "seeds"
    names = write_seeds(seeds, {"a.txt": "Alpha.\n", "b.txt": "Beta.\n"})
    with SilverCache(tmp_path / CACHE_FILE, "fp") as store:
        store.keys(seeds, names)
        other = sqlite3.connect(tmp_path / CACHE_FILE, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" while the first build holds a write
            (remembered,) = other.execute("SELECT count(*) FROM seed_digests").fetchone()
            other.rollback()
        finally:
            other.close()
    assert remembered == len(names)


def test_prune_keeps_the_digests_of_the_files_keyed_and_only_those(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keying records ranges of paths, not one row per file: the digests of files not keyed (gone, or
    left out, inside a range, or of another folder) are dropped; a file keyed by a later call keeps its
    digest."""
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    seeds, other = tmp_path / "seeds", tmp_path / "other"
    names = write_seeds(seeds, {f"{c}.txt": f"{c}.\n" for c in "abcdefg"})
    write_seeds(other, {"z.txt": "Z.\n"})

    def remembered() -> set[str]:
        with sqlite3.connect(tmp_path / CACHE_FILE) as db:
            return {os.path.relpath(p, tmp_path) for (p,) in db.execute("SELECT path FROM seed_digests")}

    with SilverCache(tmp_path / CACHE_FILE, "fp") as store:
        store.keys(seeds, names)
        store.keys(other, ["z.txt"])
        store.prune()
    assert remembered() == {f"seeds/{n}" for n in names} | {"other/z.txt"}
    (seeds / "b.txt").unlink()
    reads.clear()
    with SilverCache(tmp_path / CACHE_FILE, "fp") as store:
        store.keys(seeds, ["a.txt", "c.txt", "g.txt"])  # b.txt is gone; d, e and f are not keyed here
        store.keys(seeds, ["e.txt"])  # but e.txt is, later
        store.prune()
    assert reads == []
    assert remembered() == {f"seeds/{n}" for n in ("a.txt", "c.txt", "e.txt", "g.txt")}


def test_a_seed_file_gone_before_it_is_keyed_is_an_error_naming_it(tmp_path: Path) -> None:
    with SilverCache(tmp_path / CACHE_FILE, "fp") as store, pytest.raises(InputError, match=r"gone\.txt"):
        store.keys(tmp_path, ["gone.txt"])


def test_no_cache_reads_and_writes_none(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project, capsys, "--no-cache") == ""
    assert not (project / ".cache").exists()


def test_a_refused_out_folder_makes_no_cache_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The output folder is checked before the knowledge (whose registry names the cache folder keeps)
    is loaded: a build refused at once leaves nothing behind."""
    assert cli.main(["build", "-C", str(project), "--no-progress", "--out", str(project / "seeds")]) != 0
    assert "seeds folder" in capsys.readouterr().err
    assert not (project / ".cache").exists()


def test_a_build_keeps_the_registry_names_in_the_cache_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beside the silver cache, in the same folder (with ``--no-cache``, neither: see above)."""
    build(project, capsys)
    assert (project / ".cache" / registries.CACHE_FILE).is_file()


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
