"""``manifest.json`` (every file's sha256 and size) and the records of published versions.

The manifest is what a version number stands for: ``publish`` checks a folder against it, and the
build compares it with the record of its version (``releases/<version>.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataset_builder import schema
from dataset_builder.errors import InputError
from dataset_builder.output import (
    MANIFEST_NAME,  # output stays light: it is named there
    Checksums,
    sha256_file,
    write_atomic,
)
from dataset_builder.project import Settings


def json_text(data: Any) -> str:
    """The one JSON style of release files (manifest, release records, Croissant): sorted keys,
    two-space indent, UTF-8 unescaped, a final newline; so the same data always gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def manifest_files(folder: Path, checksums: Checksums | None = None) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file of a built folder but the manifest itself."""
    sha256 = checksums.sha256 if checksums is not None else sha256_file
    return {
        p.relative_to(folder).as_posix(): {"sha256": sha256(p), "size": p.stat().st_size}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME
    }


def write_manifest(
    folder: Path,
    rows: Mapping[str, Mapping[str, int]],
    settings: Settings,
    checksums: Checksums | None = None,
) -> dict[str, Any]:
    """``manifest.json``: the dataset version, row counts per config and split, every file's sha256 and size."""
    data = {
        "name": settings.name,
        "version": settings.version,
        "rows": rows,
        "files": manifest_files(folder, checksums),
    }
    write_atomic(folder / MANIFEST_NAME, json_text(data).encode("utf-8"))
    return data


def data_checksums(manifest: Mapping[str, Any]) -> dict[str, str]:
    """sha256 of the data files (parquet) of a manifest: what a version number stands for."""
    return {
        p: f["sha256"] for p, f in manifest.get("files", {}).items() if p.startswith(f"{schema.DATA_DIR}/")
    }


def release_record(releases_dir: Path, version: str) -> Path:
    return Path(releases_dir) / f"{version}.json"


def record_release(releases_dir: Path, manifest: Mapping[str, Any], repo_id: str, tag: str) -> Path:
    """Keep what a published version held (``releases/<version>.json``, committed with the project).

    The build compares its data with the record of its version, so a changed dataset that still
    carries a published version number is noticed; a change that is undone is not.
    """
    path = release_record(releases_dir, manifest["version"])
    record = {"repo_id": repo_id, "tag": tag, **manifest}
    write_atomic(path, json_text(record).encode("utf-8"))
    return path


def unbumped_version(releases_dir: Path, manifest: Mapping[str, Any]) -> str | None:
    """A warning when the data differs from the published data of the same version, else None."""
    path = release_record(releases_dir, manifest["version"])
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None  # this version was never published: it may still change
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a release record ({exc})") from None
    if data_checksums(recorded) == data_checksums(manifest):
        return None
    return (
        f"the data differs from version {manifest['version']} as published ({path}), but the version is "
        f"unchanged: run `dataset-builder version bump major|minor|patch` (`dataset-builder diff` says which)"
    )


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a built dataset folder ({exc})") from exc
