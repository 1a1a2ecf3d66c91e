"""Release artefacts of a built folder: card, Croissant, manifest; version diffs; Hub publishing.

Everything here is generated from :mod:`dataset_builder.schema` and the built parquet files, so
the card, the Croissant metadata and the manifest can never disagree with the data.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
import httpx2
import mlcroissant as mlc
import pyarrow.parquet as pq
from datasets.info import DatasetInfosDict
from huggingface_hub import (
    CommitOperationAdd,
    CommitOperationDelete,
    DatasetCard,
    DatasetCardData,
    HfApi,
)
from huggingface_hub.errors import RepositoryNotFoundError

from dataset_builder import configs, schema
from dataset_builder.errors import DatasetBuilderError, InputError

CARD_NAME = "README.md"
GUIDELINES_NAME = "GUIDELINES.md"
CROISSANT_NAME = "croissant.json"
MANIFEST_NAME = "manifest.json"
CARD_TEMPLATE = Path(__file__).resolve().parent.parent / "DATASET_CARD.md"

TASK_CATEGORIES = ["token-classification", "text-classification", "translation"]
TASK_IDS = ["named-entity-recognition", "multi-label-classification"]
LICENSE_NAME = "news-texts-research-use-annotations-cc-by-4.0"
LICENSE_DETAILS = (
    "The article texts belong to their publishers and are included for non-commercial research use only; "
    f"redistribution of the texts needs the publishers' permission. The annotations (entities, dates, topics, "
    f"events, translation groups, splits) are released under {schema.ANNOTATIONS_LICENSE}."
)
SEMVER_RULE = (
    "schema change (fields, features, label names) → major; documents or annotations added or removed → minor; "
    "corrections of existing texts or annotations → patch"
)
BUMPS = ("none", "patch", "minor", "major")
SPDX_URL = "https://spdx.org/licenses/{}.html"
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"

FIELD_DESCRIPTIONS: dict[str, str] = {
    "id": "Row id (document id, or document id + sentence/pair suffix).",
    "document_id": "Id of the document the sentence comes from.",
    "seed_file": "Seed file the document was cut from.",
    "language": "ISO 639-1 language code.",
    "title": "Headline, when the article has one.",
    "text": "Cleaned article text; every offset points into it (Python code points).",
    "date": "Publication date of the article.",
    "date_source": f"Where the date was found: one of {', '.join(schema.DATE_SOURCES)}.",
    "date_evidence": "Text the date was read from.",
    "entities": "Named-entity spans: start/end offsets, text, label, knowledge-base entity_id.",
    "topics": "Taxonomy topic ids.",
    "event_id": "Id of the news event the document reports (documents of one event share a split).",
    "translation_group": "Id shared by an article and its translation.",
    "annotation_status": "gold (human-adjudicated) or silver (automatic).",
    "truncated": "True when the seed article was cut short.",
    "seed_start": "Offset of the document in its seed file.",
    "seed_end": "End offset of the document in its seed file.",
    "cuts": "Characters cleaning removed from the seed (the seed can be rebuilt from text + cuts).",
    "tokens": "Words and punctuation; tokens are also cut at entity boundaries (Arabic proclitics split off).",
    "ner_tags": "IOB2 tag per token (ClassLabel).",
    "token_starts": "Offset of each token in the document text.",
    "token_ends": "End offset of each token in the document text.",
    "labels": "Topic labels (ClassLabel, multi-label).",
    "alignment": "paragraph (paragraphs aligned one to one) or document (whole articles).",
    "translation": "The Arabic and English texts, keyed by language code.",
}
"""One description per field name, shared by the card and the Croissant metadata."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_files(rows: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, str]]:
    """``{config: {split: relative parquet path}}`` of the splits that have rows, in schema order.

    ``datasets`` refuses a split without rows, so empty splits (and configs) are left out.
    """
    files = {
        c: {s: f"data/{c}/{s}.parquet" for s in schema.SPLITS if rows[c][s]} for c in configs.CONFIG_NAMES
    }
    return {c: splits for c, splits in files.items() if splits}


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


# --- card -----------------------------------------------------------------------------------------


def _type_name(feature: Any) -> str:
    """A short human name of a datasets feature, for the card's field tables."""
    if isinstance(feature, datasets.ClassLabel):
        return f"ClassLabel ({feature.num_classes} names)"
    if isinstance(feature, datasets.List):
        return f"list of {_type_name(feature.feature)}"
    if isinstance(feature, datasets.Translation):
        return "translation {" + ", ".join(feature.languages) + "}"
    if isinstance(feature, dict):
        return "struct {" + ", ".join(feature) + "}"
    return str(feature.dtype)


