"""The split writers: row groups written in background threads must give the files a plain, in-order
writer gives, however rows of several files arrive interleaved, a shard after another."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_builder import schema
from dataset_builder.parquet_files import BATCH_ROWS, SplitWriters, fresh, list_member, writer

SCHEMA = pa.schema([("n", pa.int64()), ("text", pa.string())])


def _rows(first: int, count: int) -> pa.Table:
    return pa.table(
        {"n": range(first, first + count), "text": [f"row {i}" for i in range(first, first + count)]}
    )


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]), st.sampled_from(schema.SPLITS), st.integers(1, 2500), st.booleans()
        ),
        max_size=12,
    )
)
def test_files_equal_an_in_order_single_thread_write(
    tmp_path_factory: pytest.TempPathFactory, adds: list[tuple[str, str, int, bool]]
) -> None:
    """Each shard's file is what one plain writer gives its rows (a new shard after ``True``)."""
    root = tmp_path_factory.mktemp("out")
    writers = SplitWriters(root, {"a": SCHEMA, "b": SCHEMA})
    expected: dict[tuple[str, str, int], list[pa.Table]] = {}
    shard: dict[tuple[str, str], int] = {}
    for at, (subset, split, count, next_shard) in enumerate(adds):
        table = _rows(at * 10_000, count)
        number = shard[subset, split] = shard.get((subset, split), -1) + (
            next_shard or (subset, split) not in shard
        )
        writers.add(subset, split, table, number)
        expected.setdefault((subset, split, number), []).append(table)
    writers.close()
    written = {p.relative_to(root).as_posix() for p in root.rglob("*.parquet")}
    assert written == {schema.data_file(*key) for key in expected}
    for (subset, split, number), tables in expected.items():
        whole = pa.concat_tables(tables)
        plain = root.parent / f"plain-{subset}-{split}-{number}.parquet"
        with writer(plain, SCHEMA) as w:
            for start in range(0, whole.num_rows, BATCH_ROWS):
                w.write_table(fresh(whole.slice(start, BATCH_ROWS), SCHEMA))
        assert (root / schema.data_file(subset, split, number)).read_bytes() == plain.read_bytes()
    for subset, split in shard:
        rows = sum(
            t.num_rows for (a, b, _), tables in expected.items() if (a, b) == (subset, split) for t in tables
        )
        assert writers.rows[subset][split] == rows


def test_a_failed_write_reaches_the_caller_and_stops_the_threads(tmp_path: Path) -> None:
    """A disk that fills up while a thread writes a row group: the error reaches the build."""
    target = tmp_path / schema.data_file("a", "train")
    target.parent.mkdir(parents=True)
    target.symlink_to("/dev/full")
    before = threading.active_count()
    writers = SplitWriters(tmp_path, {"a": SCHEMA})
    with pytest.raises(OSError, match="No space left"):
        for start in range(0, 20 * BATCH_ROWS, BATCH_ROWS):
            writers.add("a", "train", _rows(start, BATCH_ROWS))
        writers.close()
    writers.close()  # the build's ``finally`` closes them again: nothing left running either way
    assert threading.active_count() <= before


def test_a_list_member_is_read_alone_with_the_values_of_the_whole_column(tmp_path: Path) -> None:
    """Reading ``list_member`` gives the list column with that member only: same lists, same values."""
    spans = pa.list_(pa.struct([("start", pa.int32()), ("label", pa.string()), ("text", pa.string())]))
    rows = [
        [{"start": 0, "label": "PER", "text": "Ann"}, {"start": 9, "label": "LOC", "text": "Oslo"}],
        [],
        [{"start": 3, "label": "ORG", "text": "UN"}],
    ]
    table = pa.table({"id": ["a", "b", "c"], "spans": pa.array(rows, spans)})
    path = tmp_path / "t.parquet"
    with writer(path, table.schema) as w:
        w.write_table(table)
    read = pq.ParquetFile(path).read(columns=["id", list_member("spans", "label")])
    member = read.column("spans").type.value_type
    assert [member.field(i).name for i in range(member.num_fields)] == ["label"]
    assert read.column("spans").to_pylist() == [[{"label": s["label"]} for s in doc] for doc in rows]


def test_fresh_drops_an_all_valid_bitmap_of_a_lone_chunk() -> None:
    """A column of one chunk whose nested field carries a bitmap with no null in it (as rows decoded
    one way do and rows decoded another way do not) has the Arrow size of the same rows made afresh."""
    ids = pa.array(["a", "b", "c"])
    bitmap = pa.py_buffer(b"\x07")
    with_bitmap = pa.Array.from_buffers(pa.string(), 3, [bitmap, *ids.buffers()[1:]], null_count=-1)
    entities = pa.ListArray.from_arrays(
        pa.array([0, 1, 3], pa.int32()),
        pa.StructArray.from_arrays([pa.array([1, 2, 3]), with_bitmap], ["n", "id"]),
    )
    table = pa.table({"entities": entities})
    reference = pa.Table.from_pylist(table.to_pylist(), schema=table.schema)
    assert table.nbytes != reference.nbytes  # the bitmap counts
    assert fresh(table, table.schema).nbytes == reference.nbytes
