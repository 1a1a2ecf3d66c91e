"""Event grouping (:mod:`dataset_builder.events`) against the rule it states, checked on every pair."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dataset_builder import events, rows
from dataset_builder.documents import Document, Span
from dataset_builder.events import MAX_ENTITIES, EventKey, KeyTable, group_labels

DAY0 = dt.date(2024, 6, 10)


def same_event(a: EventKey, b: EventKey) -> bool:
    """The module's rule written pair by pair: a curated event, a translation, or dates at most a day
    apart and two linked entities in common."""
    if a.event_id is not None and a.event_id == b.event_id:
        return True
    if a.translation_group is not None and a.translation_group == b.translation_group:
        return True
    if a.date is None or b.date is None or abs((a.date - b.date).days) > 1:
        return False
    return len(set(a.entity_ids) & set(b.entity_ids)) >= 2


def oracle(keys: list[EventKey]) -> list[tuple[tuple[str, ...], str | None]]:
    """The transitive closure of :func:`same_event` over all pairs (quadratic: fine for a test)."""
    group = {k.id: {k.id} for k in keys}
    for a, b in itertools.combinations(keys, 2):
        if same_event(a, b) and group[a.id] is not group[b.id]:
            merged = group[a.id] | group[b.id]
            for member in merged:
                group[member] = merged
    curated = {k.id: k.event_id for k in keys if k.event_id}
    out = []
    for members in sorted({tuple(sorted(g)) for g in group.values()}):
        names = sorted({curated[d] for d in members if d in curated})
        out.append((members, names[0] if names else None))
    return out


def event_groups(keys: list[EventKey]) -> list[tuple[tuple[str, ...], str | None]]:
    """:func:`group_labels` of ``keys`` as the oracle writes groups: sorted members, curated name."""
    table = KeyTable()
    table.add_keys(keys)
    labels = group_labels(table.table(), len(table.entity_ids))
    members: dict[int, list[EventKey]] = {}
    for key, label in zip(keys, labels.tolist(), strict=True):
        members.setdefault(label, []).append(key)
    out = []
    for group in members.values():
        names = sorted({k.event_id for k in group if k.event_id})
        out.append((tuple(sorted(k.id for k in group)), names[0] if names else None))
    return sorted(out)


@st.composite
def event_keys(draw: st.DrawFn) -> list[EventKey]:
    """Few entities, dates and groups, so that links (and chains of them) are common."""
    n = draw(st.integers(0, 12))
    keys = []
    for i in range(n):
        date = draw(st.none() | st.integers(0, 4).map(lambda d: DAY0 + dt.timedelta(days=d)))
        ids = draw(st.lists(st.sampled_from("abcde"), max_size=4, unique=True)) if date else []
        keys.append(
            EventKey(
                f"doc{i:02d}",
                date,
                tuple(sorted(ids)),
                draw(st.none() | st.sampled_from(["t1", "t2"])),
                draw(st.none() | st.sampled_from(["ev-b", "ev-a"])),
            )
        )
    return keys


@settings(max_examples=200, deadline=None)
@given(event_keys(), st.randoms(use_true_random=False), st.integers(1, 13))
def test_groups_are_the_closure_of_the_pairwise_rule_in_any_order(
    keys: list[EventKey], rng: random.Random, link_rows: int
) -> None:
    """Also when the links are matched a few rows at a time (a link met in an earlier chunk)."""
    expected = oracle(keys)
    assert event_groups(keys) == expected
    shuffled = list(keys)
    rng.shuffle(shuffled)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events, "LINK_ROWS", link_rows)
        assert event_groups(shuffled) == expected
    assert sorted(d for members, _ in expected for d in members) == sorted(k.id for k in keys)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 6),
    st.integers(1, 8),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 7)), min_size=1, max_size=30),
    st.lists(st.integers(0, 5), min_size=6, max_size=6),
)
def test_a_chunks_forest_joins_the_rows_its_links_join_with_one_edge_a_row(
    start: int, count: int, pairs: list[tuple[int, int]], earlier: list[int]
) -> None:
    """Each link's first row (an earlier chunk's row, or one of the chunk's) joined to the chunk's rows
    with it: the forest joins the same rows, with one edge per row it names, the chunk's rows
    numbered by place and only the earlier first rows sorted."""
    first_row = np.array(
        [earlier[u] if earlier[u] < start else start + earlier[u] % count for u in range(6)], np.int64
    )
    which = np.array([u for u, _ in pairs], np.int64)
    rows = np.array([start + r % count for _, r in pairs], np.int64)
    src, dst = events._forest(first_row, which, rows, start, count)
    distinct_earlier = len(set(first_row[first_row < start].tolist()))
    assert len(dst) == len(set(dst.tolist())) == count + distinct_earlier

    def components(a: np.ndarray, b: np.ndarray) -> set[frozenset[int]]:
        n = start + count
        graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
        _, label = connected_components(graph, directed=False)
        named = set(a.tolist()) | set(b.tolist())
        return {frozenset(r for r in named if label[r] == label[x]) for x in named}

    joined = components(first_row[which], rows)
    assert {c for c in components(src, dst) if len(c) > 1} == {c for c in joined if len(c) > 1}


def test_two_days_apart_or_one_shared_entity_is_not_the_same_event() -> None:
    keys = [
        EventKey("a", DAY0, ("blinken", "sisi"), None, None),
        EventKey("b", DAY0 + dt.timedelta(days=2), ("blinken", "sisi"), None, None),
        EventKey("c", DAY0, ("blinken", "shoukry"), None, None),
        EventKey("d", DAY0 - dt.timedelta(days=1), ("blinken", "sisi", "shoukry"), None, None),
    ]
    assert event_groups(keys[:3]) == [(("a",), None), (("b",), None), (("c",), None)]
    # d is a day before a (shares blinken+sisi) and c (shares blinken+shoukry): it joins both, not b
    assert event_groups(keys) == [(("a", "c", "d"), None), (("b",), None)]


def test_a_group_with_two_curated_events_takes_the_smallest_name() -> None:
    keys = [
        EventKey("x-ar", None, (), "x", "summit-b"),
        EventKey("x-en", None, (), "x", "summit-a"),
        EventKey("y", None, (), None, "summit-b"),
    ]
    assert event_groups(keys) == [(("x-ar", "x-en", "y"), "summit-a")]


def _doc(entity_ids: list[str | None], date: dt.date | None) -> Document:
    words = [f"w{i}" for i in range(len(entity_ids))]
    text = " ".join(words)
    starts = list(itertools.accumulate((len(w) + 1 for w in words[:-1]), initial=0))
    spans = [Span(s, s + len(w), w, "PER", e) for s, w, e in zip(starts, words, entity_ids, strict=True)]
    return Document(
        "d-en", "d.txt", "en", text, 0, len(text), entities=spans, date=date, translation_group="g"
    )


def test_a_key_keeps_the_first_distinct_linked_ids_and_none_without_a_date() -> None:
    ids = [f"e{i:02d}" for i in reversed(range(MAX_ENTITIES + 3))]
    key = EventKey.of(_doc([*ids, None, ids[0]], DAY0))
    assert key.entity_ids == tuple(sorted(ids)[:MAX_ENTITIES])
    assert (key.id, key.date, key.translation_group, key.event_id) == ("d-en", DAY0, "g", None)
    assert EventKey.of(_doc(ids, None)).entity_ids == ()


@st.composite
def linked_documents(draw: st.DrawFn) -> list[Document]:
    """Documents with linked, unlinked and repeated entity ids, dated or not, grouped or not."""
    docs = []
    for i in range(draw(st.integers(1, 6))):
        ids = draw(
            st.lists(st.sampled_from(["e1", "e2", "e3", "e4", None]), min_size=1, max_size=MAX_ENTITIES + 4)
        )
        doc = _doc(ids, draw(st.sampled_from([None, DAY0])))
        docs.append(
            doc.with_(
                id=f"d{i}",
                translation_group=draw(st.sampled_from([None, "g"])),
                event_id=draw(st.sampled_from([None, "curated"])),
            )
        )
    return docs


@settings(max_examples=100, deadline=None)
@given(linked_documents(), st.integers(0, 5))
def test_the_keys_of_staged_rows_are_the_keys_of_their_documents(docs: list[Document], skip: int) -> None:
    """A build reads keys off ``documents`` rows (a slice of a table too, as a rebuild takes unchanged
    files' rows back): they must be those :meth:`EventKey.of` gives the documents."""
    table = rows.documents_table(docs).slice(min(skip, len(docs) - 1))
    from_rows, one_by_one = KeyTable(), KeyTable()
    from_rows.add_rows(table)
    one_by_one.add_keys(EventKey.of(d) for d in docs[min(skip, len(docs) - 1) :])
    assert _decoded(from_rows) == _decoded(one_by_one)
    assert from_rows.table().column("seed_file").to_pylist() == table.column("seed_file").to_pylist()


def _decoded(keys: KeyTable) -> list[tuple[object, ...]]:
    """Each key row with its entity codes written back as ids (codes depend on the order ids are met)."""
    table = keys.table().drop_columns(["seed_file"]).to_pylist()
    return [(*r.values(), tuple(keys.entity_ids[c] for c in r["entities"])) for r in table]
