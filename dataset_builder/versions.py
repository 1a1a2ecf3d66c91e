"""Semantic versions of a dataset: the one spelling of ``MAJOR.MINOR.PATCH`` and of a bump.

``dataset.toml`` is validated with it (:mod:`dataset_builder.project`), ``version bump`` raises a
version with it, and ``diff`` (:mod:`dataset_builder.release.diff`) measures and requires bumps with it.
"""

from __future__ import annotations

import re

from dataset_builder.errors import InputError

SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
BUMP_PARTS = ("major", "minor", "patch")
"""The parts a person bumps."""
BUMPS = ("none", "patch", "minor", "major")
"""Every bump, smallest first: what changes between two releases require (see ``SEMVER_RULE``)."""


def parse(version: str) -> tuple[int, int, int]:
    """``(major, minor, patch)`` of a version; an error naming it when it is not ``MAJOR.MINOR.PATCH``."""
    match = SEMVER.fullmatch(version)
    if match is None:
        raise InputError(f"dataset version {version} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(p) for p in match.groups())
    return major, minor, patch


def bumped(version: str, bump: str) -> str:
    """``version`` raised by ``bump`` (one of :data:`BUMPS`), the parts below it reset."""
    if bump == "none":
        parse(version)
        return version
    return raised(version, bump)


def raised(version: str, part: str) -> str:
    """``version`` with ``part`` (one of :data:`BUMP_PARTS`) raised: what ``version bump`` writes."""
    major, minor, patch = parse(version)
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "major":
        return f"{major + 1}.0.0"
    raise InputError(f"unknown version part {part!r}: one of {', '.join(BUMP_PARTS)}")


def bump_between(old: str, new: str) -> str:
    """The bump from ``old`` to ``new``: one of :data:`BUMPS`, or ``backwards``."""
    before, after = parse(old), parse(new)
    if after < before:
        return "backwards"
    return next(
        (bump for i, bump in ((0, "major"), (1, "minor"), (2, "patch")) if after[i] > before[i]), "none"
    )


def enough(actual: str, required: str) -> bool:
    """Whether bump ``actual`` (from :func:`bump_between`) is at least ``required``."""
    return actual != "backwards" and BUMPS.index(actual) >= BUMPS.index(required)
