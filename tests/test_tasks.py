"""Label Studio tasks (:mod:`dataset_builder.labelstudio.tasks`): predictions the server can show exactly."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import regex
from conftest import ANN, TAXONOMY
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder import annotations, schema
from dataset_builder.documents import Document, Span
from dataset_builder.labelstudio import config, tasks
from dataset_builder.labelstudio.parse import ExportErrors, parse_tasks

TOPIC_IDS = [t.id for t in TAXONOMY]
ALPHABET = "ابتثجحخدذرسشصضطظعغفقكلمنهوي" + "ًٌَُ" + "abcXYZ" + "0123" + " \n\r.,؟«»-" + "😀🇪🇬" + "\u200d"
REGION_TAGS = {"labels": "Labels", "choices": "Choices", "datetime": "DateTime", "textarea": "TextArea"}


@st.composite
def annotated_documents(draw: st.DrawFn) -> Document:
    """A document with any text (astral characters, CRLF), possibly overlapping spans, topics, date."""
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=80))
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, text[start:end], draw(st.sampled_from(list(schema.ENTITY_LABELS)))))
    date = draw(st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
    return Document(
        id=draw(st.sampled_from(["001_a-ar", "002_b-en"])),
        seed_file="001_a.txt",
        language=draw(st.sampled_from(schema.LANGUAGES)),
        text=text,
        seed_start=0,
        seed_end=len(text),
        title=draw(st.none() | st.just("عنوان")),
        date=date,
        date_source="text" if date else None,
        date_evidence=draw(st.none() | st.just("6 فبراير 2024")) if date else None,
        entities=spans,
        topics=draw(st.lists(st.sampled_from(TOPIC_IDS), max_size=3, unique=True)),
    )


@st.composite
def valid_documents(draw: st.DrawFn) -> Document:
    """:func:`annotated_documents` as the pipeline makes them: spans the build accepts (flat, no
    whitespace at an edge) over whole characters (a letter with its marks, a flag), topics in
    taxonomy order."""
    doc = draw(annotated_documents())
    edges = {0} | {m.end() for m in regex.finditer(r"\X", doc.text)}
    spans, end = [], 0
    for span in sorted(doc.entities, key=lambda s: (s.start, s.end)):
        whole = span.start in edges and span.end in edges
        if whole and span.start >= end and span.text.strip() == span.text:
            spans.append(span)
            end = span.end
    return doc.with_(entities=spans, topics=sorted(doc.topics, key=TOPIC_IDS.index))


def controls() -> dict[str, ET.Element]:
    """The labeling config's controls by name (what a prediction's ``from_name`` must refer to)."""
    view = ET.fromstring(config.labeling_config(TAXONOMY))
    return {e.get("name"): e for e in view.iter() if e.get("name")}


CONTROLS = controls()


@settings(max_examples=200, deadline=None)
@given(annotated_documents())
def test_a_prediction_holds_every_annotation_exactly_and_only_what_the_config_knows(doc: Document) -> None:
    result = tasks.prediction(doc, "v9")
    assert result["model_version"] == "v9"
    regions = result["result"]
    assert len({r["id"] for r in regions}) == len(regions)
    for region in regions:
        control = CONTROLS[region["from_name"]]
        assert control.tag == REGION_TAGS[region["type"]] and control.get("toName") == region["to_name"]
        assert region["to_name"] == config.TEXT and CONTROLS[config.TEXT].tag == "Text"
        allowed = {c.get("value") for c in control}
        assert set(region["value"].get("labels", region["value"].get("choices", []))) <= allowed
    entities = [r["value"] for r in regions if r["from_name"] == config.ENTITIES]
    assert all(doc.text[v["start"] : v["end"]] == v["text"] for v in entities)
    got = [(v["start"], v["end"], v["labels"][0]) for v in entities]
    assert got == sorted(got)
    assert Counter(got) == Counter((s.start, s.end, s.label) for s in doc.entities)
    by_control = {r["from_name"]: r["value"] for r in regions if r["from_name"] != config.ENTITIES}
    assert by_control[config.LANGUAGE] == {"choices": [doc.language]}
    assert by_control.get(config.TOPICS) == ({"choices": doc.topics} if doc.topics else None)
    assert by_control.get(config.DATE) == ({"datetime": doc.date.isoformat()} if doc.date else None)
    evidence = by_control.get(config.DATE_EVIDENCE)
    assert evidence == ({"text": [doc.date_evidence]} if doc.date_evidence else None)


@settings(max_examples=150, deadline=None)
@given(valid_documents())
def test_an_annotator_who_accepts_the_prediction_gives_back_the_documents_annotations(doc: Document) -> None:
    """Tasks → the export of a submitted, unchanged prediction → the importer's reading: the same spans,
    topics, date and evidence (offsets, astral characters and CRLF included)."""
    (task,) = tasks.build_tasks([doc], "v1")
    annotation = {
        "id": 7,
        "completed_by": {"id": 1, "email": "ann@example.org"},
        "result": task["predictions"][0]["result"],
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": "2026-11-23T12:00:00.000000Z",
        "updated_at": "2026-11-23T12:01:00.000000Z",
        "lead_time": 4.5,
    }
    errors = ExportErrors("export.json")
    parsed = parse_tasks(
        [{"id": 3, "data": task["data"], "annotations": [annotation]}],
        "export.json",
        "Label Studio",
        {doc.id: doc},
        TOPIC_IDS,
        errors,
    )
    assert errors.items == []
    ((document_id, (got,)),) = parsed.incoming.items()
    assert document_id == doc.id and (got.task_id, got.annotation_id, got.annotator) == (
        3,
        7,
        "ann@example.org",
    )
    assert sorted(got.entities, key=lambda s: (s.start, s.end)) == doc.entities
    assert (list(got.topics), got.date, got.date_evidence, got.language) == (
        doc.topics,
        doc.date,
        doc.date_evidence,
        doc.language,
    )


@settings(max_examples=100, deadline=None)
@given(annotated_documents(), st.text(alphabet=ALPHABET, min_size=1, max_size=20))
def test_a_task_is_keyed_by_its_document_and_text(doc: Document, other_text: str) -> None:
    data = tasks.task_data(doc, dataset="news")
    sha = annotations.text_sha256(doc.text)
    assert data == {
        "text": doc.text,
        "document_id": doc.id,
        "seed_file": doc.seed_file,
        "language": doc.language,
        "direction": "rtl" if doc.language == "ar" else "ltr",
        "title": doc.title or "",
        "text_sha256": sha,
        "task_key": f"{doc.id}:{sha[:16]}",
        tasks.DATASET_KEY: "news",
    }
    assert tasks.DATASET_KEY not in tasks.task_data(doc)
    edited = tasks.task_data(doc.with_(text=other_text, entities=[]))
    assert (edited["task_key"] == data["task_key"]) == (other_text == doc.text)


def test_tasks_keep_document_order_and_a_blind_pass_has_no_predictions(sample_docs: list[Document]) -> None:
    built = tasks.build_tasks(sample_docs, "v1", dataset="news")
    assert [t["data"]["document_id"] for t in built] == [d.id for d in sample_docs]
    assert all(
        t["predictions"] == [tasks.prediction(d, "v1")] for t, d in zip(built, sample_docs, strict=True)
    )
    blind = tasks.build_tasks(sample_docs, "v1", predictions=False)
    assert [set(t) for t in blind] == [{"data"}] * len(sample_docs)


def test_written_tasks_are_deterministic_json_with_the_models_version(
    sample_docs: list[Document], tmp_path: Path
) -> None:
    out = tmp_path / "out" / "tasks.json"
    out.parent.mkdir()
    message = tasks.write_tasks(reversed(sample_docs), ANN, out, dataset="news")
    version = tasks.model_version(ANN)
    assert message == f"wrote {len(sample_docs)} tasks to {out} (predictions by {version})"
    text = out.read_text(encoding="utf-8")
    assert text == tasks.tasks_json(tasks.build_tasks(reversed(sample_docs), version, dataset="news"))
    assert "القاهرة" in text and text.endswith("]\n")  # Arabic as itself, not \u escapes
    loaded = json.loads(text)
    assert [t["data"]["document_id"] for t in loaded] == [d.id for d in reversed(sample_docs)]
    assert loaded[0]["predictions"][0]["model_version"] == version
    assert tasks.write_tasks(reversed(sample_docs), ANN, dataset="news") == text.rstrip("\n")
    assert list(out.parent.iterdir()) == [out]  # written atomically: no temporary file left
