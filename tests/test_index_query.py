"""The Whoosh engine's array-based matching against whoosh's own matcher.

Match sets are checked against whoosh's own matcher on the same parsed query, so the
array-based evaluation in ``matchset`` cannot silently drift from whoosh's semantics. The
query language itself, for every engine, is in ``tests/contract/test_query.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pressarchive.index import SearchRequest
from pressarchive.index.querylang import parse_query
from pressarchive.index.whooshindex.translate import to_whoosh
from pressarchive.index.whooshindex.searchindex import SearchIndex
from tests.contract.corpus import DOCS, texts_of


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    idx = SearchIndex(tmp_path_factory.mktemp("query") / "ix", text_source=texts_of(DOCS))
    # Two commits, so searches span two segments.
    idx.add(DOCS[:4])
    idx.add(DOCS[4:])
    yield idx
    idx.close()


@pytest.mark.parametrize(
    "query",
    ["tantalio", "tantalio europol", "tantalio OR hydra", "tantalio NOT europol", '"operación tantalio"',
     "deten*", "title:operation", "published:[2017-01-01 TO 2017-12-31] tantalio", "la operación",
     "country:es OR source:pj", "NOT hydra", "year:2017"],
)
def test_match_sets_equal_whooshs_own(index: SearchIndex, query: str) -> None:
    with index._reading() as searcher:
        found = searcher.search(to_whoosh(parse_query(query).root), limit=None)
        expected = {searcher.stored_fields(n)["id"] for n in found.docs()}
    result = index.search(SearchRequest(query=query, limit=100))
    assert {hit.id for hit in result.hits} == expected
    assert result.total == len(expected)
