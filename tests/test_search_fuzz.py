"""Whatever a person types, search answers with results or one clear error, never a 5xx.

Hypothesis writes query strings out of the query language's own pieces (operators, quotes,
brackets, ranges, colons, field names, wildcards) mixed with arbitrary text, and sends them to
the JSON API, the search page and the service. Separately, a query stopped by the time limit
must come back as "query too expensive", distinct from a syntax error.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressarchive.datadir import DataDir
from pressarchive.errors import UserError
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from pressarchive.web import create_app
from tests.archive_builder import Builder

PIECES = [
    "AND", "OR", "NOT", "and", "or", "not", "TO", '"', "(", ")", "[", "]", "{", "}", ":", "*", "?",
    "~", "^", "-", "+", "\\", "/", "'", "title:", "body:", "source:", "agency:", "country:",
    "language:", "operation:", "published:", "year:", "id:", "url:", "nosuchfield:", "2017-01-01",
    "2017-12-31", "2017", "0", "99999999999999999999", "europol", "tantalio", "polícia", "operación",
    "detenido*", "a*", "*a", "la", "the", "\x00", "é", "ß", "🚓", " ", " ", "\t", "\n",
]
QUERIES = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join),
    st.text(max_size=40),
    st.builds(lambda a, b: f"{a}{b}", st.lists(st.sampled_from(PIECES), max_size=6).map("".join), st.text(max_size=10)),
)
FILTERS = st.dictionaries(
    st.sampled_from(["operation", "agency", "country", "language", "source"]),
    st.one_of(st.text(max_size=12), st.sampled_from(PIECES)),
    max_size=2,
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _documents() -> list[Document]:
    return [
        Document(url=f"https://press.example.org/{n}", title=title, text=text, language=language,
                 published=published, operations=operations, source=source)
        for n, (title, text, language, published, operations, source) in enumerate([
            ("Operación Tantalio", "La Guardia Civil ha detenido a doce personas.", "es",
             date(2017, 3, 10), ("Tantalio",), "es-gc"),
            ("Operação Tantalio", "A Polícia Judiciária deteve suspeitos.", "pt", date(2017, 3, 12),
             ("Tantalio",), "pt-pj"),
            ("Europol supports action", "Europol and partners arrested 40 suspects.", "en",
             date(2018, 5, 1), (), "eu"),
            ("Undated note", "A note without a date.", "en", None, (), "eu"),
        ])
    ]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("fuzz") / "data")
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("es-gc", agency="Guardia Civil", country="ES", language="es")
        service.archive.upsert_source("pt-pj", agency="Polícia Judiciária", country="PT", language="pt")
        builder = Builder(service)
        for doc in _documents():
            builder.add(doc)
        service.index_pending()
    finally:
        service.close()
    return data


@pytest.fixture(scope="module")
def client(data: DataDir) -> Iterator[TestClient]:
    with TestClient(create_app(data), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def service(data: DataDir) -> Iterator[ArchiveService]:
    service = ArchiveService(data)
    try:
        yield service
    finally:
        service.close()


def _assert_json_answer(response, query: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in (200, 400), (query, response.status_code, response.text)
    assert response.headers["content-type"] == "application/json", query
    body = response.json()
    if response.status_code == 400:
        assert set(body) == {"error", "detail"} and body["error"] and "\n" not in body["error"], (query, body)
        assert "Traceback" not in body["error"]
    else:
        assert {"total", "hits", "facets", "histogram"} <= set(body), query


@FUZZ
@given(query=QUERIES, filters=FILTERS, sort=st.sampled_from(["relevance", "date"]))
def test_api_search_never_fails_on_any_query(
    client: TestClient, query: str, filters: dict[str, str], sort: str,
) -> None:
    response = client.get("/api/search", params={"q": query, "sort": sort, **filters})
    _assert_json_answer(response, query)


@FUZZ
@given(query=QUERIES)
def test_search_page_never_fails_on_any_query(client: TestClient, query: str) -> None:
    response = client.get("/search", params={"q": query})
    assert response.status_code in (200, 400), (query, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    assert "<script" not in response.text.lower()


@FUZZ
@given(query=QUERIES, filters=FILTERS)
def test_service_raises_only_user_errors(service: ArchiveService, query: str, filters: dict[str, str]) -> None:
    try:
        result = service.search(build_request(query, **filters))
    except UserError as exc:
        message = str(exc)
        assert message and "\n" not in message.strip(), (query, message)
        return
    assert result.total >= len(result.hits)
    assert sum(result.histogram.values()) <= result.total


def test_known_hostile_queries(client: TestClient) -> None:
    for query in ("title:(", "published:[2017-01-01 TO", '"unclosed', "nosuchfield:x", "a)",
                  "published:[x TO y]", "year:abc", "id:abc", "*", "a*", "published:[2017 TO 2016]"):
        _assert_json_answer(client.get("/api/search", params={"q": query}), query)


# -- the time limit ---------------------------------------------------------------------------------


def test_service_reports_a_query_over_the_time_limit(data: DataDir) -> None:
    service = ArchiveService(data, query_time_limit=1e-9)
    try:
        with pytest.raises(UserError) as caught:
            service.search(build_request("tantalio OR europol OR deten*"))
    finally:
        service.close()
    message = str(caught.value)
    assert message.startswith("query too expensive:") and "bad query" not in message


def test_api_and_page_report_a_query_over_the_time_limit(data: DataDir, tmp_path: Path) -> None:
    with TestClient(create_app(data, query_time_limit=1e-9)) as slow:
        response = slow.get("/api/search", params={"q": "tantalio OR europol"})
        assert response.status_code == 400
        assert response.json()["error"].startswith("query too expensive:")
        page = slow.get("/search", params={"q": "tantalio OR europol"})
        assert page.status_code == 400 and "query too expensive" in page.text
        bad = slow.get("/api/search", params={"q": "title:("})
        assert bad.json()["error"].startswith("bad query:")


def test_normal_time_limit_lets_the_same_query_through(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "tantalio OR europol"})
    assert response.status_code == 200 and response.json()["total"] == 3
