"""The browser-facing defences: security headers on every response (errors and the 500 page
included), the Host check against DNS rebinding through a real ``pressarchive serve``, and a
``/docs`` page that loads nothing from another origin.
"""

from __future__ import annotations

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from pressarchive.datadir import DataDir
from pressarchive.service import ArchiveService
from pressarchive.web import create_app
from pressarchive.web.security import CONTENT_SECURITY_POLICY, HEADERS, AllowedHosts
from tests.conftest import REPO


def assert_security_headers(headers: object, what: str) -> None:
    for name, value in HEADERS.items():
        assert headers.get(name) == value, f"{what}: {name}"  # type: ignore[attr-defined]


def empty_archive(root: Path) -> DataDir:
    data = DataDir(root)
    ArchiveService(data).close()
    return data


@pytest.fixture(scope="module")
def broken_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over a store whose tables lose their columns behind its back once it is up."""
    data = empty_archive(tmp_path_factory.mktemp("broken"))
    with TestClient(create_app(data), raise_server_exceptions=False) as client:
        assert client.get("/api/status").status_code == 200  # the index is open, the store read
        with sqlite3.connect(data.database) as db:
            for table in ("versions", "documents"):
                db.execute(f"DROP TABLE {table}")
                db.execute(f"CREATE TABLE {table} (unrelated INTEGER)")
        yield client


@pytest.mark.parametrize("path", ["/api/status", "/status", "/api/doc/1", "/doc/1"])
def test_the_500_page_carries_the_security_headers(broken_client: TestClient, path: str) -> None:
    response = broken_client.get(path)
    assert response.status_code == 500
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
    assert_security_headers(response.headers, path)


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/search?q=title:(", 400), ("GET", "/search?q=title:(", 400),
    ("GET", "/api/search?page=abc", 400), ("GET", "/doc/abc", 400),
    ("GET", "/api/doc/999999", 404), ("GET", "/nowhere", 404), ("GET", "/api/nowhere", 404),
    ("POST", "/api/search", 405), ("DELETE", "/search", 405),
])
def test_every_error_carries_the_security_headers(
    client: TestClient, method: str, path: str, status: int,
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert_security_headers(response.headers, f"{method} {path}")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, dict[str, int]]:
    """An empty archive for the ``client`` fixture of conftest."""
    return empty_archive(tmp_path_factory.mktemp("data")), {}


# -- /docs ----------------------------------------------------------------------------------------


def test_docs_loads_nothing_from_another_origin(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    tree = lxml_html.fromstring(response.text)
    assert not tree.cssselect("script, iframe, object, embed")
    for element in tree.iter():
        for attribute in ("src", "href", "action", "srcset"):
            value = element.get(attribute)
            if value is not None and not value.startswith("#"):
                assert value.startswith("/") and not value.startswith("//"), value
    text = tree.text_content()
    for path in ("/api/search", "/api/doc/{doc_id}", "/api/status"):
        assert f"GET {path}" in text
    assert tree.cssselect('a[href="/openapi.json"]')


# -- the Host check -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``pressarchive serve`` on 127.0.0.1 in a subprocess, with one extra allowed host."""
    data = empty_archive(tmp_path_factory.mktemp("served"))
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pressarchive", "--data", str(data.root), "serve", "--port", str(port),
         "--allow-host", "archive.example.org"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port: int, path: str, host: str) -> tuple[int, http.client.HTTPMessage, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.msg, response.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize("host", [
    "attacker.example", "attacker.example:{port}", "127.0.0.1.attacker.example:{port}",
    "localhost.attacker.example", "127.0.0.1:{other}", "", "[::1", "127.0.0.1:{port}:1",
])
def test_serve_refuses_a_foreign_host(served: int, host: str) -> None:
    host = host.format(port=served, other=served + 1)
    status, headers, body = get(served, "/api/status", host)
    assert status == 400 and '"error"' in body and "Host header" in body, (host, body)
    assert_security_headers(headers, host)
    status, _, body = get(served, "/", host)
    assert status == 400 and "<h1>400 Bad Request</h1>" in body


@pytest.mark.parametrize("host", [
    "127.0.0.1:{port}", "localhost:{port}", "LOCALHOST.:{port}", "[::1]:{port}",
    "archive.example.org", "archive.example.org:8443",
])
def test_serve_answers_its_own_hosts(served: int, host: str) -> None:
    status, headers, body = get(served, "/api/status", host.format(port=served))
    assert status == 200 and '"documents"' in body, (host, body)
    assert_security_headers(headers, host)


def test_allowed_hosts_for_other_bindings() -> None:
    everywhere = AllowedHosts.for_address("0.0.0.0", 8000)
    assert everywhere.allows("192.168.1.20:8000") and everywhere.allows("[fe80::1]:8000")
    assert everywhere.allows("localhost:8000")
    assert not everywhere.allows("attacker.example:8000") and not everywhere.allows("192.168.1.20:9")
    named = AllowedHosts.for_address("archive.lan", 80, ["proxy.example:443"])
    assert named.allows("archive.lan") and named.allows("archive.lan:80")
    assert not named.allows("localhost") and not named.allows("archive.lan:8080")
    assert named.allows("proxy.example:443") and not named.allows("proxy.example")
    assert AllowedHosts.for_address("::1", 8000).allows("[0:0::1]:8000")
    assert AllowedHosts.of_names(["testserver"]).allows("testserver")
