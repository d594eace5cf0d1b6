"""Read-only CORS: other origins may read the API and its schema, never write, never with
credentials; the HTML pages are not shared. Checked with the Origin header a browser sends,
through the whole middleware stack (Host check and security headers included)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.web import create_app
from pressarchive.web.security import CONTENT_SECURITY_POLICY
from tests import dossier_archive

ORIGIN = {"Origin": "https://newsroom.example"}
ALLOW_ORIGIN = "access-control-allow-origin"
Built = tuple[DataDir, dict[str, int]]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Built:
    data = DataDir(tmp_path_factory.mktemp("data"))
    return data, dossier_archive.build(data)


def preflight(client: TestClient, path: str, method: str, headers: str = "") -> httpx.Response:
    asked = {**ORIGIN, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=asked)


def assert_not_shared(response: httpx.Response) -> None:
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


@pytest.mark.parametrize("url", [
    "/api/search?q=tantalio", "/api/doc/1", "/api/status", "/api/operations", "/openapi.json",
    "/api/doc/999999", "/api/search?page=abc", "/api/nowhere",  # errors too: a client must read why
])
def test_reads_are_shared_with_any_origin(client: TestClient, url: str) -> None:
    response = client.get(url, headers=ORIGIN)
    assert response.headers[ALLOW_ORIGIN] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_head_is_shared_like_get(client: TestClient) -> None:
    assert client.head("/api/status", headers=ORIGIN).headers[ALLOW_ORIGIN] == "*"


@pytest.mark.parametrize("url", ["/", "/search?q=tantalio", "/doc/1", "/operations", "/docs", "/static/style.css"])
def test_pages_are_not_shared(client: TestClient, url: str) -> None:
    response = client.get(url, headers=ORIGIN)
    assert response.status_code == 200
    assert_not_shared(response)


def test_a_read_preflight_is_granted(client: TestClient) -> None:
    response = preflight(client, "/api/search", "GET", "X-Requested-With")
    assert response.status_code == 204
    headers = response.headers
    assert headers[ALLOW_ORIGIN] == "*"
    assert headers["access-control-allow-methods"] == "GET, HEAD"
    assert headers["access-control-allow-headers"] == "X-Requested-With"
    assert int(headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in headers
    assert preflight(client, "/openapi.json", "HEAD").status_code == 204


@pytest.mark.parametrize(("path", "method"), [
    ("/api/corrections/merge-operation", "POST"), ("/api/corrections/1/withdraw", "POST"),
    ("/api/search", "DELETE"), ("/api/search", "PUT"), ("/api/search", "PATCH"),
])
def test_a_write_preflight_is_refused(client: TestClient, path: str, method: str) -> None:
    response = preflight(client, path, method, "Authorization, Content-Type")
    assert response.status_code == 403
    assert_not_shared(response)
    body = response.json()
    assert method in body["error"]
    assert body["detail"]["parameter"] == "Access-Control-Request-Method" and body["detail"]["value"] == method


def test_write_answers_carry_no_cors_header(archive: Built) -> None:
    token = "correct-horse-battery-staple-42"
    with TestClient(create_app(archive[0], corrections_token=token)) as client:
        for headers in (ORIGIN, {**ORIGIN, "Authorization": f"Bearer {token}"}):
            response = client.post("/api/corrections/merge-operation", json={}, headers=headers)
            assert 400 <= response.status_code < 500
            assert_not_shared(response)


def test_a_page_preflight_is_left_to_the_app(client: TestClient) -> None:
    response = preflight(client, "/search", "GET")
    assert response.status_code == 405
    assert_not_shared(response)


def test_an_options_request_that_is_no_preflight_is_left_to_the_app(client: TestClient) -> None:
    response = client.options("/api/search", headers=ORIGIN)
    assert response.status_code == 405
    assert_not_shared(response)


def test_a_foreign_host_is_refused_before_cors(archive: Built) -> None:
    app = create_app(archive[0], allowed_hosts=["localhost"])
    with TestClient(app, base_url="http://evil.example") as client:
        response = preflight(client, "/api/search", "GET")
        assert response.status_code == 400
        assert_not_shared(response)
