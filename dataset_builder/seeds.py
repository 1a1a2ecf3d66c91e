"""Read seed articles, clean them, and split a file into one document per language.

Cleaning only ever *deletes* characters (metadata header lines, "read also" link lines, page
furniture lines named by the seed rules' ``line_rules``, related-article lists, stray whitespace,
``\\r`` of CRLF); each deletion is a :class:`~dataset_builder.documents.Cut`, so
``documents.rebuild_seed`` gives back the file's text exactly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataset_builder.documents import DATE_CUTS, Cut, Document
from dataset_builder.errors import InputError
from dataset_builder.knowledge.seeds import SeedRules, bare
from dataset_builder.language import LanguageRun, language_runs

SEED_SUFFIX = ".txt"
_TERMINAL = tuple(".!?؟…")
_CLOSERS = "\"'”’»)]"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
"""Control characters (Unicode category Cc) that no text article holds; tab, newlines and form feed may."""


RELATED = "related"
TAIL_LIST = "tail_list"
HEAD_LABEL = "head_label"
MENU_RUN = "menu_run"
_NOT_A_MENU_ITEM = re.compile(r"[\d٠-٩:/()\[\]|«»\"'“”!?؟،,;؛@#+=*]|(?<!\.\w)\.$|^[-–—•▪◦·]")
"""A short line holding one of these (or ending a sentence, ``U.S.`` does not; or opening with a
bullet) is a list item, a quote, a date or a credit of the article, not a menu item."""
_RELATIVE = re.compile(r"(?i)\bago\b|منذ|قبل")
"""A relative time (``2 hours ago``, ``منذ ساعتين``): one that no sentence ends with when it is a list's."""
_NOT_A_LABEL = re.compile(r"[\d:/()\[\]|«»\"'“”.!?؟،,;؛@#&+=*\-–—]")
"""A short line holding one of these is a dateline, a credit, a date or a sentence, not a section label."""
_CRUMB = re.compile(r"\s[/|>»›•·]\s")
"""The separator of a breadcrumb's labels, spaced (``UAE / Courts``); ``Israel/Gaza`` is no breadcrumb."""


class SeedFiles(Sequence[Path]):
    """The seed files of a folder in name order: their names in one Arrow array, each :class:`Path`
    made when asked for (a list of a million ``Path`` objects held over a gigabyte)."""

    def __init__(self, folder: Path, names: Sequence[str] | pa.Array) -> None:
        self.folder = Path(folder)
        self.names = names if isinstance(names, pa.Array) else pa.array(names, pa.string())

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [self.folder / name for name in self.names[index].to_pylist()]
        return self.folder / self.names[index].as_py()

    def subset(self, keep: np.ndarray) -> SeedFiles:
        """The files where the mask ``keep`` is true."""
        return SeedFiles(self.folder, self.names.filter(pa.array(keep, pa.bool_())))


def seed_files(seeds_dir: Path) -> SeedFiles:
    """The seed files in a stable (name) order; the folder is a flat, open set of ``*.txt`` files.

    The suffix is matched whatever its case (``.TXT``). Hidden files (``.x.txt``, macOS's ``._x.txt``)
    are skipped. A subfolder is an error rather than skipped: seeds put there would silently be left
    out of the dataset. So is a ``.txt`` entry that is not a regular file (a broken symbolic link, a
    pipe); :func:`read_seed` names a seed it cannot read. Two files of one stem (``a.txt``, ``a.TXT``)
    are an error: both would give the same document ids.
    """
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise InputError(f"{seeds_dir}: seeds folder not found")
    with os.scandir(seeds_dir) as listing:  # a directory entry knows its type: no stat per file
        entries = list(listing)
    # in Arrow, and in Python only the entries that are no regular file: a loop over every entry
    # was most of a 100k rebuild's 0.3 s listing
    names = pa.array([entry.name for entry in entries], pa.string())
    regular = pa.array([entry.is_file() for entry in entries], pa.bool_())
    order = pc.sort_indices(names)  # UTF-8 bytes sort as code points: name order
    names, regular = names.take(order), regular.take(order)
    visible = pc.invert(pc.starts_with(names, "."))
    seeds = pc.ends_with(names, SEED_SUFFIX, ignore_case=True)
    for i in np.flatnonzero(pc.and_(visible, pc.invert(regular)).to_numpy(zero_copy_only=False)).tolist():
        entry = entries[order[i].as_py()]
        if entry.is_dir():
            raise InputError(
                f"{seeds_dir / entry.name}: a subfolder in the seeds folder: seeds must be {SEED_SUFFIX} "
                f"files directly in {seeds_dir} (move its files up, or the folder out)"
            )
        if seeds[i].as_py():
            path = seeds_dir / entry.name
            what = "broken symbolic link" if path.is_symlink() and not path.exists() else "not a regular file"
            raise InputError(f"{path}: {what}, not a seed file")
    names = names.filter(pc.and_(pc.and_(visible, seeds), regular))
    if not len(names):
        raise InputError(f"{seeds_dir}: no {SEED_SUFFIX} seed files")
    _check_twins(seeds_dir, names)
    return SeedFiles(seeds_dir, names)


