"""The real Label Studio editor, in headless Chromium, shows Arabic right to left with its predictions.

A person logs in through the login form, opens the Arabic task in the labeling editor, and sees the
silver entities highlighted over the right words, each line of Arabic running and aligned right to
left; the English task of the same seed still runs left to right. The checks read the rendered page
(highlight elements and glyph positions), not the config.

Script mode saves the Arabic screenshot to a path, on a throwaway server:
``.venv/bin/python tests/test_editor_rtl.py editor.png``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dataset_builder import annotations, pipeline
from dataset_builder.knowledge import Knowledge
from dataset_builder.labelstudio import tasks
from dataset_builder.labelstudio.client import connect, project_task_keys, push
from dataset_builder.project import init_project
from tests.support.labelstudio import LocalServer, label_studio, local_server  # noqa: F401  (session fixture)

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARABIC, ENGLISH = "000_7b0c189a82ed960c-ar", "000_7b0c189a82ed960c-en"
ARABIC_LETTER = r"[\u0600-\u06FF]"
CHROMIUM, CHROMEDRIVER = "chromium", "chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
EDITOR_TIMEOUT = 90

GEOMETRY_JS = """
const out = {highlights: [], lines: []};
for (const el of document.querySelectorAll('.htx-highlight[data-start]')) {
  out.highlights.push([Number(el.dataset.start), Number(el.dataset.end), el.textContent]);
}
for (const line of document.querySelectorAll('.lsf-richtext__line')) {
  // the box of every visible character, in text order
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  const boxes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      if (node.data[i].trim() === '') continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width > 0) boxes.push(rect);
    }
  }
  if (boxes.length < 2) continue;
  const row = (b) => boxes.filter(o => Math.abs(o.top - b.top) < b.height / 2);
  const rightmost = (b) => row(b).every(o => o.right <= b.right + 0.5);
  const leftmost = (b) => row(b).every(o => o.left >= b.left - 0.5);
  const first = boxes[0], last = boxes[boxes.length - 1];
  const box = line.parentElement.getBoundingClientRect(), style = getComputedStyle(line.parentElement);
  const lineStyle = getComputedStyle(line);
  out.lines.push({
    text: line.textContent,
    first_is_rightmost: rightmost(first), first_is_leftmost: leftmost(first),
    last_is_rightmost: rightmost(last), last_is_leftmost: leftmost(last),
    gap_right: box.right - parseFloat(style.paddingRight) - Math.max(...boxes.map(b => b.right)),
    gap_left: Math.min(...boxes.map(b => b.left)) - box.left - parseFloat(style.paddingLeft)
      - parseFloat(lineStyle.paddingLeft),
    direction: lineStyle.direction, bidi: lineStyle.unicodeBidi,
  });
}
return out;
"""


def browser_missing() -> str | None:
    """Why the browser cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (test extra)"
    missing = [name for name in (CHROMIUM, CHROMEDRIVER) if shutil.which(name) is None]
    return f"{' and '.join(missing)} not found: run scripts/install_browser.sh" if missing else None


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium through its chromedriver, with a new empty profile (no network calls)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which(CHROMIUM) or CHROMIUM
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(shutil.which(CHROMEDRIVER)), options=options)
        try:
            driver.set_page_load_timeout(EDITOR_TIMEOUT)
            yield driver
        finally:
            driver.quit()


@dataclass
class EditorView:
    """What the editor showed for one task: the screenshot, the highlights and the geometry of each line."""

    screenshot: Path
    expected: list[tuple[int, int, str]]
    highlights: list[tuple[int, int, str]]
    lines: list[dict[str, Any]]


