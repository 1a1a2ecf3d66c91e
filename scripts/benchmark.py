#!/usr/bin/env python3
"""Throughput and peak memory of ``dataset-builder build`` on a synthetic corpus, next to a pyarrow floor.

The real seeds are five files, too few to see how the build scales. This script recombines their
cleaned paragraphs into N synthetic articles (3–12 paragraphs of one language, some with a
``date YYYY-MM-DD`` header or an Arabic "read also" line, some files bilingual), with a seeded RNG
so the corpus is reproducible. It then runs, each in its own child process so that the peak RSS is
that work's alone:

* the build (``dataset_builder.build.build``) once per executor (``local`` processes, ``ray``: a local
  Ray cluster started first, its start-up timed apart), with cheap per-stage timers and the peak RSS
  of the whole process tree (builder, workers, Ray's daemons) sampled every 0.1 s;
* the floor: pyarrow alone reading the same files and writing their texts to one parquet string
  column with the build's writer options — what no builder can beat;
* language identification alone, µs per document: the fastText model the build uses, and lingua as
  the build used it before (when lingua is installed), on the same documents;
* one large single article per ``--large-mb`` size (default 1 and 8 MB), built cold in one process:
  the build's cost must grow linearly with a document's size;
* with ``--profile``, the build again under cProfile (for hotspots; its time is not the figure).

Usage::

    .venv/bin/python scripts/benchmark.py --n 10000 [--executors local ray] [--seed 0] [--keep DIR] [--json] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CHILD = "_child"
"""First argument of the script when it runs as a measured child process."""
MB = 1_000_000
READ_ALSO = "أقرأ أيضاً :"
HEADER_RATE = 0.3
READ_ALSO_RATE = 0.1
BILINGUAL_RATE = 0.1
ARABIC_RATE = 0.6
FIRST_DATE = dt.date(2024, 1, 1)
PARAGRAPHS = (3, 12)
PROFILE_TOP = 10
RSS_SAMPLE_SECONDS = 0.1
LANGID_DOCUMENTS = 1000
"""Documents for the language-identification timing (the first files of the corpus)."""
AIM_RATIO = 15.0
AIM_REBUILD_RATIO = 1.5
AIM_RSS_MB = 1000
AIM_LARGE_RATIO = 9.5
"""One 8 MB article in at most this many times one 1 MB article's build time (linear in size)."""
LARGE_LANGUAGE = "en"
"""The language of the large single articles: its rules are the slowest per character."""

STAGES: tuple[tuple[str, str, str], ...] = (
    ("annotate", "dataset_builder.pipeline", "documents"),
    ("stage", "dataset_builder.build", "_stage"),
    ("events", "dataset_builder.events", "group_labels"),
    ("splits", "dataset_builder.build", "plan_splits"),
    ("shards", "dataset_builder.shards", "shard_numbers"),
    ("shards", "dataset_builder.shards", "shard_inputs"),
    ("kept shards", "dataset_builder.shards", "keep_files"),
    ("configs", "dataset_builder.build", "_write_configs"),
    ("card", "dataset_builder.build", "write_card"),
    ("croissant", "dataset_builder.build", "write_croissant"),
    ("manifest", "dataset_builder.build", "write_manifest"),
    ("report", "dataset_builder.build", "write_report"),
)
"""Functions the build child meters (in the order the build runs them) by wrapping the module
attribute, so the library stays untouched; one the build no longer has is reported as not timed.
``stage`` includes ``annotate`` (the pipeline is consumed inside it); the report subtracts it."""


# --- synthetic corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    folder: Path
    files: int
    articles: int
    bytes: int


