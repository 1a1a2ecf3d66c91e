"""Splits never move once built: the ledger keeps recorded documents where they were first put."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import PROJECT, TAXONOMY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataset_builder import schema, splits
from dataset_builder.build import write_dataset
from dataset_builder.documents import Document, Span
from dataset_builder.errors import InputError
from dataset_builder.events import EventKey
from dataset_builder.splits import Assignment, SplitLedger, SplitPlan, assign_splits, merge_files, split_of

RATIOS = (0.4, 0.3, 0.3)


@given(st.text(min_size=1, max_size=30))
def test_split_of_is_deterministic_and_respects_zero_ratios(event_id: str) -> None:
    assert split_of(event_id, (0.5, 0.25, 0.25)) == split_of(event_id, (0.5, 0.25, 0.25))
    assert split_of(event_id, (1, 0, 0)) == "train"
    assert split_of(event_id, (0, 0, 1)) == "test"


def test_split_sizes_follow_the_ratios() -> None:
    counts = Counter(split_of(f"event-{i}", (0.8, 0.1, 0.1)) for i in range(5000))
    assert abs(counts["train"] / 5000 - 0.8) < 0.03
    assert abs(counts["validation"] / 5000 - 0.1) < 0.03


@pytest.mark.parametrize("ratios", [(0.5, 0.5), (0.9, 0.2, -0.1), (0.5, 0.2, 0.2)])
def test_bad_split_ratios_are_rejected(ratios: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="ratios"):
        split_of("e", ratios)


DAY = dt.date(2024, 3, 1)


def _article(doc_id: str, event: int, day: int = 0) -> Document:
    """An English article about event ``event``: two people of that event on that day link it."""
    names = [f"Alpha{event}", f"Beta{event}"]
    text = f"{names[0]} met {names[1]} today."
    spans = [Span(text.index(n), text.index(n) + len(n), n, "PER", f"person-{n.lower()}") for n in names]
    return Document(
        id=doc_id,
        seed_file=f"{doc_id}.txt",
        language="en",
        text=text,
        seed_start=0,
        seed_end=len(text),
        entities=spans,
        date=DAY + dt.timedelta(days=30 * event + day),
    )


def _splits(out: Path) -> dict[str, str]:
    found = {}
    for path in out.glob(schema.data_glob("documents")):
        for doc_id in pq.read_table(path, columns=["id"]).column("id").to_pylist():
            found[doc_id] = schema.split_of_file(path)
    return found


def test_follow_up_articles_never_move_built_documents(tmp_path: Path) -> None:
    """The case seen in a real project: follow-ups joined built events and moved older documents."""
    first = [_article(f"a{e:02d}", e) for e in range(20)]
    built = write_dataset(
        first,
        tmp_path / "v1",
        project=PROJECT,
        taxonomy=TAXONOMY,
        split_ratios=RATIOS,
        progress=False,
        ledger=SplitLedger(),
    )
    before = _splits(tmp_path / "v1")
    assert set(before.values()) == {"train", "validation", "test"}
    assert built.recorded == 20

    follow_ups = [_article(f"f{e:02d}", e, day=1) for e in range(0, 20, 5)]
    again = write_dataset(
        first + follow_ups,
        tmp_path / "v2",
        project=PROJECT,
        taxonomy=TAXONOMY,
        split_ratios=RATIOS,
        progress=False,
        ledger=built.ledger,
    )
    after = _splits(tmp_path / "v2")
    assert {d: after[d] for d in before} == before
    for e in range(0, 20, 5):  # a follow-up takes its event's split
        assert after[f"f{e:02d}"] == before[f"a{e:02d}"]
    assert again.recorded == len(follow_ups) and not again.warnings

    write_dataset(
        first + follow_ups,
        tmp_path / "nohash",
        project=PROJECT,
        taxonomy=TAXONOMY,
        split_ratios=RATIOS,
        progress=False,
    )
    assert {d: _splits(tmp_path / "nohash")[d] for d in before} != before, "without the ledger splits move"


def test_a_document_bridging_two_recorded_splits_is_reported_and_nothing_moves(tmp_path: Path) -> None:
    keys = [EventKey("x", DAY, ("p", "q"), None, None), EventKey("y", DAY, ("r", "s"), None, None)]
    ledger = SplitLedger.of({"x": Assignment("train", "event-x"), "y": Assignment("test", "event-y")})
    bridge = EventKey("z", DAY, ("p", "q", "r", "s"), None, None)
    plan = assign_splits([*keys, bridge], ledger, RATIOS)
    splits, events = _by_id([*keys, bridge], plan)
    assert splits["x"] == "train" and splits["y"] == "test"
    assert events["x"] == "event-x" and events["y"] == "event-y"
    assert splits["z"] in {"train", "test"} and set(plan.added.to_dict()) == {"z"}
    assert len(plan.conflicts) == 1 and "z" in plan.conflicts[0] and "x (train)" in plan.conflicts[0]


def test_translations_recorded_in_different_splits_leave_parallel_with_a_warning(tmp_path: Path) -> None:
    docs = [_article("t-ar", 1), _article("t-en", 2)]
    docs = [d.with_(translation_group="t") for d in docs]
    ledger = SplitLedger.of({"t-ar": Assignment("train", "e1"), "t-en": Assignment("test", "e2")})
    result = write_dataset(
        docs,
        tmp_path / "out",
        project=PROJECT,
        taxonomy=TAXONOMY,
        split_ratios=RATIOS,
        progress=False,
        ledger=ledger,
    )
    assert _splits(tmp_path / "out") == {"t-ar": "train", "t-en": "test"}
    assert not (tmp_path / "out" / schema.DATA_DIR / "parallel").exists()
    assert any("translation group t" in w and "t-ar (train)" in w for w in result.warnings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 6), st.sampled_from("pqrstu"), st.sampled_from("pqrstu")), max_size=6
        ),
        min_size=1,
        max_size=4,
    )
)
def test_no_sequence_of_additions_moves_a_recorded_document(
    batches: list[list[tuple[int, str, str]]],
) -> None:
    """Batches of new documents arrive version after version; recorded splits and ids never change."""
    ledger, keys, recorded = SplitLedger(), [], {}
    for version, batch in enumerate(batches):
        for i, (day, a, b) in enumerate(batch):
            keys.append(
                EventKey(f"v{version}-{i}", DAY + dt.timedelta(days=day), tuple(sorted({a, b})), None, None)
            )
        plan = assign_splits(keys, ledger, RATIOS)
        splits, events = _by_id(keys, plan)
        for doc_id, split in recorded.items():
            assert splits[doc_id] == split
        ledger = ledger.with_(plan.added)
        recorded = splits
        by_event = defaultdict(set)
        for doc_id, event in events.items():
            by_event[event].add(splits[doc_id])
        if not plan.conflicts:
            assert all(len(s) == 1 for s in by_event.values())


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from("pqrs"), st.sampled_from("pqrs"), st.booleans()),
        max_size=10,
    ),
    chunk=st.integers(1, 4),
)
def test_the_plan_is_the_same_whatever_the_chunk_of_rows_planned_at_once(
    keys: list[tuple[int, str, str, bool]], chunk: int
) -> None:
    """Events are planned a chunk of rows at a time (never cut in two): the plan may not depend on it."""
    event_keys = [
        EventKey(f"d{i}", DAY + dt.timedelta(days=day), tuple(sorted({a, b})), None, None)
        for i, (day, a, b, _) in enumerate(keys)
    ]
    recorded = {f"d{i}": Assignment("test", f"e{i % 2}") for i, (*_, old) in enumerate(keys) if old}
    ledger = SplitLedger.of(recorded)
    whole = assign_splits(event_keys, ledger, RATIOS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splits, "CHUNK", chunk)
        cut = assign_splits(event_keys, ledger, RATIOS)
    assert _by_id(event_keys, cut) == _by_id(event_keys, whole)
    assert (cut.added, cut.conflicts) == (whole.added, whole.conflicts)


@settings(max_examples=80, deadline=None)
@given(
    keys=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from("pqrs"),
            st.sampled_from("pqrs"),
            st.sampled_from([None, "c1", "c2"]),
            st.sampled_from([None, *schema.SPLITS]),
        ),
        max_size=12,
    ),
)
def test_a_recorded_document_keeps_its_split_and_event_unless_a_curated_group_names_it(
    keys: list[tuple[int, str, str, str | None, str | None]],
) -> None:
    """Alone in its event or not, a recorded document keeps the ledger's split, and its event unless a
    curated group names the event (then all its documents take that name); only unrecorded documents
    are added to the ledger."""
    event_keys = [
        EventKey(f"d{i}", DAY + dt.timedelta(days=day), tuple(sorted({a, b})), None, curated)
        for i, (day, a, b, curated, _) in enumerate(keys)
    ]
    recorded = {f"d{i}": Assignment(split, f"e{i}") for i, (*_, split) in enumerate(keys) if split}
    plan = assign_splits(event_keys, SplitLedger.of(recorded), RATIOS)
    got_splits, got_events = _by_id(event_keys, plan)
    for key in event_keys:
        if key.id in recorded:
            assert got_splits[key.id] == recorded[key.id].split
            curated = {k.event_id for k in event_keys if k.event_id}
            assert got_events[key.id] in {recorded[key.id].event, *curated}
            if key.event_id:
                assert got_events[key.id] in curated
            elif got_events[key.id] != recorded[key.id].event:
                assert any(got_events[k.id] == k.event_id for k in event_keys if k.event_id)
    assert sorted(plan.added.table.column(schema.ID).to_pylist()) == sorted(
        k.id for k in event_keys if k.id not in recorded
    )


def test_an_empty_ledger_gives_the_hash_assignment() -> None:
    keys = [EventKey(f"d{i}", None, (), None, None) for i in range(30)]
    splits, events = _by_id(keys, assign_splits(keys, SplitLedger(), RATIOS))
    assert all(splits[k.id] == split_of(events[k.id], RATIOS) for k in keys)


def _by_id(keys: list[EventKey], plan: SplitPlan) -> tuple[dict[str, str], dict[str, str]]:
    """The plan's split and event of each key's document (the plan lists them in key order)."""
    ids = [k.id for k in keys]
    return dict(zip(ids, plan.splits.to_pylist(), strict=True)), dict(
        zip(ids, plan.events.to_pylist(), strict=True)
    )


def test_the_ledger_round_trips_and_rejects_what_it_cannot_read(tmp_path: Path) -> None:
    ledger = SplitLedger.of({"b": Assignment("test", "e2"), "a": Assignment("train", "e1")})
    path = tmp_path / "splits.json"
    path.write_bytes(ledger.to_bytes())
    assert SplitLedger.read(path) == ledger
    assert list(json.loads(path.read_text())["documents"]) == ["a", "b"]
    assert SplitLedger.read(tmp_path / "missing.json") == SplitLedger()
    with pytest.raises(ValueError, match="already recorded"):
        ledger.with_(SplitLedger.of({"a": Assignment("test", "e1")}))
    for bad in ('{"format": 1, "documents": {"a": {"split": "dev", "event": "e"}}}', "{oops", "[]"):
        path.write_text(bad)
        with pytest.raises(InputError, match=str(path)):
            SplitLedger.read(path)


def test_a_ledger_read_or_written_before_is_taken_back_from_the_cache_for_the_same_bytes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild reads the ledger's Arrow copy instead of parsing the JSON again; the copy serves
    those very bytes alone (an edit, even of one byte, is parsed), and a damaged copy is passed over."""
    cache = tmp_path / "cache"
    ledger = SplitLedger.of({"b": Assignment("test", "e2"), "a": Assignment("train", "e1")})
    path = tmp_path / "splits.json"
    splits.write_ledger(path, ledger, cache)
    parsed: list[Path] = []
    stream = splits._stream_entries

    def counted(at: Path, *args: object) -> object:
        parsed.append(at)
        return stream(at, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(splits, "_stream_entries", counted)
    assert SplitLedger.read(path, cache) == ledger
    assert parsed == []  # the copy write_ledger kept
    edited = SplitLedger.of({"a": Assignment("train", "e1"), "b": Assignment("test", "e3")})
    path.write_bytes(edited.to_bytes())  # same size, one byte apart
    assert SplitLedger.read(path, cache) == edited
    assert SplitLedger.read(path, cache) == edited
    assert parsed == [path]  # parsed once, then taken back
    copy = cache / splits.LEDGER_CACHE
    data = bytearray(copy.read_bytes())
    data[-40] ^= 0xFF
    copy.write_bytes(bytes(data))
    assert SplitLedger.read(path, cache) == edited
    assert parsed == [path, path]
    assert SplitLedger.read(tmp_path / "missing.json", cache) == SplitLedger()


_ids = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(
    entries=st.dictionaries(_ids, st.tuples(st.sampled_from(schema.SPLITS), _ids), max_size=12),
    chunk=st.integers(1, 4),
    block=st.integers(1, 400),
)
def test_the_ledger_file_is_the_canonical_json_of_its_entries_and_streams_back(
    entries: dict[str, tuple[str, str]], chunk: int, block: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The bytes are ``json.dumps(indent=1, sort_keys=True)`` of the entries (written a chunk at a
    time), and they read back as a stream of blocks of any size; the same entries laid out otherwise
    (a hand edit: unsorted, other spacing) read back the same through the whole-file parser."""
    ledger = SplitLedger.of({d: Assignment(s, e) for d, (s, e) in entries.items()})
    documents = {d: {"event": e, "split": s} for d, (s, e) in entries.items()}
    canonical = json.dumps(
        {"format": 1, "documents": documents}, ensure_ascii=False, indent=1, sort_keys=True
    )
    path = tmp_path_factory.mktemp("ledger") / "splits.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splits, "CHUNK", chunk)
        patch.setattr(splits, "_READ_BYTES", block)
        patch.setattr(splits, "_parse_ledger", None)  # the file as written never needs the whole-file parse
        assert ledger.to_bytes() == (canonical + "\n").encode("utf-8")
        splits.write_ledger(path, ledger)  # the chunks streamed to the file, not joined first
        assert path.read_bytes() == (canonical + "\n").encode("utf-8")
        assert SplitLedger.read(path) == ledger
    hand_edited = {"documents": dict(reversed(documents.items())), "format": 1}
    path.write_text(json.dumps(hand_edited, ensure_ascii=True), encoding="utf-8")
    assert SplitLedger.read(path) == ledger


@settings(max_examples=100, deadline=None)
@given(
    ours=st.dictionaries(_ids, st.tuples(st.sampled_from(schema.SPLITS), _ids), max_size=6),
    theirs=st.dictionaries(_ids, st.tuples(st.sampled_from(schema.SPLITS), _ids), max_size=6),
)
def test_joining_ledgers_gives_the_union_of_entries_with_either_side_empty(
    ours: dict[str, tuple[str, str]], theirs: dict[str, tuple[str, str]]
) -> None:
    """A join with an empty side takes the other as it is (no sorted copy); it must equal the
    general path: every entry once, sorted by id, differing entries named."""
    ledger = {d: Assignment(s, e) for d, (s, e) in ours.items()}
    other = {d: Assignment(s, e) for d, (s, e) in theirs.items()}
    merged, conflicts = splits.merge_ledgers(SplitLedger.of(ledger), SplitLedger.of(other))
    assert merged == SplitLedger.of({**other, **ledger})
    assert len(conflicts) == sum(1 for d in ledger.keys() & other.keys() if ledger[d] != other[d])
    new = {d: a for d, a in other.items() if d not in ledger}
    assert SplitLedger.of(ledger).with_(SplitLedger.of(new)) == SplitLedger.of({**ledger, **new})


def test_a_ledger_merged_with_another_keeps_every_entry_and_names_each_conflict() -> None:
    ours = SplitLedger.of({"a": Assignment("train", "e1"), "c": Assignment("test", "e3")})
    theirs = SplitLedger.of(
        {"a": Assignment("train", "e1"), "b": Assignment("validation", "e2"), "c": Assignment("train", "e3")}
    )
    merged, conflicts = splits.merge_ledgers(ours, theirs)
    assert merged.to_dict() == {**theirs.to_dict(), **ours.to_dict()}
    assert conflicts == ["c: test (event e3) here, train (event e3) there"]


@pytest.mark.slow
def test_the_build_records_new_documents_once_and_refuses_a_broken_ledger(tmp_path: Path) -> None:
    import shutil

    from dataset_builder.build import build

    repo = Path(__file__).resolve().parent.parent
    seeds, annotations = tmp_path / "seeds", tmp_path / "annotations"
    shutil.copytree(repo / "seeds", seeds)
    shutil.copytree(repo / "annotations", annotations, ignore=shutil.ignore_patterns("splits.json"))
    first = build(
        PROJECT, seeds_dir=seeds, annotations_dir=annotations, out_dir=tmp_path / "dist", progress=False
    )
    ledger = annotations / "splits.json"
    recorded = SplitLedger.read(ledger)
    assert first.recorded == len(recorded) == sum(first.rows["documents"].values())
    assert {doc_id: a.split for doc_id, a in recorded.to_dict().items()} == _splits(tmp_path / "dist")

    again = build(
        PROJECT, seeds_dir=seeds, annotations_dir=annotations, out_dir=tmp_path / "dist", progress=False
    )
    assert again.recorded == 0 and ledger.read_bytes() == recorded.to_bytes()

    ledger.write_text("{broken")
    with pytest.raises(InputError, match=r"splits\.json: line 1"):
        build(
            PROJECT, seeds_dir=seeds, annotations_dir=annotations, out_dir=tmp_path / "other", progress=False
        )
    assert not (tmp_path / "other").exists()


def test_publish_refuses_a_build_in_which_a_recorded_document_changed_split(tmp_path: Path) -> None:
    from dataset_builder.release.publish import plan_publish

    docs = [_article(f"a{e:02d}", e) for e in range(12)]
    built = write_dataset(
        docs, tmp_path / "v1", project=PROJECT, taxonomy=TAXONOMY, split_ratios=RATIOS, progress=False
    )
    assert plan_publish(tmp_path / "v1", "org/news", ledger=built.ledger).files
    moved = write_dataset(  # another build without the ledger: hashing with other ratios moves documents
        docs,
        tmp_path / "v2",
        project=PROJECT,
        taxonomy=TAXONOMY,
        split_ratios=(0.2, 0.4, 0.4),
        progress=False,
    )
    assert moved.rows != built.rows
    with pytest.raises(InputError, match=r"not published, documents would leak across splits") as refused:
        plan_publish(tmp_path / "v2", "org/news", ledger=built.ledger)
    assert "was first built in" in str(refused.value)
    with pytest.raises(InputError, match=r"\(\w+\) is not in the split ledger"):
        plan_publish(tmp_path / "v1", "org/news", ledger=SplitLedger())


LEDGER_LINES = '{"format": 1, "documents": {\n "a": {"split": "train", "event": "e1"},\n "b": %s\n}}\n'


@pytest.mark.parametrize(
    ("b", "message"),
    [
        (
            '{"split": "test", "event": "e2"},\n "a": {"split": "test", "event": "e1"}',
            r"line 4: document a is recorded twice",
        ),
        ('{"split": "dev", "event": "e2"}', r'line 3: document b: unknown split "dev" \(known: train'),
        ('{"split": "test", "event": ""}', r'line 3: document b: event "": expected a non-empty event id'),
        ('{"split": "test", "event": "e2", "moved": true}', r'line 3: document b: unknown key "moved"'),
    ],
)
def test_the_ledger_schema_names_the_line_and_the_value(tmp_path: Path, b: str, message: str) -> None:
    """Case 2 and 10: a duplicate id (the last entry used to win: the document moved), an unknown split
    (refused without the value), a bad event or key: each an error naming the file and the line."""
    path = tmp_path / "splits.json"
    path.write_text(LEDGER_LINES % b, encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}: {message}"):
        SplitLedger.read(path)


def _entries(path: Path) -> dict[str, tuple[str, str]]:
    return {d: (a.split, a.event) for d, a in SplitLedger.read(path).to_dict().items()}


def test_splits_merge_joins_two_ledgers_and_names_every_conflict(tmp_path: Path) -> None:
    """Case 3: two branches that each added articles give two ledgers; the helper joins them, and
    refuses (writing nothing) when a document is recorded differently, naming each one."""
    from dataset_builder.cli import main

    base = {"a": Assignment("train", "e1"), "b": Assignment("test", "e2")}
    ours, theirs = tmp_path / "ours.json", tmp_path / "theirs.json"
    ours.write_bytes(SplitLedger.of({**base, "c": Assignment("test", "e2")}).to_bytes())
    theirs.write_bytes(SplitLedger.of({**base, "d": Assignment("validation", "e3")}).to_bytes())
    assert main(["splits", "merge", str(ours), str(theirs)]) == 0
    assert _entries(ours) == {
        "a": ("train", "e1"),
        "b": ("test", "e2"),
        "c": ("test", "e2"),
        "d": ("validation", "e3"),
    }
    theirs.write_bytes(
        SplitLedger.of({"a": Assignment("test", "e1"), "b": Assignment("test", "e9")}).to_bytes()
    )
    before = ours.read_bytes()
    with pytest.raises(InputError, match="2 document") as refused:
        merge_files(ours, theirs)
    assert "a: train (event e1) here, test (event e1) there" in str(refused.value)
    assert "b: test (event e2) here, test (event e9) there" in str(refused.value)
    assert ours.read_bytes() == before


@pytest.mark.slow
def test_a_deleted_ledger_is_restored_from_the_previous_build_never_rehashed(tmp_path: Path) -> None:
    """Case 3: with splits.json deleted, the build used to hash every event again (documents
    released in test moved to train, reported as "2 new documents recorded")."""
    import shutil

    from dataset_builder.build import build

    repo = Path(__file__).resolve().parent.parent
    seeds, annotations = tmp_path / "seeds", tmp_path / "annotations"
    shutil.copytree(repo / "seeds", seeds)
    shutil.copytree(repo / "annotations", annotations, ignore=shutil.ignore_patterns("splits.json"))
    kwargs = {
        "seeds_dir": seeds,
        "annotations_dir": annotations,
        "out_dir": tmp_path / "dist",
        "progress": False,
    }
    build(PROJECT, split_ratios=(0.0, 0.0, 1.0), **kwargs)  # released: all in test
    first, ledger = _splits(tmp_path / "dist"), annotations / "splits.json"
    recorded = ledger.read_bytes()
    assert set(first.values()) == {"test"}
    ledger.unlink()
    again = build(PROJECT, split_ratios=(1.0, 0.0, 0.0), **kwargs)  # hashing now gives train only
    assert _splits(tmp_path / "dist") == first
    assert ledger.read_bytes() == recorded
    assert any("restored from the previous build" in w for w in again.warnings), again.warnings


def test_a_deleted_ledger_of_a_published_project_without_a_build_is_refused(tmp_path: Path) -> None:
    from dataset_builder.splits import restore_ledger

    releases = tmp_path / "releases"
    releases.mkdir()
    (releases / "0.1.0.json").write_text("{}")
    with pytest.raises(InputError, match=r"splits\.json: missing, but .*0\.1\.0\.json records a published"):
        restore_ledger(tmp_path / "splits.json", tmp_path / "dist", releases)
    assert restore_ledger(tmp_path / "splits.json", tmp_path / "dist", tmp_path / "none") == (
        SplitLedger(),
        [],
    )


def test_a_damaged_file_of_the_previous_build_is_named_not_a_traceback(tmp_path: Path) -> None:
    """The ledger's restore reads the previous build's ids: a damaged parquet file there stops the
    build with an error naming it, and the ledger and the folder are left as they were."""
    dist = tmp_path / "dist"
    (dist / schema.DATA_DIR / "documents").mkdir(parents=True)
    damaged = dist / schema.data_file("documents", "train", 3)
    damaged.write_bytes(b"PAR1 not a parquet file")
    ledger = tmp_path / "splits.json"
    with pytest.raises(InputError, match=rf"{damaged}: not a readable parquet file .*remove that folder"):
        splits.restore_ledger(ledger, dist)
    assert not ledger.exists() and damaged.read_bytes() == b"PAR1 not a parquet file"


def test_a_small_corpus_is_told_why_a_split_is_missing(tmp_path: Path) -> None:
    """Case 11: a small corpus had no validation split at all (`ner["validation"]` a KeyError in
    training code), with no word of why or what to do."""
    docs = [_article(f"a{e:02d}", e) for e in range(2)]
    built = write_dataset(
        docs,
        tmp_path / "dist",
        project=PROJECT,
        taxonomy=TAXONOMY,
        split_ratios=(0.5, 0.4, 0.1),
        progress=False,
    )
    empty = [s for s in schema.SPLITS if not built.rows["documents"][s]]
    assert empty
    notes = [n for n in built.advice if "split is empty" in n]
    assert [n.split()[1] for n in notes] == empty and all("[splits] in dataset.toml" in n for n in notes)
    assert all(f"  note: {n}" in built.summary().splitlines() for n in notes)
