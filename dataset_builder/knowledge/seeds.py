"""Seed cleaning rules (``seed_rules.json``) compiled: metadata and "read also" patterns, furniture
line rules, the related-articles list's shape. Applied by :mod:`dataset_builder.seeds`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

from dataset_builder.knowledge.schema import MenuRunsRule, SeedRulesFile

_SENTENCE_MARKS = re.compile(r"[.!?؟…:;؛،,]\s*\S|[.!?؟…]$")
"""Punctuation inside or at the end of a sentence: a line made of menu words has none."""
_LIST_ITEM = re.compile(r"[-–—*]\s")
"""A dash or star and a space open an item of the article's list (``- السعودية``): no menu of words."""
_SEPARATORS = re.compile(r"[\s|/>»›<«‹•·\-–—:]+")
_EDGES = "|•·▪►"
"""Decoration around a furniture line (``| 2024/03/28 09:30``), taken off before the rules match it."""
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
"""Arabic-Indic and Persian digits → ASCII, one for one, in a line the rules try: they write years as
``1[34]\\d{2}`` or ``20\\d{2}``, and a page may print its date line in either digits
(``١٤ جمادى الأولى ١٤٤٦ هـ``)."""
_EASTERN_DIGIT = re.compile("[٠-٩۰-۹]")
"""Found much faster than ``str.translate`` maps a line: most lines hold no such digit."""
_COMMAS = re.compile(r"\s*[,،]\s*")
_LISTED_ITEMS = 3
"""A row of two words and a comma may be a phrase (``Cairo, Egypt``); three menu words make a row."""
_AND = "و"
"""Arabic's conjunction, written onto the next word: a menu's ``ثقافة وفنون`` is two menu words."""


@dataclass(frozen=True, slots=True)
class LineRule:
    """A furniture rule compiled: whole-line patterns, or a share of menu words (phrases as word tuples)."""

    id: str
    patterns: tuple[re.Pattern[str], ...]
    """Each of the rule's patterns alone (no alternation of them is compiled too: a
    :class:`PatternScreen` picks those a line may match, and compiling every pattern twice was a
    third of compiling the seed rules)."""
    phrases: frozenset[tuple[str, ...]]
    longest: int
    min_share: float
    max_words: int
    max_chars: int
    next_cut_by: frozenset[str] = frozenset()
    """Rules one of which must cut the next non-blank line (applied by the cleaner, not :meth:`SeedRules.furniture`)."""
    not_headline: bool = False
    """Never cuts the page's first kept line (its headline)."""
    head_only: bool = False
    """Cuts only above the article's first sentence; with ``next_cut_by``, only below the headline too."""

    def matches(self, stripped: str, patterns: Iterable[int] | None = None) -> bool:
        """Whether the rule cuts a line, given stripped of spaces and decoration (:func:`bare`);
        with ``patterns`` (those of its patterns a :class:`PatternScreen` found it may match), only
        they are tried, then its words."""
        if not stripped or len(stripped) > self.max_chars:
            return False
        tried = range(len(self.patterns)) if patterns is None else patterns
        if any(self.patterns[index].fullmatch(stripped) for index in tried):
            return True
        if not self.phrases or _LIST_ITEM.match(stripped):
            return False
        if _SENTENCE_MARKS.search(stripped):
            return self._listed(stripped)
        tokens = [t for t in _SEPARATORS.split(stripped.casefold()) if t]
        if not tokens or len(tokens) > self.max_words:
            return False
        known = i = joined = 0
        while i < len(tokens):
            size = next(
                (
                    n
                    for n in range(min(self.longest, len(tokens) - i), 0, -1)
                    if tuple(tokens[i : i + n]) in self.phrases
                ),
                0,
            )
            if not size and tokens[i][:1] == _AND and (tokens[i][1:],) in self.phrases:
                size = joined = 1
            known += size
            i += size or 1
        # a joined word counts on a line of menu words only: "مصر والسعودية تبحثان …" is a headline
        if joined:
            return known == len(tokens)
        # two menu words at least, or all of a shorter line: "الكويت - كونا" is a dateline, not a menu
        return known / len(tokens) >= self.min_share and (known >= 2 or known == len(tokens))

    def _listed(self, stripped: str) -> bool:
        """Whether ``stripped`` is a row of at least :data:`_LISTED_ITEMS` of the rule's phrases between
        commas (a post's categories: ``Africa, Egypt, Middle East, News``); other punctuation is a
        sentence's. Most lines fail on their count of commas or on their first item."""
        items = _COMMAS.split(stripped)
        return len(items) >= _LISTED_ITEMS and all(
            tuple(t for t in _SEPARATORS.split(item.casefold()) if t) in self.phrases for item in items
        )


