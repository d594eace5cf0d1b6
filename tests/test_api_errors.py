"""Every API error is ``{"error": "<one line>", "detail": {...}}`` with a 4xx status.

``error`` is the line a person reads (other tests check its wording); ``detail`` is checked
here: the status and its reason, the path, and the parameter, where it was, the value given
and a query's or body's position when they are known. Values from the request come back cut
short and JSON-safe, whatever they hold (NUL bytes, lone surrogates, huge numbers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.web import create_app
from pressarchive.web.apierrors import Error, error_body
from tests import dossier_archive

TOKEN = "correct-horse-battery-staple-42"
Built = tuple[DataDir, dict[str, int]]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Built:
    data = DataDir(tmp_path_factory.mktemp("data"))
    return data, dossier_archive.build(data)


@pytest.fixture()
def writable(tmp_path: Path) -> Iterator[TestClient]:
    data = DataDir(tmp_path / "data")
    dossier_archive.build(data)
    with TestClient(create_app(data, corrections_token=TOKEN), raise_server_exceptions=False) as client:
        yield client


def api_error(response: Any, status: int) -> dict[str, Any]:
    """The error body of ``response``, checked against the shape every API error has."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    Error.model_validate(body)
    assert set(body) == {"error", "detail"}
    assert body["error"] and "\n" not in body["error"]
    detail = body["detail"]
    assert detail["status"] == status
    assert detail["path"] == unquote(response.request.url.path)[:100]
    return detail


@pytest.mark.parametrize(("url", "status", "expected"), [
    ("/api/search?q=title:(", 400, {"parameter": "q", "position": 6}),
    ('/api/search?q=a "b', 400, {"parameter": "q", "position": 2}),
    ("/api/search?page=abc", 400, {"parameter": "page", "location": "query", "value": "abc"}),
    ("/api/search?page=0", 400, {"parameter": "page", "value": 0}),
    ("/api/search?page=99999999999999", 400, {"parameter": "page", "value": 99999999999999}),
    ("/api/search?limit=1000", 400, {"parameter": "limit", "value": 1000}),
    ("/api/search?year=99999", 400, {"parameter": "year", "value": 99999}),
    ("/api/search?sort=best", 400, {"parameter": "sort", "location": "query", "value": "best"}),
    ("/api/search?since=2019-13-45", 400, {"parameter": "since", "value": "2019-13-45"}),
    ("/api/search?since=2020-01-01&until=2019-01-01", 400, {"parameter": "until", "value": "2019-01-01"}),
    ("/api/search?collapse=maybe", 400, {"parameter": "collapse", "location": "query", "value": "maybe"}),
    ("/api/doc/abc", 400, {"parameter": "doc_id", "location": "path", "value": "abc"}),
    ("/api/doc/99999999999999999999999", 400, {"parameter": "doc_id", "value": "99999999999999999999999"}),
    ("/api/doc/999999", 404, {"reason": "Not Found", "parameter": "doc_id", "value": 999999}),
    ("/api/doc/999999/similar", 404, {"parameter": "doc_id", "value": 999999}),
    ("/api/doc/1/similar?limit=0", 400, {"parameter": "limit", "location": "query", "value": "0"}),
    ("/api/operations/Tantalo", 404, {"reason": "Not Found"}),
    ("/api/operations/tantalio?format=xml", 400, {"parameter": "format", "value": "xml"}),
    ("/api/corrections?all=maybe", 400, {"parameter": "all", "value": "maybe"}),
    ("/api/nowhere", 404, {"reason": "Not Found", "path": "/api/nowhere"}),
])
def test_errors_carry_a_structured_detail(
    client: TestClient, url: str, status: int, expected: dict[str, Any],
) -> None:
    detail = api_error(client.get(url), status)
    assert detail | expected == detail
    assert detail["reason"] == {400: "Bad Request", 404: "Not Found"}[status]


def test_query_position_points_at_the_problem(client: TestClient) -> None:
    query = "europol (arrest OR seized"
    detail = api_error(client.get("/api/search", params={"q": query}), 400)
    assert query[detail["position"]] == "("


