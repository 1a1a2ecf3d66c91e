"""Where per-shard work runs: in this process, in local worker processes, or on a Ray cluster.

The design follows datatrove's executors (a pipeline is cut into independent tasks that an executor
runs), with one difference the build needs: results come back **in shard order**, so the dataset is
byte-identical whatever the executor and the number of workers. An executor runs
``fn(context, shard)`` for every shard, where ``fn`` is a picklable module-level function and
``context`` is what every shard needs (the annotators' knowledge): it is sent to each worker once,
not once per shard. At most a few shards per worker are in flight, so memory stays flat however
many shards there are. An error raised by ``fn`` (an :class:`~dataset_builder.errors.InputError`
naming the bad file) reaches the caller unchanged.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from dataset_builder.errors import DatasetBuilderError
from dataset_builder.output import Interrupted

C = TypeVar("C")
S = TypeVar("S")
R = TypeVar("R")

ShardFn = Callable[[C, S], R]
"""``fn(context, shard) -> result``: a module-level function, so that it pickles by name."""

IN_FLIGHT_PER_WORKER = 2
"""Shards submitted ahead per worker: one running, one queued, so no worker waits for the next."""
MIN_PARALLEL_SHARDS = 8
"""Below this many shards, worker start-up (imports, knowledge loading) costs more than it saves."""
EXECUTORS = ("local", "ray")


class Executor(Protocol):
    """Runs a per-shard function over an ordered list of shards."""

    def map(self, fn: ShardFn[C, S, R], context: C, shards: Sequence[S]) -> Iterator[R]:
        """``fn(context, shard)`` for every shard, yielded in shard order."""
        ...


class Shards(Sequence[list[S]]):
    """Consecutive groups of ``size`` items: fixed by the items alone, never by the workers. A group
    is cut from ``items`` when it is asked for (a lazy sequence of seed files stays lazy)."""

    def __init__(self, items: Sequence[S], size: int) -> None:
        if size < 1:
            raise ValueError(f"shard size must be at least 1, not {size}")
        self.items, self.size = items, size

    def __len__(self) -> int:
        return -(-len(self.items) // self.size)

    def __getitem__(self, index: int) -> list[S]:  # type: ignore[override]
        if not 0 <= index < len(self):
            raise IndexError(index)
        return list(self.items[index * self.size : (index + 1) * self.size])


def _in_order(
    submit: Callable[[S], Any], wait: Callable[[Any], R], shards: Iterable[S], window: int
) -> Iterator[R]:
    """Submit shards keeping at most ``window`` in flight; wait for (and yield) them in order."""
    pending: deque[Any] = deque()
    for shard in shards:
        if len(pending) >= window:
            yield wait(pending.popleft())
        pending.append(submit(shard))
    while pending:
        yield wait(pending.popleft())


# --- local processes ---------------------------------------------------------------------------------

_worker_context: Any = None
"""The context of this worker process, set once by the pool's initializer."""


def _init_worker(payload: bytes) -> None:
    """Keep the context of ``payload``, the pickled ``(fn, context)``: ``fn`` comes along so that its
    module is imported now, not with the first shard.

    The pair comes pickled as bytes: the pool writes a new worker's arguments into a pipe that the
    worker reads as it unpickles them, so arguments whose unpickling imports modules would keep the
    pool (and this process) waiting for each worker's imports in turn; bytes are read at once.
    """
    global _worker_context
    _, _worker_context = pickle.loads(payload)


def _run_in_worker(fn: ShardFn[Any, S, R], shard: S) -> R:
    return fn(_worker_context, shard)