def _check_twins(seeds_dir: Path, names: pa.Array) -> None:
    """Refuse two files of one stem, naming the first such pair in name order."""
    stems = pc.utf8_slice_codeunits(names, 0, -len(SEED_SUFFIX))
    counts = pc.value_counts(stems)
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if not len(repeated):
        return
    first: dict[str, str] = {}
    for i in np.flatnonzero(pc.is_in(stems, value_set=repeated).to_numpy(zero_copy_only=False)).tolist():
        stem, name = stems[i].as_py(), names[i].as_py()
        if stem in first:
            raise InputError(
                f"{seeds_dir / first[stem]} and {seeds_dir / name}: two seed files of one name "
                f"(documents {stem}-…); rename one"
            )
        first[stem] = name


def decode_seed(path: Path, data: bytes) -> str:
    """UTF-8 text of a seed, or an :class:`InputError` naming the byte and line at fault."""
    if not data.strip():
        raise InputError(f"{path}: empty file")
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(f"{path}: binary file (NUL byte at byte {nul}, line {line})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}: not UTF-8 at byte {exc.start} (line {line}): {exc.reason}") from exc
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise InputError(
            f"{path}: control character U+{ord(control.group()):04X} at line {line}: not a text article"
        )
    return text


def seed_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the seed file ({exc.strerror or exc})") from exc


def read_seed(path: Path) -> str:
    return decode_seed(path, seed_bytes(path))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line without its newline) for every line of ``text``."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _is_blank(line: str) -> bool:
    return not line.strip()


def _looks_like_link(line: str, max_chars: int, question: bool = False) -> bool:
    """A "read also" link: a short headline, not a sentence; with ``question``, one that asks
    (``What is a red weather warning?``: the first link under its marker may be such a headline)."""
    stripped = line.strip().rstrip(_CLOSERS)
    ends = stripped.endswith(_TERMINAL) and not (question and stripped.endswith(("?", "؟")))
    return 0 < len(stripped) <= max_chars and not ends


_SECTION_WORDS = 2
"""The most words of a section named after a "read also" marker without a colon (``More from UAE``)."""


def _opens_links(marker: str, rest: str) -> bool:
    """Whether the lines under a "read also" marker line are its links: the marker is alone on its
    line, or names a section after it without a colon (``More from UAE``)."""
    if _is_blank(rest):
        return True
    return not marker.rstrip().endswith((":", "：")) and _is_heading(rest, _SECTION_WORDS)


def _related_runs(lines: list[tuple[int, str]], rules: SeedRules) -> set[int]:
    """Indices of the lines in runs of at least ``min_pairs`` (headline, timestamp) pairs, blank lines
    between them allowed: a related-articles list. A date label alone (``Updated``, ``Published``) above
    its date is no headline: those lines are the page's own dates."""
    if rules.timestamp is None:
        return set()
    stamp = rules.timestamp
    filled = [i for i, (_, line) in enumerate(lines) if line.strip()]
    runs: set[int] = set()
    run: list[int] = []
    k = 0
    while k <= len(filled):
        pair = filled[k : k + 2]
        headline, time = (lines[i][1].strip() for i in pair) if len(pair) == 2 else ("", "")
        if (
            time
            and stamp.fullmatch(time)
            and not stamp.fullmatch(headline)
            and _looks_like_link(headline, rules.headline_max_chars)
            and rules.furniture(headline) not in DATE_CUTS  # "Updated" / "Published" above their date
        ):
            run += pair
            k += 2
            continue
        if len(run) >= 2 * rules.min_pairs:
            runs.update(run)
            above = k - len(run) - 1
            if above >= 0 and _is_heading(lines[filled[above]][1], rules.related_heading_words):
                runs.add(filled[above])
        run = []
        k += 1
    return runs | _inline_related_runs(lines, filled, rules)


