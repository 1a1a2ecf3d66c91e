"""The dataset card: YAML from the schema, license file, citation, agreement and gold sections."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from conftest import PROJECT, REPO, TAXONOMY
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard

from dataset_builder import configs, schema
from dataset_builder.agreement import compute_agreement
from dataset_builder.annotations import AnnotatedDocument, Annotation, read_documents
from dataset_builder.build import write_dataset
from dataset_builder.documents import Document, Span
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio.importer import import_export
from dataset_builder.pipeline import silver_documents
from dataset_builder.release.card import GUIDELINES_NAME, SEMVER_RULE, license_text, release_info
from dataset_builder.release.manifest import read_manifest

LEAD, ANNOTATOR_2 = "lead@dataset-builder.local", "annotator2@dataset-builder.local"


def test_card_yaml_loads_with_configs_and_features_from_the_schema(built: Path) -> None:
    data = DatasetCard.load(built / "README.md").data
    assert data.language == list(schema.LANGUAGES) and data.license == "other"
    assert data.license_name and PROJECT.settings.annotations_license in data.license_details
    assert set(data.task_categories) == {"token-classification", "text-classification", "translation"}
    assert data.version == PROJECT.settings.version
    infos = DatasetInfosDict.from_dataset_card_data(data)
    assert {name: info.features for name, info in infos.items()} == {
        **configs.config_features([t.id for t in TAXONOMY])
    }
    manifest = read_manifest(built)
    for entry in data.configs:
        for files in entry["data_files"]:
            shards = sorted(built.glob(files["path"]))
            assert shards and all(schema.split_of_file(p) == files["split"] for p in shards)
            assert manifest["rows"][entry["config_name"]][files["split"]] > 0
    text = (built / "README.md").read_text(encoding="utf-8")
    assert f"]({GUIDELINES_NAME})" in text and SEMVER_RULE in text


def test_card_links_its_license_file_and_cites_authors_year_url_and_version(built: Path) -> None:
    settings = PROJECT.settings
    info = release_info(settings)
    data = DatasetCard.load(built / "README.md").data
    assert data.license == "other" and data.license_link == settings.license_link == "LICENSE.md"
    license_file = (built / data.license_link).read_text(encoding="utf-8")
    assert license_file == license_text(info) and settings.annotations_license in license_file
    assert settings.license_details in license_file
    assert data.license_link in read_manifest(built)["files"]
    text = (built / "README.md").read_text(encoding="utf-8")
    citation = text.split("```bibtex\n")[1].split("```")[0]
    assert citation.startswith("@misc{") and citation.count("{") == citation.count("}")
    authors = " and ".join(f"{{{a}}}" for a in settings.citation.authors)
    for key, value in {
        "author": authors,
        "title": settings.pretty_name,
        "year": str(settings.release_date.year),
        "version": settings.version,
    }.items():
        assert f"  {key} = {{{value}}}" in citation, key
    on_the_hub = settings.model_copy(update={"hub": settings.hub.model_copy(update={"repo_id": "org/news"})})
    assert "  url = {https://huggingface.co/datasets/org/news}" in release_info(on_the_hub).citation


def test_card_and_croissant_say_which_offsets_point_into_the_seed_file(built: Path) -> None:
    text = (built / "README.md").read_text(encoding="utf-8")
    offsets = next(p for p in text.split("\n\n") if "`seed_start`" in p)
    assert "into the document's `text`" in offsets and "into the seed *file*" in offsets
    assert "not into `text`" in offsets
    metadata = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f["description"] for f in metadata["recordSet"][0]["field"]}
    assert all(
        "seed file (not in" in fields[f] or "seed file (not into" in fields[f] for f in ("seed_start", "cuts")
    )


def test_card_and_croissant_say_the_projects_own_statements_about_its_data(built: Path) -> None:
    """The [card] table of dataset.toml is said once each in the card and in Croissant's RAI fields."""
    card = PROJECT.settings.card
    text = (built / "README.md").read_text(encoding="utf-8")
    limits = text[text.index("## Limitations and biases") : text.index("## License")]
    for statement in (*card.biases, *card.limitations, card.personal_information):
        assert limits.count(f"- {statement}\n") == 1, statement
    uses = text[text.index("## Intended uses") : text.index("## Languages")]
    assert uses.split("\n")[2:-2] == [f"- {use}" for use in card.intended_uses]
    assert text.count(card.sources) == 1
    metadata = json.loads((built / "croissant.json").read_text(encoding="utf-8"))

    def listed(key: str) -> list[str]:  # JSON-LD writes a one-item list as its item
        value = metadata[f"rai:{key}"]
        return value if isinstance(value, list) else [value]

    assert listed("dataBiases") == card.biases and listed("dataUseCases") == card.intended_uses
    assert listed("dataLimitations")[: len(card.limitations)] == card.limitations
    assert listed("personalSensitiveInformation") == [card.personal_information]
    assert metadata["rai:dataCollection"].startswith(f"{card.sources} ")


