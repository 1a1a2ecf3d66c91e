"""A dataset project is a folder: ``dataset.toml``, ``seeds/``, ``annotations/``, ``DATASET_CARD.md``.

Every command works on one project: the folder given with ``--project-dir``, or the nearest folder
holding ``dataset.toml`` from the working directory upwards (as git finds its repository). All
paths (seeds, annotations, card template, output, release records) are relative to that folder;
nothing points into the installed package, so a wheel install builds any project the same way.
``dataset.toml`` holds what the dataset is (name, version, license, citation, what its card says of
the data, Hub repo, split ratios); it is validated with pydantic and every error names the file and
the key.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import string
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated

import tomlkit
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dataset_builder import versions
from dataset_builder.errors import InputError
from dataset_builder.output import write_atomic
from dataset_builder.schema import DEFAULT_SPLIT_RATIOS, split_ratios_ok

PROJECT_FILE = "dataset.toml"
SEEDS_DIR = "seeds"
ANNOTATIONS_DIR = "annotations"
CARD_TEMPLATE = "DATASET_CARD.md"
DIST_DIR = "dist"
RELEASES_DIR = "releases"
CACHE_DIR = ".cache"
CACHE_ENV = "DATASET_BUILDER_CACHE"
"""A folder for the silver cache instead of the project's ``.cache`` (as ``HF_DATASETS_CACHE`` does)."""
DEFAULTS = "defaults"
"""Package data (``dataset_builder/defaults``) a new project starts from: the general knowledge,
the guidelines, the card template and a ``dataset.toml`` template; never this repository's gold."""

_VERSION_LINE = re.compile(r'^(?P<head>version\s*=\s*)(?P<quote>["\'])(?P<value>[^"\']*)(?P=quote)', re.M)
_RELEASE_DATE_LINE = re.compile(r"^(?P<head>release_date\s*=\s*)(?P<value>\d{4}-\d{2}-\d{2})", re.M)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    authors: list[str] = Field(min_length=1)
    year: int = Field(ge=1900, le=2999)
    url: str | None = None


Statement = Annotated[str, Field(min_length=1)]
"""One sentence (or paragraph) of the ``[card]`` table, never empty."""


class CardStatements(_Strict):
    """The ``[card]`` table: what only the owner knows about the data, said by the card and Croissant's
    RAI fields (what is true of every build, e.g. that silver annotations contain errors, is said by the
    tool itself). A key left out is not said."""

    sources: Statement | None = None
    """One paragraph: where the texts come from (outlets, period, how they were picked)."""
    biases: list[Statement] = Field(default_factory=list)
    """What makes the data unrepresentative (outlets, topics, period, framing)."""
    limitations: list[Statement] = Field(default_factory=list)
    """What the data is not fit for (size, coverage)."""
    intended_uses: list[Statement] = Field(default_factory=list)
    """The tasks the dataset is meant for."""
    personal_information: Statement | None = None
    """Whose names or personal data the texts carry, and what was done about it."""


class Hub(_Strict):
    repo_id: str | None = Field(default=None, pattern=r"^[\w.-]+/[\w.-]+$")


class Splits(_Strict):
    train: float = Field(default=DEFAULT_SPLIT_RATIOS[0], ge=0, le=1)
    validation: float = Field(default=DEFAULT_SPLIT_RATIOS[1], ge=0, le=1)
    test: float = Field(default=DEFAULT_SPLIT_RATIOS[2], ge=0, le=1)

    @model_validator(mode="after")
    def _sum(self) -> Splits:
        if not split_ratios_ok(self.ratios):  # each is in [0, 1] (the fields say so): the sum
            raise ValueError(f"the ratios must sum to 1 (they sum to {sum(self.ratios):g})")
        return self

    @property
    def ratios(self) -> tuple[float, float, float]:
        return self.train, self.validation, self.test