def _inline_related_runs(lines: list[tuple[int, str]], filled: list[int], rules: SeedRules) -> set[int]:
    """Indices of the lines in runs of at least ``min_pairs`` lines that each end in a timestamp:
    another article's headline and its time on one line (``Oil prices rise | 2 hours ago``, ``النفط
    يرتفع منذ ساعتين``). The time follows a separator, or is a relative one (a sentence's ``at 18:00``
    is no timestamp of a list)."""
    if rules.timestamp is None or not rules.inline_min_words:
        return set()
    runs: set[int] = set()
    run: list[int] = []
    for index in [*filled, None]:
        if index is not None and _inline_stamped(lines[index][1], rules):
            run.append(index)
            continue
        if len(run) >= rules.min_pairs:
            runs.update(run)
        run = []
    return runs


_STAMP_MAX_WORDS = 6
"""The most words a timestamp has (``Sun 12 May 2024 10:30 GMT``)."""
_STAMP_SEPARATORS = frozenset("-|•·–—")


def _inline_stamped(line: str, rules: SeedRules) -> bool:
    """Whether ``line`` is a headline of a few words and a timestamp after it, the longest its last
    words make (``نُشر في: الثلاثاء 12 آذار 2024 - 18:40`` is a date line, not a headline ``… 2024``
    and a time). The timestamp is tried on the last words only (one pattern over the whole line
    backtracks through it)."""
    words = line.split()
    if rules.timestamp is None or len(line) > rules.headline_max_chars:
        return False
    sizes = range(min(_STAMP_MAX_WORDS, len(words) - 1), 0, -1)
    size = next((n for n in sizes if rules.timestamp.fullmatch(" ".join(words[-n:]))), 0)
    if not size:
        return False
    head = words[:-size]
    separated = head[-1] in _STAMP_SEPARATORS
    head = head[:-1] if separated else head
    return (
        len(head) >= rules.inline_min_words
        and not " ".join(head).rstrip(_CLOSERS).endswith((*_TERMINAL, ":", "،", ","))
        and (separated or _RELATIVE.search(" ".join(words[-size:])) is not None)
    )


def _is_heading(line: str, max_words: int) -> bool:
    """A list's heading (``Latest updates``, ``حول هذه القصة``): a few words, no digit or punctuation."""
    stripped = line.strip()
    return 0 < len(stripped.split()) <= max_words and not _NOT_A_LABEL.search(stripped)


def _is_sentence(line: str, max_chars: int) -> bool:
    """Article text rather than a list item: long, or ending a sentence (a headline may ask a question)."""
    return len(line) > max_chars or line.rstrip(_CLOSERS).endswith((".", "!", "…", "،", ","))


def _tail_list(lines: list[tuple[int, str]], rules: SeedRules) -> int:
    """Index of the first line of the lists that end the page (a heading, then only short lines that
    are no sentence, furniture or other headings, to the end of the text); ``len(lines)`` when none."""
    if rules.tail_heading is None:
        return len(lines)
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index][1].strip()
        if not line:
            continue
        if rules.tail_heading.fullmatch(line):
            start = index
        elif _is_sentence(line, rules.tail_item_max_chars) and rules.furniture(line) is None:
            break
    return start


def _head_labels(lines: list[tuple[int, str]], gone: set[int], rules: SeedRules, site: str = "") -> list[int]:
    """Indices of the short lines (section names, kickers) that open the page above its first longer
    line, the headline; none when no longer line follows them (a page of short lines only). A line
    that ``site`` holds (the text of the page's copyright and "Welcome to" lines, casefolded) is the
    outlet's name: a label however many words it has, up to ``head_site_words``."""
    if not rules.head_label_words:
        return []
    labels = []
    for index, (_, line) in enumerate(lines):
        stripped = line.strip()
        if index in gone or not stripped:
            continue
        if not _head_label(stripped, rules) and not _site_name(stripped, site, rules):
            return labels
        labels.append(index)
    return []


