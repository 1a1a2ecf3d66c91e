"""Every broken knowledge file is refused with an error naming the file, the entry and the key."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ANN, KNOWLEDGE, REPO, SEEDS

from dataset_builder import cli
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge import schema as ks
from dataset_builder.knowledge.text import normalise
from dataset_builder.pipeline import silver_documents


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "annotations"
    shutil.copytree(ANN, folder, ignore=shutil.ignore_patterns("documents", "labelstudio"))
    return folder


def _edit(folder: Path, name: str, change: Any) -> Path:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _refused(folder: Path, message: str) -> str:
    with pytest.raises(InputError) as info:
        Knowledge.load(folder)
    text = str(info.value)
    assert text == message
    return text


def test_a_duplicate_entity_id_is_refused(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    path = _edit(folder, "entities.json", lambda d: d["entities"].append({**d["entities"][3], "names": {}}))
    raw = json.loads(path.read_text(encoding="utf-8"))["entities"]
    last, dup = len(raw) - 1, raw[3]["id"]
    _refused(folder, f"{path}: entities[{last}] (id {dup!r}): duplicate id (also entities[3])")


def test_names_given_as_a_list_name_the_file_and_the_entity(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    path = _edit(folder, "entities.json", lambda d: d["entities"][12].update(names=["Egypt"]))
    entity = json.loads(path.read_text(encoding="utf-8"))["entities"][12]["id"]
    _refused(folder, f"{path}: entities[12] (id {entity!r}): names: expected an object {{language: [names]}}")


def test_a_name_of_two_entities_names_both(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    path = _edit(folder, "entities.json", lambda d: d["entities"][5]["names"]["en"].append("Gaza"))
    entities = json.loads(path.read_text(encoding="utf-8"))["entities"]
    owner = next(i for i, e in enumerate(entities) if "Gaza" in e["names"].get("en", []) and i != 5)
    first, second = sorted((5, owner))
    message = (
        f"{path}: entities[{second}] (id {entities[second]['id']!r}): names.en: name 'Gaza' also belongs to "
        f"entities[{first}] (id {entities[first]['id']!r})"
    )
    _refused(folder, message)


CASES: list[tuple[str, Any, str]] = [
    (
        "taxonomy.json",
        lambda d: d["topics"].append(d["topics"][0]),
        r"topics\[23\] \(id 'diplomacy'\): duplicate id",
    ),
    (
        "taxonomy.json",
        lambda d: d["topics"][0].update(parent="politcs"),
        r"topics\[0\] \(id 'diplomacy'\): parent: unknown topic 'politcs'",
    ),
    (
        "taxonomy.json",
        lambda d: d["topics"][1].update(parent="diplomacy"),
        r"topics\[1\] \(id 'armed_conflict'\): parent: 'diplomacy' is itself a subtopic \(of 'politics'\); "
        r"a parent must be a top-level topic",
    ),
    (
        "taxonomy.json",
        lambda d: d["topics"][2].pop("definition"),
        r"topics\[2\] \(id '\w+'\): definition: missing",
    ),
    (
        "topic_rules.json",
        lambda d: d["rules"][1].update(topic="sports"),
        r"rules\[1\] \(topic 'sports'\): topic: unknown topic 'sports' \(not in taxonomy\.json\)",
    ),
    (
        "topic_rules.json",
        lambda d: d["rules"][0].update(min_match=2),
        r"rules\[0\] \(topic '\w+'\): min_match: unknown key",
    ),
    (
        "entities.json",
        lambda d: d["entities"][0].update(label="PERSON"),
        r"entities\[0\] \(id '[\w-]+'\): label: unknown label 'PERSON' \(known: PER, ORG, LOC, MISC\)",
    ),
    # a key the packaged default has is taken from it (test_an_older_projects_file_takes_…), a wrong one is not
    ("entity_rules.json", lambda d: d.update(ar=["وزير"]), r"ar: expected an object"),
    (
        "entity_rules.json",
        lambda d: d["en"]["stopwords"].append(3),
        r"en\.stopwords\[\d+\]: expected a string",
    ),
    (
        "entity_rules.json",
        lambda d: d["ar"].update(company_descriptors="شركة"),
        r"ar\.company_descriptors: expected a list",
    ),
    (
        "entity_rules.json",
        lambda d: d["en"]["not_entity_phrases"].append("Brussels"),
        r"en\.not_entity_phrases: \[\d+\] 'Brussels' is not a phrase of two or more words",
    ),
    (
        "entity_rules.json",
        lambda d: d["ar"]["not_entity_phrases"].append("القوة  القاهرة"),
        r"ar\.not_entity_phrases: \[\d+\] 'القوة  القاهرة' is not a phrase of two or more words",
    ),
    (
        "date_rules.json",
        lambda d: d["months"].update({"13": ["Smarch"]}),
        r"months: month '13' is not a month",
    ),
    ("date_rules.json", lambda d: d.update(dateline_chars="80"), r"dateline_chars: expected an integer"),
    (
        "seed_rules.json",
        lambda d: d["metadata_prefixes"].append("("),
        r"metadata_prefixes: \[\d+\] '\(' is not",
    ),
    (
        "seed_rules.json",
        lambda d: d["line_rules"][0].update(id="metadata"),
        r"line_rules: \[0\] id 'metadata' is already the name of another cut",
    ),
    (
        "seed_rules.json",
        lambda d: d["line_rules"][0].update(next_cut_by=["no_such_rule"]),
        r"line rule 'date_line': next_cut_by 'no_such_rule' is no other rule's id",
    ),
    (
        "seed_rules.json",
        lambda d: d["line_rules"][1]["patterns"].append("(?i)[a-"),
        r"line_rules\[1\] \(id 'breaking'\): patterns: \[\d+\] '\(\?i\)\[a-' is not",
    ),
    (
        "seed_rules.json",
        lambda d: d["line_rules"][1]["patterns"].append(r"\\L<no_such_list>\\s+\\d+"),
        r"line_rules\[1\]: \\L<no_such_list> names no list of words under 'lists'",
    ),
    (
        "seed_rules.json",
        lambda d: d["lists"]["byline_cities_en"].append(""),
        r"lists\.byline_cities_en\[\d+\]: String should have at least 1 character",
    ),
    (
        "seed_rules.json",
        lambda d: d["lists"].update({"two words": ["a"]}),
        r"lists\.two words",
    ),
    (
        "groups.json",
        lambda d: d["events"][1]["documents"].append(d["events"][0]["documents"][0]),
        r"events\[1\] \(id '[\w-]+'\): documents: document '\w+' is also in events\[0\]",
    ),
    ("groups.json", lambda d: d["translation_groups"][0].pop("id"), r"translation_groups\[0\]: id: missing"),
]


@pytest.mark.parametrize(("name", "change", "entry"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_every_file_names_itself_and_the_entry(tmp_path: Path, name: str, change: Any, entry: str) -> None:
    folder = _project(tmp_path)
    path = _edit(folder, name, change)
    with pytest.raises(InputError, match="^" + re.escape(f"{path}: ") + entry):
        Knowledge.load(folder)


def test_a_marked_name_needs_a_known_id_and_marks(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    path = _edit(folder, "entity_rules.json", lambda d: d["ar"]["marked_names"].update({"عمّان": "amman"}))
    _refused(
        folder,
        f"{path}: ar.marked_names: 'عمّان' names 'amman', an id neither entities.json nor the place "
        "registry knows",
    )
    path = _edit(folder, "entity_rules.json", lambda d: d["ar"].update(marked_names={"عمان": "iso-om"}))
    _refused(folder, f"{path}: ar.marked_names: 'عمان' has no marks to tell it apart by")


def test_invalid_json_and_a_missing_file_are_named(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    (folder / "date_rules.json").write_text('{"months": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"date_rules\.json: line 2 column 1: invalid JSON"):
        Knowledge.load(folder)
    (folder / "date_rules.json").unlink()
    with pytest.raises(InputError, match=r"date_rules\.json: knowledge file not found"):
        Knowledge.load(folder)


def test_the_cli_reports_a_broken_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _project(tmp_path)
    _edit(folder, "entities.json", lambda d: d["entities"][12].update(names=["Egypt"]))
    args = [
        "build",
        "-C",
        str(REPO),
        "--seeds",
        str(SEEDS),
        "--annotations",
        str(folder),
        "--out",
        str(tmp_path / "dist"),
    ]
    assert cli.main([*args, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder / 'entities.json'}: entities[12]") and "Traceback" not in err
    assert not (tmp_path / "dist").exists()


def test_a_file_written_through_its_model_is_read_back_equal(tmp_path: Path) -> None:
    """``schema.write`` is the loader's inverse (learned aliases are written this way), and leaves an
    unchanged file alone."""
    aliases = ks.LearnedAliasesFile(
        comment="c",
        aliases=[
            ks.LearnedAlias(
                surface="بلينكن",
                language="ar",
                label="PER",
                entity_id=None,
                sources=[ks.LearnedSource(document_id="d1", annotator="a")],
            )
        ],
    )
    path = tmp_path / ks.LEARNED_ALIASES
    assert ks.write(path, aliases)
    assert ks.load(path, ks.LearnedAliasesFile) == aliases
    assert "بلينكن" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    assert not ks.write(path, aliases)


OLD_ENTITY_RULES = "25dedfe"
"""A version whose entity_rules.json lacks keys added since (ar.compound_first, en.articles, …)."""


def _old_entity_rules(tmp_path: Path) -> Path:
    """A project made by ``init`` of version 25dedfe: its entity_rules.json, the rest current."""
    folder = _project(tmp_path)
    old = subprocess.run(
        ["git", "show", f"{OLD_ENTITY_RULES}:dataset_builder/defaults/annotations/{ks.ENTITY_RULES}"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    (folder / ks.ENTITY_RULES).write_bytes(old)
    return folder


def test_an_older_projects_file_takes_the_missing_keys_from_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After an upgrade, an older project still builds, with the same entities, and is told which keys
    its file lacks, once."""
    folder = _old_entity_rules(tmp_path)
    knowledge = Knowledge.load(folder)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{folder / ks.ENTITY_RULES}: no ")
    keys = ("ar.compound_first", "ar.compound_second", "ar.articles_behind_proclitics", "en.articles")
    for key in (*keys, "en.name_joiners", "gazetteer.name_particles"):
        assert key in lines[0]
    assert lines[0].endswith("using the defaults; add them to the file to change them")
    assert knowledge.silver_fingerprint != KNOWLEDGE.silver_fingerprint

    def entities(k: Knowledge) -> list[list[tuple[int, int, str, str | None]]]:
        return [
            [(s.start, s.end, s.label, s.entity_id) for s in doc.entities]
            for doc in silver_documents(SEEDS, k)
        ]

    assert entities(knowledge) == entities(KNOWLEDGE)
    assert Knowledge.load(ANN) and not capsys.readouterr().err  # a complete file: no notice


