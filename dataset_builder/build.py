"""Stream final documents into the Hub-ready dataset folder, deterministically and atomically.

Pass 1 streams documents into a staging parquet and keeps only small :class:`events.EventKey`s;
events are assigned; pass 2 re-reads the staging file in batches and writes every config and
split. Memory stays flat in the number of documents (apart from the keys and open translation
groups). Everything is written to a staging folder next to ``out_dir`` and swapped in at the end
(``output.staged_folder``), so a failed or interrupted build leaves the previous output untouched.
"""

from __future__ import annotations

import functools
import itertools
import shutil
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset_builder import configs, events, output, pipeline, schema
from dataset_builder.annotations import read_documents
from dataset_builder.cache import SilverCache
from dataset_builder.documents import Document, validate_spans
from dataset_builder.errors import InputError
from dataset_builder.executors import Executor
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio.agreement import compute_agreement
from dataset_builder.project import Project
from dataset_builder.release.card import GUIDELINES_NAME, release_info, write_card
from dataset_builder.release.croissant import write_croissant
from dataset_builder.release.manifest import unbumped_version, write_manifest
from dataset_builder.report import write_report
from dataset_builder.schema import Topic
from dataset_builder.silver_eval import silver_against_gold
from dataset_builder.splits import (
    LEDGER_NAME,
    SplitLedger,
    SplitPlan,
    assign_splits,
    check_ratios,
    empty_split_notes,
    restore_ledger,
    write_ledger,
)

BATCH_ROWS = 1000
"""Rows per parquet write (one row group each): bounds memory and fixes the file layout."""

PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "store_schema": True,
}
"""Fixed writer options, so that two builds of the same input are byte-identical."""

STAGING_NAME = ".staging.parquet"


@dataclass
class BuildResult:
    """What a build wrote: row counts per config and split, and warnings (the CLI prints them on stderr)."""

    out_dir: Path
    version: str
    rows: dict[str, dict[str, int]]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the build recovered beside the output folder (said on stderr as it happened)."""
    ledger: SplitLedger = field(default_factory=SplitLedger)
    """The split ledger with this build's new documents added."""
    recorded: int = 0
    """How many documents this build added to the ledger."""
    steps: pipeline.PipelineStats = field(default_factory=pipeline.PipelineStats)
    """What each step of the pipeline did (documents, counters, seconds summed over workers)."""
    statuses: dict[str, int] = field(default_factory=dict)
    """Documents per ``annotation_status``."""
    advice: list[str] = field(default_factory=list)
    """Notes for the user in the summary, not warnings: e.g. why a split is empty and what to do."""

    def summary(self) -> str:
        lines = [f"built {self.out_dir} (version {self.version})"]
        for config, splits in self.rows.items():
            sizes = ", ".join(f"{split} {n}" for split, n in splits.items())
            lines.append(f"  {config}: {sum(splits.values())} rows ({sizes})")
        if self.statuses:
            lines.append("  annotation status: " + ", ".join(f"{n} {k}" for k, n in self.statuses.items()))
        if self.statuses.get(schema.DISPUTED):
            lines.append(
                f"  {self.statuses[schema.DISPUTED]} disputed documents (annotators disagree) kept silver: "
                "`dataset-builder labelstudio review` sends them to a reviewer"
            )
        lines += [f"  note: {note}" for note in self.advice]
        if self.recorded:
            lines.append(f"  split ledger: {self.recorded} new documents recorded")
        cache = self.steps.get(pipeline.CACHE_STEP)
        if cache is not None:
            annotated, reused = (cache.counters[f"seed files {n}"] for n in ("annotated", "reused"))
            lines.append(f"  silver cache: {annotated} seed files annotated, {reused} unchanged ones reused")
        if self.steps:
            lines.append("  steps (seconds summed over workers):")
            lines += [f"    {line}" for line in self.steps.to_text().splitlines()]
        return "\n".join(lines)


