"""Builds of one project run at once (real processes): the split ledger never loses an entry.

Two builds started together used to both read the ledger, and the last one to finish wrote its own
entries over the other's. The project lock serialises them; the ledger write joins what is on disk.
"""

from __future__ import annotations

import random
import subprocess
import time
from pathlib import Path

import pytest

from dataset_builder.lock import TIMEOUT_ENV, cache_lock, lock_path, project_lock
from dataset_builder.project import CACHE_ENV, init_project
from dataset_builder.splits import Assignment, SplitLedger
from tests.support.cli_process import run_cli

CITIES = ["Cairo", "Paris", "Berlin", "Madrid", "Rome", "Tokyo", "Lima", "Oslo"]


def _article(n: int) -> str:
    """A small English article of its own event: its people appear nowhere else."""
    city = CITIES[n % len(CITIES)]
    return (
        f"Minister Zorblat{n} met President Quintor{n} in {city} on Monday.\n\n"
        f"Zorblat{n} said the talks in {city} about trade and water were good for both countries.\n"
    )


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    init_project(root)
    return root


def _seeds(root: Path, name: str, numbers: list[int], padding: int = 0) -> Path:
    """Articles ``numbers`` in a seeds folder of the project; ``padding`` lines of plain text after
    each make a build last long enough for another to start while it holds the lock."""
    folder = root / name
    folder.mkdir()
    filler = "The talks went on for many hours and covered trade, water and transport.\n" * padding
    for n in numbers:
        (folder / f"{n:03d}_article.txt").write_text(_article(n) + filler, encoding="utf-8")
    return folder


def _build(root: Path, seeds: Path, delay: float = 0.0) -> subprocess.Popen[str]:
    time.sleep(delay)
    args = ["build", "-C", str(root), "--seeds", str(seeds), "--no-progress", "--workers", "1", "--no-cache"]
    return run_cli(args, cwd=root)


def _ledger(root: Path) -> dict[str, Assignment]:
    return SplitLedger.read(root / "annotations" / "splits.json").to_dict()


def _finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    outputs = [p.communicate(timeout=600) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs, strict=True)]


@pytest.mark.slow
def test_two_builds_at_once_keep_both_ledgers_entries(tmp_path: Path) -> None:
    """Case 1: build X (its own new files) and build Y (others) at once; X's entries used to be lost."""
    root = _project(tmp_path)
    # long enough that the second build starts while the first holds the lock, however fast they run
    x, y = _seeds(root, "seeds-x", [1, 2, 3], padding=4000), _seeds(root, "seeds-y", [4, 5], padding=4000)
    procs = [_build(root, x), _build(root, y)]
    results = _finish(procs)
    assert all(p.returncode == 0 for p in procs), results
    ledger = _ledger(root)
    assert {d.split("-")[0] for d in ledger} == {f"{n:03d}_article" for n in [1, 2, 3, 4, 5]}, ledger
    waited = [err for _, _, err in results if "waiting for another dataset-builder command (build" in err]
    assert len(waited) == 1, results  # the second one said what it waits for


def test_a_command_that_cannot_get_the_lock_refuses_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    monkeypatch.setenv(TIMEOUT_ENV, "1")
    with project_lock(root, "labelstudio pull"):
        proc = run_cli(["build", "-C", str(root), "--no-progress", "--no-cache"], cwd=root)
        _, err = proc.communicate(timeout=120)
    lines = err.strip().splitlines()
    assert proc.returncode == 2, err
    assert (
        lines[-1].startswith("error: ") and "labelstudio pull, pid" in lines[-1] and "gave up waiting" in err
    )
    assert "Traceback" not in err and not (root / "dist").exists()


def test_a_build_waits_for_a_cache_folder_another_project_is_using(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder shared through the environment holds what each build keeps for its next one
    and prunes the rest: a build of another project there waits, then refuses in one line naming it."""
    root, shared = _project(tmp_path), tmp_path / "shared-cache"
    _seeds(root, "more", [1])
    monkeypatch.setenv(CACHE_ENV, str(shared))
    monkeypatch.setenv(TIMEOUT_ENV, "1")
    with cache_lock(shared, "build"):
        proc = run_cli(
            ["build", "-C", str(root), "--seeds", str(root / "more"), "--no-progress"], cwd=tmp_path
        )
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    last = err.strip().splitlines()[-1]
    assert (
        last.startswith(f"error: {shared}: ") and "(build, pid" in last and "using this cache folder" in last
    )
    assert "Traceback" not in err and not (root / "dist").exists() and not lock_path(root).exists()
    proc = run_cli(["build", "-C", str(root), "--seeds", str(root / "more"), "--no-progress"], cwd=tmp_path)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err  # once the other one is done
    assert not (shared / "lock").exists()


def test_a_cache_folder_named_as_the_projects_own_is_locked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project's own ``.cache`` named through the environment (another spelling of it): one lock,
    not a second one on the same file that would wait for the first."""
    root = _project(tmp_path)
    _seeds(root, "more", [1])
    monkeypatch.setenv(CACHE_ENV, str(root / "more" / ".." / ".cache"))
    monkeypatch.setenv(TIMEOUT_ENV, "1")
    proc = run_cli(["build", "-C", str(root), "--seeds", str(root / "more"), "--no-progress"], cwd=tmp_path)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_random_interleavings_of_builds_never_lose_or_move_an_entry(tmp_path: Path, seed: int) -> None:
    """Property: rounds of 3 builds started at random moments, each adding random documents (some
    shared between builds); after every round each recorded document keeps its entry unchanged."""
    rng = random.Random(seed)
    root = _project(tmp_path)
    recorded: dict[str, Assignment] = {}
    pool = list(range(1, 13))
    for round_ in range(2):
        procs = []
        for i in range(3):
            numbers = sorted(rng.sample(pool, rng.randint(1, 4)))
            seeds = _seeds(root, f"seeds-{round_}-{i}", numbers)
            procs.append(_build(root, seeds, delay=rng.uniform(0, 1.5)))
        results = _finish(procs)
        assert all(code == 0 for code, _, _ in results), results
        ledger = _ledger(root)
        assert {d: ledger.get(d) for d in recorded} == recorded  # nothing lost, nothing moved
        built = {f"{n:03d}_article" for i in range(3) for n in _numbers(root / f"seeds-{round_}-{i}")}
        assert built <= {d.split("-")[0] for d in ledger}
        recorded = ledger


def _numbers(seeds: Path) -> list[int]:
    return [int(p.name[:3]) for p in seeds.glob("*.txt")]


def test_a_waiter_names_the_command_that_has_just_taken_the_lock(tmp_path: Path) -> None:
    """The holder writes its name just after it takes the lock: a waiter reading in between used to
    say it waits for "starting" (seen in CI); it now gives the name a moment to appear."""
    import fcntl
    import os
    import threading

    from dataset_builder import lock

    path = lock.lock_path(_project(tmp_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    waiter = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # taken, no name written yet
    said: list[str] = []
    writer = threading.Timer(0.3, lambda: os.pwrite(holder, b"4242 build\n", 0))
    writer.start()
    try:
        with pytest.raises(lock.InputError, match="build, pid 4242"):
            names = lock._Names(str(tmp_path), "writing into this project", "this project")
            lock._acquire(waiter, path, time.monotonic() + 1.0, False, said.append, names)
    finally:
        writer.join()
        os.close(waiter)
        os.close(holder)
    assert said == [
        "waiting for another dataset-builder command (build, pid 4242) to finish with this project…"
    ]
