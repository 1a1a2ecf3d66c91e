"""The HTML report of a built folder: contract, escaping, determinism, sample, silver vs gold, browser.

The browser tests open the report of the repo's seeds in headless Chromium (from disk, no server)
and read the rendered page: every document's direction, every entity's text, the filters, the
links between translations; they save screenshots of the overview and of an Arabic and an English
document.

Script mode saves the README's screenshot: ``PYTHONPATH=.:tests .venv/bin/python tests/report/test_report.py docs/report.png``
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markupsafe
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT, TAXONOMY
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder import cli, pipeline, schema
from dataset_builder.build import build, write_dataset
from dataset_builder.documents import Document, Span
from dataset_builder.knowledge import Knowledge
from dataset_builder.output import MANIFEST_NAME
from dataset_builder.pipeline import silver_of_gold
from dataset_builder.release.manifest import manifest_files, read_manifest
from dataset_builder.release.publish import plan_publish
from dataset_builder.report import REPORT_NAME, collect, refresh_report, render, render_report, write_report

ROOT = Path(__file__).resolve().parents[2]
SEEDS, ANNOTATIONS = ROOT / "seeds", ROOT / "annotations"
ARABIC, ENGLISH = "001_91a43c286490f4bd", "002_a10ac565b067f4e4"


@pytest.fixture(scope="module")
def seeds_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's seeds and annotations built once (tests copy it before changing anything)."""
    out = tmp_path_factory.mktemp("seeds-build") / "dist"
    build(PROJECT, seeds_dir=SEEDS, annotations_dir=ANNOTATIONS, out_dir=out, progress=False)
    return out


def gold_silver(folder: Path, annotations_dir: Path = ANNOTATIONS) -> dict[str, Document | str]:
    """What ``dataset-builder report`` gives the report: the folder's gold re-annotated from the seeds."""
    return silver_of_gold(collect.read_gold(folder), SEEDS, Knowledge.load(annotations_dir))


def parquet_documents(folder: Path) -> dict[str, dict[str, Any]]:
    rows = {}
    for path in folder.glob(schema.data_glob("documents")):
        rows.update((r["id"], r) for r in pq.read_table(path).to_pylist())
    return rows


class ReportParser(HTMLParser):
    """Documents (``data-doc-id`` + ``dir``) and, inside each, the entities (``data-label`` + text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.documents: dict[str, dict[str, Any]] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self._doc: dict[str, Any] | None = None
        self._open: list[list[Any]] = []  # [tag, entity or None]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.links.append(a[name] or "")
        if "data-doc-id" in a:
            self._doc = {"dir": a.get("dir"), "entities": [], "attrs": a}
            self.documents[a["data-doc-id"] or ""] = self._doc
        entity = None
        if "data-label" in a and self._doc is not None:
            entity = {
                "label": a["data-label"],
                "text": "",
                "title": a.get("title"),
                "diff": a.get("data-diff"),
            }
            self._doc["entities"].append(entity)
        self._open.append([tag, entity])

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, entity in self._open:
            if entity is not None:
                entity["text"] += data


def parse(html: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(html)
    parser.close()
    return parser


def contract_problems(folder: Path, html: str) -> list[str]:
    """Every rendered document has its language's direction and exactly its spans, in order."""
    rows = parquet_documents(folder)
    page = parse(html)
    problems = []
    for doc_id, doc in page.documents.items():
        row = rows[doc_id]
        if doc["dir"] != ("rtl" if row["language"] == "ar" else "ltr"):
            problems.append(f"{doc_id}: dir {doc['dir']} for language {row['language']}")
        spans = sorted(row["entities"], key=lambda s: (s["start"], s["end"]))
        shown = [(e["label"], e["text"]) for e in doc["entities"]]
        if len(shown) != len(spans):
            problems.append(f"{doc_id}: {len(shown)} entity elements for {len(spans)} spans")
        for span, (label, text) in zip(spans, shown, strict=False):
            if label != span["label"] or not text.startswith(span["text"]):
                problems.append(f"{doc_id}: {label} {text!r} shown for {span['label']} {span['text']!r}")
    return problems