def card_data(folder: Path, stats: Mapping[str, Any]) -> DatasetCardData:
    """The card's YAML: configs with data files per split, and features generated from the schema."""
    total = sum(stats["rows"]["documents"].values())
    data = DatasetCardData(
        language=list(schema.LANGUAGES),
        license=schema.LICENSE,
        license_name=LICENSE_NAME,
        license_details=LICENSE_DETAILS,
        multilinguality="multilingual",
        size_categories=next(
            name
            for limit, name in (
                (1_000, "n<1K"),
                (10_000, "1K<n<10K"),
                (100_000, "10K<n<100K"),
                (1_000_000, "100K<n<1M"),
                (float("inf"), "n>1M"),
            )
            if total < limit
        ),
        source_datasets=["original"],
        annotations_creators=["expert-generated", "machine-generated"],
        language_creators=["found"],
        task_categories=TASK_CATEGORIES,
        task_ids=TASK_IDS,
        pretty_name=schema.PRETTY_NAME,
        version=schema.DATASET_VERSION,
        configs=[
            {
                "config_name": config,
                "data_files": [{"split": split, "path": path} for split, path in splits.items()],
                **({"default": True} if config == "documents" else {}),
            }
            for config, splits in data_files(stats["rows"]).items()
        ],
    )
    rows, arrow_bytes = stats["rows"], stats["arrow_bytes"]
    infos = DatasetInfosDict(
        {
            config: datasets.DatasetInfo(
                features=configs.FEATURES[config](),
                splits=datasets.SplitDict(
                    {
                        s: datasets.SplitInfo(
                            name=s, num_examples=rows[config][s], num_bytes=arrow_bytes[config][s]
                        )
                        for s in splits
                    }
                ),
                download_size=sum((folder / path).stat().st_size for path in splits.values()),
                dataset_size=sum(arrow_bytes[config].values()),
            )
            for config, splits in data_files(rows).items()
        }
    )
    infos.to_dataset_card_data(data)
    data.dataset_info = [{k: v for k, v in info.items() if v is not None} for info in data.dataset_info]
    return data


def write_card(folder: Path, stats: Mapping[str, Any], agreement: Mapping[str, Any] | None) -> None:
    """Render ``DATASET_CARD.md`` into ``folder/README.md``."""
    card = DatasetCard.from_template(
        card_data(folder, stats),
        template_path=str(CARD_TEMPLATE),
        stats=stats,
        agreement=agreement,
        version=schema.DATASET_VERSION,
        configs={
            name: [(f, _type_name(t), FIELD_DESCRIPTIONS[f]) for f, t in make().items()]
            for name, make in configs.FEATURES.items()
        },
        entity_labels=schema.ENTITY_LABELS,
        taxonomy=schema.load_taxonomy(),
        splits=schema.SPLITS,
        languages=schema.LANGUAGES,
        annotations_license=schema.ANNOTATIONS_LICENSE,
        license_details=LICENSE_DETAILS,
        semver_rule=SEMVER_RULE,
        dataset_name=schema.DATASET_NAME,
        pretty_name=schema.PRETTY_NAME,
        citation=_citation(),
    )
    _write_text(folder / CARD_NAME, str(card))


# --- croissant ------------------------------------------------------------------------------------

_CROISSANT_TYPES = {
    "string": mlc.DataType.TEXT,
    "int32": mlc.DataType.INTEGER,
    "int64": mlc.DataType.INTEGER,
    "bool": mlc.DataType.BOOL,
    "date32": mlc.DataType.DATE,
}


def _croissant_fields(
    record_set: str, feats: Mapping[str, Any], file_set: str, column: str | None = None
) -> list[mlc.Field]:
    """Croissant fields of a features dict; struct members read their parent column through a JSON path."""
    out = []
    for name, feature in feats.items():
        is_list = isinstance(feature, datasets.List)
        inner = feature.feature if is_list else feature
        if column is None:
            source = mlc.Source(file_set=file_set, extract=mlc.Extract(column=name))
        else:
            source = mlc.Source(
                file_set=file_set,
                extract=mlc.Extract(column=column),
                transforms=[mlc.Transform(json_path=name)],
            )
        description = FIELD_DESCRIPTIONS.get(name, name)
        common = {"id": f"{record_set}/{name}", "name": name, "description": description, "source": source}
        if isinstance(inner, datasets.Translation):
            inner = {lang: datasets.Value("string") for lang in inner.languages}
        if isinstance(inner, dict):
            subs = _croissant_fields(f"{record_set}/{name}", inner, file_set, name)
            out.append(mlc.Field(**common, is_array=is_list or None, sub_fields=subs))
            continue
        if isinstance(inner, datasets.ClassLabel):
            common["description"] = f"{description} Ids of: {', '.join(inner.names)}."
            data_type = mlc.DataType.INTEGER
        else:
            data_type = _CROISSANT_TYPES[inner.dtype]
        out.append(
            mlc.Field(**common, data_types=[data_type], is_array=(is_list or column is not None) or None)
        )
    return out


