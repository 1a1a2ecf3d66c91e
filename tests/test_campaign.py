"""The next batch (``labelstudio next``): test and validation documents first, then the least sure,
balanced by language and topic, deterministic, each choice with its reasons. Offline: no server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ANN, KNOWLEDGE, SEEDS

from dataset_builder import annotations, cli, pipeline
from dataset_builder.documents import Document
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio.campaign import document_splits, next_batch, rank
from dataset_builder.project import Project, init_project
from dataset_builder.splits import LEDGER_NAME


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A new project with this repository's seeds and knowledge, and no stored annotation."""
    made = init_project(tmp_path / "next-batch")
    shutil.copytree(SEEDS, made.seeds_dir, dirs_exist_ok=True)
    ignored = shutil.ignore_patterns(annotations.DOCUMENTS_DIR, annotations.EXPORTS_DIR)
    shutil.copytree(ANN, made.annotations_dir, ignore=ignored, dirs_exist_ok=True)
    return made


def silver(project: Project) -> tuple[list[Document], Knowledge]:
    knowledge = Knowledge.load(project.annotations_dir)
    return list(pipeline.silver_documents(project.seeds_dir, knowledge)), knowledge


def write_ledger(project: Project, splits: dict[str, str]) -> None:
    """The split ledger as a build records it (each document in an event of its own)."""
    body = {
        "format": 1,
        "documents": {d: {"event": f"event-{d}", "split": s} for d, s in sorted(splits.items())},
    }
    (project.annotations_dir / LEDGER_NAME).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")


def test_the_next_batch_ranks_test_and_validation_documents_first(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    documents, knowledge = silver(project)
    assert len(documents) >= 5
    all_train = rank(documents, {d.id: "train" for d in documents}, knowledge)
    # the two documents the silver pipeline is surest about go to test and validation: they must
    # still come first, because evaluation needs gold
    surest = sorted(all_train, key=lambda c: (c.uncertainty, c.document_id))
    test_doc, validation_doc = surest[0].document_id, surest[1].document_id
    write_ledger(
        project,
        {
            d.id: "test" if d.id == test_doc else "validation" if d.id == validation_doc else "train"
            for d in documents
        },
    )
    assert document_splits(documents, project.annotations_dir, project)[test_doc] == "test"
    batch = next_batch(project, documents, project.annotations_dir, knowledge, 4)
    assert [c.document_id for c in batch[:2]] == [test_doc, validation_doc]
    assert batch[0].reasons[0] == "test split: evaluation needs gold"
    assert batch[1].reasons[0] == "validation split: evaluation needs gold"
    assert all(c.split == "train" for c in batch[2:]) and len(batch) == 4
    # among train documents the least sure come first, one language after the other
    train = [c for c in rank(documents, {d.id: "train" for d in documents}, knowledge)]
    assert train[0].uncertainty == max(c.uncertainty for c in train)
    languages = {c.language for c in train}
    if len(languages) > 1:
        assert len({c.language for c in train[: len(languages)]}) == len(languages)

    code = cli.main(["labelstudio", "next", "-C", str(project.root), "-n", "3"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[1].strip().startswith(f"1. {test_doc} (") and "test split" in lines[1]
    assert lines[2].strip().startswith(f"2. {validation_doc} (")
    assert len(lines) == 4


def test_the_next_batch_is_deterministic_and_skips_annotated_documents(project: Project) -> None:
    documents, knowledge = silver(project)
    first = next_batch(project, documents, project.annotations_dir, knowledge, len(documents))
    again = next_batch(project, list(reversed(documents)), project.annotations_dir, knowledge, len(documents))
    assert first == again and sorted(c.document_id for c in first) == sorted(d.id for d in documents)
    assert all(c.reasons for c in first)
    done = first[0].document_id
    stored = project.annotations_dir / annotations.DOCUMENTS_DIR
    stored.mkdir()
    shutil.copy(ANN / annotations.DOCUMENTS_DIR / f"{done}.json", stored)
    after = next_batch(project, documents, project.annotations_dir, knowledge, len(documents))
    assert sorted(c.document_id for c in after) == sorted(
        c.document_id for c in first if c.document_id != done
    )


def test_words_that_look_like_names_but_nobody_tagged_make_a_document_less_sure(make_doc) -> None:
    knowledge = KNOWLEDGE
    tagged = make_doc(
        "900_tagged-en",
        "en",
        "Talks went on. Officials met Blinken in Cairo.",
        [("Blinken", "PER"), ("Cairo", "LOC")],
        topics=["diplomacy"],
    )
    untagged = make_doc(
        "901_untagged-en",
        "en",
        "Talks went on. Officials met Blinken in Cairo.",
        [("Cairo", "LOC")],
        topics=["diplomacy"],
    )
    no_topic = make_doc(
        "902_no_topic-en",
        "en",
        "Talks went on. Officials met Blinken in Cairo.",
        [("Blinken", "PER"), ("Cairo", "LOC")],
    )
    ranked = rank([tagged, untagged, no_topic], {}, knowledge)
    by_id = {c.document_id: c for c in ranked}
    assert by_id["900_tagged-en"].uncertainty == 0
    assert any("'Blinken'" in r for r in by_id["901_untagged-en"].reasons)
    assert "no topic" in by_id["902_no_topic-en"].reasons
    assert ranked[-1].document_id == "900_tagged-en"
