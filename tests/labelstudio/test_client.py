"""What a pull keeps of an export: the same work gives the same stored bytes, whenever it is pulled."""

from __future__ import annotations

import json

from dataset_builder.labelstudio.client import RELATIVE_TIME, without_relative_times


def _export(ago: str) -> bytes:
    task = {
        "id": 7,
        "data": {"document_id": "d1", "text": "Cairo"},
        "annotations": [{"id": 1, "result": [], RELATIVE_TIME: ago}],
        "predictions": [{"id": 2, "model_version": "v", "result": [], RELATIVE_TIME: ago}],
    }
    return json.dumps([task]).encode("utf-8")


def test_two_pulls_a_minute_apart_keep_the_same_export() -> None:
    first, parsed = without_relative_times(_export("0\u00a0minutes"))
    second, _ = without_relative_times(_export("1\u00a0minute"))
    assert first == second
    task = parsed[0]
    assert RELATIVE_TIME not in task["annotations"][0] and RELATIVE_TIME not in task["predictions"][0]
    assert task["predictions"][0]["model_version"] == "v"  # nothing else goes


def test_an_export_without_relative_times_is_kept_as_received() -> None:
    raw = b'[{"id": 7, "data": {"text": "\\u0645\\u0635\\u0631"}, "annotations": [{"id": 1}]}]'
    assert without_relative_times(raw) == (raw, json.loads(raw))
