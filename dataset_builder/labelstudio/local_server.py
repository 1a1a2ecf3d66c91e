"""A throwaway Label Studio server on 127.0.0.1: started from its own venv, stopped afterwards.

The campaign commands only talk to a server (:mod:`dataset_builder.labelstudio.client`); this starts one
for the live tests and ``scripts/annotate_seeds.py``, and signs annotators up the way people do (the
organisation's invite link). The server runs from ``.ls-venv`` (``scripts/install_labelstudio.sh``;
``$LABEL_STUDIO_VENV`` overrides), never from the builder's own environment.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from dataset_builder.labelstudio.client import LabelStudioError

log = logging.getLogger(__name__)

LABEL_STUDIO_VERSION = "1.23.2"
DEFAULT_LS_VENV = Path(".ls-venv")
"""Where ``scripts/install_labelstudio.sh`` puts the server, relative to the working directory;
``$LABEL_STUDIO_VENV`` overrides it."""


@dataclass(frozen=True)
class LocalServer:
    """A running local server: where it answers, its admin, and the admin's API key."""

    url: str
    api_key: str
    username: str
    password: str
    data_dir: Path
    log_path: Path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def label_studio_executable(ls_venv: Path | None = None) -> Path:
    """The ``label-studio`` command of the server's own venv (``$LABEL_STUDIO_VENV`` or ``.ls-venv``)."""
    venv = ls_venv or Path(os.environ.get("LABEL_STUDIO_VENV") or DEFAULT_LS_VENV)
    return venv / "bin" / "label-studio"


def server_environment(data_dir: Path, username: str, password: str, api_key: str) -> dict[str, str]:
    """Environment of a local server: state in ``data_dir``, a preset admin and key, no network calls."""
    return {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_USERNAME": username,
        "LABEL_STUDIO_PASSWORD": password,
        "LABEL_STUDIO_USER_TOKEN": api_key,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
    }


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None, timeout: float, log_path: Path) -> None:
    """Poll ``/health`` until it answers ``{"status": "UP"}``; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise LabelStudioError(f"Label Studio at {url} exited with {process.returncode}:\n{tail}")
        with contextlib.suppress(httpx.HTTPError, ValueError):
            if httpx.get(f"{url}/health", timeout=5).json().get("status") == "UP":
                return
        time.sleep(0.5)
    raise LabelStudioError(
        f"Label Studio at {url} did not answer /health within {timeout:.0f} s (log: {log_path})"
    )


@contextlib.contextmanager
def local_server(
    data_dir: Path,
    *,
    username: str = "admin@dataset-builder.local",
    ls_venv: Path | None = None,
    startup_timeout: float = 300.0,
) -> Iterator[LocalServer]:
    """Run a Label Studio server on a free port of 127.0.0.1 with its state in ``data_dir``; stop it after.

    The admin's password and API key are random for each run and only passed through the server's
    environment. First start runs the migrations (~30 s); a restart on the same ``data_dir`` ~4 s.
    """
    executable = label_studio_executable(ls_venv)
    if not executable.exists():
        raise LabelStudioError(f"{executable} not found: run scripts/install_labelstudio.sh")
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port, password, api_key = free_port(), secrets.token_urlsafe(16), secrets.token_hex(20)
    url = f"http://127.0.0.1:{port}"
    log_path = data_dir / "server.log"
    command = [str(executable), "start", "--internal-host", "127.0.0.1", "--port", str(port)]
    command += ["--host", url, "--no-browser"]
    with log_path.open("ab") as out:
        process = subprocess.Popen(
            command,
            env=server_environment(data_dir, username, password, api_key),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(url, process, startup_timeout, log_path)
        log.info("Label Studio %s answers at %s (data in %s)", LABEL_STUDIO_VERSION, url, data_dir)
        yield LocalServer(url, api_key, username, password, data_dir, log_path)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group (it was started in a session of its own), politely first."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def sign_up(server: LocalServer, email: str, password: str) -> str:
    """Sign an annotator up as people do (the organisation's invite link); returns their API key.

    For throwaway servers (tests, ``scripts/annotate_seeds.py``); a real campaign invites people
    from the Organization page instead.
    """
    invite = httpx.get(
        f"{server.url}/api/invite", headers={"Authorization": f"Token {server.api_key}"}, timeout=60
    )
    invite.raise_for_status()
    link = invite.json()["invite_url"]
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=60) as session:
        session.get(link)
        response = session.post(
            link,
            data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "email": email, "password": password},
            headers={"Referer": f"{server.url}{link}"},
        )
        if response.status_code != 302:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', response.text)
            raise LabelStudioError(
                f"Label Studio at {server.url}: sign-up of {email} failed: HTTP {response.status_code} {errors}"
            )
        token = session.get("/api/current-user/token")
        token.raise_for_status()
        return token.json()["token"]