class LocalExecutor:
    """Shards in ``workers`` local processes (forkserver: no state inherited by accident), or in this
    process when ``workers`` is 1 or there are fewer than ``min_shards`` shards."""

    def __init__(self, workers: int = 1, min_shards: int | None = None) -> None:
        self.workers = max(1, workers)
        self.min_shards = MIN_PARALLEL_SHARDS if min_shards is None else min_shards

    def map(self, fn: ShardFn[C, S, R], context: C, shards: Sequence[S]) -> Iterator[R]:
        if self.workers == 1 or len(shards) < self.min_shards:
            for shard in shards:
                yield fn(context, shard)
            return
        ctx = multiprocessing.get_context("forkserver")
        # The fork server imports fn's module once and forks workers that have it.
        ctx.set_forkserver_preload(["__main__", fn.__module__])
        payload = pickle.dumps((fn, context), pickle.HIGHEST_PROTOCOL)
        try:
            # Leaving the block (error, early stop) terminates the workers: nothing keeps running.
            with ctx.Pool(self.workers, initializer=_init_worker, initargs=(payload,)) as pool:
                yield from _in_order(
                    lambda shard: pool.apply_async(_run_in_worker, (fn, shard)),
                    lambda result: result.get(),
                    shards,
                    self.workers * IN_FLIGHT_PER_WORKER,
                )
        finally:
            _stop_fork_server()


def _stop_fork_server() -> None:
    """Stop the fork server once its workers are gone.

    It holds the modules it preloaded (about 100 MB with the annotators) for as long as the builder
    lives: through the splits, the configs and the report of a large corpus, where the process tree's
    peak memory is. The next map starts a new one, preloading that map's module. ``_stop`` is
    private to ``multiprocessing`` (CPython's own tests use it); there is no public way to do this.
    When the builder is interrupted, ``multiprocessing`` may already have removed the temporary
    folder that held the server's socket by the time this runs: the server is stopped all the same.
    """
    from multiprocessing import forkserver

    with contextlib.suppress(FileNotFoundError):
        forkserver._forkserver._stop()


# --- Ray ---------------------------------------------------------------------------------------------

_ray_context: tuple[str, Any] | None = None
"""(object id, context) last fetched by this Ray worker: fetched once per worker, not per shard."""


def _ray_shard(fn: ShardFn[Any, S, R], context_ref: list[Any], shard: S) -> R:
    """A Ray task. The context's reference comes inside a list so that Ray does not fetch and
    unpickle it for every task; the worker does it once."""
    import ray

    global _ray_context
    (ref,) = context_ref
    if _ray_context is None or _ray_context[0] != ref.hex():
        _ray_context = (ref.hex(), ray.get(ref))
    return fn(_ray_context[1], shard)


