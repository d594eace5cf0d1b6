"""The OpenSearch engine's own parts, against the real test node (``opensearch_node``).

The search behaviour both engines share is the contract suite's (tests/contract/); here:
the index template's analysis compared word for word with the Whoosh engine's, the browse
results (totals, facets, timeline, date order, collapsing, filters) compared with Whoosh's
on the same documents, the expansion cap, the alias swap under a concurrent reader, bulk
retries on HTTP 429 (a fake server on 127.0.0.1) and the error for a node that is down.
"""

from __future__ import annotations

import itertools
import json
import random
import socket
import threading
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from pressarchive.index import QueryError, QueryTooExpensive, SearchRequest
from pressarchive.index import querytree as qt
from pressarchive.index.deadline import Deadline
from pressarchive.index.engines import EngineOptions, EngineUnavailable, open_engine
from pressarchive.index.languages import GROUPS, WORD_RE, fold, stoplist
from pressarchive.index.opensearchindex import aliases
from pressarchive.index.opensearchindex.bulk import index_actions, run_bulk
from pressarchive.index.opensearchindex.client import SearchEngineFailed, SearchEngineUnreachable, Server, connect
from pressarchive.index.opensearchindex.documents import prepared_text
from pressarchive.index.opensearchindex.engine import OpenSearchIndex
from pressarchive.index.opensearchindex.searcher import ranked_ids, run_search
from pressarchive.index.opensearchindex.template import analyzer_name
from pressarchive.record import Document
from tests.loopback import serve

pytestmark = pytest.mark.opensearch

_names = itertools.count()

