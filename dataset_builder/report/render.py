"""Turn what :mod:`collect` read into the report's HTML (Jinja2 with autoescape, inline SVG and JS)."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import regex
from markupsafe import Markup

from dataset_builder import schema
from dataset_builder.errors import InputError
from dataset_builder.report import charts
from dataset_builder.report.collect import (
    CHANGE_KINDS,
    Agreement,
    AnnotatorView,
    Neighbour,
    Overview,
    Sample,
    SilverDiff,
    SpanChange,
)

LANGUAGE_NAMES = {"ar": "Arabic", "en": "English"}
RTL_LANGUAGES = frozenset({"ar"})
LANGUAGE_COLOURS = {"ar": "#0072b2", "en": "#e69f00"}
SPLIT_COLOURS = {"train": "#4c78a8", "validation": "#72b7b2", "test": "#f58518"}
STATUS_COLOURS = {schema.GOLD: "#d4a017", schema.SILVER: "#9aa5b1", schema.DISPUTED: "#d55e00"}
LABEL_COLOURS = {"PER": "#c0392b", "ORG": "#1f6fb2", "LOC": "#1e8449", "MISC": "#8e44ad"}
CHANGE_COLOURS = {
    "agreed": "#b8c4ce",
    "missed": "#d55e00",
    "spurious": "#7f3c8d",
    "relabelled": "#e69f00",
    "boundary": "#56b4e9",
}
CHANGE_NAMES = {
    "agreed": "silver = gold",
    "missed": "missed by silver",
    "spurious": "spurious in silver",
    "relabelled": "relabelled",
    "boundary": "other boundary",
}
RULE_NAMES = {
    "ground_truth": "the reviewer's ground truth",
    "majority": "per-item majority of the annotators",
    "single": "the only annotator",
}
OTHER_COLOUR = "#7f7f7f"

_LATIN_RUN = regex.compile(r"[A-Za-z0-9]+(?:[ .,:/\-'’&]+[A-Za-z0-9]+)*")
"""Latin words and numbers (with the spaces and marks between them) inside right-to-left text."""


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _escaped(text: str) -> str:
    """``str(markupsafe.escape(text))`` of a string, without a Markup object per piece: a report's
    thousand documents escape some 170,000 pieces of text."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _plain(text: str, rtl: bool) -> str:
    """Escaped text; in right-to-left text each Latin or number run is isolated left to right."""
    if not rtl:
        return _escaped(text)
    out, pos = [], 0
    for match in _LATIN_RUN.finditer(text):
        out.append(_escaped(text[pos : match.start()]))
        out.append(f'<bdi dir="ltr">{_escaped(match.group())}</bdi>')
        pos = match.end()
    out.append(_escaped(text[pos:]))
    return "".join(out)


def _entity_title(span: Mapping[str, Any], change: SpanChange | None) -> str:
    kb = span.get("entity_id")
    parts = [span["label"], f"knowledge base: {kb}" if kb else "not linked to the knowledge base"]
    if change is not None:
        if change.kind == "missed":
            parts.append("silver missed it")
        else:
            silver = change.silver
            assert silver is not None
            parts.append(f"silver: {silver.label} “{silver.text}” {silver.start}–{silver.end}")
    return " · ".join(parts)


def text_html(
    doc_id: str,
    text: str,
    spans: Sequence[Mapping[str, Any]],
    rtl: bool,
    changes: Mapping[tuple[int, int], SpanChange],
) -> Markup:
    """The document text with every entity in a ``mark`` carrying ``data-label`` (badge added by CSS)."""
    out, pos = [], 0
    for span in sorted(spans, key=lambda s: (s["start"], s["end"])):
        if span["start"] < pos:
            raise InputError(f"document {doc_id}: entities overlap at {span['start']}:{span['end']}")
        change = changes.get((span["start"], span["end"]))
        diff = f' data-diff="{change.kind}"' if change is not None else ""
        out.append(_plain(text[pos : span["start"]], rtl))
        out.append(
            f'<mark class="e" data-label="{_escaped(span["label"])}" title="{_escaped(_entity_title(span, change))}"{diff}>'
            f"{_plain(text[span['start'] : span['end']], rtl)}</mark>"
        )
        pos = span["end"]
    out.append(_plain(text[pos:], rtl))
    return Markup("".join(out))


