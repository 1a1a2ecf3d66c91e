"""Writing outputs without ever losing what was there: the build's output folder and atomic files.

A build writes into a staging folder beside ``--out`` and swaps it in at the end. The folder it
replaces must be one a previous build wrote (its ``manifest.json`` lists every file in it) or an
empty one: anything else (the seeds, the annotations, the working directory, a git checkout, a
file, a folder of someone's notes) is refused before any work. The swap renames the previous
output to a backup first, so at every instant either ``--out`` or its backup holds it; what a
killed build leaves beside ``--out`` (``.<name>.tmp-*``, ``.<name>.old-*``) is restored or removed
by the next build. SIGTERM and SIGINT become :class:`Interrupted`, so the staging folder is removed
on the way out.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from dataset_builder.errors import DatasetBuilderError

MANIFEST_NAME = "manifest.json"
"""The file that lists every other file of a built folder (see :mod:`dataset_builder.release.manifest`,
which takes the name from here: this module stays light, the CLI imports it at start-up)."""

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_RANDOM = "[a-z0-9_]{8}"
"""The random part ``tempfile.mkdtemp`` puts after our prefixes."""


class OutputError(DatasetBuilderError):
    """``--out`` cannot be used or written; the message names the path."""


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived while an output was being written (a BaseException, like
    KeyboardInterrupt, so that no ``except Exception`` swallows it and every ``finally`` runs)."""

    def __init__(self, signum: int, detail: str = "") -> None:
        super().__init__(signum, detail)
        self.signum = signum
        self.detail = detail

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal."""
        return 128 + self.signum

    def __str__(self) -> str:
        name = signal.Signals(self.signum).name
        return f"interrupted by {name}" + (f": {self.detail}" if self.detail else "")


def os_error_line(exc: OSError) -> str:
    """``path: reason`` for a filesystem error, without the Python exception's repr."""
    reason = exc.strerror or str(exc)
    paths = [os.fsdecode(p) for p in (exc.filename, exc.filename2) if p is not None]
    return f"{' → '.join(paths)}: {reason}" if paths else reason


# --- signals ----------------------------------------------------------------------------------------


class _SignalGuard:
    """Turns SIGTERM/SIGINT into :class:`Interrupted` while installed, or holds them back in a
    :meth:`deferred` section (the swap) and raises once it is over."""

    def __init__(self) -> None:
        self._pid = os.getpid()
        self._previous: dict[int, Any] = {}
        self._deferring = False
        self._pending: int | None = None

    def __enter__(self) -> _SignalGuard:
        if threading.current_thread() is threading.main_thread():  # signal.signal works there only
            for signum in SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            if handler is not None:  # None: a handler installed outside Python, which we cannot put back
                signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self._pid:  # a child forked while installed: behave as it would have
            signal.signal(signum, self._previous[signum] or signal.SIG_DFL)
            signal.raise_signal(signum)
            return
        if self._deferring:
            self._pending = self._pending or signum
            return
        self._deferring = True  # the cleanup that follows must not be interrupted in turn
        raise Interrupted(signum)

    @contextmanager
    def deferred(self, detail: str = "") -> Iterator[None]:
        """Hold signals back for the block; one that arrived is raised after it (with ``detail``)."""
        was = self._deferring
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = was
        if not was and self._pending is not None:
            signum, self._pending, self._deferring = self._pending, None, True
            raise Interrupted(signum, detail)


# --- atomic files -----------------------------------------------------------------------------------


def write_files_atomic(files: Mapping[Path, bytes | Iterable[bytes]]) -> None:
    """Write every file to a temp file beside it, then ``os.replace`` them all.

    A file's data is its bytes, or an iterable of byte chunks for a file too large to hold twice.

    Nothing is replaced until every temp file is written, so a failure (disk full, bad path) or a
    SIGTERM/SIGINT leaves all previous outputs untouched and no temp file behind.
    """
    for path in files:
        _check_name(path)
    staged: list[tuple[str, Path]] = []
    with _SignalGuard() as guard:
        try:
            for path, data in files.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                # a short prefix: a temp name must fit wherever the file's own name fits
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:32]}.", suffix=".tmp")
                staged.append((tmp, path))
                os.fchmod(fd, 0o644)  # mkstemp makes it private; outputs are read by others (and published)
                with os.fdopen(fd, "wb") as f:
                    if isinstance(data, bytes):
                        f.write(data)
                    else:
                        f.writelines(data)
            with guard.deferred():
                for tmp, path in staged:
                    os.replace(tmp, path)
        finally:
            for tmp, _ in staged:
                Path(tmp).unlink(missing_ok=True)


NAME_MAX = 255
"""Bytes of one file name on Linux file systems (ext4, xfs, btrfs, tmpfs)."""


