"""Human annotations (``annotations/documents/*.json``), their adjudication into gold, and the
merge of gold over the builder's silver documents (:func:`apply_gold`).

Each file keeps every annotator's annotation of one document (format in ``annotations/README.md``);
gold is derived from them on every build, so changing the rule never loses an annotation.

Adjudication rule (one document at a time):

1. **A decision wins.** If any annotation is marked ground truth in Label Studio, or is a reviewer's
   (made in the review project of ``labelstudio review``, or by a user listed in ``reviewers`` of
   ``[labelstudio]``: ``review`` in the file), gold is that annotation — the latest ``updated_at``
   among decisions (ties: the highest annotation id). Rule ``ground_truth`` or ``review``.
2. Otherwise each annotator counts once, with their latest annotation (latest ``updated_at``).
3. **One annotator:** gold is their annotation (rule ``single``).
4. **Several annotators who agree on everything** (the same spans with the same labels, topics,
   date and language): gold is their common annotation (rule ``unanimous``); the date evidence is
   the most frequent one given.
5. **Several annotators who disagree** on any item (a span, a topic, the date or the language not
   chosen by all): the document is **disputed** (rule ``disputed``) until a reviewer decides. Nothing
   is resolved by vote: the build keeps the document's silver content with ``annotation_status``
   ``disputed`` (:func:`apply_gold`), counts it, and ``labelstudio review`` sends it to a reviewer.
   The items every annotator chose are kept in :class:`Gold` for information only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dataset_builder import schema
from dataset_builder.documents import Document, Span, validate_spans
from dataset_builder.errors import InputError

if TYPE_CHECKING:  # a type only: the caller loads the knowledge and passes it
    from dataset_builder.knowledge import Knowledge

T = TypeVar("T", bound=Hashable)

DOCUMENTS_DIR = "documents"
DISPUTED = schema.DISPUTED
"""The rule of a document whose annotators disagree, and its ``annotation_status`` in the dataset."""
EXPORTS_DIR = "labelstudio"


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text: what annotation offsets are tied to."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_timestamp(value: str, where: str) -> dt.datetime:
    """A Label Studio ISO timestamp (``...Z``) as an aware datetime, for ordering annotations."""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: invalid timestamp {value!r}") from exc
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Annotation:
    """One annotator's annotation of one document, offsets already in the document's current text."""

    annotator: str
    export: str
    task_id: int
    annotation_id: int
    created_at: str
    updated_at: str
    lead_time: float | None
    ground_truth: bool
    entities: tuple[Span, ...]
    topics: tuple[str, ...]
    date: dt.date | None
    date_evidence: str | None
    language: str | None
    origin: str = ""
    unique_id: str | None = None
    review: bool = False
    """A reviewer's decision (review project, or a listed reviewer in the main project)."""
    parent_annotation: int | None = None
    """Label Studio's record that this annotation was created from another one (its id, same origin)."""

    def recency(self) -> tuple[dt.datetime, int]:
        """Sort key: later ``updated_at`` first wins, annotation id breaks ties."""
        return parse_timestamp(self.updated_at, f"annotation {self.annotation_id}"), self.annotation_id

    def identity(self) -> tuple[str, int, int, str]:
        """What makes two records the same annotation: annotator, task, Label Studio id and creation time.

        Label Studio ids restart at 1 on every server, so an id alone would let a fresh server's
        annotation 1 replace the lead's annotation 1; its creation time (to the microsecond, and never
        changed by an edit) and its annotator tell them apart, also for files imported before
        ``origin`` was recorded.
        """
        return self.annotator, self.task_id, self.annotation_id, self.created_at

    def describe(self) -> str:
        """How messages name this annotation: id, annotator, task and where it came from."""
        return (
            f"annotation {self.annotation_id} by {self.annotator} "
            f"(task {self.task_id}, {self.origin or self.export})"
        )

    def content(self) -> tuple[Any, ...]:
        """What the annotator decided (not where or when it was exported): compared before replacing."""
        return (
            self.ground_truth,
            self.entities,
            self.topics,
            self.date,
            self.date_evidence,
            self.language,
            self.review,
        )

    def to_json(self) -> dict[str, Any]:
        return (
            {
                "annotator": self.annotator,
                "export": self.export,
                "origin": self.origin or self.export,
                "unique_id": self.unique_id,
                "task_id": self.task_id,
                "annotation_id": self.annotation_id,
                "created_at": self.created_at,
                "updated_at": self.updated_at,
                "lead_time": self.lead_time,
                "ground_truth": self.ground_truth,
                "entities": [
                    {"start": s.start, "end": s.end, "text": s.text, "label": s.label} for s in self.entities
                ],
                "topics": list(self.topics),
                "date": self.date.isoformat() if self.date else None,
                "date_evidence": self.date_evidence,
                "language": self.language,
            }
            | ({"review": True} if self.review else {})
            | ({"parent_annotation": self.parent_annotation} if self.parent_annotation is not None else {})
        )

    def decides(self) -> bool:
        """Ground truth or a reviewer's annotation: it decides the document's gold."""
        return self.ground_truth or self.review


