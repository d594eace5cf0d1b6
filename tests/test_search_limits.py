"""The query time limit holds against the worst queries, and one slow search stalls no other.

An archive with a large vocabulary (about 120,000 distinct words, as in a real archive of a
few years) is served by a real uvicorn server on 127.0.0.1 with a 1 s limit. Each hostile
query (leading wildcards, hundreds of ORed patterns, deep nesting, huge phrases, fuzzy terms,
term ranges) must answer, 200 or 400 with a one-line message, within 1.5 s, while an
``/api/status`` sent during it answers within 200 ms.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
import uvicorn

from pressarchive.datadir import DataDir
from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.web import create_app
from tests.archive_builder import Builder
from tests.conftest import CLI
from tests.contract.hostile import hostile_queries, vocabulary

WORDS_PER_DOC = 240
DOCS = 500
BATCH = 20
LIMIT = 1.0


@pytest.fixture(scope="module")
def big_data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    data = DataDir(tmp_path_factory.mktemp("bigvocab") / "data")
    words = vocabulary(DOCS * WORDS_PER_DOC)
    service = ArchiveService(data)
    try:
        builder = Builder(service)
        for n in range(DOCS):
            if n % BATCH == 0:
                service.index_pending()  # one commit per batch: many segments, as a crawl leaves
            chunk = words[n * WORDS_PER_DOC:(n + 1) * WORDS_PER_DOC]
            builder.add(Document(
                url=f"https://press.example.org/r/{n}", title=" ".join(chunk[:6]),
                text=" ".join(chunk) + " operation arrests europol", language=("en", "es", "de")[n % 3],
                published=date(2015 + n % 8, 1 + n % 12, 1 + n % 28), source="big",
            ))
        service.index_pending()
    finally:
        service.close()
    return data


@dataclass
class Served:
    url: str
    words: list[str]
    service: ArchiveService


@pytest.fixture(scope="module")
def served(big_data: DataDir) -> Iterator[Served]:
    app = create_app(big_data, query_time_limit=LIMIT)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    url = f"http://127.0.0.1:{port}"
    httpx.get(f"{url}/api/search", params={"q": "europol"}, timeout=60)  # open the index first
    try:
        yield Served(url, vocabulary(DOCS * WORDS_PER_DOC), app.state.service)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _timed_get(url: str, params: dict[str, str] | None = None) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    response = httpx.get(url, params=params, timeout=30)
    return response, time.monotonic() - began


@pytest.mark.parametrize("name", list(hostile_queries(["x"])))
def test_hostile_query_answers_within_the_limit_and_stalls_nothing(served: Served, name: str) -> None:
    query = hostile_queries(served.words)[name]
    assert len(query) <= 1000, name
    result: dict[str, tuple[httpx.Response, float]] = {}
    search = threading.Thread(
        target=lambda: result.setdefault("search", _timed_get(f"{served.url}/api/search", {"q": query})),
    )
    search.start()
    time.sleep(0.15)  # let the search get going before asking for the status
    status, status_took = _timed_get(f"{served.url}/api/status")
    search.join(timeout=30)
    response, took = result["search"]
    assert response.status_code in (200, 400), (name, response.text[:300])
    if response.status_code == 400:
        message = response.json()["error"]
        assert message.startswith(("bad query:", "query too expensive:")), (name, message)
        assert "\n" not in message
    assert took < LIMIT + 0.5, f"{name}: {took:.2f} s"
    assert status.status_code == 200
    assert status_took < 0.2, f"/api/status took {status_took:.3f} s during {name}"


def test_concurrent_searches_do_not_queue_behind_each_other(served: Served) -> None:
    slow = hostile_queries(served.words)["many ORed infix wildcards"]
    took: list[float] = []
    threads = [
        threading.Thread(target=lambda: took.append(_timed_get(f"{served.url}/api/search", {"q": slow})[1]))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    quick, quick_took = _timed_get(f"{served.url}/api/search", {"q": served.words[7]})
    for thread in threads:
        thread.join(timeout=30)
    assert quick.status_code == 200 and quick.json()["total"] == 1
    assert quick_took < 0.5
    assert len(took) == 3 and max(took) < LIMIT + 0.5


def test_deep_nesting_and_long_queries_through_the_cli_are_one_clear_line(big_data: DataDir) -> None:
    cli = CLI(big_data.root)
    for query, start in (("NOT (" * 2000 + "europol" + ")" * 2000, "error: query too long:"),
                         ("NOT (" * 150 + "europol" + ")" * 150, "error: query too expensive:"),
                         ("(" * 400 + "europol" + ")" * 400, "error: bad query: parentheses nested"),
                         ("NOT (" * 30 + "europol" + ")" * 30, "error: bad query: parentheses nested"),
                         (" OR ".join(f"?{c}*" for c in "abcdefghijklmnopqrstuvwxyz" * 3),
                          "error: query too expensive:")):
        result = cli("search", query)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(start) and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr and "recursion" not in result.stderr


def test_deep_nesting_through_the_service_is_a_clear_error(big_data: DataDir) -> None:
    service = ArchiveService(big_data, query_time_limit=LIMIT)
    try:
        for query in ("NOT (" * 2000 + "europol" + ")" * 2000, "(" * 5000 + "a" + ")" * 5000,
                      "NOT " * 3000 + "europol"):
            with pytest.raises(UserError) as caught:  # past the length cap: the index's own guards
                service.search(SearchRequest(query=query))
            assert str(caught.value).startswith(("bad query:", "query too expensive:"))
            assert "recursion" not in str(caught.value)
    finally:
        service.close()


def test_api_check_runs_one_scan_at_a_time_and_reuses_it(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[float] = []
    release = threading.Event()
    original = served.service.check

    def held_check():  # type: ignore[no-untyped-def]
        scans.append(time.monotonic())
        release.wait(timeout=10)  # hold the first scan until the other requests have answered
        return original()

    monkeypatch.setattr(served.service, "check", held_check)
    first: list[httpx.Response] = []
    holder = threading.Thread(target=lambda: first.append(httpx.get(f"{served.url}/api/check", timeout=30)))
    holder.start()
    while not scans:
        time.sleep(0.01)
    others = [_timed_get(f"{served.url}/api/check") for _ in range(3)]
    status, status_took = _timed_get(f"{served.url}/api/status")
    release.set()
    holder.join(timeout=30)
    assert [response.status_code for response, _ in others] == [429, 429, 429]
    assert all(took < 0.5 for _, took in others)
    assert "already running" in others[0][0].json()["error"]
    assert status.status_code == 200 and status_took < 0.2
    assert first[0].status_code == 200 and first[0].json()["documents"] == DOCS
    again = [httpx.get(f"{served.url}/api/check", timeout=30) for _ in range(3)]
    assert all(response.json() == first[0].json() for response in again)
    assert len(scans) == 1  # one scan served all seven requests
