"""Reading, cleaning and splitting seeds: nothing is lost, bad input is named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ANN, KNOWLEDGE, REPO, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataset_builder.documents import rebuild_seed
from dataset_builder.errors import InputError
from dataset_builder.seeds import find_cuts, read_seed, seed_files, split_seed
from tests.support.cli_process import permissions_apply, run_cli

SHARED = REPO.parent / "shared" / "seeds"
RULES = KNOWLEDGE.seed_rules

EN = "The minister met his counterpart in the capital to discuss the regional situation and trade."
AR = "التقى الوزير نظيره في العاصمة لبحث الأوضاع الإقليمية والتعاون التجاري بين البلدين الشقيقين."


def split(path: Path) -> list:
    return split_seed(path, read_seed(path), RULES)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared seeds not beside the repo")
def test_seeds_are_the_shared_files_byte_for_byte() -> None:
    shared = sorted(p.name for p in SHARED.glob("*.txt"))
    assert shared and all((SEEDS / n).read_bytes() == (SHARED / n).read_bytes() for n in shared)


@pytest.mark.parametrize("path", seed_files(SEEDS), ids=lambda p: p.name)
def test_every_seed_rebuilds_exactly_from_documents_and_cuts(path: Path) -> None:
    docs = split(path)
    assert rebuild_seed(docs) == read_seed(path)
    assert docs[0].seed_start == 0 and docs[-1].seed_end == len(read_seed(path))
    for doc in docs:
        assert doc.text == doc.text.strip() and doc.text


def test_bilingual_file_becomes_two_linked_documents() -> None:
    path = next(p for p in seed_files(SEEDS) if p.name.startswith("000_"))
    ar, en = split(path)
    assert (ar.id, ar.language, en.id, en.language) == (f"{path.stem}-ar", "ar", f"{path.stem}-en", "en")
    assert ar.translation_group == en.translation_group == path.stem
    assert ar.title and ar.title.startswith("وقف لإطلاق النار") and en.title is None
    assert en.truncated and not ar.truncated
    assert "Today, President" in en.text and "Today" not in ar.text


def test_metadata_header_and_read_also_lines_are_cut_but_recorded() -> None:
    by_name = {p.name[:3]: split(p) for p in seed_files(SEEDS)}
    (doc002,) = by_name["002"]
    assert not doc002.text.startswith(" date") and "2024-02-07" not in doc002.text
    assert [c.reason for c in doc002.cuts if c.reason == "metadata"] == ["metadata"]
    (doc003,) = by_name["003"]
    assert "نشر بتاريخ" not in doc003.text and doc003.title.startswith("الرئيس المصري وبلينكن")
    (doc004,) = by_name["004"]
    for gone in ("أقرأ أيضاً", "قد يهمك", "زيارة مفاجئة", "يؤكّد اعتزام"):
        assert gone not in doc004.text
    assert any(gone in c.text for c in doc004.cuts for gone in ("زيارة مفاجئة",))
    assert "\n\n\n" not in doc004.text


def test_cuts_never_touch_body_lines() -> None:
    rules = RULES
    text = f"{EN}\nRead also: another headline\n\n{EN}\n"
    cuts = find_cuts(text, rules)
    assert [c.text for c in cuts] == ["Read also: another headline\n"]
    assert find_cuts(text.replace("\nRead", "\n\nRead"), rules)[-1].text == "\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"\xff\xfe not utf8", "not UTF-8 at byte 0"),
        ("سطر عربي\n".encode() + b"\xc3\x28", "line 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (
            "Le ministre a rencontré son homologue dans la capitale pour discuter de la situation "
            "régionale, des échanges commerciaux et de la coopération entre les deux pays voisins.".encode(),
            "language 'fr'",
        ),
        (b"12345 67890\n-- --", "no text"),
        (
            "وزیر امور خارجه با همتای خود در پایتخت دیدار کرد و درباره وضعیت منطقه و همکاری‌های "
            "اقتصادی میان دو کشور همسایه گفتگو کرد و بر ادامه رایزنی‌ها تأکید نمود.".encode(),
            "language 'fa'",
        ),
    ],
)
def test_bad_seed_is_rejected_with_its_name(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as err:
        split(path)
    assert str(path) in str(err.value)


def test_seed_folder_is_an_open_set(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "a.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    assert [p.name for p in seed_files(tmp_path)] == ["a.txt", "b.txt"]
    with pytest.raises(InputError, match="seeds folder not found"):
        seed_files(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \.txt seed files"):
        seed_files(tmp_path / "empty")


def test_seed_suffixes_match_whatever_their_case_and_hidden_files_are_skipped(tmp_path: Path) -> None:
    for name in ("b.TXT", "a.txt", "c.Txt", ".hidden.txt", "._a.txt", "notes.md"):
        (tmp_path / name).write_text(EN, encoding="utf-8")
    (tmp_path / ".git").mkdir()  # hidden folders are not seeds either
    assert [p.name for p in seed_files(tmp_path)] == ["a.txt", "b.TXT", "c.Txt"]


def test_seeds_come_in_name_order_whatever_their_script(tmp_path: Path) -> None:
    """Name order is code-point order, as Python sorts names (the listing sorts them in Arrow); a link
    to a regular file is a seed."""
    names = ["é.txt", "Z.txt", "a.txt", "ب.txt", "a b.txt", "a.b.txt", "a-b.TXT", "中.txt", "😀.txt"]
    for name in names:
        (tmp_path / name).write_text(EN, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    assert [p.name for p in seed_files(tmp_path)] == sorted([*names, "link.txt"])


def test_the_first_faulty_entry_in_name_order_is_the_one_named(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "d").mkdir()
    (tmp_path / "c.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "b.md").symlink_to(tmp_path / "gone.md")  # no seed: skipped, whatever it is
    with pytest.raises(InputError, match=r"c\.txt: broken symbolic link"):
        seed_files(tmp_path)
    (tmp_path / "c.txt").unlink()
    (tmp_path / "c.txt").symlink_to(tmp_path / "d")
    with pytest.raises(InputError, match=r"c\.txt: a subfolder"):
        seed_files(tmp_path)


def test_a_subfolder_of_the_seeds_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "b.txt").write_text(EN, encoding="utf-8")
    with pytest.raises(InputError, match=r"2024: a subfolder in the seeds folder: seeds must be \.txt files"):
        seed_files(tmp_path)


def test_a_broken_link_or_a_special_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(InputError, match=r"b\.txt: broken symbolic link"):
        seed_files(tmp_path)
    (tmp_path / "b.txt").unlink()
    os.mkfifo(tmp_path / "c.txt")
    with pytest.raises(InputError, match=r"c\.txt: not a regular file"):
        seed_files(tmp_path)


def test_an_unreadable_seed_is_one_error_line_naming_it(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(ANN, tmp_path / "annotations")
    shutil.copy(REPO / "dataset.toml", tmp_path / "dataset.toml")
    locked = sorted((tmp_path / "seeds").iterdir())[1]
    locked.chmod(0)
    proc = run_cli(
        ["build", "--seeds", "seeds", "--no-progress", "--out", "dist"], tmp_path, **permissions_apply()
    )
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "Traceback" not in err
    assert err.strip() == f"error: seeds/{locked.name}: cannot read the seed file (Permission denied)"
    assert not (tmp_path / "dist").exists()


lines = st.sampled_from(
    [
        EN,
        AR,
        "",
        " ",
        "date 2024-02-07",
        "نشر بتاريخ: 10/06/2024",
        "أقرأ أيضاً :عنوان آخر",
        "قد يهمك أيضاً :",
        "عنوان رابط قصير",
        "Read more: a link",
        "\r",
        "  " + EN + "  ",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_cleaning_only_deletes_whatever_the_mix(tmp_path_factory, parts, newline, bom) -> None:
    text = ("\ufeff" if bom else "") + newline.join([EN, *parts, AR])
    path = tmp_path_factory.mktemp("seed") / "x.txt"
    docs = split_seed(path, text, RULES)
    assert rebuild_seed(docs) == text
    assert {d.language for d in docs} <= {"ar", "en"}
    for doc in docs:
        assert "\r\n" not in doc.text and "\ufeff" not in doc.text


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        (f" date 2024-03-30 {AR}\n{EN}\n{EN}", ["ar", "en"]),  # a short Arabic item behind an inline header
        (f"{EN}\n{AR}\n{EN}", ["en"]),  # a short Arabic quote inside an English article
        (f"CAIRO (Reuters) -\n{AR}\n{AR}", ["ar"]),  # a Latin dateline scrap before an Arabic article
    ],
)
def test_short_runs_become_articles_only_at_the_edges(
    tmp_path: Path, text: str, languages: list[str]
) -> None:
    docs = split_seed(tmp_path / "x.txt", text, RULES)
    assert [d.language for d in docs] == languages
    assert rebuild_seed(docs) == text
    for doc in docs:
        if doc.language == "en" and len(docs) > 1:
            assert AR not in doc.text


def test_a_standfirst_above_the_headline_leaves_the_headline_the_title(tmp_path: Path) -> None:
    """Some sites print the standfirst (one sentence) above the headline: the headline is still the title,
    but a short line under a lead sentence (a name, a label) is not taken, nor a second paragraph."""
    standfirst = "Documents seen by the paper show the group paid monthly salaries to recruits."
    headline = "Rebel group recruited fighters from two neighbouring countries"
    page = f"{standfirst}\n{headline}\n{EN}\n"
    (doc,) = split_seed(tmp_path / "page.txt", page, RULES)
    assert doc.title == headline
    (named,) = split_seed(tmp_path / "named.txt", f"{standfirst}\nJane Harrison\n{EN}\n", RULES)
    assert named.title is None
    (prose,) = split_seed(tmp_path / "prose.txt", f"{EN}\n{EN}\n{EN}\n", RULES)
    assert prose.title is None
