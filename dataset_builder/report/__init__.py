"""``report.html``: a self-contained page to look at a built dataset (overview charts + every document).

The build writes it into the dataset folder before the manifest (so the manifest lists it);
``dataset-builder report DIST`` writes it again, byte for byte the same from the same folder,
silver and annotations, and updates the manifest's entry. What the report needs beyond the folder:
the silver of its gold documents, given by the caller (computed from the project's seeds, never by the
report: see :func:`dataset_builder.pipeline.silver_of_gold`), and the annotators' agreement, from
the annotations folder; see :mod:`dataset_builder.report.collect`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from dataset_builder import schema
from dataset_builder.documents import Document
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.output import MANIFEST_NAME, Checksums, write_files_atomic
from dataset_builder.release.croissant import CROISSANT_NAME
from dataset_builder.release.manifest import json_text, read_manifest
from dataset_builder.report import cache as report_cache
from dataset_builder.report import collect, render

REPORT_NAME = "report.html"
DEFAULT_MAX_DOCUMENTS = 1000
DEFAULT_MAX_CHARACTERS = 2_000_000
"""Limits of the documents rendered in full: they bound the file to roughly 10 MB."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    size: int
    shown: int
    total: int
    manifest_updated: bool = False

    def summary(self) -> str:
        shown = f"{self.shown:,} of {self.total:,} documents shown"
        manifest = f"; {MANIFEST_NAME} updated" if self.manifest_updated else ""
        return f"wrote {self.path} ({self.size / 1e6:.2f} MB): {shown}{manifest}"


def render_report(
    folder: Path,
    silver: Mapping[str, Document | str] | None = None,
    *,
    annotations_dir: Path | None = None,
    knowledge: Knowledge | None = None,
    max_documents: int = DEFAULT_MAX_DOCUMENTS,
    max_characters: int = DEFAULT_MAX_CHARACTERS,
    cache_dir: Path | None = None,
    checksums: Checksums | None = None,
    identity: tuple[str, str] | None = None,
) -> tuple[str, int, int]:
    """The report's HTML for a built folder, with the number of documents shown and in the folder.

    ``silver``: each gold document's silver, or why there is none (:func:`pipeline.silver_of_gold`
    of the folder's gold, :func:`collect.read_gold`); ``None`` when there are no seeds to rebuild it
    from. ``knowledge`` is that of ``annotations_dir`` (loaded from it when not given). With
    ``cache_dir`` (the project's cache folder), what an earlier report read and rendered is taken from
    its report cache (:mod:`dataset_builder.report.cache`; ``checksums``: the build's, which know the
    files' sha256), and this report's is kept there in turn: the same bytes, less work. ``identity``:
    the dataset's name and version when the build knows them (it writes the report before the card
    and ``croissant.json``, whose libraries would otherwise add to the report's peak memory); else
    they are read from the folder's ``croissant.json``.
    """
    folder = Path(folder)
    cache = report_cache.ReportCache(cache_dir, checksums) if cache_dir is not None else None
    name, version = identity or _identity(folder)
    if annotations_dir is not None and knowledge is None:
        knowledge = Knowledge.load(Path(annotations_dir))
    annotated = collect.read_annotations(annotations_dir, knowledge)
    overview = collect.read_overview(folder, annotated, cache)
    sample = collect.choose_sample(overview, max_documents, max_characters)
    agreement = collect.agreement(annotated, overview.text_sha256, knowledge, overview.annotated_texts)
    topic_order, topic_names = render.topic_table(knowledge.taxonomy if knowledge else None)
    fragments, diffs = _fragments(overview, sample, silver, agreement, topic_names, cache)
    html = render.render_page(
        name=name,
        version=version,
        overview=overview,
        sample=sample,
        fragments=fragments,
        chart_list=render.overview_charts(overview, agreement, diffs, topic_order, topic_names),
        agreement=agreement,
        silver_source="seeds and annotations" if silver is not None and annotations_dir else None,
    )
    if cache is not None:
        cache.save()
    return html, len(sample), overview.total


