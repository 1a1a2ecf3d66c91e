"""The compiled knowledge, kept in the project's cache folder between builds and read back when its
inputs are the same.

Compiling the knowledge (validating the files, compiling some 600 patterns and deriving what each
needs, building the place automata) is about 0.6 s of CPU, a tenth of a rebuild after one edited
article of a 100k corpus; unpickling the compiled object takes about 0.2 s. It is kept under a key
(:func:`key`) hashing everything the object is made of: the knowledge files of the folder (and the
folder's own path, which errors name), the packaged defaults and data, this package's code, the
versions of the libraries whose objects it holds, and Python's.

Why reading it back is safe: a pickle runs code when read, so the file is only read when it carries
an HMAC of its bytes made with this user's own key (:func:`user_key`: 32 random bytes in a file that
only its owner can read, in the user's cache home, never in the project). A file someone else made
(a project folder copied or unpacked with its ``.cache``), a stale one (other inputs) and a damaged
one are ignored and written again; if the key or the file cannot be written, the knowledge is
compiled every time, as without a cache folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import io
import os
import pickle
import secrets
import stat
import sys
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from dataset_builder import fingerprint
from dataset_builder.knowledge.schema import GROUPS, SILVER_FILES
from dataset_builder.output import read_headed, write_headed

CACHE_FILE = "knowledge.pickle"
FORMAT = 1
"""Bumped when the file's layout changes (it is part of the key)."""
KEY_FILE = ("dataset-builder", "knowledge-signing-key")
"""Where the user's signing key lives, under ``$XDG_CACHE_HOME`` (else ``~/.cache``)."""
HELD_LIBRARIES = ("pyahocorasick", "pydantic", "regex")
"""Libraries whose objects the compiled knowledge holds: their pickles are theirs to change."""

K = TypeVar("K")


def key(folder: Path) -> str:
    """Everything the compiled knowledge of ``folder`` is made of (see the module's docstring)."""
    digest = hashlib.sha256()

    def part(name: str, data: bytes) -> None:
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)

    part("format", str(FORMAT).encode())
    part("code", fingerprint.code().encode())
    part("python", sys.version.encode())
    part("folder", str(Path(folder).resolve()).encode())
    for name in HELD_LIBRARIES:
        part(name, importlib.metadata.version(name).encode())
    for name in (*SILVER_FILES, GROUPS):
        path = Path(folder) / name
        part(f"file {name}", path.read_bytes() if path.is_file() else b"\0missing")

    def walk(node: Traversable, prefix: str) -> None:  # the defaults and data files (code is above)
        for entry in sorted(node.iterdir(), key=lambda e: e.name):
            if entry.is_dir() and entry.name != "__pycache__":
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.is_file() and not entry.name.endswith((".py", ".pyc")):
                part(f"package {prefix}{entry.name}", entry.read_bytes())

    walk(resources.files("dataset_builder"), "")
    return digest.hexdigest()


def user_key() -> bytes | None:
    """This user's signing key, made on first use; None when it cannot be made or is not private
    (readable or writable by others, or owned by someone else)."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(home).joinpath(*KEY_FILE)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        info = path.stat()
        if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
            return None
        secret = path.read_bytes()
    except OSError:
        return None
    return secret if len(secret) == 32 else None  # a key another process is still writing: not this time


def cached(cache_dir: Path, folder: Path, compile_knowledge: Callable[[], K]) -> K:
    """The knowledge of ``folder`` read from ``cache_dir`` when kept there for the same inputs, else
    ``compile_knowledge()``, kept there. What compiling said on stderr (keys taken from the packaged
    defaults) is kept with it and said again when it is read back."""
    path, signing = Path(cache_dir) / CACHE_FILE, user_key()
    inputs = key(folder)
    if signing is not None:
        kept = _read(path, inputs, signing)
        if kept is not None:
            knowledge, said = kept
            sys.stderr.write(said)
            return knowledge
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            knowledge = compile_knowledge()
    finally:
        sys.stderr.write(captured.getvalue())
    if signing is not None:
        _write(path, inputs, signing, pickle.dumps((knowledge, captured.getvalue()), protocol=5))
    return knowledge


def _mac(signing: bytes, inputs: str, body: bytes) -> str:
    return hmac.new(signing, inputs.encode() + b"\0" + body, hashlib.sha256).hexdigest()


def _write(path: Path, inputs: str, signing: bytes, body: bytes) -> None:
    write_headed(path, {"format": FORMAT, "key": inputs, "hmac": _mac(signing, inputs, body)}, body)


def _read(path: Path, inputs: str, signing: bytes) -> tuple[K, str] | None:
    """The knowledge and its stderr kept in ``path`` under ``inputs``, or None when there is none to
    trust: the signature is checked before a byte of the pickle is read."""
    kept = read_headed(path)
    if kept is None:
        return None
    header, body = kept
    if header.get("format") != FORMAT or header.get("key") != inputs:
        return None
    if not hmac.compare_digest(str(header.get("hmac")), _mac(signing, inputs, body)):
        return None
    try:
        knowledge, said = pickle.loads(body)
    except Exception:  # signed by us, yet unreadable (e.g. a library's pickle changed): compile again
        return None
    return knowledge, said if isinstance(said, str) else ""
