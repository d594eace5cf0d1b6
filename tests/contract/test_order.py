"""Order and pages against every engine: relevance (title matches and repeated words first),
date (newest first, undated last, ties by id), pages cut from that order without gaps or
repeats (the last page, pages beyond it), clamped limits, and every match's id in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from pressarchive.index import QueryError, SearchEngine, SearchRequest
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, ranked, texts_of
from tests.contract.differences import expected

BY_DATE = [4, 3, 5, 2, 1, 7, 6]  # 2019, 2018, 2017-11, 2017-03-16, 2017-03-15 (1 before 7), undated


@pytest.fixture(scope="module")
def engine(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    engine = module_engines(text_source=texts_of(DOCS))
    engine.add(DOCS[4:])  # written out of order: the order is the engine's, not the writes'
    engine.add(DOCS[:4])
    yield engine


def test_sort_by_date_newest_first_undated_last_ties_by_id(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(sort="date", limit=100))
    assert [hit.id for hit in result.hits] == BY_DATE
    assert result.sort == "date"
    assert ranked(engine, "tantalio OR cocaína OR berlin", sort="date") == [3, 2, 1, 7, 6]


def test_a_search_without_words_lists_by_date(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(limit=100))
    assert [hit.id for hit in result.hits] == BY_DATE
    assert result.sort == "relevance"  # the order asked for


@pytest.mark.parametrize("query", ["*:*", "*:* OR tantalio", "year:*", "id:*"])
def test_a_query_with_nothing_to_rank_by_lists_by_date(engine: SearchEngine, query: str) -> None:
    # Every document, or every one with a value in a field: no word gives a score.
    dated = [doc_id for doc_id in BY_DATE if doc_id != 6]  # 6 is undated: no year either
    expected_ids = dated if query == "year:*" else BY_DATE
    assert ranked(engine, query) == expected_ids


def test_relevance_ranks_matches_by_score(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(query="blanqueo OR cocaína", limit=100))
    assert {hit.id for hit in result.hits} == {1, 7}
    assert all(hit.score > 0 for hit in result.hits)
    scores = [hit.score for hit in engine.search(SearchRequest(query="tantalio OR hydra", limit=100)).hits]
    assert scores == sorted(scores, reverse=True)


def test_relevance_prefers_title_and_repeated_words(make_engine: EngineMaker, engine_kind: str) -> None:
    engine = make_engine([
        DOCS[1].replace(id=1, title="Weather report", text="Cocaine was mentioned once."),
        DOCS[1].replace(id=2, title="Cocaine seizure", text="A large seizure in the port."),
        DOCS[1].replace(id=3, title="Port news", text="Cocaine cocaine cocaine, again cocaine."),
    ])
    hits = engine.search(SearchRequest(query="cocaine")).hits
    assert [hit.id for hit in hits] == expected(engine_kind, "relevance_order", [2, 3, 1])
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_pages_and_the_last_page(engine: SearchEngine) -> None:
    pages = [engine.search(SearchRequest(sort="date", limit=3, page=n)) for n in (1, 2, 3, 4)]
    assert [[hit.id for hit in page.hits] for page in pages] == [[4, 3, 5], [2, 1, 7], [6], []]
    assert all(page.total == 7 and page.last_page == 3 for page in pages)
    assert [page.page for page in pages] == [1, 2, 3, 4]
    beyond = engine.search(SearchRequest(query="tantalio", limit=2, page=50))
    assert beyond.hits == [] and beyond.total == 3 and beyond.last_page == 2


def test_limit_and_page_are_clamped(engine: SearchEngine) -> None:
    assert len(engine.search(SearchRequest(limit=0)).hits) == 1
    assert engine.search(SearchRequest(limit=1000)).limit == 100
    assert engine.search(SearchRequest(page=0)).page == 1
    assert engine.search(SearchRequest(sort="sideways", limit=100)).sort == "relevance"


def test_deep_pages_are_stable(make_engine: EngineMaker) -> None:
    docs = [DOCS[1].replace(id=n, url=f"u{n}", published=date(2020, 1, 1 + n % 5)) for n in range(1, 61)]
    engine = make_engine(docs[:30])
    engine.add(docs[30:])
    for sort in ("relevance", "date"):
        pages = [engine.search(SearchRequest(query="tantalio", sort=sort, limit=7, page=p)) for p in range(1, 11)]
        seen = [hit.id for page in pages for hit in page.hits]
        assert sorted(seen) == list(range(1, 61)), sort
        again = engine.search(SearchRequest(query="tantalio", sort=sort, limit=7, page=5)).hits
        assert [hit.id for hit in again] == [hit.id for hit in pages[4].hits]
    by_date = [hit.id for p in range(1, 10) for hit in
               engine.search(SearchRequest(sort="date", limit=7, page=p)).hits]
    assert by_date == sorted(range(1, 61), key=lambda n: (-(n % 5), n))  # newest day first, ties by id


def test_matching_ids_are_every_match_in_the_search_order(engine: SearchEngine) -> None:
    # What exports walk: every match, in the order the pages list them, paging ignored.
    assert engine.matching_ids(SearchRequest(sort="date", limit=2, page=3)) == BY_DATE
    by_score = engine.search(SearchRequest(query="tantalio OR cocaína", limit=100))
    assert engine.matching_ids(SearchRequest(query="tantalio OR cocaína", limit=1)) == [
        hit.id for hit in by_score.hits
    ]
    assert engine.matching_ids(SearchRequest(query="tantalio", language="it")) == [3]
    assert engine.matching_ids(SearchRequest(query="nothingmatchesthis")) == []
    with pytest.raises(QueryError):
        engine.matching_ids(SearchRequest(query="(unclosed"))
