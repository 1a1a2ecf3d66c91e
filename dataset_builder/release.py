"""Release artefacts of a built folder: card, Croissant, manifest; version diffs; Hub publishing.

Everything here is generated from :mod:`dataset_builder.schema`, the project's ``dataset.toml``
(:class:`~dataset_builder.project.Settings`) and the built parquet files, so the card, the Croissant
metadata and the manifest can never disagree with the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
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
from huggingface_hub.errors import HFValidationError, RepositoryNotFoundError
from huggingface_hub.utils import validate_repo_id

from dataset_builder import annotations, configs, schema
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.project import Project, Settings
from dataset_builder.splits import LEDGER_NAME, SplitLedger

CARD_NAME = "README.md"
GUIDELINES_NAME = "GUIDELINES.md"
CROISSANT_NAME = "croissant.json"
MANIFEST_NAME = "manifest.json"

TASK_CATEGORIES = ["token-classification", "text-classification", "translation"]
TASK_IDS = ["named-entity-recognition", "multi-label-classification"]
SEMVER_RULE = (
    "schema change (fields, features, label names) → major; documents or annotations added or removed → minor; "
    "corrections of existing texts or annotations → patch"
)
BUMPS = ("none", "patch", "minor", "major")
SPDX_URL = "https://spdx.org/licenses/{}.html"
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
SC_ENUMERATION = "https://schema.org/Enumeration"  # sc:Enumeration; mlcroissant has no DataType for it

FIELD_DESCRIPTIONS: dict[str, str] = {
    "id": "Row id (document id, or document id + sentence/pair suffix).",
    "document_id": "Id of the document the sentence comes from.",
    "seed_file": "Seed file the document was cut from.",
    "language": "ISO 639-1 language code.",
    "title": "Headline, when the article has one.",
    "text": "Cleaned article text; entity and token offsets point into it (Python code points).",
    "date": "Publication date of the article.",
    "date_source": f"Where the date was found: one of {', '.join(schema.DATE_SOURCES)}.",
    "date_evidence": "Text the date was read from.",
    "entities": "Named-entity spans: start/end offsets into text, text, label, knowledge-base entity_id.",
    "topics": "Taxonomy topic ids.",
    "event_id": "Id of the news event the document reports (documents of one event share a split).",
    "translation_group": "Id shared by an article and its translation.",
    "annotation_status": "gold (human-adjudicated) or silver (automatic).",
    "truncated": "True when the seed article was cut short.",
    "seed_start": "Offset of the document in its seed file (not in text).",
    "seed_end": "End offset of the document in its seed file (not in text).",
    "cuts": "Characters cleaning removed, each at a start offset into the seed file (not into text); "
    "text plus cuts rebuild the file's characters seed_start:seed_end.",
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


# --- what a release says about itself ---------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    """What the card, the Croissant metadata and the citation say about a release (not about its data)."""

    name: str
    pretty_name: str
    version: str
    date: dt.date | None
    homepage: str | None
    authors: tuple[str, ...]
    license: str
    license_name: str | None
    license_link: str | None
    license_details: str | None
    annotations_license: str | None

    @property
    def citation(self) -> str:
        """BibTeX: people (``Last, First``) as they are, an organisation braced so BibTeX keeps it whole."""
        fields = {
            "author": " and ".join(a if "," in a else f"{{{a}}}" for a in self.authors),
            "title": self.pretty_name,
            "year": str(self.date.year) if self.date else "",
            "version": self.version,
            "url": self.homepage or "",
            "publisher": "Hugging Face",
            "note": f"Version {self.version}",
        }
        key = self.name.replace("-", "_") + (f"_{self.date.year}" if self.date else "")
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        return f"@misc{{{key},\n{body}\n}}"

    @property
    def license_is_a_file(self) -> bool:
        """Whether ``license_link`` names a file of the built folder (written with the card) rather than a URL."""
        return self.license_link is not None and "://" not in self.license_link


def release_info(settings: Settings) -> ReleaseInfo:
    """The one place the project's settings become what a release says about itself."""
    citation = settings.citation
    repo_id = settings.hub.repo_id
    homepage = f"https://huggingface.co/datasets/{repo_id}" if repo_id else citation.url if citation else None
    return ReleaseInfo(
        name=settings.name,
        pretty_name=settings.pretty_name,
        version=settings.version,
        date=settings.release_date,
        homepage=homepage,
        authors=tuple(citation.authors) if citation else (),
        license=settings.license,
        license_name=settings.license_name,
        license_link=settings.license_link,
        license_details=settings.license_details,
        annotations_license=settings.annotations_license,
    )


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