def _storage_order(a: Annotation) -> tuple[int, str, str, int]:
    """Annotations in a file: by Label Studio id, then creation time and annotator (ids repeat across servers)."""
    return a.annotation_id, a.created_at, a.annotator, a.task_id


@dataclass(frozen=True)
class AnnotatedDocument:
    """The content of one ``documents/<document_id>.json`` file."""

    document_id: str
    text_sha256: str
    annotations: tuple[Annotation, ...]

    def to_bytes(self) -> bytes:
        """Canonical bytes (sorted keys, annotations by id): re-importing an export is byte-identical."""
        obj = {
            "document_id": self.document_id,
            "text_sha256": self.text_sha256,
            "annotations": [a.to_json() for a in sorted(self.annotations, key=_storage_order)],
        }
        return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Gold:
    """Adjudicated annotation of one document; ``rule`` says which step of the rule decided it."""

    document_id: str
    text_sha256: str
    entities: tuple[Span, ...]
    topics: tuple[str, ...]
    date: dt.date | None
    date_evidence: str | None
    language: str | None
    rule: str
    disagreements: tuple[str, ...]


def sort_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    return tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label)))


def sort_topics(topics: Iterable[str], topic_ids: Sequence[str]) -> tuple[str, ...]:
    """Topics in taxonomy order (the ClassLabel order), without duplicates."""
    order = {t: i for i, t in enumerate(topic_ids)}
    return tuple(sorted(set(topics), key=lambda t: order.get(t, len(order))))


def _field(obj: Mapping[str, Any], key: str, types: type | tuple[type, ...], where: str) -> Any:
    """``obj[key]`` if present and of ``types`` (``bool`` is not accepted as an ``int``)."""
    if key not in obj:
        raise InputError(f"{where}: missing {key!r}")
    value = obj[key]
    allowed = types if isinstance(types, tuple) else (types,)
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        raise InputError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
    return value


def _check_member(value: str, allowed: Iterable[str], what: str, where: str) -> str:
    if value not in allowed:
        raise InputError(f"{where}: unknown {what} {value!r}")
    return value


