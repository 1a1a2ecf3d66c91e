"""A rebuild takes the staged rows of unchanged seed files back from the last build, and writes byte for
byte what a clean build writes, whatever changed in between.

Every test runs the real CLI on a project of its own (the repository's seeds and gold, plus a few
silver articles: gold is never taken back), with the cache in that project's ``.cache``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import REPO
from test_cache import EXTRA, build, files, project  # noqa: F401 (project: a fixture)

from dataset_builder import schema
from dataset_builder.staged import KEY, STAGED_FILE, StagingWriter, read_batches


def _staged(root: Path) -> Path:
    return root / ".cache" / STAGED_FILE


def _group(root: Path, documents: list[str]) -> None:
    """A curated event of ``documents`` in the project's ``groups.json``."""
    path = root / "annotations" / "groups.json"
    groups = json.loads(path.read_text(encoding="utf-8"))
    groups["events"].append({"id": "curated-in-a-test", "documents": documents})
    path.write_text(json.dumps(groups, ensure_ascii=False, indent=2), encoding="utf-8")


def _ungroup(root: Path) -> None:
    path = root / "annotations" / "groups.json"
    groups = json.loads(path.read_text(encoding="utf-8"))
    groups["events"] = [g for g in groups["events"] if g["id"] != "curated-in-a-test"]
    path.write_text(json.dumps(groups, ensure_ascii=False, indent=2), encoding="utf-8")


def _edit(root: Path) -> None:
    seed = root / "seeds" / EXTRA[0].name
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\nA closing line added by an editor.\n", encoding="utf-8"
    )


def _add(root: Path) -> None:
    added = sorted((REPO / "tests" / "data" / "tuning").glob("t_*.txt"))[len(EXTRA)]
    shutil.copy(added, root / "seeds" / "z_added.txt")


CHANGES: dict[str, tuple[Callable[[Path], None] | None, Callable[[Path], None] | None]] = {
    "nothing": (None, None),
    "an edited article": (None, _edit),
    "a removed article": (None, lambda p: (p / "seeds" / EXTRA[1].name).unlink()),
    "an added article": (None, _add),
    "a new curated event": (None, lambda p: _group(p, [EXTRA[0].stem, EXTRA[2].stem])),
    "a curated event undone": (lambda p: _group(p, [EXTRA[0].stem, EXTRA[2].stem]), _ungroup),
    "a damaged staging table": (None, lambda p: _staged(p).write_bytes(b"ARROW1 not an Arrow file")),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_rebuild_that_takes_rows_back_writes_what_a_clean_build_writes(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    change: str,
) -> None:
    before, after = CHANGES[change]
    if before is not None:
        before(project)
    build(project, capsys)
    assert _staged(project).is_file()
    if after is not None:
        after(project)
    build(project, capsys)
    rebuilt = files(project / "dist")
    _staged(project).unlink()
    build(project, capsys, "--out", str(project / "clean"))
    assert files(project / "clean") == rebuilt


def _retitle(root: Path, seed_file: str, title: str) -> None:
    """Change the staged title of ``seed_file``'s documents (as if the last build had given it)."""
    table = pa.Table.from_batches(list(read_batches(_staged(root))))
    titles = pc.if_else(
        pc.equal(table.column(schema.SEED_FILE), seed_file), title, table.column(schema.TITLE)
    )
    table = table.set_column(table.schema.get_field_index(schema.TITLE), schema.TITLE, titles)
    with StagingWriter(_staged(root)) as writer:
        writer.add(table)
        writer.close()


def _titles(root: Path, seed_file: str) -> set[str]:
    table = pa.concat_tables(pq.read_table(p) for p in sorted((root / "dist").rglob("documents/*.parquet")))
    return {
        t
        for s, t in zip(*(table.column(c).to_pylist() for c in (schema.SEED_FILE, schema.TITLE)), strict=True)
        if s == seed_file
    }


def test_the_rows_of_an_unchanged_silver_file_are_taken_back_and_never_those_of_a_changed_one(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    build(project, capsys)
    unchanged, edited = EXTRA[2].name, EXTRA[0].name
    gold = next(
        p.name for p in sorted((project / "seeds").glob("*.txt")) if p.name not in {e.name for e in EXTRA}
    )
    for seed_file in (unchanged, edited, gold):
        _retitle(project, seed_file, "taken back")
    _edit(project)
    build(project, capsys)
    assert _titles(project, unchanged) == {"taken back"}  # the row, not the document made again
    assert "taken back" not in _titles(project, edited)  # a new key: annotated again
    assert "taken back" not in _titles(project, gold)  # gold is applied again, never taken back
    assert next(read_batches(_staged(project))).schema.names[-1] == KEY
