"""What a newcomer reads on the Hub page: no placeholder of a setting left unset."""

from __future__ import annotations

import re
from pathlib import Path

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