def test_wrong_method_is_a_405_with_the_shape(client: TestClient) -> None:
    detail = api_error(client.post("/api/search"), 405)
    assert detail["reason"] == "Method Not Allowed"


def test_a_foreign_host_names_the_header(archive: Built) -> None:
    with TestClient(create_app(archive[0], allowed_hosts=["localhost"]), base_url="http://evil.example") as client:
        detail = api_error(client.get("/api/status"), 400)
    assert detail | {"parameter": "Host", "location": "header", "value": "evil.example"} == detail


def test_write_errors_carry_the_shape(archive: Built, writable: TestClient) -> None:
    with TestClient(create_app(archive[0])) as read_only:
        api_error(read_only.post("/api/corrections/merge-operation", json={}), 403)
    api_error(writable.post("/api/corrections/merge-operation", json={}), 401)
    token = {"Authorization": f"Bearer {TOKEN}"}
    missing = api_error(writable.post("/api/corrections/merge-operation", json={"old": "a"}, headers=token), 400)
    assert missing | {"location": "body", "parameter": "author"} == missing and "value" not in missing
    unknown = api_error(writable.post("/api/corrections/99/withdraw", json={"author": "ana"}, headers=token), 404)
    assert unknown["path"] == "/api/corrections/99/withdraw"


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"old": "a", "new"', {"location": "body", "position": 18}),  # not JSON: where it stopped
    (b'{"old": "\\ud800", "new": "b", "author": "a", "reason": "r"}', {"parameter": "old", "value": "\\ud800"}),
    (b'{"old": "a\\u0000", "new": "b", "author": "' + b"x" * 300 + b'", "reason": "r"}', {"parameter": "author"}),
    (b'\xff\xfe\x00', {}),
])
def test_hostile_bodies_get_a_400_never_a_500(writable: TestClient, body: bytes, expected: dict[str, Any]) -> None:
    response = writable.post(
        "/api/corrections/merge-operation", content=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    detail = api_error(response, 400)
    assert detail | expected == detail
    assert len(json.dumps(detail)) < 600  # values are cut short, not echoed whole


@pytest.mark.parametrize("url", [
    "/api/search?q=%FF%FE", "/api/search?q=%00", "/api/search?language=%ED%A0%80", "/api/doc/1%2F2",
    "/api/operations/%ED%A0%80", "/api/operations/a%2F..%2F..%2Fstatus", "/api/search?year=-0",
    "/api/doc/%EF%BC%91", "/api/search?since=%EF%BC%92019-01-01", "/api/search?q=" + "%F0%9F%98%80" * 300,
])
def test_odd_requests_get_a_4xx_or_an_answer(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code < 500
    if response.status_code >= 400:
        api_error(response, response.status_code)


def test_a_bug_is_a_500_with_the_shape_and_no_traceback(archive: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(archive[0])

    def broken() -> dict[str, Any]:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.state.service, "status", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/status")
    detail = api_error(response, 500)
    assert detail["reason"] == "Internal Server Error"
    assert "secret" not in response.text and "Traceback" not in response.text


def test_pages_keep_their_html_error_page(client: TestClient) -> None:
    response = client.get("/doc/abc")
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert "<h1>400 Bad Request</h1>" in response.text and "bad doc id" in response.text


def test_error_body_is_json_safe_whatever_it_is_given() -> None:
    body = error_body(
        400, "bad\nthing\ud800", "/api/x\udcff" + "y" * 500, parameter="p", value=float("nan"), position=None,
    )
    text = json.dumps(body, ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")  # no lone surrogate left
    assert body["error"] == "bad thing\\ud800"
    assert body["detail"]["path"] == "/api/x\\udcff" + "y" * 93  # cut at 100 characters, then escaped
    assert body["detail"]["value"] == "nan"
    assert "position" not in body["detail"]
    assert error_body(400, "x", "/", value=10**30)["detail"].get("value") is None
    assert error_body(400, "x", "/", value=b"\x00" * 1000)["detail"]["value"].startswith("b'\\x00")
    with pytest.raises(ValueError, match="not an error detail field"):
        error_body(400, "x", "/", parametre="typo")