def _annotation_from_json(obj: Any, where: str, topic_ids: Sequence[str]) -> Annotation:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: an annotation must be an object")
    entities = []
    for i, e in enumerate(_field(obj, "entities", list, where)):
        at = f"{where}, entity {i}"
        if not isinstance(e, dict):
            raise InputError(f"{at}: must be an object")
        entities.append(
            Span(
                _field(e, "start", int, at),
                _field(e, "end", int, at),
                _field(e, "text", str, at),
                _field(e, "label", str, at),
            )
        )
    topics = [_check_member(t, topic_ids, "topic", where) for t in _field(obj, "topics", list, where)]
    date_text = _field(obj, "date", (str, type(None)), where)
    try:
        date = dt.date.fromisoformat(date_text) if date_text is not None else None
    except ValueError as exc:
        raise InputError(f"{where}: invalid date {date_text!r}") from exc
    language = _field(obj, "language", (str, type(None)), where)
    if language is not None:
        _check_member(language, schema.LANGUAGES, "language", where)
    lead_time = _field(obj, "lead_time", (int, float, type(None)), where)
    updated_at = _field(obj, "updated_at", str, where)
    parse_timestamp(updated_at, where)
    export = _field(obj, "export", str, where)
    annotation = Annotation(
        annotator=_field(obj, "annotator", str, where),
        export=export,
        task_id=_field(obj, "task_id", int, where),
        annotation_id=_field(obj, "annotation_id", int, where),
        created_at=_field(obj, "created_at", str, where),
        updated_at=updated_at,
        lead_time=float(lead_time) if lead_time is not None else None,
        ground_truth=_field(obj, "ground_truth", bool, where),
        entities=sort_spans(entities),
        topics=sort_topics(topics, topic_ids),
        date=date,
        date_evidence=_field(obj, "date_evidence", (str, type(None)), where),
        language=language,
        # files imported before origins were recorded: the export that brought the annotation
        origin=_field(obj, "origin", str, where) if "origin" in obj else export,
        unique_id=_field(obj, "unique_id", (str, type(None)), where) if "unique_id" in obj else None,
        review=_field(obj, "review", bool, where) if "review" in obj else False,
        parent_annotation=_field(obj, "parent_annotation", int, where)
        if "parent_annotation" in obj
        else None,
    )
    problems = validate_spans(entities, schema.ENTITY_LABELS, where)
    if problems:
        raise InputError(
            f"{where} ({annotation.describe()}) has entities the build cannot use:\n  "
            + "\n  ".join(problems)
        )
    return annotation


def read_document_file(path: Path, topic_ids: Sequence[str]) -> AnnotatedDocument:
    """Parse and validate one ``documents/<id>.json`` file; any problem is an InputError naming it."""
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from exc
    where = str(path)
    if not isinstance(obj, dict):
        raise InputError(f"{path}: expected a JSON object")
    document_id = _field(obj, "document_id", str, where)
    if path.stem != document_id:
        raise InputError(f"{path}: holds document_id {document_id!r}, expected {path.stem!r}")
    items = _field(obj, "annotations", list, where)
    anns = tuple(_annotation_from_json(a, f"{path}: annotation {i}", topic_ids) for i, a in enumerate(items))
    seen: dict[tuple[str, int, int, str], int] = {}
    for i, a in enumerate(anns):
        if a.identity() in seen:
            raise InputError(f"{path}: annotations {seen[a.identity()]} and {i} are the same {a.describe()}")
        seen[a.identity()] = i
    return AnnotatedDocument(document_id, _field(obj, "text_sha256", str, where), anns)


def read_documents(annotations_dir: Path, topic_ids: Sequence[str]) -> dict[str, AnnotatedDocument]:
    """Every annotated document under ``annotations_dir/documents``, by document id."""
    folder = Path(annotations_dir) / DOCUMENTS_DIR
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return {p.stem: read_document_file(p, topic_ids) for p in files}


def latest_per_annotator(annotations: Iterable[Annotation]) -> list[Annotation]:
    """Each annotator's latest annotation, ordered by annotator (everyone counts once)."""
    latest: dict[str, Annotation] = {}
    for a in annotations:
        if a.annotator not in latest or a.recency() > latest[a.annotator].recency():
            latest[a.annotator] = a
    return [latest[k] for k in sorted(latest)]


def who_chose(
    annotations: Iterable[Annotation], items: Callable[[Annotation], Iterable[T]]
) -> dict[T, list[str]]:
    """For each item, the annotators whose annotation holds it (in annotation order, once each)."""
    chosen: dict[T, list[str]] = {}
    for a in annotations:
        for item in dict.fromkeys(items(a)):
            chosen.setdefault(item, []).append(a.annotator)
    return chosen


def _describe_span(span: Span) -> str:
    return f"entity {span.start}:{span.end} {span.label} {span.text!r}"