# --- without a browser ----------------------------------------------------------------------------


def test_the_build_writes_the_report_and_its_manifest_lists_it(seeds_dist: Path) -> None:
    manifest = read_manifest(seeds_dist)
    assert REPORT_NAME in manifest["files"]
    assert manifest_files(seeds_dist) == manifest["files"]  # nothing unlisted
    plan_publish(seeds_dist, "org/name")  # the folder still checks against its manifest


def test_every_document_and_entity_is_rendered_with_its_direction_and_span(seeds_dist: Path) -> None:
    html = (seeds_dist / REPORT_NAME).read_text(encoding="utf-8")
    page = parse(html)
    assert set(page.documents) == set(parquet_documents(seeds_dist))
    assert contract_problems(seeds_dist, html) == []
    assert sum(len(d["entities"]) for d in page.documents.values()) == 217


def test_the_report_is_self_contained(seeds_dist: Path) -> None:
    html = (seeds_dist / REPORT_NAME).read_text(encoding="utf-8")
    page = parse(html)
    assert page.scripts == [{}]  # one inline script, no src
    assert page.links and all(link.startswith("#") for link in page.links), page.links
    style = html[html.index("<style>") : html.index("</style>")]
    assert "@import" not in style and "url(" not in style  # no font or image fetched by the CSS
    assert "default-src 'none'" in html  # and the page forbids any other fetch


def test_report_command_rewrites_the_same_bytes_and_keeps_the_manifest(
    seeds_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = shutil.copytree(seeds_dist, tmp_path / "dist")
    before = {p: (dist / p).read_bytes() for p in (REPORT_NAME, MANIFEST_NAME)}
    (dist / REPORT_NAME).write_text("stale", encoding="utf-8")
    argv = ["report", str(dist), "--seeds", str(SEEDS), "--annotations", str(ANNOTATIONS)]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "6 of 6 documents shown" in out and "MB" in out and "manifest.json updated" in out
    assert {p: (dist / p).read_bytes() for p in before} == before


def test_a_changed_report_is_listed_again_in_the_manifest(seeds_dist: Path, tmp_path: Path) -> None:
    dist = shutil.copytree(seeds_dist, tmp_path / "dist")
    result = refresh_report(dist, gold_silver(dist), annotations_dir=ANNOTATIONS, max_documents=2)
    assert result.shown == 2 and result.total == 6 and result.manifest_updated
    assert (dist / REPORT_NAME).stat().st_size == result.size
    assert manifest_files(dist) == read_manifest(dist)["files"]
    plan_publish(dist, "org/name")


def test_a_report_outside_the_folder_leaves_the_folder_alone(seeds_dist: Path, tmp_path: Path) -> None:
    dist = shutil.copytree(seeds_dist, tmp_path / "dist")
    before = {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()}
    out = tmp_path / "elsewhere" / "r.html"
    result = refresh_report(dist, gold_silver(dist), out=out, annotations_dir=ANNOTATIONS)
    assert not result.manifest_updated
    assert out.read_bytes() == (dist / REPORT_NAME).read_bytes()
    assert {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()} == before


def test_not_a_built_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not a built dataset folder" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_report_without_documents_is_refused(
    seeds_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = shutil.copytree(seeds_dist, tmp_path / "dist")
    before = {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()}
    assert cli.main(["report", str(dist), "--max-documents", "0"]) == 2
    assert "at least one document" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()} == before


def hostile_documents(make_doc: Any) -> list[Document]:
    return [
        make_doc(
            "000_x-en",
            "en",
            'Talks in Doha <img src=x onerror="alert(1)"> & "more" </p>',
            [("Doha", "LOC")],
            title="<script>alert('title')</script>",
            topics=["diplomacy"],
            date=dt.date(2024, 2, 6),
            date_evidence="</details><script>alert(2)</script>",
            event_id="<b>event</b>",
        ),
        make_doc("001_y-ar", "ar", "قال Joe Biden، في 10/06/2024: <i>نعم</i>.", [("Joe Biden", "PER")]),
    ]