@dataclass(frozen=True)
class Link:
    id: str
    language: str
    rendered: bool


@dataclass(frozen=True)
class DocView:
    row: dict[str, Any]
    dir: str
    language_name: str
    topics: list[tuple[str, str]]
    labels: list[str]
    text: Markup
    partners: list[Link]
    event_members: list[Link]
    event_size: int
    silver: SilverDiff | None
    topics_added: list[str]
    topics_removed: list[str]
    annotators: AnnotatorView | None

    @property
    def date_changed(self) -> bool:
        return (
            self.silver is not None
            and self.silver.unavailable is None
            and self.silver.silver_date != self.row[schema.DATE]
        )

    @property
    def changed(self) -> bool:
        """Whether the human annotation changed anything of the silver one (spans, topics, date, language)."""
        diff = self.silver
        if diff is None or diff.unavailable is not None:
            return False
        return bool(diff.changes or self.topics_added or self.topics_removed or self.date_changed) or (
            diff.silver_language != self.row[schema.LANGUAGE]
        )


MAX_EVENT_LINKS = 12

Links = dict[str, list[Link]]


@dataclass(frozen=True)
class SampleLinks:
    """What the sample's documents link to: each translation group's members, each event's first
    members in link order (:func:`collect.read_neighbours`) and each event's size."""

    groups: Links
    events: Links
    event_sizes: Mapping[str, int]


def sample_links(
    neighbours: Sequence[Neighbour], sample: Sample, event_sizes: Mapping[str, int]
) -> SampleLinks:
    """The links of each translation group and each event of the sample's documents
    (:func:`collect.read_neighbours`: its neighbours and its events' sizes)."""
    groups: Links = defaultdict(list)
    events: Links = defaultdict(list)
    for meta in neighbours:
        link = Link(meta.id, meta.language, meta.id in sample.ids)
        if meta.translation_group:
            groups[meta.translation_group].append(link)
        if meta.event_id:
            events[meta.event_id].append(link)
    # each event's members in link order once (rendered ones first), not once per document shown:
    # a large event's members were sorted again for each of its documents
    for members in events.values():
        members.sort(key=lambda m: (not m.rendered, m.id))
    return SampleLinks(groups, events, event_sizes)


@dataclass(frozen=True)
class DocContext:
    """What a shown document's HTML holds besides its own row: its links, its silver against gold and
    its annotators (with the row, all the report's cache keys its fragment by)."""

    partners: tuple[Link, ...]
    event_members: tuple[Link, ...]
    event_size: int
    silver: SilverDiff | None
    annotators: AnnotatorView | None


def document_context(
    doc_id: str,
    group: str | None,
    event: str | None,
    links: SampleLinks,
    silver: SilverDiff | None,
    annotators: AnnotatorView | None,
) -> DocContext:
    """The context of the document ``doc_id`` of translation ``group`` and ``event`` (:func:`sample_links`)."""
    partners = sorted(
        (link for link in links.groups.get(group or "", []) if link.id != doc_id), key=lambda link: link.id
    )
    members = links.events.get(event or "", [])
    shown = itertools.islice((m for m in members if m.id != doc_id), MAX_EVENT_LINKS)
    size = links.event_sizes.get(event or "", 0)
    return DocContext(tuple(partners), tuple(shown), max(size, 1), silver, annotators)


