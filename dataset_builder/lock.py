"""One writer at a time per project: a cross-process lock around every command that writes into it.

Two builds of one project started together used to both read the split ledger, and the one that
finished last wrote its own entries over the other's (thousands of documents lost their recorded
split). Commands that write into the project (the ledger, the silver cache, ``annotations/``) take
this lock first: a second one says it is waiting, then refuses in one line after a timeout. The lock
is an ``fcntl.flock`` on ``.cache/lock`` in the project (git-ignored), so the kernel releases it
when its holder dies, even after ``kill -9`` (the file is then left, empty of meaning, and reused).

A cache folder moved out of the project (``$DATASET_BUILDER_CACHE``) may be shared by several
projects; it also holds what one build keeps for its next one (staging parts, config parts) and
prunes what it did not use, so two builds of two projects sharing it would take each other's files
away. Such a folder gets a lock of its own, :func:`cache_lock`, taken after the project's.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from dataset_builder.errors import InputError

LOCK_DIR = ".cache"
LOCK_NAME = "lock"
TIMEOUT_ENV = "DATASET_BUILDER_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 3600.0
"""Seconds a command waits for the project (a large build can take that long); then it refuses."""
POLL = 0.2


def lock_path(root: Path) -> Path:
    return Path(root) / LOCK_DIR / LOCK_NAME


def _timeout() -> float:
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        return max(0.0, float(value))
    except ValueError:
        raise InputError(f"${TIMEOUT_ENV}: expected a number of seconds, got “{value}”") from None


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def project_lock(
    root: Path, command: str, timeout: float | None = None, say: Callable[[str], None] = _say
) -> Iterator[None]:
    """Hold the project's lock for the block; wait for it (saying so) at most ``timeout`` seconds."""
    with _held(
        lock_path(root),
        command,
        _Names(str(Path(root)), "writing into this project", "this project"),
        timeout,
        say,
    ):
        yield


@contextlib.contextmanager
def cache_lock(
    folder: Path, command: str, timeout: float | None = None, say: Callable[[str], None] = _say
) -> Iterator[None]:
    """Hold the lock of a cache folder that several projects may share, as :func:`project_lock` does."""
    names = _Names(str(Path(folder)), "using this cache folder", "this cache folder")
    with _held(Path(folder) / LOCK_NAME, command, names, timeout, say):
        yield


class _Names(NamedTuple):
    """How the messages name a lock's folder and what its holder does there."""

    folder: str
    doing: str
    it: str


@contextlib.contextmanager
def _held(
    path: Path, command: str, names: _Names, timeout: float | None, say: Callable[[str], None]
) -> Iterator[None]:
    """Hold the lock file ``path`` for the block.

    The lock file holds the holder's pid and command, so the waiting one can name what it waits for.
    It is removed on release (with its folder if the lock made it), so a command leaves nothing behind;
    a waiter that then holds the removed file locks the new one instead.
    """
    deadline = time.monotonic() + (_timeout() if timeout is None else timeout)
    made_folder = not path.parent.exists()
    waiting = False
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            waiting = _acquire(fd, path, deadline, waiting, say, names)
        except BaseException:
            os.close(fd)
            raise
        if _is_current(fd, path):
            break
        os.close(fd)  # its holder removed it on release: lock the file there now
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
        yield
    finally:
        path.unlink(missing_ok=True)
        if made_folder:
            with contextlib.suppress(OSError):  # not empty: the silver cache lives there too
                path.parent.rmdir()
        os.close(fd)  # releases the lock


def _is_current(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _acquire(
    fd: int,
    path: Path,
    deadline: float,
    waiting: bool,
    say: Callable[[str], None],
    names: _Names,
) -> bool:
    """Lock ``fd``, polling until ``deadline``; whether the user was told that this command waits.

    A holder that has just taken the lock has not written its name yet: the message waits for it a
    moment (``NAME_GRACE``), so that it names the command rather than saying "starting"."""
    blocked = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return waiting
        except BlockingIOError:
            pass
        holder = _holder(path)
        if time.monotonic() >= deadline:
            raise InputError(
                f"{names.folder}: another dataset-builder command ({holder}) is {names.doing}; "
                f"gave up waiting (${TIMEOUT_ENV} sets the wait in seconds)"
            )
        if not waiting and (holder != _STARTING or time.monotonic() - blocked >= NAME_GRACE):
            say(f"waiting for another dataset-builder command ({holder}) to finish with {names.it}…")
            waiting = True
        time.sleep(POLL)


_STARTING = "starting"
NAME_GRACE = 2.0
"""Seconds a waiter gives a holder that has just taken the lock to write its name."""


def _holder(path: Path) -> str:
    try:
        pid, _, command = path.read_text(encoding="utf-8", errors="replace").strip().partition(" ")
    except OSError:
        return "unknown"
    return f"{command or 'a command'}, pid {pid}" if pid else _STARTING