def _head_label(line: str, rules: SeedRules) -> bool:
    """A section name or kicker (a few words, no digit or punctuation), or a breadcrumb of two such
    labels and a spaced separator (``UAE / Courts``), of no more words than one label (``Israel / Gaza
    war`` is a headline)."""
    parts = _CRUMB.split(line)
    return (
        len(parts) <= 2
        and all(p.split() for p in parts)
        and sum(len(p.split()) for p in parts) <= rules.head_label_words
        and len(line) <= rules.head_label_chars
        and not any(_NOT_A_LABEL.search(p) for p in parts)
    )


def _site_name(line: str, site: str, rules: SeedRules) -> bool:
    """Whether ``line`` is the outlet's name as its copyright or "Welcome to" line gives it."""
    words = line.split()
    return bool(site) and len(line) >= 3 and len(words) <= rules.head_site_words and line.casefold() in site


def find_cuts(text: str, rules: SeedRules) -> list[Cut]:
    """Metadata headers, "read also" blocks, page furniture and CR characters to delete, in seed coordinates."""
    cuts: list[Cut] = []
    lines = list(_lines(text))
    related = _related_runs([(s, line.rstrip("\r")) for s, line in lines], rules)
    tail = _tail_list(lines, rules)
    in_links = first_link = drop_next_blank = False
    prev_blank = True
    kept = False  # whether a line with text was kept above: the next one is not the headline
    body = False  # whether a sentence was kept below the headline: the article has begun
    first_sentence = len(lines)  # the line that began it
    gone: dict[int, str] = {}  # lines cut whole → the reason
    for index, (start, line) in enumerate(lines):
        end = start + len(line) + (1 if index < len(lines) - 1 else 0)
        if line.endswith("\r"):
            crs = len(line) - len(line.rstrip("\r"))
            cuts.append(Cut(start + len(line) - crs, "\r" * crs, "newline"))
            line = line[:-crs]
        if start == 0 and line.startswith("\ufeff"):
            cuts.append(Cut(0, "\ufeff", "bom"))
            start, line = 1, line[1:]
        blank = _is_blank(line)
        marker = rules.read_also.match(line)
        if marker:
            cuts.append(Cut(start, text[start:end], "read_also"))
            gone[index] = "read_also"
            in_links = first_link = _opens_links(marker.group(), line[marker.end() :])
            drop_next_blank = prev_blank
            continue
        if in_links and (blank or _looks_like_link(line, rules.link_max_chars, first_link)):
            cuts.append(Cut(start, text[start:end], "read_also"))
            gone[index] = "read_also"
            first_link = first_link and blank
            continue
        in_links = False
        if drop_next_blank and blank:
            cuts.append(Cut(start, text[start:end], "whitespace"))
            drop_next_blank = False
            continue
        drop_next_blank = False
        furniture = None if blank else RELATED if index in related else rules.furniture(line, not kept, body)
        if furniture is None and index >= tail and not blank:
            furniture = TAIL_LIST
        if furniture is not None:
            cuts.append(Cut(start, text[start:end], furniture))
            gone[index] = furniture
            drop_next_blank = prev_blank
            continue
        meta = rules.metadata.match(line)
        if meta and _is_blank(line[meta.end() :]):
            cuts.append(Cut(start, text[start:end], "metadata"))
            gone[index] = "metadata"
            drop_next_blank = prev_blank
            continue
        if meta:
            cuts.append(Cut(start, text[start : start + meta.end()], "metadata"))
        prev_blank = blank
        if not body and kept and line.rstrip().rstrip(_CLOSERS).endswith(_TERMINAL):
            body, first_sentence = True, index
        kept = kept or not blank
    site = " ".join(c.text.casefold() for c in cuts if c.reason in rules.head_site_rules)
    head = _head_span(lines, gone, rules, site, first_sentence)
    for index, reason in _context_lines(lines, gone, rules, head).items():
        cuts.append(_line_cut(text, lines, index, reason))
        gone[index] = reason
    for index in _menu_items(lines, gone, rules):
        cuts.append(_line_cut(text, lines, index, MENU_RUN))
        gone[index] = MENU_RUN
    for index in _closing_related(lines, gone, rules):
        cuts.append(_line_cut(text, lines, index, RELATED))
        gone[index] = RELATED
    for index in _head_labels(lines, gone, rules, site):
        cuts.append(_line_cut(text, lines, index, HEAD_LABEL))
    return _normalise(cuts)