#: Words the OpenSearch analyzers give other terms for than the Whoosh engine: Lucene's Snowball
#: stemmers are older than PyStemmer's.
KNOWN_STEM_DIFFERENCES: dict[str, set[str]] = {
    "de": {"Darknet"},
    "en": {"organized"},
}
#: Words of press releases in each language (with their accents), beside the thesaurus's terms.
EXTRA_WORDS = {
    "es": "operación operaciones detenidos detención detenciones investigación policía narcotráfico organización"
          " criminal constitución revolución solución ejecución nación acción estación sociología biología",
    "fr": "opération gendarmerie arrestation enquête saisie trafic stupéfiants réseau démantelé",
    "de": "Straße Festnahme Ermittlungen Durchsuchung Beschlagnahme Polizeipräsidium Verdächtige Häuser Haeuser"
          " Köln Koeln Düsseldorf Duesseldorf Steuer neue Frauen",
    "pt": "operação detenção investigação apreensão polícia judiciária tráfico",
    "it": "operazione arresto indagini sequestro carabinieri polizia traffico",
    "nl": "politie aanhouding onderzoek inbeslagname verdachten opgepakt",
    "en": "operation arrested arrests investigation seized trafficking suspects policing",
    "xx": "Operação Straße Ærø İstanbul Łódź ﬁnance Ωmega ΆΈΉ",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _address(node: Any, name: str) -> str:
    return node.url.replace("http://", "opensearch+http://") + f"/{name}"


@pytest.fixture
def engine_for(opensearch_node: Any, tmp_path: Path) -> Iterator[Any]:
    """Opens engines on fresh alias names of the test node; removes their indices afterwards."""
    opened: list[OpenSearchIndex] = []

    def make(docs: list[Document] = (), texts: dict[int, str] | None = None) -> OpenSearchIndex:
        source = (lambda ids: {i: texts[i] for i in ids if i in texts}) if texts is not None else None
        name = f"test-osengine-{next(_names)}-{random.randrange(10**6)}"
        engine = open_engine(_address(opensearch_node, name), EngineOptions(tmp_path, text_source=source))
        assert isinstance(engine, OpenSearchIndex)
        opened.append(engine)
        if docs:
            engine.rebuild(docs)
        return engine

    yield make
    for engine in opened:
        for index in aliases.indices_behind(engine.client, engine.server):
            engine.client.indices.delete(index=index)
        engine.close()


def _thesaurus_words(group: str) -> list[str]:
    text = resources.files("pressarchive.index").joinpath("data", "thesaurus.toml").read_text("utf-8")
    words = set(EXTRA_WORDS[group].split())
    for concept in tomllib.loads(text).values():
        # The unstemmed group folds the words of every language.
        for language, terms in concept.items():
            if language == group or group == "xx":
                words.update(word for term in terms for word in WORD_RE.findall(term))
    return sorted(word for word in words if fold(word) not in stoplist(group))


def test_template_analysis_matches_whoosh_word_for_word(engine_for: Any) -> None:
    from pressarchive.index.whooshindex.analysis import text_analyzer

    engine = engine_for()
    index = next(iter(engine.client.indices.get_alias(name=engine.server.name)))
    differences: dict[str, set[str]] = {}
    for group in GROUPS:
        words = _thesaurus_words(group)
        assert len(words) > 30
        for word in words:
            analysed = engine.client.indices.analyze(
                index=index, body={"analyzer": analyzer_name(group), "text": prepared_text(word, group)})
            mine = [token["token"] for token in analysed["tokens"]]
            if mine != text_analyzer(group).terms(word):
                differences.setdefault(group, set()).add(word)
    assert {g: d for g, d in differences.items() if d} == {g: d for g, d in KNOWN_STEM_DIFFERENCES.items() if d}


# Browsing and query semantics: the same documents in both engines -----------------------

VOCABULARY = {
    "en": "police arrested suspects drug trafficking network seized weapons court warrant europol joint",
    "es": "policía detuvo sospechosos tráfico drogas red armas juzgado orden europol conjunta",
    "de": "polizei festgenommen verdächtige drogenhandel netzwerk waffen gericht haftbefehl europol",
    "it": "polizia arrestati sospettati traffico droga rete armi tribunale mandato europol",
    "xx": "policja zatrzymała podejrzanych handel narkotyki sieć broń sąd nakaz europol",
}
STOP_WORDS = {"en": "the of and", "es": "la de el", "de": "der die und", "it": "il di la", "xx": "i w z"}


def synthetic_documents(count: int, seed: int = 7) -> tuple[list[Document], dict[int, str]]:
    """Documents in five languages with dates over six years (some undated), sources written in
    varying case, operations, mentioned countries and a few near-duplicate clusters."""
    rng = random.Random(seed)
    docs, texts = [], {}
    # As the store clusters: every member of a cluster of copies has its id, the first one too.
    firsts = {(doc_id // 5) * 5 for doc_id in range(1, count + 1) if doc_id % 7 == 0}
    for doc_id in range(1, count + 1):
        language = rng.choice(list(VOCABULARY))
        words = VOCABULARY[language].split() + STOP_WORDS[language].split()
        text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 40))) + "."
        published = None if rng.random() < 0.1 else date(2018, 1, 1) + timedelta(days=rng.randint(0, 6 * 365))
        texts[doc_id] = text
        docs.append(Document(
            url=f"https://example.org/{doc_id}", title=" ".join(rng.sample(words, 3)).capitalize(), text=text,
            language=language, published=published,
            operations=tuple(rng.sample(["Tantalio", "Black Wolf", "Opération Ève"], rng.randint(0, 2))),
            source=rng.choice(["Europol", "policia-es", "Polizei Berlin"]),
            agency=rng.choice(["europol", "", "pn"]), country=rng.choice(["", "ES", "DE"]),
            countries=tuple(rng.sample(["PT", "ES", "DE", "FR"], rng.randint(0, 2))),
            agencies=tuple(rng.sample(["europol", "eurojust"], rng.randint(0, 1))),
            cluster=(doc_id // 5) * 5 if doc_id % 7 == 0 else (doc_id if doc_id in firsts else None),
            id=doc_id, version=rng.randint(1, 3),
        ))
    return docs, texts


@pytest.fixture(scope="module")
def twin_engines(opensearch_node: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """The same 300 synthetic documents in a Whoosh index and in an OpenSearch index."""
    from pressarchive.index.whooshindex.searchindex import SearchIndex

    docs, texts = synthetic_documents(300)

    def source(ids: Any) -> dict[int, str]:
        return {i: texts[i] for i in ids if i in texts}

    whoosh = SearchIndex(tmp_path_factory.mktemp("whoosh"), text_source=source)
    whoosh.rebuild(docs)
    name = f"test-osengine-twin-{random.randrange(10**6)}"
    opensearch = open_engine(_address(opensearch_node, name), EngineOptions(Path("/nonexistent"), text_source=source))
    opensearch.rebuild(docs)
    yield whoosh, opensearch
    whoosh.close()
    assert isinstance(opensearch, OpenSearchIndex)
    for index in aliases.indices_behind(opensearch.client, opensearch.server):
        opensearch.client.indices.delete(index=index)
    opensearch.close()


BROWSES = [
    SearchRequest(),
    SearchRequest(sort="date", page=3, limit=7),
    SearchRequest(source="EUROPOL"),
    SearchRequest(operation="operation eve", interval="week"),
    SearchRequest(country="pt", source_country="es", interval="day"),
    SearchRequest(agency="EUROJUST", source_agency="pn", interval="year"),
    SearchRequest(language="ES", year=2020),
    SearchRequest(since=date(2019, 3, 1), until=date(2019, 4, 20)),  # auto: days
    SearchRequest(since=date(2019, 3, 1), until=date(2019, 11, 20)),  # auto: weeks
    SearchRequest(cluster=35),
    SearchRequest(collapse=True, limit=20, page=2),
]


@pytest.mark.parametrize("request_", BROWSES, ids=range(len(BROWSES)))
def test_browsing_gives_what_whoosh_gives(twin_engines: tuple[Any, Any], request_: SearchRequest) -> None:
    whoosh, opensearch = twin_engines
    expected, got = whoosh.search(request_), opensearch.search(request_)
    assert got.total == expected.total > 0
    assert [hit.id for hit in got.hits] == [hit.id for hit in expected.hits]
    assert [(hit.cluster, hit.similar) for hit in got.hits] == [(hit.cluster, hit.similar) for hit in expected.hits]
    assert got.facets == expected.facets
    assert list(got.facets["year"]) == list(expected.facets["year"])  # same order too
    assert (got.interval, got.timeline) == (expected.interval, expected.timeline)
    assert got.clusters == expected.clusters
    assert [(h.url, h.title, h.published, h.source, h.language, h.operations, h.snippet) for h in got.hits] == [
        (h.url, h.title, h.published, h.source, h.language, h.operations, h.snippet) for h in expected.hits]
    assert opensearch.matching_ids(request_) == whoosh.matching_ids(request_)


def test_facets_and_clusters_past_one_aggregation_are_paged_exactly(
        twin_engines: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from pressarchive.index.opensearchindex import aggregations

    monkeypatch.setattr(aggregations, "FACET_SIZE", 2)  # every facet and the clusters overflow
    whoosh, opensearch = twin_engines
    for request in (SearchRequest(collapse=True), SearchRequest(country="pt", collapse=True)):
        expected, got = whoosh.search(request), opensearch.search(request)
        assert (got.facets, got.clusters, got.total) == (expected.facets, expected.clusters, expected.total)


def test_entries_and_count_give_what_whoosh_gives(twin_engines: tuple[Any, Any]) -> None:
    whoosh, opensearch = twin_engines
    assert opensearch.count() == whoosh.count() == 300
    assert sorted(opensearch.entries()) == sorted(whoosh.entries())


# The query tree against Whoosh's parse of the same query text: the same matches.
QUERIES: list[tuple[str, qt.Node]] = [
    ("police", qt.Term(None, "police")),
    ("la policía", qt.And((qt.Term(None, "la"), qt.Term(None, "policía")))),
    ("the POLICE", qt.And((qt.Term(None, "the"), qt.Term(None, "POLICE")))),
    ('"drug trafficking"', qt.Phrase(None, ("drug", "trafficking"))),
    ('"drug the trafficking"', qt.Phrase(None, ("drug", "the", "trafficking"))),
    # Whoosh counts 1 for adjacent words; the tree counts the extra positions allowed.
    ('"tráfico drogas"~3', qt.Phrase(None, ("tráfico", "drogas"), slop=2)),
    ('"drogas tráfico"~3', qt.Phrase(None, ("drogas", "tráfico"), slop=2)),
    ('"police drug suspects"~2', qt.Phrase(None, ("police", "drug", "suspects"), slop=1)),
    ("traffi*", qt.Prefix(None, "traffi")),
    ("polizi*", qt.Prefix(None, "polizi")),
    ("sosp?chosos", qt.Wildcard(None, "sosp?chosos")),
    ("europol NOT police", qt.And((qt.Term(None, "europol"), qt.Not(qt.Term(None, "police"))))),
    ("NOT europol", qt.Not(qt.Term(None, "europol"))),
    ("seized OR waffen", qt.Or((qt.Term(None, "seized"), qt.Term(None, "waffen")))),
    ("title:police", qt.Term("title", "police")),
    ("body:armas", qt.Term("body", "armas")),
    ("source:EUROPOL", qt.Term("source", "EUROPOL")),
    ('operation:"black wolf"', qt.Phrase("operation", ("black", "wolf"))),
    ("country:pt", qt.Term("country", "pt")),
    ("published:[2019-02-01 TO 2019-06-30]", qt.DateRange("published", date(2019, 2, 1), date(2019, 6, 30))),
    ("year:[2019 TO 2020]", qt.TermRange("year", "2019", "2020")),
    ("title:[a TO d]", qt.TermRange("title", "a", "d")),
]


@pytest.mark.parametrize(("text", "tree"), QUERIES, ids=[text for text, _ in QUERIES])
def test_query_tree_matches_what_whoosh_matches(twin_engines: tuple[Any, Any], text: str, tree: qt.Node) -> None:
    whoosh, opensearch = twin_engines
    for language in (None, "es"):
        whoosh_request = SearchRequest(query=text, language=language, limit=100).clamped()
        mine = SearchRequest(query=text, language=language, limit=100).clamped()
        expected = whoosh.search(whoosh_request)
        got = run_search(opensearch._target, mine, qt.ParsedQuery(tree), opensearch.text_source, Deadline(10))
        assert got.total == expected.total
        ids = ranked_ids(opensearch._target, mine, qt.ParsedQuery(tree), Deadline(10))
        assert sorted(ids) == sorted(whoosh.matching_ids(whoosh_request))
        assert got.facets == expected.facets
        # Relevance differs (BM25 and BM25F), so the pages may hold other matches; the
        # snippets of the documents on both pages are the same.
        snippets = {hit.id: hit.snippet for hit in expected.hits}
        common = [hit for hit in got.hits if hit.id in snippets]
        assert len(common) >= min(len(got.hits), 50)
        assert {hit.id: hit.snippet for hit in common} == {hit.id: snippets[hit.id] for hit in common}


# The expansion cap, the time limit ------------------------------------------------------


def test_a_prefix_standing_for_too_many_words_is_refused_with_whooshs_wording(engine_for: Any) -> None:
    words = ["wa" + "".join(letters) for letters in itertools.product("bcdfghjk", "lmnpqrst", "vwxyz", "ae")][:520]
    docs = [Document(url=f"u{i}", title="t", text=" ".join(words[i::4]), language="xx", id=i + 1) for i in range(4)]
    engine = engine_for(docs)
    target, request = engine._target, SearchRequest(query="x").clamped()
    with pytest.raises(QueryError) as refused:
        run_search(target, request, qt.ParsedQuery(qt.Prefix(None, "WA")), None, Deadline(10))
    assert str(refused.value) == (
        '"wa*" matches more than 512 different words; make the prefix longer or the pattern narrower')
    with pytest.raises(QueryError, match=r'^"w\?\*" matches more than 512 different words'):
        run_search(target, request, qt.ParsedQuery(qt.Wildcard("body", "w?*")), None, Deadline(10))
    with pytest.raises(QueryError, match=r'^"\[wa TO wz\]" matches more than 512 different words'):
        run_search(target, request, qt.ParsedQuery(qt.TermRange(None, "wa", "wz")), None, Deadline(10))
    # Under the cap: every word counts, exactly 80 here (wab*: 8 * 5 * 2 words in all documents).
    found = run_search(target, request, qt.ParsedQuery(qt.Prefix(None, "wab")), None, Deadline(10))
    assert found.total == 4
    count = engine._target.count_words(Deadline(10))
    assert count([("body_xx", {"prefix": {"body_xx": {"value": "wab"}}})]) == [80]
    # All fields at once, each within its share of the clause limit (1024 / 16 = 64 words): a
    # field over its share is counted again alone, exactly.
    fields = [f"{kind}_{group}" for group in GROUPS for kind in ("title", "body")]
    wanted = [(field, {"prefix": {field: {"value": "wab"}}}) for field in fields]
    assert count(wanted) == [80 if field == "body_xx" else 0 for field in fields]
    wanted = [(field, {"prefix": {field: {"value": "wabl"}}}) for field in fields]
    assert count(wanted) == [10 if field == "body_xx" else 0 for field in fields]


def test_a_search_past_the_time_limit_is_too_expensive() -> None:
    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            threading.Event().wait(3)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with serve(Slow) as url:
        server = Server(url, "slow", url)
        target = _target(server)
        with pytest.raises(QueryTooExpensive, match=r"query too expensive: it ran longer than 0.3 s"):
            target.search({"query": {"match_all": {}}}, Deadline(0.3))


def _target(server: Server) -> Any:
    from pressarchive.index.opensearchindex.target import Target

    return Target(connect(server, 30), server)


# Writes: the alias swap, bulk retries ---------------------------------------------------


def test_rebuild_swaps_the_alias_while_a_reader_searches(engine_for: Any) -> None:
    old_docs, _ = synthetic_documents(120, seed=1)
    engine = engine_for(old_docs)
    before = aliases.indices_behind(engine.client, engine.server)
    new_docs = [doc.replace(id=doc.id + 1000) for doc in synthetic_documents(150, seed=2)[0]]
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(engine.search(SearchRequest(limit=1)).total)
            except BaseException as error:  # noqa: BLE001 - every failure is the test's finding
                errors.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        while not seen and not errors and reader.is_alive():  # the reader is under way first
            threading.Event().wait(0.01)
        assert engine.rebuild(new_docs + new_docs[:5]) == 150  # a repeated id is skipped
    finally:
        stop.set()
        reader.join()
    assert not errors
    assert set(seen) <= {120, 150} and 120 in seen  # the old index or the new one, never a part
    assert engine.search(SearchRequest()).total == 150
    after = aliases.indices_behind(engine.client, engine.server)
    assert len(after) == 1 and after != before
    assert not any(engine.client.indices.exists(index=name) for name in before)  # the old one is gone
    assert sorted(doc_id for doc_id, _ in engine.entries()) == [doc.id for doc in new_docs]


def test_a_new_or_outdated_index_asks_for_its_refill(opensearch_node: Any, engine_for: Any, tmp_path: Path) -> None:
    engine = engine_for()
    assert engine.recreated
    address = _address(opensearch_node, engine.server.name)
    assert open_engine(address, EngineOptions(tmp_path)).recreated  # still empty, still awaited
    engine.rebuild(synthetic_documents(3)[0])
    assert not open_engine(address, EngineOptions(tmp_path)).recreated
    # An index of another schema version: replaced by an empty one, to refill.
    index = aliases.indices_behind(engine.client, engine.server)[0]
    engine.client.indices.put_mapping(index=index, body={"_meta": {"pressarchive_schema": 0}})
    reopened = open_engine(address, EngineOptions(tmp_path))
    assert reopened.recreated and reopened.count() == 0
    assert not engine.client.indices.exists(index=index)


def test_an_alias_or_index_pressarchive_did_not_make_is_refused_never_replaced(
        opensearch_node: Any, engine_for: Any, tmp_path: Path) -> None:
    engine = engine_for()
    name = f"{engine.server.name}-theirs"
    engine.client.indices.create(index=f"{name}-data", body={"mappings": {"properties": {"x": {"type": "keyword"}}}})
    try:
        engine.client.indices.put_alias(index=f"{name}-data", name=name)
        with pytest.raises(SearchEngineFailed, match="which pressarchive did not make"):
            open_engine(_address(opensearch_node, name), EngineOptions(tmp_path))
        with pytest.raises(SearchEngineFailed, match="is an index, not an alias"):
            open_engine(_address(opensearch_node, f"{name}-data"), EngineOptions(tmp_path))
        assert engine.client.indices.exists(index=f"{name}-data")
    finally:
        engine.client.indices.delete(index=f"{name}-data")


class BusyBulk(BaseHTTPRequestHandler):
    """A fake OpenSearch ``_bulk``: turns whole requests away (429), then single documents,
    then accepts; counts the requests and the documents it accepted."""

    requests = 0
    accepted: set[str] = set()
    refuse_whole = 2
    refuse_items = 1

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        cls = type(self)
        cls.requests += 1
        if cls.requests <= cls.refuse_whole:
            return self._answer(429, {"error": {"type": "es_rejected_execution_exception", "reason": "queue full"},
                                      "status": 429})
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        items = []
        for action in lines[::2]:
            doc_id = action["index"]["_id"]
            busy = cls.requests <= cls.refuse_whole + cls.refuse_items and int(doc_id) % 2 == 0
            if not busy:
                cls.accepted.add(doc_id)
            items.append({"index": {"_id": doc_id, "status": 429 if busy else 201,
                                    **({"error": {"type": "rejected", "reason": "busy"}} if busy else {})}})
        return self._answer(200, {"took": 1, "errors": any(i["index"]["status"] != 201 for i in items), "items": items})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_bulk_writes_retry_when_the_server_is_busy() -> None:
    BusyBulk.requests, BusyBulk.accepted = 0, set()
    with serve(BusyBulk) as url:
        server = Server(url, "busy", url)
        sources = [{"id": i} for i in range(10)]
        done, absent = run_bulk(connect(server, 30), server, index_actions("busy", sources), senders=1,
                                initial_backoff=0.01)
        assert (done, absent) == (10, 0)
        assert BusyBulk.accepted == {str(i) for i in range(10)}
        assert BusyBulk.requests == 4  # two refused whole, one with five documents refused, the rest
        # Two senders share the documents; each retries its own chunks.
        BusyBulk.requests, BusyBulk.accepted = 0, set()
        sources = [{"id": i} for i in range(1200)]
        assert run_bulk(connect(server, 30), server, index_actions("busy", sources), initial_backoff=0.01) == (1200, 0)
        assert BusyBulk.accepted == {str(i) for i in range(1200)}


def test_bulk_writes_give_up_with_a_clear_error_when_the_server_stays_busy() -> None:
    BusyBulk.requests, BusyBulk.accepted, BusyBulk.refuse_whole = 0, set(), 100
    try:
        with serve(BusyBulk) as url:
            server = Server(url, "busy", url)
            with pytest.raises(SearchEngineFailed, match="is overloaded: queue full"):
                run_bulk(connect(server, 30), server, index_actions("busy", [{"id": 1}]),
                         max_retries=2, initial_backoff=0.01)
        assert BusyBulk.requests == 3
    finally:
        BusyBulk.refuse_whole = 2


def test_a_node_that_cannot_be_reached_is_one_clear_error(tmp_path: Path) -> None:
    port = _free_port()
    with pytest.raises(SearchEngineUnreachable) as failed:
        open_engine(f"opensearch+http://reader:s3cret@127.0.0.1:{port}/press", EngineOptions(tmp_path))
    assert str(failed.value) == (
        f"cannot reach the search engine at opensearch+http://reader:***@127.0.0.1:{port}/press: connection refused")
    assert isinstance(failed.value, EngineUnavailable) and failed.value.status_code == 503


def test_a_rebuild_that_fails_midway_leaves_the_index_as_it_was(engine_for: Any) -> None:
    docs, _ = synthetic_documents(40, seed=3)
    engine = engine_for(docs)
    before = aliases.indices_behind(engine.client, engine.server)

    def failing() -> Iterator[Document]:
        yield from synthetic_documents(1500, seed=4)[0]
        raise OSError("the store went away")

    with pytest.raises(OSError, match="the store went away"):
        engine.rebuild(failing())
    assert aliases.indices_behind(engine.client, engine.server) == before
    assert engine.count() == 40
    assert not [name for name in engine.client.indices.get(index=f"{engine.server.name}-*") if name not in before]


def test_large_expansions_fit_the_servers_clause_limit(engine_for: Any) -> None:
    words = [f"term{n}" for n in range(300)]
    docs = [Document(url="u1", title="t", text="term7 and term250", language="en", id=1),
            Document(url="u2", title="t", text="Term299 ist hier", language="de", id=2),
            Document(url="u3", title="t", text="nothing", language="es", id=3)]
    engine = engine_for(docs)
    request = SearchRequest(query="x").clamped()
    expansion = qt.Expansion(None, "~big", tuple(qt.Term(None, word) for word in [*words, "the", "und"]))
    # 302 words in 16 fields: far more clauses than the server's 1024, so single words are
    # looked up per field at once; the stop words still count as present in their languages.
    found = run_search(engine._target, request, qt.ParsedQuery(expansion), None, Deadline(10))
    assert sorted(hit.id for hit in found.hits) == [1, 2]
    both = qt.And((expansion, qt.Term(None, "hier")))
    assert [hit.id for hit in run_search(engine._target, request, qt.ParsedQuery(both), None, Deadline(10)).hits] == [2]
    # Plain words are one clause each in every field: too many is refused, with a reason.
    many = qt.And(tuple(qt.Term(None, word) for word in words[:70]))
    with pytest.raises(QueryTooExpensive, match="allows 1024; search for fewer words at a time"):
        run_search(engine._target, request, qt.ParsedQuery(many), None, Deadline(10))