def croissant_metadata(folder: Path, stats: Mapping[str, Any]) -> dict[str, Any]:
    """Croissant 1.1 JSON-LD with one FileObject (with sha256) per parquet and one RecordSet per config."""
    distribution: list[mlc.FileObject | mlc.FileSet] = []
    record_sets = []
    for config, splits in data_files(stats["rows"]).items():
        for split, path in splits.items():
            distribution.append(
                mlc.FileObject(
                    id=f"{config}-{split}",
                    name=f"{config}-{split}",
                    description=f"{config} config, {split} split",
                    content_url=path,
                    content_size=f"{(folder / path).stat().st_size} B",
                    encoding_formats=["application/x-parquet"],
                    sha256=sha256_file(folder / path),
                )
            )
        file_set = f"{config}-parquet"
        distribution.append(
            mlc.FileSet(
                id=file_set,
                name=file_set,
                description=f"All splits of the {config} config",
                encoding_formats=["application/x-parquet"],
                includes=[f"data/{config}/*.parquet"],
            )
        )
        record_sets.append(
            mlc.RecordSet(
                id=config,
                name=config,
                description=f"Rows of the {config} config",
                fields=[
                    *_croissant_fields(config, configs.FEATURES[config](), file_set),
                    mlc.Field(
                        id=f"{config}/split",
                        name="split",
                        description=f"Split of the row: one of {', '.join(schema.SPLITS)} (the file name).",
                        data_types=[mlc.DataType.TEXT],
                        source=mlc.Source(
                            file_set=file_set,
                            extract=mlc.Extract(file_property=mlc.FileProperty.filename),
                            transforms=[mlc.Transform(regex=r"^(.*)\.parquet$")],
                        ),
                    ),
                ],
            )
        )
    agreement_note = "Inter-annotator agreement is reported in the dataset card."
    metadata = mlc.Metadata(
        name=schema.DATASET_NAME,
        description=f"{schema.PRETTY_NAME}: Arabic and English news articles with named entities (IOB2), "
        "publication dates, multi-label topics, events and Arabic–English translation pairs.",
        conforms_to=[CROISSANT_VERSION],
        version=schema.DATASET_VERSION,
        license=[SPDX_URL.format(schema.ANNOTATIONS_LICENSE), LICENSE_DETAILS],
        in_language=list(schema.LANGUAGES),
        keywords=[
            "named-entity-recognition",
            "topic-classification",
            "machine-translation",
            "Arabic",
            "news",
        ],
        cite_as=_citation(),
        distribution=distribution,
        record_sets=record_sets,
        data_collection="News articles collected as plain-text seed files (one article, or an Arabic article "
        "followed by its English version, per file), cleaned of boilerplate by rules that only delete "
        "characters (the cuts are kept, so every seed can be rebuilt).",
        data_collection_type=["Manual Human Curation"],
        data_preprocessing_protocol=[
            "Boilerplate removal by deletion only; language split of bilingual "
            "seeds; offsets are Python code points into the cleaned text."
        ],
        data_annotation_protocol=[
            "Silver annotations from gazetteer and rule-based annotators, corrected "
            "and adjudicated by human annotators in Label Studio following "
            + GUIDELINES_NAME
            + ". "
            + agreement_note
        ],
        data_annotation_platform=["Label Studio"],
        annotations_per_item="Gold documents carry one adjudicated annotation built from one or more "
        "annotators; silver documents carry one machine annotation (see annotation_status).",
        machine_annotation_tools=[
            "dataset_builder silver annotators (pyahocorasick gazetteer, trigger rules, date patterns, fastText language identification)"
        ],
        data_biases=[
            "A handful of outlets and one news period: Egyptian and US diplomacy around the Gaza war dominates, "
            "so entity and topic distributions are far from general news.",
            "Official and state-aligned sources; their framing is kept as published.",
        ],
        data_limitations=[
            f"Very small ({sum(stats['rows']['documents'].values())} documents): suitable for evaluation and "
            "few-shot work, not for training large models alone.",
            "Silver annotations are automatic and contain errors; filter on annotation_status for gold.",
            "Paragraph alignment assumes the translation keeps the paragraph structure.",
        ],
        data_use_cases=[
            "Arabic and English NER evaluation",
            "multi-label topic classification",
            "Arabic–English translation evaluation",
        ],
        personal_sensitive_information=[
            "Names of public figures (politicians, officials) as they appear in published news; "
            "no private individuals are annotated on purpose."
        ],
        data_release_maintenance_plan="Versioned with semantic versioning (" + SEMVER_RULE + "); "
        "every release has a changelog entry generated from `dataset-builder diff`.",
    )
    return metadata.to_json()


