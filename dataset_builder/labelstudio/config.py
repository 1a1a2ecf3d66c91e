"""The Label Studio labeling config, generated from :mod:`dataset_builder.schema`.

The control names below come from the field table (:data:`dataset_builder.schema.FIELDS`); they are the
contract between the config, the tasks' predictions and the importer: a region's ``from_name`` says
which schema field it annotates.

Right-to-left text: Label Studio's ``Text`` tag has no direction attribute, and its ``View``/``Style``
tags take no task data, so one config cannot switch ``direction`` per task. Label Studio 1.23 renders
each line of a ``Text`` as an inline-block ``span.lsf-richtext__line``; the config gives those lines
``unicode-bidi: plaintext; text-align: start`` — the CSS form of HTML ``dir="auto"`` (``unicode-bidi``
is not inherited, so it must sit on the lines themselves): every line takes its direction from its
first strong character, so Arabic lines run and align right-to-left and English lines left-to-right,
without touching the characters (offsets stay those of the task text). ``white-space: pre-wrap``
keeps the text's spaces visible, as the ``Text`` tag documentation advises; the title header gets
the same per-line direction. ``tests/labelstudio/test_editor_rtl.py`` checks this in the real editor with
headless Chromium, from the glyph positions of pre-annotated spans.
Tasks also carry ``"direction"`` (see :func:`direction`) for exports and custom views.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from dataset_builder import schema

TEXT = schema.CONTROLS[schema.TEXT]
ENTITIES = schema.CONTROLS[schema.ENTITIES]
TOPICS = schema.CONTROLS[schema.TOPICS]
LANGUAGE = schema.CONTROLS[schema.LANGUAGE]
DATE = schema.CONTROLS[schema.DATE]
DATE_EVIDENCE = schema.CONTROLS[schema.DATE_EVIDENCE]

DATE_FORMAT = "%Y-%m-%d"
"""strftime format of the ``DateTime`` control (Label Studio's own default for ``only="date"``)."""

RTL_LANGUAGES = frozenset({"ar"})

_TEXT_CLASS = "dataset-builder-text"
_STYLE = (
    f".{_TEXT_CLASS} .lsf-richtext__line {{ unicode-bidi: plaintext; text-align: start; white-space: pre-wrap; "
    "width: 100%; box-sizing: border-box; } "
    f".{_TEXT_CLASS} :is(h1, h2, h3, h4, h5, h6) {{ unicode-bidi: plaintext; text-align: start; }}"
)


def direction(language: str) -> str:
    """``rtl`` or ``ltr``: the writing direction of a schema language."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def labeling_config(taxonomy: Sequence[schema.Topic]) -> str:
    """The XML config: entity labels, topics, language, date and date evidence over ``$text``.

    Deterministic: the same schema and taxonomy give the same bytes, so a push can tell whether the
    project's config is current by comparing strings.
    """
    view = ET.Element("View")
    ET.SubElement(view, "Style").text = _STYLE
    labels = ET.SubElement(view, "Labels", name=ENTITIES, toName=TEXT)
    for label, description in schema.ENTITY_LABELS.items():
        ET.SubElement(labels, "Label", value=label, hint=description)
    text_view = ET.SubElement(view, "View", className=_TEXT_CLASS)
    ET.SubElement(text_view, "Header", value="$title")
    ET.SubElement(text_view, "Text", name=TEXT, value=f"${TEXT}")

    ET.SubElement(view, "Header", value="Topics")
    topics = ET.SubElement(view, "Choices", name=TOPICS, toName=TEXT, choice="multiple")
    names = {topic.id: topic.name for topic in taxonomy}
    for topic in (
        taxonomy
    ):  # flat choices (one value per id, as the importer reads them); a subtopic's hint names its parent
        name = f"{names[topic.parent]} › {topic.name}" if topic.parent in names else topic.name
        ET.SubElement(topics, "Choice", value=topic.id, hint=f"{name}: {topic.definition}")

    ET.SubElement(view, "Header", value="Language")
    languages = ET.SubElement(view, "Choices", name=LANGUAGE, toName=TEXT, choice="single", showInline="true")
    for language in schema.LANGUAGES:
        ET.SubElement(languages, "Choice", value=language)

    ET.SubElement(view, "Header", value="Publication date")
    ET.SubElement(view, "DateTime", name=DATE, toName=TEXT, only="date", format=DATE_FORMAT)
    ET.SubElement(view, "Header", value="Date evidence: the words of the text that give the date")
    ET.SubElement(view, "TextArea", name=DATE_EVIDENCE, toName=TEXT, maxSubmissions="1", editable="true")

    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode") + "\n"
