"""Disagreements go to review, never to deletion: a disputed document is built silver, marked and counted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ANN, REPO, SEEDS

from dataset_builder import cli, schema
from dataset_builder.knowledge import Knowledge
from dataset_builder.pipeline import silver_documents
from dataset_builder.project import CACHE_ENV
from dataset_builder.release.diff import diff_folders

DOC = "001_91a43c286490f4bd"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's project whose document ``DOC`` has one annotator, the lead."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    root = tmp_path / "project"
    root.mkdir()
    for name in ("dataset.toml", "DATASET_CARD.md"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(ANN, root / "annotations")
    return root


def second_annotator_drops_a_span(project: Path) -> dict:
    """The lead's annotation is no longer ground truth and a second annotator leaves out its first span."""
    path = project / "annotations" / "documents" / f"{DOC}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    (lead,) = data["annotations"]
    lead["ground_truth"] = False
    other = {**lead, "annotator": "other@example.org", "annotation_id": 99, "entities": lead["entities"][1:]}
    data["annotations"] = [lead, other]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return lead["entities"][0]


def build(project: Path, out: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, dict[str, dict]]:
    assert (
        cli.main(
            ["build", "-C", str(project), "--no-progress", "--workers", "1", "--out", str(project / out)]
        )
        == 0
    )
    summary = capsys.readouterr().out
    rows = {}
    for path in sorted((project / out / schema.DATA_DIR / "documents").glob("*.parquet")):
        rows |= {r["id"]: r for r in pq.read_table(path).to_pylist()}
    return summary, rows


@pytest.mark.slow
def test_a_span_only_one_annotator_marked_is_neither_dropped_nor_added_silently(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary, before = build(project, "before", capsys)
    assert before[DOC]["annotation_status"] == "gold"
    dropped = second_annotator_drops_a_span(project)
    (project / "releases").mkdir(exist_ok=True)
    summary, after = build(project, "after", capsys)
    row = after[DOC]
    assert row["annotation_status"] == "disputed"
    # not a vote: the document carries its silver annotations, and the annotation file keeps the span
    silver = next(
        d for d in silver_documents(project / "seeds", Knowledge.load(project / "annotations")) if d.id == DOC
    )
    assert [(e["start"], e["end"], e["label"]) for e in row["entities"]] == [
        (s.start, s.end, s.label) for s in silver.entities
    ]
    assert "1 disputed" in summary and "labelstudio review" in summary
    stored = json.loads((project / "annotations" / "documents" / f"{DOC}.json").read_text(encoding="utf-8"))
    assert dropped in stored["annotations"][0]["entities"]
    card = (project / "after" / "README.md").read_text(encoding="utf-8")
    assert "| language | gold | silver | disputed |" in card
    assert (
        "| ar | " in card
        and " | 1 |" in card.split("| language | gold | silver | disputed |")[1].split("\n\n")[0]
    )
    diff = diff_folders(project / "before", project / "after")
    assert diff.disputed == {"old": [], "new": [DOC]}
    text = diff.to_text()
    assert "Disputed documents (annotators disagree, kept silver until a reviewer decides): 0 → 1" in text
    assert diff.to_dict()["disputed_documents"]["new"][0]["id"] == DOC
