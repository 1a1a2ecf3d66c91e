"""A project is a folder: found from the working directory, validated, created by ``init``, versioned."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import warnings
from pathlib import Path

import datasets
import pytest
from conftest import ANN, REPO

from dataset_builder import cli
from dataset_builder.errors import InputError
from dataset_builder.knowledge import Knowledge
from dataset_builder.knowledge.schema import KNOWLEDGE_FILES
from dataset_builder.project import DEFAULTS, PROJECT_FILE, PROMPTED_KEYS, Project, init_project
from dataset_builder.release.manifest import read_manifest, record_release

DEFAULTS_DIR = REPO / "dataset_builder" / DEFAULTS
GENERAL = [f"annotations/{name}" for name in (*KNOWLEDGE_FILES, "GUIDELINES.md")] + ["DATASET_CARD.md"]


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def copy_repo_project(target: Path) -> Path:
    """This repository's project (seeds, knowledge, gold, card, dataset.toml) in a folder of its own,
    at version 1.0.0 whatever the repository's version is now."""
    target.mkdir(parents=True)
    for name in ("seeds", "annotations"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "DATASET_CARD.md", target / "DATASET_CARD.md")
    settings = (REPO / PROJECT_FILE).read_text(encoding="utf-8")
    pinned = re.sub(r'(?m)^version = "[^"]*"$', 'version = "1.0.0"', settings, count=1)
    (target / PROJECT_FILE).write_text(pinned, encoding="utf-8")
    return target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the repository's own project and the package defaults ---------------------------------------


def test_the_repository_is_a_project_whose_general_knowledge_is_the_package_default() -> None:
    """One hand-maintained copy: the repo's general files must equal what ``init`` ships."""
    project = Project.load(REPO)
    assert project.annotations_dir == ANN and project.settings.version
    stale = [name for name in GENERAL if (REPO / name).read_bytes() != (DEFAULTS_DIR / name).read_bytes()]
    assert stale == [], f"copy {stale} to dataset_builder/defaults/ (init ships those files)"


# --- finding and validating a project ------------------------------------------------------------


def test_a_project_is_found_from_any_folder_inside_it(tmp_path: Path, monkeypatch, capsys) -> None:
    project = copy_repo_project(tmp_path / "news")
    (project / "seeds" / "deeper").mkdir()
    monkeypatch.chdir(project / "seeds" / "deeper")
    assert Project.find().root == project
    assert run(capsys, "version") == (0, "1.0.0\n", "")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "version")
    assert code == 2 and err.startswith(f"error: no dataset.toml in {tmp_path} or any folder above it")
    assert run(capsys, "version", "-C", str(project)) == (0, "1.0.0\n", "")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("1.0.0", "1.0"), "version: '1.0' is not a version MAJOR.MINOR.PATCH"),
        (("\nlicense =", "\nlicence = 'x'\nlicense ="), "licence: unknown key"),
        (("train = 0.8", "train = 0.5"), "splits: the ratios must sum to 1 (they sum to 0.7)"),
        (("[citation]\n", "[citation]\nyear = 'soon'\n"), "not valid TOML"),
        (('name = "arabic-english-news-entities"\n', ""), "name: missing"),
        (("\n[card]\n", "\n[card]\nbias = []\n"), "card.bias: unknown key"),
        (("\nbiases = [", "\nbiases = 'one sentence'\nx = ["), "card.biases: Input should be a valid list"),
        (('"Official and state-aligned', '"", "Official and state-aligned'), "card.biases.1: String should"),
        (("\nsources = ", "\nsources = ''\nx = "), "card.sources: String should have at least 1 character"),
    ],
)
def test_a_bad_project_file_names_the_file_and_the_key(tmp_path: Path, change, message: str, capsys) -> None:
    project = copy_repo_project(tmp_path / "news")
    path = project / PROJECT_FILE
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    code, out, err = run(capsys, "build", "-C", str(project), "--no-progress")
    assert code == 2 and out == "" and err.startswith(f"error: {path}: ") and message in err
    assert not (project / "dist").exists()


# --- init ----------------------------------------------------------------------------------------