def card_data(
    folder: Path, stats: Mapping[str, Any], topic_ids: Sequence[str], info: ReleaseInfo
) -> DatasetCardData:
    """The card's YAML: configs with data files per split, and features generated from the schema."""
    total = sum(stats["rows"]["documents"].values())
    data = DatasetCardData(
        language=list(schema.LANGUAGES),
        license=info.license,
        license_name=info.license_name,
        license_link=info.license_link,
        license_details=info.license_details,
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
        pretty_name=info.pretty_name,
        version=info.version,
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
    features = configs.config_features(topic_ids)
    infos = DatasetInfosDict(
        {
            config: datasets.DatasetInfo(
                features=features[config],
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


def write_card(
    folder: Path,
    stats: Mapping[str, Any],
    agreement: Mapping[str, Any] | None,
    taxonomy: Sequence[schema.Topic],
    info: ReleaseInfo,
    template: Path,
) -> None:
    """Render the project's card template into ``folder/README.md``, and the license file its YAML links to."""
    if not Path(template).is_file():
        raise InputError(f"{template}: card template not found")
    topic_ids = [t.id for t in taxonomy]
    card = DatasetCard.from_template(
        card_data(folder, stats, topic_ids, info),
        template_path=str(template),
        stats=stats,
        agreement=agreement,
        version=info.version,
        release_date=info.date.isoformat() if info.date else None,
        homepage=info.homepage,
        license=info.license,
        license_link=info.license_link,
        configs={
            name: [(f, _type_name(t), FIELD_DESCRIPTIONS[f]) for f, t in features.items()]
            for name, features in configs.config_features(topic_ids).items()
        },
        entity_labels=schema.ENTITY_LABELS,
        taxonomy=tuple(taxonomy),
        splits=schema.SPLITS,
        languages=schema.LANGUAGES,
        annotations_license=info.annotations_license,
        license_details=info.license_details,
        semver_rule=SEMVER_RULE,
        dataset_name=info.name,
        pretty_name=info.pretty_name,
        citation=info.citation,
    )
    _write_text(folder / CARD_NAME, str(card))
    if info.license_is_a_file:
        _write_text(folder / info.license_link, license_text(info))


def license_text(info: ReleaseInfo) -> str:
    """The license file of a release: what the card's ``license: other`` means."""
    return (
        f"# License of {info.pretty_name} {info.version}\n\n{info.license_details or ''}\n\n"
        f"{info.annotations_license}: {SPDX_URL.format(info.annotations_license)}\n"
    )


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
            # No cr:references to the enumeration: mlcroissant 1.1 cannot join on a list field.
            common["description"] = (
                f"{description} Ids into the {_classes_id(record_set, name)} record set: {', '.join(inner.names)}."
            )
            data_type = mlc.DataType.INTEGER
        else:
            data_type = _CROISSANT_TYPES[inner.dtype]
        out.append(
            mlc.Field(**common, data_types=[data_type], is_array=(is_list or column is not None) or None)
        )
    return out


def _classes_id(config: str, name: str) -> str:
    return f"{config}-{name}-classes"


def _class_record_sets(config: str, feats: Mapping[str, Any]) -> list[mlc.RecordSet]:
    """One ``sc:Enumeration`` RecordSet per ClassLabel feature, its names as inline data rows.

    This is how Croissant states what the integer ids of a ClassLabel column mean (the names as data,
    not prose), so that a consumer can map ``ner_tags`` or ``labels`` ids back to names.
    """
    out = []
    for name, feature in feats.items():
        inner = feature.feature if isinstance(feature, datasets.List) else feature
        if not isinstance(inner, datasets.ClassLabel):
            continue
        rs = _classes_id(config, name)
        out.append(
            mlc.RecordSet(
                id=rs,
                name=rs,
                description=f"Names of the ids of the {name} field of the {config} config (ClassLabel).",
                data_types=[SC_ENUMERATION],
                key=[f"{rs}/id"],
                fields=[
                    mlc.Field(
                        id=f"{rs}/id",
                        name="id",
                        description="ClassLabel id.",
                        data_types=[mlc.DataType.INTEGER],
                    ),
                    mlc.Field(
                        id=f"{rs}/name",
                        name="name",
                        description="Name of the id.",
                        data_types=[mlc.DataType.TEXT],
                    ),
                ],
                data=[{f"{rs}/id": i, f"{rs}/name": n} for i, n in enumerate(inner.names)],
            )
        )
    return out


def croissant_metadata(
    folder: Path, stats: Mapping[str, Any], topic_ids: Sequence[str], info: ReleaseInfo
) -> dict[str, Any]:
    """Croissant 1.1 JSON-LD with one FileObject (with sha256) per parquet, one RecordSet per config and
    one enumeration RecordSet per ClassLabel."""
    features = configs.config_features(topic_ids)
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
                    *_croissant_fields(config, features[config], file_set),
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
        record_sets += _class_record_sets(config, features[config])
    agreement_note = "Inter-annotator agreement is reported in the dataset card."
    metadata = mlc.Metadata(
        name=info.name,
        description=f"{info.pretty_name}: Arabic and English news articles with named entities (IOB2), "
        "publication dates, multi-label topics, events and Arabic–English translation pairs.",
        conforms_to=[CROISSANT_VERSION],
        version=info.version,
        date_published=dt.datetime.combine(info.date, dt.time()) if info.date else None,
        url=info.homepage,
        creators=[mlc.Organization(name=a) if "," not in a else mlc.Person(name=a) for a in info.authors],
        license=[
            SPDX_URL.format(info.annotations_license or info.license),
            *([info.license_details] if info.license_details else []),
        ],
        in_language=list(schema.LANGUAGES),
        keywords=[
            "named-entity-recognition",
            "topic-classification",
            "machine-translation",
            "Arabic",
            "news",
        ],
        cite_as=info.citation,
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


def write_croissant(
    folder: Path, stats: Mapping[str, Any], topic_ids: Sequence[str], info: ReleaseInfo
) -> None:
    metadata = croissant_metadata(folder, stats, topic_ids, info)
    _write_text(
        folder / CROISSANT_NAME, json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )


# --- manifest -------------------------------------------------------------------------------------


def manifest_files(folder: Path) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file of a built folder but the manifest itself."""
    return {
        p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME
    }


def write_manifest(folder: Path, rows: Mapping[str, Mapping[str, int]], settings: Settings) -> dict[str, Any]:
    """``manifest.json``: the dataset version, row counts per config and split, every file's sha256 and size."""
    data = {
        "name": settings.name,
        "version": settings.version,
        "rows": rows,
        "files": manifest_files(folder),
    }
    _write_text(folder / MANIFEST_NAME, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return data


def data_checksums(manifest: Mapping[str, Any]) -> dict[str, str]:
    """sha256 of the data files (parquet) of a manifest: what a version number stands for."""
    return {p: f["sha256"] for p, f in manifest.get("files", {}).items() if p.startswith("data/")}


def release_record(releases_dir: Path, version: str) -> Path:
    return Path(releases_dir) / f"{version}.json"


def record_release(releases_dir: Path, manifest: Mapping[str, Any], repo_id: str, tag: str) -> Path:
    """Keep what a published version held (``releases/<version>.json``, committed with the project).

    The build compares its data with the record of its version, so a changed dataset that still
    carries a published version number is noticed; a change that is undone is not.
    """
    path = release_record(releases_dir, manifest["version"])
    record = {"repo_id": repo_id, "tag": tag, **manifest}
    annotations.write_atomic(
        path, (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    )
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


# --- diff -----------------------------------------------------------------------------------------

_NOT_ANNOTATIONS = ("id", "text")
_TITLE_WIDTH = 60
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _quote(text: str) -> str:
    """Text between «», invisible characters spelled out (``\\n``, ``\\u200f``) so a change stays one line."""
    shown = "".join(
        _ESCAPES.get(ch, f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch)
        for ch in text
    )
    return f"«{shown}»"


def show_value(value: Any) -> str:
    """A field value as people read it: ISO dates, entities as ``PER «Egypt» 0:5``, cuts as
    ``«\\n» at 120 (newline)``, never a Python repr."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        plain = value and value.isprintable() and not any(ch.isspace() for ch in value)
        return value if plain else _quote(value)
    if isinstance(value, Mapping):
        if {"start", "end", "text", "label"} <= value.keys():
            link = f" [{value['entity_id']}]" if value.get("entity_id") else ""
            return f"{value['label']} {_quote(value['text'])} {value['start']}:{value['end']}{link}"
        if {"start", "text", "reason"} <= value.keys():
            return f"{_quote(value['text'])} at {value['start']} ({value['reason']})"
        return ", ".join(f"{k} {show_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


def _json_value(value: Any) -> Any:
    """A field value for ``diff --json``: dates as ISO strings, the rest as JSON has it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def document_ref(doc_id: str, title: str | None) -> str:
    """``id («title»)``: an id alone tells a reviewer nothing."""
    if not title:
        return doc_id
    short = title if len(title) <= _TITLE_WIDTH else title[: _TITLE_WIDTH - 1] + "…"
    return f"{doc_id} {_quote(short)}"


@dataclass(frozen=True)
class Change:
    """One annotation change of one document field."""

    document_id: str
    field: str
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None

    def to_text(self, title: str | None = None) -> str:
        ref = document_ref(self.document_id, title)
        if self.kind == "changed":
            return f"{ref}: {self.field} {show_value(self.old)} → {show_value(self.new)}"
        return f"{ref}: {self.field} {self.kind} {show_value(self.new if self.kind == 'added' else self.old)}"

    def to_dict(self, title: str | None = None) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": title,
            "field": self.field,
            "kind": self.kind,
            "old": _json_value(self.old),
            "new": _json_value(self.new),
        }


@dataclass(frozen=True)
class SplitMove:
    """A document whose split differs between two builds (splits must never move once built)."""

    document_id: str
    old_split: str
    new_split: str


def _semver(version: str) -> tuple[int, int, int]:
    parts = version.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InputError(f"dataset version {version} is not MAJOR.MINOR.PATCH")
    return int(parts[0]), int(parts[1]), int(parts[2])


def bumped(version: str, bump: str) -> str:
    """``version`` raised by ``bump`` (one of :data:`BUMPS`)."""
    major, minor, patch = _semver(version)
    return {
        "none": version,
        "patch": f"{major}.{minor}.{patch + 1}",
        "minor": f"{major}.{minor + 1}.0",
        "major": f"{major + 1}.0.0",
    }[bump]


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
    split_moves: list[SplitMove] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def required_bump(self) -> str:
        if self.schema_changes:
            return "major"
        if self.added or self.removed or any(c.kind != "changed" for c in self.changes):
            return "minor"
        return "patch" if self.text_changed or self.changes else "none"

    @property
    def actual_bump(self) -> str:
        """The bump from ``old_version`` to ``new_version``: one of :data:`BUMPS`, or ``backwards``."""
        old, new = _semver(self.old_version), _semver(self.new_version)
        if new < old:
            return "backwards"
        return next(
            (bump for i, bump in ((0, "major"), (1, "minor"), (2, "patch")) if new[i] > old[i]), "none"
        )

    def version_ok(self) -> bool:
        """Whether ``new_version`` is at least the required bump above ``old_version``."""
        actual = self.actual_bump
        return actual != "backwards" and BUMPS.index(actual) >= BUMPS.index(self.required_bump)

    @property
    def next_version(self) -> str:
        """The version these changes are released as: ``new_version`` if it is bumped enough, else the
        smallest version that is."""
        return self.new_version if self.version_ok() else bumped(self.old_version, self.required_bump)

    def version_problem(self) -> str | None:
        """Why ``new_version`` is wrong for these changes, naming the bump they need; None when it is right."""
        if self.version_ok():
            return None
        old, new, need = self.old_version, self.new_version, self.required_bump
        fix = f"these changes need a {need} bump: {self.next_version}" if need != "none" else f"keep {old}"
        if self.actual_bump == "backwards":
            return f"the version goes backwards ({old} → {new}); {fix}"
        if self.actual_bump == "none":
            return f"the version was not bumped ({old}); {fix}"
        return f"{old} → {new} is only a {self.actual_bump} bump; {fix}"

    @property
    def has_changes(self) -> bool:
        return bool(
            self.schema_changes
            or self.added
            or self.removed
            or self.text_changed
            or self.changes
            or self.split_moves
        )

    def ref(self, doc_id: str) -> str:
        return document_ref(doc_id, self.titles.get(doc_id))

    def to_text(self) -> str:
        bump = self.actual_bump
        lines = [
            f"Version: {self.old_version} → {self.new_version} ({'no' if bump == 'none' else bump} bump)",
            f"Required bump: {self.required_bump} ({SEMVER_RULE})",
        ]
        problem = self.version_problem()
        lines.append(f"Problem: {problem}" if problem else "Version check: ok")

        def section(title: str, items: list[str], count: int | None = None) -> None:
            if items:
                n = len(items) if count is None else count
                lines.extend(["", f"{title} ({n}):", *(f"  {item}" for item in items)])

        section("Schema changes", self.schema_changes)
        section("Documents added", [self.ref(d) for d in self.added])
        section("Documents removed", [self.ref(d) for d in self.removed])
        section("Text changed", [self.ref(d) for d in self.text_changed])
        section(
            "Documents that changed split",
            [f"{self.ref(m.document_id)}: {m.old_split} → {m.new_split}" for m in self.split_moves],
        )
        if self.split_moves:
            lines.append("  A document must keep its split from one version to the next.")
        per_field = Counter((c.field, c.kind) for c in self.changes)
        fields = sorted({f for f, _ in per_field})
        section(
            "Annotation changes",
            [
                f"{name}: " + ", ".join(f"{per_field[name, k]} {k}" for k in ("added", "removed", "changed"))
                for name in fields
            ]
            + [c.to_text(self.titles.get(c.document_id)) for c in self.changes],
            len(self.changes),
        )
        if not self.has_changes:
            lines += ["", "No changes."]
        else:
            lines += ["", "CHANGELOG entry for CHANGELOG.md:", "", changelog_entry(self)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The diff for machines (``diff --json``); the keys are documented in the README and stable."""

        def docs(ids: list[str]) -> list[dict[str, Any]]:
            return [{"id": d, "title": self.titles.get(d)} for d in ids]

        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "required_bump": self.required_bump,
            "next_version": self.next_version,
            "version_ok": self.version_ok(),
            "version_problem": self.version_problem(),
            "schema_changes": self.schema_changes,
            "documents_added": docs(self.added),
            "documents_removed": docs(self.removed),
            "text_changed": docs(self.text_changed),
            "split_moves": [
                {
                    "id": m.document_id,
                    "title": self.titles.get(m.document_id),
                    "old_split": m.old_split,
                    "new_split": m.new_split,
                }
                for m in self.split_moves
            ],
            "annotation_changes": [c.to_dict(self.titles.get(c.document_id)) for c in self.changes],
            "changelog": changelog_entry(self) if self.has_changes else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def changelog_entry(diff: VersionDiff) -> str:
    """A Keep-a-Changelog section for ``CHANGELOG.md``, headed by the version the changes are released as."""

    def said(c: Change) -> str:
        return c.to_text(diff.titles.get(c.document_id))

    sections = {
        "Changed": [f"Schema: {s}" for s in diff.schema_changes]
        + [f"Text of {diff.ref(d)}" for d in diff.text_changed]
        + [f"Split of {diff.ref(m.document_id)}: {m.old_split} → {m.new_split}" for m in diff.split_moves]
        + [said(c) for c in diff.changes if c.kind == "changed"],
        "Added": [f"Document {diff.ref(d)}" for d in diff.added]
        + [said(c) for c in diff.changes if c.kind == "added"],
        "Removed": [f"Document {diff.ref(d)}" for d in diff.removed]
        + [said(c) for c in diff.changes if c.kind == "removed"],
    }
    out = [f"## [{diff.next_version}] — {diff.required_bump}"]
    for title, items in sections.items():
        if items:
            out += ["", f"### {title}", *(f"- {item}" for item in items)]
    return "\n".join(out) + "\n"


def _document_splits(folder: Path) -> dict[str, str]:
    """Each document's split (its parquet file's name), reading only the ids."""
    return {
        doc_id: path.stem
        for path in sorted(folder.glob("data/documents/*.parquet"))
        for doc_id in pq.read_table(path, columns=["id"]).column("id").to_pylist()
    }


def _documents(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Rows of the documents config by id, and each document's split (its parquet file's name)."""
    rows: dict[str, dict[str, Any]] = {}
    splits: dict[str, str] = {}
    for path in sorted(folder.glob("data/documents/*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches():
            for row in batch.to_pylist():
                rows[row["id"]] = row
                splits[row["id"]] = path.stem
    return rows, splits


def _features(folder: Path) -> dict[str, Any]:
    infos = DatasetInfosDict.from_dataset_card_data(DatasetCard.load(Path(folder) / CARD_NAME).data)
    return {name: info.features.to_dict() for name, info in infos.items()}


def _class_names(feature: Any) -> list[str] | None:
    """The names of a ClassLabel feature (possibly inside a list), from ``Features.to_dict()``."""
    if isinstance(feature, dict):
        if feature.get("_type") == "ClassLabel":
            return feature["names"]
        if "feature" in feature:
            return _class_names(feature["feature"])
    return None


def _schema_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Field by field, with the label names a ClassLabel gained or lost."""
    out = []
    for config in sorted(old.keys() & new.keys()):  # a config without rows has no features
        before, after = old[config], new[config]
        out += [f"{config} config: field {name} added" for name in after if name not in before]
        out += [f"{config} config: field {name} removed" for name in before if name not in after]
        for name in (n for n in after if n in before and before[n] != after[n]):
            was, now = _class_names(before[name]), _class_names(after[name])
            if was is None or now is None:
                out.append(f"{config} config: field {name} changed type")
                continue
            parts = (
                [f"label names added: {', '.join(n for n in now if n not in was)}"]
                if set(now) - set(was)
                else []
            )
            parts += (
                [f"label names removed: {', '.join(n for n in was if n not in now)}"]
                if set(was) - set(now)
                else []
            )
            out.append(f"{config} config: field {name}: {'; '.join(parts) or 'label ids reordered'}")
    return out


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
    """Compare two built folders: schema, documents, their splits, and annotations per field."""
    old, new = Path(old), Path(new)
    diff = VersionDiff(read_manifest(old)["version"], read_manifest(new)["version"])
    diff.schema_changes = _schema_changes(_features(old), _features(new))
    (old_docs, old_splits), (new_docs, new_splits) = _documents(old), _documents(new)
    diff.titles = {d: row["title"] for d, row in (old_docs | new_docs).items() if row.get("title")}
    diff.added = sorted(new_docs.keys() - old_docs.keys())
    diff.removed = sorted(old_docs.keys() - new_docs.keys())
    for doc_id in sorted(old_docs.keys() & new_docs.keys()):
        before, after = old_docs[doc_id], new_docs[doc_id]
        if before["text"] != after["text"]:
            diff.text_changed.append(doc_id)
        if old_splits[doc_id] != new_splits[doc_id]:
            diff.split_moves.append(SplitMove(doc_id, old_splits[doc_id], new_splits[doc_id]))
        for name in sorted((before.keys() | after.keys()) - set(_NOT_ANNOTATIONS)):
            diff.changes += _field_changes(doc_id, name, before.get(name), after.get(name))
    return diff


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


def _build_revision(repo: Path, revision: str, workdir: Path, project: Path) -> Path:
    """Build the project as it was at a git revision, with the current code (read-only: ``git archive``).

    The revision's own ``dataset.toml``, card template, seeds and annotations (knowledge and gold)
    are used, so the taxonomy and the version are those of that revision.
    """
    from dataset_builder.build import build
    from dataset_builder.project import ANNOTATIONS_DIR, CARD_TEMPLATE, PROJECT_FILE, SEEDS_DIR

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
    build(Project.load(tree / rel), out_dir=out, progress=False)
    return out


def diff_releases(old: str, new: str, project: Path | None = None) -> VersionDiff:
    """Diff two built folders or two git revisions (each side may be either).

    A path that exists is a built folder; anything else must be a git revision of the repository
    holding the project (``project``, default: found from the working directory), built as the
    project was at that revision. Both sides are checked before anything is built.
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
            folders.append(_build_revision(repo, ref, workdir, root))
        return diff_folders(*folders)


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


def check_repo_id(repo_id: str) -> str:
    """``repo_id`` if the Hub would accept it (huggingface_hub's own rules), else an :class:`InputError`."""
    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        raise InputError(
            f"“{repo_id}” is not a Hub repository id; expected ORG/NAME (or NAME): letters, digits, '-', '_' "
            "and '.', at most 96 characters, no '--' or '..', not starting or ending with '-' or '.'"
        ) from exc
    return repo_id


def split_moves_against(dist: Path, ledger: SplitLedger) -> list[str]:
    """Documents of ``dist`` whose split is not the one the project's split ledger recorded."""
    problems = []
    for doc_id, split in sorted(_document_splits(dist).items()):
        entry = ledger.entries.get(doc_id)
        if entry is None:
            problems.append(f"{doc_id} ({split}) is not in the split ledger")
        elif entry.split != split:
            problems.append(f"{doc_id} is in {split}, but was first built in {entry.split}")
    return problems


def plan_publish(
    dist: Path, repo_id: str, tag: str | None = None, ledger: SplitLedger | None = None
) -> PublishPlan:
    """Check ``dist`` against its manifest (and the project's split ledger) and list what the commit
    would contain. A released document never changes split: a build that moved one is refused."""
    check_repo_id(repo_id)  # before any work
    dist = Path(dist)
    recorded = read_manifest(dist)
    moved = split_moves_against(dist, ledger) if ledger is not None else []
    if moved:
        shown = "\n  ".join(moved[:20]) + (f"\n  … and {len(moved) - 20} more" if len(moved) > 20 else "")
        raise InputError(
            f"{dist}: not published, documents would leak across splits (the split ledger is "
            f"annotations/{LEDGER_NAME}; rebuild with it):\n  {shown}"
        )
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
    dist: Path,
    repo_id: str,
    *,
    tag: str | None,
    dry_run: bool,
    api: HfApi | None = None,
    releases_dir: Path | None = None,
    ledger: SplitLedger | None = None,
) -> PublishPlan:
    """Upload ``dist`` as one commit and tag it; refuses if the tag exists with different content, or
    if a document is not in the split the ``ledger`` recorded for it.

    Once the Hub holds the version, it is recorded in ``releases_dir`` (see :func:`record_release`).
    """
    plan = plan_publish(dist, repo_id, tag, ledger)
    plan.dry_run = dry_run
    if dry_run:
        return plan
    try:
        _send(api or HfApi(), plan, Path(dist))
    except (httpx2.HTTPError, OSError) as exc:  # the Hub's HTTP errors, unreachable network, offline mode
        raise DatasetBuilderError(f"publishing to datasets/{repo_id} failed: {exc}") from exc
    if releases_dir is not None:
        record_release(releases_dir, read_manifest(Path(dist)), repo_id, plan.tag)
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
