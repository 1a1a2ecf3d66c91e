"""``dataset-builder``: a thin argparse layer over the library functions."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dataset_builder.errors import DatasetBuilderError
from dataset_builder.schema import DEFAULT_ANNOTATIONS_DIR, DEFAULT_SPLIT_RATIOS


def _ratios(value: str) -> tuple[float, float, float]:
    parts = [float(p) for p in value.split(",")]
    if len(parts) != 3 or any(p < 0 for p in parts) or abs(sum(parts) - 1) > 1e-9:
        raise argparse.ArgumentTypeError("expected three non-negative ratios summing to 1, e.g. 0.8,0.1,0.1")
    return parts[0], parts[1], parts[2]


def _add_corpus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of .txt articles")
    p.add_argument(
        "--annotations", type=Path, default=DEFAULT_ANNOTATIONS_DIR, help="knowledge + gold folder"
    )


def _add_server_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", default=os.environ.get("LABEL_STUDIO_URL", "http://127.0.0.1:8080"))
    p.add_argument(
        "--api-key", default=None, help="defaults to $LABEL_STUDIO_API_KEY (never written anywhere)"
    )
    p.add_argument("--project", default="dataset_builder", help="project title (found again by title)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dataset-builder", description=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the Hub-ready dataset folder")
    _add_corpus_args(b)
    b.add_argument("--out", type=Path, default=Path("dist"))
    b.add_argument("--split-ratios", type=_ratios, default=DEFAULT_SPLIT_RATIOS)
    b.add_argument("--no-progress", action="store_true")
    b.add_argument("--workers", type=int, default=None, help="annotating processes (default: one per CPU)")
    b.add_argument(
        "--ner-model",
        type=Path,
        default=None,
        help="a local Hugging Face token-classification model folder whose entities join the silver ones",
    )

    ls = sub.add_parser("labelstudio", help="Label Studio campaigns").add_subparsers(
        dest="ls_command", required=True
    )
    c = ls.add_parser("config", help="print the labeling config generated from the schema")
    c.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS_DIR)
    t = ls.add_parser("export-tasks", help="write tasks with the builder's predictions")
    _add_corpus_args(t)
    t.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    i = ls.add_parser("import", help="import a Label Studio JSON export into annotations/")
    i.add_argument("export", type=Path)
    _add_corpus_args(i)
    for name, help_ in (("push", "create/update the project and upload tasks"), ("pull", "pull annotations")):
        p = ls.add_parser(name, help=help_)
        _add_corpus_args(p)
        _add_server_args(p)

    a = sub.add_parser("agreement", help="inter-annotator agreement report")
    _add_corpus_args(a)
    a.add_argument("--json", action="store_true", help="machine-readable output")

    d = sub.add_parser("diff", help="compare two built folders or two git revisions")
    d.add_argument("old")
    d.add_argument("new")

    pub = sub.add_parser("publish", help="upload a built folder to the Hugging Face Hub")
    pub.add_argument("--dist", type=Path, default=Path("dist"))
    pub.add_argument("--repo-id", required=True)
    pub.add_argument("--tag", default=None, help="defaults to v<dataset version>")
    pub.add_argument("--dry-run", action="store_true")
    return ap


def run(args: argparse.Namespace) -> str:
    """Dispatch to the library; returns what to print."""
    if args.command == "build":
        from dataset_builder.build import build

        return build(
            args.seeds,
            args.annotations,
            args.out,
            split_ratios=args.split_ratios,
            progress=not args.no_progress,
            workers=args.workers or os.cpu_count() or 1,
            ner_model=args.ner_model,
        ).summary()
    if args.command == "agreement":
        from dataset_builder.labelstudio.agreement import agreement_report

        report = agreement_report(args.seeds, args.annotations)
        return report.to_json() if args.json else report.to_text()
    if args.command == "diff":
        from dataset_builder.release import diff_releases

        return diff_releases(args.old, args.new).to_text()
    if args.command == "publish":
        from dataset_builder.release import publish

        return publish(args.dist, args.repo_id, tag=args.tag, dry_run=args.dry_run).to_text()
    return _run_labelstudio(args)


def _run_labelstudio(args: argparse.Namespace) -> str:
    cmd = args.ls_command
    if cmd == "config":
        from dataset_builder.labelstudio.config import labeling_config

        return labeling_config(args.annotations)
    if cmd == "export-tasks":
        from dataset_builder.labelstudio.tasks import write_tasks

        return write_tasks(args.seeds, args.annotations, args.out)
    if cmd == "import":
        from dataset_builder.labelstudio.importer import import_export

        return import_export(args.export, args.seeds, args.annotations).summary()
    from dataset_builder.labelstudio import client

    api_key = args.api_key or os.environ.get("LABEL_STUDIO_API_KEY")
    if not api_key:
        raise DatasetBuilderError("no API key: pass --api-key or set LABEL_STUDIO_API_KEY")
    action = client.push if cmd == "push" else client.pull
    return action(args.url, api_key, args.project, args.seeds, args.annotations).summary()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        out = run(args)
    except DatasetBuilderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if out:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