def test_every_text_is_escaped(make_doc: Any, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    write_dataset(hostile_documents(make_doc), dist, project=PROJECT, taxonomy=TAXONOMY, progress=False)
    html, shown, total = render_report(dist)
    assert (shown, total) == (2, 2)
    page = parse(html)
    assert page.scripts == [{}]
    assert "<img" not in html and "<b>event" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert contract_problems(dist, html) == []
    assert [e["text"] for e in page.documents["000_x-en"]["entities"]] == ["Doha"]


@given(st.text(alphabet=st.sampled_from("&<>'\"a b\u0627\n;#"), max_size=40) | st.text(max_size=40))
def test_text_is_escaped_as_markupsafe_escapes_it(text: str) -> None:
    """The report escapes its texts without a Markup object per piece, to the same characters."""
    assert render._escaped(text) == str(markupsafe.escape(text))


def test_latin_words_and_numbers_in_arabic_are_isolated_left_to_right() -> None:
    text = "قال Joe Biden، في 10/06/2024."
    spans = [{"start": 4, "end": 13, "text": "Joe Biden", "label": "PER", "entity_id": None}]
    html = str(render.text_html("d", text, spans, True, {}))
    assert '<mark class="e" data-label="PER" title="PER · not linked to the knowledge base">' in html
    assert '<bdi dir="ltr">Joe Biden</bdi></mark>، في <bdi dir="ltr">10/06/2024</bdi>.' in html
    assert "bdi" not in str(render.text_html("d", "Joe Biden in 2024.", [], False, {}))


def test_the_same_folder_gives_the_same_bytes(
    make_doc: Any, sample_docs: list[Document], tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        write_dataset(
            sample_docs,
            out,
            split_ratios=(0.5, 0.25, 0.25),
            project=PROJECT,
            taxonomy=TAXONOMY,
            progress=False,
        )
    reports = [write_report(out).path.read_bytes() for out in (first, second)]
    assert reports[0] == reports[1]
    assert render_report(first)[0].encode("utf-8") == reports[0]


def test_the_sample_keeps_gold_and_translation_pairs_and_states_the_count(
    sample_docs: list[Document], tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    write_dataset(
        sample_docs, dist, split_ratios=(0.5, 0.25, 0.25), project=PROJECT, taxonomy=TAXONOMY, progress=False
    )
    html, shown, total = render_report(dist, max_documents=5)
    page = parse(html)
    gold = {d.id for d in sample_docs if d.annotation_status == "gold"}
    assert (shown, total) == (len(page.documents), 14) and 3 <= shown <= 5
    assert gold <= set(page.documents)
    assert len({"000_pair-ar", "000_pair-en"} & set(page.documents)) in (0, 2)
    assert f"{shown:,} of 14 documents" in html
    assert contract_problems(dist, html) == []
    few = render_report(dist, max_characters=100)
    assert few[1] == len(parse(few[0]).documents) < shown


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d", "e", "f", "ü", ""]), st.booleans(), st.integers(0, 9)),
        max_size=30,
    ),
    st.integers(1, 6),
    st.integers(1, 5),
    st.integers(1, 40),
)
def test_the_sample_is_the_groups_gold_first_then_by_sha256_while_both_limits_hold(
    rows: list[tuple[str, bool, int]], chunk: int, max_documents: int, max_characters: int
) -> None:
    """The sample, chosen in Arrow from the overview's rows (made in batches of any size), is what the
    rule gives written plainly: a group (rows of one key) with any gold first, then by the hex sha256
    of its key, each group taken whole while the documents and characters chosen stay within the
    limits."""
    batches = [rows[at : at + chunk] for at in range(0, len(rows), chunk)]
    table = pa.concat_tables(
        [
            collect.sample_rows(
                pa.array([r[0] for r in batch], pa.string()),
                pa.array([r[1] for r in batch]),
                pa.array([r[2] for r in batch], pa.int64()),
            )
            for batch in batches
        ]
        or [
            collect.sample_rows(pa.array([], pa.string()), pa.array([], pa.bool_()), pa.array([], pa.int64()))
        ]
    )
    groups: dict[str, list[tuple[str, bool, int]]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    ordered = sorted(
        groups, key=lambda k: (not any(r[1] for r in groups[k]), hashlib.sha256(k.encode()).hexdigest())
    )
    expected, documents, characters = [], 0, 0
    for key in ordered:
        size, members = sum(r[2] for r in groups[key]), len(groups[key])
        if documents + members <= max_documents and characters + size <= max_characters:
            expected += [i for i, r in enumerate(rows) if r[0] == key]
            documents, characters = documents + members, characters + size
    assert collect.chosen_rows(table, max_documents, max_characters) == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["e1", "e2", "", None]), st.sampled_from(["g1", "g2", None]), st.booleans()
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 4),
)
def test_a_shown_documents_links_are_its_partners_and_its_events_first_members_and_size(
    rows: list[tuple[str | None, str | None, bool]], shown_links: int
) -> None:
    """Only the first few members of an event (shown ones first, then by id) become Python links,
    not every member of a large event; each shown document's links are what the rule gives written
    plainly over every member: its translation partners by id, its event's first members but itself
    in link order, and the event's size."""
    ids = [f"d{(i * 7) % 41:02d}" for i in range(len(rows))]  # not in folder order
    index = pa.table(
        [
            ids,
            ["en"] * len(rows),
            [event for event, _, _ in rows],
            [group for _, group, _ in rows],
            [b"\0" * 16] * len(rows),
            [False] * len(rows),
            [1] * len(rows),
        ],
        schema=collect.INDEX_SCHEMA,
    )
    shown_rows = sorted((at for at, (_, _, shown) in enumerate(rows) if shown), key=lambda at: ids[at])
    sample = collect.Sample(frozenset(ids[at] for at in shown_rows), 40, 40, tuple(shown_rows))
    neighbours, sizes = collect.read_neighbours(collect.Overview(index=index), sample, shown_links + 1)
    for event in ("e1", "e2"):
        assert sum(n.event_id == event for n in neighbours) <= shown_links + 1 + sum(
            n.event_id == event and n.translation_group is not None for n in neighbours
        )
    links = render.sample_links(neighbours, sample, sizes)
    for at in shown_rows:
        event, group, _ = rows[at]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(render, "MAX_EVENT_LINKS", shown_links)
            context = render.document_context(ids[at], group, event, links, None, None)
        partners = sorted(ids[o] for o, r in enumerate(rows) if group and r[1] == group and o != at)
        members = sorted(
            (o for o, r in enumerate(rows) if event and r[0] == event), key=lambda o: (not rows[o][2], ids[o])
        )
        assert [link.id for link in context.partners] == partners
        assert [link.id for link in context.event_members] == [ids[o] for o in members if o != at][
            :shown_links
        ]
        assert context.event_size == max(len(members), 1)


