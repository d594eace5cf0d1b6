"""Hypothesis-generated query strings against every engine: a search either answers or raises
QueryError, never anything else (which the web layer would turn into a 500 and a traceback)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressarchive.index import QueryError, SearchEngine, SearchRequest, SearchResult
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, texts_of

# Pieces of the query language, so generated strings often look like real (or almost real)
# queries rather than noise that fails on the first character.
_PIECES = st.sampled_from([
    "tantalio", "operación", "deten*", "t*", "*", "?", "AND", "OR", "NOT", "(", ")", '"', "[", "]",
    "{", "}", " TO ", ":", "^2", "^0", "~2", "title:", "body:", "published:", "year:", "country:",
    "operation:", "agency:", "source:", "language:", "id:", "url:", "foo:", "2017", "2017-03-15",
    "-", "+", "\\", "'", "l'", "ß", "İ", "\u0301", "\x00", " ", "  ",
])
QUERIES = st.one_of(
    st.text(max_size=40),
    st.lists(_PIECES, max_size=12).map("".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=8).map(" ".join),
)


@pytest.fixture(scope="module")
def index(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    yield module_engines(DOCS, text_source=texts_of(DOCS))


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=QUERIES, sort=st.sampled_from(["relevance", "date"]),
       language=st.sampled_from([None, "es", "xx"]), page=st.integers(1, 3))
def test_generated_queries_answer_or_raise_query_error(
    index: SearchEngine, query: str, sort: str, language: str | None, page: int
) -> None:
    try:
        result = index.search(SearchRequest(query=query, sort=sort, language=language, page=page, limit=3))
    except QueryError as exc:
        assert str(exc)  # a message for the user, never empty
        return
    assert isinstance(result, SearchResult)
    assert 0 <= len(result.hits) <= 3
    assert result.total >= len(result.hits)
    assert sum(result.facets["language"].values()) == result.total
    assert {hit.id for hit in result.hits} <= {doc.id for doc in DOCS}
    result.to_json()
