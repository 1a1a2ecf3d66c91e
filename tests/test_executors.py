"""Executors: a build on a real local Ray cluster is byte-identical to local builds, and a bad seed
found in a Ray worker reaches the user as the same error as in a local build."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from conftest import ANN, KNOWLEDGE, PROJECT, REPO

from dataset_builder import cli, executors, pipeline
from dataset_builder.build import build
from dataset_builder.errors import InputError
from dataset_builder.executors import LocalExecutor, RayExecutor
from dataset_builder.output import MANIFEST_NAME
from tests.support.shard_functions import shard_and_process

ray = pytest.importorskip("ray")

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EN = [
    "CAIRO - U.S. Secretary of State Antony Blinken met Egyptian President Abdel Fattah al-Sisi in Cairo "
    "on Tuesday to discuss a ceasefire in Gaza and the release of hostages.",
    "Blinken said the United States rejects any forced displacement of Palestinians from Gaza and "
    "thanked Egypt for its role in delivering humanitarian aid through the Rafah crossing.",
    "The two sides also discussed regional stability, trade and the security of shipping in the Red "
    "Sea, according to a statement from the Egyptian presidency.",
    "Egyptian Foreign Minister Sameh Shoukry told reporters that talks with Qatar and the United States "
    "on a truce would continue in the coming days.",
]
AR = [
    "التقى الرئيس عبد الفتاح السيسي وزير الخارجية الأمريكي أنتوني بلينكن في القاهرة، وبحثا جهود "
    "التوصل إلى وقف لإطلاق النار في قطاع غزة وتبادل الأسرى.",
    "وأكد السيسي رفض مصر لأي تهجير قسري للفلسطينيين، وضرورة إيصال المساعدات الإنسانية إلى القطاع دون "
    "عوائق عبر معبر رفح.",
    "وقال وزير الخارجية سامح شكري إن المشاورات مع قطر والولايات المتحدة مستمرة للتوصل إلى هدنة جديدة "
    "في أقرب وقت ممكن.",
]


def _article(rng: random.Random, paragraphs: list[str]) -> str:
    return "\n\n".join(rng.sample(paragraphs, k=3))


def _seeds(folder: Path, articles: int) -> Path:
    """The repo's seeds plus synthetic articles: English, Arabic and bilingual (Arabic then English)."""
    rng = random.Random(9)
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    for i in range(articles):
        kind = ("en", "ar", "bilingual")[i % 3]
        parts = {"en": [EN], "ar": [AR], "bilingual": [AR, EN]}[kind]
        text = f"date 2024-0{1 + i % 9}-1{i % 10}\n" + "\n\n".join(_article(rng, p) for p in parts)
        (folder / f"synthetic_{i:03d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def _annotations(dest: Path) -> Path:
    """A fresh copy of the annotations (a build writes the split ledger there; never into the repo's)."""
    return Path(shutil.copytree(ANN, dest))


def build_argv(seeds: Path, annotations: Path, out: Path) -> list[str]:
    """``dataset-builder build`` of the repository's project on other seeds and annotations."""
    return [
        "build",
        "-C",
        str(REPO),
        "--seeds",
        str(seeds),
        "--annotations",
        str(annotations),
        "--out",
        str(out),
    ]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards of 3 files, processes from 2 shards on: a handful of seeds then spans several shards,
    more than the executors keep in flight, without building hundreds of files."""
    monkeypatch.setattr(pipeline, "SHARD_FILES", 3)
    monkeypatch.setattr(executors, "MIN_PARALLEL_SHARDS", 2)


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A real local Ray cluster for this module's tests (its workers start once), shut down after them."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def test_local_workers_get_the_context_and_return_in_shard_order() -> None:
    """Every shard runs in a worker process with the context, and comes back in shard order; each map
    stops its fork server when done (it would hold the annotators' imports for the rest of a build),
    and a second map starts another."""
    shards = list(range(12))
    for context in ("first", "second"):
        results = list(LocalExecutor(2, min_shards=1).map(shard_and_process, context, shards))
        assert [(c, shard) for c, shard, _ in results] == [(context, shard) for shard in shards]
        assert os.getpid() not in {pid for _, _, pid in results}
        left = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)]
        assert not [c for c in left if "forkserver" in c], left


def test_local_workers_stopped_early_leave_no_process() -> None:
    """A caller that stops reading after the first result (an error in the build) leaves neither
    workers nor the fork server running."""
    results = LocalExecutor(2, min_shards=1).map(shard_and_process, "early", list(range(12)))
    assert next(results)[:2] == ("early", 0)
    results.close()
    left = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)]
    assert not [c for c in left if "forkserver" in c], left


def test_local_map_closed_after_its_socket_is_gone_stops_quietly() -> None:
    """An interrupted builder exits while ``multiprocessing`` removes the temporary folder holding
    the fork server's socket: stopping the server must not then print a traceback after the
    interruption's message, and must still leave no server behind."""
    from multiprocessing import forkserver

    results = LocalExecutor(2, min_shards=1).map(shard_and_process, "gone", list(range(12)))
    assert next(results)[:2] == ("gone", 0)
    os.unlink(forkserver._forkserver._forkserver_address)
    results.close()
    left = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)]
    assert not [c for c in left if "forkserver" in c], left


