"""``dataset-builder``: a thin argparse layer over the library functions.

Every command but ``init`` works on a dataset project (see :mod:`dataset_builder.project`): the
folder given with ``--project-dir``, else the nearest folder holding ``dataset.toml`` from the
working directory upwards. Paths not given default to the project's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dataset_builder.errors import DatasetBuilderError
from dataset_builder.project import BUMP_PARTS, Project, init_project

if TYPE_CHECKING:  # the knowledge imports the annotators: load them only when a command needs them
    from dataset_builder.knowledge import Knowledge


def _ratios(value: str) -> tuple[float, float, float]:
    parts = [float(p) for p in value.split(",")]
    if len(parts) != 3 or any(p < 0 for p in parts) or abs(sum(parts) - 1) > 1e-9:
        raise argparse.ArgumentTypeError("expected three non-negative ratios summing to 1, e.g. 0.8,0.1,0.1")
    return parts[0], parts[1], parts[2]


_PROJECT = argparse.ArgumentParser(add_help=False)
_PROJECT.add_argument(
    "-C",
    "--project-dir",
    type=Path,
    default=argparse.SUPPRESS,  # so that `version -C DIR bump` keeps DIR
    help="the dataset project folder (default: the nearest folder holding dataset.toml, from here upwards)",
)


def _add_corpus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--seeds", type=Path, default=None, help="folder of .txt articles (default: <project>/seeds)"
    )
    p.add_argument(
        "--annotations",
        type=Path,
        default=None,
        help="knowledge + gold folder (default: <project>/annotations)",
    )


def _add_server_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", default=os.environ.get("LABEL_STUDIO_URL", "http://127.0.0.1:8080"))
    p.add_argument(
        "--api-key", default=None, help="defaults to $LABEL_STUDIO_API_KEY (never written anywhere)"
    )
    p.add_argument(
        "--project", default="dataset_builder", help="Label Studio project title (found again by title)"
    )


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="dataset-builder", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create a new dataset project in a new or empty folder")
    init.add_argument("dir", type=Path)

    v = sub.add_parser("version", parents=[_PROJECT], help="show the dataset version, or bump it")
    v_sub = v.add_subparsers(dest="version_command")
    bump = v_sub.add_parser("bump", parents=[_PROJECT], help="raise the version in dataset.toml")
    bump.add_argument("part", choices=BUMP_PARTS)

    b = sub.add_parser("build", parents=[_PROJECT], help="build the Hub-ready dataset folder")
    _add_corpus_args(b)
    b.add_argument("--out", type=Path, default=None, help="output folder (default: <project>/dist)")
    b.add_argument("--split-ratios", type=_ratios, default=None, help="default: [splits] of dataset.toml")
    b.add_argument("--no-progress", action="store_true")
    b.add_argument("--workers", type=int, default=None, help="annotating processes (default: one per CPU)")

    ls = sub.add_parser("labelstudio", help="Label Studio campaigns").add_subparsers(
        dest="ls_command", required=True
    )
    c = ls.add_parser(
        "config", parents=[_PROJECT], help="print the labeling config generated from the schema"
    )
    c.add_argument("--annotations", type=Path, default=None, help="default: <project>/annotations")
    t = ls.add_parser("export-tasks", parents=[_PROJECT], help="write tasks with the builder's predictions")
    _add_corpus_args(t)
    t.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    i = ls.add_parser(
        "import", parents=[_PROJECT], help="import a Label Studio JSON export into annotations/"
    )
    i.add_argument("export", type=Path)
    _add_corpus_args(i)
    for name, help_ in (("push", "create/update the project and upload tasks"), ("pull", "pull annotations")):
        p = ls.add_parser(name, parents=[_PROJECT], help=help_)
        _add_corpus_args(p)
        _add_server_args(p)

    a = sub.add_parser("agreement", parents=[_PROJECT], help="inter-annotator agreement report")
    _add_corpus_args(a)
    a.add_argument("--json", action="store_true", help="machine-readable output")

    d = sub.add_parser("diff", parents=[_PROJECT], help="compare two built folders or two git revisions")
    d.add_argument("old")
    d.add_argument("new")

    pub = sub.add_parser("publish", parents=[_PROJECT], help="upload a built folder to the Hugging Face Hub")
    pub.add_argument("--dist", type=Path, default=None, help="default: <project>/dist")
    pub.add_argument("--repo-id", default=None, help="default: [hub] repo_id of dataset.toml")
    pub.add_argument("--tag", default=None, help="defaults to v<dataset version>")
    pub.add_argument("--dry-run", action="store_true")
    return ap


def _project(args: argparse.Namespace) -> Project:
    project_dir = getattr(args, "project_dir", None)
    return Project.load(project_dir) if project_dir else Project.find()


def run(args: argparse.Namespace) -> str:
    """Dispatch to the library; returns what to print (warnings go to stderr here)."""
    if args.command == "init":
        project = init_project(args.dir)
        return (
            f"created dataset project {project.settings.name} in {project.root}: put .txt articles in "
            f"{project.seeds_dir}, then run `dataset-builder build` there"
        )
    if args.command == "diff":
        from dataset_builder.release import diff_releases

        return diff_releases(args.old, args.new, getattr(args, "project_dir", None)).to_text()
    project = _project(args)
    if args.command == "version":
        if args.version_command == "bump":
            new = project.bump_version(args.part)
            return f"{project.settings.version} → {new} ({project.file})"
        return project.settings.version
    if args.command == "publish":
        from dataset_builder.release import publish

        repo_id = args.repo_id or project.settings.hub.repo_id
        if not repo_id:
            raise DatasetBuilderError(f"no --repo-id given and no [hub] repo_id in {project.file}")
        return publish(
            args.dist or project.dist_dir,
            repo_id,
            tag=args.tag,
            dry_run=args.dry_run,
            releases_dir=project.releases_dir,
        ).to_text()
    seeds = getattr(args, "seeds", None) or project.seeds_dir
    annotations = args.annotations or project.annotations_dir
    from dataset_builder.knowledge import Knowledge

    knowledge = Knowledge.load(annotations)
    if args.command == "build":
        from dataset_builder.build import build

        result = build(
            project,
            out_dir=args.out,
            seeds_dir=seeds,
            annotations_dir=annotations,
            knowledge=knowledge,
            split_ratios=args.split_ratios,
            progress=not args.no_progress,
            workers=args.workers or os.cpu_count() or 1,
        )
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        return result.summary()
    if args.command == "agreement":
        from dataset_builder.labelstudio.agreement import agreement_report

        report = agreement_report(seeds, annotations, knowledge)
        return report.to_json() if args.json else report.to_text()
    return _run_labelstudio(args, seeds, annotations, knowledge)


def _run_labelstudio(args: argparse.Namespace, seeds: Path, annotations: Path, knowledge: Knowledge) -> str:
    cmd = args.ls_command
    if cmd == "config":
        from dataset_builder.labelstudio.config import labeling_config

        return labeling_config(knowledge.taxonomy)
    if cmd == "export-tasks":
        from dataset_builder.labelstudio.tasks import write_tasks

        return write_tasks(seeds, annotations, knowledge, args.out)
    if cmd == "import":
        from dataset_builder.labelstudio.importer import import_export

        return import_export(args.export, seeds, annotations, knowledge).summary()
    from dataset_builder.labelstudio import client

    api_key = args.api_key or os.environ.get("LABEL_STUDIO_API_KEY")
    if not api_key:
        raise DatasetBuilderError("no API key: pass --api-key or set LABEL_STUDIO_API_KEY")
    action = client.push if cmd == "push" else client.pull
    return action(args.url, api_key, args.project, seeds, annotations, knowledge).summary()


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
