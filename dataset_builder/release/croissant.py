"""Croissant 1.1 metadata (``croissant.json``) of a built folder, generated from the schema and its files.

``mlcroissant`` and ``datasets`` (with pandas and networkx, about 90 MB with the card's) are imported by
the functions that use them, when the build writes this file: imported with the module, the build
held them through the annotation and staging of the whole corpus, next to the annotating workers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataset_builder import schema
from dataset_builder.output import Checksums, write_atomic
from dataset_builder.release.card import (
    GUIDELINES_NAME,
    SEMVER_RULE,
    SPDX_URL,
    ReleaseInfo,
    data_files,
)
from dataset_builder.release.manifest import json_text

if TYPE_CHECKING:
    import mlcroissant as mlc

CROISSANT_NAME = "croissant.json"
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
SC_ENUMERATION = "https://schema.org/Enumeration"  # sc:Enumeration; mlcroissant has no DataType for it
SEED_COLLECTION = (
    "News articles collected as plain-text seed files (one article, or an Arabic article followed by its "
    "English version, per file), cleaned of boilerplate by rules that only delete characters (the cuts "
    "are kept, so every seed can be rebuilt)."
)
"""How every build's texts were collected and cleaned; Croissant's ``dataCollection`` follows the
project's own ``[card] sources`` with it."""

_CROISSANT_TYPES = {
    "string": "TEXT",
    "int32": "INTEGER",
    "int64": "INTEGER",
    "bool": "BOOL",
    "date32": "DATE",
}
"""A feature's dtype → the name of its ``mlcroissant.DataType``."""


def _croissant_fields(
    record_set: str, feats: Mapping[str, Any], file_set: str, column: str | None = None
) -> list[mlc.Field]:
    """Croissant fields of a features dict; struct members read their parent column through a JSON path."""
    import datasets
    import mlcroissant as mlc

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
        description = schema.FIELD_DESCRIPTIONS.get(name, name)
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
            data_type = getattr(mlc.DataType, _CROISSANT_TYPES[inner.dtype])
        out.append(
            mlc.Field(**common, data_types=[data_type], is_array=(is_list or column is not None) or None)
        )
    return out


def _classes_id(subset: str, name: str) -> str:
    return f"{subset}-{name}-classes"


def _class_record_sets(subset: str, feats: Mapping[str, Any]) -> list[mlc.RecordSet]:
    """One ``sc:Enumeration`` RecordSet per ClassLabel feature, its names as inline data rows.

    This is how Croissant states what the integer ids of a ClassLabel column mean (the names as data,
    not prose), so that a consumer can map ``ner_tags`` or ``labels`` ids back to names.
    """
    import datasets
    import mlcroissant as mlc

    out = []
    for name, feature in feats.items():
        inner = feature.feature if isinstance(feature, datasets.List) else feature
        if not isinstance(inner, datasets.ClassLabel):
            continue
        rs = _classes_id(subset, name)
        out.append(
            mlc.RecordSet(
                id=rs,
                name=rs,
                description=f"Names of the ids of the {name} field of the {subset} config (ClassLabel).",
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
    folder: Path,
    stats: Mapping[str, Any],
    topic_ids: Sequence[str],
    info: ReleaseInfo,
    checksums: Checksums | None = None,
) -> dict[str, Any]:
    """Croissant 1.1 JSON-LD with one FileObject (with sha256) per parquet, one RecordSet per config and
    one enumeration RecordSet per ClassLabel."""
    import mlcroissant as mlc

    features = schema.config_features(topic_ids)
    distribution: list[mlc.FileObject | mlc.FileSet] = []
    record_sets = []
    for subset, splits in data_files(stats["rows"]).items():
        for split, glob in splits.items():
            for path in sorted(folder.glob(glob)):
                shard = path.relative_to(folder).as_posix()
                distribution.append(
                    mlc.FileObject(
                        id=f"{subset}-{path.stem}",
                        name=f"{subset}-{path.stem}",
                        description=f"{subset} config, {split} split, shard {path.stem.rsplit('-', 1)[1]}",
                        content_url=shard,
                        content_size=f"{path.stat().st_size} B",
                        encoding_formats=["application/x-parquet"],
                        sha256=(checksums or Checksums()).sha256(path),
                    )
                )
        file_set = f"{subset}-parquet"
        distribution.append(
            mlc.FileSet(
                id=file_set,
                name=file_set,
                description=f"All splits of the {subset} config",
                encoding_formats=["application/x-parquet"],
                includes=[schema.data_glob(subset)],
            )
        )
        record_sets.append(
            mlc.RecordSet(
                id=subset,
                name=subset,
                description=f"Rows of the {subset} config",
                fields=[
                    *_croissant_fields(subset, features[subset], file_set),
                    mlc.Field(
                        id=f"{subset}/split",
                        name="split",
                        description=f"Split of the row: one of {', '.join(schema.SPLITS)} (the file name).",
                        data_types=[mlc.DataType.TEXT],
                        source=mlc.Source(
                            file_set=file_set,
                            extract=mlc.Extract(file_property=mlc.FileProperty.filename),
                            transforms=[mlc.Transform(regex=r"^(.*)-[0-9]{5}\.parquet$")],
                        ),
                    ),
                ],
            )
        )
        record_sets += _class_record_sets(subset, features[subset])
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
        data_collection=" ".join(filter(None, [info.sources, SEED_COLLECTION])),
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
        data_biases=list(info.biases) or None,
        data_limitations=[
            *info.limitations,
            "Silver annotations are automatic and contain errors; filter on annotation_status for gold.",
            "Paragraph alignment assumes the translation keeps the paragraph structure.",
        ],
        data_use_cases=list(info.intended_uses) or None,
        personal_sensitive_information=[info.personal_information] if info.personal_information else None,
        data_release_maintenance_plan="Versioned with semantic versioning (" + SEMVER_RULE + "); "
        "every release has a changelog entry generated from `dataset-builder diff`.",
    )
    return metadata.to_json()


def write_croissant(
    folder: Path,
    stats: Mapping[str, Any],
    topic_ids: Sequence[str],
    info: ReleaseInfo,
    checksums: Checksums | None = None,
) -> None:
    metadata = croissant_metadata(folder, stats, topic_ids, info, checksums)
    write_atomic(folder / CROISSANT_NAME, json_text(metadata).encode("utf-8"))
