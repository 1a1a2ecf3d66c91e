"""Row-wise definitions of the configs' rows, one dict per row: the oracles the columnar code of
:mod:`dataset_builder.rows` and :mod:`dataset_builder.configs` is compared against.

Slow and plain on purpose: each reads like the dataset card's description of its config.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dataset_builder import configs, schema
from dataset_builder.documents import Document, Span, validate_spans
from dataset_builder.errors import InputError

Row = dict[str, Any]


def document_row(doc: Document) -> Row:
    """The ``documents`` row of a document (field for field, spans in text order and cuts as dicts)."""
    row = {name: getattr(doc, name) for name in schema.CONFIG_FIELDS["documents"]}
    row["entities"] = [
        {"start": s.start, "end": s.end, "text": s.text, "label": s.label, "entity_id": s.entity_id}
        for s in sorted(doc.entities, key=lambda s: (s.start, s.end))
    ]
    row["cuts"] = [{"start": c.start, "text": c.text, "reason": c.reason} for c in doc.cuts]
    row["topics"] = list(doc.topics)
    return row


def checked_spans(row: Mapping[str, Any]) -> list[configs.EntityOffsets]:
    """Entities sorted by offset; IOB2 cannot express overlaps or spans with outer whitespace."""
    spans = sorted(row["entities"], key=lambda s: (s["start"], s["end"]))
    problems = validate_spans(
        [Span(s["start"], s["end"], s["text"], s["label"]) for s in spans],
        schema.ENTITY_LABELS,
        f"document {row['id']}",
        row["text"],
    )
    if problems:
        raise InputError("\n".join(problems))
    return [(s["start"], s["end"], s["label"]) for s in spans]


def ner_rows(row: Mapping[str, Any]) -> Iterator[Row]:
    """One row per sentence of a ``documents`` row, tags as names."""
    text, names = row["text"], schema.ner_tag_names()
    doc = configs.ner_tokens(text, row["language"], checked_spans(row))
    at = 0
    for index, count in enumerate(doc.counts):
        starts, ends = doc.starts[at : at + count], doc.ends[at : at + count]
        yield {
            "id": configs.ner_row_id(row["id"], index),
            "document_id": row["id"],
            "language": row["language"],
            "annotation_status": row["annotation_status"],
            "tokens": [text[a:b] for a, b in zip(starts, ends, strict=True)],
            "ner_tags": [names[t] for t in doc.tags[at : at + count]],
            "token_starts": starts,
            "token_ends": ends,
        }
        at += count


def topic_row(row: Mapping[str, Any]) -> Row:
    """The ``topics`` row of a ``documents`` row (labels as topic ids, before ClassLabel encoding)."""
    return {
        "id": row["id"],
        "language": row["language"],
        "annotation_status": row["annotation_status"],
        "text": row["text"],
        "labels": list(row["topics"]),
    }


def spans_from_tags(
    starts: Sequence[int], ends: Sequence[int], tags: Sequence[str]
) -> list[tuple[int, int, str]]:
    """Decode IOB2 tags back to ``(start, end, label)`` character spans."""
    spans: list[tuple[int, int, str]] = []
    for start, end, tag in zip(starts, ends, tags, strict=True):
        if tag.startswith("I-") and spans and spans[-1][2] == tag[2:]:
            spans[-1] = (spans[-1][0], end, spans[-1][2])
        elif tag != "O":
            spans.append((start, end, tag[2:]))
    return spans
