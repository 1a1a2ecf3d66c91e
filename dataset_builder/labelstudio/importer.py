"""Import a Label Studio JSON export into ``annotations/`` (validated, atomic, idempotent).

The export is read by :mod:`.parse` (tasks, annotations, offsets) and joined to the stored
annotations by :mod:`.merge` (newer versions win, stored spans follow a changed text, a complete
export withdraws what was deleted in Label Studio); this module orders the two and writes the
result: every document file and the export itself, at once, and only when the whole export is
valid. Every moved span is listed in the report. A task whose document is no longer among the
seeds is reported and skipped; the rest still imports.

Reviewers' decisions: annotations of the review project (``labelstudio review``) and those of a user
listed in ``reviewers`` are stored with ``review`` set, which adjudication takes as a decision.
With ``pseudonymous``, annotators are stored under stable pseudonyms (:class:`annotations.Pseudonyms`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataset_builder import annotations
from dataset_builder.annotations import AnnotatedDocument, Annotation
from dataset_builder.annotators.learned import learn_aliases
from dataset_builder.documents import Document
from dataset_builder.errors import InputError
from dataset_builder.labelstudio import merge
from dataset_builder.labelstudio.parse import ExportErrors, MovedSpan, parse_tasks
from dataset_builder.output import write_files_atomic

if TYPE_CHECKING:  # a type only: the caller loads the knowledge and passes it
    from dataset_builder.knowledge import Knowledge


@dataclass
class ImportReport:
    """What an import did; ``summary()`` is what the CLI prints."""

    export: str
    tasks: int = 0
    annotations: int = 0
    cancelled: int = 0
    superseded: int = 0
    updated: int = 0
    corrected_ground_truths: int = 0
    """Newer versions of stored ground truths (a reviewer's correction) that replaced them."""
    withdrawn: list[str] = field(default_factory=list)
    """Stored annotations cancelled or deleted in Label Studio since, removed from ``annotations/``."""
    unknown_documents: list[str] = field(default_factory=list)
    """Tasks whose document is no longer among the seeds: reported, not imported."""
    moved: list[MovedSpan] = field(default_factory=list)
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    aliases: int | None = None
    """Entity surfaces the silver annotator now knows from gold (``learned_aliases.json``), once learned."""

    @property
    def reanchored(self) -> int:
        """Spans of this export moved onto a changed text."""
        return sum(not m.stored for m in self.moved)

    def summary(self) -> str:
        lines = [
            f"{self.export}: {self.tasks} tasks, {self.annotations} annotations imported "
            f"({self.cancelled} cancelled skipped, {self.updated} newer versions of stored ones, "
            f"{self.superseded} older than the stored version kept out); "
            f"{len(self.written)} document files written, {len(self.unchanged)} unchanged"
        ]
        if self.corrected_ground_truths:
            lines.append(
                f"{self.corrected_ground_truths} ground truths corrected in Label Studio: newer version kept"
            )
        if self.withdrawn:
            lines.append(
                f"{len(self.withdrawn)} stored annotations withdrawn (cancelled or deleted in Label Studio):"
            )
            lines += [f"  {w}" for w in self.withdrawn]
        if self.unknown_documents:
            lines.append(
                f"{len(self.unknown_documents)} tasks skipped, their document is no longer among the seeds "
                "(archive or delete them in Label Studio):"
            )
            lines += [f"  {u}" for u in self.unknown_documents]
        if self.aliases is not None:
            lines.append(
                f"learned_aliases.json: {self.aliases} entity names learned from gold for the silver annotator"
            )
        if self.moved:
            lines.append(f"{len(self.moved)} spans moved with their text to changed documents:")
            lines += [f"  {m}" for m in self.moved]
        return "\n".join(lines)


def import_tasks(
    tasks: Any,
    raw_bytes: bytes,
    documents: Mapping[str, Document],
    annotations_dir: Path,
    topic_ids: Sequence[str],
    source: str = "Label Studio export",
    origin: str = "Label Studio export",
    *,
    complete_for: str | None = None,
    reviewers: Collection[str] = (),
    review: bool = False,
    pseudonyms: annotations.Pseudonyms | None = None,
) -> ImportReport:
    """Validate an export's tasks against ``documents`` and merge their annotations into ``annotations_dir``.

    ``raw_bytes`` is the export as received; it is kept as ``labelstudio/export-<sha256[:12]>.json``.
    ``origin`` names the server the export came from (with each task's project id appended).
    Annotations are merged by :meth:`Annotation.identity`: a newer version replaces the stored one,
    an older one is kept out, and every other annotation stays. ``complete_for``: the origin (see
    :func:`.parse.project_origin`) of which this export is complete (a pull): stored annotations of that
    origin it no longer holds, or holds cancelled, are withdrawn. ``reviewers`` (e-mails) and
    ``review`` (the review project) mark decisions; ``pseudonyms`` replaces e-mails. Nothing is
    written unless the whole export is valid; re-importing the same export rewrites nothing.
    """
    annotations_dir = Path(annotations_dir)
    export = f"{annotations.EXPORTS_DIR}/export-{hashlib.sha256(raw_bytes).hexdigest()[:12]}.json"
    errors = ExportErrors(source)
    parsed = parse_tasks(
        tasks,
        export,
        origin,
        documents,
        topic_ids,
        errors,
        reviewers=reviewers,
        review=review,
        pseudonyms=pseudonyms,
    )
    report = ImportReport(
        export,
        parsed.tasks,
        parsed.annotations,
        parsed.cancelled,
        unknown_documents=parsed.unknown_documents,
        moved=parsed.moved,
    )
    incoming = parsed.incoming
    errors.raise_if_any()

    live = {a.identity() for anns in incoming.values() for a in anns}
    stored_files = annotations.read_documents(annotations_dir, topic_ids) if complete_for else {}
    withdrawing = merge.withdrawing(stored_files, documents, live, complete_for) if complete_for else set()
    counts = merge.MergeCounts()
    files: dict[Path, bytes] = {}
    written, unchanged = [], []
    exports_read: dict[str, Any] = {}
    for document_id in sorted(set(incoming) | withdrawing):
        path = annotations_dir / annotations.DOCUMENTS_DIR / f"{document_id}.json"
        current = documents[document_id]
        sha = annotations.text_sha256(current.text)
        if document_id not in incoming:  # only withdrawals: the file keeps its text
            stored = stored_files[document_id]
            merged = AnnotatedDocument(document_id, stored.text_sha256, stored.annotations)
        else:
            stored = (
                merge.reanchor_stored(
                    annotations.read_document_file(path, topic_ids),
                    current,
                    path,
                    annotations_dir,
                    exports_read,
                    report.moved,
                    errors,
                )
                if path.exists()
                else AnnotatedDocument(document_id, sha, ())
            )
            merged = merge.merge(stored, incoming[document_id], counts)
            merged = AnnotatedDocument(document_id, sha, merged.annotations)
        if document_id in withdrawing:
            merged, gone = merge.withdraw(merged, live, complete_for)
            report.withdrawn += [
                f"{document_id}: {a.describe()}" for a in sorted(gone, key=Annotation.recency)
            ]
        data = merged.to_bytes()
        if path.exists() and path.read_bytes() == data:
            unchanged.append(document_id)
        else:
            files[path] = data
            written.append(document_id)
    errors.raise_if_any()
    export_path = annotations_dir / export
    if not export_path.exists() or export_path.read_bytes() != raw_bytes:
        files[export_path] = raw_bytes
    if pseudonyms is not None:
        files.update(pseudonyms.files())
    write_files_atomic(files)
    report.written, report.unchanged = tuple(written), tuple(unchanged)
    report.superseded, report.updated = counts.superseded, counts.updated
    report.corrected_ground_truths = counts.corrected_ground_truths
    return report


def import_export(
    export_path: Path, documents: Iterable[Document], annotations_dir: Path, knowledge: Knowledge
) -> ImportReport:
    """Import a Label Studio JSON export file against the corpus' current ``documents`` (from the CLI)."""
    export_path = Path(export_path)
    try:
        raw = export_path.read_bytes()
        tasks = json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise InputError(f"{export_path}: cannot read ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{export_path}: byte {exc.start}: not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{export_path}: line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})"
        ) from exc
    report = import_tasks(
        tasks,
        raw,
        {d.id: d for d in documents},
        Path(annotations_dir),
        knowledge.topic_ids,
        source=str(export_path),
    )
    return learn_from_gold(report, Path(annotations_dir), knowledge)


def learn_from_gold(report: ImportReport, annotations_dir: Path, knowledge: Knowledge) -> ImportReport:
    """After an import: every gold entity surface becomes an alias the silver annotator uses."""
    report.aliases = learn_aliases(annotations_dir, knowledge)
    return report
