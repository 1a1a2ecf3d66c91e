"""Stream final documents into the Hub-ready dataset folder, deterministically and atomically.

Pass 1 streams documents into a staging parquet and keeps only small :class:`events.EventKey`s;
events are assigned; pass 2 re-reads the staging file in batches and writes every config and
split. Memory stays flat in the number of documents (apart from the keys until the split plan is
made, the plan, and open translation groups). Everything is written to a staging folder next to ``out_dir`` and swapped in at the end
(``output.staged_folder``), so a failed or interrupted build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from dataset_builder import config_parts, configs, events, output, pipeline, rows, schema, shards, staged
from dataset_builder.agreement import compute_agreement
from dataset_builder.annotations import read_documents
from dataset_builder.cache import SilverCache
from dataset_builder.documents import Document, validate_spans
from dataset_builder.errors import InputError
from dataset_builder.executors import Executor
from dataset_builder.knowledge import Knowledge
from dataset_builder.output import Checksums
from dataset_builder.parquet_files import BATCH_ROWS, SplitWriters
from dataset_builder.project import Project
from dataset_builder.release.card import GUIDELINES_NAME, release_info, write_card
from dataset_builder.release.croissant import write_croissant
from dataset_builder.release.manifest import read_manifest, unbumped_version, write_manifest
from dataset_builder.release.stats import CardStats
from dataset_builder.report import write_report
from dataset_builder.schema import Topic
from dataset_builder.silver_eval import silver_against_gold
from dataset_builder.splits import (
    LEDGER_NAME,
    SplitLedger,
    SplitPlan,
    check_ratios,
    empty_split_notes,
    plan_splits,
    restore_ledger,
    write_ledger,
)

STAGING_NAME = ".staging"
"""The staging table's folder in a build without the silver cache (its parts go with it)."""


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
    shard_record: shards.ShardRecord | None = None
    """This build's shard files by digest, for the next build (:mod:`dataset_builder.shards`)."""
    kept_shards: int = 0
    """How many shard files this build kept from the previous output instead of writing them."""
    kept_parts: int = 0
    """How many staging parts' statistics and ``parallel`` rows this build took back instead of
    deriving them (:mod:`dataset_builder.config_parts`)."""

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
        if self.kept_shards:
            lines.append(f"  {self.kept_shards} unchanged parquet shards kept from the previous build")
        if self.kept_parts:
            lines.append(
                f"  {self.kept_parts} unchanged staging parts' statistics and parallel rows taken back"
            )
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
    knowledge = knowledge or Knowledge.load(annotations_dir, None if cache is None else cache.path.parent)
    ledger_path = annotations_dir / LEDGER_NAME
    cache_dir = None if cache is None else cache.path.parent
    ledger, restored = restore_ledger(ledger_path, out_dir, project.releases_dir, cache_dir)
    steps = pipeline.PipelineStats()
    annotated = read_documents(Path(annotations_dir), knowledge.topic_ids)
    texts: dict[str, str] = {}
    reuse = (
        None
        if cache is None
        else staged.plan_reuse(cache.path.parent, {*annotated, *knowledge.groups.members})
    )

    def keep_annotated_texts(docs: Iterable[Document]) -> Iterator[Document]:
        """The annotated documents' texts, for token-level agreement, as the build streams them."""
        for doc in docs:
            if doc.id in annotated:
                texts[doc.id] = doc.text
            yield doc

    result = write_dataset(
        keep_annotated_texts(
            pipeline.documents(
                seeds_dir, annotations_dir, knowledge, workers, executor, ner_model, cache, steps, reuse
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
        silver_of_gold=partial(pipeline.silver_of_gold, seeds_dir=seeds_dir, knowledge=knowledge),
        guidelines=annotations_dir / GUIDELINES_NAME,
        ledger=ledger,
        inputs=inputs,
        report=partial(
            write_report,
            annotations_dir=annotations_dir,
            knowledge=knowledge,
            cache_dir=None if cache is None else cache.path.parent,
        ),
        steps=steps,
        reuse=reuse,
    )
    if result.recorded or restored:
        write_ledger(ledger_path, result.ledger, cache_dir)
    if cache is not None and result.shard_record is not None:
        result.shard_record.write(cache.path.parent)
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
    silver_of_gold: Callable[[Sequence[Document]], Mapping[str, Document | str]] | None = None,
    guidelines: Path | None = None,
    ledger: SplitLedger | None = None,
    inputs: Mapping[str, Path] | None = None,
    report: Callable[..., object] | None = None,
    steps: pipeline.PipelineStats | None = None,
    reuse: staged.Reuse | None = None,
) -> BuildResult:
    """Write the dataset folder for a stream of final documents (``build`` minus the pipeline).

    ``project`` gives the card template and what ``dataset.toml`` says (name, version, license); the
    version is checked against the project's release records. ``taxonomy`` gives the topic
    ClassLabel names (in its order) and the card's topic table. ``guidelines`` (the annotation
    guidelines) is shipped beside the card, which links to it. ``ledger`` holds the splits of
    documents built before (none: every event's split is hashed). ``out_dir`` is checked before
    ``docs`` is read, against ``inputs`` too (see ``output.check_out_dir``). ``silver_of_gold``
    re-annotates the gold documents streamed (:func:`pipeline.silver_of_gold`), once, for the
    card's silver-against-gold table and the report. ``report`` writes ``report.html`` into the folder
    (given the folder, that silver, as ``checksums`` the files' sha256 known so far and as
    ``identity`` the dataset's name and version) before the card, and before the manifest lists
    its files. ``steps`` gains a row per global stage
    (events, splits, shards, configs, card, croissant, report, manifest), after the pipeline's
    steps. With ``reuse`` (see :mod:`dataset_builder.staged`), the rows of the seed files it names
    come from the last build's staging table, and this build's is kept in turn; the shards' digests
    are taken, and the files of the last build's unchanged shards kept (:mod:`dataset_builder.shards`).
    """
    check_ratios(split_ratios)  # before any work
    ledger = ledger or SplitLedger()
    with output.staged_folder(Path(out_dir), inputs) as stage:
        out_dir, tmp = stage.out_dir, stage.path
        staging = reuse.folder if reuse is not None else tmp / STAGING_NAME
        topic_ids = [t.id for t in taxonomy]
        gold: list[Document] = []
        steps = steps if steps is not None else pipeline.PipelineStats()
        keys, table = _stage(
            _keep_gold(docs, gold) if silver_of_gold else docs, staging, topic_ids, progress, reuse
        )
        plan, group_sizes, documents = _plan(keys, ledger, split_ratios, steps)
        del keys  # the plan holds what the configs need; the keys go now
        timed = partial(_timed, steps, documents)
        digests: dict[shards.ShardKey, str] = {}
        kept: dict[shards.ShardKey, shards.KeptShard] = {}
        checksums = Checksums()  # each file hashed once, for Croissant and the manifest
        with timed("shards"):
            numbers = shards.shard_numbers(table, plan.splits)
            if reuse is not None:  # a build with the silver cache keeps the unchanged shards of the last
                digests = shards.shard_inputs(
                    table, plan.events, plan.splits, numbers, topic_ids, reuse.human_ids
                )
                kept = _kept_shards(digests, reuse.folder.parent, out_dir, tmp, checksums)
        with timed("configs"):
            part_cache = (
                None
                if reuse is None
                else config_parts.PartCache(reuse.folder.parent / config_parts.PARTS_DIR)
            )
            stats, pair_warnings, writers = _write_configs(
                table, documents, group_sizes, plan, numbers, tmp, topic_ids, progress, kept, part_cache
            )
        added, conflicts = plan.added, plan.conflicts
        del plan  # its per-document columns (tens of MB at 1M) go before the card and the report
        if reuse is None:
            shutil.rmtree(staging)
        else:
            staged.keep(table)
        if guidelines is not None and guidelines.is_file():
            shutil.copyfile(guidelines, tmp / GUIDELINES_NAME)
        info = release_info(project.settings)
        silver = silver_of_gold(gold) if silver_of_gold is not None else None  # for the card and the report
        # The report before the card and Croissant: their libraries (datasets, mlcroissant, jinja2)
        # stay off the memory the report reads its overview into.
        if report is not None:
            with timed("report"):
                report(tmp, silver, checksums=checksums, identity=(info.name, info.version))
        with timed("card"):
            if callable(agreement):  # figures that need the documents streamed above
                agreement = agreement()
            figures = silver_against_gold(gold, silver) if silver is not None else None
            write_card(tmp, stats, agreement, taxonomy, info, project.card_template, figures)
        with timed("croissant"):
            write_croissant(tmp, stats, topic_ids, info, checksums)
        with timed("manifest"):
            manifest = write_manifest(tmp, stats["rows"], project.settings, checksums)
        result = BuildResult(
            out_dir,
            project.settings.version,
            manifest["rows"],
            notes=list(stage.notes),
            ledger=ledger.with_(added),
            recorded=len(added),
            statuses={k: sum(stats["status"][lang][k] for lang in schema.LANGUAGES) for k in schema.STATUSES},
            shard_record=shards.new_record(digests, writers.shard_rows, writers.shard_bytes, manifest)
            if digests
            else None,
            kept_shards=len(kept),
            kept_parts=0 if part_cache is None else part_cache.taken,
        )
        warning = unbumped_version(project.releases_dir, manifest)
        result.warnings += conflicts + pair_warnings + ([warning] if warning else [])
        if project.settings.prompts_left:
            result.warnings.append(
                f"{project.file}: the init template's prompts are left in "
                f"{', '.join(project.settings.prompts_left)}; the card and croissant.json repeat them as they "
                "are, and `publish` refuses the build until they say what is true of this dataset"
            )
        result.advice += empty_split_notes(manifest["rows"]["documents"], stats["events"], split_ratios)
    return result


def _keep_gold(docs: Iterable[Document], gold: list[Document]) -> Iterator[Document]:
    """``docs`` unchanged, the gold ones also added to ``gold`` as they stream by."""
    for doc in docs:
        if doc.annotation_status == schema.GOLD:
            gold.append(doc)
        yield doc


def _plan(
    keys: events.KeyTable, ledger: SplitLedger, ratios: Sequence[float], steps: pipeline.PipelineStats
) -> tuple[SplitPlan, dict[str, int], int]:
    """Events, then splits (each a timed stage): the plan, each translation group's size and the
    number of documents, all the configs pass needs of the keys."""
    table = keys.table()
    timed = partial(_timed, steps, table.num_rows)
    with timed("events"):
        labels = events.group_labels(table, len(keys.entity_ids))
    with timed("splits"):
        plan = plan_splits(table, labels, ledger, ratios)
    groups = table.column(schema.TRANSLATION_GROUP)
    sizes = pc.value_counts(groups.filter(pc.fill_null(pc.not_equal(groups, ""), False)))
    group_sizes = dict(zip(*(sizes.field(f).to_pylist() for f in ("values", "counts")), strict=True))
    return plan, group_sizes, table.num_rows


@contextlib.contextmanager
def _timed(steps: pipeline.PipelineStats, documents: int, name: str) -> Iterator[None]:
    """A global stage of the build as a row of the step table (the documents it covered, its seconds).

    Arrow's allocator keeps the pages a stage freed for reuse; they go back to the system when the
    stage ends, so that the build's peak is its largest stage's, not that plus what the stages
    before it left behind (with the report's digests, a million documents' peak went from the
    report's 992 MB to the configs' 887 MB).
    """
    start = time.perf_counter()
    try:
        yield
    finally:
        pa.default_memory_pool().release_unused()
    stage = steps.step(name)
    stage.documents += documents
    stage.seconds += time.perf_counter() - start


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
    docs: Iterable[Document],
    staging: Path,
    topic_ids: Sequence[str],
    progress: bool,
    reuse: staged.Reuse | None = None,
) -> tuple[events.KeyTable, staged.StagedTable]:
    """Pass 1: documents → staging table in the folder ``staging`` (:func:`staged.staging_schema`: the
    ``documents`` row, the ``ner`` tokens and the seed file's key); returns the event keys, in the
    staging table's order, and the table.

    With ``reuse``, the rows of the seed files it names are taken from the last build's staging table
    and merged in seed-file order (:mod:`dataset_builder.staged`): its parts whose rows are all taken
    back are referred to as they are, and only their event keys' columns are read.
    """
    topics = set(topic_ids)
    keys = events.KeyTable()
    batch: list[Document] = []
    reused = staged.ReusedRows(reuse) if reuse is not None else None
    arrow_schema = staged.staging_schema()
    with staged.StagingWriter(staging) as out:

        def flush_new() -> None:
            if batch:
                table = rows.documents_table(batch)
                tokens = configs.staged_token_columns(list(configs.ner_sources(table)))
                file_keys = reuse.file_keys if reuse is not None else {}
                key_column = pa.array([file_keys.get(d.seed_file) for d in batch], pa.binary())
                for name in {d.seed_file for d in batch} - {batch[-1].seed_file}:  # the last may go on
                    file_keys.pop(name, None)
                keys.add_rows(table)
                columns = [*table.columns, *tokens, key_column]
                out.add(pa.Table.from_arrays(columns, schema=arrow_schema))
                batch.clear()

        def take_reused(before: str | None) -> None:
            if reused is None:
                return
            for taken in reused.before(before):
                flush_new()
                if isinstance(taken, staged.Part):
                    if out.add_part(taken):
                        for table in reused.rows_of(taken, events.KEY_SCHEMA.names):
                            keys.add_rows(table)
                        continue
                    tables: Iterable[pa.Table] = reused.rows_of(taken)
                else:
                    tables = (taken,)
                for table in tables:
                    keys.add_rows(table)
                    out.add(table)

        for doc in tqdm(docs, desc="documents", unit="doc", file=sys.stderr, disable=not progress):
            take_reused(doc.seed_file)
            _check_document(doc, topics)
            batch.append(doc)
            if len(batch) >= BATCH_ROWS:
                flush_new()
        take_reused(None)
        if reused is not None:
            reused.check_all_taken()
        flush_new()
        table = out.close()
    if not keys.rows:
        raise InputError("no documents: the seeds folder gave nothing to build")
    _check_unique(keys.table())
    return keys, table


