"""SIGTERM to a build on a real local Ray cluster ends it as it ends a local build: one line, 143."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dataset_builder.project import init_project

pytest.importorskip("ray")
REPO = Path(__file__).resolve().parent.parent
BUILD = ["build", "--executor", "ray", "--workers", "1", "--no-cache", "--no-progress"]


def _descendants(pid: int) -> list[str]:
    """Command lines of the processes below ``pid`` (Ray's workers are the raylet's children)."""
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if entry.name.isdigit():
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                parents.setdefault(parent, []).append((int(entry.name), cmdline))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [pid]
    while todo:
        for child, cmdline in parents.get(todo.pop(), []):
            found.append(cmdline)
            todo.append(child)
    return found


def _annotating(cmdlines: list[str]) -> bool:
    """A Ray worker runs one of the build's shards: ray.init has returned and shards are out."""
    return any(c.startswith("ray::_ray_shard") for c in cmdlines)


def _cluster_up(cmdlines: list[str]) -> bool:
    return any("raylet" in c for c in cmdlines)


def _wait_for(proc: subprocess.Popen[str], reached: Callable[[list[str]], bool], what: str) -> None:
    """Poll the build's process tree until ``reached`` holds (the build must still be running)."""
    deadline = time.monotonic() + 240
    while not reached(_descendants(proc.pid)):
        assert proc.poll() is None, f"the build ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"the build did not reach {what}"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["annotating", "cluster stopped"])
def test_sigterm_to_a_ray_build_gives_143_and_one_line(tmp_path: Path, moment: str) -> None:
    """Case 7: the driver exited 15 after a C++ stack dump (Ray's own SIGTERM handler, then a
    SystemError from inside ray.get); after the cluster stopped it died of the signal (-15) with
    its staging folder left over (ray.shutdown had put back the default action). A local build
    exits 143 with one clear line."""
    root = tmp_path / "project"
    init_project(root)
    for n in range(3000):
        text = f"Minister Zorblat{n} met President Quintor{n} in Cairo on Monday about trade.\n\n" * 3
        (root / "seeds" / f"{n:04d}_a.txt").write_text(text, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataset_builder.cli", *BUILD],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if moment == "annotating":
        _wait_for(proc, _annotating, "a shard running")
    else:  # the global stages: the local cluster was up and is gone
        _wait_for(proc, _cluster_up, "the cluster started")
        _wait_for(proc, lambda cmdlines: not _cluster_up(cmdlines), "the cluster stopped")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert err == f"error: interrupted by SIGTERM: nothing written, {root / 'dist'} left as it was\n", err
    assert out == "" and not (root / "dist").exists()
    assert [p.name for p in root.iterdir() if p.name.startswith(".dist")] == []
