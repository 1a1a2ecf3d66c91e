"""Publishing a built folder to the Hugging Face Hub: one commit and a tag, checked against the
manifest and the project's split ledger first."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pyarrow as pa
import pyarrow.parquet as pq
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
from huggingface_hub.errors import HFValidationError, RepositoryNotFoundError
from huggingface_hub.utils import validate_repo_id

from dataset_builder import schema
from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.output import MANIFEST_NAME, sha256_file
from dataset_builder.project import PROJECT_FILE, PROMPTED_KEYS, template_prompts
from dataset_builder.release.manifest import (
    manifest_files,
    read_manifest,
    record_release,
)
from dataset_builder.splits import LEDGER_NAME, SplitLedger


@dataclass(frozen=True)
class PlannedFile:
    path: str
    size: int
    sha256: str


@dataclass
class PublishPlan:
    """What ``publish`` sends (or would send): one commit with these files, then a tag."""

    repo_id: str
    tag: str
    commit_message: str
    files: list[PlannedFile]
    deletions: list[str] = field(default_factory=list)
    dry_run: bool = True
    status: str = "planned"

    def operations(self, dist: Path) -> list[CommitOperationAdd | CommitOperationDelete]:
        """The commit operations the real call sends (built locally, no network)."""
        return [
            CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(Path(dist) / f.path))
            for f in self.files
        ] + [CommitOperationDelete(path_in_repo=p) for p in self.deletions]

    def to_text(self) -> str:
        head = "dry run: would publish" if self.dry_run else self.status
        lines = [
            f"{head} to datasets/{self.repo_id}",
            f"commit message: {self.commit_message}",
            f"tag: {self.tag}",
        ]
        lines += [f"  add {f.path}  {f.size} B  sha256 {f.sha256}" for f in self.files]
        lines += [f"  delete {p}" for p in self.deletions]
        return "\n".join(lines)


def check_repo_id(repo_id: str) -> str:
    """``repo_id`` if the Hub would accept it (huggingface_hub's own rules), else an :class:`InputError`."""
    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        raise InputError(
            f"“{repo_id}” is not a Hub repository id; expected ORG/NAME (or NAME): letters, digits, '-', '_' "
            "and '.', at most 96 characters, no '--' or '..', not starting or ending with '-' or '.'"
        ) from exc
    return repo_id


def _document_splits(folder: Path) -> dict[str, str]:
    """Each document's split (named by its parquet file), reading only the ids."""
    return {
        doc_id: schema.split_of_file(path)
        for path in sorted(folder.glob(schema.data_glob("documents")))
        for doc_id in pq.read_table(path, columns=[schema.ID]).column(schema.ID).to_pylist()
    }


def split_moves_against(dist: Path, ledger: SplitLedger) -> list[str]:
    """Documents of ``dist`` whose split is not the one the project's split ledger recorded."""
    built = sorted(_document_splits(dist).items())
    recorded = ledger.lookup(pa.array([doc_id for doc_id, _ in built], pa.string())).column("split")
    problems = []
    for (doc_id, split), first in zip(built, recorded.to_pylist(), strict=True):
        if first is None:
            problems.append(f"{doc_id} ({split}) is not in the split ledger")
        elif first != split:
            problems.append(f"{doc_id} is in {split}, but was first built in {first}")
    return problems


def prompts_in(dist: Path) -> dict[str, list[str]]:
    """The init template's prompts a built folder still says (its card, license file and Croissant):
    file → the keys of ``dataset.toml`` they came from."""
    found: dict[str, list[str]] = {}
    for path in sorted([*dist.glob("*.md"), *dist.glob("*.json")]):
        text = path.read_text(encoding="utf-8")
        keys = [
            key
            for key, prompts in template_prompts().items()
            if any(p in text or json.dumps(p, ensure_ascii=False)[1:-1] in text for p in prompts)
        ]
        if keys:
            found[path.name] = keys
    return found


def plan_publish(
    dist: Path, repo_id: str, tag: str | None = None, ledger: SplitLedger | None = None
) -> PublishPlan:
    """Check ``dist`` against its manifest (and the project's split ledger) and list what the commit
    would contain. A released document never changes split: a build that moved one is refused, and so
    is a build whose card or Croissant still says a prompt of the init template."""
    check_repo_id(repo_id)  # before any work
    dist = Path(dist)
    recorded = read_manifest(dist)
    moved = split_moves_against(dist, ledger) if ledger is not None else []
    if moved:
        shown = "\n  ".join(moved[:20]) + (f"\n  … and {len(moved) - 20} more" if len(moved) > 20 else "")
        raise InputError(
            f"{dist}: not published, documents would leak across splits (the split ledger is "
            f"annotations/{LEDGER_NAME}; rebuild with it):\n  {shown}"
        )
    current = manifest_files(dist)
    if current != recorded["files"]:
        changed = sorted(
            p for p in current.keys() | recorded["files"].keys() if current.get(p) != recorded["files"].get(p)
        )
        raise InputError(
            f"{dist / MANIFEST_NAME}: files differ from the manifest ({', '.join(changed)}); rebuild"
        )
    prompts = prompts_in(dist)
    if prompts:
        keys = [key for key in PROMPTED_KEYS if any(key in found for found in prompts.values())]
        raise InputError(
            f"{dist}: not published, {', '.join(prompts)} still say the init template's prompts for "
            f"{', '.join(keys)} of {PROJECT_FILE}: replace them with what is true of this dataset, then rebuild"
        )
    files = [PlannedFile(p, f["size"], f["sha256"]) for p, f in sorted(recorded["files"].items())]
    manifest_path = dist / MANIFEST_NAME
    files.append(PlannedFile(MANIFEST_NAME, manifest_path.stat().st_size, sha256_file(manifest_path)))
    version = recorded["version"]
    return PublishPlan(
        repo_id,
        tag or f"v{version}",
        f"Release {recorded['name']} {version}",
        sorted(files, key=lambda f: f.path),
    )


def publish(
    dist: Path,
    repo_id: str,
    *,
    tag: str | None,
    dry_run: bool,
    api: HfApi | None = None,
    releases_dir: Path | None = None,
    ledger: SplitLedger | None = None,
) -> PublishPlan:
    """Upload ``dist`` as one commit and tag it; refuses if the tag exists with different content, or
    if a document is not in the split the ``ledger`` recorded for it.

    Once the Hub holds the version, it is recorded in ``releases_dir`` (see :func:`record_release`).
    """
    plan = plan_publish(dist, repo_id, tag, ledger)
    plan.dry_run = dry_run
    if dry_run:
        return plan
    try:
        _send(api or HfApi(), plan, Path(dist))
    except (httpx2.HTTPError, OSError) as exc:  # the Hub's HTTP errors, unreachable network, offline mode
        raise DatasetBuilderError(f"publishing to datasets/{repo_id} failed: {exc}") from exc
    if releases_dir is not None:
        record_release(releases_dir, read_manifest(Path(dist)), repo_id, plan.tag)
    return plan


def _send(api: HfApi, plan: PublishPlan, dist: Path) -> None:
    try:
        refs = api.list_repo_refs(plan.repo_id, repo_type="dataset")
        remote_files = api.list_repo_files(plan.repo_id, repo_type="dataset")
    except RepositoryNotFoundError:
        refs, remote_files = None, []
    if refs is not None and plan.tag in {t.name for t in refs.tags}:
        remote = api.hf_hub_download(plan.repo_id, MANIFEST_NAME, repo_type="dataset", revision=plan.tag)
        if json.loads(Path(remote).read_text("utf-8")).get("files") != read_manifest(dist)["files"]:
            raise DatasetBuilderError(
                f"datasets/{plan.repo_id} already has tag {plan.tag} with different content; bump the version"
            )
        plan.status = "already published"
        return
    plan.deletions = sorted(set(remote_files) - {f.path for f in plan.files} - {".gitattributes"})
    api.create_repo(plan.repo_id, repo_type="dataset", exist_ok=True)
    commit = api.create_commit(
        plan.repo_id,
        operations=plan.operations(dist),
        commit_message=plan.commit_message,
        repo_type="dataset",
    )
    api.create_tag(
        plan.repo_id, tag=plan.tag, revision=commit.oid, repo_type="dataset", tag_message=plan.commit_message
    )
    plan.status = "published"
