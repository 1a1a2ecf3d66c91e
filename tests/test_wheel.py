"""The wheel is the tool: installed (not editable) in a fresh venv, it makes and builds a project.

The wheel is built from a copy of the sources, installed with ``--no-deps`` into a new venv that
sees the test environment's packages through a ``.pth`` line (no download of the dependencies),
and run as a user would: ``dataset-builder init newproj``, seeds copied in, ``dataset-builder build``
from inside the project with no flags. Nothing may be written outside the project: not in the
venv (the installed package), not in TMPDIR, and in HOME only the user's signing key of the compiled
knowledge the project's cache keeps.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import datasets
import pytest
from conftest import REPO, SEEDS

from dataset_builder.knowledge.compiled import KEY_FILE


def snapshot(folder: Path, skip: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` but ``skip``, with a hash of its content."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        out[path.relative_to(folder).as_posix()] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        )
    return out


def run(*argv: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_the_wheel_inits_and_builds_a_project_without_writing_elsewhere(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(
        REPO / "dataset_builder", src / "dataset_builder", ignore=shutil.ignore_patterns("__pycache__")
    )
    isolation = (
        [] if int(importlib.metadata.version("setuptools").split(".")[0]) < 75 else ["--no-build-isolation"]
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONDONTWRITEBYTECODE": "1"}
    run(*pip, "wheel", src, "--no-deps", *isolation, "-w", tmp_path / "wheel", cwd=tmp_path, env=env)
    (wheel,) = (tmp_path / "wheel").glob("dataset_builder-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    run(*pip, "--python", python, "install", "--no-deps", wheel, cwd=tmp_path, env=env)
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path, env=env
        ).strip()
    )
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = run(
        python, "-c", "import dataset_builder; print(dataset_builder.__file__)", cwd=tmp_path, env=env
    )
    assert Path(installed.strip()).is_relative_to(site)  # the wheel, not the editable checkout

    for name in ("home", "tmp"):
        (tmp_path / name).mkdir()
    user = {
        **env,
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "HF_HOME": str(tmp_path / "home" / "hf"),
        "HF_HUB_OFFLINE": "1",
    }
    user.pop("XDG_CACHE_HOME", None)
    project = tmp_path / "newproj"
    before = snapshot(tmp_path, project)
    tool = venv / "bin" / "dataset-builder"
    run(tool, "init", "newproj", cwd=tmp_path, env=user)
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, project / "seeds" / seed.name)
    out = run(tool, "build", cwd=project, env=user)
    assert f"built {project / 'dist'} (version 0.1.0)" in out
    after = snapshot(tmp_path, project)
    # Outside the project, the build made only the user's signing key of the compiled knowledge it
    # keeps in the project's cache (dataset_builder.knowledge.compiled), readable by the user alone.
    key = Path("home", ".cache", *KEY_FILE)
    assert set(after) - set(before) == {str(p.as_posix()) for p in (key, *key.parents[:2])}
    assert {p: after[p] for p in before} == before
    assert (tmp_path / key).stat().st_mode & 0o777 == 0o600

    docs = datasets.load_dataset(str(project / "dist"), "documents", cache_dir=str(tmp_path / "cache"))
    rows = [row for split in docs.values() for row in split]
    assert sorted({row["seed_file"] for row in rows}) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(row["annotation_status"] == "silver" for row in rows)
