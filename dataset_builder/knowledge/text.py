"""How knowledge is matched against text: a length-preserving normalisation of Arabic letter variants,
applied alike to the names compiled from the knowledge files and to the text the annotators read."""

from __future__ import annotations

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
