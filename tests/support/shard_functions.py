"""Shard functions for the executor tests, in a module of their own: a worker process imports a
shard function's module, and this one imports nothing heavy (the test module imports Ray and the
whole package)."""

from __future__ import annotations

import os


def shard_and_process(context: str, shard: int) -> tuple[str, int, int]:
    """``(context, shard, pid of the process that ran it)``."""
    return context, shard, os.getpid()