def _line_cut(text: str, lines: list[tuple[int, str]], index: int, reason: str) -> Cut:
    """The cut of a whole line with its newline (a BOM before it keeps its own cut)."""
    start, line = lines[index]
    end = start + len(line) + (1 if index < len(lines) - 1 else 0)
    start += start == 0 and line.startswith("\ufeff")
    return Cut(start, text[start:end], reason)


def _head_span(
    lines: list[tuple[int, str]], gone: dict[int, str], rules: SeedRules, site: str, first_sentence: int
) -> range:
    """The lines below the headline down to the article's first sentence (that line included): the
    headline is the first line the rules keep that is no section label or outlet's name (as
    :func:`_head_labels` finds them) and has more words than a label (``News24`` is a name); empty
    when there is none."""
    labels = set(_head_labels(lines, set(gone), rules, site))
    for index, (_, line) in enumerate(lines):
        if len(line.split()) > rules.head_label_words and index not in gone and index not in labels:
            return range(index + 1, first_sentence + 1)
    return range(0)


def _context_lines(
    lines: list[tuple[int, str]], gone: dict[int, str], rules: SeedRules, head: range = range(0)
) -> dict[int, str]:
    """Lines cut by a rule that needs the next non-blank line cut by another one (a name above its
    date), below a kept line (so never the headline) → the rule's id. A line under a kept line that
    ends in a colon is what that line introduces (``Women's winner:`` above a name), never cut so.
    Rules marked ``head_only`` cut only the lines of ``head`` (below the headline, down to the
    article's first sentence: a photo's caption above the date)."""
    context = rules.context_rules
    if not context:
        return {}
    filled = [i for i, (_, line) in enumerate(lines) if line.strip()]
    found: dict[int, str] = {}
    for k, index in enumerate(filled[:-1]):
        if index in gone or all(i in gone for i in filled[:k]) or _introduced(lines, filled, k, gone):
            continue
        stripped = bare(lines[index][1].rstrip("\r"))
        below = gone.get(filled[k + 1])
        rule = next(
            (
                r
                for r in context
                if below in r.next_cut_by and (not r.head_only or index in head) and r.matches(stripped)
            ),
            None,
        )
        if rule is not None:
            found[index] = rule.id
    return found


def _introduced(lines: list[tuple[int, str]], filled: list[int], k: int, gone: dict[int, str]) -> bool:
    """Whether the non-blank line above ``filled[k]`` is kept and ends in a colon (``:``, ``：``)."""
    above = filled[k - 1] if k else None
    return above is not None and above not in gone and lines[above][1].rstrip().endswith((":", "："))


def _menu_items(lines: list[tuple[int, str]], gone: dict[int, str], rules: SeedRules) -> list[int]:
    """Indices of the short lines that :class:`~dataset_builder.knowledge.schema.MenuRunsRule` cuts
    with the furniture lines around them."""
    menu = rules.menu_runs
    if menu is None:
        return []
    filled = [i for i, (_, line) in enumerate(lines) if line.strip()]
    found: list[int] = []
    run: list[int] = []
    opens_page = kept_above = False  # whether the run opens the page; whether a kept line came before
    after_sentence = False  # whether the run comes right under a line that ends a sentence
    for index in [*filled, None]:
        if index is not None and (
            index in gone or _menu_item(lines[index][1], menu.max_words, menu.max_chars)
        ):
            opens_page = opens_page if run else not kept_above
            run.append(index)
            continue
        if index is None and after_sentence:
            found += _tail_tags(run, gone)
        if len(run) >= menu.min_lines:
            found += _run_items(run, gone, menu.max_block, opens_page, ends_page=index is None)
        kept_above = kept_above or bool(run and any(i not in gone for i in run)) or index is not None
        if index is not None:
            after_sentence = lines[index][1].strip().rstrip(_CLOSERS).endswith(_TERMINAL)
        run = []
    return found