def open_tasks(
    server: LocalServer, seeds: Path, annotations_dir: Path, document_ids: list[str], out_dir: Path
) -> dict[str, EditorView]:
    """Push the corpus, log in as the admin, open each document's task in the editor, screenshot it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    knowledge = Knowledge.load(annotations_dir)
    documents = list(pipeline.silver_documents(seeds, knowledge))
    project = init_project(out_dir / "editor rtl")  # the push records its server there, not in the repository
    report = push(project, documents, knowledge, server.url, server.api_key, annotations_dir=annotations_dir)
    docs = {d.id: d for d in documents if d.id in document_ids}
    task_ids = project_task_keys(connect(server.url, server.api_key), report.project_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    views = {}
    with chromium() as driver:
        driver.get(f"{server.url}/user/login/")
        driver.find_element(By.NAME, "email").send_keys(server.username)
        driver.find_element(By.NAME, "password").send_keys(server.password)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
        WebDriverWait(driver, EDITOR_TIMEOUT).until(lambda d: "/user/login" not in d.current_url)
        for document_id in document_ids:
            doc = docs[document_id]
            task_id = task_ids[tasks.task_key(doc.id, annotations.text_sha256(doc.text))]
            expected = sorted((s.start, s.end, s.text) for s in doc.entities)
            driver.get(f"{server.url}/projects/{report.project_id}/data?task={task_id}")
            shown = len(expected)
            WebDriverWait(driver, EDITOR_TIMEOUT).until(
                lambda d, n=shown: len(d.find_elements(By.CSS_SELECTOR, ".htx-highlight[data-start]")) >= n
            )
            geometry = driver.execute_script(GEOMETRY_JS)
            screenshot = out_dir / f"{document_id}.png"
            driver.save_screenshot(str(screenshot))
            highlights = sorted((int(s), int(e), t) for s, e, t in geometry["highlights"])
            views[document_id] = EditorView(screenshot, expected, highlights, geometry["lines"])
    return views


def direction_problems(view: EditorView, direction: str) -> list[str]:
    """Lines that do not run and align in ``direction`` ("rtl": Arabic lines, "ltr": the others)."""
    start, end = ("right", "left") if direction == "rtl" else ("left", "right")
    problems = []
    for line in view.lines:
        if bool(re.search(ARABIC_LETTER, line["text"])) != (direction == "rtl"):
            continue
        shown = f"{line['text'][:40]!r} (direction {line['direction']}, unicode-bidi {line['bidi']})"
        if not line[f"first_is_{start}most"]:
            problems.append(f"{shown}: its first character is not the {start}most")
        if not line[f"last_is_{end}most"]:
            problems.append(f"{shown}: its last character is not the {end}most")
        if line[f"gap_{start}"] >= 12:
            problems.append(f"{shown}: {line[f'gap_{start}']:.0f}px away from the {start} edge")
    return problems


@pytest.fixture(scope="module")
def editor(label_studio: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, EditorView]:  # noqa: F811
    reason = browser_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("editor")
    seeds = shutil.copytree(ROOT / "seeds", base / "seeds")
    ann_dir = shutil.copytree(
        ROOT / "annotations",
        base / "annotations",
        ignore=shutil.ignore_patterns(annotations.DOCUMENTS_DIR, annotations.EXPORTS_DIR),
    )
    return open_tasks(label_studio, seeds, ann_dir, [ARABIC, ENGLISH], base)


@pytest.mark.parametrize("document_id", [ARABIC, ENGLISH])
def test_predicted_spans_are_highlighted_over_their_words(
    editor: dict[str, EditorView], document_id: str
) -> None:
    view = editor[document_id]
    assert view.screenshot.stat().st_size > 10_000
    assert view.expected, "the document should have silver entities"
    assert view.highlights == view.expected


def test_arabic_lines_run_and_align_right_to_left(editor: dict[str, EditorView]) -> None:
    assert sum(bool(re.search(ARABIC_LETTER, line["text"])) for line in editor[ARABIC].lines) >= 5
    assert direction_problems(editor[ARABIC], "rtl") == []


def test_english_lines_still_run_left_to_right(editor: dict[str, EditorView]) -> None:
    assert len(editor[ENGLISH].lines) >= 3
    assert direction_problems(editor[ENGLISH], "ltr") == []


SELECT_JS = """
const [word, nth] = arguments;
const root = document.querySelector('.lsf-richtext, .htx-richtext');
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
let seen = 0;
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  for (let i = node.data.indexOf(word); i >= 0; i = node.data.indexOf(word, i + 1)) {
    if (seen++ !== nth) continue;
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + word.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const box = range.getBoundingClientRect();
    for (const type of ['mousedown', 'mouseup']) {  // what a drag over the word ends with
      node.parentElement.dispatchEvent(
        new MouseEvent(type, {bubbles: true, clientX: box.right, clientY: box.top + 2}));
    }
    return node.data.slice(i, i + word.length);
  }
}
return null;
"""
ASTRAL_TEXT = "🇪🇬🇪🇬🇪🇬 Egypt Egypt and Cairo"
ASTRAL_CONFIG = (
    '<View><Labels name="label" toName="text"><Label value="LOC"/></Labels>'
    '<Text name="text" value="$text"/></View>'
)


def _log_in(driver: Any, server: LocalServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{server.url}/user/login/")
    driver.find_element(By.NAME, "email").send_keys(server.username)
    driver.find_element(By.NAME, "password").send_keys(server.password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    WebDriverWait(driver, EDITOR_TIMEOUT).until(lambda d: "/user/login" not in d.current_url)


def label_in_editor(server: LocalServer, text: str, word: str, nth: int) -> dict[str, Any]:
    """Select the ``nth`` ``word`` of ``text`` with the mouse in the real editor, label it, submit;
    the region exactly as Label Studio saved it."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    ls = connect(server.url, server.api_key)
    project = ls.projects.create(title="offset unit", label_config=ASTRAL_CONFIG)
    ls.projects.import_tasks(id=project.id, request=[{"text": text}])
    task = next(iter(ls.tasks.list(project=project.id)))
    with chromium() as driver:
        _log_in(driver, server)
        driver.get(f"{server.url}/projects/{project.id}/data?task={task.id}")
        wait = WebDriverWait(driver, EDITOR_TIMEOUT)
        shown = "return (document.querySelector('.lsf-richtext, .htx-richtext') || {}).textContent || ''"
        wait.until(lambda d: word in d.execute_script(shown))
        label = "//*[normalize-space(text())='LOC']"
        clicking = WebDriverWait(driver, EDITOR_TIMEOUT, ignored_exceptions=[StaleElementReferenceException])
        clicking.until(lambda d: d.find_element(By.XPATH, label).click() is None)
        assert driver.execute_script(SELECT_JS, word, nth) == word
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".htx-highlight"))
        driver.find_element(By.XPATH, "//button[normalize-space()='Submit']").click()
        wait.until(lambda d: list(ls.annotations.list(id=task.id)))
    (annotation,) = ls.annotations.list(id=task.id)
    (region,) = annotation.result
    return region["value"]