def test_text_lengths_from_the_seed_offsets_and_cuts_are_those_of_the_texts(seeds_dist: Path) -> None:
    """The overview sizes the sample without reading the texts: its lengths are the texts' own, for
    every document of the seeds (headers, date lines and "read also" lines cut, bilingual files)."""
    cuts = 0
    for path in seeds_dist.glob(schema.data_glob("documents")):
        table = pq.read_table(path)
        cuts += sum(map(len, table.column(schema.CUTS).to_pylist()))
        lengths = collect.text_lengths(table.combine_chunks().to_batches()[0])
        assert lengths.to_pylist() == [len(t) for t in table.column(schema.TEXT).to_pylist()]
    assert cuts > 0  # the property is tested on documents that lost lines


def test_the_overview_reads_the_texts_of_the_annotated_documents_only(seeds_dist: Path) -> None:
    """The texts it keeps (for agreement, and to check each annotation file still fits) are those of
    the documents asked for, as built."""
    rows = parquet_documents(seeds_dist)
    asked = sorted(rows)[::2]
    overview = collect.read_overview(seeds_dist, [*asked, "no-such-document"])
    assert overview.annotated_texts == {doc_id: rows[doc_id][schema.TEXT] for doc_id in asked}
    assert set(overview.text_sha256) == set(asked)


