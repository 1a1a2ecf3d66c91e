"""A real Label Studio server on 127.0.0.1 for the live tests (:mod:`dataset_builder.labelstudio.local_server`).

The tests share one per pytest session through the :func:`label_studio` fixture
(``from tests.support.labelstudio import label_studio  # noqa: F401``); without the server they
are skipped on a developer's machine, but in CI (``CI=true``) they fail: CI must install it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from dataset_builder.labelstudio.local_server import (
    LocalServer,
    free_port,
    label_studio_executable,
    local_server,
    sign_up,
)

__all__ = ["LocalServer", "free_port", "label_studio", "local_server", "login", "sign_up"]
"""The server itself is :mod:`dataset_builder.labelstudio.local_server`; the tests import it from here too."""


# --- pytest ------------------------------------------------------------------------------------------


def _require_server() -> None:
    executable = label_studio_executable()
    if executable.exists():
        return
    message = f"{executable} not found: run scripts/install_labelstudio.sh"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A running server (admin, API key, URL); stopped at the end of the session."""
    _require_server()
    with local_server(tmp_path_factory.mktemp("label-studio")) as server:
        yield server


def login(server: LocalServer, email: str, password: str) -> httpx.Client:
    """A browser-like session logged in through the login form (CSRF token and all)."""
    session = httpx.Client(base_url=server.url, follow_redirects=False, timeout=60)
    session.get("/user/login/")
    response = session.post(
        "/user/login/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "email": email, "password": password},
        headers={"Referer": f"{server.url}/user/login/"},
    )
    if response.status_code != 302:
        raise AssertionError(f"login of {email} failed: HTTP {response.status_code}")
    return session