class LabelStudioSettings(_Strict):
    """The ``[labelstudio]`` table: which server and project a campaign uses, and how it runs.

    ``url`` and ``project_id`` are recorded by the first push so that later commands use exactly that
    project (never one found by title); the campaign keys are set on the server at every push.
    """

    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    project_id: int | None = Field(default=None, ge=1)
    review_project_id: int | None = Field(default=None, ge=1)
    annotators_per_task: int = Field(default=1, ge=1)
    """Label Studio's ``maximum_annotations``: how many people annotate one task."""
    overlap_percent: int = Field(default=100, ge=0, le=100)
    """Label Studio's ``overlap_cohort_percentage``: the share of tasks annotated by several people."""
    show_predictions: bool = True
    """False: a blind pass, annotators see no pre-annotations."""
    reviewers: list[str] = Field(default_factory=list)
    """Label Studio user e-mails who may decide disputes."""
    pseudonymous: bool = False
    """True: ``annotations/`` stores stable pseudonyms instead of annotator e-mails."""


class Settings(_Strict):
    """The content of ``dataset.toml``: what the card, Croissant, manifest and publish say."""

    name: str = Field(pattern=r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
    pretty_name: str = Field(min_length=1)
    version: str
    release_date: dt.date | None = None
    """When this version was released: the card's and Croissant's publication date, the citation year."""
    license: str = Field(min_length=1)
    license_name: str | None = None
    license_link: str | None = None
    license_details: str | None = None
    annotations_license: str | None = None
    citation: Citation | None = None
    card: CardStatements = CardStatements()
    hub: Hub = Hub()
    splits: Splits = Splits()
    labelstudio: LabelStudioSettings = LabelStudioSettings()

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        if not versions.SEMVER.fullmatch(value):
            raise ValueError(f"{value!r} is not a version MAJOR.MINOR.PATCH (e.g. 1.0.0)")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """The texts of a dotted key (``card.biases``): none, one, or the items of a list."""
        value: object = self
        for part in key.split("."):
            value = getattr(value, part)
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    @property
    def prompts_left(self) -> list[str]:
        """The keys that still hold a prompt of the init template: a release would publish it as fact."""
        return [key for key, prompts in template_prompts().items() if prompts & set(self.texts(key))]


PROMPTED_KEYS = (
    "license_details",
    "card.sources",
    "card.biases",
    "card.limitations",
    "card.intended_uses",
    "card.personal_information",
)
"""Keys whose value in the init template is a prompt for the owner, not a statement about the data."""


def _template_text(name: str, pretty_name: str) -> str:
    """The init template of ``dataset.toml``, filled in for a project ``name``, released today."""
    today = dt.date.today()
    return string.Template(
        (resources.files("dataset_builder") / DEFAULTS / PROJECT_FILE).read_text(encoding="utf-8")
    ).substitute(name=name, pretty_name=pretty_name, year=today.year, date=today.isoformat())


@functools.cache
def template_prompts() -> dict[str, frozenset[str]]:
    """The init template's prompts per key (each item of a list on its own): what ``build`` warns about
    and ``publish`` refuses while an owner has not replaced it."""
    template = parse_settings(Path(DEFAULTS) / PROJECT_FILE, _template_text("dataset", "dataset"))
    return {key: frozenset(template.texts(key)) for key in PROMPTED_KEYS}


def parse_settings(path: Path, text: str) -> Settings:
    """``dataset.toml`` text as :class:`Settings`; an error names the file, the line or the key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        key = ".".join(str(p) for p in error["loc"]) or "(top level)"
        message = {"missing": "missing", "extra_forbidden": "unknown key"}.get(
            error["type"], error["msg"].removeprefix("Value error, ")
        )
        raise InputError(f"{path}: {key}: {message}") from None


@dataclass(frozen=True)
class Project:
    """A project folder and its validated settings."""

    root: Path
    settings: Settings

    @property
    def file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def seeds_dir(self) -> Path:
        return self.root / SEEDS_DIR

    @property
    def annotations_dir(self) -> Path:
        return self.root / ANNOTATIONS_DIR

    @property
    def card_template(self) -> Path:
        return self.root / CARD_TEMPLATE

    @property
    def dist_dir(self) -> Path:
        return self.root / DIST_DIR

    @property
    def releases_dir(self) -> Path:
        """``releases/<version>.json``: what each published version held (see :mod:`release.manifest`)."""
        return self.root / RELEASES_DIR

    @property
    def cache_dir(self) -> Path:
        """The silver cache (:mod:`dataset_builder.cache`): ``$DATASET_BUILDER_CACHE``, else the project's
        ``.cache``; rebuilt from the seeds if removed, never in git."""
        return Path(os.environ.get(CACHE_ENV) or self.root / CACHE_DIR)

    @property
    def split_ratios(self) -> tuple[float, float, float]:
        return self.settings.splits.ratios

    @classmethod
    def load(cls, root: Path) -> Project:
        root = Path(root).absolute()
        path = root / PROJECT_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(
                f"{path}: not found: {root} is not a dataset project (create one with `dataset-builder init DIR`)"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read ({exc})") from None
        return cls(root, parse_settings(path, text))

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project holding ``start`` (default: the working directory), found by walking up."""
        here = Path(start or Path.cwd()).absolute()
        for folder in (here, *here.parents):
            if (folder / PROJECT_FILE).is_file():
                return cls.load(folder)
        raise InputError(
            f"no {PROJECT_FILE} in {here} or any folder above it: run the command inside a dataset project, "
            "pass --project-dir DIR, or create one with `dataset-builder init DIR`"
        )

    def bump_version(self, part: str) -> str:
        """Raise the version in ``dataset.toml``, rewriting only that line; returns the new version."""
        text = self.file.read_text(encoding="utf-8")
        head = text.split("\n[", 1)[0]  # top-level keys come before the first table
        match = _VERSION_LINE.search(head)
        if match is None or match.group("value") != self.settings.version:
            raise InputError(
                f'{self.file}: no top-level line `version = "{self.settings.version}"` to rewrite'
            )
        new = versions.raised(self.settings.version, part)
        updated = text[: match.start("value")] + new + text[match.end("value") :]
        head = updated.split("\n[", 1)[0]
        dated = _RELEASE_DATE_LINE.search(head)
        if dated is not None:  # the new version is released on the day it is bumped
            today = dt.date.today().isoformat()
            updated = updated[: dated.start("value")] + today + updated[dated.end("value") :]
        parse_settings(self.file, updated)  # never write a file the next command would refuse
        write_atomic(self.file, updated.encode("utf-8"))
        return new

    def record_labelstudio(self, **values: object) -> Project:
        """Write ``values`` into the ``[labelstudio]`` table of ``dataset.toml`` and return the new project.

        Only those keys change: tomlkit keeps every other line and comment byte for byte (the file is
        the user's). The new text is validated before it is written, atomically.
        """
        unknown = sorted(set(values) - set(LabelStudioSettings.model_fields))
        if unknown:
            raise InputError(f"{self.file}: labelstudio: unknown key {unknown[0]}")
        text = self.file.read_text(encoding="utf-8")
        document = tomlkit.parse(text)
        table = document.get("labelstudio")
        if table is None:
            table = tomlkit.table()
            document.add("labelstudio", table)
        for key, value in values.items():
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
        updated = tomlkit.dumps(document)
        settings = parse_settings(self.file, updated)  # never write a file the next command would refuse
        if updated != text:
            write_atomic(self.file, updated.encode("utf-8"))
        return Project(self.root, settings)


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(exist_ok=True)
    for item in source.iterdir():
        if item.is_dir():
            _copy_tree(item, target / item.name)
        elif item.name != PROJECT_FILE:
            (target / item.name).write_bytes(item.read_bytes())


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "dataset"


def init_project(target: Path) -> Project:
    """Create a new project in ``target`` (a new or empty folder) from the package's defaults.

    It gets the general knowledge, the guidelines and the card template, an empty ``seeds/`` and a
    ``dataset.toml`` named after the folder. Nothing is ever overwritten; the folder appears whole
    or not at all (it is assembled beside the target, then renamed).
    """
    target = Path(target).absolute()
    if target.is_symlink() and target.is_dir():  # a link to an empty folder: fill the folder itself
        target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target}: already exists and is not an empty folder; init never overwrites")
    target.parent.mkdir(parents=True, exist_ok=True)
    defaults = resources.files("dataset_builder") / DEFAULTS
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.init-"))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a project folder is not
        _copy_tree(defaults, staging)
        (staging / SEEDS_DIR).mkdir()
        (staging / ".gitignore").write_text(f"{DIST_DIR}/\n{CACHE_DIR}/\n", encoding="utf-8")
        text = _template_text(_slug(target.name), target.name)
        parse_settings(target / PROJECT_FILE, text)
        (staging / PROJECT_FILE).write_text(text, encoding="utf-8")
        try:
            os.replace(staging, target)  # onto a missing or empty folder only
        except OSError as exc:
            raise InputError(f"{target}: cannot create the project there ({exc.strerror})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Project.load(target)