@given(st.lists(st.integers(0, 9), unique=True), st.integers(1, 4))
@settings(max_examples=30, deadline=None)
def test_the_texts_of_some_rows_are_read_from_their_row_groups(rows: list[int], group_rows: int) -> None:
    """Whatever row groups the file has, the rows asked for come back with their ids, in order."""
    table = pa.table({schema.ID: [f"d{i}" for i in range(10)], schema.TEXT: [f"text {i}" for i in range(10)]})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "documents.parquet"
        pq.write_table(table, path, row_group_size=group_rows)
        got = list(collect._texts_at(path, sorted(rows)))
    assert got == [(f"d{i}", f"text {i}") for i in sorted(rows)]


def test_span_changes_name_every_difference_between_silver_and_gold() -> None:
    def span(start: int, end: int, label: str) -> Span:
        return Span(start, end, "x" * (end - start), label)

    silver = [span(0, 5, "PER"), span(10, 15, "ORG"), span(20, 30, "LOC"), span(40, 45, "MISC")]
    gold = [span(0, 5, "PER"), span(10, 15, "LOC"), span(22, 30, "LOC"), span(50, 55, "PER")]
    agreed, changes = collect.span_changes(silver, gold)
    assert agreed == {"PER": 1}
    assert [(c.kind, c.silver, c.gold) for c in changes] == [
        ("relabelled", silver[1], gold[1]),
        ("boundary", silver[2], gold[2]),
        ("spurious", silver[3], None),
        ("missed", None, gold[3]),
    ]


def test_silver_diffs_of_the_seeds_turn_silver_into_gold(seeds_dist: Path, tmp_path: Path) -> None:
    """Without the aliases learned from the seeds' own gold, silver misses some of it: the report shows
    exactly the changes that turn silver into gold."""
    unlearned = shutil.copytree(
        ANNOTATIONS, tmp_path / "annotations", ignore=shutil.ignore_patterns("learned_aliases.json")
    )
    knowledge = Knowledge.load(unlearned)
    rows = sorted(parquet_documents(seeds_dist).values(), key=lambda r: r["id"])
    diffs = collect.silver_diffs(rows, gold_silver(seeds_dist, unlearned))
    assert set(diffs) == {r["id"] for r in rows if r["annotation_status"] == "gold"} and diffs
    from dataset_builder import pipeline

    silver = {d.id: d for d in pipeline.silver_documents(SEEDS, knowledge)}
    for row in rows:
        diff = diffs[row["id"]]
        assert diff.unavailable is None
        spans = {(s.start, s.end, s.label) for s in silver[row["id"]].entities}
        spans -= {(c.silver.start, c.silver.end, c.silver.label) for c in diff.changes if c.silver}
        spans |= {(c.gold.start, c.gold.end, c.gold.label) for c in diff.changes if c.gold}
        assert spans == {(s["start"], s["end"], s["label"]) for s in row["entities"]}
    changed = [c for d in diffs.values() for c in d.changes]
    assert changed, "the seeds' gold changes the silver somewhere"
    html, _, _ = render_report(seeds_dist, gold_silver(seeds_dist, unlearned), annotations_dir=unlearned)
    page = parse(html)
    marked = [e for d in page.documents.values() for e in d["entities"] if e["diff"]]
    assert len(marked) == sum(1 for c in changed if c.gold is not None)
    for row in rows:  # the "silver ≠ gold" filter finds span changes and dates the annotators set
        shown = page.documents[row["id"]]
        if any(e["diff"] for e in shown["entities"]) or row["date_source"] == "annotation":
            assert shown["attrs"]["data-changed"] == "1", row["id"]


def test_the_reports_silver_against_gold_counts_what_the_cards_table_counts(seeds_dist: Path) -> None:
    """Both compare the gold with the same silver (annotated again without the gold's own aliases)."""
    card = (seeds_dist / "README.md").read_text(encoding="utf-8")
    table = card[card.index("### Silver against gold") :]
    documents = int(re.search(r"run again on the (\d+) gold documents", table)[1])  # type: ignore[index]
    overall = re.search(r"^\| overall \| ([\d.]+) \| ([\d.]+) \| [\d.]+ \| (\d+) \| (\d+) \|$", table, re.M)
    assert overall is not None
    precision, recall, gold, silver = float(overall[1]), float(overall[2]), int(overall[3]), int(overall[4])
    report = (seeds_dist / REPORT_NAME).read_text(encoding="utf-8")
    note = re.search(
        r"(\d+) gold documents shown below, re-annotated by the silver pipeline; (\d+) spans identical",
        report,
    )
    assert note is not None and gold > silver > 0  # the seeds' silver misses a gold span: a real comparison
    assert (
        (int(note[1]), int(note[2]))
        == (documents, round(precision * silver))
        == (documents, round(recall * gold))
    )


