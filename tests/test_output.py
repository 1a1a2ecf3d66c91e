"""The output folder: what ``--out`` may replace, the swap, leftovers of killed builds, signals,
filesystem errors. Real folders, real subprocesses and real signals throughout."""

from __future__ import annotations

import fcntl
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECT, TAXONOMY

from dataset_builder import cache, cli
from dataset_builder.build import write_dataset
from dataset_builder.documents import Document
from dataset_builder.output import Checksums, Interrupted, OutputError, sha256_file, write_files_atomic
from tests.support.cli_process import REPO, permissions_apply, run_cli


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repo's project (seeds, annotations, dataset.toml, card), as the working directory."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "annotations", root / "annotations")
    for name in ("dataset.toml", "DATASET_CARD.md"):
        shutil.copy(REPO / name, root / name)
    monkeypatch.chdir(root)
    return root


def build_args(out: str | Path) -> list[str]:
    return ["build", "--seeds", "seeds", "--annotations", "annotations", "--no-progress", "--out", str(out)]


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: file bytes, link targets, and folders (even empty ones)."""
    entries: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            entries[rel] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            entries[rel] = "<dir>"
        else:
            entries[rel] = path.read_bytes()
    return entries


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


# --- what --out may replace -------------------------------------------------------------------------


def _file(path: Path, text: str = "mine") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _built_looking(folder: Path, extra: str) -> str:
    """A folder whose manifest lists its one data file, plus ``extra`` (which it does not list)."""
    _file(folder / "sub" / "a.parquet")
    manifest = {"name": "x", "version": "1.0.0", "rows": {}, "files": {"sub/a.parquet": {"sha256": "0" * 64}}}
    _file(folder / "manifest.json", json.dumps(manifest))
    _file(folder / extra)
    return str(folder)


REFUSED: dict[str, tuple[Callable[[Path], str], str]] = {
    "the seeds folder": (lambda p: "seeds", r"is the seeds folder"),
    "the working directory": (lambda p: ".", r"is the working directory"),
    "a parent of the working directory": (lambda p: "..", r"contains the working directory"),
    "the annotations folder": (lambda p: "annotations", r"is the annotations folder"),
    "a folder inside the annotations": (lambda p: "annotations/dist", r"inside the annotations folder"),
    "a new folder inside the seeds": (lambda p: "seeds/dist", r"inside the seeds folder"),
    "a symlink to the seeds": (
        lambda p: (p / "link").symlink_to(p / "seeds") or "link",
        r"is the seeds folder",
    ),
    "a regular file": (lambda p: _file(p / "notes.txt") or "notes.txt", r"is a file, not a folder"),
    "a folder of someone's notes": (
        lambda p: _file(p.parent / "mine" / "notes.txt") or "../mine",
        r"no valid manifest\.json, and it holds notes\.txt",
    ),
    "a git checkout": (
        lambda p: (
            _file(p.parent / "repo" / ".git" / "HEAD") or _file(p.parent / "repo" / "code.py") or "../repo"
        ),
        r"is a git checkout",
    ),
    "a folder inside .git": (lambda p: _file(p / ".git" / "HEAD") or ".git/dist", r"inside a git repository"),
    "a built folder holding a git checkout": (
        lambda p: _built_looking(p.parent / "built", "sub/.git/HEAD"),
        r"git checkout, sub/\.git",
    ),
    "a built folder holding a file its manifest does not list": (
        lambda p: _built_looking(p.parent / "built", "notes.txt"),
        r"notes\.txt is not in its manifest\.json",
    ),
    "a folder with a manifest that does not parse": (
        lambda p: _file(p.parent / "odd" / "manifest.json", "{") or "../odd",
        r"no valid manifest\.json",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_build_refuses_an_out_it_did_not_write_before_any_work_and_touches_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    make, message = REFUSED[case]
    out = make(project)
    (project / "seeds" / "zzz_empty.txt").write_text("", encoding="utf-8")  # the pipeline would stop here
    before = tree(project.parent)
    assert cli.main(build_args(out)) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: {out}: ") and re.search(message, line), line
    assert "zzz_empty" not in line  # refused before the seeds were read
    assert tree(project.parent) == before


def test_write_dataset_checks_the_folder_before_reading_a_document(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    read: list[str] = []

    def docs() -> Iterator[Document]:
        for doc in sample_docs:
            read.append(doc.id)
            yield doc

    with pytest.raises(OutputError, match="is a file"):
        write_dataset(docs(), tmp_path / "notes.txt", project=PROJECT, taxonomy=TAXONOMY, progress=False)
    assert read == [] and (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_an_empty_folder_and_a_built_folder_are_replaced(tmp_path: Path, sample_docs: list[Document]) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    write_dataset(sample_docs, out, project=PROJECT, taxonomy=TAXONOMY, progress=False)
    first = tree(out)
    assert "manifest.json" in first
    write_dataset(sample_docs[:4], out, project=PROJECT, taxonomy=TAXONOMY, progress=False)
    assert tree(out) != first and sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


# --- leftovers of killed builds -----------------------------------------------------------------------


@pytest.mark.slow
def test_the_next_build_restores_the_backup_of_a_build_killed_between_the_two_renames(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(build_args("dist")) == 0
    before = tree(project / "dist")
    # What a kill between "dist → backup" and "staging → dist" leaves: no dist, the backup, the staging.
    (project / "dist").rename(project / ".dist.old-k1ll3d00")
    (project / ".dist.tmp-k1ll3d00" / "data").mkdir(parents=True)
    (project / ".dist.tmp-notours").mkdir()  # not our naming pattern: never touched
    (project / "seeds" / "zzz_empty.txt").write_text("", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(build_args("dist")) == 2  # this build fails, yet the previous output is back
    err = capsys.readouterr().err
    assert "restored" in err and ".dist.old-k1ll3d00" in err and "removed" in err and "zzz_empty.txt" in err
    assert tree(project / "dist") == before
    assert leftovers(project) == [".dist.tmp-notours"]


@pytest.mark.slow
def test_a_backup_left_beside_a_complete_output_is_removed_and_reported(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(build_args("dist")) == 0
    shutil.copytree(project / "dist", project / ".dist.old-abcd_123")  # killed before the backup's removal
    capsys.readouterr()
    assert cli.main(build_args("dist")) == 0
    out, err = capsys.readouterr()
    assert err.count("removed") == 1 and ".dist.old-abcd_123, left by an interrupted build" in err
    assert ".dist.old-abcd_123" not in out
    assert leftovers(project) == []


def test_the_staging_folder_of_a_live_build_is_left_alone(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    live = tmp_path / ".dist.tmp-l1vebu1d"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # what a running build holds on its staging folder
    try:
        write_dataset(sample_docs, tmp_path / "dist", project=PROJECT, taxonomy=TAXONOMY, progress=False)
        assert live.is_dir()
    finally:
        os.close(fd)
    result = write_dataset(sample_docs, tmp_path / "dist", project=PROJECT, taxonomy=TAXONOMY, progress=False)
    assert not live.exists() and any(live.name in w for w in result.notes)


# --- signals --------------------------------------------------------------------------------------


def wait_for(found: Callable[[], Path | None], proc: subprocess.Popen[str], seconds: float = 120) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        path = found()
        if path is not None:
            return path
        if proc.poll() is not None:
            pytest.fail(f"the build ended before the staging folder appeared: {proc.communicate()}")
        time.sleep(0.002)
    proc.kill()
    pytest.fail("the staging folder never appeared")


def stopped_mid_build(project: Path) -> subprocess.Popen[str]:
    """A real CLI build, frozen (SIGSTOP) while its staging folder exists."""
    proc = run_cli(build_args("dist"), project)
    wait_for(lambda: next(project.glob(".dist.tmp-*"), None), proc)
    os.kill(proc.pid, signal.SIGSTOP)
    assert next(project.glob(".dist.tmp-*"), None) is not None
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_signal_mid_build_removes_the_staging_folder_and_keeps_the_previous_output(
    project: Path, signum: signal.Signals
) -> None:
    assert cli.main(build_args("dist")) == 0
    before = tree(project / "dist")
    proc = stopped_mid_build(project)
    os.kill(proc.pid, signum)
    os.kill(proc.pid, signal.SIGCONT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum
    assert one_error_line(err) == (
        f"error: interrupted by {signum.name}: nothing written, {project / 'dist'} left as it was"
    )
    assert leftovers(project) == [] and tree(project / "dist") == before


@pytest.mark.slow
def test_the_next_build_removes_what_a_killed_build_left(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(build_args("dist")) == 0
    before = tree(project / "dist")
    proc = stopped_mid_build(project)
    proc.kill()  # SIGKILL: no handler runs
    proc.communicate(timeout=120)
    [staging] = leftovers(project)
    assert tree(project / "dist") == before
    capsys.readouterr()
    assert cli.main(build_args("dist")) == 0
    assert f"removed {project / staging}" in capsys.readouterr().err
    assert leftovers(project) == [] and tree(project / "dist") == before


def test_a_signal_in_process_raises_interrupted_and_restores_the_previous_handlers(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    out = tmp_path / "dist"
    write_dataset(sample_docs, out, project=PROJECT, taxonomy=TAXONOMY, progress=False)
    before = tree(out)

    def docs() -> Iterator[Document]:
        yield from sample_docs[:3]
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler's exception ends the sleep
        yield from sample_docs[3:]

    def mine(signum: int, frame: Any) -> None:
        raise AssertionError("the build's handler should be installed")

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        with pytest.raises(Interrupted) as exc:
            write_dataset(docs(), out, project=PROJECT, taxonomy=TAXONOMY, progress=False)
        assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert exc.value.exit_code == 143 and str(exc.value).startswith("interrupted by SIGTERM")
    assert tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_atomic_files_are_all_or_nothing_under_a_signal(tmp_path: Path) -> None:
    old = tmp_path / "a.json"
    old.write_bytes(b"old")

    class Interrupting(dict[Path, bytes]):
        """Files whose writing a real SIGTERM interrupts after the first one is staged."""

        def items(self) -> Iterator[tuple[Path, bytes]]:  # type: ignore[override]
            pairs = iter(dict(self).items())
            yield next(pairs)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)  # the handler's exception ends the sleep
            yield from pairs

    def mine(signum: int, frame: Any) -> None:
        raise AssertionError("the writer's handler should be installed")

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        with pytest.raises(Interrupted):
            write_files_atomic(Interrupting({tmp_path / "b.json": b"b", old: b"new"}))
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert old.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.json"]
    write_files_atomic({old: b"new", tmp_path / "b.json": b"b"})
    assert old.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


# --- filesystem errors ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_write_error_mid_build_is_one_line_naming_the_folder(project: Path) -> None:
    # the copied seed files settle first (the silver cache's racy rule), so the first build remembers
    # their digests and the second has nothing to write into the cache before the dataset
    time.sleep(cache.SETTLED_NS / 1e9)
    assert cli.main(build_args("dist")) == 0
    before = tree(project / "dist")

    def small_files() -> None:  # a real EFBIG from the kernel, like a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = run_cli(build_args("dist"), project, preexec_fn=small_files)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    line = one_error_line(err)
    assert (
        line.startswith(f"error: {project / 'dist'}: could not write the dataset: ") and "too large" in line
    )
    assert leftovers(project) == [] and tree(project / "dist") == before


def test_an_unwritable_parent_is_one_line_naming_it_before_any_work(project: Path) -> None:
    (project / "seeds" / "zzz_empty.txt").write_text("", encoding="utf-8")  # the pipeline would stop here
    locked = project / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        for out, named in ((locked / "dist", locked), (locked / "new" / "dist", locked / "new")):
            proc = run_cli(build_args(out), project, **permissions_apply())
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 2
            line = one_error_line(err)
            assert line.startswith(f"error: {named}: ") and "Permission denied" in line, line
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_checksums_read_a_file_once_and_again_once_it_changed(tmp_path: Path) -> None:
    """A build's Croissant and manifest share one :class:`Checksums`: a remembered or hashed file is not
    read again, but one rewritten since is."""
    path = tmp_path / "shard.parquet"
    path.write_bytes(b"rows")
    checksums = Checksums()
    checksums.remember(path, "known from its checked copy")
    assert checksums.sha256(path) == "known from its checked copy"  # not read again
    os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns + 1_000_000))
    first = checksums.sha256(path)
    assert first == sha256_file(path)  # touched: hashed again
    path.write_bytes(b"other rows")
    assert checksums.sha256(path) == sha256_file(path) != first