def write_croissant(folder: Path, stats: Mapping[str, Any]) -> None:
    metadata = croissant_metadata(folder, stats)
    _write_text(
        folder / CROISSANT_NAME, json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )


def _citation() -> str:
    key = schema.DATASET_NAME.replace("-", "_")
    return (
        f"@misc{{{key},\n  title = {{{schema.PRETTY_NAME}}},\n  note = {{Version {schema.DATASET_VERSION}}},\n"
        f"  howpublished = {{Hugging Face dataset {schema.DATASET_NAME}}}\n}}"
    )


# --- manifest -------------------------------------------------------------------------------------


def manifest_files(folder: Path) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file of a built folder but the manifest itself."""
    return {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME
    }


def write_manifest(folder: Path, rows: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """``manifest.json``: the dataset version, row counts per config and split, every file's sha256 and size."""
    data = {
        "name": schema.DATASET_NAME,
        "version": schema.DATASET_VERSION,
        "rows": rows,
        "files": manifest_files(folder),
    }
    _write_text(folder / MANIFEST_NAME, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return data


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a built dataset folder ({exc})") from exc


# --- diff -----------------------------------------------------------------------------------------

_NOT_ANNOTATIONS = ("id", "text")


@dataclass(frozen=True)
class Change:
    """One annotation change of one document field."""

    document_id: str
    field: str
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None

    def to_text(self) -> str:
        if self.kind == "changed":
            return f"{self.document_id}: {self.field} changed {self.old!r} → {self.new!r}"
        return (
            f"{self.document_id}: {self.field} {self.kind} {self.new if self.kind == 'added' else self.old!r}"
        )


@dataclass
class VersionDiff:
    """What changed between two builds, and the semver bump that requires."""

    old_version: str
    new_version: str
    schema_changes: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text_changed: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def required_bump(self) -> str:
        if self.schema_changes:
            return "major"
        if self.added or self.removed or any(c.kind != "changed" for c in self.changes):
            return "minor"
        return "patch" if self.text_changed or self.changes else "none"

    def version_ok(self) -> bool:
        """Whether ``new_version`` is at least the required bump above ``old_version``."""
        old, new = (tuple(int(p) for p in v.split(".")) for v in (self.old_version, self.new_version))
        bumped = (
            "none" if new == old else "major" if new[0] > old[0] else "minor" if new[1] > old[1] else "patch"
        )
        return new >= old and BUMPS.index(bumped) >= BUMPS.index(self.required_bump)

    def to_text(self) -> str:
        lines = [
            f"version {self.old_version} → {self.new_version}; required bump: {self.required_bump} ({SEMVER_RULE})"
        ]
        if not self.version_ok():
            lines.append(f"warning: the version must get a {self.required_bump} bump")
        lines += [f"schema: {s}" for s in self.schema_changes]
        lines += [f"documents added: {', '.join(self.added)}"] if self.added else []
        lines += [f"documents removed: {', '.join(self.removed)}"] if self.removed else []
        lines += [f"text changed: {', '.join(self.text_changed)}"] if self.text_changed else []
        per_field = Counter((c.field, c.kind) for c in self.changes)
        for name in sorted({f for f, _ in per_field}):
            counts = ", ".join(f"{per_field[name, kind]} {kind}" for kind in ("added", "removed", "changed"))
            lines.append(f"annotations {name}: {counts}")
        lines += [f"  {c.to_text()}" for c in self.changes]
        if len(lines) == 1:
            lines.append("no changes")
        else:
            lines += ["", "CHANGELOG entry (release.changelog_entry):", changelog_entry(self)]
        return "\n".join(lines)


def changelog_entry(diff: VersionDiff) -> str:
    """A Keep-a-Changelog section for ``CHANGELOG.md`` generated from the diff."""
    sections = {
        "Changed": [f"Schema: {s}" for s in diff.schema_changes]
        + [f"Text of {d}" for d in diff.text_changed]
        + [c.to_text() for c in diff.changes if c.kind == "changed"],
        "Added": [f"Document {d}" for d in diff.added]
        + [c.to_text() for c in diff.changes if c.kind == "added"],
        "Removed": [f"Document {d}" for d in diff.removed]
        + [c.to_text() for c in diff.changes if c.kind == "removed"],
    }
    out = [f"## [{diff.new_version}] ({diff.required_bump})"]
    for title, items in sections.items():
        if items:
            out += ["", f"### {title}", *(f"- {item}" for item in items)]
    return "\n".join(out) + "\n"


def _documents(folder: Path) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("data/documents/*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches():
            rows.update((r["id"], r) for r in batch.to_pylist())
    return rows


def _features(folder: Path) -> dict[str, Any]:
    infos = DatasetInfosDict.from_dataset_card_data(DatasetCard.load(Path(folder) / CARD_NAME).data)
    return {name: info.features.to_dict() for name, info in infos.items()}


def _item_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def _field_changes(doc_id: str, name: str, old: Any, new: Any) -> list[Change]:
    """Lists are diffed item by item (an entity whose span moved or relabelled is one change)."""
    if old == new:
        return []
    if not isinstance(old, list):
        return [Change(doc_id, name, "changed", old, new)]
    old_keys, new_keys = {_item_key(i): i for i in old}, {_item_key(i): i for i in new}
    gone = [old_keys[k] for k in sorted(old_keys.keys() - new_keys.keys())]
    came = [new_keys[k] for k in sorted(new_keys.keys() - old_keys.keys())]
    changes = []
    for item in list(gone):
        partner = next((c for c in came if _overlap(item, c)), None)
        if partner is not None:
            changes.append(Change(doc_id, name, "changed", item, partner))
            gone.remove(item)
            came.remove(partner)
    changes += [Change(doc_id, name, "removed", old=i) for i in gone]
    changes += [Change(doc_id, name, "added", new=i) for i in came]
    return changes


def _overlap(a: Any, b: Any) -> bool:
    return (
        isinstance(a, dict)
        and "start" in a
        and "end" in a
        and a["start"] < b["end"]
        and b["start"] < a["end"]
    )


def diff_folders(old: Path, new: Path) -> VersionDiff:
    """Compare two built folders: schema, documents, and annotations per field."""
    old, new = Path(old), Path(new)
    diff = VersionDiff(read_manifest(old)["version"], read_manifest(new)["version"])
    old_features, new_features = _features(old), _features(new)
    for config in sorted(old_features.keys() & new_features.keys()):  # a config without rows has no features
        if old_features[config] != new_features[config]:
            diff.schema_changes.append(f"features of config {config!r} changed")
    old_docs, new_docs = _documents(old), _documents(new)
    diff.added = sorted(new_docs.keys() - old_docs.keys())
    diff.removed = sorted(old_docs.keys() - new_docs.keys())
    for doc_id in sorted(old_docs.keys() & new_docs.keys()):
        before, after = old_docs[doc_id], new_docs[doc_id]
        if before["text"] != after["text"]:
            diff.text_changed.append(doc_id)
        for name in sorted((before.keys() | after.keys()) - set(_NOT_ANNOTATIONS)):
            diff.changes += _field_changes(doc_id, name, before.get(name), after.get(name))
    return diff


def _git(repo: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout
    except subprocess.CalledProcessError as exc:
        raise InputError(f"git {' '.join(args)}: {exc.stderr.decode(errors='replace').strip()}") from exc


def _build_revision(revision: str, workdir: Path) -> Path:
    """Build a git revision's seeds and annotations with the current code (read-only: ``git archive``)."""
    from dataset_builder.build import build

    repo = Path(_git(Path.cwd(), "rev-parse", "--show-toplevel").decode().strip())
    tree = workdir / "tree"
    tree.mkdir()
    archive = _git(repo, "archive", "--format=tar", revision, "--", "seeds", "annotations")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    out = workdir / "dist"
    build(tree / "seeds", tree / "annotations", out, progress=False)
    return out


def diff_releases(old: str, new: str) -> VersionDiff:
    """Diff two built folders or two git revisions (each side may be either)."""
    with tempfile.TemporaryDirectory(prefix="dataset-builder-diff-") as tmp:
        sides = []
        for i, ref in enumerate((old, new)):
            if Path(ref).is_dir():
                sides.append(Path(ref))
            else:
                workdir = Path(tmp) / str(i)
                workdir.mkdir()
                sides.append(_build_revision(ref, workdir))
        return diff_folders(*sides)


# --- publish --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedFile:
    path: str
    size: int
    sha256: str


@dataclass
class PublishPlan:
    """What ``publish`` sends (or would send): one commit with these files, then a tag."""

    repo_id: str
    tag: str
    commit_message: str
    files: list[PlannedFile]
    deletions: list[str] = field(default_factory=list)
    dry_run: bool = True
    status: str = "planned"

    def operations(self, dist: Path) -> list[CommitOperationAdd | CommitOperationDelete]:
        """The commit operations the real call sends (built locally, no network)."""
        return [
            CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(Path(dist) / f.path))
            for f in self.files
        ] + [CommitOperationDelete(path_in_repo=p) for p in self.deletions]

    def to_text(self) -> str:
        head = "dry run: would publish" if self.dry_run else self.status
        lines = [
            f"{head} to datasets/{self.repo_id}",
            f"commit message: {self.commit_message}",
            f"tag: {self.tag}",
        ]
        lines += [f"  add {f.path}  {f.size} B  sha256 {f.sha256}" for f in self.files]
        lines += [f"  delete {p}" for p in self.deletions]
        return "\n".join(lines)


def plan_publish(dist: Path, repo_id: str, tag: str | None = None) -> PublishPlan:
    """Check ``dist`` against its manifest and list what the commit would contain."""
    dist = Path(dist)
    recorded = read_manifest(dist)
    current = manifest_files(dist)
    if current != recorded["files"]:
        changed = sorted(
            p for p in current.keys() | recorded["files"].keys() if current.get(p) != recorded["files"].get(p)
        )
        raise InputError(
            f"{dist / MANIFEST_NAME}: files differ from the manifest ({', '.join(changed)}); rebuild"
        )
    files = [PlannedFile(p, f["size"], f["sha256"]) for p, f in sorted(recorded["files"].items())]
    manifest_path = dist / MANIFEST_NAME
    files.append(PlannedFile(MANIFEST_NAME, manifest_path.stat().st_size, sha256_file(manifest_path)))
    version = recorded["version"]
    return PublishPlan(
        repo_id,
        tag or f"v{version}",
        f"Release {recorded['name']} {version}",
        sorted(files, key=lambda f: f.path),
    )


def publish(
    dist: Path, repo_id: str, *, tag: str | None, dry_run: bool, api: HfApi | None = None
) -> PublishPlan:
    """Upload ``dist`` as one commit and tag it; refuses if the tag exists with different content."""
    plan = plan_publish(dist, repo_id, tag)
    plan.dry_run = dry_run
    if dry_run:
        return plan
    try:
        _send(api or HfApi(), plan, Path(dist))
    except (httpx2.HTTPError, OSError) as exc:  # the Hub's HTTP errors, unreachable network, offline mode
        raise DatasetBuilderError(f"publishing to datasets/{repo_id} failed: {exc}") from exc
    return plan


def _send(api: HfApi, plan: PublishPlan, dist: Path) -> None:
    try:
        refs = api.list_repo_refs(plan.repo_id, repo_type="dataset")
        remote_files = api.list_repo_files(plan.repo_id, repo_type="dataset")
    except RepositoryNotFoundError:
        refs, remote_files = None, []
    if refs is not None and plan.tag in {t.name for t in refs.tags}:
        remote = api.hf_hub_download(plan.repo_id, MANIFEST_NAME, repo_type="dataset", revision=plan.tag)
        if json.loads(Path(remote).read_text("utf-8")).get("files") != read_manifest(dist)["files"]:
            raise DatasetBuilderError(
                f"datasets/{plan.repo_id} already has tag {plan.tag} with different content; bump the version"
            )
        plan.status = "already published"
        return
    plan.deletions = sorted(set(remote_files) - {f.path for f in plan.files} - {".gitattributes"})
    api.create_repo(plan.repo_id, repo_type="dataset", exist_ok=True)
    commit = api.create_commit(
        plan.repo_id,
        operations=plan.operations(dist),
        commit_message=plan.commit_message,
        repo_type="dataset",
    )
    api.create_tag(
        plan.repo_id, tag=plan.tag, revision=commit.oid, repo_type="dataset", tag_message=plan.commit_message
    )
    plan.status = "published"
