"""Faults a user can reach with a crafted export or a mistyped server URL: one line, never a traceback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dataset_builder.errors import DatasetBuilderError, InputError
from dataset_builder.labelstudio import client, importer


@pytest.mark.parametrize(
    ("task", "field"),
    [
        ({"id": 7, "data": {"text": "Egypt \ud83c"}, "annotations": []}, "data.text"),
        (
            {
                "id": 7,
                "data": {"text": "Egypt"},
                "annotations": [{"completed_by": {"email": "a\udc80@x.org"}}],
            },
            "annotations.0.completed_by.email",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_task_and_field(
    task: dict, field: str, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=rf"task 7: {field} holds a lone surrogate"):
        importer.import_tasks([task], b"[]", {}, tmp_path, ())
    assert list(tmp_path.iterdir()) == []  # nothing written


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = (
            b"<!DOCTYPE html><html><head><title>Not found</title></head><body>"
            + b"x" * 600
            + b"</body></html>"
        )
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_page_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/some/path"
    server.shutdown()
    server.server_close()


def test_a_url_that_answers_with_a_web_page_says_so_in_one_line(web_page_server: str) -> None:
    ls = client.connect(web_page_server, "0123456789abcdef")
    with (
        pytest.raises(DatasetBuilderError) as raised,
        client.server_errors(web_page_server, "k", "listing projects"),
    ):
        ls.projects.get(id=1)
    message = str(raised.value)
    assert "web page" in message and "root URL" in message
    assert "<" not in message and "\n" not in message
