"""Scoring silver against gold written on raw scraped files (offsets into the raw text, body lines)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import KNOWLEDGE

from dataset_builder.silver_eval import evaluate

RAW = "date 2024-02-07\nShare this article\nBlinken lands in Cairo\nAntony Blinken met officials in Cairo.\n"


def test_gold_on_raw_offsets_is_scored_through_the_cuts_on_body_lines_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(RAW, encoding="utf-8")
    body = ["Blinken lands in Cairo", "Antony Blinken met officials in Cairo."]

    def at(text: str, n: int = 0) -> dict:
        start = -1
        for _ in range(n + 1):
            start = RAW.index(text, start + 1)
        return {"start": start, "end": start + len(text), "text": text}

    entities = [
        {**at("Cairo", 0), "label": "LOC"},
        {**at("Antony Blinken"), "label": "PER"},
        {**at("Cairo", 1), "label": "ORG"},  # a wrong label: one miss, one spurious
    ]
    gold = {"language": "en", "date": "2024-02-07", "body_lines": body, "entities": entities}
    (tmp_path / "gold.json").write_text(json.dumps({"documents": {"a": gold}}), encoding="utf-8")
    result = evaluate(tmp_path, KNOWLEDGE)
    assert RAW.startswith("date 2024-02-07\n")  # cut by cleaning: every offset after it shifts
    # Blinken in the title line is silver's, not gold's: the only other spurious span
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (2, 2, 1)
    assert result.per_language["en"]["LOC"].tp == 1 and result.per_language["en"]["ORG"].fn == 1
    assert "en overall" in result.report()