def paragraph_pool(seeds_dir: Path, annotations_dir: Path) -> dict[str, list[str]]:
    """Cleaned paragraphs of the real seeds by language, as the pipeline itself splits and cleans them.

    Paragraphs under a third of the minimum run size are left out, so that any three of them make an
    article long enough to stay its own document in a bilingual file.
    """
    from dataset_builder.configs import paragraphs
    from dataset_builder.knowledge import Knowledge
    from dataset_builder.language import MIN_RUN_LETTERS, script_of
    from dataset_builder.seeds import read_seed, seed_files, split_seed

    rules = Knowledge.load(annotations_dir).seed_rules
    pool: dict[str, list[str]] = defaultdict(list)
    for path in seed_files(seeds_dir):
        for doc in split_seed(path, read_seed(path), rules):
            pool[doc.language] += [p for p in paragraphs(doc.text) if script_of(p)[1] * 3 >= MIN_RUN_LETTERS]
    return dict(pool)


def _article(rng: random.Random, pool: Mapping[str, Sequence[str]], language: str) -> list[str]:
    lines = rng.choices(pool[language], k=rng.randint(*PARAGRAPHS))
    if language == "ar" and rng.random() < READ_ALSO_RATE:
        link = " ".join(rng.choice(pool["ar"]).split()[:8]).rstrip(".!?؟…،:")
        lines.insert(rng.randint(1, len(lines) - 1), READ_ALSO + link)
    return lines


def synthetic_seed(rng: random.Random, pool: Mapping[str, Sequence[str]]) -> tuple[str, int]:
    """(text of one seed file, number of articles in it): Arabic then English when bilingual."""
    if rng.random() < BILINGUAL_RATE:
        languages = ["ar", "en"]
    else:
        languages = ["ar" if rng.random() < ARABIC_RATE else "en"]
    lines = [line for language in languages for line in _article(rng, pool, language)]
    if rng.random() < HEADER_RATE:
        header = f"date {FIRST_DATE + dt.timedelta(days=rng.randrange(366))}"
        if rng.random() < 0.5:
            lines.insert(0, header)
        else:
            lines[0] = f" {header} {lines[0]}"  # inline, like seeds/002
    return rng.choice(("\n", "\n\n")).join(lines) + "\n", len(languages)


def write_corpus(folder: Path, n: int, seed: int, pool: Mapping[str, Sequence[str]]) -> Corpus:
    """Seed files in ``folder`` until they hold ``n`` articles (a bilingual file holds two)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    files = articles = size = 0
    while articles < n:
        text, count = synthetic_seed(rng, pool)
        if articles + count > n:
            continue
        data = text.encode("utf-8")
        (folder / f"{files:07d}.txt").write_bytes(data)
        files, articles, size = files + 1, articles + count, size + len(data)
    return Corpus(folder, files, articles, size)


def large_article(folder: Path, megabytes: float, seed: int, pool: Mapping[str, Sequence[str]]) -> Corpus:
    """One seed file of ``megabytes`` MB: paragraphs of one language drawn until the size is reached."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    lines: list[str] = []
    size = 0
    while size < megabytes * MB:
        lines.append(rng.choice(pool[LARGE_LANGUAGE]))
        size += len(lines[-1].encode("utf-8")) + 1
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (folder / "large.txt").write_bytes(data)
    return Corpus(folder, 1, 1, len(data))


def measure_large(
    sizes: Sequence[float], seed: int, root: Path, pool: Mapping[str, Sequence[str]], annotations: Path
) -> list[dict[str, Any]]:
    """A cold build (one process, no cache) of one large article per size in MB."""
    out = []
    for mb in sizes:
        corpus = large_article(root / f"large-{mb:g}MB" / "seeds", mb, seed, pool)
        b = run_child(
            "build",
            str(corpus.folder),
            str(annotations),
            str(root / f"large-{mb:g}MB" / "dist"),
            "",
            "1",
            "local",
            "",
        )
        out.append(
            {"megabytes": mb, "bytes": corpus.bytes}
            | {k: b[k] for k in ("seconds", "tree_peak_rss_mb", "step_seconds")}
        )
        print(f"[large] {mb:g} MB article: {b['seconds']:.2f} s", file=sys.stderr)
    return out


def edit_one_article(corpus: Corpus) -> None:
    """Append a sentence to the middle file of the corpus: the one-article change of a rebuild."""
    path = corpus.folder / f"{corpus.files // 2:07d}.txt"
    with path.open("a", encoding="utf-8") as f:
        f.write("\nThe talks resumed on Tuesday, a spokesman said.\n")


