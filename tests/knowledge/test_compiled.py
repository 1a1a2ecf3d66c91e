"""The compiled knowledge kept in the cache folder: read back only for its own inputs, and only when
signed with this user's key."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ANN, KNOWLEDGE

from dataset_builder.knowledge import Knowledge, compiled
from dataset_builder.knowledge.compiled import CACHE_FILE
from dataset_builder.knowledge.schema import KNOWLEDGE_FILES, SEED_RULES, silver_files_digest
from dataset_builder.silver_eval import evaluate


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of this repository's knowledge files."""
    out = tmp_path / "annotations"
    out.mkdir()
    for name in KNOWLEDGE_FILES:
        shutil.copy(ANN / name, out / name)
    return out


def plant(cache: Path, folder: Path, knowledge: Knowledge, said: str = "") -> None:
    """A file kept for ``folder``'s inputs, signed with this user's key, holding ``knowledge``."""
    signing = compiled.user_key()
    assert signing is not None
    compiled._write(cache / CACHE_FILE, compiled.key(folder), signing, pickle.dumps((knowledge, said)))


def marked(knowledge: Knowledge) -> Knowledge:
    """``knowledge`` told apart from any compiled one by its fingerprint."""
    return replace(knowledge, silver_fingerprint="planted")


def test_the_knowledge_read_back_is_the_knowledge_compiled(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = Knowledge.load(folder, cache)
    assert (cache / CACHE_FILE).is_file()
    again = Knowledge.load(folder, cache)
    assert again.silver_fingerprint == first.silver_fingerprint == silver_files_digest(folder)
    assert again.taxonomy == first.taxonomy == KNOWLEDGE.taxonomy
    heldout = ANN.parent / "tests" / "data" / "heldout"  # the same silver, span for span and date for date
    assert evaluate(heldout, again).errors == evaluate(heldout, first).errors
    assert evaluate(heldout, again).report() == evaluate(heldout, KNOWLEDGE).report()


def test_a_planted_file_is_read_for_its_own_inputs(folder: Path, tmp_path: Path) -> None:
    """The control of the tests below: a signed file kept for these inputs is read, not compiled again."""
    plant(tmp_path, folder, marked(KNOWLEDGE))
    assert Knowledge.load(folder, tmp_path).silver_fingerprint == "planted"


def test_a_file_kept_for_other_knowledge_files_is_not_used(folder: Path, tmp_path: Path) -> None:
    plant(tmp_path, folder, marked(KNOWLEDGE))
    rules = json.loads((folder / SEED_RULES).read_text(encoding="utf-8"))
    (folder / SEED_RULES).write_text(json.dumps(rules, indent=2), encoding="utf-8")  # same rules, other bytes
    loaded = Knowledge.load(folder, tmp_path)
    assert loaded.silver_fingerprint != "planted"
    assert loaded.silver_fingerprint == silver_files_digest(folder)


def test_a_file_kept_for_another_folder_is_not_used(folder: Path, tmp_path: Path) -> None:
    """The compiled knowledge names its folder in errors: a moved project compiles its own."""
    plant(tmp_path, folder, marked(KNOWLEDGE))
    moved = tmp_path / "moved"
    shutil.copytree(folder, moved)
    assert Knowledge.load(moved, tmp_path).silver_fingerprint != "planted"


def test_a_file_signed_with_another_key_is_never_unpickled(folder: Path, tmp_path: Path) -> None:
    """A project copied with its cache folder: the pickle would run code when read, so it is not read."""

    class Bomb:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (exec, ("raise SystemExit('the pickle was read')",))

    inputs = compiled.key(folder)
    compiled._write(tmp_path / CACHE_FILE, inputs, b"k" * 32, pickle.dumps((Bomb(), "")))
    assert Knowledge.load(folder, tmp_path).silver_fingerprint == silver_files_digest(folder)


def test_a_damaged_file_is_compiled_again(folder: Path, tmp_path: Path) -> None:
    plant(tmp_path, folder, marked(KNOWLEDGE))
    path = tmp_path / CACHE_FILE
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    assert Knowledge.load(folder, tmp_path).silver_fingerprint == silver_files_digest(folder)
    assert Knowledge.load(folder, tmp_path).silver_fingerprint == silver_files_digest(folder)  # rewritten


def test_what_compiling_said_is_said_again_when_read_back(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file lacking keys a later version added takes the packaged defaults, and says so each build."""
    rules = json.loads((folder / SEED_RULES).read_text(encoding="utf-8"))
    missing = "read_also_link_max_chars"  # required, with a packaged default
    del rules[missing]
    (folder / SEED_RULES).write_text(json.dumps(rules), encoding="utf-8")
    Knowledge.load(folder, tmp_path)
    first = capsys.readouterr().err
    assert f"no {missing}" in first
    Knowledge.load(folder, tmp_path)
    assert capsys.readouterr().err == first


def test_a_key_others_can_read_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    signing = compiled.user_key()
    path = tmp_path.joinpath(*compiled.KEY_FILE)
    assert signing is not None and path.read_bytes() == signing and compiled.user_key() == signing
    assert path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o644)
    assert compiled.user_key() is None


def test_without_a_writable_key_home_the_knowledge_is_compiled(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert Knowledge.load(folder, tmp_path / "cache").silver_fingerprint == silver_files_digest(folder)
    assert not (tmp_path / "cache" / CACHE_FILE).exists()
