"""What a release says about itself (:class:`ReleaseInfo`) and its dataset card (``README.md``).

The card's YAML (configs, data files, features, split sizes) is generated from the schema and the
built files; its prose comes from the project's card template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataset_builder import schema
from dataset_builder.errors import InputError
from dataset_builder.output import write_atomic
from dataset_builder.project import Settings

if TYPE_CHECKING:
    from huggingface_hub import DatasetCardData

CARD_NAME = "README.md"
GUIDELINES_NAME = "GUIDELINES.md"

TASK_CATEGORIES = ["token-classification", "text-classification", "translation"]
TASK_IDS = ["named-entity-recognition", "multi-label-classification"]
SEMVER_RULE = (
    "schema change (fields, features, label names) → major; documents or annotations added or removed → minor; "
    "corrections of existing texts or annotations → patch"
)
SPDX_URL = "https://spdx.org/licenses/{}.html"


def data_files(rows: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, str]]:
    """``{config: {split: glob of its shards}}`` of the splits that have rows, in schema order.

    ``datasets`` refuses a split without rows, so empty splits (and configs) are left out.
    """
    files = {
        c: {s: schema.split_glob(c, s) for s in schema.SPLITS if rows[c][s]} for c in schema.CONFIG_NAMES
    }
    return {c: splits for c, splits in files.items() if splits}


# --- what a release says about itself ---------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    """What the card, the Croissant metadata and the citation say about a release, and what the owner
    says about its data (the ``[card]`` table: sources, biases, limitations, uses, personal information)."""

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
    sources: str | None
    biases: tuple[str, ...]
    limitations: tuple[str, ...]
    intended_uses: tuple[str, ...]
    personal_information: str | None

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
    citation, card = settings.citation, settings.card
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
        sources=card.sources,
        biases=tuple(card.biases),
        limitations=tuple(card.limitations),
        intended_uses=tuple(card.intended_uses),
        personal_information=card.personal_information,
    )


# --- card -----------------------------------------------------------------------------------------


def _type_name(feature: Any) -> str:
    """A short human name of a datasets feature, for the card's field tables."""
    import datasets  # here, not at the top: see card_data

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
    """The card's YAML: configs with data files per split, and features generated from the schema.

    ``datasets`` and ``huggingface_hub`` (with pandas, about 70 MB) are imported here, when the card
    is written, not with the module: the build holds them through the annotation and staging of the
    whole corpus otherwise, next to the annotating workers."""
    import datasets
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCardData

    total = sum(stats["rows"]["documents"].values())
    data = DatasetCardData(
        language=list(schema.LANGUAGES),
        license=info.license,
        license_name=info.license_name,
        license_link=info.license_link,
        license_details=info.license_details or "",  # the card shows no placeholder (None)
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
    features = schema.config_features(topic_ids)
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
                download_size=sum(p.stat().st_size for glob in splits.values() for p in folder.glob(glob)),
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
    silver_vs_gold: Mapping[str, Any] | None = None,
) -> None:
    """Render the project's card template into ``folder/README.md``, and the license file its YAML links to.

    ``silver_vs_gold``: the silver annotators' figures on the gold documents (see
    :func:`dataset_builder.silver_eval.silver_against_gold`), ``None`` without gold."""
    from huggingface_hub import DatasetCard  # here, not at the top: see card_data

    if not Path(template).is_file():
        raise InputError(f"{template}: card template not found")
    topic_ids = [t.id for t in taxonomy]
    card = DatasetCard.from_template(
        card_data(folder, stats, topic_ids, info),
        template_path=str(template),
        stats=stats,
        agreement=agreement,
        silver_vs_gold=silver_vs_gold,
        version=info.version,
        release_date=info.date.isoformat() if info.date else None,
        homepage=info.homepage,
        license=info.license,
        license_link=info.license_link,
        configs={
            name: [(f, _type_name(t), schema.FIELD_DESCRIPTIONS[f]) for f, t in features.items()]
            for name, features in schema.config_features(topic_ids).items()
        },
        entity_labels=schema.ENTITY_LABELS,
        taxonomy=tuple(taxonomy),
        splits=schema.SPLITS,
        languages=schema.LANGUAGES,
        annotations_license=info.annotations_license,
        license_details=info.license_details or "",  # the card shows no placeholder (None)
        semver_rule=SEMVER_RULE,
        dataset_name=info.name,
        pretty_name=info.pretty_name,
        citation=info.citation,
        sources=info.sources,
        biases=info.biases,
        limitations=info.limitations,
        intended_uses=info.intended_uses,
        personal_information=info.personal_information,
    )
    write_atomic(folder / CARD_NAME, str(card).encode("utf-8"))
    if info.license_is_a_file:
        write_atomic(folder / info.license_link, license_text(info).encode("utf-8"))


def license_text(info: ReleaseInfo) -> str:
    """The license file of a release: what the card's ``license: other`` means."""
    return (
        f"# License of {info.pretty_name} {info.version}\n\n{info.license_details or ''}\n\n"
        f"{info.annotations_license}: {SPDX_URL.format(info.annotations_license)}\n"
    )