def disagreements(anns: Sequence[Annotation], topic_ids: Sequence[str]) -> list[str]:
    """Every item not chosen by all of ``anns`` (each annotator's latest), with who chose it."""
    n = len(anns)
    out = []
    spans = who_chose(anns, lambda a: a.entities)
    for span in sort_spans(s for s, who in spans.items() if len(who) < n):
        out.append(f"{_describe_span(span)}: only {', '.join(spans[span])}")
    topics = who_chose(anns, lambda a: a.topics)
    for topic in sort_topics((t for t, who in topics.items() if len(who) < n), topic_ids):
        out.append(f"topic {topic}: only {', '.join(topics[topic])}")
    for name in ("date", "language"):
        values = {a.annotator: getattr(a, name) for a in anns}
        if len(set(values.values())) > 1:
            shown = ", ".join(f"{who}={v if v is not None else 'none'}" for who, v in values.items())
            out.append(f"{name}: {shown}")
    return out


def _adjudicate_several(doc: AnnotatedDocument, anns: list[Annotation], topic_ids: Sequence[str]) -> Gold:
    """Unanimous gold, or a dispute listing every item not chosen by all (nothing decided by vote)."""
    n = len(anns)
    items = disagreements(anns, topic_ids)
    span_votes = who_chose(anns, lambda a: a.entities)
    topic_votes = who_chose(anns, lambda a: a.topics)
    first = anns[0]
    same_date = all(a.date == first.date for a in anns)
    evidence = Counter(a.date_evidence for a in anns if a.date_evidence) if same_date else Counter()
    return Gold(
        document_id=doc.document_id,
        text_sha256=doc.text_sha256,
        entities=sort_spans(s for s, who in span_votes.items() if len(who) == n),
        topics=sort_topics((t for t, who in topic_votes.items() if len(who) == n), topic_ids),
        date=first.date if same_date else None,
        date_evidence=min(evidence, key=lambda e: (-evidence[e], e)) if evidence else None,
        language=first.language if all(a.language == first.language for a in anns) else None,
        rule=DISPUTED if items else "unanimous",
        disagreements=tuple(items),
    )


def adjudicate(doc: AnnotatedDocument, topic_ids: Sequence[str]) -> Gold | None:
    """Gold for one document by the module's rule; None when the file holds no annotation."""
    decisions = [a for a in doc.annotations if a.decides()]
    if decisions:
        chosen = max(decisions, key=Annotation.recency)
        rule = "ground_truth" if chosen.ground_truth else "review"
    else:
        anns = latest_per_annotator(doc.annotations)
        if not anns:
            return None
        if len(anns) > 1:
            return _adjudicate_several(doc, anns, topic_ids)
        chosen, rule = anns[0], "single"
    return Gold(
        document_id=doc.document_id,
        text_sha256=doc.text_sha256,
        entities=chosen.entities,
        topics=chosen.topics,
        date=chosen.date,
        date_evidence=chosen.date_evidence,
        language=chosen.language,
        rule=rule,
        disagreements=(),
    )


def gold_documents(annotations_dir: Path, topic_ids: Sequence[str]) -> dict[str, Gold]:
    """Adjudicated gold of every annotated document, by document id (entity ids left to the pipeline)."""
    gold = {}
    for document_id, doc in read_documents(Path(annotations_dir), topic_ids).items():
        adjudicated = adjudicate(doc, topic_ids)
        if adjudicated is not None:
            gold[document_id] = adjudicated
    return gold


PSEUDONYM_PREFIX = "annotator-"
PSEUDONYMS_FILE = ".cache/annotators.json"
"""Where a project keeps its pseudonym mapping (relative to its root): beside the silver cache, out of git."""


