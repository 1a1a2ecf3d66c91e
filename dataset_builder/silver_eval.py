"""Scoring the silver annotators against a folder of gold articles they were not written for.

The folder holds one ``.txt`` per article and ``gold.json`` (``{"documents": {id: {"language",
"date", "entities": [{"start", "end", "text", "label"}]}}}``, offsets into the cleaned text; or,
when a gold lists its ``body_lines``, offsets into the raw file, silver scored on body lines only). Each
article goes through the real silver pipeline (cleaning, language, date, entities); a span counts as
right only with the exact offsets and label. The build's card scores the silver of its own gold
documents the same way (:func:`silver_against_gold`; the build's pipeline re-annotates them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataset_builder.documents import CHARACTER_CUTS, Document, check_spans, rebuild_seed
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.schema import read_json
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
    per_language: dict[str, dict[str, PRF]]
    """Language → label (and "overall") → counts."""
    documents: int
    language_right: int
    date_right: int
    dates_invented: int
    """Dates given where gold has none, or a different date than gold (a wrong date is worse than none)."""
    errors: list[str] = field(default_factory=list)
    spans: bool = True
    """Whether the set's gold annotates entities (a cleaning set scores language and dates only)."""

    def report(self) -> str:
        rows = self._span_rows() if self.spans else []
        rows.append(f"language {self.language_right}/{self.documents}")
        rows.append(
            f"date     {self.date_right}/{self.documents} right, {self.dates_invented} wrong or invented"
        )
        return "\n".join(rows)

    def _span_rows(self) -> list[str]:
        rows = [f"{'label':<12}{'precision':>10}{'recall':>8}{'F1':>7}{'gold':>6}{'found':>7}"]
        for label, s in [*self.per_label.items(), ("overall", self.overall)]:
            rows.append(
                f"{label:<12}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}{s.tp + s.fn:>6}{s.tp + s.fp:>7}"
            )
        for language, labels in sorted(self.per_language.items()):
            for label, s in labels.items():
                rows.append(
                    f"{language + ' ' + label:<12}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}"
                    f"{s.tp + s.fn:>6}{s.tp + s.fp:>7}"
                )
        return rows


def _gold_spans(doc: Document, gold: dict, where: str) -> set[tuple[int, int, str]]:
    spans = set()
    for e in gold["entities"]:
        if doc.text[e["start"] : e["end"]] != e["text"]:
            raise InputError(f"{where}: gold span {e['start']}:{e['end']} does not read {e['text']!r}")
        spans.add((e["start"], e["end"], e["label"]))
    return spans


def _raw_spans(doc: Document, gold: dict, raw: str) -> set[tuple[int, int, str]]:
    """The silver spans at offsets into the raw file (through the cleaning cuts), on body lines only."""
    shifts: list[tuple[int, int]] = []  # (offset in the text where a cut was, characters cut so far)
    cut_so_far = 0
    for cut in sorted(doc.cuts, key=lambda c: c.start):
        shifts.append((cut.start - doc.seed_start - cut_so_far, cut_so_far + len(cut.text)))
        cut_so_far += len(cut.text)

    def raw_at(offset: int, is_end: bool) -> int:
        shift = 0
        for at, total in shifts:
            if at < offset or (at == offset and not is_end):
                shift = total
        return doc.seed_start + offset + shift

    body, pos = [], 0
    wanted = set(gold["body_lines"])
    for line in raw.split("\n"):
        if line in wanted:
            body.append((pos, pos + len(line)))
        pos += len(line) + 1
    spans = set()
    for s in doc.entities:
        start, end = raw_at(s.start, False), raw_at(s.end, True)
        if raw[start:end] == s.text and any(a <= start and end <= b for a, b in body):
            spans.add((start, end, s.label))
    return spans