def _closing_related(lines: list[tuple[int, str]], gone: dict[int, str], rules: SeedRules) -> list[int]:
    """The page's last kept line when it is another article's headline: under the article's text (a
    sentence above it), above its timestamp that a rule cut, with only cut lines after it (a related
    list of one); with the heading right above it (a few words without punctuation: ``المزيد من الصحة``)."""
    if rules.timestamp is None:
        return []
    filled = [i for i, (_, line) in enumerate(lines) if line.strip()]
    kept = [k for k, i in enumerate(filled) if i not in gone]
    if len(kept) < 2 or kept[-1] + 1 >= len(filled):
        return []
    last = kept[-1]
    headline, stamp = (lines[filled[k]][1].strip() for k in (last, last + 1))
    if not rules.timestamp.fullmatch(stamp) or rules.timestamp.fullmatch(headline):
        return []
    if not _looks_like_link(headline, rules.headline_max_chars):
        return []
    found = [filled[last]]
    if kept[-2] == last - 1 and _is_heading(lines[filled[last - 1]][1], rules.related_heading_words):
        found.append(filled[last - 1])
    text = [lines[filled[k]][1].strip().rstrip(_CLOSERS) for k in kept[: -len(found)]]
    return found if any(line.endswith(_TERMINAL) for line in text) else []


def _tail_tags(run: list[int], gone: dict[int, str]) -> list[int]:
    """The short lines that open the page's last run, right under the article's last sentence, when
    at least two of them are followed by cut lines only: tags without a heading above the footer."""
    tags = next((run[:n] for n, index in enumerate(run) if index in gone), run)
    if len(tags) < 2 or len(tags) == len(run) or any(i not in gone for i in run[len(tags) :]):
        return []
    return tags


def _menu_item(line: str, max_words: int, max_chars: int) -> bool:
    stripped = line.strip()
    return (
        len(stripped) <= max_chars
        and len(stripped.split()) <= max_words
        and not _NOT_A_MENU_ITEM.search(stripped)
    )


def _run_items(
    run: list[int], gone: dict[int, str], max_block: int, opens_page: bool, ends_page: bool
) -> list[int]:
    """The kept lines of one run of cut and short lines that go with it (see :func:`_menu_items`).

    Below the page's first kept line, short lines that close a run right above article text are kept
    too: a subheading under a caption and an advertisement line."""
    blocks: list[list[int]] = []
    for position, index in enumerate(run):
        if index in gone:
            continue
        if blocks and blocks[-1][-1] == run[position - 1]:
            blocks[-1].append(index)
        else:
            blocks.append([index])
    if not opens_page and blocks and blocks[0][0] == run[0]:  # right under article text: its own list
        blocks.pop(0)
    if not (opens_page or ends_page) and blocks and blocks[-1][-1] == run[-1]:
        blocks.pop()
    if ends_page and run[0] in gone:
        return [i for block in blocks for i in block]
    if 2 * sum(i not in gone for i in run) > len(run):
        return []
    # above the headline a menu's kept items may run longer (Fact Check, Oddities, Be Well), but not
    # the block right above the first longer line: it may be a short headline
    return [
        i
        for block in blocks
        if len(block) <= max_block or (opens_page and block[-1] != run[-1])
        for i in block
    ]


def _normalise(cuts: list[Cut]) -> list[Cut]:
    """Sort cuts and fold a CR/BOM cut into a line cut that already covers it."""
    out: list[Cut] = []
    for cut in sorted(cuts, key=lambda c: (c.start, -len(c.text))):
        if out and cut.start < out[-1].start + len(out[-1].text):
            continue
        out.append(cut)
    return out


def _segment_cuts(text: str, seg_start: int, seg_end: int, cuts: list[Cut]) -> list[Cut]:
    """The cuts inside one segment, plus its leading and trailing whitespace."""
    inside = [c for c in cuts if seg_start <= c.start < seg_end]
    kept: list[tuple[int, int]] = []
    pos = seg_start
    for cut in inside:
        if cut.start > pos:
            kept.append((pos, cut.start))
        pos = max(pos, cut.start + len(cut.text))
    if pos < seg_end:
        kept.append((pos, seg_end))
    extra: list[Cut] = []
    while kept and not text[kept[0][0] : kept[0][1]].strip():
        a, b = kept.pop(0)
        extra.append(Cut(a, text[a:b], "whitespace"))
    if kept:
        a, b = kept[0]
        lead = len(text[a:b]) - len(text[a:b].lstrip())
        if lead:
            extra.append(Cut(a, text[a : a + lead], "whitespace"))
    while kept and not text[kept[-1][0] : kept[-1][1]].strip():
        a, b = kept.pop()
        extra.append(Cut(a, text[a:b], "whitespace"))
    if kept:
        a, b = kept[-1]
        trail = len(text[a:b]) - len(text[a:b].rstrip())
        if trail:
            extra.append(Cut(b - trail, text[b - trail : b], "whitespace"))
    return sorted(inside + extra, key=lambda c: c.start)


