"""The furniture rules' screen finds exactly the furniture that trying every rule's pattern finds: a
rule's pattern is skipped only for a line holding none of the literals every match of it holds."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.seeds import _UNFOLDED, SeedRules, bare, needed_literals

DATA = Path(__file__).resolve().parent.parent / "data"


def _straightforward(rules: SeedRules, line: str) -> str | None:
    """The first rule that cuts ``line`` alone (not by its neighbour), every rule's pattern tried."""
    stripped = bare(line)
    return next(
        (rule.id for rule in rules.line_rules if not rule.next_cut_by and rule.matches(stripped)), None
    )


def test_lower_folds_as_ignorecase_matches_where_lines_are_screened() -> None:
    folded = "".join(
        c for c in map(chr, range(sys.maxunicode + 1)) if not _UNFOLDED.match(c) and c not in "\n\r"
    )
    for c in folded:
        assert len(c.lower()) == 1
        same_case = {m.group() for m in re.finditer("(?i)" + re.escape(c), folded)}
        assert same_case == {d for d in folded if d.lower() == c.lower()}, c


@pytest.mark.parametrize(
    ("pattern", "needed"),
    [
        (".*(?:foo|bar).*", {"foo", "bar"}),
        ("(?i)a?Bcd+", {"bc"}),
        ("x*[a-c]", None),
        ("x*[ab]", {"a", "b"}),
        ("(?:ab|cd)", {"ab", "cd"}),
        ("(?:ab|c?)", None),
        ("(?:Hello (?:w|W)orld)+", {"hello world"}),
        (r"(?i)x\b\((?:AP|EPA(?:-EFE)?)\)", {"x(ap)", "x(epa)", "x(epa-efe)"}),
        ("a(?:ص|م)", {"aص", "aم"}),
        ("(?:ab|)c", {"c"}),
        ("(?!ab)cd", {"cd"}),
        ("ſtop", None),
    ],
)
def test_needed_literals(pattern: str, needed: set[str] | None) -> None:
    found = needed_literals(re.compile(pattern))
    assert (None if found is None else set(found)) == needed


def test_the_lines_of_the_scraped_pages_are_cut_as_by_every_pattern(knowledge: Knowledge) -> None:
    rules = knowledge.seed_rules
    assert rules.screen is not None
    for folder in ("tuning", "scraped_tuning", "scraped_tuning2"):
        for path in sorted((DATA / folder).glob("*.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                assert rules.furniture(line) == _straightforward(rules, line), line


_PIECES = st.sampled_from(
    ["Cookie", "cookies", "©", "Reuters/", "AP", "[", "/", "]", "(", ")", "تصوير", "جميع الحقوق محفوظة",
     "Share", "Tags:", "#", "by", "ſ", "İ", "\u212a", "Σ", "2024", "12:30", " ", "-", "|", "photo", "x", "A+", "(AP)"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=10))
def test_lines_of_rule_pieces_are_cut_as_by_every_pattern(knowledge: Knowledge, pieces: list[str]) -> None:
    line = "".join(pieces)
    assert knowledge.seed_rules.furniture(line) == _straightforward(knowledge.seed_rules, line)


_SCREENED_CHARS = "".join(
    c for c in map(chr, range(0x2070)) if (not _UNFOLDED.match(c) and c.isprintable()) or c in " \t"
)
"""Characters of lines the screen reads (the others are tried against every pattern)."""


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_line_a_pattern_matches_is_never_screened_out(knowledge: Knowledge, data: st.DataObject) -> None:
    rules = knowledge.seed_rules
    assert rules.screen is not None
    pairs = [(index, at) for index, rule in enumerate(rules.line_rules) for at in range(len(rule.patterns))]
    index, at = data.draw(st.sampled_from(pairs))  # one pattern an example: each is screened alone
    rule = rules.line_rules[index]
    line = data.draw(st.from_regex(rule.patterns[at], fullmatch=True, alphabet=_SCREENED_CHARS))
    possible = rules.screen.possible(line)
    assert possible is not None and at in possible.get(index, ()), (rule.id, rule.patterns[at].pattern, line)


def test_a_pattern_of_short_matches_is_tried_on_short_lines_only(knowledge: Knowledge) -> None:
    """``A[+-]?`` (a text-size button) needs only the letter ``a``, which most lines hold: the screen
    offers it by a line's length instead."""
    rules = knowledge.seed_rules
    assert rules.screen is not None
    buttons = [
        (i, at)
        for i, rule in enumerate(rules.line_rules)
        for at, p in enumerate(rule.patterns)
        if p.fullmatch("A+")
    ]
    assert buttons
    for index, at in buttons:
        assert at in rules.screen.possible("A+").get(index, ())
        assert at not in rules.screen.possible("A man and a plan").get(index, ())
