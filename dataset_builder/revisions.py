"""Diffs of git revisions: build the project as it was at a revision, then diff the built folders.

This module sits above both the build and the release code (it composes :func:`build.build` with
:func:`release.diff.diff_folders`), so that nothing in :mod:`dataset_builder.release` imports the
build: the build writes release files, and release code never builds.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from dataset_builder.build import build
from dataset_builder.cache import SilverCache
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.project import ANNOTATIONS_DIR, CARD_TEMPLATE, PROJECT_FILE, SEEDS_DIR, Project
from dataset_builder.release.diff import VersionDiff, diff_folders
from dataset_builder.release.manifest import read_manifest


def _git(repo: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout
    except subprocess.CalledProcessError as exc:
        raise InputError(f"git {' '.join(args)}: {exc.stderr.decode(errors='replace').strip()}") from exc


def _revision_repository(ref: str, project: Path) -> Path:
    """The git repository of the project that has commit ``ref``; an error saying why not."""

    def neither(why: str) -> InputError:
        return InputError(f"{ref}: no such folder, and not a git revision ({why})")

    try:
        top = subprocess.run(
            ["git", "-C", str(project), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise neither(f"git cannot run: {exc.strerror}") from exc
    if top.returncode:
        raise neither(f"{project} is not in a git repository")
    repo = Path(top.stdout.strip())
    verify = [
        "git",
        "-C",
        str(repo),
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{ref}^{{commit}}",
    ]
    if subprocess.run(verify, capture_output=True, check=False).returncode:
        raise neither(f"no such commit in {repo}")
    return repo


def _build_revision(repo: Path, revision: str, workdir: Path, project: Path, cache: bool) -> Path:
    """Build the project as it was at a git revision, with the current code (read-only: ``git archive``).

    The revision's own ``dataset.toml``, card template, seeds and annotations (knowledge and gold)
    are used, so the taxonomy and the version are those of that revision. With ``cache``, seed
    files the project's silver cache holds (for that revision's knowledge) are not annotated again;
    nothing is removed from the cache.
    """
    rel = Path(project).resolve().relative_to(repo.resolve()).as_posix()
    parts = [
        f"{rel}/{name}" if rel != "." else name
        for name in (PROJECT_FILE, CARD_TEMPLATE, SEEDS_DIR, ANNOTATIONS_DIR)
    ]
    tree = workdir / "tree"
    tree.mkdir()
    archive = _git(repo, "archive", "--format=tar", revision, "--", *parts)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    out = workdir / "dist"
    built = Project.load(tree / rel)
    knowledge = Knowledge.load(built.annotations_dir)
    with contextlib.ExitStack() as stack:
        silver = SilverCache.open(Project.load(project).cache_dir, knowledge) if cache else None
        if silver is not None:
            stack.enter_context(silver)
        build(built, out_dir=out, progress=False, knowledge=knowledge, cache=silver)
    return out


def diff_releases(old: str, new: str, project: Path | None = None, cache: bool = True) -> VersionDiff:
    """Diff two built folders or two git revisions (each side may be either).

    A path that exists is a built folder; anything else must be a git revision of the repository
    holding the project (``project``, default: found from the working directory), built as the
    project was at that revision, reading the project's silver cache unless ``cache`` is false. Both
    sides are checked before anything is built.
    """
    sides: list[Path | tuple[Path, str, Path]] = []
    for ref in (old, new):
        path = Path(ref)
        if path.exists():
            if not path.is_dir():
                raise InputError(f"{ref}: a file, not a built dataset folder")
            read_manifest(path)  # names a folder that is not a build
            sides.append(path)
        else:
            try:
                root = Project.find(project).root
            except InputError as exc:
                raise InputError(
                    f"{ref}: no such folder, and not a git revision (no dataset project: {exc})"
                ) from exc
            sides.append((_revision_repository(ref, root), ref, root))
    with tempfile.TemporaryDirectory(prefix="dataset-builder-diff-") as tmp:
        folders = []
        for i, side in enumerate(sides):
            if isinstance(side, Path):
                folders.append(side)
                continue
            workdir = Path(tmp) / str(i)
            workdir.mkdir()
            repo, ref, root = side
            folders.append(_build_revision(repo, ref, workdir, root, cache))
        return diff_folders(*folders)
