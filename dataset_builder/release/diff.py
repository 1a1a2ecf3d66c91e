"""What changed between two built folders (:func:`diff_folders`), said for people and for machines,
and the semver bump those changes require."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datasets.info import DatasetInfosDict
from huggingface_hub import DatasetCard

from dataset_builder import rows, schema, versions
from dataset_builder.documents import Document
from dataset_builder.release.card import CARD_NAME, SEMVER_RULE
from dataset_builder.release.manifest import read_manifest

_NOT_ANNOTATIONS = (schema.ID, schema.TEXT)
_TITLE_WIDTH = 60
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _quote(text: str) -> str:
    """Text between «», invisible characters spelled out (``\\n``, ``\\u200f``) so a change stays one line."""
    shown = "".join(
        _ESCAPES.get(ch, f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch)
        for ch in text
    )
    return f"«{shown}»"


def show_value(value: Any) -> str:
    """A field value as people read it: ISO dates, entities as ``PER «Egypt» 0:5``, cuts as
    ``«\\n» at 120 (newline)``, never a Python repr."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        plain = value and value.isprintable() and not any(ch.isspace() for ch in value)
        return value if plain else _quote(value)
    if isinstance(value, Mapping):
        if {"start", "end", "text", "label"} <= value.keys():
            link = f" [{value['entity_id']}]" if value.get("entity_id") else ""
            return f"{value['label']} {_quote(value['text'])} {value['start']}:{value['end']}{link}"
        if {"start", "text", "reason"} <= value.keys():
            return f"{_quote(value['text'])} at {value['start']} ({value['reason']})"
        return ", ".join(f"{k} {show_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


def _json_value(value: Any) -> Any:
    """A field value for ``diff --json``: dates as ISO strings, the rest as JSON has it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def document_ref(doc_id: str, title: str | None) -> str:
    """``id («title»)``: an id alone tells a reviewer nothing."""
    if not title:
        return doc_id
    short = title if len(title) <= _TITLE_WIDTH else title[: _TITLE_WIDTH - 1] + "…"
    return f"{doc_id} {_quote(short)}"


@dataclass(frozen=True)
class Change:
    """One annotation change of one document field."""

    document_id: str
    field: str
    kind: str  # added | removed | changed
    old: Any = None
    new: Any = None

    def to_text(self, title: str | None = None) -> str:
        ref = document_ref(self.document_id, title)
        if self.kind == "changed":
            return f"{ref}: {self.field} {show_value(self.old)} → {show_value(self.new)}"
        return f"{ref}: {self.field} {self.kind} {show_value(self.new if self.kind == 'added' else self.old)}"

    def to_dict(self, title: str | None = None) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": title,
            "field": self.field,
            "kind": self.kind,
            "old": _json_value(self.old),
            "new": _json_value(self.new),
        }


@dataclass(frozen=True)
class SplitMove:
    """A document whose split differs between two builds (splits must never move once built)."""

    document_id: str
    old_split: str
    new_split: str


@dataclass
class VersionDiff:
    """What changed between two builds, and the semver bump that requires."""

    old_version: str
    new_version: str
    schema_changes: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text_changed: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    split_moves: list[SplitMove] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    disputed: dict[str, list[str]] = field(default_factory=lambda: {"old": [], "new": []})
    """Documents whose annotators disagree and wait for a reviewer (``annotation_status`` disputed)."""

    @property
    def required_bump(self) -> str:
        if self.schema_changes:
            return "major"
        if self.added or self.removed or any(c.kind != "changed" for c in self.changes):
            return "minor"
        return "patch" if self.text_changed or self.changes else "none"

    @property
    def actual_bump(self) -> str:
        """The bump from ``old_version`` to ``new_version``: one of :data:`~dataset_builder.versions.BUMPS`,
        or ``backwards``."""
        return versions.bump_between(self.old_version, self.new_version)

    def version_ok(self) -> bool:
        """Whether ``new_version`` is at least the required bump above ``old_version``."""
        return versions.enough(self.actual_bump, self.required_bump)

    @property
    def next_version(self) -> str:
        """The version these changes are released as: ``new_version`` if it is bumped enough, else the
        smallest version that is."""
        return (
            self.new_version if self.version_ok() else versions.bumped(self.old_version, self.required_bump)
        )

    def version_problem(self) -> str | None:
        """Why ``new_version`` is wrong for these changes, naming the bump they need; None when it is right."""
        if self.version_ok():
            return None
        old, new, need = self.old_version, self.new_version, self.required_bump
        fix = f"these changes need a {need} bump: {self.next_version}" if need != "none" else f"keep {old}"
        if self.actual_bump == "backwards":
            return f"the version goes backwards ({old} → {new}); {fix}"
        if self.actual_bump == "none":
            return f"the version was not bumped ({old}); {fix}"
        return f"{old} → {new} is only a {self.actual_bump} bump; {fix}"

    @property
    def has_changes(self) -> bool:
        return bool(
            self.schema_changes
            or self.added
            or self.removed
            or self.text_changed
            or self.changes
            or self.split_moves
        )

    def ref(self, doc_id: str) -> str:
        return document_ref(doc_id, self.titles.get(doc_id))

    def to_text(self) -> str:
        bump = self.actual_bump
        lines = [
            f"Version: {self.old_version} → {self.new_version} ({'no' if bump == 'none' else bump} bump)",
            f"Required bump: {self.required_bump} ({SEMVER_RULE})",
        ]
        problem = self.version_problem()
        lines.append(f"Problem: {problem}" if problem else "Version check: ok")

        def section(title: str, items: list[str], count: int | None = None) -> None:
            if items:
                n = len(items) if count is None else count
                lines.extend(["", f"{title} ({n}):", *(f"  {item}" for item in items)])

        section("Schema changes", self.schema_changes)
        section("Documents added", [self.ref(d) for d in self.added])
        section("Documents removed", [self.ref(d) for d in self.removed])
        section("Text changed", [self.ref(d) for d in self.text_changed])
        if self.disputed["old"] or self.disputed["new"]:
            lines += [
                "",
                f"Disputed documents (annotators disagree, kept silver until a reviewer decides): "
                f"{len(self.disputed['old'])} → {len(self.disputed['new'])}",
                *(f"  {self.ref(d)}" for d in self.disputed["new"]),
            ]
        section(
            "Documents that changed split",
            [f"{self.ref(m.document_id)}: {m.old_split} → {m.new_split}" for m in self.split_moves],
        )
        if self.split_moves:
            lines.append("  A document must keep its split from one version to the next.")
        per_field = Counter((c.field, c.kind) for c in self.changes)
        fields = sorted({f for f, _ in per_field})
        section(
            "Annotation changes",
            [
                f"{name}: " + ", ".join(f"{per_field[name, k]} {k}" for k in ("added", "removed", "changed"))
                for name in fields
            ]
            + [c.to_text(self.titles.get(c.document_id)) for c in self.changes],
            len(self.changes),
        )
        if not self.has_changes:
            lines += ["", "No changes."]
        else:
            lines += ["", "CHANGELOG entry for CHANGELOG.md:", "", changelog_entry(self)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The diff for machines (``diff --json``); the keys are documented in the README and stable."""

        def docs(ids: list[str]) -> list[dict[str, Any]]:
            return [{"id": d, "title": self.titles.get(d)} for d in ids]

        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "required_bump": self.required_bump,
            "next_version": self.next_version,
            "version_ok": self.version_ok(),
            "version_problem": self.version_problem(),
            "schema_changes": self.schema_changes,
            "documents_added": docs(self.added),
            "documents_removed": docs(self.removed),
            "text_changed": docs(self.text_changed),
            "split_moves": [
                {
                    "id": m.document_id,
                    "title": self.titles.get(m.document_id),
                    "old_split": m.old_split,
                    "new_split": m.new_split,
                }
                for m in self.split_moves
            ],
            "annotation_changes": [c.to_dict(self.titles.get(c.document_id)) for c in self.changes],
            "disputed_documents": {k: docs(v) for k, v in self.disputed.items()},
            "changelog": changelog_entry(self) if self.has_changes else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def changelog_entry(diff: VersionDiff) -> str:
    """A Keep-a-Changelog section for ``CHANGELOG.md``, headed by the version the changes are released as."""

    def said(c: Change) -> str:
        return c.to_text(diff.titles.get(c.document_id))

    sections = {
        "Changed": [f"Schema: {s}" for s in diff.schema_changes]
        + [f"Text of {diff.ref(d)}" for d in diff.text_changed]
        + [f"Split of {diff.ref(m.document_id)}: {m.old_split} → {m.new_split}" for m in diff.split_moves]
        + [said(c) for c in diff.changes if c.kind == "changed"],
        "Added": [f"Document {diff.ref(d)}" for d in diff.added]
        + [said(c) for c in diff.changes if c.kind == "added"],
        "Removed": [f"Document {diff.ref(d)}" for d in diff.removed]
        + [said(c) for c in diff.changes if c.kind == "removed"],
    }
    out = [f"## [{diff.next_version}] — {diff.required_bump}"]
    for title, items in sections.items():
        if items:
            out += ["", f"### {title}", *(f"- {item}" for item in items)]
    return "\n".join(out) + "\n"


def _documents(folder: Path) -> tuple[dict[str, Document], dict[str, str]]:
    """The documents of the documents config by id, and each one's split (named by its parquet file)."""
    docs: dict[str, Document] = {}
    splits: dict[str, str] = {}
    for path in sorted(folder.glob(schema.data_glob("documents"))):
        table = pq.read_table(path)
        for f in rows.documents_schema():  # a field an older build did not have: empty
            if f.name not in table.column_names:
                table = table.append_column(f, pa.nulls(table.num_rows, f.type))
        for doc in rows.documents_from_table(table):
            docs[doc.id] = doc
            splits[doc.id] = schema.split_of_file(path)
    return docs, splits


def _plain(value: Any) -> Any:
    """A field's value as ``diff`` shows it: spans and cuts as dicts of their members."""
    if isinstance(value, list):
        return [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for v in value]
    return value


def _features(folder: Path) -> dict[str, Any]:
    infos = DatasetInfosDict.from_dataset_card_data(DatasetCard.load(Path(folder) / CARD_NAME).data)
    return {name: info.features.to_dict() for name, info in infos.items()}


def _class_names(feature: Any) -> list[str] | None:
    """The names of a ClassLabel feature (possibly inside a list), from ``Features.to_dict()``."""
    if isinstance(feature, dict):
        if feature.get("_type") == "ClassLabel":
            return feature["names"]
        if "feature" in feature:
            return _class_names(feature["feature"])
    return None


def _schema_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Field by field, with the label names a ClassLabel gained or lost."""
    out = []
    for config in sorted(old.keys() & new.keys()):  # a config without rows has no features
        before, after = old[config], new[config]
        out += [f"{config} config: field {name} added" for name in after if name not in before]
        out += [f"{config} config: field {name} removed" for name in before if name not in after]
        for name in (n for n in after if n in before and before[n] != after[n]):
            was, now = _class_names(before[name]), _class_names(after[name])
            if was is None or now is None:
                out.append(f"{config} config: field {name} changed type")
                continue
            parts = (
                [f"label names added: {', '.join(n for n in now if n not in was)}"]
                if set(now) - set(was)
                else []
            )
            parts += (
                [f"label names removed: {', '.join(n for n in was if n not in now)}"]
                if set(was) - set(now)
                else []
            )
            out.append(f"{config} config: field {name}: {'; '.join(parts) or 'label ids reordered'}")
    return out


def _item_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def _field_changes(doc_id: str, name: str, old: Any, new: Any) -> list[Change]:
    """Lists are diffed item by item (an entity whose span moved or relabelled is one change)."""
    if old == new:
        return []
    if not isinstance(old, list):
        return [Change(doc_id, name, "changed", old, new)]
    old_keys, new_keys = {_item_key(i): i for i in old}, {_item_key(i): i for i in new}
    gone = [old_keys[k] for k in sorted(old_keys.keys() - new_keys.keys())]
    came = [new_keys[k] for k in sorted(new_keys.keys() - old_keys.keys())]
    changes = []
    for item in list(gone):
        partner = next((c for c in came if _overlap(item, c)), None)
        if partner is not None:
            changes.append(Change(doc_id, name, "changed", item, partner))
            gone.remove(item)
            came.remove(partner)
    changes += [Change(doc_id, name, "removed", old=i) for i in gone]
    changes += [Change(doc_id, name, "added", new=i) for i in came]
    return changes


def _overlap(a: Any, b: Any) -> bool:
    return (
        isinstance(a, dict)
        and "start" in a
        and "end" in a
        and a["start"] < b["end"]
        and b["start"] < a["end"]
    )


def diff_folders(old: Path, new: Path) -> VersionDiff:
    """Compare two built folders: schema, documents, their splits, and annotations per field."""
    old, new = Path(old), Path(new)
    diff = VersionDiff(read_manifest(old)["version"], read_manifest(new)["version"])
    diff.schema_changes = _schema_changes(_features(old), _features(new))
    (old_docs, old_splits), (new_docs, new_splits) = _documents(old), _documents(new)
    diff.titles = {d: doc.title for d, doc in (old_docs | new_docs).items() if doc.title}
    diff.added = sorted(new_docs.keys() - old_docs.keys())
    diff.removed = sorted(old_docs.keys() - new_docs.keys())
    diff.disputed = {
        side: sorted(d for d, doc in docs.items() if doc.annotation_status == schema.DISPUTED)
        for side, docs in (("old", old_docs), ("new", new_docs))
    }
    annotations = sorted(set(schema.CONFIG_FIELDS["documents"]) - set(_NOT_ANNOTATIONS))
    for doc_id in sorted(old_docs.keys() & new_docs.keys()):
        before, after = old_docs[doc_id], new_docs[doc_id]
        if before.text != after.text:
            diff.text_changed.append(doc_id)
        if old_splits[doc_id] != new_splits[doc_id]:
            diff.split_moves.append(SplitMove(doc_id, old_splits[doc_id], new_splits[doc_id]))
        for name in annotations:
            old_value, new_value = (_plain(getattr(doc, name)) for doc in (before, after))
            diff.changes += _field_changes(doc_id, name, old_value, new_value)
    return diff
