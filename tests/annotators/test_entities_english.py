"""The English name patterns are written for speed (possessive words, the capital first); a test keeps
them equal to the plain backtracking patterns they replace (the oracle), on news text and on fuzzed
lines made of the cases where they could differ: possessives, hyphens, apostrophes, digits or accented
letters glued to a word, line breaks."""

from __future__ import annotations

import random
import re

import pytest
from conftest import KNOWLEDGE

from dataset_builder.knowledge import entities as compiled

_WORD = r"[A-Z][A-Za-z’'\-]*[a-z][A-Za-z’'\-]*"
"""The name word as first written: any split of the word may be retried on backtracking."""
ORACLE_PARTS = {
    compiled._EN_NAME_WORD_AT_START: rf"\b{_WORD}",
    compiled._EN_FIRST_WORD: rf"(?<![\w’'-]){_WORD}(?<![’']s)",
    compiled._EN_NAME_WORD: _WORD,
}
PATTERNS = ("en_org", "en_country_org", "en_loc", "en_misc", "en_particle_name", "en_said", "en_named")
PIECES = [
    "Al", "al-", "Sisi", "McDonald", "O'Brien", "Egypt’s", "England's", "Bank", "Ministry", "of", "the",
    "Foreign", "said", "told", ",", "\n", "2", "é", "Côte", "-", "’", "X", "AB", "Group", "Street",
    "Mount", "Storm", "US", "U.S.", "bin", "Abu", "Mr.", "President", "Ahly2", "_", "and", "Michel", "John", "Cup", "UK",
]  # fmt: skip


def _oracle(pattern: re.Pattern[str]) -> re.Pattern[str]:
    text = pattern.pattern
    for fast, plain in ORACLE_PARTS.items():
        text = text.replace(fast, plain)
    assert text != pattern.pattern, "the pattern holds none of the fast words"
    return re.compile(text)


def _fuzzed_lines() -> list[str]:
    rng = random.Random(19)
    lines = [
        "".join(rng.choice(PIECES) + rng.choice(["", " ", " ", "-", "'"]) for _ in range(40))
        for _ in range(1000)
    ]
    return [*lines, "Foreign Minister Sameh Shoukry said the Bank of Egypt’s Governor met Al-Ahly2 fans."]


LINES = _fuzzed_lines()


@pytest.mark.parametrize("name", PATTERNS)
def test_a_fast_pattern_finds_what_the_plain_one_finds(name: str) -> None:
    fast = getattr(KNOWLEDGE.entities, name)
    plain = _oracle(fast)
    found = 0
    for line in LINES:
        spans = [m.span("name") for m in fast.finditer(line)]
        assert spans == [m.span("name") for m in plain.finditer(line)], line
        found += len(spans)
    assert found > 50  # the lines hold names of every kind