def build(
    project: Project,
    *,
    out_dir: Path | None = None,
    seeds_dir: Path | None = None,
    annotations_dir: Path | None = None,
    knowledge: Knowledge | None = None,
    split_ratios: Sequence[float] | None = None,
    progress: bool = True,
    workers: int = 1,
    executor: Executor | None = None,
    ner_model: Path | None = None,
    cache: SilverCache | None = None,
) -> BuildResult:
    """Build a project's dataset folder (the CLI's ``build``).

    Every input defaults to the project's: ``seeds/``, ``annotations/`` (knowledge and gold), the
    split ratios of ``dataset.toml``, and ``dist/`` for the output. ``workers`` processes annotate
    the seeds (the CLI uses one per CPU), or ``executor`` (e.g. a Ray cluster) when given; the output
    does not depend on either. The split ledger (``annotations/splits.json``) is read first and gains
    the new documents once the dataset folder is in place, so a document keeps the split it was first
    built in. ``ner_model``: a local token-classification model folder whose entities join the silver ones.
    ``cache`` (see :mod:`dataset_builder.cache`) gives the silver documents of seed files annotated
    before, and stores the others.
    """
    seeds_dir = Path(seeds_dir or project.seeds_dir)
    annotations_dir = Path(annotations_dir or project.annotations_dir)
    out_dir = Path(out_dir or project.dist_dir)
    inputs = {"seeds folder": seeds_dir, "annotations folder": annotations_dir}
    output.check_out_dir(out_dir, inputs)  # before any work: --out may not hold the inputs
    knowledge = knowledge or Knowledge.load(annotations_dir)
    ledger_path = annotations_dir / LEDGER_NAME
    ledger, restored = restore_ledger(ledger_path, out_dir, project.releases_dir)
    steps = pipeline.PipelineStats()
    annotated = read_documents(Path(annotations_dir), knowledge.topic_ids)
    texts: dict[str, str] = {}
    gold: list[Document] = []

    def keep_annotated_texts(docs: Iterable[Document]) -> Iterator[Document]:
        """The annotated documents' texts, for token-level agreement, and the gold documents, for the
        card's silver-against-gold figures, as the build streams them."""
        for doc in docs:
            if doc.id in annotated:
                texts[doc.id] = doc.text
                if doc.annotation_status == "gold":
                    gold.append(doc)
            yield doc

    result = write_dataset(
        keep_annotated_texts(
            pipeline.documents(
                seeds_dir, annotations_dir, knowledge, workers, executor, ner_model, cache, steps
            )
        ),
        out_dir,
        project=project,
        taxonomy=knowledge.taxonomy,
        split_ratios=split_ratios or project.split_ratios,
        progress=progress,
        # The build itself rejects stale or unknown annotations, so agreement needs no second pass
        # over the seeds (agreement_report's check): the annotations alone give the figures.
        agreement=lambda: compute_agreement(annotated, knowledge.topic_ids, texts).to_dict(),
        silver_vs_gold=lambda: silver_against_gold(gold, seeds_dir, knowledge),
        guidelines=annotations_dir / GUIDELINES_NAME,
        ledger=ledger,
        inputs=inputs,
        report=partial(
            write_report, seeds_dir=seeds_dir, annotations_dir=annotations_dir, knowledge=knowledge
        ),
        cache=cache,
    )
    if result.recorded or restored:
        write_ledger(ledger_path, result.ledger)
    result.warnings += restored
    result.steps = steps
    return result