def knowledge_dir(annotations_dir: Path, dest: Path) -> Path:
    """The annotators' knowledge files only: gold and curated groups name real documents, not ours."""
    from dataset_builder.knowledge.schema import KNOWLEDGE_FILES

    dest.mkdir(parents=True)
    for name in KNOWLEDGE_FILES:
        shutil.copy2(annotations_dir / name, dest / name)
    return dest


# --- measured children ------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB  # Linux: KiB


@dataclass
class _Meters:
    """Seconds spent in each stage, and the peak RSS reached by the end of it (where memory grows)."""

    seconds: dict[str, float]
    rss_mb: dict[str, float]

    def add(self, label: str, seconds: float, rss: bool = True) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + seconds
        if rss:
            self.rss_mb[label] = _peak_rss_mb()


def _timed_iter(it: Iterator[Any], meters: _Meters, label: str) -> Iterator[Any]:
    """``it`` metered item by item; the peak RSS is read once, at its end (``getrusage`` per document
    cost about 0.1 ms, 2% of a cold build, and the peak it reads only grows)."""
    try:
        while True:
            start = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                meters.add(label, time.perf_counter() - start, rss=False)
            yield item
    finally:
        meters.add(label, 0.0)


def _timed(fn: Callable[..., Any], meters: _Meters, label: str) -> Callable[..., Any]:
    """``fn`` metered under ``label``; a returned iterator is metered as it is consumed."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        finally:
            meters.add(label, time.perf_counter() - start)
        return _timed_iter(result, meters, label) if isinstance(result, Iterator) else result

    return wrapper


class _TreeRss:
    """Peak memory of this process and all its descendants (worker processes, Ray's daemons), sampled:
    the sum of their RSS (the aim's measure), and of their PSS, where a page that forked workers share
    with their fork server counts once (RSS counts it in every process), where Linux gives it."""

    def __init__(self) -> None:
        import psutil

        self._root = psutil.Process()
        self.peak_mb = 0.0
        self.peak_pss_mb: float | None = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[float, float | None]:
        import psutil

        rss, pss = 0, 0
        for proc in [self._root, *self._root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):  # a process that just ended
                info = proc.memory_full_info()
                rss += info.rss
                pss = pss + info.pss if pss is not None and hasattr(info, "pss") else None
        return rss / MB, None if pss is None else pss / MB

    def _run(self) -> None:
        while not self._stop.wait(RSS_SAMPLE_SECONDS):
            rss, pss = self._sample()
            self.peak_mb = max(self.peak_mb, rss)
            self.peak_pss_mb = None if pss is None or self.peak_pss_mb is None else max(self.peak_pss_mb, pss)

    def __enter__(self) -> _TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def child_build(
    corpus: Path,
    annotations: Path,
    out: Path,
    profile: Path | None,
    workers: int,
    executor_name: str,
    cache_dir: Path | None,
) -> dict[str, Any]:
    import importlib

    from dataset_builder.build import build
    from dataset_builder.cache import SilverCache
    from dataset_builder.executors import make_executor
    from dataset_builder.knowledge import Knowledge
    from dataset_builder.project import Project

    import_rss = _peak_rss_mb()
    meters = _Meters({}, {})
    timed = []
    for label, module, name in STAGES:
        mod = importlib.import_module(module)
        if hasattr(mod, name):
            setattr(mod, name, _timed(getattr(mod, name), meters, label))
            timed.append(label)
        else:
            print(f"benchmark: {module}.{name} is gone, stage {label!r} not timed", file=sys.stderr)
    with _TreeRss() as tree:
        cluster_start = 0.0
        if executor_name == "ray":
            import logging

            import ray

            start = time.perf_counter()
            ray.init(
                num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR
            )
            cluster_start = time.perf_counter() - start
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        project = Project.load(Path(__file__).resolve().parent.parent)  # name, version, card template
        with contextlib.ExitStack() as stack:
            loading = time.perf_counter()
            knowledge = Knowledge.load(annotations, cache_dir)
            cache = None if cache_dir is None else stack.enter_context(SilverCache.open(cache_dir, knowledge))
            meters.add("knowledge", time.perf_counter() - loading)
            result = build(
                project,
                out_dir=out,
                seeds_dir=corpus,
                annotations_dir=annotations,
                knowledge=knowledge,
                progress=False,
                executor=make_executor(executor_name, workers),
                cache=cache,
            )
        seconds = time.perf_counter() - start
        if profile:
            profiler.disable()
            profiler.dump_stats(profile)
        if executor_name == "ray":
            ray.shutdown()
    stages = {label: meters.seconds[label] for label in ["knowledge", *timed] if label in meters.seconds}
    if "stage" in stages:
        stages["stage"] -= stages.get("annotate", 0.0)
    stages["other"] = seconds - sum(stages.values())
    return {
        "executor": executor_name,
        "workers": workers,
        "seconds": seconds,
        "cluster_start_seconds": cluster_start,
        "documents": sum(result.rows["documents"].values()),
        "rows": result.rows,
        "stages": stages,
        "rss_after_stage_mb": {label: meters.rss_mb[label] for label in stages if label in meters.rss_mb},
        "import_rss_mb": import_rss,
        "peak_rss_mb": _peak_rss_mb(),
        "tree_peak_rss_mb": tree.peak_mb,
        "tree_peak_pss_mb": tree.peak_pss_mb,
        "annotated_files": None if cache is None else cache.misses,
        "step_seconds": {name: step.seconds for name, step in result.steps.items()},
    }


LINGUA_CANDIDATES = (
    *("ARABIC", "PERSIAN", "URDU", "ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE"),
    *("DUTCH", "TURKISH", "INDONESIAN", "SWAHILI", "TAGALOG", "POLISH", "ROMANIAN", "SWEDISH", "DANISH"),
    *("BOKMAL", "AFRIKAANS", "SOMALI", "RUSSIAN", "UKRAINIAN", "HEBREW", "GREEK", "CHINESE", "JAPANESE"),
    *("KOREAN", "HINDI"),
)
"""The closed candidate set lingua had in the build before fastText (low-accuracy mode, 400 characters)."""


def child_langid(corpus: Path, documents: int) -> dict[str, Any]:
    """µs per document for the build's identifier and, when installed, lingua as the build used it."""
    from dataset_builder.language import identify

    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))[:documents]]

    def per_document(fn: Callable[[str], Any]) -> float:
        fn(texts[0])  # load the model outside the timing
        start = time.perf_counter()
        for text in texts:
            fn(text)
        return (time.perf_counter() - start) / len(texts) * 1e6

    result: dict[str, Any] = {"documents": len(texts), "fasttext_us": per_document(identify)}
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        result["lingua_us"] = None
        return result
    languages = [getattr(Language, name) for name in LINGUA_CANDIDATES]
    lingua = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
    result["lingua_us"] = per_document(lambda text: lingua.detect_language_of(text[:400]))
    return result


