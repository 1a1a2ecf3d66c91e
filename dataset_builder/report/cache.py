"""The report's cache: what a rebuild's report takes back instead of reading and rendering it again.

A rebuild after an edit leaves most of the ``documents`` files as they were (content-defined shards,
:mod:`dataset_builder.shards`), and most of the sample's documents as they were. Rendering the sample
again and reading every file for the overview was a sixth of such a rebuild. So the project's cache
folder (beside the silver cache, the staging table and the shard record) keeps two files:

- :data:`FILES_FILE`: each ``documents`` file's overview (:class:`collect.FileOverview`: counters and
  index rows), under a key of the file's sha256, its split and the code; and the digest of each of
  its rows the report read (:func:`row_digest`), so that a shown document of an unchanged file is
  known without reading it.
- :data:`FRAGMENTS_FILE`: each shown document's ``article``, under a key of everything it is made of
  (:func:`fragment_key`): the row's digest, its links, its silver against gold and annotators, the
  topic names, the code and the templates.

A key changes with anything its value depends on, so nothing stale is read; the output is byte for
byte a clean build's. Each file holds one build's worth (the entries the last report used) and is
checked as a whole against the sha256 written with it: a damaged, outdated or unreadable file is
ignored, and the report is made as without it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataset_builder import fingerprint
from dataset_builder.output import Checksums, sha256_file, write_atomic
from dataset_builder.report import collect, render

FILES_FILE = "report_files.arrow"
FRAGMENTS_FILE = "report_fragments.arrow"
_FORMAT = 1
_MAGIC = b"dbreport"
"""How a cache file starts, before the sha256 of the Arrow IPC file that follows."""
_KEY, _HTML = "key", "html"
_FRAGMENTS_SCHEMA = pa.schema([(_KEY, pa.binary(32)), (_HTML, pa.large_string())])
_ENTRIES = b"entries"
"""The files table's metadata: per entry, in the table's order, its key, its rows, its counters and
the digests of the rows a report read (JSON)."""


@functools.cache
def _code() -> str:
    """The report's code: the package's (:func:`fingerprint.code`), its templates, and the libraries
    that read the files and render the HTML."""
    digest = hashlib.sha256(f"{_FORMAT}\0{fingerprint.code()}\0".encode())
    templates = importlib.resources.files("dataset_builder.report") / "templates"
    for entry in sorted(templates.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(f"{entry.name}\0".encode() + entry.read_bytes())
    for name in ("pyarrow", "jinja2", "markupsafe"):
        digest.update(f"\0{name}=={importlib.metadata.version(name)}".encode())
    return digest.hexdigest()


def file_key(split: str, sha256: str) -> str:
    """What a ``documents`` file's overview is a function of: its bytes, its split and the code."""
    return hashlib.sha256(f"{_code()}\0{split}\0{sha256}".encode()).hexdigest()


def row_digest(row: Mapping[str, Any]) -> bytes:
    """A ``documents`` row with its split, as :func:`collect.read_rows` gives it: every value the
    document's ``article`` shows of it."""
    text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).digest()


def fragment_salt(topic_names: Mapping[str, str]) -> bytes:
    """What every ``article`` of a report is made of besides its document: the code and the topic names."""
    return f"{_code()}\0{json.dumps(topic_names, sort_keys=True, ensure_ascii=False)}\0".encode()


def fragment_key(salt: bytes, row: bytes, context: render.DocContext) -> bytes:
    """What a document's ``article`` is made of: the report's :func:`fragment_salt`, its row
    (:func:`row_digest`) and its context (dataclasses of strings, numbers and dates, whose ``repr``
    spells every value)."""
    return hashlib.sha256(salt + row + repr(context).encode()).digest()


