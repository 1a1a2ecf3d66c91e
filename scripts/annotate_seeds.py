"""Run the seed campaign through a real Label Studio server, from ``annotations/seed_annotations*.json``.

Each file holds one annotator's hand annotation of the seed documents (entities as text +
occurrence). They go the way every human annotation goes: the tasks are pushed, each annotation is
submitted through the API by its annotator, and the server's JSON export is pulled and imported, so
``annotations/labelstudio/export-*.json`` and ``annotations/documents/*.json`` are the real server's
output. The lead's file (``"ground_truth": true``) is marked ground truth, as a reviewer would, so
gold is the lead's annotation. Today there is only the lead's file: a second annotator's file
measures agreement (``dataset-builder agreement``) only if that person annotated the seeds on their
own; a copy of the lead's annotations is detected and left out of the figures.

    .venv/bin/python scripts/annotate_seeds.py --start-server [--replace]
        a throwaway server: its admin is the lead, the other annotators sign up through the
        organisation's invite link; its state is deleted afterwards. --replace swaps in this run's
        import for the previous seed-campaign import (annotation ids restart on every new server).
    LABEL_STUDIO_API_KEY=... .venv/bin/python scripts/annotate_seeds.py --url URL --file FILE
        a running server; the key must be the file's annotator's own (the script checks the email).

Run from the repository root: the throwaway server is :mod:`dataset_builder.labelstudio.local_server`
(the one the live tests use).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataset_builder import annotations, pipeline
from dataset_builder.documents import Document, Span
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import client, tasks
from dataset_builder.labelstudio.local_server import local_server, sign_up
from dataset_builder.project import PROJECT_FILE, Project

ROOT = Path(__file__).resolve().parent.parent

PATTERN = "seed_annotations*.json"
IMPORTED = ("documents", "labelstudio")
"""The sub-folders of ``annotations/`` that an import writes (and ``--replace`` swaps)."""


@dataclass(frozen=True)
class HandAnnotation:
    """One annotator's file: who, whether it is the reviewed ground truth, and the documents."""

    path: Path
    annotator: str
    ground_truth: bool
    documents: dict[str, Document]


def annotated(doc: Document, entry: dict[str, Any], where: str) -> Document:
    """The silver document with the hand annotation in place of its silver fields (offsets resolved)."""
    spans = []
    for i, entity in enumerate(entry["entities"]):
        start = annotations.nth_occurrence(doc.text, entity["text"], entity["occurrence"])
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


def load_hand_annotation(path: Path, documents: dict[str, Document]) -> HandAnnotation:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        out = {}
        for entry in raw["documents"]:
            where = f"{path}, document {entry['document_id']}"
            if entry["document_id"] not in documents:
                raise InputError(f"{where}: not among the seeds' documents")
            out[entry["document_id"]] = annotated(documents[entry["document_id"]], entry, where)
        return HandAnnotation(path, raw["annotator"], bool(raw.get("ground_truth", False)), out)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read the seed annotations ({type(exc).__name__}: {exc})") from exc


def submit(url: str, api_key: str, project_id: int, hand: HandAnnotation) -> tuple[int, int, int]:
    """Create (or update) the key owner's annotation of each task; returns (created, updated, unchanged)."""
    ls = client.connect(url, api_key)
    me = ls.users.whoami()
    if me.email != hand.annotator:
        raise DatasetBuilderError(
            f"the API key belongs to {me.email!r}, but {hand.path.name} was written by {hand.annotator!r}: "
            "use that annotator's key"
        )
    task_ids = client.project_task_keys(ls, project_id)
    created = updated = unchanged = 0
    for document_id, doc in hand.documents.items():
        task_id = task_ids[tasks.task_key(document_id, annotations.text_sha256(doc.text))]
        result = tasks.prediction_result(doc)
        mine = [a for a in ls.annotations.list(id=task_id) if a.completed_by == me.id]
        if not mine:
            ls.annotations.create(id=task_id, result=result, ground_truth=hand.ground_truth)
            created += 1
        elif mine[-1].result != result or bool(mine[-1].ground_truth) != hand.ground_truth:
            ls.annotations.update(id=mine[-1].id, result=result, ground_truth=hand.ground_truth)
            updated += 1
        else:
            unchanged += 1
    return created, updated, unchanged


