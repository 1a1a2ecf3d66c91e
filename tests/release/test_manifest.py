"""The manifest: every file of a built folder with its sha256 and size, and the row counts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow.parquet as pq

from dataset_builder import schema
from dataset_builder.release.manifest import read_manifest


def test_manifest_lists_every_file_with_its_sha256(built: Path) -> None:
    manifest = read_manifest(built)
    files = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [f for f in files if f != "manifest.json"]
    for path, entry in manifest["files"].items():
        data = (built / path).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    rows = {c: sum(n.values()) for c, n in manifest["rows"].items()}
    assert rows["documents"] == sum(
        pq.ParquetFile(p).metadata.num_rows for p in built.glob(schema.data_glob("documents"))
    )