def test_the_editor_saves_text_regions_in_code_points(label_studio: LocalServer) -> None:  # noqa: F811
    """Case 4: which unit Label Studio 1.23.2 saves for a <Text> region after astral characters
    (each flag is 2 code points, 4 UTF-16 units); the importer reads exactly that unit."""
    from dataset_builder.labelstudio.parse import resolve_offsets

    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    value = label_in_editor(label_studio, ASTRAL_TEXT, "Egypt", 0)
    code_points = ASTRAL_TEXT.index("Egypt")
    utf16 = len(ASTRAL_TEXT[:code_points].encode("utf-16-le")) // 2
    assert (code_points, utf16) == (7, 13)
    assert (value["start"], value["end"], value["text"]) == (code_points, code_points + 5, "Egypt")
    assert resolve_offsets(ASTRAL_TEXT, value["start"], value["end"], value["text"]) == (7, 12)


def main(argv: list[str] | None = None) -> int:
    """Script mode: screenshot the editor on a throwaway server and print what it checked."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="PNG file to write")
    args = ap.parse_args(argv)
    reason = browser_missing()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="editor-rtl-") as tmp, local_server(Path(tmp) / "ls") as server:
        view = open_tasks(server, ROOT / "seeds", ROOT / "annotations", [ARABIC], Path(tmp))[ARABIC]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(view.screenshot, args.out)
    problems = direction_problems(view, "rtl")
    print(f"wrote {args.out}: {len(view.highlights)} of {len(view.expected)} predicted spans highlighted")
    print("\n".join(problems) or f"all Arabic lines of {ARABIC} run and align right to left")
    return 0 if view.highlights == view.expected and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
