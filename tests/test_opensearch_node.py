"""The test OpenSearch node is a real OpenSearch 2.19 with what the OpenSearch engine relies on:
analysis-common's filters, aggregations, more_like_this, and a green cluster on one node."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from tests.opensearchnode import OpenSearchNode

pytestmark = pytest.mark.opensearch

SPANISH = {
    "analysis": {
        "filter": {
            "spanish_stop": {"type": "stop", "stopwords": "_spanish_"},
            "spanish_snowball": {"type": "snowball", "language": "Spanish"},
        },
        "analyzer": {
            "spanish_folded": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "spanish_stop", "spanish_snowball", "asciifolding"],
            },
        },
    },
}
DOCS = [
    {"agency": "policia-nacional", "published": "2026-01-15",
     "text": "Operación contra el tráfico de drogas en el puerto"},
    {"agency": "policia-nacional", "published": "2026-02-03",
     "text": "Detenidos en una operación contra el tráfico de armas"},
    {"agency": "guardia-civil", "published": "2026-02-20",
     "text": "Rescate de montaña en los Pirineos"},
]


@pytest.fixture(scope="module")
def client(opensearch_node: OpenSearchNode) -> Iterator[OpenSearch]:
    with OpenSearch(hosts=[opensearch_node.url], timeout=30) as os_client:
        yield os_client


@pytest.fixture(scope="module")
def releases(client: OpenSearch) -> Iterator[str]:
    """Three releases in an index created with no replica count of its own."""
    name = "test-node-releases"
    client.indices.create(index=name, body={
        "settings": {"number_of_shards": 1, **SPANISH},
        "mappings": {"properties": {
            "agency": {"type": "keyword"},
            "published": {"type": "date"},
            "text": {"type": "text", "analyzer": "spanish_folded"},
        }},
    })
    for number, doc in enumerate(DOCS, 1):
        client.index(index=name, id=str(number), body=doc)
    client.indices.refresh(index=name)
    yield name
    client.indices.delete(index=name)


def tokens(client: OpenSearch, index: str, text: str) -> list[str]:
    answer = client.indices.analyze(index=index, body={"analyzer": "spanish_folded", "text": text})
    return [token["token"] for token in answer["tokens"]]


def test_the_node_is_opensearch_2_19_6(client: OpenSearch, opensearch_node: OpenSearchNode) -> None:
    info = client.info()
    assert info["version"]["distribution"] == "opensearch"
    assert info["version"]["number"] == "2.19.6"
    assert opensearch_node.url.startswith("http://127.0.0.1:")


def test_analysis_common_folds_and_stems_spanish(client: OpenSearch, releases: str) -> None:
    singular, plural = (tokens(client, releases, word) for word in ("Operación", "operaciones"))
    assert singular == plural == ["oper"], "Snowball's Spanish stemmer maps singular and plural to one stem"
    assert tokens(client, releases, "Policía") == ["polic"], "stemmed, then folded to ASCII"


def test_terms_and_date_histogram(client: OpenSearch, releases: str) -> None:
    answer = client.search(index=releases, body={
        "size": 0,
        "aggs": {
            "agencies": {"terms": {"field": "agency"}},
            "months": {"date_histogram": {"field": "published", "calendar_interval": "month"}},
        },
    })
    agencies = {b["key"]: b["doc_count"] for b in answer["aggregations"]["agencies"]["buckets"]}
    months = {b["key_as_string"][:7]: b["doc_count"] for b in answer["aggregations"]["months"]["buckets"]}
    assert agencies == {"policia-nacional": 2, "guardia-civil": 1}
    assert months == {"2026-01": 1, "2026-02": 2}


def test_stemmed_search_and_more_like_this(client: OpenSearch, releases: str) -> None:
    found = client.search(index=releases, body={"query": {"match": {"text": "operaciones"}}})
    assert sorted(hit["_id"] for hit in found["hits"]["hits"]) == ["1", "2"]
    similar = client.search(index=releases, body={"query": {"more_like_this": {
        "fields": ["text"], "like": [{"_index": releases, "_id": "1"}], "min_term_freq": 1, "min_doc_freq": 1,
    }}})
    assert [hit["_id"] for hit in similar["hits"]["hits"]] == ["2"]


def test_one_node_is_green_with_no_replicas(client: OpenSearch, releases: str) -> None:
    settings = client.indices.get_settings(index=releases)[releases]["settings"]["index"]
    assert settings["number_of_replicas"] == "0"
    health = client.cluster.health(index=releases, wait_for_status="green")
    assert health["status"] == "green" and not health["timed_out"]


def test_the_node_exits_when_its_parent_goes_away(tmp_path: Path) -> None:
    """A test run that dies closes the node's standard input; the JVM must not outlive it."""
    node = OpenSearchNode().start(tmp_path)
    try:
        assert 0 < node.startup_seconds < 120
        assert node.rss_bytes() > 50 * 1024 * 1024
        process = node._process
        assert process is not None and process.stdin is not None
        process.stdin.close()
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert process.returncode is not None, "the JVM outlived its closed standard input"
        home = node.home
    finally:
        node.stop()
    assert home is not None and not home.exists()