def _fragments(
    overview: collect.Overview,
    sample: collect.Sample,
    silver: Mapping[str, Document | str] | None,
    agreement: collect.Agreement,
    topic_names: Mapping[str, str],
    cache: report_cache.ReportCache | None,
) -> tuple[list[str], dict[str, collect.SilverDiff]]:
    """Each shown document's ``article``, in id order, and the gold ones' silver against gold.

    A fragment whose key (:func:`cache.fragment_key`) ``cache`` holds is taken from it; only the rows
    of gold documents (whose silver is compared with their spans), of documents whose row digest is
    not known, and of those whose fragment is not held are read, and only those fragments rendered.
    """
    index = overview.index.take(pa.array(sample.rows, pa.int64()))
    ids, groups, events, gold = (
        index.column(name).to_pylist()
        for name in (schema.ID, schema.TRANSLATION_GROUP, schema.EVENT_ID, collect.GOLD_COLUMN)
    )
    places = [overview.place(at) for at in sample.rows]
    rows = collect.read_rows(overview, [at for at, is_gold in zip(sample.rows, gold, strict=True) if is_gold])
    diffs = collect.silver_diffs([rows[at] for at in sample.rows if at in rows], silver)
    # a document links to at most MAX_EVENT_LINKS others of its event, itself left out
    neighbours, event_sizes = collect.read_neighbours(overview, sample, render.MAX_EVENT_LINKS + 1)
    links = render.sample_links(neighbours, sample, event_sizes)
    contexts = [
        render.document_context(
            doc_id, group, event, links, diffs.get(doc_id), agreement.documents.get(doc_id)
        )
        for doc_id, group, event in zip(ids, groups, events, strict=True)
    ]
    found: dict[int, str] = {}
    salt = report_cache.fragment_salt(topic_names) if cache is not None else b""
    if cache is not None:
        for at, (file, row), context in zip(sample.rows, places, contexts, strict=True):
            digest = report_cache.row_digest(rows[at]) if at in rows else cache.row_digest(file, row)
            html = cache.fragment(report_cache.fragment_key(salt, digest, context)) if digest else None
            if html is not None:
                found[at] = html
    rows |= collect.read_rows(overview, [at for at in sample.rows if at not in found and at not in rows])
    env = render.environment()
    fragments = []
    for at, (file, row), context in zip(sample.rows, places, contexts, strict=True):
        html, key = found.get(at), None
        if html is None and cache is not None:  # the row was read: its digest may find the fragment
            digest = report_cache.row_digest(rows[at])
            cache.learn_row_digest(file, row, digest)
            key = report_cache.fragment_key(salt, digest, context)
            html = cache.fragment(key)
        if html is None:
            html = render.document_html(
                env, render.document_view(rows[at], context, topic_names), topic_names
            )
            if cache is not None and key is not None:
                cache.keep_fragment(key, html)
        fragments.append(html)
    return fragments, diffs


def _identity(folder: Path) -> tuple[str, str]:
    """Dataset name and version from a built folder's ``croissant.json``."""
    path = folder / CROISSANT_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["name"]), str(data["version"])
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{path}: not a built dataset folder ({exc})") from exc


def write_report(
    folder: Path,
    silver: Mapping[str, Document | str] | None = None,
    *,
    annotations_dir: Path | None = None,
    knowledge: Knowledge | None = None,
    out: Path | None = None,
    max_documents: int = DEFAULT_MAX_DOCUMENTS,
    max_characters: int = DEFAULT_MAX_CHARACTERS,
    cache_dir: Path | None = None,
    checksums: Checksums | None = None,
    identity: tuple[str, str] | None = None,
) -> ReportResult:
    """Write the report (default ``folder/report.html``) atomically; the build's report step
    (``silver``, ``cache_dir``, ``checksums`` and ``identity`` as in :func:`render_report`).

    Leaves the manifest alone: the build writes it afterwards. Use :func:`refresh_report` on a
    finished folder.
    """
    html, shown, total = render_report(
        folder,
        silver,
        annotations_dir=annotations_dir,
        knowledge=knowledge,
        max_documents=max_documents,
        max_characters=max_characters,
        cache_dir=cache_dir,
        checksums=checksums,
        identity=identity,
    )
    path = Path(out) if out is not None else Path(folder) / REPORT_NAME
    data = html.encode("utf-8")
    write_files_atomic({path: data})
    return ReportResult(path, len(data), shown, total)


def refresh_report(
    dist: Path,
    silver: Mapping[str, Document | str] | None = None,
    *,
    annotations_dir: Path | None = None,
    knowledge: Knowledge | None = None,
    out: Path | None = None,
    max_documents: int = DEFAULT_MAX_DOCUMENTS,
    max_characters: int = DEFAULT_MAX_CHARACTERS,
) -> ReportResult:
    """``dataset-builder report``: (re)write the report of a built folder (``silver`` as in
    :func:`render_report`).

    A report written inside the folder is listed in its manifest (report and manifest are replaced
    together), so the folder still holds only listed files.
    """
    dist = Path(dist)
    manifest = read_manifest(dist)
    path = Path(out) if out is not None else dist / REPORT_NAME
    html, shown, total = render_report(
        dist,
        silver,
        annotations_dir=annotations_dir,
        knowledge=knowledge,
        max_documents=max_documents,
        max_characters=max_characters,
    )
    data = html.encode("utf-8")
    try:
        relative = path.absolute().relative_to(dist.absolute()).as_posix()
    except ValueError:
        write_files_atomic({path: data})
        return ReportResult(path, len(data), shown, total)
    if not relative.endswith(".html") or relative.startswith(f"{schema.DATA_DIR}/"):
        raise InputError(
            f"{path}: inside the dataset folder the report must be an .html file outside {schema.DATA_DIR}/"
        )
    manifest["files"][relative] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    manifest["files"] = dict(sorted(manifest["files"].items()))
    write_files_atomic({path: data, dist / MANIFEST_NAME: json_text(manifest).encode("utf-8")})
    return ReportResult(path, len(data), shown, total, manifest_updated=True)