def _check_name(path: Path) -> None:
    """Refuse, before anything is written, a file name the file system cannot hold (naming it)."""
    size = len(os.fsencode(path.name))
    if size > NAME_MAX:
        raise OutputError(
            f"{path}: file name too long ({size} bytes, at most {NAME_MAX}); shorten the name it comes "
            "from (e.g. the seed file's)"
        )


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write one file atomically (see :func:`write_files_atomic`)."""
    write_files_atomic({path: data})


def write_headed(path: Path, header: Mapping[str, Any], body: bytes) -> None:
    """Keep a cache file: one line of JSON saying what ``body`` is (its key, its checksum), then the
    body; atomically. A folder that cannot be written is passed over: it costs the next reader only
    the time to make the body again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(dict(header)).encode() + b"\n" + body)
    except OSError:
        pass


def read_headed(path: Path) -> tuple[dict[str, Any], bytes] | None:
    """The header and body of a file :func:`write_headed` kept, or None when there is none to read (no
    file, or a first line that is no JSON object): the caller still checks the header is its own."""
    try:
        first, _, body = path.read_bytes().partition(b"\n")
        header = json.loads(first)
    except (OSError, ValueError):
        return None
    return (header, body) if isinstance(header, dict) else None


# --- the output folder ------------------------------------------------------------------------------


def check_out_dir(out_dir: Path, inputs: Mapping[str, Path] | None = None) -> Path:
    """The resolved output folder, or an :class:`OutputError` if a build may not replace it.

    ``inputs`` names the folders the build reads (e.g. ``{"seeds folder": seeds_dir}``): ``out_dir``
    may not be one, contain one, or lie inside one. It may not be or contain the working directory
    either. If it exists it must be an empty folder or one a build wrote (see :func:`foreign_entry`).
    """
    out = _resolved_out(out_dir, inputs)
    _check_contents(out_dir, out)
    return out


def _resolved_out(out_dir: Path, inputs: Mapping[str, Path] | None) -> Path:
    out = Path(out_dir).resolve()
    protected = {"working directory": Path.cwd(), **(inputs or {})}
    for what, folder in protected.items():
        folder = Path(folder).resolve()
        if out == folder or out in folder.parents:
            raise OutputError(
                f"{out_dir}: {'is' if out == folder else 'contains'} the {what} ({folder}): refusing to "
                "replace it (the build replaces its output folder); choose a new or empty folder, e.g. dist"
            )
        if folder in out.parents and what != "working directory":
            raise OutputError(f"{out_dir}: refusing to build inside the {what} ({folder})")
    if ".git" in out.parts:
        raise OutputError(f"{out_dir}: refusing to build inside a git repository's .git folder")
    return out


def _check_contents(out_dir: Path, out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out_dir}: is a file, not a folder: refusing to replace it")
    if (out / ".git").exists() or (out / ".git").is_symlink():
        raise OutputError(f"{out_dir}: is a git checkout: refusing to replace it")
    foreign = foreign_entry(out)
    if foreign is not None:
        raise OutputError(
            f"{out_dir}: not a folder a build wrote ({foreign}): refusing to replace it; "
            "--out must be a new or empty folder or the output of an earlier build"
        )