def test_a_build_annotates_each_gold_seed_file_again_once_for_the_card_and_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotated: list[str] = []
    real = pipeline.annotate_seed

    def counted(path: Path, knowledge: Knowledge, tagger: Any = None) -> list[Document]:
        annotated.append(Path(path).name)
        return real(path, knowledge, tagger)

    monkeypatch.setattr(pipeline, "annotate_seed", counted)
    dist = tmp_path / "dist"
    build(PROJECT, seeds_dir=SEEDS, annotations_dir=ANNOTATIONS, out_dir=dist, progress=False)
    gold = {r["seed_file"] for r in parquet_documents(dist).values() if r["annotation_status"] == "gold"}
    assert len(gold) > 1 and sorted(annotated) == sorted(gold)


def test_without_the_project_the_report_says_what_it_cannot_show(seeds_dist: Path) -> None:
    html, shown, _ = render_report(seeds_dist)
    assert shown == 6 and contract_problems(seeds_dist, html) == []
    assert "no seeds and annotations folders were given" in html
    assert "no annotations folder was given: agreement is not shown" in html


def test_annotator_disputes_are_shown_with_pseudonyms(seeds_dist: Path, tmp_path: Path) -> None:
    """A second annotator drops a span the lead kept: the document lists it, agreement falls below 1."""
    ann_dir = shutil.copytree(ANNOTATIONS, tmp_path / "annotations")
    path = ann_dir / "documents" / f"{ARABIC}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    lead = data["annotations"][0]
    other = {**lead, "annotator": "second@example.org", "annotation_id": lead["annotation_id"] + 1000}
    other |= {"ground_truth": False, "entities": list(lead["entities"])}
    dropped = other["entities"].pop(0)
    data["annotations"].append(other)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    html, _, _ = render_report(seeds_dist, gold_silver(seeds_dist, ann_dir), annotations_dir=ann_dir)
    doc_html = html[html.index(f'data-doc-id="{ARABIC}"') :]
    doc_html = doc_html[: doc_html.index("</article>")]
    assert "1 item not chosen by everyone" in doc_html
    assert f"entity {dropped['label']} <bdi>{dropped['text']}</bdi>" in doc_html
    assert "1 of 2: annotator " in doc_html
    assert "@" not in html.replace("@import", "")  # no e-mail address
    assert "spans not chosen by every annotator: " in html and f"{dropped['label']} 1" in html


# --- in Chromium ----------------------------------------------------------------------------------

PAGE_JS = r"""
const out = {documents: {}, resources: performance.getEntriesByType('resource').length};
for (const doc of document.querySelectorAll('[data-doc-id]')) {
  const text = doc.querySelector('.text');
  // the box of the first visible character: it must sit at the start edge of the text block
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode(), at = 0;
  while (node && node.data.slice(at).trim() === '') { node = walker.nextNode(); at = 0; }
  at = node.data.search(/\S/);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + 1);
  const first = range.getBoundingClientRect(), block = text.getBoundingClientRect();
  out.documents[doc.dataset.docId] = {
    dir: doc.getAttribute('dir'), direction: getComputedStyle(text).direction,
    gap_right: block.right - first.right, gap_left: first.left - block.left,
    entities: [...doc.querySelectorAll('[data-label]')].map(e => [e.dataset.label, e.textContent,
      getComputedStyle(e, '::after').content]),
  };
}
return out;
"""


def visible_documents(driver: Any) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('article.doc')].filter(d => !d.hidden).map(d => d.dataset.docId)"
    )


