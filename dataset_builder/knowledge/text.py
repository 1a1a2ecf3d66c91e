"""How knowledge is matched against text: a length-preserving normalisation of Arabic letter variants,
applied alike to the names compiled from the knowledge files and to the text the annotators read."""

from __future__ import annotations

import re

MARKS = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
"""Tashkeel (vowels, shadda, sukun), the superscript alif, Quranic marks and tatweel: written or not,
the same word (الأمم المتّحدة, المتحـــدة)."""

LetterMarks = tuple[frozenset[str], ...]
"""The marks written on each letter of a word (tatweel left out)."""


def letter_marks(word: str) -> tuple[str, LetterMarks]:
    """A word's letters without marks, and the marks on each letter: عمّان → (عمان, ({}, {ّ}, {}, {}))."""
    letters: list[str] = []
    marks: list[set[str]] = []
    for ch in word:
        if ch == "\u0640":
            continue
        if MARKS.match(ch):
            if marks:
                marks[-1].add(ch)
            continue
        letters.append(ch)
        marks.append(set())
    return "".join(letters), tuple(frozenset(m) for m in marks)


_AR_NORMAL = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))
"""Letter variants matched as one: one letter for one (offsets stay valid), none of them a target."""


def normalise(text: str, language: str) -> str:
    """Length-preserving normalisation used for matching (offsets stay valid)."""
    if language != "ar":
        return text
    for variant, letter in _AR_NORMAL:  # six str.replace: ~30× faster than str.translate on Arabic
        text = text.replace(variant, letter)
    return text


def after_lam(surface: str) -> str:
    """How a name with the article is written after the preposition ل: ل + الفلسطينيين → للفلسطينيين.

    The span then starts at the article's ل (لفلسطينيين), the preposition staying outside.
    """
    return surface[1:]