def _check_unique(keys: pa.Table) -> None:
    """Refuse a document id given twice, naming the seed file of the first repeat in build order."""
    ids = keys.column(schema.ID)
    counts = pc.value_counts(ids)
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if not len(repeated):
        return
    rows = np.flatnonzero(pc.is_in(ids, value_set=repeated).to_numpy(zero_copy_only=False))
    met: set[str] = set()
    for row, doc_id in zip(rows.tolist(), ids.take(pa.array(rows)).to_pylist(), strict=True):
        if doc_id in met:
            raise InputError(f"{keys.column(schema.SEED_FILE)[row].as_py()}: duplicate document id {doc_id}")
        met.add(doc_id)


def _write_configs(
    staging: staged.StagedTable,
    total: int,
    group_sizes: Mapping[str, int],
    plan: SplitPlan,
    numbers: pa.ChunkedArray,
    root: Path,
    topic_ids: Sequence[str],
    progress: bool,
    kept: Mapping[shards.ShardKey, shards.KeptShard],
    part_cache: config_parts.PartCache | None = None,
) -> tuple[dict[str, Any], list[str], SplitWriters]:
    """Pass 2: staging batches → every config, split and shard (``numbers``: each document's,
    :func:`shards.shard_numbers`); returns the card's statistics, the warnings and the writers (what
    each shard holds). The rows of ``kept`` shards (their files are in place) are counted, not
    derived nor written. With ``part_cache``, what each staging part gave is kept, and a part whose
    rows are all in kept shards is not read when its kept rows match (:mod:`dataset_builder.config_parts`).

    ``documents`` and ``topics`` are staging batches filtered by split; ``ner`` is cut from the tokens
    staged beside them; only ``parallel`` (few rows) goes through row dicts (see
    :mod:`dataset_builder.configs`).
    """
    writers = SplitWriters(root, {n: f.arrow_schema for n, f in configs.config_features(topic_ids).items()})
    stats = CardStats()
    parallel = configs.ParallelPairs(group_sizes)
    for (subset, split, number), shard in kept.items():
        writers.kept(subset, split, number, shard.rows, shard.bytes)
    bar = tqdm(total=total, desc="configs", unit="doc", file=sys.stderr, disable=not progress)
    done = at = 0  # the staging table's rows are in the plan's (the keys') order
    # with shards kept, the tokens of a batch are read only when one of its ner shards is written
    tokens = {configs.STAGED_SENTENCES, *configs.STAGED_TOKENS.values()}
    light = [f.name for f in staged.staging_schema() if f.name not in tokens] if kept else None
    try:
        with staged.open_table(staging, light) as reader, staged.open_table(staging) as whole:
            for part in staging.parts:
                splits = plan.splits.slice(done, part.rows)
                key = ""
                if part_cache is not None:
                    key = part_cache.key(part, splits)
                    shard_numbers = numbers.slice(done, part.rows)
                    taken = (
                        part_cache.get(key, group_sizes)
                        if config_parts.all_kept(splits, shard_numbers, kept)
                        else None
                    )
                    if taken is not None:
                        _add_part(taken, stats, parallel, writers)
                        done, at = done + part.rows, at + part.batches
                        bar.update(part.rows)
                        continue
                derived = config_parts.PartRows(CardStats(), [], [], {})
                warned, closed = len(parallel.skipped), len(parallel.closed)
                open_before = parallel.open_groups
                for index in range(at, at + part.batches):
                    count = _configs_batch(
                        pa.Table.from_batches([reader.get_batch(index)]),
                        lambda index=index: pa.Table.from_batches([whole.get_batch(index)]),
                        done,
                        plan,
                        numbers,
                        kept,
                        derived,
                        parallel,
                        writers,
                        topic_ids,
                    )
                    done += count
                    bar.update(count)
                at += part.batches
                stats.merge(derived.stats)
                # kept only when its translation groups lie within it (config_parts)
                if part_cache is not None and not open_before and not parallel.open_groups:
                    derived.skipped = parallel.skipped[warned:]
                    derived.groups = {g: group_sizes[g] for g in parallel.closed[closed:]}
                    part_cache.put(key, derived)
    finally:
        bar.close()
        writers.close()
    if part_cache is not None:
        part_cache.close()
    stats.rows, stats.arrow_bytes = writers.rows, writers.bytes
    stats.events = pc.count_distinct(plan.events).as_py()
    stats.translation_groups = len(group_sizes)
    return stats.to_dict(topic_ids), parallel.skipped, writers


