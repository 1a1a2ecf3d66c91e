"""Errors that reach the user: each names the file (and line, byte, task or region) at fault."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class DatasetBuilderError(Exception):
    """Base class: the CLI prints the message and exits non-zero, having written nothing."""


class InputError(DatasetBuilderError, ValueError):
    """Bad input: a seed, an annotation file, a Label Studio export."""


@contextmanager
def knowledge_file(path: Path, what: str) -> Iterator[Any]:
    """Parse a JSON knowledge file; a missing field, wrong type or bad pattern becomes an
    :class:`InputError` naming the file, whether it happens while reading or while compiling."""
    try:
        yield json.loads(Path(path).read_text(encoding="utf-8"))
    except InputError:
        raise
    except (OSError, ValueError, KeyError, TypeError, re.error) as exc:
        raise InputError(f"{path}: not valid {what} ({type(exc).__name__}: {exc})") from exc