@pytest.mark.slow
def test_ray_build_is_byte_identical_to_local_builds(
    tmp_path: Path, small_shards: None, ray_cluster: None
) -> None:
    seeds = _seeds(tmp_path / "seeds", 14)
    assert len(executors.Shards(sorted(seeds.glob("*.txt")), pipeline.SHARD_FILES)) == 7
    outputs = {}
    for name, options in {
        "local-1": ["--executor", "local", "--workers", "1"],
        "local-2": ["--executor", "local", "--workers", "2"],
        "ray": ["--executor", "ray"],  # joins the running cluster
    }.items():
        annotations = _annotations(tmp_path / f"annotations-{name}")
        out = tmp_path / f"dist-{name}"
        argv = build_argv(seeds, annotations, out)
        assert cli.main([*argv, "--no-progress", *options]) == 0
        outputs[name] = (_files(out), (annotations / "splits.json").read_bytes())
    assert ray.is_initialized()  # a cluster the build joined is left running
    local, _ = outputs["local-1"]
    manifest = json.loads(local[MANIFEST_NAME])
    assert sum(manifest["rows"]["documents"].values()) > 14
    assert set(manifest["files"]) == set(local) - {MANIFEST_NAME}
    for name in ("local-2", "ray"):
        assert outputs[name] == outputs["local-1"], name


@pytest.mark.slow
def test_input_error_in_a_ray_worker_is_the_same_error(
    tmp_path: Path, small_shards: None, ray_cluster: None, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = _seeds(tmp_path / "seeds", 8)
    (seeds / "synthetic_004.txt").write_bytes("سطر عربي\n".encode() + b"\xc3\x28 broken\n")
    annotations = _annotations(tmp_path / "annotations")
    out = tmp_path / "dist"
    with pytest.raises(InputError) as local:
        build(PROJECT, seeds_dir=seeds, annotations_dir=annotations, out_dir=out, progress=False, workers=1)
    with pytest.raises(InputError) as remote:
        build(
            PROJECT,
            seeds_dir=seeds,
            annotations_dir=annotations,
            out_dir=out,
            progress=False,
            executor=RayExecutor(),
        )
    assert type(remote.value) is InputError  # not Ray's wrapper, whose message holds a traceback
    assert str(remote.value) == str(local.value)
    assert "synthetic_004.txt: not UTF-8 at byte" in str(local.value)

    argv = build_argv(seeds, annotations, out)
    capsys.readouterr()
    assert cli.main([*argv, "--no-progress", "--executor", "ray"]) == 2
    assert capsys.readouterr().err == f"error: {local.value}\n"
    assert not out.exists()
    assert ray.is_initialized()  # a cluster the build joined is left running


def test_an_unreachable_ray_address_fails_at_once_in_one_line(tmp_path: Path) -> None:
    """Ray alone retries a dead address for minutes; the build refuses it within 30 s, in one line."""
    import socket
    import subprocess
    import sys

    out = tmp_path / "dist"
    argv = build_argv(SEEDS, _annotations(tmp_path / "annotations"), out)
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    with socket.socket() as taken:  # bound, never listening: refused, and no other process gets it
        taken.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        ray_argv = ["--no-progress", "--no-cache", "--executor", "ray", "--ray-address", address]
        done = subprocess.run(
            [sys.executable, "-m", "dataset_builder.cli", *argv, *ray_argv],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"error: cannot join the Ray cluster at {address}: ")
    assert not out.exists()


@pytest.mark.slow
def test_ray_workers_need_no_access_to_the_seed_files(tmp_path: Path, ray_cluster: None) -> None:
    """A shard carries its seeds' bytes: annotated on the cluster under a path that does not exist
    there, a seed gives the documents its real file gives."""
    knowledge = KNOWLEDGE
    path = sorted(SEEDS.glob("*.txt"))[0]
    elsewhere = tmp_path / "not-on-this-node" / path.name
    context = pipeline.SilverContext(knowledge)
    (((remote,), _),) = RayExecutor().map(
        pipeline.annotate_shard, context, [[(elsewhere, path.read_bytes())]]
    )
    local = pipeline.annotate_seed(path, knowledge)
    assert remote == local


def test_the_annotating_workers_do_not_import_datasets_or_pandas() -> None:
    """The fork server preloads the pipeline's module and every worker has it: ``datasets`` and
    pandas in it would be about 70 MB more in each of those processes for the whole annotation
    (features are made only when the driver asks for them)."""
    code = "import sys, dataset_builder.pipeline; print(sorted({'datasets', 'pandas'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