def document_view(row: dict[str, Any], context: DocContext, topic_names: Mapping[str, str]) -> DocView:
    """What the document template shows of ``row`` (a ``documents`` row with its ``split``)."""
    rtl = row[schema.LANGUAGE] in RTL_LANGUAGES
    diff = context.silver
    changes = {(c.gold.start, c.gold.end): c for c in (diff.changes if diff else ()) if c.gold is not None}
    gold_topics, silver_topics = set(row[schema.TOPICS]), set(diff.silver_topics if diff else ())
    return DocView(
        row=row,
        dir="rtl" if rtl else "ltr",
        language_name=language_name(row[schema.LANGUAGE]),
        topics=[(t, topic_names.get(t, t)) for t in row[schema.TOPICS]],
        labels=sorted({s["label"] for s in row[schema.ENTITIES]}),
        text=text_html(row[schema.ID], row[schema.TEXT], row[schema.ENTITIES], rtl, changes),
        partners=list(context.partners),
        event_members=list(context.event_members),
        event_size=context.event_size,
        silver=diff,
        topics_added=[topic_names.get(t, t) for t in row[schema.TOPICS] if t not in silver_topics],
        topics_removed=[
            topic_names.get(t, t) for t in (diff.silver_topics if diff else ()) if t not in gold_topics
        ],
        annotators=context.annotators,
    )


def document_html(env: jinja2.Environment, view: DocView, topic_names: Mapping[str, str]) -> str:
    """One document's ``article`` (``document.html.j2``), as the page holds it."""
    return env.get_template(DOCUMENT_TEMPLATE).render(
        doc=view, change_names=CHANGE_NAMES, rule_names=RULE_NAMES, topic_names=topic_names
    )


DOCUMENT_TEMPLATE = "document.html.j2"


# --- overview charts ------------------------------------------------------------------------------


def _series(
    keys: Sequence[str], colours: Mapping[str, str], names: Mapping[str, str] | None = None
) -> list[charts.Series]:
    return [charts.Series(k, (names or {}).get(k, k), colours.get(k, OTHER_COLOUR)) for k in keys]