def write_dataset(
    docs: Iterable[Document],
    out_dir: Path,
    *,
    project: Project,
    taxonomy: Sequence[Topic],
    split_ratios: Sequence[float] = schema.DEFAULT_SPLIT_RATIOS,
    progress: bool = True,
    agreement: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    silver_vs_gold: Callable[[], Mapping[str, Any] | None] | None = None,
    guidelines: Path | None = None,
    ledger: SplitLedger | None = None,
    inputs: Mapping[str, Path] | None = None,
    report: Callable[[Path], object] | None = None,
    cache: SilverCache | None = None,
) -> BuildResult:
    """Write the dataset folder for a stream of final documents (``build`` minus the pipeline).

    ``project`` gives the card template and what ``dataset.toml`` says (name, version, license); the
    version is checked against the project's release records. ``taxonomy`` gives the topic
    ClassLabel names (in its order) and the card's topic table. ``guidelines`` (the annotation
    guidelines) is shipped beside the card, which links to it. ``ledger`` holds the splits of
    documents built before (none: every event's split is hashed). ``out_dir`` is checked before
    ``docs`` is read, against ``inputs`` too (see ``output.check_out_dir``). ``report`` writes
    ``report.html`` into the folder before the manifest lists its files. ``cache`` keeps each
    document's ``ner`` tokens, so that a rebuild tokenises only the documents that changed.
    """
    check_ratios(split_ratios)  # before any work
    ledger = ledger or SplitLedger()
    with output.staged_folder(Path(out_dir), inputs) as stage:
        out_dir, tmp = stage.out_dir, stage.path
        staging = tmp / STAGING_NAME
        topic_ids = [t.id for t in taxonomy]
        keys = _stage(docs, staging, topic_ids, progress)
        plan = assign_splits(keys, ledger, split_ratios)
        stats, pair_warnings = _write_configs(staging, keys, plan, tmp, topic_ids, progress, cache)
        staging.unlink()
        if guidelines is not None and guidelines.is_file():
            shutil.copyfile(guidelines, tmp / GUIDELINES_NAME)
        info = release_info(project.settings)
        if callable(agreement):  # figures that need the documents streamed above
            agreement = agreement()
        silver = silver_vs_gold() if silver_vs_gold is not None else None
        write_card(tmp, stats, agreement, taxonomy, info, project.card_template, silver)
        write_croissant(tmp, stats, topic_ids, info)
        if report is not None:
            report(tmp)
        manifest = write_manifest(tmp, stats["rows"], project.settings)
        result = BuildResult(
            out_dir,
            project.settings.version,
            manifest["rows"],
            notes=list(stage.notes),
            ledger=ledger.with_(plan.added),
            recorded=len(plan.added),
            statuses={k: sum(stats["status"][lang][k] for lang in schema.LANGUAGES) for k in schema.STATUSES},
        )
        warning = unbumped_version(project.releases_dir, manifest)
        result.warnings += plan.conflicts + pair_warnings + ([warning] if warning else [])
        result.advice += empty_split_notes(manifest["rows"]["documents"], stats["events"], split_ratios)
    return result


def _parquet_writer(path: Path, features: datasets.Features) -> pq.ParquetWriter:
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(path, features.arrow_schema, **PARQUET_OPTIONS)


def _check_document(doc: Document, topics: set[str]) -> None:
    """Reject what the features cannot hold, naming the document (the pipeline should never send it)."""
    where = f"{doc.seed_file}: document {doc.id}"
    if doc.language not in schema.LANGUAGES:
        raise InputError(f"{where}: language {doc.language!r} is not one of {schema.LANGUAGES}")
    problems = validate_spans(doc.entities, schema.ENTITY_LABELS, where, doc.text)
    bad_topics = sorted(set(doc.topics) - topics)
    if bad_topics:
        problems.append(f"{where}: unknown topics {bad_topics}")
    if problems:
        raise InputError("\n".join(problems))


def _stage(
    docs: Iterable[Document], staging: Path, topic_ids: Sequence[str], progress: bool
) -> list[events.EventKey]:
    """Pass 1: documents → staging parquet (``documents`` features); returns the event keys."""
    features = schema.documents_features()
    topics = set(topic_ids)
    keys: list[events.EventKey] = []
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    with _parquet_writer(staging, features) as writer:
        for doc in tqdm(docs, desc="documents", unit="doc", file=sys.stderr, disable=not progress):
            if doc.id in seen:
                raise InputError(f"{doc.seed_file}: duplicate document id {doc.id}")
            seen.add(doc.id)
            _check_document(doc, topics)
            keys.append(events.EventKey.of(doc))
            batch.append(configs.document_row(doc))  # documents have no ClassLabel
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=writer.schema))
                batch.clear()
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=writer.schema))
    if not keys:
        raise InputError("no documents: the seeds folder gave nothing to build")
    return keys


