"""Carrying spans over to a changed text: exactly the same mention, or a refusal — never another place."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder import anchoring
from dataset_builder.anchoring import TextMap

WORDS = ("Egypt", "UN", "UNRWA", "aid", "said", "the", "and", "Gaza", "مصر", "غزة", "وغزة")
SEPARATORS = (" ", ", ", ". ")
FOREIGN_WORD = "αβγ0123"
FOREIGN_OTHER = "·;\u2003\n"
"""Inserted characters never occur in the original text, so where each original character went is
known exactly (an edit that re-typed the same characters would be indistinguishable from no edit)."""


@st.composite
def annotated_texts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """A text of repeated words and, as spans, some of its words (``غزة`` inside ``وغزة``: a proclitic)."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    text, spans = "", []
    for i, word in enumerate(words):
        if i:
            text += draw(st.sampled_from(SEPARATORS))
        if draw(st.booleans()):
            skip = 1 if word == "وغزة" else 0
            spans.append((len(text) + skip, len(text) + len(word)))
        text += word
    return text, spans


@st.composite
def edited(draw: st.DrawFn, text: str, alphabet: str, kinds: tuple[str, ...]) -> list[tuple[str, int]]:
    """The text after random insertions, deletions and replacements, as (character, original index or -1)."""
    chars = [(c, i) for i, c in enumerate(text)]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(kinds))
        at = draw(st.integers(0, len(chars)))
        size = draw(st.integers(1, 8)) if kind != "insert" else 0
        inserted = draw(st.text(alphabet, min_size=1, max_size=6)) if kind != "delete" else ""
        chars[at : at + size] = [(c, -1) for c in inserted]
    return chars


def true_place(chars: list[tuple[str, int]], start: int, end: int) -> tuple[int, int] | None:
    """Where the span's own characters are after the edit: all of them, side by side; else None."""
    where = {origin: k for k, (_, origin) in enumerate(chars) if origin >= 0}
    if not all(i in where for i in range(start, end)):
        return None
    first = where[start]
    if any(where[i] != first + i - start for i in range(start, end)):
        return None
    return first, first + end - start


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_a_span_is_carried_to_its_own_characters_or_refused(data: st.DataObject) -> None:
    text, spans = data.draw(annotated_texts())
    chars = data.draw(edited(text, FOREIGN_WORD + FOREIGN_OTHER, ("insert", "delete", "replace")))
    new = "".join(c for c, _ in chars)
    text_map = TextMap.between(text, new)
    for start, end in spans:
        got = text_map.span(start, end)
        if isinstance(got, str):
            continue  # refused, with a reason
        assert got == true_place(chars, start, end), f"{text[start:end]!r} moved to another place"
        assert new[got[0] : got[1]] == text[start:end]
        for was, now in (
            (text[start - 1 : start], new[got[0] - 1 : got[0]]),
            (text[end : end + 1], new[got[1] : got[1] + 1]),
        ):
            assert was == now or not (anchoring._is_word(was or None) or anchoring._is_word(now or None))


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_inserting_text_between_words_keeps_every_span(data: st.DataObject) -> None:
    """Insertions are certain: nothing is refused when no word is changed (the test above is not vacuous)."""
    text, spans = data.draw(annotated_texts())
    chars = [(c, i) for i, c in enumerate(text)]
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(chars)))
        before = next((origin for _, origin in reversed(chars[:at]) if origin >= 0), -1)
        in_span = any(s <= before < e - 1 for s, e in spans)
        in_word = 0 <= before < len(text) - 1 and all(
            anchoring._is_word(c) for c in text[before : before + 2]
        )
        if not (in_span or in_word):
            chars[at:at] = [(c, -1) for c in data.draw(st.text(FOREIGN_OTHER, min_size=1, max_size=20))]
    new = "".join(c for c, _ in chars)
    text_map = TextMap.between(text, new)
    for start, end in spans:
        assert text_map.span(start, end) == true_place(chars, start, end)


def test_a_deletion_that_leaves_one_of_two_mentions_refuses_both() -> None:
    text_map = TextMap.between("Egypt. Egypt", "Egypt")
    assert "unclear which mention" in text_map.span(0, 5)
    assert "unclear which mention" in text_map.span(7, 12)


def test_a_span_that_became_part_of_a_longer_word_is_refused() -> None:
    text_map = TextMap.between("The UN met.", "The UNRWA met.")
    assert text_map.span(4, 6) == "the character after it changed from ' ' to 'R': it is another word now"
    proclitic = TextMap.between("التقى وبلينكن", "التقى فبلينكن")
    assert "another word" in proclitic.span(7, 13)
    assert TextMap.between("التقى وبلينكن", "ثم التقى وبلينكن").span(7, 13) == (10, 16)


def test_texts_too_long_to_align_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anchoring, "MAX_CELLS", 100)
    with pytest.raises(ValueError, match="too long to align safely"):
        TextMap.between("a" * 11, "b" * 10)


@settings(max_examples=300, deadline=None)
@given(st.text("abc ", max_size=12), st.text("abc ", max_size=12))
def test_the_bit_rows_give_the_longest_common_subsequence(old: str, new: str) -> None:
    table = [[0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in range(1, len(old) + 1):
        for j in range(1, len(new) + 1):
            table[i][j] = max(
                table[i - 1][j], table[i][j - 1], table[i - 1][j - 1] + (old[i - 1] == new[j - 1])
            )
    rows = anchoring._lcs_rows(old, new)
    assert [
        [j - (rows[i] & ((1 << j) - 1)).bit_count() for j in range(len(new) + 1)] for i in range(len(old) + 1)
    ] == table