def _apply(text: str, seg_start: int, seg_end: int, cuts: list[Cut]) -> str:
    parts, pos = [], seg_start
    for cut in cuts:
        parts.append(text[pos : cut.start])
        pos = cut.start + len(cut.text)
    parts.append(text[pos:seg_end])
    return "".join(parts)


_STANDFIRST_MAX_CHARS = 300
"""The longest first line taken for a standfirst above the headline (one or two sentences)."""
_HEADLINE_MIN_WORDS = 4
"""A headline under a standfirst has at least this many words: a shorter line there is a name or label."""


def _title(text: str, skip: re.Pattern[str] | None = None) -> str | None:
    """The first line when it reads as a headline: short, no sentence punctuation, more text after.

    Lines ``skip`` matches (a dateline alone above the headline) and lines of one word (an outlet's or
    section's name no rule cut: no headline is one word) are passed over, three at most.
    Some sites print the standfirst above the headline: when the first line is one short sentence
    (ending with a full stop) and the next reads as a headline of a few words, that next line is the title.
    """
    first, sep, rest = text.partition("\n")
    for _ in range(3):
        if not sep or (len(first.split()) > 1 and (skip is None or not skip.fullmatch(first.strip()))):
            break
        first, sep, rest = rest.partition("\n")
    title = _headline(first, rest if sep else "")
    if title is None and len(first.strip()) <= _STANDFIRST_MAX_CHARS and first.rstrip().endswith("."):
        second, sep, rest = rest.partition("\n")
        title = _headline(second, rest if sep else "")
        if title is not None and len(title.split()) < _HEADLINE_MIN_WORDS:
            return None
    return title


def _headline(line: str, rest: str) -> str | None:
    """``line`` stripped when it reads as a headline with more text after it: short, no sentence punctuation."""
    line = line.strip()
    if not rest.strip() or not line or len(line) > 200 or len(line.split()) > 25:
        return None
    if line.rstrip(_CLOSERS).endswith((*_TERMINAL, ":", "،", ",", "؛", ";")):
        return None
    return line


def _truncated(text: str) -> bool:
    """The article stops mid-sentence (no terminal punctuation at the end)."""
    return not text.rstrip().rstrip(_CLOSERS).endswith(_TERMINAL)


def _kept_lines(text: str, cuts: list[Cut]) -> list[tuple[int, int, str]]:
    """(line number, offset, text) of what cleaning keeps of each line, for language detection.

    A line cut whole is dropped; a line that lost only a prefix (an inline ``date …`` header)
    keeps the rest, which is article text.
    """
    at_line_start = {c.start: c for c in cuts if c.reason not in ("newline", "bom")}
    kept = []
    for number, (start, line) in enumerate(_lines(text), 1):
        cut = at_line_start.get(start) or at_line_start.get(start + 1 if line.startswith("\ufeff") else -1)
        if cut is not None:
            skip = cut.start + len(cut.text) - start
            if skip >= len(line):
                continue
            start, line = start + skip, line[skip:]
        kept.append((number, start, line))
    return kept


def split_seed(path: Path, text: str, rules: SeedRules) -> list[Document]:
    """Clean one seed and cut it into one :class:`Document` per language run."""
    cuts = find_cuts(text, rules)
    runs: list[LanguageRun] = language_runs(path, _kept_lines(text, cuts), len(text))
    path = Path(path)
    stem, name = path.stem, path.name
    languages = [r.language for r in runs]
    docs: list[Document] = []
    for run in runs:
        nth = languages[: runs.index(run)].count(run.language)
        doc_id = stem if len(runs) == 1 else f"{stem}-{run.language}" + (str(nth + 1) if nth else "")
        seg_cuts = _segment_cuts(text, run.start, run.end, cuts)
        body = _apply(text, run.start, run.end, seg_cuts)
        docs.append(
            Document(
                id=doc_id,
                seed_file=name,
                language=run.language,
                text=body,
                seed_start=run.start,
                seed_end=run.end,
                cuts=seg_cuts,
                title=_title(body, rules.title_skip),
                truncated=_truncated(body),
                translation_group=stem if len(set(languages)) > 1 else None,
            )
        )
    return docs