def overview_charts(
    overview: Overview,
    agreement: Agreement,
    silver: Mapping[str, SilverDiff],
    topic_order: Sequence[str],
    topic_names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Each chart with its title, SVG and the note saying how many documents are behind it."""
    langs = overview.languages
    lang_series = _series(langs, LANGUAGE_COLOURS, LANGUAGE_NAMES)
    total = overview.total
    splits = [s for s in (*schema.SPLITS, *sorted(overview.splits - set(schema.SPLITS)))]
    statuses = [*schema.STATUSES, *sorted(overview.statuses - set(schema.STATUSES))]
    out = []

    out.append(
        {
            "id": "languages",
            "title": "Documents per language and split",
            "svg": charts.bars(
                "Documents per language and split",
                [(language_name(lang), {s: overview.per_split[lang, s] for s in splits}) for lang in langs],
                _series(
                    [s for s in splits if any(overview.per_split[lang, s] for lang in langs)], SPLIT_COLOURS
                ),
            ),
            "note": f"{total:,} documents",
        }
    )
    out.append(
        {
            "id": "status",
            "title": "Gold (human) and silver (automatic) documents",
            "svg": charts.bars(
                "Gold and silver documents per language",
                [
                    (language_name(lang), {s: overview.per_status[lang, s] for s in statuses})
                    for lang in langs
                ],
                _series(statuses, STATUS_COLOURS),
            ),
            "note": f"{sum(overview.per_status[lang, schema.GOLD] for lang in langs):,} gold of {total:,} documents; "
            f"{sum(overview.per_status[lang, schema.DISPUTED] for lang in langs):,} disputed (waiting for review)",
        }
    )
    months = sorted({m for _, m in overview.per_month if m is not None})
    undated = sum(n for (_, m), n in overview.per_month.items() if m is None)
    out.append(
        {
            "id": "months",
            "title": "Documents per month of publication",
            "svg": charts.columns(
                "Documents per month of publication",
                months,
                {(lang, m): n for (lang, m), n in overview.per_month.items() if m is not None},
                lang_series,
            ),
            "note": f"{total - undated:,} dated documents; {undated:,} without a date",
        }
    )
    labels = [
        *schema.ENTITY_LABELS,
        *sorted({label for _, label in overview.entities} - set(schema.ENTITY_LABELS)),
    ]
    out.append(
        {
            "id": "entities",
            "title": "Entities per label and language",
            "svg": charts.bars(
                "Entities per label and language",
                [(label, {lang: overview.entities[lang, label] for lang in langs}) for label in labels],
                lang_series,
            ),
            "note": f"{sum(overview.entities.values()):,} entities; documents with each label: "
            + ", ".join(f"{label} {overview.documents_with_label[label]:,}" for label in labels),
        }
    )
    topics = [*topic_order, *sorted({t for _, t in overview.topics} - set(topic_order))]
    out.append(
        {
            "id": "topics",
            "title": "Documents per topic",
            "svg": charts.bars(
                "Documents per topic and language",
                [(topic_names.get(t, t), {lang: overview.topics[lang, t] for lang in langs}) for t in topics],
                lang_series,
            ),
            "note": f"{overview.documents_with_topics:,} of {total:,} documents have a topic (a document may have several)",
        }
    )
    out += _agreement_charts(agreement, labels, topics, topic_names)
    out += _silver_charts(silver, labels)
    return out


def _agreement_charts(
    agreement: Agreement, labels: Sequence[str], topics: Sequence[str], topic_names: Mapping[str, str]
) -> list[dict[str, Any]]:
    figures = agreement.figures
    if figures is None:
        return [
            {
                "id": "agreement",
                "title": "Agreement between annotators",
                "svg": Markup(""),
                "note": f"{agreement.missing}: agreement is not shown",
            }
        ]
    compared = figures["documents_with_two_or_more_independent_annotators"]
    if not compared:
        return [
            {
                "id": "agreement",
                "title": "Agreement between annotators",
                "svg": Markup(""),
                "note": f"{figures['documents_annotated']:,} documents annotated, none by two or more "
                "independent annotators: agreement is not measured yet",
            }
        ]
    exact, overlap = figures["entity_f1_exact"], figures["entity_f1_overlap"]
    score = lambda v: f"{v:.2f}"  # noqa: E731
    rows = [("all labels", {"exact": exact["micro"], "overlap": overlap["micro"]})]
    rows += [
        (label, {"exact": exact["per_label"].get(label), "overlap": overlap["per_label"].get(label)})
        for label in labels
    ]
    disputed = ", ".join(f"{label} {agreement.disputed_spans[label]:,}" for label in labels)
    per_topic = figures.get("topics_krippendorff_alpha_per_topic") or {}
    return [
        {
            "id": "agreement",
            "title": "Agreement between annotators per entity label (F1)",
            "svg": charts.bars(
                "Entity F1 between annotators per label",
                rows,
                [
                    charts.Series("exact", "exact span", "#0072b2"),
                    charts.Series("overlap", "overlapping span", "#56b4e9"),
                ],
                stacked=False,
                scale_max=1.0,
                fmt=score,
            ),
            "note": f"{compared:,} documents with two or more annotators ({figures['annotator_pairs']:,} pairs); "
            f"spans not chosen by every annotator: {disputed}",
        },
        {
            "id": "agreement-topics",
            "title": "Agreement between annotators per topic (Krippendorff's alpha)",
            "svg": charts.bars(
                "Topic agreement per topic",
                [("all topics", {"alpha": figures.get("topics_krippendorff_alpha")})]
                + [(topic_names.get(t, t), {"alpha": per_topic.get(t)}) for t in topics],
                [charts.Series("alpha", "alpha", "#009e73")],
                stacked=False,
                scale_max=1.0,
                fmt=score,
            ),
            "note": f"{compared:,} documents; n/a: no variation to measure; date agreement "
            f"{_share(figures.get('date_pair_agreement'))}, language agreement {_share(figures.get('language_pair_agreement'))} "
            "(share of annotator pairs)",
        },
    ]


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _silver_charts(silver: Mapping[str, SilverDiff], labels: Sequence[str]) -> list[dict[str, Any]]:
    if not silver:
        return []
    compared = [d for d in silver.values() if d.unavailable is None]
    if not compared:
        reasons = sorted({d.unavailable for d in silver.values() if d.unavailable})
        return [
            {"id": "silver", "title": "Silver against gold", "svg": Markup(""), "note": "; ".join(reasons)}
        ]
    counts: Counter[tuple[str, str]] = Counter()
    for d in compared:
        for label, n in d.agreed.items():
            counts["agreed", label] += n
        counts.update((c.kind, c.label) for c in d.changes)
    agreed = sum(n for (k, _), n in counts.items() if k == "agreed")
    kinds = ["agreed", *CHANGE_KINDS]
    rows = [(label, {k: counts[k, label] for k in kinds}) for label in labels]
    silver_total = sum(n for (k, _), n in counts.items() if k != "missed")
    gold_total = sum(n for (k, _), n in counts.items() if k != "spurious")
    precision = agreed / silver_total if silver_total else None
    recall = agreed / gold_total if gold_total else None
    return [
        {
            "id": "silver",
            "title": "Silver against gold: what the annotators changed",
            "svg": charts.bars(
                "Changes from silver to gold per label",
                rows,
                _series(
                    [k for k in kinds if any(counts[k, label] for label in labels)] or kinds,
                    CHANGE_COLOURS,
                    CHANGE_NAMES,
                ),
            ),
            "note": f"{len(compared):,} gold documents shown below, re-annotated by the silver pipeline; "
            f"{agreed:,} spans identical; silver precision {_percent(precision)}, recall {_percent(recall)} (exact spans)"
            + (
                f"; {len(silver) - len(compared):,} gold documents without silver"
                if len(compared) < len(silver)
                else ""
            ),
        }
    ]


# --- the page -------------------------------------------------------------------------------------


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dataset_builder.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["language_name"] = language_name
    return env


def render_page(
    *,
    name: str,
    version: str,
    overview: Overview,
    sample: Sample,
    fragments: Sequence[str],
    chart_list: Sequence[dict[str, Any]],
    agreement: Agreement,
    silver_source: str | None,
) -> str:
    """The page around the documents' ``fragments`` (:func:`document_html`, in id order)."""
    total = overview.total
    gold_total = overview.gold
    labels = [
        *schema.ENTITY_LABELS,
        *sorted({label for _, label in overview.entities} - set(schema.ENTITY_LABELS)),
    ]
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            name=name,
            version=version,
            total=total,
            gold_total=gold_total,
            events=overview.events,
            groups=overview.groups,
            entities=sum(overview.entities.values()),
            sample=sample,
            fragments=[Markup(f) for f in fragments],
            charts=chart_list,
            languages=overview.languages,
            labels=labels,
            label_colours={label: LABEL_COLOURS.get(label, OTHER_COLOUR) for label in labels},
            splits=sorted(
                overview.splits,
                key=lambda s: (
                    s not in schema.SPLITS,
                    schema.SPLITS.index(s) if s in schema.SPLITS else 0,
                    s,
                ),
            ),
            statuses=sorted(overview.statuses),
            change_colours=CHANGE_COLOURS,
            stale=agreement.stale,
            silver_source=silver_source,
            page_size=PAGE_SIZE,
        )
    )


PAGE_SIZE = 25
"""Documents per page in the browser (all are in the file; the script shows one page at a time)."""


def topic_table(taxonomy: Sequence[schema.Topic] | None) -> tuple[list[str], dict[str, str]]:
    """Topic ids in taxonomy order and their names; ids alone when no taxonomy is at hand."""
    if not taxonomy:
        return [], {}
    return [t.id for t in taxonomy], {t.id: t.name for t in taxonomy}
