"""What a newcomer reads on the Hub page: no placeholder of a setting left unset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mlcroissant as mlc
import tomlkit
from conftest import TAXONOMY, sample_documents

from dataset_builder.build import write_dataset
from dataset_builder.project import Project, init_project


def test_a_project_without_homepage_or_license_details_gets_a_card_without_none(tmp_path: Path) -> None:
    """Case 11: the card rendered `Version **0.2.0**, released …: <None>.` when no homepage was set."""
    root = tmp_path / "project"
    init_project(root)
    toml = root / "dataset.toml"
    toml.write_text(
        re.sub(r"(?m)^license_details = .*\n", "", toml.read_text(encoding="utf-8")), encoding="utf-8"
    )
    project = Project.load(root)
    assert project.settings.hub.repo_id is None and project.settings.license_details is None
    write_dataset(sample_documents(), tmp_path / "dist", project=project, taxonomy=TAXONOMY, progress=False)
    card = (tmp_path / "dist" / "README.md").read_text(encoding="utf-8")
    assert "None" not in card and "<>" not in card
    assert re.search(r"^Version \*\*0\.1\.0\*\*, released \d{4}-\d\d-\d\d\.$", card, re.MULTILINE), card[:800]


def test_a_new_projects_card_and_croissant_say_its_owners_statements_and_leave_out_the_rest(
    tmp_path: Path,
) -> None:
    """The owner's [card] statements, not this repository's; a key left out is not said at all."""
    root = tmp_path / "project"
    init_project(root)
    toml = root / "dataset.toml"
    document = tomlkit.parse(toml.read_text(encoding="utf-8"))
    document["card"] = {"sources": "Wire stories of one agency, 2019.", "biases": ["One agency only."]}
    toml.write_text(tomlkit.dumps(document), encoding="utf-8")
    project = Project.load(root)
    result = write_dataset(
        sample_documents(), tmp_path / "dist", project=project, taxonomy=TAXONOMY, progress=False
    )
    assert [w for w in result.warnings if "prompt" in w] == [
        f"{toml}: the init template's prompts are left in license_details; the card and croissant.json "
        "repeat them as they are, and `publish` refuses the build until they say what is true of this dataset"
    ]
    card = (tmp_path / "dist" / "README.md").read_text(encoding="utf-8")
    metadata = json.loads((tmp_path / "dist" / "croissant.json").read_text(encoding="utf-8"))
    assert "\nWire stories of one agency, 2019.\n" in card and "\n- One agency only.\n" in card
    assert metadata["rai:dataCollection"].startswith("Wire stories of one agency, 2019. ")
    assert metadata["rai:dataBiases"] == "One agency only."  # JSON-LD writes a one-item list as its item
    assert "## Intended uses" not in card and "None" not in card
    assert "rai:dataUseCases" not in metadata and "rai:personalSensitiveInformation" not in metadata
    for text in (card, json.dumps(metadata, ensure_ascii=False)):
        assert "Gaza" not in text and "state-aligned" not in text
    mlc.Dataset(jsonld=tmp_path / "dist" / "croissant.json")  # raises on any validation error
