"""The labeling config is generated from the schema and the taxonomy."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import ANN, KNOWLEDGE, TAXONOMY

from dataset_builder import schema
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import config


def _parse() -> ET.Element:
    return ET.fromstring(config.labeling_config(TAXONOMY))


def _choices(root: ET.Element, name: str) -> ET.Element:
    return next(c for c in root.iter("Choices") if c.get("name") == name)


def test_config_holds_every_schema_label_topic_and_language() -> None:
    root = _parse()
    labels = root.find(".//Labels")
    assert labels is not None and labels.get("toName") == config.TEXT
    assert {lab.get("value"): lab.get("hint") for lab in labels} == schema.ENTITY_LABELS
    taxonomy = TAXONOMY
    topics = _choices(root, config.TOPICS)
    assert topics.get("choice") == "multiple"
    assert [c.get("value") for c in topics] == [t.id for t in taxonomy]
    assert all(t.definition in c.get("hint", "") for t, c in zip(taxonomy, topics, strict=True))
    languages = _choices(root, config.LANGUAGE)
    assert languages.get("choice") == "single" and [c.get("value") for c in languages] == list(
        schema.LANGUAGES
    )
    date = root.find(".//DateTime")
    assert date is not None and date.get("only") == "date" and date.get("name") == config.DATE
    assert root.find(f".//TextArea[@name='{config.DATE_EVIDENCE}']") is not None
    text = root.find(f".//Text[@name='{config.TEXT}']")
    assert text is not None and text.get("value") == "$text"


def test_text_is_shown_with_per_line_direction() -> None:
    root = _parse()
    style = root.find("Style")
    wrapper = next(v for v in root.iter("View") if v.find("Text") is not None)
    assert style is not None and wrapper.get("className")
    assert f".{wrapper.get('className')} .lsf-richtext__line" in (style.text or "")
    assert "unicode-bidi: plaintext" in (style.text or "")
    assert config.direction("ar") == "rtl" and config.direction("en") == "ltr"


def test_config_is_deterministic_and_follows_the_taxonomy(tmp_path: Path) -> None:
    assert config.labeling_config(TAXONOMY) == config.labeling_config(KNOWLEDGE.taxonomy)
    ann_dir = tmp_path / "annotations"
    shutil.copytree(ANN, ann_dir)
    taxonomy = json.loads((ann_dir / "taxonomy.json").read_text(encoding="utf-8"))
    taxonomy["topics"].append(
        {
            "id": "vaccines",
            "name": "Vaccines",
            "iptc": None,
            "iptc_label": None,
            "definition": "Doses & <care>.",
            "parent": "health",
        }
    )
    (ann_dir / "taxonomy.json").write_text(json.dumps(taxonomy), encoding="utf-8")
    changed = config.labeling_config(Knowledge.load(ann_dir).taxonomy)
    assert changed != config.labeling_config(TAXONOMY)
    choices = _choices(ET.fromstring(changed), config.TOPICS)
    assert [c.get("value") for c in choices] == [t.id for t in TAXONOMY] + ["vaccines"]
    health, vaccines = choices[[t.id for t in TAXONOMY].index("health")], choices[-1]
    assert health.get("hint").startswith("Health: ")  # a subtopic's hint names its parent
    assert (
        vaccines.get("value") == "vaccines" and vaccines.get("hint") == "Health › Vaccines: Doses & <care>."
    )
