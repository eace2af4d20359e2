"""``gongjiang serve`` runs a real WSGI server (waitress) that also serves the static files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own local server)
        return response.status, response.read(), dict(response.headers)


@pytest.fixture
def server(tmp_path: Path):
    port = _free_port()
    env = {
        **os.environ,
        "GONGJIANG_ENV": "development",
        "GONGJIANG_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "gongjiang.settings",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gongjiang", "serve", "--port", str(port), "--threads", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    first_line = ""
    try:
        deadline = time.monotonic() + 120
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            if "serving on" in line:
                first_line = line
                break
        # waitress binds right after the line is printed
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield port, first_line
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_prints_the_url_and_answers_healthz_and_static(server):
    port, first_line = server
    assert f"http://127.0.0.1:{port}/" in first_line
    status, body, headers = _get(f"http://127.0.0.1:{port}/healthz")
    assert status == 200 and b'"ok"' in body
    assert headers["Server"] == "gongjiang"
    status, body, headers = _get(f"http://127.0.0.1:{port}/static/web/app.css")
    assert status == 200 and b".topbar" in body