def test_init_makes_a_project_from_the_defaults_without_this_repositorys_gold(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "init", str(tmp_path / "My News"))
    project = Project.load(tmp_path / "My News")
    assert code == 0 and str(project.root) in out
    assert (project.settings.name, project.settings.pretty_name, project.settings.version) == (
        "my-news",
        "My News",
        "0.1.0",
    )
    files = tree(project.root)
    assert sorted(files) == sorted([*GENERAL, ".gitignore", PROJECT_FILE])
    assert all(files[name] == (DEFAULTS_DIR / name).read_bytes() for name in GENERAL)
    assert project.seeds_dir.is_dir() and not any(project.seeds_dir.iterdir())
    assert Knowledge.load(project.annotations_dir).groups.members == set()


def test_init_never_overwrites(tmp_path: Path, capsys) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "init", str(target))
    assert code == 2 and "not an empty folder" in err
    assert tree(target) == {"notes.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no staging folder left
    empty = tmp_path / "empty"
    empty.mkdir()
    init_project(empty)
    with pytest.raises(InputError, match="init never overwrites"):
        init_project(empty)


def test_a_new_project_builds_its_own_seeds_with_no_flags(tmp_path: Path, monkeypatch, capsys) -> None:
    """Own seeds, no gold: nothing of this repository's annotations gets in the way."""
    project = init_project(tmp_path / "mine").root
    for seed in sorted((REPO / "seeds").glob("*.txt"))[:3]:
        shutil.copy(seed, project / "seeds" / seed.name)
    monkeypatch.chdir(project / "seeds")
    code, out, err = run(capsys, "build", "--no-progress", "--workers", "1")
    assert code == 0 and f"built {project / 'dist'} (version 0.1.0)" in out
    [warning] = err.splitlines()  # the one warning: the template's prompts are left in dataset.toml
    prompts = f"{project / PROJECT_FILE}: the init template's prompts are left in {', '.join(PROMPTED_KEYS)};"
    assert warning.startswith(f"warning: {prompts}")
    for name in ("README.md", "croissant.json"):  # nothing this repository's dataset.toml says
        release = (project / "dist" / name).read_text(encoding="utf-8")
        assert "Gaza" not in release and "state-aligned" not in release and "Very small" not in release
    docs = datasets.load_dataset(str(project / "dist"), "documents")
    assert {r["annotation_status"] for split in docs.values() for r in split} == {"silver"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


# --- the project's taxonomy is used everywhere ---------------------------------------------------


def test_the_projects_taxonomy_reaches_the_config_features_card_and_croissant(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    project = copy_repo_project(tmp_path / "news")
    path = project / "annotations" / "taxonomy.json"
    taxonomy = json.loads(path.read_text(encoding="utf-8"))
    space = {
        "id": "space",
        "name": "Space",
        "iptc": None,
        "iptc_label": None,
        "definition": "Probes.",
        "parent": "science_technology",
    }
    taxonomy["topics"] = [space, *reversed(taxonomy["topics"])]
    path.write_text(json.dumps(taxonomy), encoding="utf-8")
    order = [t["id"] for t in taxonomy["topics"]]
    monkeypatch.chdir(project)
    code, out, _ = run(capsys, "labelstudio", "config")
    assert code == 0 and 'value="space"' in out
    assert run(capsys, "build", "--no-progress")[0] == 0
    topics = datasets.load_dataset(str(project / "dist"), "topics", split="train")
    assert topics.features["labels"].feature.names == order
    croissant = json.loads((project / "dist" / "croissant.json").read_text(encoding="utf-8"))
    [classes] = [r for r in croissant["recordSet"] if r["@id"] == "topics-labels-classes"]
    assert [row["topics-labels-classes/name"] for row in classes["data"]] == order
    assert "`space` (Space)" in (project / "dist" / "README.md").read_text(encoding="utf-8")


# --- versions ------------------------------------------------------------------------------------


def test_version_bump_rewrites_only_the_version_line(tmp_path: Path, capsys) -> None:
    project = copy_repo_project(tmp_path / "news")
    before = (project / PROJECT_FILE).read_text(encoding="utf-8")
    code, out, _ = run(capsys, "version", "-C", str(project), "bump", "minor")
    assert code == 0 and out.startswith("1.0.0 → 1.1.0")
    after = (project / PROJECT_FILE).read_text(encoding="utf-8")
    today = dt.date.today().isoformat()
    expected = before.replace('\nversion = "1.0.0"\n', '\nversion = "1.1.0"\n')
    expected = re.sub(r"(?m)^release_date = \S+$", f"release_date = {today}", expected)
    assert after == expected  # the version line, and the release date of the new version
    assert run(capsys, "version", "-C", str(project), "bump", "major")[1].startswith("1.1.0 → 2.0.0")
    assert run(capsys, "version", "-C", str(project), "bump", "patch")[1].startswith("2.0.0 → 2.0.1")
    assert run(capsys, "version", "-C", str(project)) == (0, "2.0.1\n", "")


# --- the [labelstudio] table -------------------------------------------------------------------------


def test_record_labelstudio_adds_the_table_and_keeps_the_rest_byte_for_byte(tmp_path: Path) -> None:
    project = Project.load(copy_repo_project(tmp_path / "news"))
    before = project.file.read_text(encoding="utf-8")
    assert project.settings.labelstudio.project_id is None
    assert project.settings.labelstudio.annotators_per_task == 1
    recorded = project.record_labelstudio(url="http://127.0.0.1:8080", project_id=12)
    after = project.file.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == '\n[labelstudio]\nurl = "http://127.0.0.1:8080"\nproject_id = 12\n'
    assert recorded.settings.labelstudio.project_id == 12
    assert Project.load(project.root).settings == recorded.settings


def test_record_labelstudio_rewrites_only_its_keys_and_keeps_comments(tmp_path: Path) -> None:
    project_dir = copy_repo_project(tmp_path / "news")
    path = project_dir / PROJECT_FILE
    table = (
        "\n# the campaign\n[labelstudio]\n"
        "project_id = 3   # recorded by the first push\n"
        "annotators_per_task = 2  # two people per article\n"
        'reviewers = ["lead@example.org"]\n'
    )
    path.write_text(path.read_text(encoding="utf-8") + table, encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    project = Project.load(project_dir)
    assert project.settings.labelstudio.reviewers == ["lead@example.org"]
    recorded = project.record_labelstudio(project_id=13, review_project_id=14)
    expected = before.replace("project_id = 3   #", "project_id = 13   #") + "review_project_id = 14\n"
    assert path.read_text(encoding="utf-8") == expected
    settings = recorded.settings.labelstudio
    assert (settings.project_id, settings.review_project_id, settings.annotators_per_task) == (13, 14, 2)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"project": 3}, "labelstudio: unknown key project"),
        ({"overlap_percent": 150}, "labelstudio.overlap_percent"),
    ],
)
def test_record_labelstudio_never_writes_a_file_the_next_command_would_refuse(
    tmp_path: Path, values: dict[str, object], message: str
) -> None:
    project = Project.load(copy_repo_project(tmp_path / "news"))
    before = project.file.read_bytes()
    with pytest.raises(InputError, match=message):
        project.record_labelstudio(**values)
    assert project.file.read_bytes() == before


@pytest.mark.slow
def test_a_changed_dataset_under_a_published_version_warns_once(tmp_path: Path, monkeypatch, capsys) -> None:
    project = copy_repo_project(tmp_path / "news")
    monkeypatch.chdir(project)
    build = ["build", "--no-progress", "--workers", "1"]
    assert run(capsys, *build)[0] == 0
    record_release(project / "releases", read_manifest(project / "dist"), "org/news", "v1.0.0")
    gold = project / "annotations" / "documents" / "002_a10ac565b067f4e4.json"
    original = gold.read_bytes()
    record = json.loads(original)
    record["annotations"][0]["topics"] = []
    gold.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, out, err = run(capsys, *build)
    assert code == 0 and "warning" not in out and not [w for w in caught if "version" in str(w.message)]
    assert err.count("warning:") == 1 and "differs from version 1.0.0 as published" in err
    assert "dataset-builder version bump" in err
    gold.write_bytes(original)  # the change is undone: the data is the published data again
    code, _, err = run(capsys, *build)
    assert code == 0 and err == ""
    gold.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "version", "bump", "patch")[0] == 0
    code, out, err = run(capsys, *build)
    assert code == 0 and "(version 1.0.1)" in out and err == ""
