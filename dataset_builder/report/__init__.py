"""``report.html``: a self-contained page to look at a built dataset (overview charts + every document).

The build writes it into the dataset folder before the manifest (so the manifest lists it);
``dataset-builder report DIST`` writes it again, byte for byte the same from the same folder,
silver and annotations, and updates the manifest's entry. What the report needs beyond the folder:
the silver of its gold documents, given by the caller (computed from the project's seeds, never by the
report: see :func:`dataset_builder.silver_eval.silver_of_gold`), and the annotators' agreement, from
the annotations folder; see :mod:`dataset_builder.report.collect`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dataset_builder import schema
from dataset_builder.documents import Document
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.output import MANIFEST_NAME, write_files_atomic
from dataset_builder.release.croissant import CROISSANT_NAME
from dataset_builder.release.manifest import json_text, read_manifest
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
) -> tuple[str, int, int]:
    """The report's HTML for a built folder, with the number of documents shown and in the folder.

    ``silver``: each gold document's silver, or why there is none (:func:`silver_eval.silver_of_gold`
    of the folder's gold, :func:`collect.read_gold`); ``None`` when there are no seeds to rebuild it
    from. ``knowledge`` is that of ``annotations_dir`` (loaded from it when not given).
    """
    folder = Path(folder)
    name, version = _identity(folder)
    if annotations_dir is not None and knowledge is None:
        knowledge = Knowledge.load(Path(annotations_dir))
    annotated = collect.read_annotations(annotations_dir, knowledge)
    overview = collect.read_overview(folder, annotated)
    sample = collect.choose_sample(overview.documents, max_documents, max_characters)
    rows = collect.read_rows(folder, sample.ids)
    diffs = collect.silver_diffs(rows, silver)
    agreement = collect.agreement(annotated, overview.text_sha256, knowledge, overview.annotated_texts)
    topic_order, topic_names = render.topic_table(knowledge.taxonomy if knowledge else None)
    html = render.render_page(
        name=name,
        version=version,
        overview=overview,
        sample=sample,
        docs=render.document_views(rows, overview, sample, diffs, agreement, topic_names),
        chart_list=render.overview_charts(overview, agreement, diffs, topic_order, topic_names),
        agreement=agreement,
        silver_source="seeds and annotations" if silver is not None and annotations_dir else None,
        topic_names=topic_names,
    )
    return html, len(sample), len(overview.documents)


def _identity(folder: Path) -> tuple[str, str]:
    """Dataset name and version from ``croissant.json`` (written before the report and the manifest)."""
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
) -> ReportResult:
    """Write the report (default ``folder/report.html``) atomically; the build's report step
    (``silver`` as in :func:`render_report`).

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