@pytest.mark.browser
def test_in_chromium_every_document_reads_in_its_direction_and_the_page_works(
    seeds_dist: Path, tmp_path: Path
) -> None:
    from tests.labelstudio.test_editor_rtl import browser_missing, chromium

    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    rows = parquet_documents(seeds_dist)
    with chromium() as driver:
        shots = screenshots(driver, seeds_dist / REPORT_NAME, tmp_path)
        page = driver.execute_script(PAGE_JS)
        assert page["resources"] == 0  # nothing fetched: fonts, scripts and images are all inline
        assert set(page["documents"]) == set(rows)
        for doc_id, shown in page["documents"].items():
            row = rows[doc_id]
            direction = "rtl" if row["language"] == "ar" else "ltr"
            assert (shown["dir"], shown["direction"]) == (direction, direction), doc_id
            start_gap = shown["gap_right"] if direction == "rtl" else shown["gap_left"]
            assert 0 <= start_gap < 12, (doc_id, shown["gap_right"], shown["gap_left"])
            spans = sorted(row["entities"], key=lambda s: (s["start"], s["end"]))
            assert len(shown["entities"]) == len(spans), doc_id
            for span, (label, text, badge) in zip(spans, shown["entities"], strict=True):
                assert label == span["label"] and text.startswith(span["text"]), (doc_id, span)
                assert badge == f'"{span["label"]}"'  # the readable badge
        Select(driver.find_element(By.ID, "f-language")).select_by_value("en")
        assert sorted(visible_documents(driver)) == sorted(
            i for i, r in rows.items() if r["language"] == "en"
        )
        Select(driver.find_element(By.ID, "f-language")).select_by_value("")
        search = driver.find_element(By.ID, "f-text")
        search.send_keys("بومبيو")
        assert visible_documents(driver) == ["004_01aeee41cd1430c7"]
        assert driver.find_element(By.ID, "count").text == "1 of 6 documents"
        search.clear()
        search.send_keys("Blinken")
        assert visible_documents(driver) == ["000_7b0c189a82ed960c-en", ENGLISH]
        link = driver.find_element(By.CSS_SELECTOR, f'[data-doc-id="{ENGLISH}"] a[href="#doc-{ARABIC}"]')
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        link.click()
        assert ARABIC in visible_documents(driver)  # the filter gave way to the partner link
        assert (
            driver.execute_script(
                f"return document.getElementById('doc-{ARABIC}').getBoundingClientRect().top"
            )
            < 200
        )
    for shot in shots.values():
        assert shot.stat().st_size > 20_000


def screenshots(driver: Any, report: Path, out_dir: Path) -> dict[str, Path]:
    """The overview (whole), then the Arabic and the English document as a reader scrolls to them."""
    driver.set_window_size(1400, 1000)
    driver.get(report.absolute().as_uri())
    inner = driver.execute_script("return window.outerHeight - window.innerHeight")
    bottom = driver.execute_script(
        "return document.getElementById('overview').getBoundingClientRect().bottom + window.scrollY"
    )
    driver.set_window_size(1400, int(bottom) + inner + 10)
    shots = {"overview": out_dir / "overview.png"}
    driver.save_screenshot(str(shots["overview"]))
    driver.set_window_size(1400, 1000)
    for doc_id in (ARABIC, ENGLISH):
        driver.execute_script("location.hash = arguments[0]", f"doc-{doc_id}")
        shots[doc_id] = out_dir / f"{doc_id}.png"
        driver.save_screenshot(str(shots[doc_id]))
    return shots


def main(argv: list[str] | None = None) -> int:
    """Script mode: build the seeds, render the report and save the overview's screenshot."""
    from tests.labelstudio.test_editor_rtl import browser_missing, chromium

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="PNG file to write")
    args = ap.parse_args(argv)
    reason = browser_missing()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="report-") as tmp:
        dist = Path(tmp) / "dist"
        build(PROJECT, seeds_dir=SEEDS, annotations_dir=ANNOTATIONS, out_dir=dist, progress=False)
        with chromium() as driver:
            shots = screenshots(driver, dist / REPORT_NAME, Path(tmp))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shots["overview"], args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