def _add_part(
    taken: config_parts.PartRows, stats: CardStats, parallel: configs.ParallelPairs, writers: SplitWriters
) -> None:
    """A part's kept statistics, warnings and ``parallel`` rows, as if its batches had been derived."""
    stats.merge(taken.stats)
    parallel.skipped += taken.skipped
    parallel.closed += taken.groups
    for split, pairs in taken.pairs:
        writers.add("parallel", split, pairs)


def _configs_batch(
    staged_rows: pa.Table,
    whole: Callable[[], pa.Table],
    done: int,
    plan: SplitPlan,
    shard_numbers: pa.ChunkedArray,
    kept: Mapping[shards.ShardKey, shards.KeptShard],
    derived: config_parts.PartRows,
    parallel: configs.ParallelPairs,
    writers: SplitWriters,
    topic_ids: Sequence[str],
) -> int:
    """One staging batch (``staged_rows``, without its tokens when shards are kept: ``whole`` reads
    them) into every config it has rows for, its statistics and ``parallel`` rows also into
    ``derived`` (its part's); how many documents it held."""
    table = staged_rows.drop_columns([c for c in staged.STAGING_ONLY if c in staged_rows.column_names])
    events_column = plan.events.slice(done, table.num_rows)
    table = table.set_column(table.schema.get_field_index(schema.EVENT_ID), schema.EVENT_ID, events_column)
    split_column = plan.splits.slice(done, table.num_rows)
    splits = split_column.to_pylist()
    numbers = shard_numbers.slice(done, table.num_rows).combine_chunks()  # a document's rows share a shard
    derived.stats.add_batch(table, split_column)
    for split, pairs in parallel.add(table, splits):
        writers.add("parallel", split, pairs)
        derived.pairs.append((split, pairs))
    for subset in ("ner", "documents", "topics"):
        wanted = _unkept(subset, splits, numbers, kept)
        if wanted is None:
            continue
        rows, row_splits, row_numbers = (
            (table, split_column, numbers)
            if wanted is True
            else (table.filter(wanted), split_column.filter(wanted), numbers.filter(wanted))
        )
        if subset == "ner":
            staged_rows = staged_rows if configs.STAGED_SENTENCES in staged_rows.column_names else whole()
            sentences = staged_rows if wanted is True else staged_rows.filter(wanted)
            owners = pc.list_parent_indices(sentences.column(configs.STAGED_SENTENCES))
            ner = configs.ner_table(sentences)
            writers.add_split_tables("ner", ner, row_splits.take(owners), row_numbers.take(owners))
        elif subset == "documents":
            writers.add_split_tables("documents", rows, row_splits, row_numbers)
        else:
            topics = configs.topics_table(rows, topic_ids)
            writers.add_split_tables("topics", topics, row_splits, row_numbers)
    return table.num_rows


def _unkept(
    subset: str, splits: Sequence[str], numbers: pa.Array, kept: Mapping[shards.ShardKey, shards.KeptShard]
) -> pa.Array | bool | None:
    """Which rows of a batch ``subset`` still needs (their shard's file was not kept): ``True`` for
    all, ``None`` for none, else a mask."""
    if not kept:
        return True
    mask = [(subset, split, n) not in kept for split, n in zip(splits, numbers.to_pylist(), strict=True)]
    if all(mask):
        return True
    return pa.array(mask) if any(mask) else None


def _kept_shards(
    digests: Mapping[shards.ShardKey, str], cache_dir: Path, out_dir: Path, root: Path, checksums: Checksums
) -> dict[shards.ShardKey, shards.KeptShard]:
    """The shards of the last build (its output folder ``out_dir``) copied into ``root`` unchanged."""
    record = shards.ShardRecord.read(cache_dir)
    if not record.files:
        return {}
    try:
        manifest = read_manifest(out_dir)
    except InputError:  # no previous output (or not one of ours): every shard is written
        return {}
    return shards.keep_files(digests, record, out_dir, manifest, root, checksums)
