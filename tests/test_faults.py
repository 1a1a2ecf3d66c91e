"""Faults a user can reach, each answered in one line naming the file, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset_builder.output import OutputError, write_atomic, write_files_atomic


def test_a_name_that_fits_is_written_even_when_a_temp_name_beside_it_would_not(tmp_path: Path) -> None:
    """Case 6: the temp file (`.NAME.xxxxxxxx.tmp`) was 14 bytes longer than the file, so a
    251-character name failed, naming the temp file instead of the seed's."""
    path = tmp_path / ("L" * 246 + "-ar.json")
    write_atomic(path, b"{}")
    assert path.read_bytes() == b"{}" and [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_name_too_long_for_the_file_system_is_refused_naming_it_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    ok, long = tmp_path / "ok.json", tmp_path / ("L" * 251 + "-ar.json")
    with pytest.raises(OutputError) as refused:
        write_files_atomic({ok: b"1", long: b"2"})
    message = str(refused.value)
    assert (
        message.startswith(f"{long}: file name too long (259 bytes, at most 255)") and ".tmp" not in message
    )
    assert list(tmp_path.iterdir()) == []


def test_a_refused_build_creates_no_silver_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Case 10: `build --out seeds` was refused, but `.cache/silver.sqlite` had been created first."""
    from dataset_builder import cli
    from dataset_builder.project import CACHE_ENV, init_project

    root = tmp_path / "project"
    init_project(root)
    monkeypatch.delenv(CACHE_ENV, raising=False)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert cli.main(["build", "-C", str(root), "--out", str(root / "seeds"), "--no-progress"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {root / 'seeds'}: ")
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


@pytest.mark.slow
@pytest.mark.parametrize("row", ["[[1, 2]]", "{oops", '"text"'])
def test_a_silver_cache_row_of_the_wrong_shape_is_one_line_naming_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], row: str
) -> None:
    """Case 5: a row of the wrong shape was a traceback (ValueError, JSONDecodeError), exit 1."""
    import shutil
    import sqlite3

    from dataset_builder import cli
    from dataset_builder.cache import CACHE_FILE
    from dataset_builder.project import CACHE_ENV, init_project
    from dataset_builder.staged import STAGED_DIR

    root = tmp_path / "project"
    init_project(root)
    shutil.copy(sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))[0], root / "seeds")
    monkeypatch.delenv(CACHE_ENV, raising=False)
    args = ["build", "-C", str(root), "--no-progress", "--workers", "1"]
    assert cli.main(args) == 0
    capsys.readouterr()
    with sqlite3.connect(root / ".cache" / CACHE_FILE) as db:
        db.execute("UPDATE silver SET documents = ?", (row,))
    shutil.rmtree(root / ".cache" / STAGED_DIR)  # else the unchanged file's rows are taken from there
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {root / '.cache' / CACHE_FILE}: a damaged"), err


def test_two_seed_files_whose_names_differ_only_in_the_suffix_case_are_both_named(tmp_path: Path) -> None:
    """Case 10: `dup.txt` and `dup.TXT` give the same document ids; the error named only one file."""
    from dataset_builder.errors import InputError
    from dataset_builder.seeds import seed_files

    for name in ("dup.txt", "dup.TXT", "other.txt"):
        (tmp_path / name).write_text("Cairo met Paris.\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        seed_files(tmp_path)
    assert str(tmp_path / "dup.TXT") in str(refused.value) and str(tmp_path / "dup.txt") in str(refused.value)


def test_init_into_a_symbolic_link_to_an_empty_folder_fills_the_folder(tmp_path: Path) -> None:
    """Case 10: `init LINK` (LINK → an empty folder) failed with "Not a directory"."""
    from dataset_builder.project import init_project

    folder, link = tmp_path / "real", tmp_path / "link"
    folder.mkdir()
    link.symlink_to(folder)
    project = init_project(link)
    assert project.root == folder and (folder / "dataset.toml").is_file() and link.is_symlink()
