"""Learning from gold: a name annotated once is pre-annotated in every other document."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ANN

from dataset_builder.annotations import AnnotatedDocument, Annotation, text_sha256
from dataset_builder.annotators.entities import find_entities
from dataset_builder.annotators.learned import learn_aliases
from dataset_builder.documents import Span
from dataset_builder.knowledge import Knowledge

GOLD_TEXT = "Talks with Zorba Quintavalle went on in Cairo."
OTHER_TEXT = "Later, Zorba Quintavalle flew home."


def knowledge_folder(tmp_path: Path) -> Path:
    """The repository's knowledge files, without its gold, groups or learned aliases."""
    ignore = shutil.ignore_patterns(
        "documents", "labelstudio", "learned_aliases.json", "groups.json", "splits.json"
    )
    return Path(shutil.copytree(ANN, tmp_path / "annotations", ignore=ignore))


def _annotation(annotation_id: int, annotator: str, spans: tuple[Span, ...]) -> Annotation:
    return Annotation(
        annotator=annotator,
        export="labelstudio/export-000000000000.json",
        task_id=1,
        annotation_id=annotation_id,
        created_at="2026-11-23T12:00:00Z",
        updated_at="2026-11-23T12:01:00Z",
        lead_time=1.0,
        ground_truth=annotation_id == 1,
        entities=spans,
        topics=(),
        date=None,
        date_evidence=None,
        language="en",
    )


def test_a_gold_name_is_found_by_silver_in_another_document(tmp_path: Path) -> None:
    ann = knowledge_folder(tmp_path)
    before = find_entities(OTHER_TEXT, "en", Knowledge.load(ann).entities)
    assert "Zorba Quintavalle" not in [s.text for s in before]

    name = Span(11, 28, "Zorba Quintavalle", "PER")
    cairo = Span(40, 45, "Cairo", "LOC")
    assert GOLD_TEXT[name.start : name.end] == name.text and GOLD_TEXT[cairo.start : cairo.end] == "Cairo"
    doc = AnnotatedDocument(
        "901_gold",
        text_sha256(GOLD_TEXT),
        (_annotation(1, "lead@example.org", (name, cairo)), _annotation(2, "second@example.org", (name,))),
    )
    (ann / "documents").mkdir()
    (ann / "documents" / "901_gold.json").write_bytes(doc.to_bytes())

    assert learn_aliases(ann, Knowledge.load(ann)) == 2
    learned = json.loads((ann / "learned_aliases.json").read_text(encoding="utf-8"))["aliases"]
    assert learned == [
        {
            "surface": "Cairo",
            "language": "en",
            "label": "LOC",
            "entity_id": "cairo",
            "sources": [{"document_id": "901_gold", "annotator": "lead@example.org"}],
        },
        {
            "surface": "Zorba Quintavalle",
            "language": "en",
            "label": "PER",
            "entity_id": None,
            "sources": [
                {"document_id": "901_gold", "annotator": "lead@example.org"},
                {"document_id": "901_gold", "annotator": "second@example.org"},
            ],
        },
    ]
    stamp = (ann / "learned_aliases.json").stat().st_mtime_ns
    assert (
        learn_aliases(ann, Knowledge.load(ann)) == 2
        and (ann / "learned_aliases.json").stat().st_mtime_ns == stamp
    )

    after = find_entities(OTHER_TEXT, "en", Knowledge.load(ann).entities)
    assert [(s.text, s.label) for s in after] == [("Zorba Quintavalle", "PER")]
    assert OTHER_TEXT[after[0].start : after[0].end] == "Zorba Quintavalle"


def test_a_surface_gold_labelled_two_ways_is_not_used(tmp_path: Path) -> None:
    ann = knowledge_folder(tmp_path)
    aliases = [
        {"surface": "Quintavalle", "language": "en", "label": label, "entity_id": None, "sources": []}
        for label in ("PER", "ORG")
    ]
    (ann / "learned_aliases.json").write_text(json.dumps({"aliases": aliases}), encoding="utf-8")
    assert find_entities("Quintavalle spoke.", "en", Knowledge.load(ann).entities) == []
