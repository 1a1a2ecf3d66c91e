"""Scoring the silver annotators against a folder of gold articles they were not written for.

The folder holds one ``.txt`` per article and ``gold.json`` (``{"documents": {id: {"language",
"date", "entities": [{"start", "end", "text", "label"}]}}}``, offsets into the cleaned text). Each
article goes through the real silver pipeline (cleaning, language, date, entities); a span counts as
right only with the exact offsets and label.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dataset_builder.documents import Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge_schema import read_json
from dataset_builder.pipeline import annotate_seed
from dataset_builder.schema import ENTITY_LABELS


@dataclass(frozen=True, slots=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Evaluation:
    per_label: dict[str, PRF]
    overall: PRF
    documents: int
    language_right: int
    date_right: int
    dates_invented: int
    """Dates given where gold has none, or a different date than gold (a wrong date is worse than none)."""
    errors: list[str] = field(default_factory=list)

    def report(self) -> str:
        rows = [f"{'label':<8}{'precision':>10}{'recall':>8}{'F1':>7}{'gold':>6}{'found':>7}"]
        for label, s in [*self.per_label.items(), ("overall", self.overall)]:
            rows.append(
                f"{label:<8}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.tp + s.fn:>6}{s.tp + s.fp:>7}"
            )
        rows.append(f"language {self.language_right}/{self.documents}")
        rows.append(
            f"date     {self.date_right}/{self.documents} right, {self.dates_invented} wrong or invented"
        )
        return "\n".join(rows)


def _gold_spans(doc: Document, gold: dict, where: str) -> set[tuple[int, int, str]]:
    spans = set()
    for e in gold["entities"]:
        if doc.text[e["start"] : e["end"]] != e["text"]:
            raise InputError(f"{where}: gold span {e['start']}:{e['end']} does not read {e['text']!r}")
        spans.add((e["start"], e["end"], e["label"]))
    return spans


def evaluate(folder: Path, knowledge: Knowledge) -> Evaluation:
    """Run the silver annotators over every article of ``folder`` and score them against its gold."""
    folder = Path(folder)
    raw = read_json(folder / "gold.json")
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), dict):
        raise InputError(f'{folder / "gold.json"}: expected {{"documents": {{id: gold}}}}')
    golds = raw["documents"]
    counts = {label: Counter() for label in ENTITY_LABELS}
    lang = date = invented = 0
    errors: list[str] = []
    for doc_id, gold in sorted(golds.items()):
        docs = annotate_seed(folder / f"{doc_id}.txt", knowledge)
        if len(docs) != 1:
            raise InputError(f"{folder / (doc_id + '.txt')}: expected one document, got {len(docs)}")
        doc = docs[0]
        check_spans(doc.text, doc.entities, doc_id)
        expected = _gold_spans(doc, gold, f"{folder / 'gold.json'} ({doc_id})")
        found = {(s.start, s.end, s.label) for s in doc.entities}
        for start, end, label in sorted(found | expected):
            key = (
                "tp"
                if (start, end, label) in found & expected
                else "fp"
                if (start, end, label) in found
                else "fn"
            )
            counts[label][key] += 1
            if key != "tp":
                errors.append(f"{doc_id}\t{key}\t{label}\t{doc.text[start:end]}")
        lang += doc.language == gold["language"]
        gold_date = dt.date.fromisoformat(gold["date"]) if gold["date"] else None
        date += doc.date == gold_date
        if doc.date is not None and doc.date != gold_date:
            invented += 1
            errors.append(
                f"{doc_id}\tdate\t{doc.date} ({doc.date_source}: {doc.date_evidence}) ≠ {gold_date}"
            )
        elif doc.date != gold_date:
            errors.append(f"{doc_id}\tdate\tmissed {gold_date}")
    per_label = {label: PRF(c["tp"], c["fp"], c["fn"]) for label, c in counts.items()}
    overall = PRF(*(sum(getattr(s, k) for s in per_label.values()) for k in ("tp", "fp", "fn")))
    return Evaluation(per_label, overall, len(golds), lang, date, invented, errors)
