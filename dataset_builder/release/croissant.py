"""Croissant 1.1 metadata (``croissant.json``) of a built folder, generated from the schema and its files.

The JSON-LD is written as data, the way the Hugging Face Hub writes the Croissant of its datasets, in
the form ``mlcroissant`` gives it (sorted keys, one-item lists of many-valued properties unboxed, empty
values left out); the tests validate it with ``mlcroissant`` and read its records back through it.
Building it through ``mlcroissant``'s objects cost every build, a rebuild after one edited article
included, the import of ``mlcroissant`` (with its torch adapter) and its serialisation, about 0.3 s.
``datasets`` is imported by the functions that read the features, when the build writes this file:
imported with the module, the build held it through the annotation and staging of the whole corpus,
next to the annotating workers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

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

CROISSANT_NAME = "croissant.json"
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
SC_ENUMERATION = "sc:Enumeration"
SEED_COLLECTION = (
    "News articles collected as plain-text seed files (one article, or an Arabic article followed by its "
    "English version, per file), cleaned of boilerplate by rules that only delete characters (the cuts "
    "are kept, so every seed can be rebuilt)."
)
"""How every build's texts were collected and cleaned; Croissant's ``dataCollection`` follows the
project's own ``[card] sources`` with it."""

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileObject": "cr:fileObject",
    "fileProperty": "cr:fileProperty",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The JSON-LD context of Croissant 1.1 (the specification's, as ``mlcroissant`` writes it)."""

_CROISSANT_TYPES = {
    "string": "sc:Text",
    "int32": "sc:Integer",
    "int64": "sc:Integer",
    "bool": "sc:Boolean",
    "date32": "sc:Date",
}
"""A feature's dtype → its Croissant data type."""


def _node(**properties: Any) -> dict[str, Any]:
    """A JSON-LD node: empty values left out, a one-item list of a many-valued property unboxed
    (``field``, ``recordSet`` and ``distribution`` stay lists: pass them as tuples)."""
    out = {}
    for key, value in properties.items():
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        elif isinstance(value, tuple):
            value = list(value)
        if value or isinstance(value, bool):
            out[key] = value
    return out


def _source(file_set: str, column: str | None = None, json_path: str | None = None) -> dict[str, Any]:
    return _node(
        extract={"column": column} if column else {"fileProperty": "filename"},
        fileSet={"@id": file_set},
        transform=[{"jsonPath": json_path}] if json_path else [],
    )


def _croissant_fields(
    record_set: str, feats: Mapping[str, Any], file_set: str, column: str | None = None
) -> list[dict[str, Any]]:
    """Croissant fields of a features dict; struct members read their parent column through a JSON path."""
    import datasets

    out = []
    for name, feature in feats.items():
        is_list = isinstance(feature, datasets.List)
        inner = feature.feature if is_list else feature
        source = _source(file_set, name) if column is None else _source(file_set, column, name)
        description = schema.FIELD_DESCRIPTIONS.get(name, name)
        common = {"@id": f"{record_set}/{name}", "@type": "cr:Field", "name": name, "source": source}
        if isinstance(inner, datasets.Translation):
            inner = {lang: datasets.Value("string") for lang in inner.languages}
        if isinstance(inner, dict):
            subs = _croissant_fields(f"{record_set}/{name}", inner, file_set, name)
            out.append(
                _node(**common, description=description, **{"cr:isArray": is_list or None}, subField=subs)
            )
            continue
        if isinstance(inner, datasets.ClassLabel):
            # No cr:references to the enumeration: mlcroissant 1.1 cannot join on a list field.
            description = f"{description} Ids into the {_classes_id(record_set, name)} record set: {', '.join(inner.names)}."
            data_type = "sc:Integer"
        else:
            data_type = _CROISSANT_TYPES[inner.dtype]
        is_array = is_list or column is not None
        out.append(
            _node(**common, description=description, dataType=data_type, **{"cr:isArray": is_array or None})
        )
    return out


def _classes_id(subset: str, name: str) -> str:
    return f"{subset}-{name}-classes"


def _class_record_sets(subset: str, feats: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One ``sc:Enumeration`` RecordSet per ClassLabel feature, its names as inline data rows.

    This is how Croissant states what the integer ids of a ClassLabel column mean (the names as data,
    not prose), so that a consumer can map ``ner_tags`` or ``labels`` ids back to names.
    """
    import datasets

    out = []
    for name, feature in feats.items():
        inner = feature.feature if isinstance(feature, datasets.List) else feature
        if not isinstance(inner, datasets.ClassLabel):
            continue
        rs = _classes_id(subset, name)
        out.append(
            _node(
                **{"@id": rs, "@type": "cr:RecordSet"},
                name=rs,
                description=f"Names of the ids of the {name} field of the {subset} config (ClassLabel).",
                dataType=SC_ENUMERATION,
                key=[{"@id": f"{rs}/id"}],
                field=(
                    _node(
                        **{"@id": f"{rs}/id", "@type": "cr:Field"},
                        name="id",
                        description="ClassLabel id.",
                        dataType="sc:Integer",
                    ),
                    _node(
                        **{"@id": f"{rs}/name", "@type": "cr:Field"},
                        name="name",
                        description="Name of the id.",
                        dataType="sc:Text",
                    ),
                ),
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
    features = schema.config_features(topic_ids)
    distribution: list[dict[str, Any]] = []
    record_sets: list[dict[str, Any]] = []
    for subset, splits in data_files(stats["rows"]).items():
        for split, glob in splits.items():
            for path in sorted(folder.glob(glob)):
                shard = path.relative_to(folder).as_posix()
                distribution.append(
                    _node(
                        **{"@id": f"{subset}-{path.stem}", "@type": "cr:FileObject"},
                        name=f"{subset}-{path.stem}",
                        description=f"{subset} config, {split} split, shard {path.stem.rsplit('-', 1)[1]}",
                        contentUrl=shard,
                        contentSize=f"{path.stat().st_size} B",
                        encodingFormat=["application/x-parquet"],
                        sha256=(checksums or Checksums()).sha256(path),
                    )
                )
        file_set = f"{subset}-parquet"
        distribution.append(
            _node(
                **{"@id": file_set, "@type": "cr:FileSet"},
                name=file_set,
                description=f"All splits of the {subset} config",
                encodingFormat=["application/x-parquet"],
                includes=[schema.data_glob(subset)],
            )
        )
        split_field = _node(
            **{"@id": f"{subset}/split", "@type": "cr:Field"},
            name="split",
            description=f"Split of the row: one of {', '.join(schema.SPLITS)} (the file name).",
            dataType="sc:Text",
            source=_node(
                extract={"fileProperty": "filename"},
                fileSet={"@id": file_set},
                transform=[{"regex": r"^(.*)-[0-9]{5}\.parquet$"}],
            ),
        )
        record_sets.append(
            _node(
                **{"@id": subset, "@type": "cr:RecordSet"},
                name=subset,
                description=f"Rows of the {subset} config",
                field=(*_croissant_fields(subset, features[subset], file_set), split_field),
            )
        )
        record_sets += _class_record_sets(subset, features[subset])
    agreement_note = "Inter-annotator agreement is reported in the dataset card."
    return _node(
        **{"@context": CONTEXT, "@type": "sc:Dataset"},
        name=info.name,
        description=f"{info.pretty_name}: Arabic and English news articles with named entities (IOB2), "
        "publication dates, multi-label topics, events and Arabic–English translation pairs.",
        conformsTo=[CROISSANT_VERSION],
        version=info.version,
        datePublished=info.date.strftime("%Y-%m-%d") if info.date else None,
        url=info.homepage,
        creator=[{"@type": "sc:Person" if "," in a else "sc:Organization", "name": a} for a in info.authors],
        license=[
            SPDX_URL.format(info.annotations_license or info.license),
            *([info.license_details] if info.license_details else []),
        ],
        inLanguage=list(schema.LANGUAGES),
        keywords=[
            "named-entity-recognition",
            "topic-classification",
            "machine-translation",
            "Arabic",
            "news",
        ],
        citeAs=info.citation,
        distribution=tuple(distribution),
        recordSet=tuple(record_sets),
        **{
            "rai:dataCollection": " ".join(filter(None, [info.sources, SEED_COLLECTION])),
            "rai:dataCollectionType": ["Manual Human Curation"],
            "rai:dataPreprocessingProtocol": [
                "Boilerplate removal by deletion only; language split of bilingual "
                "seeds; offsets are Python code points into the cleaned text."
            ],
            "rai:dataAnnotationProtocol": [
                "Silver annotations from gazetteer and rule-based annotators, corrected "
                "and adjudicated by human annotators in Label Studio following "
                + GUIDELINES_NAME
                + ". "
                + agreement_note
            ],
            "rai:dataAnnotationPlatform": ["Label Studio"],
            "rai:annotationsPerItem": "Gold documents carry one adjudicated annotation built from one or "
            "more annotators; silver documents carry one machine annotation (see annotation_status).",
            "rai:machineAnnotationTools": [
                "dataset_builder silver annotators (pyahocorasick gazetteer, trigger rules, date patterns, "
                "fastText language identification)"
            ],
            "rai:dataBiases": list(info.biases),
            "rai:dataLimitations": [
                *info.limitations,
                "Silver annotations are automatic and contain errors; filter on annotation_status for gold.",
                "Paragraph alignment assumes the translation keeps the paragraph structure.",
            ],
            "rai:dataUseCases": list(info.intended_uses),
            "rai:personalSensitiveInformation": [info.personal_information]
            if info.personal_information
            else [],
            "rai:dataReleaseMaintenancePlan": "Versioned with semantic versioning (" + SEMVER_RULE + "); "
            "every release has a changelog entry generated from `dataset-builder diff`.",
        },
    )


def write_croissant(
    folder: Path,
    stats: Mapping[str, Any],
    topic_ids: Sequence[str],
    info: ReleaseInfo,
    checksums: Checksums | None = None,
) -> None:
    metadata = croissant_metadata(folder, stats, topic_ids, info, checksums)
    write_atomic(folder / CROISSANT_NAME, json_text(metadata).encode("utf-8"))
