"""What a campaign lead asks between pushes: how far each annotator is, and what to annotate next.

``status`` reads the bound Label Studio project (one export snapshot with drafts and annotators'
e-mails, shown to the lead only, never written) and the stored annotations (disputed and reviewed
documents, as :func:`annotations.gold_documents` adjudicates them).

``next_batch`` ranks the documents nobody has annotated yet, offline and deterministically: test
and validation documents first (evaluation needs gold; splits as the ledger ``annotations/splits.json``
has them, or as the next build would assign them), then the documents where the silver pipeline is
least sure, taken in turn from each language and topic so that a batch is balanced. Each choice says
why it was made.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from dataset_builder import annotations
from dataset_builder.documents import Document, Span
from dataset_builder.events import EventKey
from dataset_builder.knowledge.text import normalise
from dataset_builder.labelstudio import client
from dataset_builder.project import Project
from dataset_builder.splits import LEDGER_NAME, SplitLedger, assign_splits

if TYPE_CHECKING:  # a type only: the caller loads the knowledge and passes it
    from dataset_builder.knowledge import Knowledge

SPLIT_PRIORITY = {"test": 0, "validation": 1, "train": 2}
"""Evaluation needs gold first: test, then validation, then train."""
EXAMPLES = 3
"""Words quoted per reason."""

_CAPITALISED = regex.compile(r"\b\p{Lu}[\p{L}\p{M}'’-]*\p{L}")
_SENTENCE_END = regex.compile(r"(^|[.!?؟:\n\"“”])\s*$")
_ARABIC_WORD = regex.compile(r"[\p{Arabic}\p{M}]+")


# --- the next batch -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A document proposed for annotation, and why."""

    document_id: str
    split: str
    language: str
    topic: str
    uncertainty: int
    reasons: tuple[str, ...]

    def to_text(self) -> str:
        return f"{self.document_id} ({self.language}, {self.topic}): " + "; ".join(self.reasons)


