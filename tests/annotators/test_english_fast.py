"""The English rules' string scans in place of regex searches find exactly what those searches find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder.annotators.entities.english import _and_before, _standalone, _word_before

_CHARS = st.sampled_from(list("aAnd’'-_1 \t.,\n\u00a0é"))


@settings(max_examples=400, deadline=None)
@given(st.text(_CHARS, max_size=30).map(lambda t: t.split("\n")[-1]))
def test_word_before_is_the_search_for_a_last_word_and_spaces(line: str) -> None:
    m = re.search(r"(\S+)[^\S\n]+$", line)
    assert _word_before(line) == (None if m is None else (line[: m.start()], m.group(1)))


@settings(max_examples=400, deadline=None)
@given(st.text(_CHARS, max_size=30), st.lists(st.sampled_from(["and", " ", "\t", "b", "\n"]), max_size=8))
def test_and_before_is_the_search_for_spaces_and_spaces(head: str, parts: list[str]) -> None:
    tail = "".join(parts)
    text = head + tail + "Xy"
    at = len(head + tail)
    line_start = text.rfind("\n", 0, at) + 1
    m = re.search(r"[^\S\n]+and[^\S\n]+$", text[line_start:at])
    assert _and_before(text, line_start, at) == (None if m is None else line_start + m.start())


@settings(max_examples=400, deadline=None)
@given(st.text(_CHARS, max_size=40), st.text(_CHARS, min_size=1, max_size=4))
def test_standalone_is_the_search_with_its_look_arounds(text: str, form: str) -> None:
    pattern = rf"(?<![\w’'-]){re.escape(form)}(?![\w-])"
    assert list(_standalone(text, form)) == [m.start() for m in re.finditer(pattern, text)]