class ReportCache:
    """The two files of the module's docstring, read when first needed and written by :meth:`save`."""

    def __init__(self, folder: Path, checksums: Checksums | None = None) -> None:
        self.folder = Path(folder)
        self.checksums = checksums
        self._files: dict[str, tuple[dict[str, Any], pa.Table]] | None = None
        self._fragments: dict[bytes, str] | None = None
        self._used_files: dict[str, tuple[dict[str, Any], pa.Table]] = {}
        self._used_fragments: dict[bytes, str] = {}
        self._changed = {FILES_FILE: False, FRAGMENTS_FILE: False}

    # --- the files' overviews and row digests --------------------------------------------------------

    def file_overview(self, split: str, path: Path) -> tuple[str, collect.FileOverview | None]:
        """The sha256 of a ``documents`` file, and its overview if a report read it before."""
        sha256 = self.checksums.sha256(path) if self.checksums is not None else sha256_file(path)
        key = file_key(split, sha256)
        known = self._stored_files().get(key)
        if known is None:
            return sha256, None
        self._used_files[key] = known
        meta, index = known
        return sha256, collect.FileOverview(_counters(meta["counts"]), index)

    def keep_file_overview(self, split: str, sha256: str, overview: collect.FileOverview) -> None:
        key = file_key(split, sha256)
        self._used_files[key] = ({"counts": _counts_json(overview.counts), "rows": {}}, overview.index)
        self._changed[FILES_FILE] = True

    def row_digest(self, file: collect.FileRows, row: int) -> bytes | None:
        """The digest of the ``row`` of ``file`` (a place in the file) if a report read that row."""
        known = self._used_files.get(file_key(file.split, file.sha256)) if file.sha256 else None
        digest = known[0]["rows"].get(str(row)) if known is not None else None
        return bytes.fromhex(digest) if digest is not None else None

    def learn_row_digest(self, file: collect.FileRows, row: int, digest: bytes) -> None:
        known = self._used_files.get(file_key(file.split, file.sha256)) if file.sha256 else None
        if known is not None and known[0]["rows"].get(str(row)) != digest.hex():
            known[0]["rows"][str(row)] = digest.hex()
            self._changed[FILES_FILE] = True

    # --- the documents' fragments ---------------------------------------------------------------------

    def fragment(self, key: bytes) -> str | None:
        html = self._used_fragments.get(key)
        if html is None:
            html = self._stored_fragments().get(key)
            if html is not None:
                self._used_fragments[key] = html
        return html

    def keep_fragment(self, key: bytes, html: str) -> None:
        self._used_fragments[key] = html
        self._changed[FRAGMENTS_FILE] = True

    # --- the files ----------------------------------------------------------------------------------

    def save(self) -> None:
        """Write each file with this report's entries alone, unless it holds exactly those."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._changed[FILES_FILE] or set(self._used_files) != set(self._stored_files()):
            entries = [
                {_KEY: key, "size": index.num_rows, **meta} for key, (meta, index) in self._used_files.items()
            ]
            tables = [index for _, index in self._used_files.values()]
            files = pa.concat_tables(tables) if tables else collect.INDEX_SCHEMA.empty_table()
            files = files.replace_schema_metadata({_ENTRIES: json.dumps(entries, ensure_ascii=False)})
            write_atomic(self.folder / FILES_FILE, _checked_bytes(files))
        if self._changed[FRAGMENTS_FILE] or set(self._used_fragments) != set(self._stored_fragments()):
            keys = sorted(self._used_fragments)
            html = [self._used_fragments[k] for k in keys]
            fragments = pa.table(
                [pa.array(keys, pa.binary(32)), pa.array(html, pa.large_string())], schema=_FRAGMENTS_SCHEMA
            )
            write_atomic(self.folder / FRAGMENTS_FILE, _checked_bytes(fragments))

    def _stored_files(self) -> dict[str, tuple[dict[str, Any], pa.Table]]:
        if self._files is None:
            self._files = {}
            table = _read_checked(self.folder / FILES_FILE, collect.INDEX_SCHEMA)
            if table is None:
                return self._files
            try:
                start, entries = 0, json.loads(table.schema.metadata[_ENTRIES])
                table = table.replace_schema_metadata()
                for entry in entries:
                    meta = {"counts": entry["counts"], "rows": dict(entry["rows"])}
                    _counters(meta["counts"])  # a damaged entry fails here, not when used
                    self._files[str(entry[_KEY])] = (meta, table.slice(start, int(entry["size"])))
                    start += int(entry["size"])
                if start != table.num_rows:
                    raise ValueError("the entries do not cover the table")
            except (KeyError, TypeError, ValueError, AttributeError):
                self._files = {}
        return self._files

    def _stored_fragments(self) -> dict[bytes, str]:
        if self._fragments is None:
            table = _read_checked(self.folder / FRAGMENTS_FILE, _FRAGMENTS_SCHEMA)
            self._fragments = (
                {}
                if table is None
                else dict(zip(table.column(_KEY).to_pylist(), table.column(_HTML).to_pylist(), strict=True))
            )
        return self._fragments


def _counts_json(counts: collect.Overview) -> dict[str, Any]:
    """A file's counters as JSON: each counter as ``[*key, count]`` lists, in its order."""
    out: dict[str, Any] = {"documents_with_topics": counts.documents_with_topics}
    for name in collect.COUNTERS:
        counter: Counter[Any] = getattr(counts, name)
        out[name] = [[*(k if isinstance(k, tuple) else (k,)), n] for k, n in counter.items()]
    return out


def _counters(data: Mapping[str, Any]) -> collect.Overview:
    """The counters :func:`_counts_json` wrote (a ``ValueError``, ``KeyError`` or ``TypeError`` when
    they are not)."""
    out = collect.Overview(documents_with_topics=int(data["documents_with_topics"]))
    for name in collect.COUNTERS:
        counter: Counter[Any] = getattr(out, name)
        for *key, n in data[name]:
            if not isinstance(n, int) or not all(k is None or isinstance(k, str) for k in key):
                raise ValueError(f"not a count: {key} {n}")
            counter[tuple(key) if name != "documents_with_label" else key[0]] += n
    return out


def _checked_bytes(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC file, after :data:`_MAGIC` and the file's sha256."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    data = sink.getvalue().to_pybytes()
    return _MAGIC + hashlib.sha256(data).digest() + data


def _read_checked(path: Path, expected: pa.Schema) -> pa.Table | None:
    """The table :func:`_checked_bytes` wrote at ``path``; ``None`` when there is none, or the file is
    damaged (its bytes do not have the sha256 written with them) or of another layout."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if data[: len(_MAGIC)] != _MAGIC or hashlib.sha256(data[head:]).digest() != data[len(_MAGIC) : head]:
        return None
    try:
        table = pa.ipc.open_file(pa.py_buffer(data)[head:]).read_all()
        table.validate(full=True)
    except (pa.ArrowException, ValueError):
        return None
    return table if table.schema.remove_metadata().equals(expected) else None