def run_campaign(
    url: str, keys: dict[str, str], hands: list[HandAnnotation], seeds_dir: Path, annotations_dir: Path
) -> str:
    """Push with the first key, submit each annotator's work with their key, pull; returns what to print.

    The push binds a copy of the repository's ``dataset.toml`` (in a temporary folder) to the server's
    project, so a throwaway server is never recorded in the repository's project file.
    """
    first = keys[hands[0].annotator]
    knowledge = Knowledge.load(annotations_dir)
    documents = list(pipeline.silver_documents(seeds_dir, knowledge))
    with tempfile.TemporaryDirectory(prefix="seed-campaign-") as tmp:
        shutil.copy(ROOT / PROJECT_FILE, Path(tmp) / PROJECT_FILE)
        project = Project.load(Path(tmp))
        pushed = client.push(project, documents, knowledge, url, first, annotations_dir=annotations_dir)
        lines = [pushed.summary()]
        for hand in hands:
            key = keys[hand.annotator]
            with client.server_errors(
                url, key, f"submitting {hand.path.name} to project {pushed.project_id}"
            ):
                created, updated, unchanged = submit(url, key, pushed.project_id, hand)
            role = " (ground truth)" if hand.ground_truth else ""
            lines.append(
                f"{hand.annotator}{role}: {created} created, {updated} updated, {unchanged} unchanged"
            )
        project = Project.load(Path(tmp))
        pulled = client.pull(project, documents, knowledge, url, first, annotations_dir=annotations_dir)
        lines.append(pulled.summary())
    return "\n".join(lines)


def throwaway_campaign(hands: list[HandAnnotation], seeds_dir: Path, annotations_dir: Path) -> str:
    """A local server whose admin is the lead; the other annotators sign up as people do."""
    lead = next((h for h in hands if h.ground_truth), hands[0])
    ordered = [lead, *(h for h in hands if h is not lead)]
    with (
        tempfile.TemporaryDirectory(prefix="label-studio-") as data_dir,
        local_server(Path(data_dir), username=lead.annotator) as server,
    ):
        keys = {lead.annotator: server.api_key}
        for hand in ordered[1:]:
            keys[hand.annotator] = sign_up(server, hand.annotator, secrets.token_urlsafe(16))
        return run_campaign(server.url, keys, ordered, seeds_dir, annotations_dir)


def replacing_import(annotations_dir: Path, run: Callable[[Path], str]) -> str:
    """Run an import into a copy of ``annotations_dir`` without the previous import, then swap it in."""
    with tempfile.TemporaryDirectory(dir=annotations_dir.parent, prefix=".annotations-") as tmp:
        staged = Path(tmp) / "annotations"
        shutil.copytree(annotations_dir, staged, ignore=shutil.ignore_patterns(*IMPORTED))
        out = run(staged)
        for name in IMPORTED:
            old, new = annotations_dir / name, staged / name
            if old.exists():
                os.replace(old, Path(tmp) / f"old-{name}")
            os.replace(new, old)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--annotations", type=Path, default=ROOT / "annotations")
    ap.add_argument(
        "--start-server", action="store_true", help="run the whole campaign on a throwaway server"
    )
    ap.add_argument("--replace", action="store_true", help="with --start-server: replace the previous import")
    ap.add_argument("--file", type=Path, help="with --url: the one annotator's file to submit")
    ap.add_argument("--url", default=os.environ.get("LABEL_STUDIO_URL", "http://127.0.0.1:8080"))
    ap.add_argument(
        "--api-key",
        default=None,
        help="avoid (visible in the process list and shell history): set $LABEL_STUDIO_API_KEY instead",
    )
    args = ap.parse_args(argv)
    try:
        documents = {d.id: d for d in pipeline.silver_documents(args.seeds, Knowledge.load(args.annotations))}
        if args.start_server:
            paths = sorted(args.annotations.glob(PATTERN))
            hands = [load_hand_annotation(p, documents) for p in paths]
            if not hands:
                raise InputError(f"{args.annotations}: no {PATTERN}")
            if args.replace:
                print(
                    replacing_import(args.annotations, lambda ann: throwaway_campaign(hands, args.seeds, ann))
                )
            else:
                print(throwaway_campaign(hands, args.seeds, args.annotations))
        else:
            api_key = args.api_key or os.environ.get("LABEL_STUDIO_API_KEY")
            if not api_key or not args.file:
                raise DatasetBuilderError(
                    "with --url, pass --file and an API key (--api-key or LABEL_STUDIO_API_KEY)"
                )
            hand = load_hand_annotation(args.file, documents)
            print(run_campaign(args.url, {hand.annotator: api_key}, [hand], args.seeds, args.annotations))
    except (DatasetBuilderError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
