"""SIGTERM to a build on a real local Ray cluster ends it as it ends a local build: one line, 143."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dataset_builder.project import init_project

pytest.importorskip("ray")
REPO = Path(__file__).resolve().parent.parent
BUILD = ["build", "--executor", "ray", "--workers", "1", "--no-cache", "--no-progress"]


def _children(pid: int) -> list[str]:
    """Command lines of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.slow
def test_sigterm_to_a_ray_build_gives_143_and_one_line(tmp_path: Path) -> None:
    """Case 7: the driver exited 15 after a C++ stack dump (Ray's own SIGTERM handler, then a
    SystemError from inside ray.get); a local build exits 143 with one clear line."""
    root = tmp_path / "project"
    init_project(root)
    for n in range(1500):
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
    deadline = time.monotonic() + 240
    while not any("raylet" in c for c in _children(proc.pid)) and proc.poll() is None:
        assert time.monotonic() < deadline, "the local Ray cluster did not start"
        time.sleep(0.2)
    time.sleep(4)  # ray.init has returned: tasks are running
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert err == f"error: interrupted by SIGTERM: nothing written, {root / 'dist'} left as it was\n", err
    assert out == "" and not (root / "dist").exists()
