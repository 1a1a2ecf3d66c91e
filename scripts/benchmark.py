#!/usr/bin/env python3
"""Throughput and peak memory of ``dataset-builder build`` on a synthetic corpus, next to a pyarrow floor.

The real seeds are five files, too few to see how the build scales. This script recombines their
cleaned paragraphs into N synthetic articles (3–12 paragraphs of one language, some with a
``date YYYY-MM-DD`` header or an Arabic "read also" line, some files bilingual), with a seeded RNG
so the corpus is reproducible. It then runs, each in its own child process so that the peak RSS is
that work's alone:

* the build (``dataset_builder.build.build``), with cheap per-stage timers;
* the floor: pyarrow alone reading the same files and writing their texts to one parquet string
  column with the build's writer options — what no builder can beat;
* with ``--profile``, the build again under cProfile (for hotspots; its time is not the figure).

Usage::

    .venv/bin/python scripts/benchmark.py --n 10000 100000 [--seed 0] [--keep DIR] [--json] [--profile]
"""

from __future__ import annotations

import argparse
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
AIM_RATIO = 3.0
AIM_RSS_MB = 1000

STAGES: tuple[tuple[str, str, str], ...] = (
    ("annotate", "dataset_builder.pipeline", "documents"),
    ("stage", "dataset_builder.build", "_stage"),
    ("events", "dataset_builder.splits", "assign_splits"),
    ("configs", "dataset_builder.build", "_write_configs"),
    ("card", "dataset_builder.release", "write_card"),
    ("croissant", "dataset_builder.release", "write_croissant"),
    ("manifest", "dataset_builder.release", "write_manifest"),
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
    from dataset_builder.annotators.language import MIN_RUN_LETTERS, script_of
    from dataset_builder.configs import paragraphs
    from dataset_builder.knowledge import Knowledge
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


def knowledge_dir(annotations_dir: Path, dest: Path) -> Path:
    """The annotators' knowledge files only: gold and curated groups name real documents, not ours."""
    from dataset_builder.knowledge_schema import KNOWLEDGE_FILES

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

    def add(self, label: str, seconds: float) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + seconds
        self.rss_mb[label] = _peak_rss_mb()


def _timed_iter(it: Iterator[Any], meters: _Meters, label: str) -> Iterator[Any]:
    while True:
        start = time.perf_counter()
        try:
            item = next(it)
        except StopIteration:
            return
        finally:
            meters.add(label, time.perf_counter() - start)
        yield item


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


def child_build(
    corpus: Path, annotations: Path, out: Path, profile: Path | None, workers: int | None
) -> dict[str, Any]:
    import importlib

    from dataset_builder.build import build
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
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    project = Project.load(Path(__file__).resolve().parent.parent)  # name, version, card template
    result = build(
        project, out_dir=out, seeds_dir=corpus, annotations_dir=annotations, progress=False, workers=workers
    )
    seconds = time.perf_counter() - start
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    stages = {label: meters.seconds[label] for label in timed if label in meters.seconds}
    if "stage" in stages:
        stages["stage"] -= stages.get("annotate", 0.0)
    stages["other"] = seconds - sum(stages.values())
    return {
        "seconds": seconds,
        "documents": sum(result.rows["documents"].values()),
        "rows": result.rows,
        "stages": stages,
        "rss_after_stage_mb": {label: meters.rss_mb[label] for label in stages if label in meters.rss_mb},
        "import_rss_mb": import_rss,
        "peak_rss_mb": _peak_rss_mb(),
        # the annotating worker processes (the largest of them), beside the build's own process
        "workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / MB,
    }


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
        corpus, annotations, out, profile, workers = rest
        result = child_build(
            Path(corpus),
            Path(annotations),
            Path(out),
            Path(profile) if profile else None,
            int(workers) or os.cpu_count() or 1,
        )
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
) -> dict[str, Any]:
    from dataset_builder.build import BATCH_ROWS, PARQUET_OPTIONS

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
    build = run_child("build", str(corpus.folder), str(annotations), str(root / "dist"), "", str(workers))
    print(f"[n={n}] build: {build['seconds']:.2f} s", file=sys.stderr)
    result: dict[str, Any] = {
        "n": n,
        "seed": seed,
        "corpus": {k: v for k, v in asdict(corpus).items() if k != "folder"},
        "generate_seconds": generate,
        "build": build,
        "floor": floor,
        "docs_per_s": build["documents"] / build["seconds"],
        "mb_per_s": corpus.bytes / MB / build["seconds"],
        "floor_mb_per_s": corpus.bytes / MB / floor["seconds"],
        "ratio": build["seconds"] / floor["seconds"],
    }
    if profile:
        stats = root / "build.prof"
        run_child("build", str(corpus.folder), str(annotations), str(root / "dist-profiled"), str(stats), "1")
        result["hotspots"] = hotspots(stats)
    return result


