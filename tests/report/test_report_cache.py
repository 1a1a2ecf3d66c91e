"""The report's cache: a report made with it is byte for byte the one made without, whatever the cache
holds; a document whose row or context changed is rendered again, and a damaged cache is ignored.

The reports are of the sample documents (:func:`conftest.sample_documents`) written with
:func:`write_dataset`; the end-to-end test runs the real CLI on :mod:`test_cache`'s project.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT, TAXONOMY
from test_cache import EXTRA, files, project  # noqa: F401 (project: a fixture)

from dataset_builder import cli, schema, shards
from dataset_builder.build import write_dataset
from dataset_builder.documents import Document
from dataset_builder.report import cache as report_cache
from dataset_builder.report import collect, render, render_report
from dataset_builder.report.cache import FILES_FILE, FRAGMENTS_FILE, ReportCache

EDITED = "002_doc"


def _write(docs: list[Document], out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    write_dataset(
        docs, out, split_ratios=(0.5, 0.25, 0.25), project=PROJECT, taxonomy=TAXONOMY, progress=False
    )
    return out


def _edited(docs: list[Document]) -> list[Document]:
    """``docs`` with :data:`EDITED`'s text longer by a sentence (its spans stay where they were)."""
    extra = " Talks resume on Tuesday."
    return [
        dataclasses.replace(d, text=d.text + extra, seed_end=d.seed_end + len(extra)) if d.id == EDITED else d
        for d in docs
    ]


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The ids of the documents rendered and the ``documents`` files read since the last clear."""
    seen: dict[str, list[str]] = {"rendered": [], "read": []}

    def spy(name: str, real: Callable[..., Any], note: Callable[..., str]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            seen[name].append(note(*args))
            return real(*args)

        return wrapper

    monkeypatch.setattr(
        render,
        "document_html",
        spy("rendered", render.document_html, lambda env, view, names: view.row[schema.ID]),
    )
    monkeypatch.setattr(
        collect, "file_overview", spy("read", collect.file_overview, lambda split, path: path.name)
    )
    return seen


def test_an_edited_document_alone_is_rendered_again_and_only_its_file_is_read(
    sample_docs: list[Document], tmp_path: Path, spies: dict[str, list[str]]
) -> None:
    cache = tmp_path / "cache"
    dist = _write(sample_docs, tmp_path / "dist")
    first = render_report(dist, cache_dir=cache)
    assert first == render_report(dist)
    assert len(spies["rendered"]) == 2 * len(sample_docs) and (cache / FRAGMENTS_FILE).is_file()
    spies["rendered"].clear()
    spies["read"].clear()
    assert render_report(dist, cache_dir=cache) == first
    assert spies == {"rendered": [], "read": []}  # nothing changed: nothing rendered, no file read again
    dist = _write(_edited(sample_docs), dist)
    edited_file = next(f.path.name for f in collect.read_overview(dist).files if EDITED in _ids(f.path))
    spies["rendered"].clear()
    spies["read"].clear()
    again = render_report(dist, cache_dir=cache)
    assert spies == {"rendered": [EDITED], "read": [edited_file]}
    assert again == render_report(dist) != first


def _ids(path: Path) -> list[str]:
    return pq.read_table(path, columns=[schema.ID]).column(schema.ID).to_pylist()


def test_a_fragment_is_taken_from_the_cache_only_under_its_own_key(
    sample_docs: list[Document], tmp_path: Path
) -> None:
    """Every cached fragment is marked; after an edit, the report holds the marks of every document but
    the edited one's (whose key changed with its row), and then exactly a clean report's bytes."""
    cache, dist = tmp_path / "cache", _write(sample_docs, tmp_path / "dist")
    render_report(dist, cache_dir=cache)
    path = cache / FRAGMENTS_FILE
    table = report_cache._read_checked(path, report_cache._FRAGMENTS_SCHEMA)
    assert table is not None
    html = table.column("html").to_pylist()
    marked = pa.array([h.replace("<article ", "<article data-cached ", 1) for h in html], pa.large_string())
    path.write_bytes(report_cache._checked_bytes(table.set_column(1, "html", marked)))
    dist = _write(_edited(sample_docs), dist)
    html = render_report(dist, cache_dir=cache)[0]
    parsed = {doc_id: attrs for doc_id, attrs in _articles(html)}
    assert {doc_id for doc_id, attrs in parsed.items() if "data-cached" not in attrs} == {EDITED}
    assert len(parsed) == len(sample_docs)


def _articles(html: str) -> list[tuple[str, str]]:
    out = []
    for part in html.split("<article ")[1:]:
        attrs = part.split(">", 1)[0]
        out.append((attrs.split('data-doc-id="', 1)[1].split('"', 1)[0], attrs))
    return out


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "a byte changed": lambda data: data[:-100] + bytes([data[-100] ^ 0x20]) + data[-99:],
    "not a cache file": lambda data: b"<html>not arrow</html>",
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("name", [FILES_FILE, FRAGMENTS_FILE])
def test_a_damaged_cache_file_is_ignored(
    sample_docs: list[Document], tmp_path: Path, spies: dict[str, list[str]], damage: str, name: str
) -> None:
    cache, dist = tmp_path / "cache", _write(sample_docs, tmp_path / "dist")
    clean = render_report(dist)
    render_report(dist, cache_dir=cache)
    path = cache / name
    path.write_bytes(DAMAGES[damage](path.read_bytes()))
    spies["rendered"].clear()
    spies["read"].clear()
    assert render_report(dist, cache_dir=cache) == clean
    if name == FRAGMENTS_FILE:
        assert sorted(spies["rendered"]) == sorted(d.id for d in sample_docs)
    else:
        assert len(spies["read"]) == len(collect.split_files(dist))
    assert render_report(dist, cache_dir=cache) == clean  # and written again, whole


def test_files_in_each_others_place_are_not_read_as_the_other(
    sample_docs: list[Document], tmp_path: Path
) -> None:
    """Each file is checked whole, but also for its layout: a valid file of the other kind is ignored."""
    cache, dist = tmp_path / "cache", _write(sample_docs, tmp_path / "dist")
    clean = render_report(dist)
    render_report(dist, cache_dir=cache)
    (cache / FILES_FILE).write_bytes((cache / FRAGMENTS_FILE).read_bytes())
    assert ReportCache(cache)._stored_files() == {}
    assert render_report(dist, cache_dir=cache) == clean


def test_another_code_renders_every_document_again(
    sample_docs: list[Document], tmp_path: Path, spies: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, dist = tmp_path / "cache", _write(sample_docs, tmp_path / "dist")
    render_report(dist, cache_dir=cache)
    monkeypatch.setattr(report_cache, "_code", lambda: "another code")
    spies["rendered"].clear()
    assert render_report(dist, cache_dir=cache) == render_report(dist)
    assert len(spies["rendered"]) == 2 * len(sample_docs)


def test_a_rebuild_with_the_cache_writes_a_clean_builds_report_rendering_few_documents(
    project: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spies: dict[str, list[str]],
) -> None:
    """The CLI's build keeps the report's cache in the project's cache folder; after an article is
    edited, the rebuild's report renders few of its documents again and is a clean build's, byte for byte."""
    monkeypatch.setattr(shards, "SHARD_DOCUMENTS", 3)
    build = ["build", "-C", str(project), "--no-progress", "--workers", "1"]
    assert cli.main(build) == 0
    assert (project / ".cache" / FRAGMENTS_FILE).is_file()
    shown = len(spies["rendered"])
    seed = project / "seeds" / EXTRA[0].name
    seed.write_text(
        seed.read_text(encoding="utf-8") + "\nA closing line added by an editor.\n", encoding="utf-8"
    )
    spies["rendered"].clear()
    assert cli.main(build) == 0
    assert 1 <= len(spies["rendered"]) < shown / 2
    assert cli.main([*build, "--no-cache", "--out", str(project / "clean")]) == 0
    capsys.readouterr()
    assert files(project / "clean") == files(project / "dist")