def evaluate(folder: Path, knowledge: Knowledge) -> Evaluation:
    """Run the silver annotators over every article of ``folder`` and score them against its gold."""
    folder = Path(folder)
    raw = read_json(folder / "gold.json")
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), dict):
        raise InputError(f'{folder / "gold.json"}: expected {{"documents": {{id: gold}}}}')
    golds = raw["documents"]
    spans = any("body_lines" not in g or g.get("entities") for g in golds.values())
    counts = {label: Counter() for label in ENTITY_LABELS}
    by_language: dict[str, dict[str, Counter]] = {}
    lang = date = invented = 0
    errors: list[str] = []
    for doc_id, gold in sorted(golds.items()):
        docs = annotate_seed(folder / f"{doc_id}.txt", knowledge)
        if len(docs) != 1:
            raise InputError(f"{folder / (doc_id + '.txt')}: expected one document, got {len(docs)}")
        doc = docs[0]
        check_spans(doc.text, doc.entities, doc_id)
        if "body_lines" in gold:
            raw = (folder / f"{doc_id}.txt").read_text(encoding="utf-8")
            expected = {(e["start"], e["end"], e["label"]) for e in gold["entities"]}
            found = _raw_spans(doc, gold, raw)
            text = raw
        else:
            expected = _gold_spans(doc, gold, f"{folder / 'gold.json'} ({doc_id})")
            found = {(s.start, s.end, s.label) for s in doc.entities}
            text = doc.text
        language_counts = by_language.setdefault(
            gold["language"], {label: Counter() for label in ENTITY_LABELS}
        )
        for (start, end, label), key in _outcomes(found, expected) if spans else ():
            counts[label][key] += 1
            language_counts[label][key] += 1
            if key != "tp":
                errors.append(f"{doc_id}\t{key}\t{label}\t{text[start:end]}")
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
    per_label = _scores(counts)
    overall = per_label.pop("overall")
    per_language = {language: _scores(c) for language, c in sorted(by_language.items())}
    return Evaluation(per_label, overall, per_language, len(golds), lang, date, invented, errors, spans)


def _outcomes(
    found: set[tuple[int, int, str]], expected: set[tuple[int, int, str]]
) -> list[tuple[tuple[int, int, str], str]]:
    """Each span of either set with "tp" (in both), "fp" (silver only) or "fn" (gold only), in text order."""
    return [
        (span, "tp" if span in expected and span in found else "fp" if span in found else "fn")
        for span in sorted(found | expected)
    ]


def _scores(counts: dict[str, Counter]) -> dict[str, PRF]:
    """Counts per label, and "overall" summed over them."""
    scores = {label: PRF(c["tp"], c["fp"], c["fn"]) for label, c in counts.items()}
    scores["overall"] = PRF(*(sum(getattr(s, k) for s in scores.values()) for k in ("tp", "fp", "fn")))
    return scores


@dataclass(slots=True)
class MessEvaluation:
    """Topics scored on a set whose gold lists them; titles and cleaning on the pages whose gold also
    gives the title and names the body lines (tests/data/realmess).

    Topics are compared on the gold's topic ids only (the taxonomy's top level): a subtopic the
    silver annotator adds is neither right nor wrong there.
    """

    documents: int
    with_topic: int
    per_topic: dict[str, PRF]
    furniture_lines: int
    furniture_cut: int
    body_lines: int
    body_lost: int
    cut_by_rule: Counter[str]
    title_right: int
    titled: int = 0
    """Documents whose gold gives a title."""
    pages: int = 0
    """Documents whose gold names the body lines (the cleaning figures count only these)."""
    errors: list[str] = field(default_factory=list)

    @property
    def topics_overall(self) -> PRF:
        return PRF(*(sum(getattr(s, k) for s in self.per_topic.values()) for k in ("tp", "fp", "fn")))

    def report(self) -> str:
        rows = [f"{'topic':<20}{'precision':>10}{'recall':>8}{'gold':>6}{'found':>7}"]
        for topic, s in [*sorted(self.per_topic.items()), ("overall", self.topics_overall)]:
            rows.append(f"{topic:<20}{s.precision:>10.3f}{s.recall:>8.3f}{s.tp + s.fn:>6}{s.tp + s.fp:>7}")
        rows.append(f"documents with a topic  {self.with_topic}/{self.documents}")
        if self.titled:
            rows.append(f"titles right            {self.title_right}/{self.titled}")
        if not self.pages:
            return "\n".join(rows)
        rows.append(f"furniture lines cut     {self.furniture_cut}/{self.furniture_lines}")
        rows.append(f"body lines lost         {self.body_lost}/{self.body_lines}")
        rows.append(
            "lines cut per rule      " + ", ".join(f"{r} {n}" for r, n in sorted(self.cut_by_rule.items()))
        )
        return "\n".join(rows)


