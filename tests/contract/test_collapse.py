"""Collapsing near-duplicates against every engine: each cluster once, "N similar", totals,
and correct paging.

A collapsed search must list exactly the best-ranked match of every cluster, in the order
of the uncollapsed search, and its pages must cut that list without gaps or repeats.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from pressarchive.index import SearchEngine, SearchRequest
from pressarchive.record import Document
from tests.contract.conftest import EngineMaker


def _docs() -> list[Document]:
    docs = []
    for n in range(1, 61):
        # Clusters of 1 to 4 copies; a third of the documents have no cluster (None): their own.
        cluster = None if n % 3 == 0 else 1000 + n % 7
        words = " ".join(["cocaine"] * (1 + n % 5))
        docs.append(Document(
            id=n, url=f"https://x.example/{n}", title=f"Release {n}", text=f"{words} seized in port {n}.",
            language="en", published=None if n % 11 == 0 else date(2020, 1 + n % 12, 1 + n % 28),
            source=f"s{n % 4}", cluster=cluster,
        ))
    return docs


DOCS = _docs()
CLUSTER = {doc.id: doc.cluster if doc.cluster is not None else doc.id for doc in DOCS}


@pytest.fixture(scope="module")
def index(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    engine = module_engines(DOCS[:25])
    engine.add(DOCS[25:])  # two writes: clusters span both
    yield engine


def _all(index: SearchEngine, **options: object) -> list[int]:
    return [hit.id for hit in index.search(SearchRequest(limit=100, **options)).hits]  # type: ignore[arg-type]


def _first_per_cluster(ranked: list[int]) -> list[int]:
    seen: set[int] = set()
    best = []
    for doc_id in ranked:
        if CLUSTER[doc_id] not in seen:
            seen.add(CLUSTER[doc_id])
            best.append(doc_id)
    return best


@pytest.mark.parametrize("options", [
    {"query": "cocaine"}, {"query": "cocaine", "sort": "date"}, {"query": "", "sort": "date"},
    {"query": "cocaine", "source": "s1"},
])
def test_each_cluster_once_in_the_uncollapsed_order_with_similar_counts(
        index: SearchEngine, options: dict[str, object]) -> None:
    ranked = _all(index, **options)
    expected = _first_per_cluster(ranked)
    result = index.search(SearchRequest(limit=100, collapse=True, **options))  # type: ignore[arg-type]
    assert [hit.id for hit in result.hits] == expected
    assert result.total == len(ranked)  # documents
    assert result.clusters == len(expected) < len(ranked)
    for hit in result.hits:
        copies = [doc_id for doc_id in ranked if CLUSTER[doc_id] == CLUSTER[hit.id]]
        assert (hit.cluster, hit.similar) == (CLUSTER[hit.id], len(copies) - 1)
    # Facets keep counting documents, not clusters.
    assert sum(result.facets["source"].values()) == len(ranked)


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_paging_a_collapsed_search_has_no_gaps_or_repeats(index: SearchEngine, sort: str) -> None:
    expected = _first_per_cluster(_all(index, query="cocaine", sort=sort))
    pages = []
    for page in range(1, 6):
        result = index.search(SearchRequest(query="cocaine", sort=sort, collapse=True, limit=4, page=page))
        assert result.clusters == len(expected)
        pages.extend(hit.id for hit in result.hits)
    assert pages == expected[:20]
    beyond = index.search(SearchRequest(query="cocaine", collapse=True, limit=4, page=100))
    assert beyond.hits == [] and beyond.clusters == len(expected)


def test_the_cluster_filter_lists_every_copy(index: SearchEngine) -> None:
    result = index.search(SearchRequest(query="cocaine", collapse=True, limit=100))
    hit = next(hit for hit in result.hits if hit.similar)
    copies = index.search(SearchRequest(query="cocaine", cluster=hit.cluster, limit=100))
    assert {h.id for h in copies.hits} == {i for i, c in CLUSTER.items() if c == hit.cluster}
    assert copies.total == hit.similar + 1
    alone = next(doc.id for doc in DOCS if doc.cluster is None)
    assert [h.id for h in index.search(SearchRequest(cluster=alone)).hits] == [alone]


def test_uncollapsed_hits_carry_their_cluster_and_no_similar(index: SearchEngine) -> None:
    result = index.search(SearchRequest(query="cocaine", limit=100))
    assert result.clusters is None and "clusters" not in result.to_json()
    assert all(hit.similar == 0 and hit.cluster == CLUSTER[hit.id] for hit in result.hits)
    collapsed = index.search(SearchRequest(query="cocaine", collapse=True)).to_json()
    assert collapsed["clusters"] == len(_first_per_cluster(_all(index, query="cocaine")))


def test_collapsing_an_empty_result(index: SearchEngine) -> None:
    result = index.search(SearchRequest(query="nothingmatchesthis", collapse=True))
    assert (result.total, result.clusters, result.hits) == (0, 0, [])


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_matching_ids_of_a_collapsed_search_are_one_per_cluster(index: SearchEngine, sort: str) -> None:
    expected = _first_per_cluster(_all(index, query="cocaine", sort=sort))
    assert index.matching_ids(SearchRequest(query="cocaine", sort=sort, collapse=True, limit=3, page=2)) == expected