class Pseudonyms:
    """Stable pseudonyms (``annotator-1``, ``annotator-2``, …) for annotator e-mails.

    With ``pseudonymous = true`` in ``[labelstudio]``, ``annotations/`` (in git) holds only these; the
    mapping from e-mail to pseudonym is kept in :data:`PSEUDONYMS_FILE`, out of git, so that the same
    person keeps their pseudonym on every pull. A new e-mail gets the next number. Keep (back up) the
    file: without it the pseudonyms already stored cannot be matched to people, so an import refuses
    to run rather than give the same person a second pseudonym.
    """

    def __init__(self, path: Path, known: Mapping[str, str]) -> None:
        self.path, self._known, self._saved = Path(path), dict(known), dict(known)

    @classmethod
    def load(cls, path: Path, annotations_dir: Path) -> Pseudonyms:
        """The mapping in ``path``; refuses a missing one when ``annotations_dir`` already holds pseudonyms."""
        path = Path(path)
        if not path.exists():
            folder = Path(annotations_dir) / DOCUMENTS_DIR
            marker = f'"annotator": "{PSEUDONYM_PREFIX}'
            holding = [p for p in sorted(folder.glob("*.json")) if marker in p.read_text(encoding="utf-8")]
            if holding:
                raise InputError(
                    f"{path}: missing, but {holding[0]} holds pseudonymous annotators: restore the "
                    "pseudonym mapping (it is kept out of git) before importing"
                )
            return cls(path, {})
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: cannot read the pseudonym mapping ({exc})") from exc
        if not (isinstance(known, dict) and all(isinstance(v, str) for v in known.values())):
            raise InputError(f"{path}: expected an object mapping e-mails to pseudonyms")
        if len(set(known.values())) != len(known):
            raise InputError(f"{path}: two e-mails share a pseudonym")
        return cls(path, known)

    def name(self, email: str) -> str:
        """The pseudonym of ``email``, a new one (the next number) if it has none yet."""
        if email not in self._known:
            taken = [
                int(v.removeprefix(PSEUDONYM_PREFIX))
                for v in self._known.values()
                if v.removeprefix(PSEUDONYM_PREFIX).isdecimal()
            ]
            self._known[email] = f"{PSEUDONYM_PREFIX}{max(taken, default=0) + 1}"
        return self._known[email]

    def files(self) -> dict[Path, bytes]:
        """The mapping file to write, when new e-mails were named (for an atomic write with the import)."""
        if self._known == self._saved:
            return {}
        return {self.path: (json.dumps(self._known, indent=2, sort_keys=True) + "\n").encode("utf-8")}


def nth_occurrence(text: str, surface: str, occurrence: int) -> int | None:
    """Start of the ``occurrence``-th (0-based) occurrence of ``surface`` in ``text``, or None.

    Hand-entered annotations (``annotations/seed_annotations*.json``) name a span by its text and
    occurrence, which survives edits elsewhere in the text better than offsets typed by hand.
    """
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(surface, start + 1)
        if start < 0:
            return None
    return start


def apply_gold(doc: Document, gold: Gold, knowledge: Knowledge, annotations_dir: Path) -> Document:
    """Human annotations over silver: gold fields replace silver ones; entity ids come from the base.

    A disputed document keeps its silver content, marked ``disputed``: no annotator's version is
    chosen before a reviewer decides, and nothing any annotator marked is lost (it stays in the file).
    """
    where = f"{Path(annotations_dir) / DOCUMENTS_DIR / (doc.id + '.json')}"
    if gold.text_sha256 != text_sha256(doc.text):
        raise InputError(
            f"{where}: annotated text differs from the current text of seeds/{doc.seed_file}; "
            "pull or re-import the annotations so their spans are re-anchored"
        )
    if gold.rule == DISPUTED:
        return doc.with_(annotation_status=DISPUTED)
    language = gold.language or doc.language
    entities = [
        Span(s.start, s.end, s.text, s.label, knowledge.entities.link(s.text, language))
        for s in gold.entities
    ]
    problems = validate_spans(entities, schema.ENTITY_LABELS, f"{where} ({gold.rule} gold)", doc.text)
    if problems:
        raise InputError("\n".join(problems))
    date, source, evidence = doc.date, doc.date_source, doc.date_evidence
    if gold.date is not None and gold.date != doc.date:
        date, source, evidence = gold.date, "annotation", gold.date_evidence
    return doc.with_(
        language=language,
        entities=entities,
        topics=list(sort_topics(gold.topics, knowledge.topic_ids)),
        date=date,
        date_source=source,
        date_evidence=evidence,
        annotation_status="gold",
    )
