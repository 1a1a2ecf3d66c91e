"""What a build prints when it runs in a script: a reader that went away, stderr that is a log."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from dataset_builder.project import init_project

REPO = Path(__file__).resolve().parent.parent


def test_a_build_into_a_closed_pipe_with_stderr_in_a_log_ends_quietly_without_bars(tmp_path: Path) -> None:
    """Case 9: `build | head -1` exited 1 after a complete build (breaking `set -o pipefail`
    scripts), and progress bars were drawn into stderr that is not a terminal (CI logs)."""
    root = tmp_path / "project"
    init_project(root)
    for seed in sorted((REPO / "seeds").glob("*.txt"))[:2]:
        shutil.copy(seed, root / "seeds")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line: the write fails with EPIPE
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dataset_builder.cli", "build", "--workers", "1", "--no-cache"],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "%|" not in err and "doc/s" not in err, err
    assert (root / "dist" / "manifest.json").is_file() and (root / "annotations" / "splits.json").is_file()
