"""The CLI in a real subprocess: for tests of signals, process limits and file permissions."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def run_cli(args: Sequence[str], cwd: Path, **popen: Any) -> subprocess.Popen[str]:
    """``python -m dataset_builder.cli ARGS`` in ``cwd``, this checkout's package first on the path."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "dataset_builder.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _drop_permission_override() -> None:
    """In the child before exec: root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (dropped from the
    bounding set, so exec does not give them back) obeys file permissions like any user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def permissions_apply() -> dict[str, Any]:
    """``run_cli`` options under which file permissions apply, even when the tests run as root."""
    return {"preexec_fn": _drop_permission_override} if os.geteuid() == 0 else {}