def child_floor(corpus: Path, out: Path, options: Mapping[str, Any], batch_rows: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    import_rss = _peak_rss_mb()
    schema = pa.schema([("text", pa.string())])
    start = time.perf_counter()
    rows = 0
    with pq.ParquetWriter(out, schema, **options) as writer:
        batch: list[str] = []
        for path in sorted(corpus.glob("*.txt")):
            batch.append(path.read_bytes().decode("utf-8"))
            if len(batch) >= batch_rows:
                writer.write_table(pa.table({"text": batch}, schema=schema))
                rows, batch = rows + len(batch), []
        if batch:
            writer.write_table(pa.table({"text": batch}, schema=schema))
            rows += len(batch)
    return {
        "seconds": time.perf_counter() - start,
        "rows": rows,
        "import_rss_mb": import_rss,
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_child(*args: str) -> dict[str, Any]:
    """Run this script as a child; its last stdout line is its JSON result. Adds the child's wall time."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, CHILD, *args], stdout=subprocess.PIPE, text=True, check=False
    )
    if proc.returncode:
        raise SystemExit(f"benchmark child {args[0]} failed with exit code {proc.returncode}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - start
    return result


def child_main(args: Sequence[str]) -> None:
    mode, *rest = args
    if mode == "build":
        corpus, annotations, out, profile, workers, executor, cache = rest
        result = child_build(
            Path(corpus),
            Path(annotations),
            Path(out),
            Path(profile) if profile else None,
            int(workers) or os.cpu_count() or 1,
            executor,
            Path(cache) if cache else None,
        )
    elif mode == "langid":
        corpus, documents = rest
        result = child_langid(Path(corpus), int(documents))
    else:
        corpus, out, options, batch_rows = rest
        result = child_floor(Path(corpus), Path(out), json.loads(options), int(batch_rows))
    print(json.dumps(result, sort_keys=True))


# --- driver ---------------------------------------------------------------------------------------


def hotspots(profile: Path) -> dict[str, list[dict[str, Any]]]:
    """Top functions by cumulative time within dataset_builder, and by own time anywhere."""
    raw = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]
    rows = [
        {
            "function": f"{_short(file)}:{line}({name})",
            "calls": calls,
            "own_s": round(own, 3),
            "cumulative_s": round(cumulative, 3),
        }
        for (file, line, name), (_, calls, own, cumulative, _) in raw.items()
    ]
    ours = [r for r in rows if r["function"].startswith("dataset_builder/")]
    return {
        "dataset_builder_by_cumulative": sorted(ours, key=lambda r: -r["cumulative_s"])[:PROFILE_TOP],
        "all_by_own_time": sorted(rows, key=lambda r: -r["own_s"])[:PROFILE_TOP],
    }


def _short(file: str) -> str:
    """``dataset_builder/…`` or ``<package>/…`` wherever the code was imported from."""
    for marker, prefix in (
        ("/dataset_builder/", "dataset_builder/"),
        ("/site-packages/", ""),
        ("/lib/python3", ""),
    ):
        if marker in file:
            return prefix + file.rsplit(marker, 1)[1]
    return file


def measure(
    n: int,
    seed: int,
    root: Path,
    pool: Mapping[str, Sequence[str]],
    annotations: Path,
    profile: bool,
    workers: int,
    executors: Sequence[str],
    rebuild: bool = True,
) -> dict[str, Any]:
    from dataset_builder.parquet_files import BATCH_ROWS, PARQUET_OPTIONS

    start = time.perf_counter()
    corpus = write_corpus(root / "seeds", n, seed, pool)
    generate = time.perf_counter() - start
    print(
        f"[n={n}] corpus: {corpus.files} files, {corpus.bytes / MB:.1f} MB in {generate:.1f} s",
        file=sys.stderr,
    )
    floor = run_child(
        "floor", str(corpus.folder), str(root / "floor.parquet"), json.dumps(PARQUET_OPTIONS), str(BATCH_ROWS)
    )
    print(f"[n={n}] floor: {floor['seconds']:.2f} s", file=sys.stderr)
    builds: dict[str, dict[str, Any]] = {}

    def build(label: str, executor: str, cache: Path, folder: str | None = None) -> None:
        out = root / f"dist-{folder or label.replace(' ', '-')}"
        b = run_child(
            "build", str(corpus.folder), str(annotations), str(out), "", str(workers), executor, str(cache)
        )
        b.update(
            label=label,
            docs_per_s=b["documents"] / b["seconds"],
            mb_per_s=corpus.bytes / MB / b["seconds"],
            ratio=b["seconds"] / floor["seconds"],
            manifest=(out / "manifest.json").read_text(encoding="utf-8"),
        )
        builds[label] = b
        print(f"[n={n}] build ({label}): {b['seconds']:.2f} s", file=sys.stderr)

    # The first executor builds cold, then again after one article is edited (its silver cache
    # reused); the others build the edited corpus cold: the same output as that rebuild.
    first, *others = executors
    build(first, first, root / f"cache-{first}")
    edit_one_article(corpus)
    if rebuild:  # into the cold build's folder, as a project's dist/: its unchanged shards are kept
        build(f"{first} rebuild", first, root / f"cache-{first}", folder=first)
    for name in others:
        build(name, name, root / f"cache-{name}")
    manifests = {label: b.pop("manifest") for label, b in builds.items()}
    edited = [m for label, m in manifests.items() if label != first]  # the rebuild and the others
    result: dict[str, Any] = {
        "n": n,
        "seed": seed,
        "corpus": {k: v for k, v in asdict(corpus).items() if k != "folder"},
        "generate_seconds": generate,
        "builds": builds,
        "identical_outputs": len(set(edited)) == 1 if len(edited) > 1 else None,
        "floor": floor,
        "floor_mb_per_s": corpus.bytes / MB / floor["seconds"],
        "langid": run_child("langid", str(corpus.folder), str(LANGID_DOCUMENTS)),
    }
    if profile:
        stats = root / "build.prof"
        run_child(
            "build",
            str(corpus.folder),
            str(annotations),
            str(root / "dist-profiled"),
            str(stats),
            "1",
            "local",
            "",
        )
        result["hotspots"] = hotspots(stats)
    return result


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def render(results: Sequence[Mapping[str, Any]]) -> str:
    large = next((r["large"] for r in results if "large" in r), [])
    results = [r for r in results if "large" not in r]
    head = (
        f"{'N':>7} {'build':>14} {'docs':>7} {'build s':>8} {'docs/s':>7} {'MB/s':>6} {'build/floor':>11} "
        f"{'tree RSS MB':>11} {'RSS/floor':>9} {'tree PSS MB':>11} {'cluster start s':>15}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        floor = r["floor"]
        for name, b in r["builds"].items():
            lines.append(
                f"{r['n']:>7} {name:>14} {b['documents']:>7} {b['seconds']:>8.2f} {b['docs_per_s']:>7.0f} "
                f"{b['mb_per_s']:>6.2f} {b['ratio']:>10.1f}× {b['tree_peak_rss_mb']:>11.0f} "
                f"{b['tree_peak_rss_mb'] / floor['peak_rss_mb']:>8.1f}× {_mb(b.get('tree_peak_pss_mb')):>11} "
                f"{b['cluster_start_seconds']:>15.1f}"
            )
        lines.append(
            f"{r['n']:>7} {'floor':>14} {'':>7} {floor['seconds']:>8.2f} {'':>7} {r['floor_mb_per_s']:>6.2f} "
            f"{'1.0':>10}× {floor['peak_rss_mb']:>11.0f} {'1.0':>8}×"
        )
        same = {True: "yes", False: "NO", None: "not compared (one build of the edited corpus)"}[
            r["identical_outputs"]
        ]
        lines.append(f"  rebuild after one edit = the other executors' clean builds, byte for byte: {same}")
    lines.append("")
    lines.append(
        "share of build time per stage (knowledge = load the knowledge files and open the silver cache; annotate = "
        "read+clean+split+silver+gold; stage = check+encode+staging parquet):"
    )
    for r in results:
        for name, b in r["builds"].items():
            # a stage may time two functions (shards): each label once
            labels = dict.fromkeys(["knowledge", *(s for s, _, _ in STAGES)])
            order = [label for label in labels if label in b["stages"]]
            order.append("other")
            shares = ", ".join(f"{k} {b['stages'][k] / b['seconds']:.0%}" for k in order)
            if b["annotated_files"] is not None:
                shares += f" ({b['annotated_files']} seed files annotated, the rest from the silver cache)"
            lines.append(f"  N={r['n']} {name}: {shares}")
            steps = ", ".join(f"{k} {v:.1f}" for k, v in b["step_seconds"].items())
            lines.append(f"    pipeline steps, CPU s summed over workers: {steps}")
            rss = ", ".join(f"{k} {v:.0f}" for k, v in b["rss_after_stage_mb"].items())
            lines.append(
                f"    builder's own peak RSS MB by the end of: imports {b['import_rss_mb']:.0f}, {rss}"
            )
    lines.append("")
    for r in results:
        lid = r["langid"]
        lingua = "not installed" if lid["lingua_us"] is None else f"{lid['lingua_us']:.0f} µs"
        speedup = (
            "" if lid["lingua_us"] is None else f" ({lid['lingua_us'] / lid['fasttext_us']:.1f}× faster)"
        )
        lines.append(
            f"language id alone, N={r['n']} ({lid['documents']} documents): lingua {lingua}, "
            f"fastText {lid['fasttext_us']:.0f} µs per document{speedup}"
        )
    if large:
        first = large[0]
        lines.append("")
        lines.append(f"one large article ({LARGE_LANGUAGE}), cold, one process, no cache:")
        for a in large:
            steps = ", ".join(f"{k} {v:.1f}" for k, v in a["step_seconds"].items())
            lines.append(
                f"  {a['megabytes']:>5g} MB: {a['seconds']:>7.2f} s ({a['seconds'] / first['seconds']:.1f}× the "
                f"{first['megabytes']:g} MB one), tree RSS {a['tree_peak_rss_mb']:.0f} MB; steps CPU s: {steps}"
            )
        sizes = {a["megabytes"]: a["seconds"] for a in large}
        if 1 in sizes and 8 in sizes:
            ratio = sizes[8] / sizes[1]
            lines.append(
                f"aim for one 8 MB article (≤ {AIM_LARGE_RATIO:g}× one 1 MB article): {ratio:.1f}×, "
                f"{'met' if ratio <= AIM_LARGE_RATIO else 'NOT met'}"
            )
    largest = max(results, key=lambda r: r["n"])
    for name, b in largest["builds"].items():
        aim = AIM_REBUILD_RATIO if name.endswith("rebuild") else AIM_RATIO
        lines.append(
            f"aim for {name} (≤ {aim:g}× floor, tree RSS < {AIM_RSS_MB} MB at N={largest['n']}): "
            f"ratio {'met' if b['ratio'] <= aim else 'NOT met'}, "
            f"RSS {'met' if b['tree_peak_rss_mb'] < AIM_RSS_MB else 'NOT met'}"
        )
    for r in results:
        for title, rows in r.get("hotspots", {}).items():
            lines += ["", f"N={r['n']} profile, {title.replace('_', ' ')}:"]
            lines += [
                f"  {row['cumulative_s']:>8.2f} cum {row['own_s']:>8.2f} own {row['calls']:>9}  {row['function']}"
                for row in rows
            ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD]:
        child_main(argv[1:])
        return
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000], help="corpus sizes (articles)")
    ap.add_argument("--seed", type=int, default=0, help="RNG seed of the synthetic corpus")
    ap.add_argument("--seeds", type=Path, default=repo / "seeds", help="real seeds to recombine")
    ap.add_argument("--annotations", type=Path, default=repo / "annotations", help="knowledge files")
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in DIR/n<N> (must not exist)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--profile", action="store_true", help="also build under cProfile, list hotspots")
    ap.add_argument(
        "--workers", type=int, default=0, help="annotating processes or Ray CPUs (0: one per CPU, as the CLI)"
    )
    ap.add_argument(
        "--executors",
        nargs="+",
        choices=("local", "ray"),
        default=["local", "ray"],
        help="executors to build with",
    )
    ap.add_argument(
        "--no-rebuild",
        action="store_true",
        help="skip the rebuild after one edited article (e.g. for a one-off N=1,000,000 run)",
    )
    ap.add_argument(
        "--large-mb",
        type=float,
        nargs="*",
        default=[1, 8],
        help="also build one single article of each size in MB (none: skip)",
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dataset-builder-bench-") as tmp:
        base = args.keep or Path(tmp)
        annotations = knowledge_dir(args.annotations, Path(tmp) / "knowledge")
        pool = paragraph_pool(args.seeds, args.annotations)
        results = [
            measure(
                n,
                args.seed,
                base / f"n{n}",
                pool,
                annotations,
                args.profile,
                args.workers,
                args.executors,
                rebuild=not args.no_rebuild,
            )
            for n in args.n
        ]
        if args.large_mb:
            results.append({"large": measure_large(args.large_mb, args.seed, base, pool, annotations)})
    print(json.dumps(results, indent=2, sort_keys=True) if args.json else render(results))


if __name__ == "__main__":
    main()
