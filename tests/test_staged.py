"""A rebuild takes the staged rows of unchanged seed files back from the last build, and writes byte for
byte what a clean build writes, whatever changed in between.

Every test runs the real CLI on a project of its own (the repository's seeds and gold, plus a few
silver articles: gold is never taken back), with the cache in that project's ``.cache``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path, PurePath
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cache import EXTRA, build, files, project  # noqa: F401 (project: a fixture)

from dataset_builder import cli, configs, schema, staged
from dataset_builder.staged import (
    INDEX_FILE,
    KEY,
    STAGED_DIR,
    StagedTable,
    StagingWriter,
    plan_reuse,
    read_batches,
    staging_schema,
)


def _staged(root: Path) -> Path:
    return root / ".cache" / STAGED_DIR


def _parts(root: Path) -> list[str]:
    """The part files of the project's staging table, in order."""
    return [p.name for p in StagedTable.read(_staged(root)).parts]


@pytest.fixture(params=[2, staged.PART_FILES], ids=["parts of a few files", "one part"])
def part_files(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Builds whose staging tables end a part after about every other seed file, or (the default, on
    so few files) hold one part."""
    monkeypatch.setattr(staged, "PART_FILES", request.param)
    return int(request.param)


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


def _rename_first_part(root: Path, name: str) -> None:
    index = _staged(root) / INDEX_FILE
    data = json.loads(index.read_text(encoding="utf-8"))
    data["parts"][0]["name"] = name
    index.write_text(json.dumps(data), encoding="utf-8")


CHANGES: dict[str, tuple[Callable[[Path], None] | None, Callable[[Path], None] | None]] = {
    "nothing": (None, None),
    "an edited article": (None, _edit),
    "a removed article": (None, lambda p: (p / "seeds" / EXTRA[1].name).unlink()),
    "an added article": (None, _add),
    "a new curated event": (None, lambda p: _group(p, [EXTRA[0].stem, EXTRA[2].stem])),
    "a curated event undone": (lambda p: _group(p, [EXTRA[0].stem, EXTRA[2].stem]), _ungroup),
    "a damaged staging table": (
        None,
        lambda p: (_staged(p) / _parts(p)[-1]).write_bytes(b"ARROW1 not Arrow"),
    ),
    "a damaged index": (None, lambda p: (_staged(p) / INDEX_FILE).write_text("{oops", encoding="utf-8")),
    "a part gone": (None, lambda p: (_staged(p) / _parts(p)[0]).unlink()),
    "an index naming a file elsewhere": (None, lambda p: _rename_first_part(p, "../silver.sqlite")),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_rebuild_that_takes_rows_back_writes_what_a_clean_build_writes(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    change: str,
    part_files: int,
) -> None:
    before, after = CHANGES[change]
    if before is not None:
        before(project)
    build(project, capsys)
    assert _parts(project)
    if after is not None:
        after(project)
    build(project, capsys)
    rebuilt = files(project / "dist")
    again = _parts(project)
    assert sorted(p.name for p in _staged(project).glob("*.arrow")) == sorted(again)  # the others removed
    build(project, capsys)  # a rebuild of the rebuild: every part taken whole where it can be
    assert files(project / "dist") == rebuilt and _parts(project) == again
    shutil.rmtree(_staged(project))
    build(project, capsys, "--out", str(project / "clean"))
    assert files(project / "clean") == rebuilt


def _damage_tokens(path: Path) -> None:
    """Overwrite the middle of the first batch's compressed ``ner`` token strings in a part file: a
    batch damaged where :func:`plan_reuse` does not read (it reads the few columns it checks)."""
    with pa.OSFile(str(path)) as source:
        batch = pa.ipc.open_file(source).get_batch(0)
    strings = batch.column(configs.STAGED_TOKENS[schema.TOKENS]).buffers()[-1]
    compressed = pa.compress(strings, codec="lz4", asbytes=True)  # as the IPC writer compressed it
    data = bytearray(path.read_bytes())
    at = data.find(compressed)
    assert at > 0 and len(compressed) > 64
    middle = at + len(compressed) // 2
    data[middle : middle + 32] = bytes(32)
    path.write_bytes(bytes(data))


def test_a_staging_table_damaged_in_its_texts_stops_the_rebuild_naming_it_and_leaves_dist(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    build(project, capsys)
    before = files(project / "dist")
    _edit(project)
    damaged = _staged(project) / _parts(project)[-1]
    _damage_tokens(damaged)
    code = cli.main(["build", "-C", str(project), "--no-progress", "--workers", "1"])
    err = capsys.readouterr().err
    assert code != 0 and str(damaged) in err and "--no-cache" in err and "Traceback" not in err
    assert files(project / "dist") == before


def _rewrite(root: Path, change: Callable[[list[dict[str, object]]], list[dict[str, object]]]) -> None:
    """Replace the project's staging table by one of the rows ``change`` makes of its rows (as a build
    keeps it: the parts no longer listed are removed)."""
    rows = pa.Table.from_batches(list(read_batches(StagedTable.read(_staged(root))))).to_pylist()
    writer = StagingWriter(_staged(root))
    writer.add(pa.Table.from_pylist(change(rows), schema=staging_schema()))
    staged.keep(writer.close())


def _tamper(root: Path, seed_file: str) -> None:
    """Give ``seed_file``'s staged rows another title and other tokens (as if the last build had)."""

    def change(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        for row in rows:
            if row[schema.SEED_FILE] == seed_file:
                row[schema.TITLE] = "taken back"
                tokens = row[configs.STAGED_TOKENS[schema.TOKENS]]
                row[configs.STAGED_TOKENS[schema.TOKENS]] = ["taken"] * len(tokens)  # type: ignore[arg-type]
        return rows

    _rewrite(root, change)


def _built(root: Path, config: str) -> pa.Table:
    return pa.concat_tables(pq.read_table(p) for p in sorted((root / "dist").rglob(f"{config}/*.parquet")))


def _taken_back(root: Path, seed_file: str) -> tuple[bool, bool]:
    """Whether the built title and ``ner`` tokens of ``seed_file``'s documents are the tampered ones."""
    documents = _built(root, "documents").to_pylist()
    ids = {d[schema.ID] for d in documents if d[schema.SEED_FILE] == seed_file}
    titles = {d[schema.TITLE] for d in documents if d[schema.ID] in ids}
    tokens = {
        t for r in _built(root, "ner").to_pylist() if r[schema.DOCUMENT_ID] in ids for t in r[schema.TOKENS]
    }
    return titles == {"taken back"}, tokens == {"taken"}


def test_the_rows_of_an_unchanged_silver_file_are_taken_back_and_never_those_of_a_changed_one(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    part_files: int,
) -> None:
    """Title and ``ner`` tokens (a rebuild tokenises only the documents that changed) come back from
    the staged rows for an unchanged silver file, whether its part is taken whole or row by row;
    never for an edited file nor for gold, whether or not their part holds files taken back."""
    build(project, capsys)
    unchanged, edited = EXTRA[2].name, EXTRA[0].name
    gold = next(
        p.name for p in sorted((project / "seeds").glob("*.txt")) if p.name not in {e.name for e in EXTRA}
    )
    for seed_file in (unchanged, edited, gold):
        _tamper(project, seed_file)
    _edit(project)
    build(project, capsys)
    assert _taken_back(project, unchanged) == (True, True)  # the rows, not the documents made again
    assert _taken_back(project, edited) == (False, False)  # a new key: annotated again
    assert _taken_back(project, gold) == (False, False)  # gold is applied again, never taken back
    assert next(read_batches(StagedTable.read(_staged(project)))).schema.names[-1] == KEY


def test_a_rebuild_after_an_edit_writes_the_edited_files_part_alone(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a part per file, an edited silver file's part is written again and every silver part
    whose file did not change is kept as it is (the gold files' parts are written again, the same)."""
    monkeypatch.setattr(staged, "PART_FILES", 1)
    build(project, capsys)
    before = _parts(project)
    _edit(project)
    build(project, capsys)
    after = _parts(project)
    assert len(after) == len(before) and len(set(after) - set(before)) == 1
    edited = sorted((project / "seeds").glob("*.txt")).index(project / "seeds" / EXTRA[0].name)
    assert after[edited] != before[edited]


def test_a_staged_table_replaced_while_a_build_reads_it_stops_the_build_not_a_document(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two projects sharing a cache folder ($DATASET_BUILDER_CACHE) may replace each other's table
    between the plan and the read: a file's rows missing then would be documents missing silently."""
    build(project, capsys)
    before = files(project / "dist")
    plan = staged.plan_reuse

    def plan_then_replace(cache_dir: Path, human_ids: set[str]) -> staged.Reuse:
        reuse = plan(cache_dir, human_ids)
        _rewrite(project, lambda rows: [r for r in rows if r[schema.SEED_FILE] != EXTRA[2].name])
        return reuse

    monkeypatch.setattr(staged, "plan_reuse", plan_then_replace)
    code = cli.main(["build", "-C", str(project), "--no-progress", "--workers", "1"])
    err = capsys.readouterr().err
    assert code != 0 and "build again" in err.lower() and "Traceback" not in err
    assert files(project / "dist") == before


@st.composite
def staged_files(draw: st.DrawFn) -> list[dict[str, object]]:
    """Staging rows of a few seed files (consecutive, one key each), each row plain silver or not in
    one of the ways that keep a file from being taken back."""
    rows: list[dict[str, object]] = []
    for n in range(draw(st.integers(0, 12))):
        stem = f"f{n:02}" + draw(st.sampled_from(["", "", ".v2", ".a.b", " x"]))
        name = stem + draw(st.sampled_from([".txt", ".txt", ".TXT"]))
        languages = draw(st.lists(st.sampled_from(["ar", "en"]), min_size=1, max_size=3))
        for i, language in enumerate(languages):
            paired = len(set(languages)) > 1
            rows.append(
                {
                    KEY: stem.encode(),
                    schema.ID: f"f{n:02}-{i}",
                    schema.SEED_FILE: name,
                    schema.LANGUAGE: language,
                    schema.ANNOTATION_STATUS: draw(
                        st.sampled_from([schema.SILVER, schema.SILVER, schema.GOLD])
                    ),
                    schema.EVENT_ID: draw(st.sampled_from([None, None, "curated"])),
                    schema.TRANSLATION_GROUP: draw(
                        st.sampled_from([stem if paired else None, stem if paired else None, "other", name])
                    ),
                }
            )
    return rows


def _reference(rows: list[dict[str, object]], human_ids: set[str]) -> list[tuple[bytes, int]]:
    """The rule, a file at a time: a file is taken back when every row is plain silver."""
    taken = []
    for key in dict.fromkeys(row[KEY] for row in rows):
        members = [row for row in rows if row[KEY] == key]
        paired = len({row[schema.LANGUAGE] for row in members}) > 1
        stem = PurePath(str(members[0][schema.SEED_FILE])).stem
        if all(
            row[schema.ID] not in human_ids
            and row[schema.ANNOTATION_STATUS] == schema.SILVER
            and row[schema.EVENT_ID] is None
            and row[schema.TRANSLATION_GROUP] == (stem if paired else None)
            for row in members
        ):
            taken.append((key, len(members)))
    return taken


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    staged_files(),
    st.integers(1, 7),
    st.integers(1, 3),
    st.sets(st.sampled_from(["f00-0", "f01-1", "f03-0"])),
)
def test_the_files_taken_back_are_those_the_rule_allows_whatever_the_batches(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[dict[str, object]],
    batch_rows: int,
    part_files: int,
    human_ids: set[str],
) -> None:
    """``plan_reuse`` reads the staging table part by part and batch by batch, and a file's rows may
    straddle two batches: the files it takes back, and their document counts, are the rule's on the
    whole table."""
    columns = {f.name: pa.nulls(len(rows), f.type) for f in staging_schema()}
    for name in rows[0] if rows else ():
        columns[name] = pa.array([row[name] for row in rows], staging_schema().field(name).type)
    table = pa.table(columns, schema=staging_schema())
    cache = tmp_path_factory.mktemp("cache")
    with (
        mock.patch.object(staged, "BATCH_ROWS", batch_rows),
        mock.patch.object(staged, "PART_FILES", part_files),
    ):
        writer = StagingWriter(cache / STAGED_DIR)
        writer.add(table)
        staged.keep(writer.close())
        reuse = plan_reuse(cache, human_ids)
    planned = list(
        zip(reuse.rows.column(KEY).to_pylist(), reuse.rows.column("documents").to_pylist(), strict=True)
    )
    assert planned == _reference(rows, human_ids)
    assert sum(p.part.rows for p in reuse.previous) == len(rows)
