"""Annotate the seed documents through a real Label Studio server, from ``annotations/seed_annotations.json``.

The hand-written gold for the seeds (entities as text + occurrence) goes the way every human
annotation goes: the tasks are pushed, the annotations are submitted through the API as their
annotator, and the server's JSON export is pulled and imported, so ``annotations/labelstudio/export-*.json``
and ``annotations/documents/*.json`` are the real server's output.

    .venv/bin/python scripts/annotate_seeds.py --start-server
        a throwaway server whose admin is the annotator; its state is deleted afterwards
    LABEL_STUDIO_API_KEY=... .venv/bin/python scripts/annotate_seeds.py --url http://127.0.0.1:8080
        a running server; the key must be the annotator's own (the script checks the account's email)

Running it again updates the annotator's annotations on the server instead of adding new ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from dataset_builder import annotations, pipeline, schema
from dataset_builder.documents import Document, Span
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.labelstudio import client, tasks

ROOT = Path(__file__).resolve().parent.parent
SEED_ANNOTATIONS = "seed_annotations.json"
PROJECT = "dataset_builder seeds"


def nth_occurrence(text: str, surface: str, occurrence: int) -> int | None:
    """Start of the ``occurrence``-th (0-based) occurrence of ``surface`` in ``text``, or None."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(surface, start + 1)
        if start < 0:
            return None
    return start


def annotated(doc: Document, entry: dict[str, Any], where: str) -> Document:
    """The silver document with the hand annotation in place of its silver fields (offsets resolved)."""
    spans = []
    for i, entity in enumerate(entry["entities"]):
        start = nth_occurrence(doc.text, entity["text"], entity["occurrence"])
        if start is None:
            raise InputError(
                f"{where}, entity {i}: {entity['text']!r} does not occur {entity['occurrence'] + 1} times"
            )
        spans.append(Span(start, start + len(entity["text"]), entity["text"], entity["label"]))
    return doc.with_(
        entities=spans,
        topics=list(entry["topics"]),
        date=dt.date.fromisoformat(entry["date"]) if entry.get("date") else None,
        date_evidence=entry.get("date_evidence"),
        language=entry["language"],
    )


def load_gold(annotations_dir: Path, documents: dict[str, Document]) -> tuple[str, dict[str, Document]]:
    """The annotator and, per document id, the document as they annotated it."""
    path = annotations_dir / SEED_ANNOTATIONS
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        out = {}
        for entry in raw["documents"]:
            where = f"{path}, document {entry['document_id']}"
            if entry["document_id"] not in documents:
                raise InputError(f"{where}: not among the seeds' documents")
            out[entry["document_id"]] = annotated(documents[entry["document_id"]], entry, where)
        return raw["annotator"], out
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read the seed annotations ({type(exc).__name__}: {exc})") from exc


def submit(url: str, api_key: str, project_id: int, gold: dict[str, Document]) -> tuple[int, int, int]:
    """Create (or update) the key owner's annotation of each task; returns (created, updated, unchanged)."""
    ls = client.connect(url, api_key)
    me = ls.users.whoami()
    task_ids = client.project_task_keys(ls, project_id)
    created = updated = unchanged = 0
    for document_id, doc in gold.items():
        task_id = task_ids[tasks.task_key(document_id, annotations.text_sha256(doc.text))]
        result = tasks.prediction_result(doc)
        mine = [a for a in ls.annotations.list(id=task_id) if a.completed_by == me.id]
        if not mine:
            ls.annotations.create(id=task_id, result=result)
            created += 1
        elif mine[-1].result != result:
            ls.annotations.update(id=mine[-1].id, result=result)
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged


def annotate(url: str, api_key: str, project: str, seeds_dir: Path, annotations_dir: Path) -> str:
    """Push, submit the seed annotations as their annotator, pull; returns what to print."""
    documents = {d.id: d for d in pipeline.silver_documents(seeds_dir, annotations_dir)}
    annotator, gold = load_gold(annotations_dir, documents)
    with client.server_errors(url, api_key, "checking the annotator's account"):
        email = client.connect(url, api_key).users.whoami().email
    if email != annotator:
        raise DatasetBuilderError(
            f"the API key belongs to {email!r}, but {SEED_ANNOTATIONS} was written by {annotator!r}: "
            "use that annotator's key"
        )
    pushed = client.push(url, api_key, project, seeds_dir, annotations_dir)
    with client.server_errors(url, api_key, f"submitting annotations to project {pushed.project_id}"):
        created, updated, unchanged = submit(url, api_key, pushed.project_id, gold)
    pulled = client.pull(url, api_key, project, seeds_dir, annotations_dir)
    return "\n".join(
        [
            pushed.summary(),
            f"annotations by {annotator}: {created} created, {updated} updated, {unchanged} unchanged",
            pulled.summary(),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--annotations", type=Path, default=schema.DEFAULT_ANNOTATIONS_DIR)
    ap.add_argument("--project", default=PROJECT, help="project title (found again by title)")
    ap.add_argument("--start-server", action="store_true", help="run a throwaway local server")
    ap.add_argument("--url", default=os.environ.get("LABEL_STUDIO_URL", "http://127.0.0.1:8080"))
    ap.add_argument(
        "--api-key", default=None, help="defaults to $LABEL_STUDIO_API_KEY (never written anywhere)"
    )
    args = ap.parse_args(argv)
    try:
        if args.start_server:
            with open(args.annotations / SEED_ANNOTATIONS, encoding="utf-8") as f:
                annotator = json.load(f)["annotator"]
            with (
                tempfile.TemporaryDirectory(prefix="label-studio-") as data_dir,
                client.local_server(Path(data_dir), username=annotator) as server,
            ):
                print(annotate(server.url, server.api_key, args.project, args.seeds, args.annotations))
        else:
            api_key = args.api_key or os.environ.get("LABEL_STUDIO_API_KEY")
            if not api_key:
                raise DatasetBuilderError(
                    "no API key: pass --api-key, set LABEL_STUDIO_API_KEY, or --start-server"
                )
            print(annotate(args.url, api_key, args.project, args.seeds, args.annotations))
    except (DatasetBuilderError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