def test_a_missing_key_with_a_wrong_type_beside_it_still_fails(tmp_path: Path) -> None:
    folder = _old_entity_rules(tmp_path)
    path = _edit(folder, ks.ENTITY_RULES, lambda d: d["ar"].update(titles="وزير"))
    _refused(folder, f"{path}: ar.titles: expected a list")


def test_a_missing_key_the_defaults_lack_and_an_unknown_key_still_fail(tmp_path: Path) -> None:
    folder = _old_entity_rules(tmp_path)
    path = _edit(folder, ks.ENTITY_RULES, lambda d: d["en"].update(article=["al"]))
    _refused(folder, f"{path}: en.article: unknown key")
    _edit(folder, ks.ENTITY_RULES, lambda d: d["en"].pop("article"))
    path = _edit(folder, ks.GROUPS, lambda d: d["events"][0].pop("id"))
    _refused(folder, f"{path}: events[0]: id: missing")


def test_company_descriptors_are_read_behind_proclitics_and_default_to_none(tmp_path: Path) -> None:
    """ar.company_descriptors (شركة) is compiled normalised, bare and behind every proclitic; a file
    without the key has none (no company rule), like the other optional Arabic lists."""
    assert KNOWLEDGE.entities.ar_company_descriptors[normalise("لشركة", "ar")] == normalise("شركة", "ar")
    folder = _project(tmp_path)
    _edit(folder, ks.ENTITY_RULES, lambda d: d["ar"].pop("company_descriptors"))
    assert Knowledge.load(folder).entities.ar_company_descriptors == {}