def foreign_entry(folder: Path) -> str | None:
    """What in ``folder`` a build did not write (None for an empty or a built folder).

    A built folder has a ``manifest.json`` (a JSON object whose ``files`` maps relative paths to
    their sha256) and nothing else but the regular files it lists and their parent folders.
    """
    entries = sorted(p.name for p in folder.iterdir())
    if not entries:
        return None
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        listed = {str(path) for path, f in manifest["files"].items() if isinstance(f["sha256"], str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return f"no valid {MANIFEST_NAME}, and it holds {entries[0]}"
    listed.add(MANIFEST_NAME)
    parents = {parent.as_posix() for path in listed for parent in Path(path).parents}
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            rel = (Path(root) / name).relative_to(folder).as_posix()
            path = Path(root) / name
            if name == ".git":
                return f"it holds a git checkout, {rel}"
            known = rel in parents if path.is_dir() else path.is_file() and rel in listed
            if path.is_symlink() or not known:
                return f"{rel} is not in its {MANIFEST_NAME}"
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
    return None


@dataclass
class Staging:
    """A folder to write the new output into, beside ``out_dir``; ``notes`` says what was recovered."""

    out_dir: Path
    path: Path
    notes: list[str]


@contextmanager
def staged_folder(out_dir: Path, inputs: Mapping[str, Path] | None = None) -> Iterator[Staging]:
    """Yield a staging folder that replaces ``out_dir`` when the block ends without error.

    Checks ``out_dir`` (:func:`check_out_dir`) and recovers what killed builds left beside it before
    the block runs; on an error, SIGTERM or SIGINT the staging folder is removed and ``out_dir`` is
    left as it was. Filesystem errors become an :class:`OutputError` naming the path.
    """
    out = _resolved_out(out_dir, inputs)
    with ExitStack() as stack:
        guard = stack.enter_context(_SignalGuard())
        tmp: Path | None = None
        try:
            with guard.deferred():  # a signal waits until the staging folder is known, to remove it
                try:
                    out.parent.mkdir(parents=True, exist_ok=True)
                    with _locked(out.parent):
                        notes = _recover(out)
                        _check_contents(out_dir, out)
                        tmp = _make_staging(out)
                        stack.callback(os.close, _lock(tmp))  # tells a concurrent build's recovery it is live
                except OSError as exc:
                    raise OutputError(os_error_line(exc)) from exc
            tmp.chmod(0o755)  # mkdtemp makes it private; the published folder is not
            yield Staging(out, tmp, notes)
            with guard.deferred(f"{out} was written first"), _locked(out.parent):
                _swap(tmp, out)
        except OSError as exc:
            _remove(tmp, guard)
            raise OutputError(_write_error_line(exc, tmp, out)) from exc
        except Interrupted as exc:
            _remove(tmp, guard)
            exc.detail = exc.detail or f"nothing written, {out} left as it was"
            raise
        except BaseException:
            _remove(tmp, guard)
            raise


def _make_staging(out: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.tmp-"))
    except OSError as exc:  # name the folder the user chose, not the random staging name
        raise OutputError(f"{out.parent}: cannot write {out.name} there: {exc.strerror or exc}") from exc


def _write_error_line(exc: OSError, tmp: Path | None, out: Path) -> str:
    """Name ``out`` for an error in the staging folder (which is gone by the time the user reads it)."""
    name = exc.filename
    if name is None or tmp is None or Path(os.fsdecode(name)).is_relative_to(tmp):
        return f"{out}: could not write the dataset: {exc.strerror or exc}; {out} left as it was"
    return os_error_line(exc)


def _remove(tmp: Path | None, guard: _SignalGuard) -> None:
    if tmp is not None:
        with guard.deferred():
            shutil.rmtree(tmp, ignore_errors=True)


def _lock(folder: Path) -> int:
    """An exclusive lock on ``folder``, held until the returned descriptor is closed (or the process dies)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialise recovery and swaps of the builds writing into ``folder``."""
    fd = _lock(folder)
    try:
        yield
    finally:
        os.close(fd)


def _in_use(folder: Path) -> bool:
    """Whether a live build holds the staging folder (its lock dies with its process)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` at ``out``; until the old output is removed it waits in a backup that
    :func:`_recover` puts back if the process dies between the two renames."""
    backup = None
    if out.exists():
        backup = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
        os.replace(out, backup)
    try:
        os.replace(tmp, out)
    except BaseException:
        if backup is not None:
            os.replace(backup, out)
        raise
    if backup is not None:
        shutil.rmtree(backup)


def _recover(out: Path) -> list[str]:
    """Restore ``out`` from the backup of a build killed mid-swap; remove every other leftover.

    Only folders named exactly as this module names them (``.<name>.tmp-XXXXXXXX``,
    ``.<name>.old-XXXXXXXX``) are touched; a staging folder a live build holds is skipped.
    """
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(tmp|old)-{_RANDOM}")
    leftovers = sorted(
        p for p in out.parent.iterdir() if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink()
    )
    notes: list[str] = []
    backups = [p for p in leftovers if p.name.startswith(f".{out.name}.old-") and foreign_entry(p) is None]
    if backups and not out.exists() and not out.is_symlink():
        newest = max(backups, key=lambda p: p.stat().st_mtime_ns)
        os.replace(newest, out)
        leftovers.remove(newest)
        notes.append(f"restored {out} from {newest.name}, left by a build killed while replacing it")
    for leftover in leftovers:
        if leftover.name.startswith(f".{out.name}.tmp-") and _in_use(leftover):
            continue
        shutil.rmtree(leftover)
        notes.append(f"removed {leftover}, left by an interrupted build")
    for note in notes:
        print(f"dataset-builder: {note}", file=sys.stderr)
    return notes


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Checksums:
    """The sha256 of a build's files, each read once: Croissant and the manifest both list every
    parquet file's, and a kept shard's is known from its checked copy. A file whose size or
    modification time changed since is hashed again."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[int, int, str]] = {}

    def remember(self, path: Path, sha256: str) -> None:
        info = path.stat()
        self._known[path] = (info.st_size, info.st_mtime_ns, sha256)

    def sha256(self, path: Path) -> str:
        info = path.stat()
        known = self._known.get(path)
        if known is not None and known[:2] == (info.st_size, info.st_mtime_ns):
            return known[2]
        digest = sha256_file(path)
        self._known[path] = (info.st_size, info.st_mtime_ns, digest)
        return digest