# --- card: agreement and gold --------------------------------------------------------------------


def agreement_section(folder: Path) -> str:
    text = (folder / "README.md").read_text(encoding="utf-8")
    return text[text.index("### Agreement") : text.index("## Versioning")]


def card_agreement(docs: list[Document], out: Path, agreement: dict[str, Any]) -> str:
    """The agreement section of the card of ``docs`` built with ``agreement``."""
    write_dataset(docs, out, project=PROJECT, taxonomy=TAXONOMY, progress=False, agreement=agreement)
    return agreement_section(out)


def assert_readable(section: str) -> None:
    """Prose and tables for people: no JSON, no Python repr, no list or dict syntax in any cell."""
    for mark in ("{", "}", "[", "]", "None", "null"):
        assert mark not in section, f"{mark!r} in the card's agreement section:\n{section}"
    cells = [line for line in section.splitlines() if line.startswith("|")]
    for line in cells:  # measure | scope | value | documents | annotators; no quoted JSON strings
        assert line.count("|") == 6 and "`" not in line and '"' not in line, line


def test_the_card_gives_full_agreement_when_the_second_annotator_made_the_leads_choices(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    """The seed campaign's own export, re-imported: annotator2 chose what the lead chose, an agreement."""
    ann_dir = shutil.copytree(
        REPO / "annotations", tmp_path / "annotations", ignore=shutil.ignore_patterns("documents")
    )
    (export,) = sorted((ann_dir / "labelstudio").glob("export-*.json"))
    knowledge = Knowledge.load(ann_dir)
    import_export(export, silver_documents(REPO / "seeds", knowledge), ann_dir, knowledge)
    stored = read_documents(ann_dir, knowledge.topic_ids)
    assert {a.annotator for doc in stored.values() for a in doc.annotations} == {LEAD, ANNOTATOR_2}
    agreement = compute_agreement(stored, knowledge.topic_ids)
    assert agreement.documents_compared > 0
    section = card_agreement(sample_docs, tmp_path / "dist", agreement.to_dict())
    assert (
        "**not measured yet**" not in section and "| entity F1, exact match | all labels | 1.000 |" in section
    )
    assert "Not counted" not in section
    assert ANNOTATOR_2 not in section and LEAD not in section  # no annotator's email in a public card
    assert_readable(section)


def test_the_card_gives_measured_figures_with_documents_and_annotators(
    tmp_path: Path, sample_docs: list[Document]
) -> None:
    def annotation(annotation_id: int, who: str, topics: list[str]) -> Annotation:
        return Annotation(who, "labelstudio/export-0123456789ab.json", 1, annotation_id, "2026-11-23T12:00:00Z",
                          "2026-11-23T12:00:00Z", None, False, (Span(0, 5, "Aaaaa", "PER"),), tuple(topics),
                          None, None, "en")  # fmt: skip

    stored = {
        d: AnnotatedDocument(
            d, "0" * 64, (annotation(i, "a", ["diplomacy"]), annotation(i + 10, "b", topics))
        )
        for i, (d, topics) in enumerate((("d1", ["diplomacy", "defence"]), ("d2", ["diplomacy", "economy"])))
    }
    agreement = compute_agreement(stored, [t.id for t in TAXONOMY])
    section = card_agreement(sample_docs, tmp_path / "dist", agreement.to_dict())
    assert "(2 documents, 2 annotators)" in section
    assert "| entity F1, exact match | all labels | 1.000 | 2 | 2 |" in section
    assert "| entity F1, exact match | MISC | not measured yet | 0 | 0 |" in section
    assert "| date, share of pairs agreeing | — | 1.000 | 2 | 2 |" in section
    assert_readable(section)


def test_without_agreement_figures_the_card_says_not_measured_yet(built: Path) -> None:
    section = agreement_section(built)
    assert "**not measured yet**" in section
    assert_readable(section)


def test_the_card_shows_how_to_keep_gold_only(built: Path) -> None:
    text = " ".join((built / "README.md").read_text(encoding="utf-8").split())
    assert 'ds.filter(lambda r: r["annotation_status"] == "gold")' in text
    assert 'test.filter(lambda r: r["annotation_status"] == "gold")' in text
    for config in ("ner", "topics"):
        table = text[text.index(f"### `{config}`") :]
        assert (
            "| `annotation_status` | string | gold (human-adjudicated), silver (automatic), or disputed "
            "(annotators disagree, a reviewer has not decided yet: silver annotations). |"
        ) in table