@dataclass(frozen=True, slots=True)
class SeedRules:
    """Cleaning knowledge compiled from ``seed_rules.json``."""

    metadata: re.Pattern[str]
    read_also: re.Pattern[str]
    link_max_chars: int
    line_rules: tuple[LineRule, ...] = ()
    timestamp: re.Pattern[str] | None = None
    headline_max_chars: int = 160
    min_pairs: int = 2
    title_skip: re.Pattern[str] | None = None
    tail_heading: re.Pattern[str] | None = None
    """A heading of a list that ends the page (tags, topics, related stories), matched whole."""
    tail_item_max_chars: int = 100
    head_label_words: int = 0
    """Lines of at most this many words that open a page, above its first longer line, are section
    labels and kickers (0: none is cut)."""
    head_label_chars: int = 0
    head_site_rules: frozenset[str] = frozenset()
    """Rules whose lines name the outlet (copyright, "Welcome to"): a head line they hold is its name."""
    head_site_words: int = 0
    longest_furniture: int = 0
    """The longest line a rule may cut (set from the rules)."""
    screen: PatternScreen | None = None
    """Which rules' patterns a line may match (none: all are tried)."""
    related_heading_words: int = 0
    """A line of at most this many words just above a related list is its heading (0: none is cut)."""
    menu_runs: MenuRunsRule | None = None
    inline_min_words: int = 0
    """A related list's line holding a headline of at least this many words and its timestamp (0:
    such lines are not looked for)."""

    @property
    def context_rules(self) -> tuple[LineRule, ...]:
        """The line rules that cut a line only above a line another rule cuts."""
        return tuple(rule for rule in self.line_rules if rule.next_cut_by)

    def furniture(self, line: str, headline: bool = False, body: bool = False) -> str | None:
        """The id of the first line rule that cuts ``line``, or ``None`` (article text); ``headline``:
        the line would be the page's first kept line, which rules marked ``not_headline`` leave;
        ``body``: a sentence was kept above it, and rules marked ``head_only`` leave it."""
        stripped = bare(line)
        if len(stripped) > self.longest_furniture:  # most article lines: no rule is tried
            return None
        if _EASTERN_DIGIT.search(stripped):
            stripped = stripped.translate(_DIGITS)
        possible = self.screen.possible(stripped) if self.screen is not None else None
        for index, rule in enumerate(self.line_rules):
            if (
                len(stripped) > rule.max_chars
                or rule.next_cut_by
                or (headline and rule.not_headline)
                or (body and rule.head_only)
            ):
                continue
            patterns = None if possible is None else possible.get(index, ())
            if (patterns is None or patterns or rule.phrases) and rule.matches(stripped, patterns):
                return rule.id
        return None


SHORT_MATCH = 3
"""Patterns whose matches are at most this long are screened by a line's length, not by literals."""

_UNFOLDED = re.compile(
    r"[^\x00-\xff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff\u2000-\u206f]"
)
"""A character outside Latin-1, the Arabic blocks and general punctuation: in those, ``str.lower``
folds a character exactly as ``re.IGNORECASE`` matches it (elsewhere not: ``(?i)s`` matches ``ſ``,
``"İ".lower()`` is two characters), so a line or literal holding one is not screened."""


@dataclass(frozen=True, slots=True)
class PatternScreen:
    """Which of the line rules' patterns may match a line, found by one Aho-Corasick pass over it.

    Every match of a pattern holds one of a few literal strings (:func:`needed_literals`); a line
    that holds none of them is not tried against the pattern. Most lines hold none, and the costly
    patterns are those that backtrack through the whole line (``.*cookies.*``). Patterns are screened
    one by one: a rule's pattern without a needed literal (a run of punctuation) does not make its
    other patterns be tried on every line. A pattern whose matches are at most
    :data:`SHORT_MATCH` characters long (``A[+-]?``, a text-size button) is screened by the line's
    length instead: what it needs is a letter or two, which most lines hold.
    """

    automaton: ahocorasick.Automaton
    """Lowered literal → (rule index, indices of its patterns that need it) pairs."""
    unscreened: tuple[tuple[int, frozenset[int]], ...]
    """(Rule index, the indices of its patterns with no needed literal): always tried."""
    short: tuple[tuple[int, int, frozenset[int]], ...] = ()
    """(Longest match, rule index, indices of its patterns): tried on lines no longer than their match."""

    def possible(self, stripped: str) -> dict[int, frozenset[int]] | None:
        """Rule index → the indices of its patterns that may match ``stripped``; ``None``: any may."""
        if _UNFOLDED.search(stripped):
            return None
        found = dict(self.unscreened)  # one copy a line, not an insertion a pattern
        if len(stripped) <= SHORT_MATCH:
            for width, rule, patterns in self.short:
                if len(stripped) <= width:
                    found[rule] = found.get(rule, frozenset()) | patterns
        for _, hits in self.automaton.iter(stripped.lower()):
            for rule, patterns in hits:
                known = found.get(rule)
                if known is None:
                    found[rule] = patterns
                elif not patterns <= known:
                    found[rule] = known | patterns
        return found


