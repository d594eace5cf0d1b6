"""Review of the OpenSearch engine (issue 13): addresses, errors and writes found wrong.

Each test names what went wrong before its fix: a traceback or a password where one clear
line belonged, an answer that is not OpenSearch's taken for one, an index left behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import threading
import time
import uuid

import pytest

from pressarchive.errors import UserError
from pressarchive.index import QueryTooExpensive
from pressarchive.index.deadline import Deadline
from pressarchive.index.engines import EngineAddressError, EngineOptions, open_engine, parse_address
from pressarchive.index.opensearchindex import aliases
from pressarchive.record import Document
from tests.loopback import serve


@pytest.mark.parametrize("port", ["abc", "99999"])
def test_a_bad_port_beside_a_password_is_one_clear_error(port: str, tmp_path: Path) -> None:
    # The redacted address read the port, which raised ValueError: a traceback, not an error line.
    with pytest.raises(EngineAddressError) as failed:
        open_engine(f"opensearch+http://reader:s3cret@127.0.0.1:{port}/press", EngineOptions(tmp_path))
    assert "s3cret" not in str(failed.value)
    assert f"reader:***@127.0.0.1:{port}/press" in str(failed.value)


def test_an_unknown_scheme_does_not_print_the_password() -> None:
    with pytest.raises(EngineAddressError) as failed:
        parse_address("opensearch://reader:s3cret@127.0.0.1:9200/press")  # "+http" forgotten
    assert "s3cret" not in str(failed.value)
    assert "opensearch://reader:***@127.0.0.1:9200/press" in str(failed.value)


def test_an_ipv6_address_keeps_its_brackets_when_redacted() -> None:
    address = parse_address("opensearch+http://reader:s3cret@[::1]:9200/press")
    assert address.redacted() == "opensearch+http://reader:***@[::1]:9200/press"


def _html_server(status: int) -> type[BaseHTTPRequestHandler]:
    """A web server that is not OpenSearch: every request gets an HTML page."""

    class Html(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = b"<!DOCTYPE html>\n<html>\n<head><title>Nope</title></head>\n<body>not here</body>\n</html>\n"
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    return Html


@pytest.fixture(params=[200, 404, 501, 502])
def html_server(request: pytest.FixtureRequest) -> Iterator[str]:
    with serve(_html_server(request.param)) as url:
        yield url


def test_a_server_that_is_not_opensearch_is_one_clear_line(html_server: str, tmp_path: Path) -> None:
    # An HTML answer was printed whole (a page of HTML after "error:"), or, with status 200,
    # opensearch-py's SerializationError escaped as a traceback.
    address = html_server.replace("http://", "opensearch+http://") + "/press"
    with pytest.raises(UserError) as failed:
        open_engine(address, EngineOptions(tmp_path))
    message = str(failed.value)
    assert "\n" not in message and "<" not in message, message
    assert address in message


# Against the test node ----------------------------------------------------------------


@pytest.fixture
def engine_at(opensearch_node: Any, tmp_path: Path) -> Iterator[Any]:
    """Opens engines at one fresh alias of the test node; deletes all its indices afterwards."""
    name = f"review-os-{uuid.uuid4().hex[:12]}"
    address = opensearch_node.url.replace("http://", "opensearch+http://") + f"/{name}"
    opened: list[Any] = []

    def make() -> Any:
        engine = open_engine(address, EngineOptions(tmp_path))
        opened.append(engine)
        return engine

    yield make
    if opened:
        opened[0].client.indices.delete(index=f"{name}-*", params={"ignore_unavailable": "true"})
    for engine in opened:
        engine.close()


def _docs(count: int, start: int = 1) -> list[Document]:
    return [Document(url=f"https://example.org/{n}", title=f"release {n}", text=f"text number {n}",
                     language="en", id=n, version=1) for n in range(start, start + count)]


def test_a_rebuild_overtaken_by_another_leaves_no_index_behind(engine_at: Any) -> None:
    # Two processes refilling one alias at once (each opened it as recreated): the slower one's
    # swap fails, since the index it meant to replace is gone; its own full index was left
    # behind, unreachable and never deleted.
    first, second = engine_at(), engine_at()

    def docs_while_another_rebuilds() -> Iterator[Document]:
        yield from _docs(30)
        assert second.rebuild(_docs(5, start=100)) == 5

    with pytest.raises(UserError):
        first.rebuild(docs_while_another_rebuilds())
    behind = aliases.indices_behind(second.client, second.server)
    existing = sorted(second.client.indices.get(index=f"{second.server.name}-*"))
    assert existing == behind
    assert second.count() == 5


class _Stalling(BaseHTTPRequestHandler):
    """A search engine that takes ten seconds over every answer."""

    def _stall(self) -> None:
        threading.Event().wait(10)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _stall

    def log_message(self, *args: Any) -> None:
        pass


def _stalled_target(url: str) -> Any:
    from pressarchive.index.opensearchindex.client import Server, connect
    from pressarchive.index.opensearchindex.target import Target

    server = Server(url, "slow", url)
    return Target(connect(server, 60), server)


def test_looking_up_stems_for_a_large_expansion_stops_at_the_time_limit() -> None:
    # The analyzer call had no timeout of its own: a slow server held the search for the
    # client's write timeout (two minutes), far past the query time limit.
    with serve(_Stalling) as url:
        started = time.monotonic()
        with pytest.raises(QueryTooExpensive):
            _stalled_target(url).analyzer(Deadline(0.3))("en", ["arrests"])
        assert time.monotonic() - started < 3


def test_listing_every_match_stops_at_the_time_limit() -> None:
    # Opening the point in time had no timeout either (an export's matching ids).
    from pressarchive.index.opensearchindex.searcher import all_matches

    with serve(_Stalling) as url:
        started = time.monotonic()
        with pytest.raises(QueryTooExpensive):
            list(all_matches(_stalled_target(url), {"match_all": {}}, [{"id": "asc"}], Deadline(0.3)))
        assert time.monotonic() - started < 3


def test_no_repr_shows_the_password() -> None:
    from pressarchive.index.opensearchindex.client import parse_server

    address = parse_address("opensearch+http://reader:s3cret@127.0.0.1:9200/press")
    server = parse_server(address)
    assert "s3cret" not in repr(address) and "reader:***@" in repr(address)
    assert "s3cret" not in repr(server)
    assert server.auth == ("reader", "s3cret")


def test_a_document_with_an_immense_word_or_value_is_indexed_as_whoosh_indexes_it(engine_at: Any) -> None:
    # Lucene refuses a term over 32,766 bytes: one page with a long run of letters (an inline
    # blob) or an immense URL failed the whole refill, leaving the archive unsearchable.
    from pressarchive.index import SearchRequest

    blob = "b" * 40_000
    docs = [
        Document(url="https://example.org/blob", title="release", text=f"seized {blob} today", language="en",
                 id=1, version=1),
        Document(url="https://example.org/?q=" + "a" * 40_000, title="release", text="seized today",
                 language="en", id=2, version=1, operations=("O" * 40_000, "Tantalio")),
    ]
    engine = engine_at()
    assert engine.rebuild(docs) == 2
    assert engine.search(SearchRequest(query="seized")).total == 2
    assert engine.search(SearchRequest(query="bbbb*")).total == 1  # the long word, cut short
    assert engine.search(SearchRequest(query="operation:tantalio")).total == 1


def test_a_range_standing_for_more_words_than_the_clause_limit_is_refused(engine_at: Any) -> None:
    # _validate reports a range past the server's clause limit as a failed shard of a "valid"
    # query, with no explanation: it was counted as 0 words and searched uncapped.
    from pressarchive.index import QueryError, SearchRequest

    words = [f"q{n:04d}" for n in range(1_200)]
    docs = [Document(url=f"https://example.org/{n}", title="t", text=" ".join(words[n * 4:n * 4 + 4]),
                     language="xx", id=n + 1, version=1) for n in range(300)]
    engine = engine_at()
    engine.rebuild(docs)
    with pytest.raises(QueryError, match=r'"\[q0 TO q2\]" matches more than 512 different words'):
        engine.search(SearchRequest(query="body:[q0 TO q2]"))
    with pytest.raises(QueryError, match="matches more than 512 different words"):
        engine.search(SearchRequest(query="[q0 TO q2]"))
    assert engine.search(SearchRequest(query="body:[q0000 TO q0099]")).total == 25


def test_a_backslash_in_a_pattern_is_a_character_as_in_whoosh(engine_at: Any, tmp_path: Path) -> None:
    # OpenSearch's wildcard reads "\" as an escape: "a\?" looked for "a?", not "a\" and a letter.
    from pressarchive.index import SearchRequest

    docs = [Document(url="https://example.org/1", title="t", text="x", language="en", id=1, version=1,
                     operations=("A\\B",)),
            Document(url="https://example.org/2", title="t", text="x", language="en", id=2, version=1,
                     operations=("A?",))]
    whoosh = open_engine(f"whoosh://{tmp_path / 'whoosh'}", EngineOptions(tmp_path))
    engine = engine_at()
    try:
        for each in (whoosh, engine):
            each.rebuild(docs)
        for query in ("operation:a\\?", "operation:*\\*", "operation:a\\*"):
            wanted = [hit.id for hit in whoosh.search(SearchRequest(query=query)).hits]
            assert [hit.id for hit in engine.search(SearchRequest(query=query)).hits] == wanted, query
        assert [hit.id for hit in engine.search(SearchRequest(query="operation:a\\?")).hits] == [1]
    finally:
        whoosh.close()
