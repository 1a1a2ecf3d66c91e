"""Croissant metadata: validation by mlcroissant, records, dates, links and class labels."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import mlcroissant as mlc
import pyarrow.parquet as pq
from conftest import PROJECT, TAXONOMY

from dataset_builder import schema
from dataset_builder.release.card import release_info
from dataset_builder.release.croissant import CROISSANT_VERSION
from dataset_builder.release.manifest import read_manifest


def test_croissant_validates_and_reads_the_records(built: Path) -> None:
    dataset = mlc.Dataset(jsonld=built / "croissant.json")  # raises ValidationError on errors
    metadata = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    assert metadata["conformsTo"] == CROISSANT_VERSION
    assert metadata["rai:dataBiases"] and metadata["rai:personalSensitiveInformation"]
    manifest = read_manifest(built)
    objects = [d for d in metadata["distribution"] if d["@type"] == "cr:FileObject"]
    assert {o["contentUrl"]: o["sha256"] for o in objects} == {
        p: f["sha256"] for p, f in manifest["files"].items() if p.startswith(f"{schema.DATA_DIR}/")
    }
    for config in ("documents", "topics"):
        per_split = Counter(r[f"{config}/split"].decode() for r in dataset.records(config))
        assert per_split == {s: n for s, n in manifest["rows"][config].items() if n}
    topics = [t.id for t in TAXONOMY]
    labels = {topics[i] for r in dataset.records("topics") for i in r["topics/labels"]}
    assert labels == {
        t
        for p in built.glob(schema.data_glob("documents"))
        for ts in pq.read_table(p)["topics"].to_pylist()
        for t in ts
    }


def test_croissant_validates_from_the_command_line(built: Path) -> None:
    command = [
        str(Path(sys.executable).parent / "mlcroissant"),
        "validate",
        "--jsonld",
        str(built / "croissant.json"),
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_croissant_dates_links_and_names_the_class_labels_as_data(built: Path) -> None:
    metadata = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    settings = PROJECT.settings
    assert metadata["datePublished"].startswith(settings.release_date.isoformat())
    assert metadata["version"] == settings.version
    assert metadata["citeAs"] == release_info(settings).citation
    enums = {r["@id"]: r for r in metadata["recordSet"] if r.get("dataType") == "sc:Enumeration"}
    expected = {
        "ner-ner_tags-classes": schema.ner_tag_names(),
        "topics-labels-classes": [t.id for t in TAXONOMY],
    }
    assert set(enums) == set(expected)
    dataset = mlc.Dataset(jsonld=built / "croissant.json")  # raises on any validation error
    for record_set, names in expected.items():
        assert enums[record_set]["key"] == {"@id": f"{record_set}/id"}
        rows = [(r[f"{record_set}/id"], r[f"{record_set}/name"]) for r in dataset.records(record_set)]
        assert rows == list(enumerate(names))
