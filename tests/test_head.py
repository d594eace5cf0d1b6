"""``HEAD`` on every GET route of the app: the GET's status and Content-Type, no body.

The routes are walked from ``app.routes`` (pages, API, OpenAPI, docs and the static mount), so
a route added later is checked too; path parameters get a real document id and operation
name where the route takes them, "1" otherwise (a 404 must then be a 404 for both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.web import create_app, urls
from tests.archive_builder import Builder

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
_NONCE = re.compile(r"'nonce-[^']*'")


def _no_nonce(policy: str | None) -> str | None:
    return _NONCE.sub("'nonce'", policy) if policy else policy


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, int]:
    data = DataDir(tmp_path_factory.mktemp("data"))
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police", agency="Police", country="DE", language="en")
        doc_id = Builder(service).add(Document(
            url="https://police.example/kestrel", title="Operation Kestrel ends",
            text="Europol supported Operation Kestrel.", language="en", published=date(2019, 12, 10),
            operations=("Kestrel",), source="police",
        ))
        service.index_pending()
    finally:
        service.close()
    return data, doc_id


@pytest.fixture(scope="module")
def client(archive: tuple[DataDir, int]) -> Iterator[TestClient]:
    with TestClient(create_app(archive[0])) as test_client:
        yield test_client


def _routes(app: Any) -> list[Any]:
    """Every route of ``app``, those of included routers too (recent FastAPI versions keep
    an included router as one entry of ``app.routes``; ``iter_route_contexts`` opens them)."""
    try:
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined]
    except ImportError:
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def _get_paths(app: Any, values: dict[str, str]) -> list[str]:
    paths = []
    for route in _routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount) and original.path == urls.STATIC:
            paths.append(urls.static_url("style.css"))
        elif "GET" in (route.methods or ()):
            paths.append(_PARAM.sub(lambda m: values.get(m[1], "1"), route.path))
    return paths


def test_head_answers_every_get_route_like_get(client: TestClient, archive: tuple[DataDir, int]) -> None:
    paths = _get_paths(client.app, {"doc_id": str(archive[1]), "name": "Kestrel"})
    assert {"/", "/search", "/api/search", urls.OPENAPI, urls.API_DOCS, "/static/style.css",
            f"/doc/{archive[1]}", "/operations/Kestrel"} <= set(paths)
    statuses = {}
    for path in paths:
        got, head = client.get(path), client.head(path)
        statuses[path] = got.status_code
        assert head.status_code == got.status_code, path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        assert head.content == b"", path
        # The archived original's policy carries a fresh nonce per response: compare without it.
        assert _no_nonce(head.headers.get("content-security-policy")) == _no_nonce(
            got.headers.get("content-security-policy")
        ), path
    assert statuses["/search"] == statuses[f"/doc/{archive[1]}"] == statuses["/api/search"] == 200


def test_head_keeps_errors_and_content_length(client: TestClient) -> None:
    got, head = client.get("/api/search?q=%22"), client.head("/api/search?q=%22")
    assert got.status_code == head.status_code == 400 and head.content == b""
    page_get, page_head = client.get("/search?q=kestrel"), client.head("/search?q=kestrel")
    assert page_head.headers["content-length"] == page_get.headers["content-length"] == str(len(page_get.content))
    assert client.head("/no/such/page").status_code == 404


def test_head_on_a_write_route_is_refused_as_get_is(client: TestClient) -> None:
    assert client.head(urls.API_CORRECTIONS).status_code == client.get(urls.API_CORRECTIONS).status_code


def test_head_of_an_export_counts_without_reading_the_rows(
    client: TestClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pressarchive.store import Archive

    counted = client.get("/api/export?format=csv").headers["x-total-count"]

    def no_rows(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a HEAD read the export's rows")

    monkeypatch.setattr(Archive, "export_rows", no_rows)
    head = client.head("/api/export?format=csv")
    assert head.status_code == 200 and head.content == b"" and head.headers["x-total-count"] == counted == "1"