def _cut_positions(docs: list[Document]) -> set[int]:
    return {i for d in docs for c in d.cuts for i in range(c.start, c.start + len(c.text))}


def evaluate_mess(folder: Path, knowledge: Knowledge) -> MessEvaluation:
    """Run the pipeline over every article of ``folder``; score its topics, titles and which lines cleaning cut.

    A body line is lost when any of its non-blank characters was cut; a furniture line (any other
    non-blank line) counts as cut only when all of them were.
    """
    folder = Path(folder)
    raw = read_json(folder / "gold.json")
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), dict):
        raise InputError(f'{folder / "gold.json"}: expected {{"documents": {{id: gold}}}}')
    golds = raw["documents"]
    scored = sorted(
        {t for g in golds.values() for t in g["topics"]} | {t.id for t in knowledge.taxonomy if not t.parent}
    )
    counts = {t: Counter() for t in scored}
    result = MessEvaluation(len(golds), 0, {}, 0, 0, 0, 0, Counter(), 0)
    for doc_id, gold in sorted(golds.items()):
        path = folder / f"{doc_id}.txt"
        docs = annotate_seed(path, knowledge)
        found = {t for d in docs for t in d.topics}
        result.with_topic += bool(found)
        expected = set(gold["topics"])
        for topic in scored:
            key = (
                "tp"
                if topic in found & expected
                else "fp"
                if topic in found
                else "fn"
                if topic in expected
                else None
            )
            if key:
                counts[topic][key] += 1
                if key != "tp":
                    result.errors.append(f"{doc_id}\ttopic {key}\t{topic}")
        if "title" in gold:
            result.titled += 1
            result.title_right += docs[0].title == gold["title"]
            if docs[0].title != gold["title"]:
                result.errors.append(f"{doc_id}\ttitle\t{docs[0].title!r}")
        if "body_lines" not in gold:
            continue
        result.pages += 1
        text = rebuild_seed(docs)
        cut = _cut_positions(docs)
        body = set(gold["body_lines"])
        result.cut_by_rule.update(c.reason for d in docs for c in d.cuts if c.reason not in CHARACTER_CUTS)
        pos = 0
        for line in text.split("\n"):
            visible = [pos + i for i, ch in enumerate(line) if not ch.isspace()]
            pos += len(line) + 1
            if not visible:
                continue
            if line in body:
                result.body_lines += 1
                if any(i in cut for i in visible):
                    result.body_lost += 1
                    result.errors.append(f"{doc_id}\tbody lost\t{line[:80]}")
            else:
                result.furniture_lines += 1
                if all(i in cut for i in visible):
                    result.furniture_cut += 1
                else:
                    result.errors.append(f"{doc_id}\tfurniture kept\t{line[:80]}")
    result.per_topic = {t: PRF(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()}
    return result


def silver_against_gold(
    gold: Iterable[Document], silver: Mapping[str, Document | str]
) -> dict[str, Any] | None:
    """Strict precision, recall and F1 of the silver entities on a build's gold documents, for the card.

    ``silver`` is :func:`pipeline.silver_of_gold` of these documents; one without silver (only an edited seed:
    the build checked gold against its text) is left out. ``None`` when the build has no gold document.
    """
    gold = list(gold)
    if not gold:
        return None
    counts = {label: Counter() for label in ENTITY_LABELS}
    compared = 0
    for doc in gold:
        redone = silver.get(doc.id)
        if not isinstance(redone, Document):
            continue
        compared += 1
        found = {(s.start, s.end, s.label) for s in redone.entities}
        for span, key in _outcomes(found, {(s.start, s.end, s.label) for s in doc.entities}):
            counts[span[2]][key] += 1
    rows = [
        {
            "label": label,
            "precision": f"{s.precision:.3f}",
            "recall": f"{s.recall:.3f}",
            "f1": f"{s.f1:.3f}",
            "gold": s.tp + s.fn,
            "silver": s.tp + s.fp,
        }
        for label, s in _scores(counts).items()
    ]
    return {"documents": compared, "rows": rows}