def needed_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lowered strings one of which every match of ``pattern`` holds, or ``None`` when none is known.

    Read off the parsed pattern: a run of a sequence's items that each match one of a few strings
    (literal characters, groups of literal alternatives: ``\\((?:AFP|AP)\\)``) is needed as the strings
    it spells (``(afp)``, ``(ap)``), look-arounds and anchors inside the run skipped (they consume
    nothing); what a group, or a repetition of at least once, needs is needed, and a branch needs one
    of its alternatives' needs. Anything else (a class, an optional part) needs nothing known. Of a
    sequence's needs, the one whose shortest string is longest is kept (it is the rarest in text).
    """
    return _sequence_needs(_parser.parse(pattern.pattern, pattern.flags))


_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_MAX_SPELLED = 64
"""The most strings a run is spelled as (a longer product of alternatives is cut into runs)."""


def _sequence_needs(items: _parser.SubPattern) -> frozenset[str] | None:
    needs: list[frozenset[str]] = []
    run: frozenset[str] = frozenset({""})
    for op, av in [*items, (None, None)]:
        if op in _ZERO_WIDTH:
            continue
        spelled = None if op is None else _spelled_item(op, av)
        if spelled is not None and len(run) * len(spelled) <= _MAX_SPELLED:
            run = frozenset(a + b for a in run for b in spelled)
            continue
        if all(run) and not any(_UNFOLDED.search(text) for text in run):
            needs.append(_shortest(frozenset(text.lower() for text in run)))
        run = frozenset({""}) if spelled is None else spelled
        if op is not None and spelled is None and (need := _item_needs(op, av)) is not None:
            needs.append(need)
    return max(needs, key=lambda need: (min(map(len, need)), -len(need)), default=None)


def _shortest(texts: frozenset[str]) -> frozenset[str]:
    """The texts that hold none of the others (a line holding ``abc`` holds ``bc``)."""
    return frozenset(text for text in texts if not any(other != text and other in text for other in texts))


def _spelled(items: _parser.SubPattern) -> frozenset[str] | None:
    """Every string a sequence matches, when they are a few literal ones (else ``None``)."""
    run = frozenset({""})
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        spelled = _spelled_item(op, av)
        if spelled is None or len(run) * len(spelled) > _MAX_SPELLED:
            return None
        run = frozenset(a + b for a in run for b in spelled)
    return run


def _spelled_item(op: object, av: Any) -> frozenset[str] | None:
    if op is sre.LITERAL:
        return frozenset({chr(av)})
    if op is sre.IN and all(kind is sre.LITERAL for kind, _ in av):  # (?:ص|م) is parsed as [صم]
        return frozenset(chr(code) for _, code in av)
    if op is sre.SUBPATTERN:
        return _spelled(av[3])
    if op is sre.ATOMIC_GROUP:
        return _spelled(av)
    if op is sre.BRANCH:
        branches = [_spelled(branch) for branch in av[1]]
        if any(strings is None for strings in branches):
            return None
        union = frozenset().union(*branches)
        return union if len(union) <= _MAX_SPELLED else None
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[1] <= 1:  # (?: Images)?
        once = _spelled(av[2])
        return None if once is None else once | {""} if av[0] == 0 else once
    return None


def _item_needs(op: object, av: Any) -> frozenset[str] | None:
    if op is sre.BRANCH:
        branches = [_sequence_needs(branch) for branch in av[1]]
        return None if any(need is None for need in branches) else frozenset().union(*branches)
    if op is sre.SUBPATTERN:
        return _sequence_needs(av[3])
    if op is sre.ATOMIC_GROUP:
        return _sequence_needs(av)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _sequence_needs(av[2])
    return None


def _pattern_screen(rules: list[LineRule]) -> PatternScreen | None:
    """The screen of the rules' patterns, or ``None`` when no pattern needs a literal."""
    patterns_of: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    unscreened: dict[int, set[int]] = defaultdict(set)
    short: dict[tuple[int, int], set[int]] = defaultdict(set)
    for index, rule in enumerate(rules):
        for at, pattern in enumerate(rule.patterns):
            parsed = _parser.parse(pattern.pattern, pattern.flags)  # once: parsing is most of the cost
            width = parsed.getwidth()[1]
            if width <= SHORT_MATCH:
                short[width, index].add(at)
                continue
            literals = _sequence_needs(parsed)  # needed_literals(pattern), not parsed again
            if literals is None:
                unscreened[index].add(at)
            for literal in literals or ():
                patterns_of[literal][index].add(at)
    if not patterns_of:
        return None
    automaton = ahocorasick.Automaton()
    for literal, of_rule in sorted(patterns_of.items()):
        automaton.add_word(literal, tuple((index, frozenset(at)) for index, at in sorted(of_rule.items())))
    automaton.make_automaton()
    return PatternScreen(
        automaton,
        tuple((index, frozenset(at)) for index, at in sorted(unscreened.items())),
        tuple((width, index, frozenset(at)) for (width, index), at in sorted(short.items())),
    )


