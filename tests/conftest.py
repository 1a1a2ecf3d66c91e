"""Shared fixtures: hand-made documents and one build of them (cheap, no pipeline)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from dataset_builder.documents import Document, Span
from dataset_builder.knowledge import Knowledge
from dataset_builder.project import CACHE_ENV, Project

REPO = Path(__file__).resolve().parent.parent
ANN = REPO / "annotations"
"""This repository's own project: its knowledge and the gold of its seeds."""
SEEDS = REPO / "seeds"
KNOWLEDGE = Knowledge.load(ANN)
"""The repository's knowledge, loaded once for the whole session (the gazetteer takes a second)."""
TAXONOMY = KNOWLEDGE.taxonomy
PROJECT = Project.load(REPO)

MakeDoc = Callable[..., Document]


def _make_doc(
    doc_id: str,
    language: str,
    text: str,
    entities: Sequence[tuple[str, str]] = (),
    **fields: Any,
) -> Document:
    """A document whose entities are given as (surface, label), located by their first occurrence."""
    spans = []
    for surface, label in entities:
        start = text.index(surface)
        spans.append(Span(start, start + len(surface), surface, label))
    return Document(
        id=doc_id,
        seed_file=f"{doc_id.split('-')[0]}.txt",
        language=language,
        text=text,
        seed_start=0,
        seed_end=len(text),
        entities=spans,
        **fields,
    )


@pytest.fixture(scope="session", autouse=True)
def silver_cache_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Commands run on this repository's project (``-C`` or from its folder) keep their silver cache
    in a temporary folder, not in the checkout, and the signing key of the compiled knowledge
    (:mod:`dataset_builder.knowledge.compiled`) in another, not in the user's cache home
    (subprocesses inherit the variables)."""
    folder = tmp_path_factory.mktemp("silver-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache-home")))
        yield folder


@pytest.fixture(scope="session")
def make_doc() -> MakeDoc:
    return _make_doc


def sample_documents() -> list[Document]:
    """A translation pair (paragraph-aligned), an Arabic proclitic entity, and unrelated articles."""
    date = dt.date(2024, 2, 6)
    docs = [
        _make_doc(
            "000_pair-ar",
            "ar",
            "التقى السيسي وبلينكن في القاهرة.\nوقال الوزير إن المحادثات جيدة؟ نعم.",
            [("السيسي", "PER"), ("بلينكن", "PER"), ("القاهرة", "LOC")],
            topics=["diplomacy"],
            translation_group="000_pair",
            date=date,
        ),
        _make_doc(
            "000_pair-en",
            "en",
            "Sisi met Blinken in Cairo.\nThe minister said the talks were good. Yes.",
            [("Sisi", "PER"), ("Blinken", "PER"), ("Cairo", "LOC")],
            topics=["diplomacy"],
            translation_group="000_pair",
            date=date,
        ),
    ]
    for i in range(12):
        docs.append(
            _make_doc(
                f"{i + 1:03d}_doc",
                "en" if i % 2 else "ar",
                f"Hamas and Israel talks in Doha, round {i}. U.S. officials attended."
                if i % 2
                else f"محادثات حماس وإسرائيل في الدوحة، الجولة {i}.",
                [("Hamas", "ORG"), ("Doha", "LOC"), ("U.S.", "LOC")] if i % 2 else [("الدوحة", "LOC")],
                topics=["armed_conflict"] if i % 3 else [],
                annotation_status="gold" if i % 4 == 0 else "silver",
            )
        )
    return docs


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """The repository's knowledge, loaded once."""
    return KNOWLEDGE


@pytest.fixture(scope="session")
def sample_docs() -> list[Document]:
    return sample_documents()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample documents built once (tests must not modify it)."""
    from dataset_builder.build import write_dataset

    out = tmp_path_factory.mktemp("built") / "dist"
    write_dataset(
        sample_documents(),
        out,
        project=PROJECT,
        taxonomy=TAXONOMY,
        split_ratios=(0.5, 0.25, 0.25),
        progress=False,
    )
    return out
