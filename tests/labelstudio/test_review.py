"""Review tasks (offline): one per disputed document, each annotator's version as a named prediction."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import TAXONOMY
from test_importer import make_documents

from dataset_builder import annotations
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.labelstudio import config, review, tasks

TOPIC_IDS = [t.id for t in TAXONOMY]


def _ann(annotation_id: int, who: str, doc, entities, language: str | None = "en") -> Annotation:
    return Annotation(who, "labelstudio/export-0123456789ab.json", 1, annotation_id, "2026-11-23T12:00:00Z",
                      "2026-11-23T12:00:00Z", None, False, annotations.sort_spans(entities), tuple(doc.topics),
                      doc.date, None, language)  # fmt: skip


def test_a_disputed_document_gets_one_task_with_each_annotators_version() -> None:
    ar, en = make_documents()
    loc = en.entities[0]
    org = loc.__class__(loc.start, loc.end, loc.text, "ORG")
    rest = en.entities[1:]
    annotated = {
        en.id: AnnotatedDocument(
            en.id,
            annotations.text_sha256(en.text),
            (_ann(1, "a@example.org", en, [loc, *rest]), _ann(2, "b@example.org", en, [org, *rest], None)),
        ),
        ar.id: AnnotatedDocument(  # unanimous: no review
            ar.id,
            annotations.text_sha256(ar.text),
            (
                _ann(3, "a@example.org", ar, ar.entities, "ar"),
                _ann(4, "b@example.org", ar, ar.entities, "ar"),
            ),
        ),
    }
    made, stale = review.review_tasks([ar, en], annotated, TOPIC_IDS)
    assert stale == [] and [t["data"]["document_id"] for t in made] == [en.id]
    (task,) = made
    assert task["data"]["text"] == en.text and task["data"]["task_key"] == tasks.task_key(
        en.id, annotations.text_sha256(en.text)
    )
    assert task["data"][review.DISAGREEMENTS] == (
        f"entity {loc.start}:{loc.end} LOC 'Cairo': only a@example.org; "
        f"entity {loc.start}:{loc.end} ORG 'Cairo': only b@example.org; "
        "language: a@example.org=en, b@example.org=none"
    )
    versions = {p["model_version"]: p["result"] for p in task["predictions"]}
    assert sorted(versions) == ["a@example.org", "b@example.org"]
    labels = {
        who: next(r["value"]["labels"][0] for r in result if r["from_name"] == config.ENTITIES)
        for who, result in versions.items()
    }
    assert labels == {"a@example.org": "LOC", "b@example.org": "ORG"}
    assert not any(r["from_name"] == config.LANGUAGE for r in versions["b@example.org"])
    # the same dispute gives the same key; a text changed since the annotation is left out
    assert (
        review.review_tasks([en], annotated, TOPIC_IDS)[0][0]["data"][review.REVIEW_KEY]
        == task["data"][review.REVIEW_KEY]
    )
    changed = en.with_(text=en.text + " More.")
    assert review.review_tasks([changed], annotated, TOPIC_IDS) == ([], [en.id])


def test_the_review_config_shows_the_disagreements_with_the_same_controls() -> None:
    view = ET.fromstring(review.review_config(TAXONOMY))
    plain = ET.fromstring(config.labeling_config(TAXONOMY))
    names = lambda v: [e.get("name") for e in v.iter() if e.get("name")]  # noqa: E731
    assert names(view) == names(plain)
    assert f"${review.DISAGREEMENTS}" in view[1].get("value")


def test_a_long_pretty_name_keeps_the_title_within_label_studios_limit() -> None:
    assert review.review_title("Short") == "Short — review"
    title = review.review_title("Arabic–English News: Entities, Dates and Topics, long edition")
    assert len(title) == review.TITLE_MAX and title.endswith("… — review")