def _covered(spans: Sequence[Span], start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def untagged_names(doc: Document, knowledge: Knowledge) -> list[str]:
    """Words that look like names but no annotator tagged: capitalised English words that do not
    start a sentence, and Arabic words right after a title (وزير, الرئيس), outside every entity."""
    k = knowledge.entities
    found = []
    if doc.language == "en":
        for match in _CAPITALISED.finditer(doc.text):
            word = match.group()
            if _SENTENCE_END.search(doc.text[: match.start()]) or _covered(doc.entities, *match.span()):
                continue
            if word.lower() in k.en_stopwords or word.lower() in k.en_titles:
                continue
            found.append(word)
    elif doc.language == "ar":
        words = list(_ARABIC_WORD.finditer(doc.text))
        for title, nxt in itertools.pairwise(words):
            if normalise(title.group(), "ar") not in k.ar_titles:
                continue
            if _covered(doc.entities, *nxt.span()) or normalise(nxt.group(), "ar") in k.ar_stopwords:
                continue
            found.append(nxt.group())
    return found


def layer_disagreements(doc: Document, knowledge: Knowledge) -> list[str]:
    """Entities whose label differs from the one the knowledge base gives the same name (two rule
    layers, the gazetteer and the context rules, disagree)."""
    names = knowledge.entities.names
    out = []
    for span in doc.entities:
        hit = names.get((doc.language, normalise(span.text, doc.language)))
        if hit is not None and hit[1] != span.label:
            out.append(f"{span.text} {span.label}/{hit[1]}")
    return out


def model_disagreements(doc: Document, model_spans: Sequence[Span]) -> list[str]:
    """Entities the ``--ner-model`` finds that the silver rules do not have exactly (or the reverse)."""
    silver = {(s.start, s.end, s.label) for s in doc.entities}
    model = {(s.start, s.end, s.label) for s in model_spans}
    return [f"{doc.text[a:b]} {label}" for a, b, label in sorted(silver ^ model)]


def _quote(words: Sequence[str]) -> str:
    shown = ", ".join(repr(w) for w in list(dict.fromkeys(words))[:EXAMPLES])
    return shown + (", …" if len(set(words)) > EXAMPLES else "")


def document_splits(documents: Sequence[Document], annotations_dir: Path, project: Project) -> dict[str, str]:
    """Each document's split: the ledger's, else the one the next build would give it."""
    ledger = SplitLedger.read(Path(annotations_dir) / LEDGER_NAME)
    plan = assign_splits((EventKey.of(d) for d in documents), ledger, project.split_ratios)
    return dict(zip((d.id for d in documents), plan.splits.to_pylist(), strict=True))


def annotated_documents(annotations_dir: Path, topic_ids: Sequence[str]) -> set[str]:
    """Documents with at least one stored human annotation."""
    return {
        doc_id
        for doc_id, doc in annotations.read_documents(Path(annotations_dir), topic_ids).items()
        if doc.annotations
    }


def rank(
    documents: Sequence[Document],
    splits: dict[str, str],
    knowledge: Knowledge,
    done: Iterable[str] = (),
    model_spans: dict[str, Sequence[Span]] | None = None,
) -> list[Choice]:
    """Every document not in ``done``, in the order to annotate them (deterministic)."""
    skip = set(done)
    groups: dict[tuple[int, str, str], list[tuple[int, str, Choice]]] = defaultdict(list)
    for doc in documents:
        if doc.id in skip:
            continue
        split = splits.get(doc.id, "train")
        reasons = []
        if split in ("test", "validation"):
            reasons.append(f"{split} split: evaluation needs gold")
        untagged = untagged_names(doc, knowledge)
        layers = layer_disagreements(doc, knowledge)
        model = model_disagreements(doc, model_spans.get(doc.id, ())) if model_spans is not None else []
        if untagged:
            reasons.append(f"{len(untagged)} name-like words no annotator tagged ({_quote(untagged)})")
        if layers:
            reasons.append(f"{len(layers)} entities the rule layers label differently ({_quote(layers)})")
        if model:
            reasons.append(f"{len(model)} entities the NER model and the rules disagree on ({_quote(model)})")
        if not doc.topics:
            reasons.append("no topic")
        uncertainty = len(untagged) + 2 * len(layers) + len(model) + (3 if not doc.topics else 0)
        if not reasons:
            reasons.append("silver looks sure; balances the batch")
        topic = doc.topics[0] if doc.topics else "no topic"
        choice = Choice(doc.id, split, doc.language, topic, uncertainty, tuple(reasons))
        groups[(SPLIT_PRIORITY.get(split, 3), doc.language, topic)].append((-uncertainty, doc.id, choice))
    ranked = []
    for priority in sorted({p for p, _, _ in groups}):
        queues = {key: sorted(items) for key, items in sorted(groups.items()) if key[0] == priority}
        # in turn from each language and topic, the least sure first; the order of the turns is the
        # groups' most uncertain document, so one round takes the hardest of each group
        while queues:
            order = sorted(queues, key=lambda key: (queues[key][0][0], key))
            for key in order:
                ranked.append(queues[key].pop(0)[2])
                if not queues[key]:
                    del queues[key]
    return ranked


def next_batch(
    project: Project,
    documents: Sequence[Document],
    annotations_dir: Path,
    knowledge: Knowledge,
    size: int,
    model_spans: dict[str, Sequence[Span]] | None = None,
) -> list[Choice]:
    """The ``size`` documents to annotate next (none already annotated in ``annotations/``)."""
    splits = document_splits(documents, annotations_dir, project)
    done = annotated_documents(annotations_dir, knowledge.topic_ids)
    return rank(documents, splits, knowledge, done, model_spans)[: max(size, 0)]


def batch_text(choices: Sequence[Choice]) -> str:
    if not choices:
        return "no document left to annotate"
    lines = [f"next {len(choices)} documents to annotate (test and validation first, then the least sure):"]
    lines += [f"{i:>4}. {c.to_text()}" for i, c in enumerate(choices, start=1)]
    return "\n".join(lines)


# --- status -------------------------------------------------------------------------------------------


@dataclass
class Progress:
    """One annotator's documents: submitted, skipped (cancelled), and drafted but not submitted."""

    done: int = 0
    skipped: int = 0
    in_progress: int = 0


@dataclass
class CampaignStatus:
    """The campaign at a glance; ``to_text()`` is what ``labelstudio status`` prints."""

    url: str
    project_id: int
    documents: int
    tasks: int
    annotators: dict[str, Progress] = field(default_factory=dict)
    annotated: dict[str, int] = field(default_factory=dict)
    """Tasks with 0, 1 and 2+ submitted annotations."""
    disputed: int = 0
    reviewed: int = 0
    annotators_per_task: int = 1

    def to_text(self) -> str:
        lines = [
            f"Label Studio project {self.project_id} at {self.url}: {self.tasks} tasks for {self.documents} "
            f"documents ({self.annotators_per_task} annotators per task wanted)",
            "tasks by submitted annotations: "
            + ", ".join(f"{k}: {self.annotated.get(k, 0)}" for k in ("0", "1", "2+")),
            f"stored in annotations/: {self.disputed} disputed documents (waiting for review), "
            f"{self.reviewed} decided by a reviewer",
        ]
        if not self.annotators:
            lines.append("no annotator has started")
        else:
            width = max(len(a) for a in self.annotators)
            lines.append(f"{'annotator':<{width}}  done  skipped  in progress")
            for email, p in sorted(self.annotators.items()):
                lines.append(f"{email:<{width}}  {p.done:>4}  {p.skipped:>7}  {p.in_progress:>11}")
        return "\n".join(lines)

    def to_json(self) -> str:
        body = {
            "url": self.url,
            "project_id": self.project_id,
            "documents": self.documents,
            "tasks": self.tasks,
            "annotators_per_task": self.annotators_per_task,
            "annotated": self.annotated,
            "disputed": self.disputed,
            "reviewed": self.reviewed,
            "annotators": {k: vars(v) for k, v in sorted(self.annotators.items())},
        }
        return json.dumps(body, indent=2, sort_keys=True)


STATUS_OPTIONS: dict[str, Any] = {
    **client.EXPORT_OPTIONS,
    "drafts": {"only_id": False},
}


def _person(value: Any, emails: dict[int, str]) -> str:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if isinstance(value, int):
        return emails.get(value, f"user {value}")
    return str(value)


def server_snapshot(url: str, api_key: str, project_id: int) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Every task of the project with its annotations and drafts, and the users' e-mails by id."""
    ls = client.connect(url, api_key)
    with client.server_errors(url, api_key, f"reading the tasks of project {project_id}"):
        ls.projects.get(project_id)
        emails = {u.id: u.email or f"user {u.id}" for u in ls.users.list()}
        snapshot = ls.projects.exports.create(
            project_id,
            title=f"dataset_builder status of project {project_id}",
            serialization_options=STATUS_OPTIONS,
        )
        deadline = time.monotonic() + client.EXPORT_TIMEOUT
        while snapshot.status != "completed":
            if snapshot.status == "failed" or time.monotonic() > deadline:
                raise client.LabelStudioError(
                    f"Label Studio at {url}: export {snapshot.id} of project {project_id} {snapshot.status}"
                )
            time.sleep(1)
            snapshot = ls.projects.exports.get(project_id, snapshot.id)
        raw = b"".join(ls.projects.exports.download(project_id, snapshot.id, export_type="JSON"))
        ls.projects.exports.delete(project_id, snapshot.id)
    return json.loads(raw.decode("utf-8")), emails


def status(
    project: Project,
    documents: Sequence[Document],
    knowledge: Knowledge,
    url: str,
    api_key: str,
    *,
    annotations_dir: Path | None = None,
    project_id: int | None = None,
) -> CampaignStatus:
    """Per annotator done / skipped / in progress, tasks by number of annotations, disputed, reviewed."""
    pid = client.bound_project_id(project, project_id)
    exported, emails = server_snapshot(url, client.clean_api_key(api_key), pid)
    client.check_dataset(exported, project.settings.name, url, pid)
    result = CampaignStatus(
        url=url,
        project_id=pid,
        documents=len(documents),
        tasks=len(exported),
        annotators_per_task=project.settings.labelstudio.annotators_per_task,
    )
    counts: Counter[str] = Counter()
    people: dict[str, Progress] = defaultdict(Progress)
    for task in exported:
        submitted, skipped = set(), set()
        for ann in task.get("annotations") or []:
            who = _person(ann.get("completed_by"), emails)
            (skipped if ann.get("was_cancelled") else submitted).add(who)
        for draft in task.get("drafts") or []:
            who = _person(draft.get("user") or draft.get("created_username"), emails)
            if who not in submitted and who not in skipped:
                people[who].in_progress += 1
        for who in submitted:
            people[who].done += 1
        for who in skipped - submitted:
            people[who].skipped += 1
        n = len(submitted)
        counts["0" if n == 0 else "1" if n == 1 else "2+"] += 1
    result.annotated = {k: counts.get(k, 0) for k in ("0", "1", "2+")}
    result.annotators = dict(people)
    rules = Counter(
        g.rule
        for g in annotations.gold_documents(
            Path(annotations_dir or project.annotations_dir), knowledge.topic_ids
        ).values()
    )
    result.disputed = rules.get(annotations.DISPUTED, 0)
    result.reviewed = rules.get("review", 0) + rules.get("ground_truth", 0)
    return result