@contextlib.contextmanager
def _own_signal_handlers() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back across a Ray call and keep this process's handlers after it.

    A signal that arrives meanwhile is raised as :class:`Interrupted` once the call is over, so a
    Ray build ends as a local one ends (outputs cleaned up, one line, exit 143): not half shut down
    (``ray.shutdown`` interrupted, then exit 1 at interpreter exit), nor through the ``sys.exit``
    of the handler ``ray.init`` installs.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    saved = {
        signum: signal.signal(signum, lambda signum, frame: arrived.append(signum))
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    except SystemExit as exc:  # Ray's own handler ran: a SIGTERM arrived during ray.init
        if exc.code != signal.SIGTERM:
            raise
        arrived.append(signal.SIGTERM)
    finally:
        for signum, handler in saved.items():
            # None: a handler installed outside Python, which cannot be put back; never leave the
            # recording one behind (it would swallow every later signal)
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    if arrived:
        raise Interrupted(arrived[0])


class RayExecutor:
    """Shards as Ray tasks on a cluster: the one at ``address`` (or ``RAY_ADDRESS``), the one this
    process is already connected to, or else a local cluster started for the build (with
    ``num_cpus`` CPUs, default all) and shut down after it. A cluster's nodes need dataset_builder
    installed (``pip install 'dataset_builder[ray]'``), and none of the project's files: the build's
    shards carry their seed files' bytes.
    """

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        self.address = address
        self.num_cpus = num_cpus

    def map(self, fn: ShardFn[C, S, R], context: C, shards: Sequence[S]) -> Iterator[R]:
        # Ray tries a cluster's address about once a second, 20 times by default: 10 keeps a wrong
        # address under 30 s in all (read when Ray is first imported; the user's setting wins).
        os.environ.setdefault("RAY_NUM_REDIS_GET_RETRIES", "10")
        # Ray's C++ crash handler also takes SIGTERM, and ray.shutdown leaves its default action
        # behind (a SIGTERM then kills the build with its staging folder left over): keep Python's.
        os.environ.setdefault("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")
        try:
            import ray
        except ImportError as exc:
            raise DatasetBuilderError(
                "the ray executor needs Ray: pip install 'dataset_builder[ray]'"
            ) from exc
        connected_here = not ray.is_initialized()
        if connected_here:
            with _own_signal_handlers():  # ray.init installs a SIGTERM handler that exits 15
                self._connect(ray)
        pending: list[Any] = []
        try:
            task = ray.remote(num_cpus=1)(_ray_shard)
            context_ref = [ray.put(context)]
            window = max(1, int(ray.cluster_resources().get("CPU", 1))) * IN_FLIGHT_PER_WORKER

            def submit(shard: S) -> Any:
                ref = task.remote(fn, context_ref, shard)
                pending.append(ref)
                return ref

            def wait(ref: Any) -> R:
                pending.remove(ref)
                try:
                    return ray.get(ref)
                except SystemError as exc:
                    # A signal handler's exception (Interrupted) raised inside Ray's compiled code
                    # comes back wrapped: end the build as a local one ends, not with Ray's error.
                    cause = exc.__cause__ or exc.__context__
                    if cause is not None and not isinstance(cause, Exception):
                        raise cause from None
                    raise
                except ray.exceptions.RayTaskError as exc:
                    if isinstance(exc.cause, DatasetBuilderError):
                        raise exc.cause from None  # the user's error, not Ray's traceback
                    raise

            yield from _in_order(submit, wait, shards, window)
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
            if connected_here:
                with _own_signal_handlers():  # a signal waits until the cluster is stopped
                    ray.shutdown()  # stops a cluster started here; only disconnects from another one

    def _connect(self, ray: Any) -> None:
        address = self.address or os.environ.get("RAY_ADDRESS")
        options: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
        if address:
            _check_reachable(address)
        try:
            if address:
                with _stderr_silenced():  # Ray's C++ client logs each failed retry there
                    ray.init(address=address, **options)
            else:
                ray.init(num_cpus=self.num_cpus, include_dashboard=False, **options)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            where = address or "a local Ray cluster"
            raise DatasetBuilderError(f"cannot start or join {where}: {exc}") from exc


CONNECT_SECONDS = 10.0
"""How long to try a cluster's address: Ray itself retries an unreachable one for minutes."""


def _check_reachable(address: str) -> None:
    """Refuse, in one line and within ``CONNECT_SECONDS``, a ``host:port`` (or ``ray://host:port``)
    address that nothing answers on; ``auto`` and ``local`` are left to Ray."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        reason = exc.strerror or "no answer"
        raise DatasetBuilderError(
            f"cannot join the Ray cluster at {address}: {reason.lower()} (is `ray start --head` running there?)"
        ) from None


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """File descriptor 2 to /dev/null meanwhile (it catches what native code writes, too)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def make_executor(name: str, workers: int | None = None, ray_address: str | None = None) -> Executor:
    """The executor the CLI names: ``local`` (``workers`` processes, default one per CPU) or ``ray``
    (``workers`` CPUs for a local cluster; an existing cluster's own otherwise)."""
    if name == "local":
        return LocalExecutor(workers or os.cpu_count() or 1)
    if name == "ray":
        return RayExecutor(ray_address, workers)
    raise DatasetBuilderError(f"unknown executor {name!r}: one of {', '.join(EXECUTORS)}")
