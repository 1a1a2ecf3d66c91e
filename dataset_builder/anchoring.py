"""Carry human spans from the text they were made on to a changed text, only where that is certain.

A span may move only with its own characters. The old and new texts are aligned character by
character (a longest common subsequence: the fewest insertions and deletions that turn one into the
other). A text usually has several equally short alignments — after deleting ``Egypt and `` from
``Egypt and Egypt`` the remaining ``Egypt`` is either mention — so both extreme alignments are
computed (the one that matches every character as early as it can, and the one that matches it as
late as it can). Every optimal alignment lies between the two, so a character both match to the
same place is matched there by all of them: that is the only case where a span is carried over.
Nearest-occurrence search (``str.find``) and greedy matchers (``difflib.SequenceMatcher`` takes the
longest block, the first on ties) pick one of the candidates and so can put a label on another
mention; here any doubt is a refusal, with the reason.

A span is also refused when a word character now touches it where none did before, or the word
character beside it changed (``UN`` → ``UNRWA``, ``وبلينكن`` → ``فبلينكن``): its text is intact but it
is no longer the same word.

The alignment is bit-parallel (Hyyrö 2004): one Python integer of ``len(new)`` bits per character of
the old text, i.e. ``len(old) * len(new) / 8`` bytes — 2 MB for two 4,000-character articles.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

MAX_CELLS = 1 << 31
"""Largest ``len(old) * len(new)`` aligned (256 MB of bit rows); longer documents are refused."""

_WORD = regex.compile(r"[\w\p{M}]")


def _is_word(char: str | None) -> bool:
    return char is not None and _WORD.match(char) is not None


def _shown(char: str | None) -> str:
    return repr(char) if char is not None else "the edge of the text"


def _lcs_rows(old: str, new: str) -> list[int]:
    """Row ``i``: bit ``j`` is 0 where LCS(old[:i], new[:j + 1]) exceeds LCS(old[:i], new[:j]) (Hyyrö 2004)."""
    full = (1 << len(new)) - 1
    masks: dict[str, int] = {}
    for j, char in enumerate(new):
        masks[char] = masks.get(char, 0) | (1 << j)
    row, rows = full, [full]
    for char in old:
        matched = row & masks.get(char, 0)
        row = ((row + matched) | (row - matched)) & full
        rows.append(row)
    return rows


def _extreme_alignment(old: str, new: str, rows: list[int], early: bool) -> list[int]:
    """For each old character its position in new (-1: unmatched) in one extreme optimal alignment.

    Walking back from the end, the early alignment skips old characters whenever it can (so each
    match happens as early in ``old`` as possible); the late one skips new characters first.
    """

    def lcs(i: int, j: int) -> int:
        return j - (rows[i] & ((1 << j) - 1)).bit_count()

    matched = [-1] * len(old)
    i, j = len(old), len(new)
    while i > 0 and j > 0:
        here = lcs(i, j)
        skip_old = lcs(i - 1, j) == here
        skip_new = lcs(i, j - 1) == here
        if early and skip_old:
            i -= 1
        elif not early and skip_new:
            j -= 1
        elif old[i - 1] == new[j - 1] and lcs(i - 1, j - 1) + 1 == here:
            i, j = i - 1, j - 1
            matched[i] = j
        elif skip_old:
            i -= 1
        else:
            j -= 1
    return matched


@dataclass(frozen=True)
class TextMap:
    """Where each character of ``old`` certainly is in ``new`` (-1 where that is not certain)."""

    old: str
    new: str
    certain: tuple[int, ...]

    @classmethod
    def between(cls, old: str, new: str) -> TextMap:
        """Align ``old`` with ``new``; raises ValueError when the texts are too long to align."""
        if old == new:
            return cls(old, new, tuple(range(len(old))))
        if len(old) * len(new) > MAX_CELLS:
            raise ValueError(f"texts of {len(old)} and {len(new)} characters are too long to align safely")
        rows = _lcs_rows(old, new)
        early = _extreme_alignment(old, new, rows, early=True)
        late = _extreme_alignment(old, new, rows, early=False)
        return cls(old, new, tuple(a if a == b else -1 for a, b in zip(early, late, strict=True)))

    def span(self, start: int, end: int) -> tuple[int, int] | str:
        """New offsets of ``old[start:end]``, or why the span cannot be carried over."""
        if not 0 <= start < end <= len(self.old):
            return f"offsets {start}:{end} are outside the text it was made on"
        first = self.certain[start]
        if first < 0 or any(self.certain[k] != first + k - start for k in range(start, end)):
            return "its text was edited, or the edit leaves it unclear which mention it is"
        new_start, new_end = first, first + end - start
        before = (self.old[start - 1] if start else None, self.new[new_start - 1] if new_start else None)
        after = (
            self.old[end] if end < len(self.old) else None,
            self.new[new_end] if new_end < len(self.new) else None,
        )
        for side, (was, now) in (("before", before), ("after", after)):
            if was != now and (_is_word(was) or _is_word(now)):
                return f"the character {side} it changed from {_shown(was)} to {_shown(now)}: it is another word now"
        return new_start, new_end
