"""Learning from gold: a name annotated once is pre-annotated in every other document."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ANN

from dataset_builder.annotations import AnnotatedDocument, Annotation, text_sha256
from dataset_builder.annotators.entities import find_entities
from dataset_builder.annotators.learned import learn_aliases
from dataset_builder.documents import Document, Span
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


def _write_learned(ann: Path, aliases: list[tuple[str, str, list[str]]]) -> None:
    entries = [
        {
            "surface": surface,
            "language": "en",
            "label": label,
            "entity_id": None,
            "sources": [{"document_id": d, "annotator": "lead@example.org"} for d in documents],
        }
        for surface, label, documents in aliases
    ]
    (ann / "learned_aliases.json").write_text(json.dumps({"aliases": entries}), encoding="utf-8")


def test_silver_of_a_gold_document_leaves_out_the_names_only_its_gold_taught(tmp_path: Path) -> None:
    ann = knowledge_folder(tmp_path)
    _write_learned(
        ann,
        [("Zorba Quintavalle", "PER", ["901_gold"]), ("Quintavalle Fund", "ORG", ["901_gold", "902_other"])],
    )
    text = "Talks with Zorba Quintavalle and the Quintavalle Fund went on."
    knowledge = Knowledge.load(ann)
    found = {s.text for s in find_entities(text, "en", knowledge.entities)}
    assert found == {"Zorba Quintavalle", "Quintavalle Fund"}
    honest = knowledge.without_learned_from(["901_gold"])
    # taught by 901_gold alone: gone; taught by another document too: kept
    assert {s.text for s in find_entities(text, "en", honest.entities)} == {"Quintavalle Fund"}
    other = knowledge.without_learned_from(["902_other"])
    assert {s.text for s in find_entities(text, "en", other.entities)} == found
    assert {s.text for s in find_entities(text, "en", knowledge.entities)} == found  # unchanged


def test_report_compares_silver_with_gold_without_the_documents_own_aliases(tmp_path: Path) -> None:
    from dataset_builder.report import collect
    from dataset_builder.silver_eval import silver_of_gold

    ann = knowledge_folder(tmp_path)
    _write_learned(ann, [("Zorba Quintavalle", "PER", ["901_gold"])])
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "901_gold.txt").write_text(GOLD_TEXT + "\n", encoding="utf-8")
    gold = {"start": 11, "end": 28, "text": "Zorba Quintavalle", "label": "PER", "entity_id": None}
    row = {
        "id": "901_gold",
        "seed_file": "901_gold.txt",
        "text": GOLD_TEXT,
        "annotation_status": "gold",
        "entities": [gold, {"start": 40, "end": 45, "text": "Cairo", "label": "LOC", "entity_id": "cairo"}],
    }
    gold = Document("901_gold", "901_gold.txt", "en", GOLD_TEXT, 0, len(GOLD_TEXT), annotation_status="gold")
    silver = silver_of_gold([gold], seeds, Knowledge.load(ann))
    diff = collect.silver_diffs([row], silver)["901_gold"]
    assert diff.unavailable is None
    assert [(c.kind, c.gold.text if c.gold else None) for c in diff.changes] == [
        ("missed", "Zorba Quintavalle")
    ]