class _SplitWriters:
    """One parquet file per config and split, fed whole Arrow tables and written in tables of exactly
    ``BATCH_ROWS`` rows (one row group each), so the file layout does not depend on how rows arrive."""

    def __init__(self, root: Path, topic_ids: Sequence[str]) -> None:
        self.root = root
        self.schemas = {name: f.arrow_schema for name, f in configs.config_features(topic_ids).items()}
        zeros = {c: dict.fromkeys(schema.SPLITS, 0) for c in configs.CONFIG_NAMES}
        self.rows: dict[str, dict[str, int]] = zeros
        self.bytes: dict[str, dict[str, int]] = {c: dict(splits) for c, splits in zeros.items()}
        self._pending: dict[tuple[str, str], list[pa.Table]] = defaultdict(list)
        self._pending_rows: Counter[tuple[str, str]] = Counter()
        self._writers: dict[tuple[str, str], pq.ParquetWriter] = {}

    def add(self, config: str, split: str, table: pa.Table) -> None:
        """Queue rows of one config and split (any number, in file order); full batches are written."""
        if not table.num_rows:
            return
        self.rows[config][split] += table.num_rows
        self._pending[config, split].append(table)
        self._pending_rows[config, split] += table.num_rows
        if self._pending_rows[config, split] >= BATCH_ROWS:
            self._flush(config, split, last=False)

    def _flush(self, config: str, split: str, *, last: bool) -> None:
        table = pa.concat_tables(self._pending.pop((config, split)))
        done = 0
        while table.num_rows - done >= BATCH_ROWS or (last and done < table.num_rows):
            self._write(config, split, table.slice(done, BATCH_ROWS))
            done += BATCH_ROWS
        self._pending_rows[config, split] = table.num_rows - done
        if done < table.num_rows:
            self._pending[config, split].append(table.slice(done))

    def _write(self, config: str, split: str, table: pa.Table) -> None:
        if (config, split) not in self._writers:
            path = self.root / schema.data_file(config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._writers[config, split] = pq.ParquetWriter(path, self.schemas[config], **PARQUET_OPTIONS)
        table = _fresh(table, self.schemas[config])
        self.bytes[config][split] += table.nbytes
        self._writers[config, split].write_table(table)

    def close(self) -> None:
        """Flush what is left. A split without rows gets no file: ``datasets`` refuses empty splits."""
        for config, split in list(self._pending):
            self._flush(config, split, last=True)
        for writer in self._writers.values():
            writer.close()


def _fresh(table: pa.Table, arrow_schema: pa.Schema) -> pa.Table:
    """One contiguous chunk laid out as ``pa.Table.from_pylist`` lays it out.

    Slices and filters keep offsets and all-valid validity bitmaps (in nested columns too), so the
    card's Arrow sizes (``nbytes``) would depend on how rows arrived; concatenation copies into fresh
    buffers with a bitmap only where something is null.
    """
    return pa.Table.from_arrays([c.combine_chunks() for c in table.columns], schema=arrow_schema)


def _list_array(offsets: list[int], values: pa.Array, kind: pa.DataType) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values, type=kind)


@functools.cache
def _ner_schema() -> pa.Schema:
    return configs.ner_features().arrow_schema


_TOKEN_COLUMNS = ("tokens", "ner_tags", "token_starts", "token_ends")
"""The ``ner`` columns that come from a document's text and spans alone (what is cached)."""


