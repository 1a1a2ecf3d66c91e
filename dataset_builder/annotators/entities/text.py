"""The text as the entity rules read it: Arabic words on the normalised text, word characters, the
last word before an offset, and Arabic marks (tashkeel, tatweel) read past with offsets mapped back."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import replace

from dataset_builder.documents import Span
from dataset_builder.knowledge.text import MARKS

_WORD = re.compile(r"[^\W\d_]+")
Word = tuple[int, int, str]
"""A word of the text: start, end and the word (in the normalised text)."""


def arabic_words(norm: str) -> list[Word]:
    """The words (start, end, word) of a normalised Arabic text: every Arabic rule reads them, so
    :func:`~dataset_builder.annotators.entities.find_entities` finds them once per document."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm)]


class _WordChars(dict[str, bool]):
    """Character → whether it is a word character (a letter, digit or combining mark), each
    character's answer worked out once: the entity rules ask for every character around a match."""

    def __missing__(self, ch: str) -> bool:
        self[ch] = found = ch.isalnum() or unicodedata.category(ch) == "Mn"
        return found


is_word_char: Callable[[str], bool] = _WordChars().__getitem__
"""Whether a character is a word character (one dictionary look-up, no Python call)."""


def last_word(s: str, at: int, strip: str | None = None) -> tuple[int, str | None]:
    """``len(s[:at].rstrip(strip))`` and the last whitespace-separated word of that prefix (None when
    it has none), reading back only as far as that word: slicing the whole prefix made the entity
    step quadratic in a document's length."""
    window = 64
    while True:
        lo = max(0, at - window)
        piece = s[lo:at].rstrip(strip)
        words = piece.rsplit(None, 1)
        if lo == 0 or (words and len(words[-1]) < len(piece.rstrip())):
            return lo + len(piece), words[-1] if words else None
        window *= 4


def without_marks(text: str) -> tuple[str, list[int]] | None:
    """The text without Arabic marks and where each of its characters sits in ``text`` (one past
    the end for the end), or None when the text has none."""
    marks = [m.start() for m in MARKS.finditer(text)]
    if not marks:
        return None
    at: list[int] = []
    for start, end in zip([-1, *marks], [*marks, len(text)], strict=True):
        at.extend(range(start + 1, end))  # the letters between two marks
    return MARKS.sub("", text), [*at, len(text)]


def unmarked_spans(plain: str, at: list[int], spans: Iterable[Span]) -> list[Span]:
    """Spans of ``text`` (a model's) moved onto its unmarked text ``plain``; a span starting or ending
    on a mark is dropped."""
    out = []
    for span in spans:
        start, end = bisect_left(at, span.start), bisect_left(at, span.end)
        if start < len(at) and at[start] == span.start and end < len(at) and at[end] == span.end:
            out.append(replace(span, start=start, end=end, text=plain[start:end]))
    return out


def marked_spans(text: str, at: list[int], spans: Iterable[Span]) -> list[Span]:
    """Spans found in the unmarked text, mapped back onto ``text``: a span ends after the marks on
    its last letter (a vowel belongs to its letter), never on a tatweel."""
    out = []
    for span in spans:
        start, end = at[span.start], at[span.end - 1] + 1
        while end < len(text) and MARKS.match(text[end]) and text[end] != "\u0640":
            end += 1
        out.append(Span(start, end, text[start:end], span.label, span.entity_id))
    return out


def word_pieces(short: str, words: list[str], pieces: int) -> bool:
    """Whether ``short`` is the starts of some of ``words`` in order, two at least, the first from the
    first word (Phivolcs: Philippine Institute of Volcanology and Seismology; Cocobod: Cocoa Board)."""
    if not short:
        return pieces >= 2
    for i, word in enumerate(words[:1] if pieces == 0 else words):
        n = 1
        while n <= min(len(short), len(word)) and short[:n] == word[:n]:
            if word_pieces(short[n:], words[i + 1 :], pieces + 1):
                return True
            n += 1
    return False
