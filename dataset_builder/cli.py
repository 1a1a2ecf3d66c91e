"""``dataset-builder``: a thin argparse layer over the library functions.

Every command but ``init`` works on a dataset project (see :mod:`dataset_builder.project`): the
folder given with ``--project-dir``, else the nearest folder holding ``dataset.toml`` from the
working directory upwards. Paths not given default to the project's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from dataset_builder.errors import DatasetBuilderError
from dataset_builder.executors import EXECUTORS
from dataset_builder.output import Interrupted, os_error_line
from dataset_builder.project import CACHE_DIR, CACHE_ENV, Project, init_project
from dataset_builder.schema import split_ratios_ok
from dataset_builder.versions import BUMP_PARTS

if TYPE_CHECKING:  # types only: each command loads the knowledge when it needs it
    from dataset_builder.cache import SilverCache
    from dataset_builder.documents import Document
    from dataset_builder.knowledge import Knowledge

DESCRIPTION = """Build a versioned, annotated Hugging Face dataset (entities, dates, topics, events, Arabic–English
translation pairs) from a folder of Arabic and English news articles, run its annotation campaigns
in Label Studio, compare two versions and publish a release to the Hub."""
EPILOG = "Run `dataset-builder COMMAND --help` for a command's options."


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except for flags and options without one, or whose help says it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or isinstance(action.default, bool) or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """A parser whose command groups answer a missing or unknown command with the list of commands."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._has_commands = False

    def add_subparsers(self, **kwargs: object) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        self._has_commands = True
        kwargs.setdefault("metavar", "COMMAND")
        kwargs.setdefault("title", "commands")
        return super().add_subparsers(**kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        if self._has_commands:
            self.print_help(sys.stderr)
        else:
            self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


class _CheckFailed(Exception):
    """``--check`` found a problem: the report is printed, the problem goes to stderr, exit code 1."""

    def __init__(self, problem: str, report: str) -> None:
        super().__init__(problem)
        self.report = report


def _package_version() -> str:
    try:
        return version("dataset_builder")
    except PackageNotFoundError:  # run from a source tree that is not installed
        from dataset_builder import __version__

        return __version__


def _repo_id(value: str) -> str:
    from dataset_builder.release.publish import check_repo_id

    try:
        return check_repo_id(value)
    except DatasetBuilderError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


API_KEY_WARNING = (
    "warning: --api-key puts the key in the process list and the shell history; "
    "set LABEL_STUDIO_API_KEY instead"
)


def _ratios(value: str) -> tuple[float, float, float]:
    parts = [float(p) for p in value.split(",")]
    if not split_ratios_ok(parts):
        raise argparse.ArgumentTypeError("expected three non-negative ratios summing to 1, e.g. 0.8,0.1,0.1")
    return parts[0], parts[1], parts[2]


def _options() -> argparse.ArgumentParser:
    """A parent parser: options written once, shared by the commands that take them."""
    return argparse.ArgumentParser(add_help=False)


_PROJECT = _options()
_PROJECT.add_argument(
    "-C",
    "--project-dir",
    type=Path,
    default=argparse.SUPPRESS,  # so that `version -C DIR bump` keeps DIR
    help="the dataset project folder (default: the nearest folder holding dataset.toml, from here upwards)",
)
_SEEDS = _options()
_SEEDS.add_argument(
    "--seeds", type=Path, default=None, help="folder of .txt articles (default: <project>/seeds)"
)
_ANNOTATIONS = _options()
_ANNOTATIONS.add_argument(
    "--annotations",
    type=Path,
    default=None,
    help="knowledge + gold folder (default: <project>/annotations)",
)
_CACHE = _options()
_CACHE.add_argument(
    "--no-cache",
    action="store_true",
    help="annotate every seed file again, without reading or writing the silver cache "
    f"(${CACHE_ENV}, else <project>/.cache: each seed file's silver annotations, kept until "
    "the file, the knowledge or the code changes)",
)
_CORPUS = argparse.ArgumentParser(add_help=False, parents=[_PROJECT, _SEEDS, _ANNOTATIONS, _CACHE])
"""The options of a command that reads the corpus: the project, its seeds, annotations and cache."""
_SERVER = _options()
_SERVER.add_argument(
    "--url",
    default=None,
    help="Label Studio server (default: url under [labelstudio] in dataset.toml, recorded by the first "
    "push; else $LABEL_STUDIO_URL; else http://127.0.0.1:8080)",
)
_SERVER.add_argument(
    "--api-key",
    default=None,
    help="avoid: a key on the command line is visible in the process list and the shell history; "
    "set $LABEL_STUDIO_API_KEY instead (the default; never written anywhere)",
)
_SERVER.add_argument(
    "--project-id",
    type=int,
    default=None,
    help="bind this dataset project to that Label Studio project (default: project_id under "
    "[labelstudio] in dataset.toml, recorded by the first push, which creates the project)",
)


def parser() -> argparse.ArgumentParser:
    """The command line: each command's parser names the function that runs it (``func``)."""
    ap = _Parser(prog="dataset-builder", description=DESCRIPTION, epilog=EPILOG)
    ap.add_argument("--version", action="version", version=f"%(prog)s {_package_version()}")
    sub = ap.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create a new dataset project in a new or empty folder")
    init.add_argument("dir", type=Path, metavar="DIR", help="folder of the new project (created if missing)")
    init.set_defaults(func=_init)

    v = sub.add_parser("version", parents=[_PROJECT], help="show the dataset version, or bump it")
    v.set_defaults(func=_version)
    v_sub = v.add_subparsers(dest="version_command")
    bump = v_sub.add_parser("bump", parents=[_PROJECT], help="raise the version in dataset.toml")
    bump.add_argument(
        "part",
        choices=BUMP_PARTS,
        help="major: schema change; minor: documents or annotations added or removed; patch: corrections",
    )
    bump.set_defaults(func=_bump)

    b = sub.add_parser("build", parents=[_CORPUS], help="build the Hub-ready dataset folder")
    b.add_argument("--out", type=Path, default=None, help="dataset folder to write (default: <project>/dist)")
    b.add_argument(
        "--split-ratios",
        type=_ratios,
        default=None,
        metavar="TRAIN,VALIDATION,TEST",
        help="shares of new events per split, summing to 1 (default: [splits] of dataset.toml)",
    )
    b.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bars (drawn on stderr, only when it is a terminal)",
    )
    b.add_argument(
        "--workers",
        type=int,
        default=None,
        help="annotating processes, or a local Ray cluster's CPUs (default: one per CPU)",
    )
    b.add_argument("--executor", choices=EXECUTORS, default="local", help="where seeds are annotated")
    b.add_argument(
        "--ray-address",
        default=None,
        help="Ray cluster to join (default: $RAY_ADDRESS, else a local one is started)",
    )
    b.add_argument(
        "--ner-model",
        type=Path,
        default=None,
        help="a local Hugging Face token-classification model folder whose entities join the silver ones",
    )
    b.set_defaults(func=_build)

    ls = sub.add_parser(
        "labelstudio",
        help="Label Studio campaigns",
        description="Annotation campaigns in Label Studio: the labeling config, tasks, live push and "
        "pull, and importing an export into annotations/.",
    ).add_subparsers(dest="ls_command", required=True)
    c = ls.add_parser(
        "config", parents=[_PROJECT, _ANNOTATIONS], help="print the labeling config generated from the schema"
    )
    c.set_defaults(func=_labeling_config)
    t = ls.add_parser("export-tasks", parents=[_CORPUS], help="write tasks with the builder's predictions")
    t.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    t.set_defaults(func=_export_tasks)
    i = ls.add_parser("import", parents=[_CORPUS], help="import a Label Studio JSON export into annotations/")
    i.add_argument("export", type=Path, help="Label Studio JSON export (with annotator emails)")
    i.set_defaults(func=_import)
    push = ls.add_parser(
        "push",
        parents=[_CORPUS, _SERVER],
        help="create/update this dataset's Label Studio project: campaign settings, new and edited tasks",
    )
    push.add_argument(
        "--select",
        type=int,
        default=None,
        metavar="N",
        help="upload only the N documents `labelstudio next` ranks first (default: every new document)",
    )
    push.set_defaults(func=_push)
    pull = ls.add_parser(
        "pull",
        parents=[_CORPUS, _SERVER],
        help="pull annotations into annotations/ (and the reviewer's decisions, once there is a review project)",
    )
    pull.set_defaults(func=_pull)
    rev = ls.add_parser(
        "review",
        parents=[_CORPUS, _SERVER],
        help="send disputed documents (annotators disagree) to a reviewer in the review project",
    )
    rev.set_defaults(func=_review)
    st = ls.add_parser(
        "status",
        parents=[_CORPUS, _SERVER],
        help="campaign progress: per annotator done / skipped / in progress, tasks by annotations, disputed",
    )
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.set_defaults(func=_status)
    nx = ls.add_parser(
        "next",
        parents=[_CORPUS],
        help="which documents to annotate next, and why (test and validation first, then the least sure)",
    )
    nx.add_argument("-n", "--size", type=int, default=20, help="documents in the batch")
    nx.add_argument(
        "--ner-model",
        type=Path,
        default=None,
        help="a local token-classification model folder: documents where it and the rules disagree rank higher",
    )
    nx.set_defaults(func=_next)
    sv = ls.add_parser(
        "serve",
        help="run a Label Studio server on 127.0.0.1 (installed into its own venv the first time)",
        description="Run Label Studio 1.23.2 on 127.0.0.1 for a campaign, from its own venv (created and "
        "installed from PyPI the first time) with its state in one folder; prints the URL and how to get "
        "the API key.",
    )
    sv.add_argument(
        "--venv",
        type=Path,
        default=None,
        help="Label Studio's venv (default: $XDG_DATA_HOME/dataset-builder/label-studio/venv, i.e. "
        "~/.local/share/dataset-builder/label-studio/venv)",
    )
    sv.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the server's state: database, uploads, exports (default: "
        "~/.local/share/dataset-builder/label-studio/data)",
    )
    sv.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1")
    sv.set_defaults(func=_serve)

    a = sub.add_parser("agreement", parents=[_CORPUS], help="inter-annotator agreement report")
    a.add_argument("--json", action="store_true", help="machine-readable output")
    a.set_defaults(func=_agreement)

    compared = _options()  # diff's own arguments come before --no-cache in its help
    compared.add_argument("old", metavar="OLD", help="built folder or git revision of the previous version")
    compared.add_argument("new", metavar="NEW", help="built folder or git revision of the new version")
    compared.add_argument(
        "--json", action="store_true", help="machine-readable output (keys listed in the README)"
    )
    compared.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when NEW's version is not bumped enough, or goes backwards",
    )
    d = sub.add_parser(
        "diff",
        parents=[_PROJECT, compared, _CACHE],
        help="compare two built folders or two git revisions",
        description="What changed between two versions, the version bump it requires and a CHANGELOG "
        "entry. OLD and NEW are each a built folder (a path that exists) or a git revision of the "
        "project's repository (built with the current code).",
    )
    d.set_defaults(func=_diff)

    rep = sub.add_parser(
        "report",
        parents=[_PROJECT],
        help="write the HTML report of a built folder",
        description="A self-contained HTML page to look at a built dataset: overview charts, every "
        "document with its entities, silver against gold. Inside a project the silver spans and the "
        "annotators' agreement come from its seeds and annotations; a downloaded release is shown alone.",
    )
    rep.add_argument(
        "dist",
        type=Path,
        nargs="?",
        default=None,
        metavar="DIST",
        help="built folder (default: <project>/dist)",
    )
    rep.add_argument("--out", type=Path, default=None, help="file to write (default: DIST/report.html)")
    rep.add_argument("--seeds", type=Path, default=None, help="seeds folder (default: <project>/seeds)")
    rep.add_argument(
        "--annotations", type=Path, default=None, help="annotations folder (default: <project>/annotations)"
    )
    rep.add_argument(
        "--max-documents", type=int, default=None, help="documents shown in full (default: 1000)"
    )
    rep.set_defaults(func=_report)

    sp = sub.add_parser(
        "splits",
        help="the split ledger (annotations/splits.json)",
        description="Join two split ledgers, e.g. after a git merge (usable as a git merge driver).",
    ).add_subparsers(dest="splits_command", required=True)
    sm = sp.add_parser(
        "merge", help="join two ledgers into OURS; refuses, naming them, documents recorded twice"
    )
    sm.add_argument("ours", type=Path, metavar="OURS", help="our ledger (the merged one is written here)")
    sm.add_argument("theirs", type=Path, metavar="THEIRS", help="their ledger")
    sm.add_argument("--out", type=Path, default=None, help="write the merged ledger here instead of OURS")
    sm.set_defaults(func=_splits_merge)

    pub = sub.add_parser("publish", parents=[_PROJECT], help="upload a built folder to the Hugging Face Hub")
    pub.add_argument(
        "--dist", type=Path, default=None, help="built folder to upload (default: <project>/dist)"
    )
    pub.add_argument(
        "--repo-id",
        default=None,
        type=_repo_id,
        metavar="ORG/NAME",
        help="Hub dataset repository (default: [hub] repo_id of dataset.toml)",
    )
    pub.add_argument("--tag", default=None, help="tag of the release (default: v<dataset version>)")
    pub.add_argument("--dry-run", action="store_true", help="list the files, commit and tag; upload nothing")
    pub.set_defaults(func=_publish)
    return ap


