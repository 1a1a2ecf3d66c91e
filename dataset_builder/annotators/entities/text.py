"""The text as the entity rules read it: Arabic words on the normalised text, word characters, the
last word before an offset, and Arabic marks (tashkeel, tatweel) read past with offsets mapped back."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from dataset_builder.documents import Span
from dataset_builder.knowledge.text import normalise

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4)
def arabic_words(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The normalised text and its words (start, end, word); every Arabic rule reads them."""
    norm = normalise(text, "ar")
    return norm, [(m.start(), m.end(), m.group()) for m in _WORD.finditer(norm)]


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) == "Mn"


Word = tuple[int, int, str]


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


_MARKS = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
"""Tashkeel (vowels, shadda, sukun), the superscript alif, Quranic marks and tatweel: written or not,
the same word (الأمم المتّحدة, المتحـــدة)."""


def without_marks(text: str) -> tuple[str, list[int]] | None:
    """The text without Arabic marks and where each of its characters sits in ``text`` (one past
    the end for the end), or None when the text has none."""
    if _MARKS.search(text) is None:
        return None
    at = [i for i, ch in enumerate(text) if not _MARKS.match(ch)]
    return "".join(text[i] for i in at), [*at, len(text)]


def marked_spans(text: str, at: list[int], spans: Iterable[Span]) -> list[Span]:
    """Spans found in the unmarked text, mapped back onto ``text``: a span ends after the marks on
    its last letter (a vowel belongs to its letter), never on a tatweel."""
    out = []
    for span in spans:
        start, end = at[span.start], at[span.end - 1] + 1
        while end < len(text) and _MARKS.match(text[end]) and text[end] != "\u0640":
            end += 1
        out.append(replace(span, start=start, end=end, text=text[start:end]))
    return out