def _token_table(docs: Sequence[configs.NerTokens]) -> pa.Table:
    """One row per sentence of ``docs``, in order, their :data:`_TOKEN_COLUMNS` (one conversion
    for the lot: per document, Arrow's fixed cost per array would double the tokeniser's)."""
    counts = [count for doc in docs for count in doc.counts]
    offsets = pa.array(list(itertools.accumulate(counts, initial=0)), pa.int32())
    fields = [_ner_schema().field(name) for name in _TOKEN_COLUMNS]
    values = [
        [v for doc in docs for v in getattr(doc, name)] for name in ("tokens", "tags", "starts", "ends")
    ]
    return pa.Table.from_arrays(
        [
            pa.ListArray.from_arrays(offsets, pa.array(v, f.type.value_type), type=f.type)
            for v, f in zip(values, fields, strict=True)
        ],
        schema=pa.schema(fields),
    )


def _per_document(table: pa.Table, docs: Sequence[configs.NerTokens]) -> list[pa.Table]:
    """:func:`_token_table` of several documents cut back into one table each (zero-copy slices)."""
    out, at = [], 0
    for doc in docs:
        out.append(table.slice(at, len(doc.counts)))
        at += len(doc.counts)
    return out


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _token_tables(
    documents: Sequence[tuple[str, str, str, str, list[configs.Span3]]], cache: SilverCache | None
) -> list[pa.Table]:
    """Every document's :func:`_token_table`, read from ``cache`` where it holds it (keyed by the
    text, language and spans: a rebuild tokenises only the documents that changed), else computed
    and stored."""
    if cache is None:
        computed = [configs.ner_tokens(text, language, spans) for _, text, language, _, spans in documents]
        return _per_document(_token_table(computed), computed)
    keys = [
        cache.derived_key("ner", language, text, repr(spans)) for _, text, language, _, spans in documents
    ]
    stored = cache.derived(keys)
    missing = {key: i for i, key in enumerate(keys) if key not in stored}  # a repeated document once
    computed = [configs.ner_tokens(*documents[i][1:3], documents[i][4]) for i in missing.values()]
    tables = dict(zip(missing, _per_document(_token_table(computed), computed), strict=True))
    for key, table in tables.items():
        cache.put_derived(key, _ipc_bytes(table))
    tables.update((key, pa.ipc.open_stream(value).read_all()) for key, value in stored.items())
    return [tables[key] for key in keys]


class _NerColumns:
    """``ner`` rows of one split: per-row columns as lists, the token columns as each document's
    Arrow table (the rows :func:`configs.ner_rows` defines, without a dict per row or a ClassLabel
    lookup per tag)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.document_ids: list[str] = []
        self.languages: list[str] = []
        self.statuses: list[str] = []
        self.tokens: list[pa.Table] = []

    def add(self, doc_id: str, text: str, language: str, status: str, spans: list[configs.Span3]) -> None:
        self.add_tokens(
            doc_id, language, status, _token_tables([(doc_id, text, language, status, spans)], None)[0]
        )

    def add_tokens(self, doc_id: str, language: str, status: str, tokens: pa.Table) -> None:
        """A document's rows, its :func:`_token_table` given."""
        sentences = tokens.num_rows
        self.ids.extend(configs.ner_row_id(doc_id, index) for index in range(sentences))
        self.document_ids.extend([doc_id] * sentences)
        self.languages.extend([language] * sentences)
        self.statuses.extend([status] * sentences)
        self.tokens.append(tokens)

    def take_table(self, arrow_schema: pa.Schema) -> pa.Table:
        """The rows so far as a table; the columns start empty again (memory stays at a batch)."""
        columns = [
            pa.array(self.ids, pa.string()),
            pa.array(self.document_ids, pa.string()),
            pa.array(self.languages, pa.string()),
            pa.array(self.statuses, pa.string()),
        ]
        if self.tokens:
            tokens = pa.concat_tables(self.tokens)
            columns += [tokens.column(name).combine_chunks() for name in _TOKEN_COLUMNS]
        else:
            columns += [pa.array([], arrow_schema.field(name).type) for name in _TOKEN_COLUMNS]
        self.__init__()
        return pa.Table.from_arrays(columns, schema=arrow_schema)


