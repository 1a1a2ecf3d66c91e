"""Integrity of the real-mess held-out set (tests/data/realmess): gold that misreads its raw file is useless.

The set measures cleaning and silver annotation on scraped pages; it is never tuned on, so this test
checks only the data itself: every span reads its raw text at its offsets and lies inside a body line,
every body line is a line of the file, labels and topics come from the allowed sets.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from dataset_builder.schema import ENTITY_LABELS

REALMESS = Path(__file__).resolve().parent / "data" / "realmess"
TOPICS = {
    "economy",
    "sport",
    "disaster_accident",
    "health",
    "science_technology",
    "environment",
    "crime_law",
    "politics",
    "conflict",
    "arts_culture",
    "education",
    "religion",
    "society",
    "labour",
    "lifestyle",
    "weather",
}
"""The general-news taxonomy of issue 17 (IPTC Media Topics' top level), the ids the gold uses."""


def _line_ranges(raw: str, wanted: set[str]) -> list[tuple[int, int]]:
    """Code-point ranges of the raw lines that are body lines."""
    ranges, pos = [], 0
    for line in raw.split("\n"):
        if line in wanted:
            ranges.append((pos, pos + len(line)))
        pos += len(line) + 1
    return ranges


def problems(folder: Path) -> list[str]:
    """Every way the gold of ``folder`` disagrees with its raw files (empty when the data is sound)."""
    found: list[str] = []
    data = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    if not data.get("comment"):
        found.append("gold.json: no comment")
    golds = data["documents"]
    stems = {p.stem for p in folder.glob("*.txt")}
    found += [f"{s}: no gold" for s in sorted(stems - golds.keys())]
    found += [f"{s}: gold without a file" for s in sorted(golds.keys() - stems)]
    for stem, gold in sorted(golds.items()):
        if stem not in stems:
            continue
        raw = (folder / f"{stem}.txt").read_text(encoding="utf-8")
        lines = raw.split("\n")
        if gold["language"] not in {"ar", "en"} or not stem.startswith(gold["language"]):
            found.append(f"{stem}: language {gold['language']!r}")
        if gold["date"] is not None:
            dt.date.fromisoformat(gold["date"])
        if not gold["topics"] or not set(gold["topics"]) <= TOPICS:
            found.append(f"{stem}: topics {gold['topics']}")
        body = gold["body_lines"]
        found += [f"{stem}: body line not in file: {b[:40]!r}" for b in body if b not in lines]
        if gold["title"] not in body:
            found.append(f"{stem}: title is not a body line")
        if len(body) >= len(lines) - 1:
            found.append(f"{stem}: no furniture line")
        ranges = _line_ranges(raw, set(body))
        previous_end = 0
        for e in gold["entities"]:
            where = f"{stem}: {e['label']} {e['start']}:{e['end']} {e['text']!r}"
            if e["label"] not in ENTITY_LABELS:
                found.append(f"{where}: unknown label")
            if raw[e["start"] : e["end"]] != e["text"] or not e["text"]:
                found.append(f"{where}: reads {raw[e['start'] : e['end']]!r}")
            if not any(s <= e["start"] and e["end"] <= t for s, t in ranges):
                found.append(f"{where}: not inside a body line")
            if e["start"] < previous_end:
                found.append(f"{where}: overlaps or is out of order")
            previous_end = e["end"]
    return found


def test_realmess_gold_reads_its_raw_files() -> None:
    gold = json.loads((REALMESS / "gold.json").read_text(encoding="utf-8"))["documents"]
    assert problems(REALMESS) == []
    languages = [g["language"] for g in gold.values()]
    assert languages.count("ar") >= 8 and languages.count("en") >= 8
    assert sum(len(g["entities"]) for g in gold.values()) >= 200


def test_realmess_check_catches_a_span_off_by_one(tmp_path: Path) -> None:
    copy = tmp_path / "realmess"
    shutil.copytree(REALMESS, copy)
    data = json.loads((copy / "gold.json").read_text(encoding="utf-8"))
    doc = data["documents"]["ar03_derna_floods"]
    doc["entities"][0]["start"] += 1
    doc["entities"][0]["end"] += 1
    doc["body_lines"].append("a line that is not in the file")
    data["documents"]["en04_herat_earthquake"]["topics"] = ["diplomacy"]
    (copy / "gold.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (copy / "en09_orphan.txt").write_text("Home\n", encoding="utf-8")
    found = problems(copy)
    assert any("ar03_derna_floods: LOC" in p and "reads" in p for p in found)
    assert any("body line not in file" in p for p in found)
    assert any("en04_herat_earthquake: topics" in p for p in found)
    assert "en09_orphan: no gold" in found