def _project(args: argparse.Namespace) -> Project:
    project_dir = getattr(args, "project_dir", None)
    return Project.load(project_dir) if project_dir else Project.find()


def run(args: argparse.Namespace) -> str:
    """Run the command the arguments name; returns what to print (warnings go to stderr there)."""
    return args.func(args)


# --- commands without a corpus ------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> str:
    project = init_project(args.dir)
    return (
        f"created dataset project {project.settings.name} in {project.root}: put .txt articles in "
        f"{project.seeds_dir}, then run `dataset-builder build` there"
    )


def _serve(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio.serve import serve

    code = serve(args.venv, args.data_dir, args.port)
    if code:
        raise DatasetBuilderError(f"Label Studio stopped with exit code {code}")
    return ""


def _diff(args: argparse.Namespace) -> str:
    from dataset_builder.revisions import diff_releases

    diff = diff_releases(args.old, args.new, getattr(args, "project_dir", None), cache=not args.no_cache)
    report = diff.to_json() if args.json else diff.to_text()
    problem = diff.version_problem()
    if args.check and problem:
        raise _CheckFailed(problem, report)
    return report


def _splits_merge(args: argparse.Namespace) -> str:
    from dataset_builder.splits import merge_files

    return merge_files(args.ours, args.theirs, args.out)


def _version(args: argparse.Namespace) -> str:
    return _project(args).settings.version


def _bump(args: argparse.Namespace) -> str:
    project = _project(args)
    new = project.bump_version(args.part)
    return f"{project.settings.version} → {new} ({project.file})"


def _publish(args: argparse.Namespace) -> str:
    from dataset_builder.release.publish import publish
    from dataset_builder.splits import LEDGER_NAME, SplitLedger

    project = _project(args)
    repo_id = args.repo_id or project.settings.hub.repo_id
    if not repo_id:
        raise DatasetBuilderError(f"no --repo-id given and no [hub] repo_id in {project.file}")
    return publish(
        args.dist or project.dist_dir,
        repo_id,
        tag=args.tag,
        dry_run=args.dry_run,
        releases_dir=project.releases_dir,
        ledger=SplitLedger.read(project.annotations_dir / LEDGER_NAME),
    ).to_text()


def _report(args: argparse.Namespace) -> str:
    """The report of a project's build, or of a folder alone (a release downloaded outside a project)."""
    from dataset_builder import report
    from dataset_builder.knowledge import Knowledge
    from dataset_builder.pipeline import silver_of_gold
    from dataset_builder.report.collect import read_gold

    try:
        project: Project | None = _project(args)
    except DatasetBuilderError:
        if args.dist is None:
            raise
        project = None
    dist = args.dist or project.dist_dir  # type: ignore[union-attr]
    seeds = args.seeds or (project.seeds_dir if project else None)
    annotations = args.annotations or (project.annotations_dir if project else None)
    knowledge = Knowledge.load(annotations) if annotations is not None else None
    silver = None
    if seeds is not None and knowledge is not None:  # the silver the build gave its card and report
        silver = silver_of_gold(read_gold(dist), seeds, knowledge)
    return report.refresh_report(
        dist,
        silver,
        out=args.out,
        annotations_dir=annotations,
        knowledge=knowledge,
        max_documents=report.DEFAULT_MAX_DOCUMENTS if args.max_documents is None else args.max_documents,
    ).summary()


# --- commands on the corpus ---------------------------------------------------------------------------


@dataclass
class _Corpus:
    """What a command on the corpus works with: the project, its folders, the knowledge loaded once,
    and the silver cache (None with ``--no-cache``)."""

    project: Project
    seeds: Path
    annotations: Path
    knowledge: Knowledge
    cache: SilverCache | None = None

    def silver_documents(self) -> list[Document]:
        """The corpus' silver documents, computed once here and handed to the command's library call."""
        from dataset_builder import pipeline

        return list(pipeline.silver_documents(self.seeds, self.knowledge, cache=self.cache))


@contextlib.contextmanager
def _corpus(args: argparse.Namespace, *, writes_out: bool = False) -> Iterator[_Corpus]:
    """The command's corpus, with the project's silver cache open unless ``--no-cache`` (the knowledge's
    registry names kept in its folder too); with ``writes_out``, a refused ``--out`` is refused before
    either makes ``.cache/``."""
    from dataset_builder.knowledge import Knowledge

    project = _project(args)
    annotations = args.annotations or project.annotations_dir
    seeds = args.seeds or project.seeds_dir
    if writes_out:
        from dataset_builder.output import check_out_dir

        check_out_dir(
            args.out or project.dist_dir, {"seeds folder": seeds, "annotations folder": annotations}
        )
    knowledge = Knowledge.load(annotations, None if args.no_cache else project.cache_dir)
    corpus = _Corpus(project, seeds, annotations, knowledge)
    if args.no_cache:
        yield corpus
        return
    from dataset_builder.cache import SilverCache

    with SilverCache.open(project.cache_dir, knowledge, getattr(args, "ner_model", None)) as cache:
        corpus.cache = cache
        yield corpus


def _build(args: argparse.Namespace) -> str:
    from dataset_builder.build import build
    from dataset_builder.executors import make_executor

    with _corpus(args, writes_out=True) as corpus:
        result = build(
            corpus.project,
            out_dir=args.out,
            seeds_dir=corpus.seeds,
            annotations_dir=corpus.annotations,
            knowledge=corpus.knowledge,
            split_ratios=args.split_ratios,
            progress=not args.no_progress and sys.stderr.isatty(),  # bars would fill a log
            executor=make_executor(args.executor, args.workers, args.ray_address),
            ner_model=args.ner_model,
            cache=corpus.cache,
        )
        if corpus.cache is not None:
            corpus.cache.prune()  # the cache keeps this build's files only
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return result.summary()


def _agreement(args: argparse.Namespace) -> str:
    from dataset_builder.agreement import agreement_report

    with _corpus(args) as corpus:
        report = agreement_report(corpus.silver_documents(), corpus.annotations, corpus.knowledge)
    return report.to_json() if args.json else report.to_text()


def _labeling_config(args: argparse.Namespace) -> str:
    from dataset_builder.knowledge import Knowledge
    from dataset_builder.labelstudio.config import labeling_config

    return labeling_config(Knowledge.load(args.annotations or _project(args).annotations_dir).taxonomy)


def _export_tasks(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio.tasks import write_tasks

    with _corpus(args) as corpus:
        documents = corpus.silver_documents()
        return write_tasks(documents, corpus.knowledge, args.out, corpus.project.settings.name)


def _import(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio.importer import import_export

    with _corpus(args) as corpus:
        documents = corpus.silver_documents()
        return import_export(args.export, documents, corpus.annotations, corpus.knowledge).summary()


def _next(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio import campaign

    with _corpus(args) as corpus:
        documents = corpus.silver_documents()
        model = None
        if args.ner_model is not None:
            from dataset_builder.annotators.ner_model import load_tagger, model_spans

            tagger = load_tagger(args.ner_model)
            labels = corpus.knowledge.entities.model_labels
            model = {d.id: model_spans(d.text, tagger, labels) for d in documents}
        batch = campaign.next_batch(
            corpus.project, documents, corpus.annotations, corpus.knowledge, args.size, model
        )
    return campaign.batch_text(batch)


# --- commands on a Label Studio server ----------------------------------------------------------------


def _server(args: argparse.Namespace, project: Project) -> tuple[str, str]:
    """The server's URL and the API key (warning when it came on the command line)."""
    from dataset_builder.labelstudio import client

    if args.api_key:
        print(API_KEY_WARNING, file=sys.stderr)
    api_key = args.api_key or os.environ.get("LABEL_STUDIO_API_KEY")
    if not api_key:
        raise DatasetBuilderError("no API key: set LABEL_STUDIO_API_KEY (export LABEL_STUDIO_API_KEY=…)")
    source = "the --api-key value" if args.api_key else "$LABEL_STUDIO_API_KEY"
    return client.server_url(project, args.url), client.clean_api_key(api_key, source)


def _status(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio import campaign

    with _corpus(args) as corpus:
        url, api_key = _server(args, corpus.project)
        state = campaign.status(
            corpus.project,
            corpus.silver_documents(),
            corpus.knowledge,
            url,
            api_key,
            annotations_dir=corpus.annotations,
            project_id=args.project_id,
        )
    return state.to_json() if args.json else state.to_text()


def _review(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio import review

    with _corpus(args) as corpus:
        url, api_key = _server(args, corpus.project)
        return review.push_review(
            url,
            api_key,
            corpus.project,
            corpus.silver_documents(),
            corpus.annotations,
            corpus.knowledge.taxonomy,
        ).summary()


def _pull(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio import client

    with _corpus(args) as corpus:
        project, annotations, knowledge = corpus.project, corpus.annotations, corpus.knowledge
        url, api_key = _server(args, project)
        documents = corpus.silver_documents()
        report = client.pull(
            project,
            documents,
            knowledge,
            url,
            api_key,
            annotations_dir=annotations,
            project_id=args.project_id,
        )
        review_id = project.settings.labelstudio.review_project_id
        if review_id is None:
            return report.summary()
        from dataset_builder.labelstudio import importer, review

        decided = review.pull_review(
            url,
            api_key,
            review_id,
            documents,
            annotations,
            knowledge.topic_ids,
            client.pseudonyms(project, annotations),
            project.settings.name,
        )
        decided = importer.learn_from_gold(decided, annotations, knowledge)
    return f"{report.summary()}\nreview project {review_id}: {decided.summary()}"


def _push(args: argparse.Namespace) -> str:
    from dataset_builder.labelstudio import client

    with _corpus(args) as corpus:
        project, annotations, knowledge = corpus.project, corpus.annotations, corpus.knowledge
        url, api_key = _server(args, project)
        documents = corpus.silver_documents()
        select = None
        if args.select is not None:
            from dataset_builder.labelstudio import campaign

            batch = campaign.next_batch(project, documents, annotations, knowledge, args.select)
            select = {c.document_id for c in batch}
        report = client.push(
            project,
            documents,
            knowledge,
            url,
            api_key,
            annotations_dir=annotations,
            project_id=args.project_id,
            select=select,
        )
    return report.summary()


_WRITERS = {
    "build",
    "publish",
    "labelstudio import",
    "labelstudio pull",
    "labelstudio push",
    "labelstudio review",
    "version bump",
}
"""Commands that write into the project (ledger, cache, annotations/, dataset.toml, releases/)."""


def _project_lock(args: argparse.Namespace) -> contextlib.AbstractContextManager[None]:
    """The project's lock (see :mod:`dataset_builder.lock`) for a command that writes into it."""
    sub = getattr(args, "ls_command", None) or getattr(args, "version_command", None)
    command = " ".join(filter(None, [args.command, sub]))
    if command not in _WRITERS:
        return contextlib.nullcontext()
    from dataset_builder.lock import cache_lock, project_lock

    project = _project(args)
    own = project.cache_dir.resolve() == (project.root / CACHE_DIR).resolve()
    shared = not own and not getattr(args, "no_cache", False)

    @contextlib.contextmanager
    def locked() -> Iterator[None]:
        with project_lock(project.root, command):
            if not shared:
                yield
                return
            with cache_lock(project.cache_dir, command):  # a cache folder other projects may share
                yield

    return locked()


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 done, 1 a ``--check`` failed, 2 bad input or usage, 130 interrupted."""
    try:
        args = parser().parse_args(argv)
        try:
            with _project_lock(args):
                out = run(args)
        except _CheckFailed as exc:
            print(exc.report)
            print(f"check failed: {exc}", file=sys.stderr)
            return 1
        except DatasetBuilderError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            raise  # handled below: not a filesystem error to report
        except OSError as exc:  # permissions, disk full: one line naming the path
            print(f"error: {os_error_line(exc)}", file=sys.stderr)
            return 2
        except Interrupted as exc:  # SIGTERM/SIGINT during a build: outputs were cleaned up on the way out
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
        if out:
            print(out)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`) after the command's work was done: as the Python docs
        # advise, point stdout at devnull so the interpreter's final flush does not fail again, and
        # exit 0 quietly (as `cat` | head does), so scripts under `set -o pipefail` go on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