def _topics_table(table: pa.Table, topic_ids: Sequence[str], arrow_schema: pa.Schema) -> pa.Table:
    """``topics`` rows of staging rows (:func:`configs.topic_row`), topic names turned to ids at once."""
    topics = table.column("topics").combine_chunks()
    ids = pc.index_in(pc.list_flatten(topics), value_set=pa.array(topic_ids, pa.string()))
    kind = arrow_schema.field("labels").type
    labels = pa.ListArray.from_arrays(
        pc.subtract(topics.offsets, topics.offsets[0]), ids.cast(kind.value_type), type=kind
    )
    columns = [table.column(name) for name in ("id", "language", "annotation_status", "text")]
    return pa.Table.from_arrays([*columns, labels], schema=arrow_schema)


def _write_configs(
    staging: Path,
    keys: Sequence[events.EventKey],
    plan: SplitPlan,
    root: Path,
    topic_ids: Sequence[str],
    progress: bool,
    cache: SilverCache | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Pass 2: staging batches → every config and split; returns the card's statistics and warnings.

    ``documents`` and ``topics`` are staging batches filtered by split; ``ner`` is assembled as
    columns; only ``parallel`` (few rows) goes through row dicts. A translation pair whose documents
    were recorded in different splits is left out of ``parallel`` (it would leak across splits) and
    reported.
    """
    group_sizes = Counter(k.translation_group for k in keys if k.translation_group)
    pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
    writers = _SplitWriters(root, topic_ids)
    stats = _Stats()
    skipped: list[str] = []
    ner = {split: _NerColumns() for split in schema.SPLITS}
    bar = tqdm(total=len(keys), desc="configs", unit="doc", file=sys.stderr, disable=not progress)
    try:
        for batch in pq.ParquetFile(staging).iter_batches(batch_size=BATCH_ROWS):
            table = pa.Table.from_batches([batch])
            ids = table.column("id").to_pylist()
            events_column = pa.array([plan.event_ids[i] for i in ids], pa.string())
            table = table.set_column(table.schema.get_field_index("event_id"), "event_id", events_column)
            splits = [plan.splits[i] for i in ids]
            stats.add_batch(table, splits)
            documents = list(_ner_documents(table))
            for split, (doc_id, _, language, status, _), tokens in zip(
                splits, documents, _token_tables(documents, cache), strict=True
            ):
                ner[split].add_tokens(doc_id, language, status, tokens)
                if len(ner[split].ids) >= BATCH_ROWS:
                    writers.add("ner", split, ner[split].take_table(writers.schemas["ner"]))
            topics = _topics_table(table, topic_ids, writers.schemas["topics"])
            split_column = pa.array(splits, pa.string())
            for split in schema.SPLITS:
                mask = pc.equal(split_column, split)
                writers.add("documents", split, table.filter(mask))
                writers.add("topics", split, topics.filter(mask))
            columns = {k: table.column(k).to_pylist() for k in ("translation_group", "language", "text")}
            for i, (doc_id, split) in enumerate(zip(ids, splits, strict=True)):
                group = columns["translation_group"][i]
                if not group:
                    continue
                member = {"id": doc_id, "language": columns["language"][i], "text": columns["text"][i]}
                pending[group].append(member | {"split": split})
                if len(pending[group]) == group_sizes[group]:
                    members = pending.pop(group)
                    if len({m["split"] for m in members}) > 1:
                        where = ", ".join(f"{m['id']} ({m['split']})" for m in members)
                        skipped.append(
                            f"translation group {group} left out of parallel: its documents were built in different splits ({where})"
                        )
                        continue
                    pairs = list(configs.parallel_rows(group, members))
                    if pairs:
                        parallel = pa.Table.from_pylist(pairs, schema=writers.schemas["parallel"])
                        writers.add("parallel", split, parallel)
            bar.update(len(ids))
        for split, columns in ner.items():
            writers.add("ner", split, columns.take_table(writers.schemas["ner"]))
    finally:
        bar.close()
        writers.close()
    stats.rows, stats.arrow_bytes = writers.rows, writers.bytes
    stats.events = len(set(plan.event_ids.values()))
    stats.translation_groups = len(group_sizes)
    return stats.to_dict(topic_ids), skipped


def _ner_documents(table: pa.Table) -> Iterator[tuple[str, str, str, str, list[configs.Span3]]]:
    """What :meth:`_NerColumns.add` needs of each staging row (its entities are sorted and valid:
    ``_stage`` checked them)."""
    entities = table.column("entities").combine_chunks()
    bounds = pc.subtract(entities.offsets, entities.offsets[0]).to_pylist()
    flat = pc.list_flatten(entities)
    starts, ends, labels = (flat.field(name).to_pylist() for name in ("start", "end", "label"))
    columns = [table.column(name).to_pylist() for name in ("id", "text", "language", "annotation_status")]
    for i, (doc_id, text, language, status) in enumerate(zip(*columns, strict=True)):
        a, b = bounds[i], bounds[i + 1]
        yield doc_id, text, language, status, list(zip(starts[a:b], ends[a:b], labels[a:b], strict=True))


@dataclass
class _Stats:
    """Small per-language counters for the card (never holds texts)."""

    documents: Counter[tuple[str, str]] = field(default_factory=Counter)
    seed_files: set[str] = field(default_factory=set)
    characters: Counter[str] = field(default_factory=Counter)
    status: Counter[tuple[str, str]] = field(default_factory=Counter)
    dated: Counter[str] = field(default_factory=Counter)
    entities: Counter[tuple[str, str]] = field(default_factory=Counter)
    topics: Counter[tuple[str, str]] = field(default_factory=Counter)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    arrow_bytes: dict[str, dict[str, int]] = field(default_factory=dict)
    events: int = 0
    translation_groups: int = 0

    def add_batch(self, table: pa.Table, splits: Sequence[str]) -> None:
        """Count a staging batch column by column (no row dicts)."""
        languages = table.column("language").to_pylist()
        self.documents.update(zip(languages, splits, strict=True))
        self.seed_files.update(table.column("seed_file").to_pylist())
        lengths = pc.utf8_length(table.column("text")).to_pylist()
        statuses = table.column("annotation_status").to_pylist()
        self.status.update(zip(languages, statuses, strict=True))
        dated = pc.is_valid(table.column("date")).to_pylist()
        for lang, length, has_date in zip(languages, lengths, dated, strict=True):
            self.characters[lang] += length
            self.dated[lang] += has_date
        for name, counter, values in (
            ("entities", self.entities, lambda flat: flat.field("label")),
            ("topics", self.topics, lambda flat: flat),
        ):
            column = table.column(name)
            owners = pc.list_parent_indices(column).to_pylist()
            names = values(pc.list_flatten(column).combine_chunks()).to_pylist()
            counter.update((languages[i], n) for i, n in zip(owners, names, strict=True))

    def to_dict(self, topic_ids: Sequence[str]) -> dict[str, Any]:
        def per_language(
            counter: Counter[tuple[str, str]], names: Iterable[str]
        ) -> dict[str, dict[str, int]]:
            return {lang: {n: counter[lang, n] for n in names} for lang in schema.LANGUAGES}

        return {
            "languages": {
                lang: {
                    "documents": sum(self.documents[lang, s] for s in schema.SPLITS),
                    "characters": self.characters[lang],
                    "dated": self.dated[lang],
                }
                for lang in schema.LANGUAGES
            },
            "documents_per_split": per_language(self.documents, schema.SPLITS),
            "status": per_language(self.status, schema.STATUSES),
            "entities": per_language(self.entities, schema.ENTITY_LABELS),
            "topics": per_language(self.topics, topic_ids),
            "rows": self.rows,
            "arrow_bytes": self.arrow_bytes,
            "seed_files": len(self.seed_files),
            "events": self.events,
            "translation_groups": self.translation_groups,
        }