def bare(line: str) -> str:
    """A line without its surrounding spaces and decoration (``| 2024/03/28 09:30`` → the date); a line
    of decoration only (``|``) is kept whole, for the rules of separator lines."""
    stripped = line.strip()
    return stripped.strip(_EDGES).strip() or stripped


_GLOBAL_FLAGS = re.compile(r"^\(\?([imsx]+)\)")


def _groups(patterns: list[str]) -> list[str]:
    """Each pattern as a group; a leading ``(?i)`` becomes a group flag ``(?i:…)``."""
    return [_GLOBAL_FLAGS.sub(r"(?\1:", p) + ")" if _GLOBAL_FLAGS.match(p) else f"(?:{p})" for p in patterns]


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    """One pattern for several (:func:`_groups` joined)."""
    groups = _groups(patterns)
    return re.compile("|".join(groups)) if groups else None


def compile_seed_rules(raw: SeedRulesFile) -> SeedRules:
    metadata = re.compile(r"[ \t]*(?:" + "|".join(raw.metadata_prefixes) + ")", re.IGNORECASE)
    markers = sorted(raw.read_also_markers, key=len, reverse=True)
    read_also = re.compile(r"[ \t]*(?:" + "|".join(map(re.escape, markers)) + r")[ \t]*[:：]?", re.IGNORECASE)
    rules = []
    for rule in raw.line_rules:
        phrases = frozenset(tuple(t for t in _SEPARATORS.split(w.casefold()) if t) for w in rule.words)
        rules.append(
            LineRule(
                rule.id,
                tuple(map(re.compile, _groups(rule.patterns))),
                phrases,
                max((len(p) for p in phrases), default=0),
                rule.min_share,
                rule.max_words,
                rule.max_chars,
                frozenset(rule.next_cut_by),
                rule.not_headline,
                rule.head_only,
            )
        )
    related = raw.related
    return SeedRules(
        metadata,
        read_also,
        raw.read_also_link_max_chars,
        tuple(rules),
        _alternation(related.timestamps) if related else None,
        related.headline_max_chars if related else 160,
        related.min_pairs if related else 2,
        _alternation(raw.title_skip),
        _tail_heading(raw.tail_lists.headings) if raw.tail_lists else None,
        raw.tail_lists.item_max_chars if raw.tail_lists else 100,
        raw.head_labels.max_words if raw.head_labels else 0,
        raw.head_labels.max_chars if raw.head_labels else 0,
        frozenset(raw.head_labels.site_name_rules) if raw.head_labels else frozenset(),
        raw.head_labels.site_name_max_words if raw.head_labels else 0,
        max((rule.max_chars for rule in rules), default=0),
        _pattern_screen(rules),
        related.heading_max_words if related else 0,
        raw.menu_runs,
        related.inline_min_words if related else 0,
    )


def _tail_heading(headings: list[str]) -> re.Pattern[str]:
    names = "|".join(map(re.escape, sorted(headings, key=len, reverse=True)))
    return re.compile(rf"(?:{names})\s*[:：]?", re.IGNORECASE)
