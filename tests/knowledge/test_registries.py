"""The registry names kept in the cache folder: read back only for the inputs they were built from."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ANN

from dataset_builder.knowledge import Knowledge, registries
from dataset_builder.knowledge.gazetteer import small_towns, small_towns_text
from dataset_builder.knowledge.registries import CACHE_FILE, RegistryNames, registry_names
from dataset_builder.knowledge.schema import ENTITY_RULES, KNOWLEDGE_FILES, EntityRulesFile, load

PLANTED = (("en", "Atlantis"), ("iso-xx", "LOC"))
"""A place no registry has: found in the names only if they came from a planted file."""


@pytest.fixture(scope="module")
def rules() -> EntityRulesFile:
    return load(ANN / ENTITY_RULES, EntityRulesFile)


@pytest.fixture(scope="module")
def built(rules: EntityRulesFile) -> RegistryNames:
    return registry_names(rules)


def plant(folder: Path, rules: EntityRulesFile, built: RegistryNames) -> None:
    """A well-formed file for ``rules`` holding one place more than the registries give."""
    registries._write(
        folder / CACHE_FILE,
        registries.cache_key(rules),
        RegistryNames((*built.places, PLANTED), built.given_names),
    )


def test_the_names_read_back_are_the_names_built(
    tmp_path: Path, rules: EntityRulesFile, built: RegistryNames
) -> None:
    assert registry_names(rules, tmp_path) == built
    assert (tmp_path / CACHE_FILE).is_file()
    assert registry_names(rules, tmp_path) == built


def test_a_planted_file_is_read_for_its_own_inputs(
    tmp_path: Path, rules: EntityRulesFile, built: RegistryNames
) -> None:
    """The control of the tests below: the file is read, not built again, when its key is the inputs'."""
    plant(tmp_path, rules, built)
    assert PLANTED in registry_names(rules, tmp_path).places


def test_a_file_kept_for_other_rules_is_not_used(
    tmp_path: Path, rules: EntityRulesFile, built: RegistryNames
) -> None:
    plant(tmp_path, rules, built)
    assert ("en", "Paris") in dict(built.places)
    skip = {**rules.gazetteer.skip, "en": [*rules.gazetteer.skip.get("en", []), "Paris"]}
    other = rules.model_copy(update={"gazetteer": rules.gazetteer.model_copy(update={"skip": skip})})
    names = registry_names(other, tmp_path)
    assert names == registry_names(other) and ("en", "Paris") not in dict(names.places)
    assert PLANTED not in names.places
    assert registry_names(other, tmp_path) == names  # and the file now holds the new rules' names


def test_a_file_kept_for_other_stopwords_is_not_used(
    tmp_path: Path, rules: EntityRulesFile, built: RegistryNames
) -> None:
    plant(tmp_path, rules, built)
    other = rules.model_copy(
        update={"en": rules.en.model_copy(update={"stopwords": [*rules.en.stopwords, "Paris"]})}
    )
    names = registry_names(other, tmp_path)
    assert PLANTED not in names.places and ("en", "Paris") not in dict(names.places)


@pytest.mark.parametrize("change", ["code or a library version", "python"])
def test_a_file_kept_by_other_code_packages_or_python_is_not_used(
    tmp_path: Path, rules: EntityRulesFile, built: RegistryNames, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    plant(tmp_path, rules, built)
    if change == "python":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    else:  # fingerprint.code hashes this package's source and the annotators' library versions
        monkeypatch.setattr(registries.fingerprint, "code", lambda: "another version")
    assert registry_names(rules, tmp_path) == built


@pytest.mark.parametrize(
    "damage",
    ["empty", "truncated", "a byte changed", "not json", "another shape, checksum right", "another format"],
)
def test_a_damaged_file_is_ignored_and_written_again(
    tmp_path: Path, rules: EntityRulesFile, built: RegistryNames, damage: str
) -> None:
    path = tmp_path / CACHE_FILE
    plant(tmp_path, rules, built)
    data = path.read_bytes()
    header, _, body = data.partition(b"\n")
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "a byte changed":
        at = body.index(b"Atlantis")
        path.write_bytes(header + b"\n" + body[:at] + b"B" + body[at + 1 :])  # Btlantis, checksum now wrong
    elif damage == "not json":
        path.write_bytes(b"\x80\x00 not json\n{")
    elif damage == "another format":
        fields = json.loads(header)
        path.write_bytes(json.dumps({**fields, "format": registries.FORMAT + 1}).encode() + b"\n" + body)
    else:
        wrong = json.dumps({"places": [[1, 2, 3, 4]], "given_names": []}).encode()
        registries._write(path, registries.cache_key(rules), built)
        fields = {**json.loads(path.read_bytes().partition(b"\n")[0])}
        fields["sha256"] = registries.hashlib.sha256(wrong).hexdigest()
        path.write_bytes(json.dumps(fields).encode() + b"\n" + wrong)
    assert registry_names(rules, tmp_path) == built
    assert registries._read(path, registries.cache_key(rules)) == built


def test_an_edited_gazetteer_rule_reaches_the_knowledge_through_the_cache(tmp_path: Path) -> None:
    """A project's knowledge loaded with its cache folder is the knowledge loaded without, before and
    after its ``gazetteer`` rules change."""
    folder, cache = tmp_path / "annotations", tmp_path / "cache"
    folder.mkdir()
    for name in KNOWLEDGE_FILES:
        shutil.copy(ANN / name, folder / name)
    first = Knowledge.load(folder, cache)
    assert first.entities.names == Knowledge.load(folder).entities.names
    assert first.entities.link("Lyon", "en") == "geonames-2996944"  # a registry name, not the base's
    raw = json.loads((folder / ENTITY_RULES).read_text(encoding="utf-8"))
    raw["gazetteer"]["skip"]["en"] = [*raw["gazetteer"]["skip"].get("en", []), "Lyon"]
    (folder / ENTITY_RULES).write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    second = Knowledge.load(folder, cache)
    assert second.entities.link("Lyon", "en") is None
    assert second.entities.names == Knowledge.load(folder).entities.names
    assert second.entities.en_first_names == first.entities.en_first_names


def test_small_towns_come_from_the_generated_file_for_the_listed_countries(rules: EntityRulesFile) -> None:
    text = "# header\nGolspie\t2648187\tGB\nSomewhere\t1\tFR\nKerry\t2\tIE\n"
    towns = small_towns(rules.gazetteer, {"en": frozenset()}, frozenset({"Kerry"}), {}, text)
    assert towns == {("en", "Golspie"): ("geonames-2648187", "LOC")}  # not France's, nor a given name
    assert small_towns_text().startswith("# Generated by scripts/generate_small_towns.py")
