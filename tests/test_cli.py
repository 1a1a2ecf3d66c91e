"""The command line as a user meets it: help, version, usage errors, pipes and Ctrl-C."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import ANN, TAXONOMY

from dataset_builder import cli
from dataset_builder.errors import InputError
from dataset_builder.labelstudio.config import labeling_config
from dataset_builder.release.publish import check_repo_id, plan_publish

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[bytes]:
    """The CLI as its own process, with this checkout's code first on the path."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "dataset_builder.cli", *args], env=env, **kwargs)


def parsers(ap: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every command's parser below it."""
    yield ap
    for action in ap._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from parsers(sub)


def test_version_is_the_installed_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"dataset-builder {version('dataset_builder')}\n"


def test_every_option_has_help_with_its_default() -> None:
    ap = cli.parser()
    assert ap.description == cli.DESCRIPTION and ap.description != cli.__doc__
    for p in parsers(ap):
        for action in p._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            assert action.help, f"{p.prog} {action.option_strings or action.dest}: no help"
        text = p.format_help()
        assert "(default: None)" not in text and "(default: False)" not in text, p.prog
    build = next(p for p in parsers(ap) if p.prog.endswith(" build")).format_help()
    publish = next(p for p in parsers(ap) if p.prog.endswith(" publish")).format_help()
    for expected in (
        "(default: <project>/dist)",
        "(default: <project>/seeds)",
        "(default: [splits] of dataset.toml)",
    ):
        assert expected in " ".join(build.split())
    assert "(0.8, 0.1, 0.1)" not in build
    assert "(default: <project>/dist)" in publish and "(default: v<dataset version>)" in " ".join(
        publish.split()
    )


def test_every_command_names_the_function_that_runs_it() -> None:
    """A command's parser sets ``func`` (no dispatch by name), and the options shared by several
    commands are the same option objects, written once."""
    ap = cli.parser()
    for p in parsers(ap):
        groups = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if p is not ap and (not groups or not groups[0].required):
            assert callable(p.get_default("func")), p.prog
    by_prog = {p.prog.removeprefix("dataset-builder "): p for p in parsers(ap)}
    corpus = ("build", "agreement", "labelstudio export-tasks", "labelstudio import", "labelstudio next")
    server = ("labelstudio push", "labelstudio pull", "labelstudio review", "labelstudio status")
    for option, commands in [
        *((o, corpus + server) for o in ("-C", "--seeds", "--annotations", "--no-cache")),
        *((o, server) for o in ("--url", "--api-key", "--project-id")),
    ]:
        found = [a for name in commands for a in by_prog[name]._actions if option in a.option_strings]
        assert len(found) == len(commands) and len({id(a) for a in found}) == 1, option


@pytest.mark.parametrize("argv", [[], ["labelstudio"]])
def test_a_command_group_without_a_command_lists_its_commands(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    commands = ["config", "export-tasks", "import", "push", "pull"] if argv else ["build", "diff", "publish"]
    assert all(re.search(rf"^ +{c}\s", err, re.MULTILINE) for c in commands), err
    assert "ls_command" not in err and "required: COMMAND" in err


def test_a_closed_pipe_ends_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: the write must fail with EPIPE
    try:
        proc = run_cli("labelstudio", "config", stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and err == b"", err.decode()


def test_piping_to_head_prints_the_first_line_only() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = f"'{sys.executable}' -m dataset_builder.cli labelstudio config | head -1"
    run = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert run.stdout == labeling_config(TAXONOMY).splitlines()[0] + "\n"


def test_an_invalid_repo_id_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-dist"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["publish", "--dist", str(missing), "--repo-id", "not a repo id", "--dry-run"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "“not a repo id” is not a Hub repository id" in err and "no-such-dist" not in err
    with pytest.raises(InputError, match="is not a Hub repository id"):
        plan_publish(missing, "org//news")  # the library checks first too
    assert check_repo_id("org/news-2.0") == "org/news-2.0"


def test_ctrl_c_says_interrupted_without_a_traceback(tmp_path: Path) -> None:
    annotations = tmp_path / "annotations"
    shutil.copytree(ANN, annotations)
    before = sorted((p, p.read_bytes()) for p in annotations.rglob("*") if p.is_file())
    with socket.socket() as silent:  # a "server" that accepts the connection and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        proc = run_cli(
            "labelstudio", "pull", "--url", url, "--project-id", "1", "--annotations", str(annotations),
            env={"LABEL_STUDIO_API_KEY": "k"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            # a shell without job control starts background jobs with SIGINT ignored: undo that
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        silent.settimeout(120)
        connection, _ = silent.accept()  # the CLI is inside its command, waiting for the server
        with connection:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and err.decode() == "interrupted\n" and out == b""
    assert sorted((p, p.read_bytes()) for p in annotations.rglob("*") if p.is_file()) == before
