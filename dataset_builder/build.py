"""Stream final documents into the Hub-ready dataset folder, deterministically and atomically.

Pass 1 streams documents into a staging parquet and keeps only small :class:`events.EventKey`s;
events are assigned; pass 2 re-reads the staging file in batches and writes every config and
split. Memory stays flat in the number of documents (apart from the keys and open translation
groups). Everything is written to a temporary folder next to ``out_dir`` and swapped in at the end,
so a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset_builder import configs, events, pipeline, release, schema
from dataset_builder.annotations import read_documents
from dataset_builder.documents import Document, check_spans
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.labelstudio.agreement import compute_agreement

BATCH_ROWS = 1000
"""Rows per parquet write (one row group each): bounds memory and fixes the file layout."""

PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "store_schema": True,
}
"""Fixed writer options, so that two builds of the same input are byte-identical."""

STAGING_NAME = ".staging.parquet"


class VersionNotBumpedWarning(UserWarning):
    """The data changed but ``schema.DATASET_VERSION`` did not."""


@dataclass
class BuildResult:
    """What a build wrote: row counts per config and split, and any warnings."""

    out_dir: Path
    version: str
    rows: dict[str, dict[str, int]]
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"built {self.out_dir} (version {self.version})"]
        for config, splits in self.rows.items():
            sizes = ", ".join(f"{split} {n}" for split, n in splits.items())
            lines.append(f"  {config}: {sum(splits.values())} rows ({sizes})")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def build(
    seeds_dir: Path,
    annotations_dir: Path,
    out_dir: Path,
    *,
    split_ratios: Sequence[float] = schema.DEFAULT_SPLIT_RATIOS,
    progress: bool = True,
    workers: int = 1,
    ner_model: Path | None = None,
) -> BuildResult:
    """Build the dataset folder from seeds and annotations (the CLI's ``build``).

    ``workers`` processes annotate the seeds (the CLI uses one per CPU); the output does not depend on it.
    ``ner_model``: a local token-classification model folder whose entities join the silver ones.
    """
    return write_dataset(
        pipeline.documents(Path(seeds_dir), Path(annotations_dir), workers, ner_model),
        Path(out_dir),
        split_ratios=split_ratios,
        progress=progress,
        # The build itself rejects stale or unknown annotations, so agreement needs no second pass
        # over the seeds (agreement_report's check): the annotations alone give the figures.
        agreement=compute_agreement(read_documents(Path(annotations_dir)), Path(annotations_dir)).to_dict(),
        guidelines=Path(annotations_dir) / release.GUIDELINES_NAME,
    )


def write_dataset(
    docs: Iterable[Document],
    out_dir: Path,
    *,
    split_ratios: Sequence[float] = schema.DEFAULT_SPLIT_RATIOS,
    progress: bool = True,
    agreement: Mapping[str, Any] | None = None,
    guidelines: Path | None = None,
) -> BuildResult:
    """Write the dataset folder for a stream of final documents (``build`` minus the pipeline).

    ``guidelines`` (the annotation guidelines) is shipped beside the card, which links to it.
    """
    configs.check_ratios(split_ratios)  # before any work
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.tmp-"))
    tmp.chmod(0o755)  # mkdtemp makes it private; the published folder is not
    try:
        staging = tmp / STAGING_NAME
        keys = _stage(docs, staging, progress)
        event_ids = events.assign_event_ids(keys)
        stats = _write_configs(staging, keys, event_ids, tmp, split_ratios, progress)
        staging.unlink()
        if guidelines is not None and guidelines.is_file():
            shutil.copyfile(guidelines, tmp / release.GUIDELINES_NAME)
        release.write_card(tmp, stats, agreement)
        release.write_croissant(tmp, stats)
        manifest = release.write_manifest(tmp, stats["rows"])
        result = BuildResult(out_dir, schema.DATASET_VERSION, manifest["rows"])
        result.warnings += _version_warnings(out_dir, manifest)
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _parquet_writer(path: Path, features: datasets.Features) -> pq.ParquetWriter:
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(path, features.arrow_schema, **PARQUET_OPTIONS)


def _check_document(doc: Document, topics: set[str]) -> None:
    """Reject what the features cannot hold, naming the document (the pipeline should never send it)."""
    where = f"{doc.seed_file}: document {doc.id}"
    if doc.language not in schema.LANGUAGES:
        raise InputError(f"{where}: language {doc.language!r} is not one of {schema.LANGUAGES}")
    check_spans(doc.text, doc.entities, where)
    bad_labels = sorted({s.label for s in doc.entities} - set(schema.ENTITY_LABELS))
    bad_topics = sorted(set(doc.topics) - topics)
    if bad_labels or bad_topics:
        raise InputError(f"{where}: unknown entity labels {bad_labels} / topics {bad_topics}")


def _stage(docs: Iterable[Document], staging: Path, progress: bool) -> list[events.EventKey]:
    """Pass 1: documents → staging parquet (``documents`` features); returns the event keys."""
    features = schema.documents_features()
    encode = _label_encoder(features)
    topics = set(schema.topic_ids())
    keys: list[events.EventKey] = []
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    with _parquet_writer(staging, features) as writer:
        for doc in tqdm(docs, desc="documents", unit="doc", file=sys.stderr, disable=not progress):
            if doc.id in seen:
                raise InputError(f"{doc.seed_file}: duplicate document id {doc.id}")
            seen.add(doc.id)
            _check_document(doc, topics)
            keys.append(events.EventKey.of(doc))
            batch.append(encode(configs.document_row(doc)))
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=writer.schema))
                batch.clear()
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=writer.schema))
    if not keys:
        raise InputError("no documents: the seeds folder gave nothing to build")
    return keys


def _label_encoder(features: datasets.Features) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """Row encoder that maps ClassLabel names to ids; arrow converts everything else itself.

    ``Features.encode_example`` would do the same but walks every nested value (most of build time).
    """
    labels = {
        name: feature.feature if isinstance(feature, datasets.List) else feature
        for name, feature in features.items()
        if isinstance(feature, datasets.ClassLabel)
        or (isinstance(feature, datasets.List) and isinstance(feature.feature, datasets.ClassLabel))
    }

    def encode(row: Mapping[str, Any]) -> dict[str, Any]:
        return {**row, **{name: label.str2int(row[name]) for name, label in labels.items()}}

    return encode


class _SplitWriters:
    """One parquet file per config and split, written in fixed-size batches."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.features = {name: make() for name, make in configs.FEATURES.items()}
        self._encode = {name: _label_encoder(features) for name, features in self.features.items()}
        zeros = {c: dict.fromkeys(schema.SPLITS, 0) for c in configs.CONFIG_NAMES}
        self.rows: dict[str, dict[str, int]] = zeros
        self.bytes: dict[str, dict[str, int]] = {c: dict(splits) for c, splits in zeros.items()}
        self._buffers: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self._writers: dict[tuple[str, str], pq.ParquetWriter] = {}

    def add(self, config: str, split: str, row: Mapping[str, Any]) -> None:
        buffer = self._buffers[config, split]
        buffer.append(self._encode[config](row))
        self.rows[config][split] += 1
        if len(buffer) >= BATCH_ROWS:
            self._flush(config, split)

    def _flush(self, config: str, split: str) -> None:
        if (config, split) not in self._writers:
            path = self.root / "data" / config / f"{split}.parquet"
            self._writers[config, split] = _parquet_writer(path, self.features[config])
        writer = self._writers[config, split]
        table = pa.Table.from_pylist(self._buffers.pop((config, split)), schema=writer.schema)
        self.bytes[config][split] += table.nbytes
        writer.write_table(table)

    def close(self) -> None:
        """Flush what is left. A split without rows gets no file: ``datasets`` refuses empty splits."""
        for config, split in list(self._buffers):
            if self._buffers[config, split]:
                self._flush(config, split)
        for writer in self._writers.values():
            writer.close()


def _staged_rows(staging: Path) -> Iterator[dict[str, Any]]:
    for batch in pq.ParquetFile(staging).iter_batches(batch_size=BATCH_ROWS):
        yield from batch.to_pylist()


def _write_configs(
    staging: Path,
    keys: Sequence[events.EventKey],
    event_ids: Mapping[str, str],
    root: Path,
    split_ratios: Sequence[float],
    progress: bool,
) -> dict[str, Any]:
    """Pass 2: staging rows → every config and split; returns the statistics for the card."""
    group_sizes = Counter(k.translation_group for k in keys if k.translation_group)
    pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
    writers = _SplitWriters(root)
    stats = _Stats()
    try:
        for row in tqdm(
            _staged_rows(staging),
            total=len(keys),
            desc="configs",
            unit="doc",
            file=sys.stderr,
            disable=not progress,
        ):
            row["event_id"] = event_ids[row["id"]]
            split = configs.split_of(row["event_id"], split_ratios)
            stats.add(row, split)
            writers.add("documents", split, row)
            for ner_row in configs.ner_rows(row):
                writers.add("ner", split, ner_row)
            writers.add("topics", split, configs.topic_row(row))
            group = row["translation_group"]
            if group:
                pending[group].append({k: row[k] for k in ("id", "language", "text")} | {"split": split})
                if len(pending[group]) == group_sizes[group]:
                    members = pending.pop(group)
                    if len({m["split"] for m in members}) > 1:
                        raise DatasetBuilderError(f"translation group {group} got different event ids")
                    for pair in configs.parallel_rows(group, members):
                        writers.add("parallel", split, pair)
    finally:
        writers.close()
    stats.rows, stats.arrow_bytes = writers.rows, writers.bytes
    stats.events = len(set(event_ids.values()))
    stats.translation_groups = len(group_sizes)
    return stats.to_dict()


@dataclass
class _Stats:
    """Small per-language counters for the card (never holds texts)."""

    documents: Counter[tuple[str, str]] = field(default_factory=Counter)
    seed_files: set[str] = field(default_factory=set)
    characters: Counter[str] = field(default_factory=Counter)
    status: Counter[tuple[str, str]] = field(default_factory=Counter)
    dated: Counter[str] = field(default_factory=Counter)
    entities: Counter[tuple[str, str]] = field(default_factory=Counter)
    topics: Counter[tuple[str, str]] = field(default_factory=Counter)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    arrow_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    events: int = 0
    translation_groups: int = 0

    def add(self, row: Mapping[str, Any], split: str) -> None:
        lang = row["language"]
        self.documents[lang, split] += 1
        self.seed_files.add(row["seed_file"])
        self.characters[lang] += len(row["text"])
        self.status[lang, row["annotation_status"]] += 1
        self.dated[lang] += row["date"] is not None
        self.entities.update((lang, s["label"]) for s in row["entities"])
        self.topics.update((lang, t) for t in row["topics"])

    def to_dict(self) -> dict[str, Any]:
        def per_language(
            counter: Counter[tuple[str, str]], names: Iterable[str]
        ) -> dict[str, dict[str, int]]:
            return {lang: {n: counter[lang, n] for n in names} for lang in schema.LANGUAGES}

        return {
            "languages": {
                lang: {
                    "documents": sum(self.documents[lang, s] for s in schema.SPLITS),
                    "characters": self.characters[lang],
                    "dated": self.dated[lang],
                }
                for lang in schema.LANGUAGES
            },
            "documents_per_split": per_language(self.documents, schema.SPLITS),
            "status": per_language(self.status, schema.STATUSES),
            "entities": per_language(self.entities, schema.ENTITY_LABELS),
            "topics": per_language(self.topics, schema.topic_ids()),
            "rows": self.rows,
            "arrow_bytes": self.arrow_bytes,
            "seed_files": len(self.seed_files),
            "events": self.events,
            "translation_groups": self.translation_groups,
        }


def _version_warnings(out_dir: Path, manifest: Mapping[str, Any]) -> list[str]:
    """Warn when the data files differ from the previous build but the dataset version is the same."""
    try:
        previous = json.loads((out_dir / release.MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []

    def data(m: Mapping[str, Any]) -> dict[str, Any]:
        return {p: f["sha256"] for p, f in m.get("files", {}).items() if p.startswith("data/")}

    if previous.get("version") != manifest["version"] or data(previous) == data(manifest):
        return []
    message = (
        f"the data changed since the build in {out_dir} but the dataset version is still {manifest['version']}: "
        "bump schema.DATASET_VERSION (run `dataset-builder diff` to see which bump)"
    )
    warnings.warn(message, VersionNotBumpedWarning, stacklevel=3)
    return [message]


def _swap_in(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp``; the old folder is restored if the final rename fails."""
    backup = None
    if out_dir.exists():
        backup = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.old-"))
        os.replace(out_dir, backup)
    try:
        os.replace(tmp, out_dir)
    except BaseException:
        if backup is not None:
            os.replace(backup, out_dir)
        raise
    if backup is not None:
        shutil.rmtree(backup)
