"""Shards: cut where the documents say, so that a rebuild keeps the files of the shards that did not
change, and writes byte for byte what a clean build writes whatever it kept.

The builds run the real CLI on a project of its own (:mod:`test_cache`'s), with shards of a few
documents so that every split has several.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cache import EXTRA, files, project  # noqa: F401 (project: a fixture)

from dataset_builder import cli, schema, shards
from dataset_builder.shards import SHARDS_FILE, ShardCutter


def _cut(
    ids: list[str], splits: list[str], every: int, most: int, batch: int
) -> dict[str, list[tuple[str, ...]]]:
    """Each split's shards (their ids, in order), the documents given ``batch`` at a time."""
    cutter = ShardCutter(every, most)
    numbers: list[int] = []
    for at in range(0, len(ids), batch):
        numbers += cutter.shards(ids[at : at + batch], splits[at : at + batch]).to_pylist()
    shards: dict[str, dict[int, list[str]]] = {}
    for doc_id, split, number in zip(ids, splits, numbers, strict=True):
        shards.setdefault(split, {}).setdefault(number, []).append(doc_id)
    for split, numbered in shards.items():
        assert sorted(numbered) == list(range(len(numbered))), f"{split}: shard numbers with a gap"
    return {split: [tuple(numbered[n]) for n in sorted(numbered)] for split, numbered in shards.items()}


_DOCS = st.lists(
    st.tuples(st.uuids().map(str), st.sampled_from(schema.SPLITS)), max_size=200, unique_by=lambda d: d[0]
)


@settings(max_examples=80, deadline=None)
@given(_DOCS, st.tuples(st.uuids().map(str), st.sampled_from(schema.SPLITS)), st.data(), st.integers(1, 50))
def test_a_new_document_changes_only_the_shard_it_joins(
    docs: list[tuple[str, str]], new: tuple[str, str], data: st.DataObject, batch: int
) -> None:
    """Content-defined shards: with a document added anywhere, every other shard keeps its rows
    (the one it joins may also be cut in two), however the documents are batched; shards are
    numbered from 0 without gaps."""
    at = data.draw(st.integers(0, len(docs)))
    after = [*docs[:at], new, *docs[at:]]
    before_shards = _cut([d for d, _ in docs], [s for _, s in docs], 4, 10_000, batch)
    after_shards = _cut([d for d, _ in after], [s for _, s in after], 4, 10_000, 7)
    for split in schema.SPLITS:
        old, now = set(before_shards.get(split, [])), set(after_shards.get(split, []))
        assert len(old - now) <= (split == new[1]) and len(now - old) <= 2 * (split == new[1])


@settings(max_examples=40, deadline=None)
@given(_DOCS, st.integers(1, 6))
def test_no_shard_is_over_its_most_documents(docs: list[tuple[str, str]], most: int) -> None:
    shards = _cut([d for d, _ in docs], [s for _, s in docs], 10**9, most, 13)
    assert all(len(shard) == most for split in shards.values() for shard in split[:-1])
    assert all(0 < len(split[-1]) <= most for split in shards.values())


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_DOCUMENTS", 3)


def _build(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> int:
    """``dataset-builder build`` in the project ``root``; how many shard files it kept (its summary)."""
    assert cli.main(["build", "-C", str(root), "--no-progress", "--workers", "1", *extra]) == 0
    out = capsys.readouterr().out
    line = next((x for x in out.splitlines() if "unchanged parquet shards kept" in x), "0")
    return int(line.split()[0])


def _shards_of(dist: Path) -> dict[str, set[str]]:
    """The ``documents`` shard files of each seed file's documents."""
    out: dict[str, set[str]] = {}
    for path in sorted(dist.glob(schema.data_glob("documents"))):
        for seed_file in pq.read_table(path, columns=[schema.SEED_FILE]).column(schema.SEED_FILE).to_pylist():
            out.setdefault(seed_file, set()).add(path.name)
    return out


def test_a_rebuild_keeps_every_shard_but_the_edited_articles_and_writes_what_a_clean_build_writes(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    small_shards: None,
) -> None:
    assert _build(project, capsys) == 0  # nothing to keep yet
    assert (project / ".cache" / SHARDS_FILE).is_file()
    seed = project / "seeds" / EXTRA[0].name
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\nA closing line added by an editor.\n", encoding="utf-8"
    )
    kept = _build(project, capsys)
    rebuilt = files(project / "dist")
    every = set().union(*_shards_of(project / "dist").values())
    edited = _shards_of(project / "dist")[EXTRA[0].name]
    assert len(every) > len(edited) >= 1  # several shards, the edited article's among them
    assert kept == len(shards.KEPT_CONFIGS) * (len(every) - len(edited))
    assert _build(project, capsys, "--no-cache", "--out", str(project / "clean")) == 0
    assert files(project / "clean") == rebuilt


def test_a_shard_file_changed_since_the_last_build_is_written_again(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    small_shards: None,
) -> None:
    """A file in the output folder whose bytes are not the recorded ones is never kept."""
    _build(project, capsys)
    damaged = sorted((project / "dist").glob(schema.data_glob("ner")))[0]
    damaged.write_bytes(damaged.read_bytes()[:-8] + b"00000000")
    kept = _build(project, capsys)
    every = set().union(*_shards_of(project / "dist").values())
    assert kept == len(shards.KEPT_CONFIGS) * len(every) - 1
    _build(project, capsys, "--no-cache", "--out", str(project / "clean"))
    assert files(project / "clean") == files(project / "dist")


def test_a_damaged_record_is_read_as_empty_or_without_its_damaged_entries(tmp_path: Path) -> None:
    """The record is a cache: what is not as :func:`shards.new_record` writes it is left out, never
    a traceback."""
    good = {"sha256": "ab" * 32, "size": 10, "rows": 2, "bytes": 40}
    for text in ("not json", "[]", '{"format": 0, "files": {}}', '{"format": 1, "files": []}'):
        (tmp_path / SHARDS_FILE).write_text(text, encoding="utf-8")
        assert shards.ShardRecord.read(tmp_path).files == {}
    shards.ShardRecord({"d1": good}).write(tmp_path)
    assert shards.ShardRecord.read(tmp_path).files == {"d1": good}
    damaged = {"d1": good, "d2": {"sha256": 5}, "d3": {**good, "rows": "2"}, "d4": "x"}
    (tmp_path / SHARDS_FILE).write_text(json.dumps({"format": 1, "files": damaged}), encoding="utf-8")
    assert shards.ShardRecord.read(tmp_path).files == {"d1": good}
