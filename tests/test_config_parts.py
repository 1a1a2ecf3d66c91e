"""What the configs pass derived from each staging part, kept: a rebuild takes back the statistics and
``parallel`` rows of the parts whose shards it kept, and writes byte for byte what it writes when it
derives them again, whatever the cache holds.

The builds run the real CLI on :mod:`test_cache`'s project, with shards of a few documents and a
staging part per seed file, so that a rebuild after one edit keeps most shards and parts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from test_cache import EXTRA, files, project  # noqa: F401 (project: a fixture)

from dataset_builder import cli, config_parts, schema, shards, staged
from dataset_builder.release.stats import CardStats
from dataset_builder.rows import documents_table


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_DOCUMENTS", 3)
    monkeypatch.setattr(staged, "PART_FILES", 1)


def _build(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> int:
    """``dataset-builder build`` in the project ``root``; how many parts' rows it took back (its summary)."""
    assert cli.main(["build", "-C", str(root), "--no-progress", "--workers", "1", *extra]) == 0
    out = capsys.readouterr().out
    line = next((x for x in out.splitlines() if "staging parts' statistics" in x), "0")
    return int(line.split()[0])


def _edit(root: Path) -> None:
    seed = root / "seeds" / EXTRA[0].name
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\nA closing line added by an editor.\n", encoding="utf-8"
    )


def _kept_parts(root: Path) -> list[Path]:
    return sorted((root / ".cache" / config_parts.PARTS_DIR).glob("*.arrow"))


def _rebuild_twice(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, int]:
    """After a build and an edit: the rebuild of ``root`` and that of a copy whose kept part rows are
    gone (the same staging parts and kept shards otherwise), whose outputs must be the same bytes;
    how many parts each took back."""
    twin = root.parent / "twin"
    shutil.copytree(root, twin)
    shutil.rmtree(twin / ".cache" / config_parts.PARTS_DIR)
    taken, derived = _build(root, capsys), _build(twin, capsys)
    assert files(root / "dist") == files(twin / "dist")
    return taken, derived


def test_a_rebuild_takes_back_the_unchanged_parts_and_writes_what_deriving_them_writes(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    small_parts: None,
) -> None:
    assert _build(project, capsys) == 0  # nothing kept yet
    parts = len(staged.StagedTable.read(project / ".cache" / staged.STAGED_DIR).parts)
    assert 1 < len(_kept_parts(project)) <= parts
    _edit(project)
    taken, derived = _rebuild_twice(project, capsys)
    assert 0 < taken < parts and derived == 0  # the edited article's part is derived again
    assert _build(project, capsys) >= taken  # nothing changed: at least as many taken back


def test_damaged_kept_parts_are_derived_again(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    small_parts: None,
) -> None:
    _build(project, capsys)
    for path in _kept_parts(project):
        path.write_bytes(path.read_bytes()[:40])
    _edit(project)
    assert _rebuild_twice(project, capsys) == (0, 0)


def _stats(table: pa.Table) -> CardStats:
    stats = CardStats()
    stats.add_batch(table, pa.array([schema.SPLITS[i % 3] for i in range(table.num_rows)], pa.string()))
    return stats


def test_card_statistics_merged_from_kept_counters_are_those_of_the_whole(sample_docs) -> None:
    """The counters of two halves, each through JSON and back, merged: the statistics of the whole."""
    table = documents_table(sample_docs)
    half = table.num_rows // 2
    whole = _stats(table)
    merged = CardStats()
    for rows, offset in ((table.slice(0, half), 0), (table.slice(half), half)):
        stats = CardStats()
        splits = [schema.SPLITS[(offset + i) % 3] for i in range(rows.num_rows)]
        stats.add_batch(rows, pa.array(splits, pa.string()))
        merged.merge(CardStats.from_counters(stats.counters()))
    topic_ids = sorted({t for doc in sample_docs for t in doc.topics})
    assert merged.to_dict(topic_ids) == whole.to_dict(topic_ids)