def render(results: Sequence[Mapping[str, Any]]) -> str:
    head = (
        f"{'N':>7} {'docs':>7} {'input MB':>9} {'build s':>8} {'docs/s':>8} {'MB/s':>6} {'peak RSS MB':>11} "
        f"{'worker RSS MB':>13} "
        f"{'floor s':>8} {'floor RSS MB':>12} {'build/floor':>11}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r['n']:>7} {r['build']['documents']:>7} {r['corpus']['bytes'] / MB:>9.1f} "
            f"{r['build']['seconds']:>8.2f} {r['docs_per_s']:>8.0f} {r['mb_per_s']:>6.2f} "
            f"{r['build']['peak_rss_mb']:>11.0f} {r['build']['workers_peak_rss_mb']:>13.0f} "
            f"{r['floor']['seconds']:>8.2f} "
            f"{r['floor']['peak_rss_mb']:>12.0f} {r['ratio']:>10.1f}×"
        )
    lines.append("")
    lines.append(
        "seconds per stage (annotate = read+clean+split+silver+gold; stage = check+encode+staging parquet):"
    )
    for r in results:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r["build"]["stages"].items())
        lines.append(f"  N={r['n']}: {stages}")
        rss = ", ".join(f"{k} {v:.0f}" for k, v in r["build"]["rss_after_stage_mb"].items())
        lines.append(f"    peak RSS MB by the end of: imports {r['build']['import_rss_mb']:.0f}, {rss}")
    largest = max(results, key=lambda r: r["n"])
    lines.append(
        f"aim (build ≤ {AIM_RATIO:g}× floor, peak RSS < {AIM_RSS_MB} MB at the largest N={largest['n']}): "
        f"ratio {'met' if largest['ratio'] <= AIM_RATIO else 'NOT met'}, "
        f"RSS {'met' if largest['build']['peak_rss_mb'] < AIM_RSS_MB else 'NOT met'}"
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
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000], help="corpus sizes (articles)")
    ap.add_argument("--seed", type=int, default=0, help="RNG seed of the synthetic corpus")
    ap.add_argument("--seeds", type=Path, default=repo / "seeds", help="real seeds to recombine")
    ap.add_argument("--annotations", type=Path, default=repo / "annotations", help="knowledge files")
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in DIR/n<N> (must not exist)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--profile", action="store_true", help="also build under cProfile, list hotspots")
    ap.add_argument(
        "--workers", type=int, default=0, help="annotating processes (0: one per CPU, as the CLI)"
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dataset-builder-bench-") as tmp:
        base = args.keep or Path(tmp)
        annotations = knowledge_dir(args.annotations, Path(tmp) / "knowledge")
        pool = paragraph_pool(args.seeds, args.annotations)
        results = [
            measure(n, args.seed, base / f"n{n}", pool, annotations, args.profile, args.workers)
            for n in args.n
        ]
    print(json.dumps(results, indent=2, sort_keys=True) if args.json else render(results))


if __name__ == "__main__":
    main()
