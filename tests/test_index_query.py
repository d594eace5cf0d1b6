"""Query language of pressarchive.index: fields, ranges, boolean operators, prefixes, errors.

Match sets are also checked against whoosh's own matcher on the same parsed query, so the
array-based evaluation in ``matchset`` cannot silently drift from whoosh's semantics.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.searchindex import SearchIndex

from pressarchive.index import MAX_EXPANSION, QueryError, SearchRequest
from pressarchive.index.querylang import parse_query
from pressarchive.index.whooshindex.translate import to_whoosh
from tests.test_index import DOCS, ids, texts_of


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    idx = SearchIndex(tmp_path_factory.mktemp("query") / "ix", text_source=texts_of(DOCS))
    # Two commits, so searches span two segments.
    idx.add(DOCS[:4])
    idx.add(DOCS[4:])
    yield idx
    idx.close()


def test_source_country_and_agency_fields_are_normalised(index: SearchIndex) -> None:
    assert ids(index, "source_country:PT") == ids(index, "source_country:pt") == {4}
    assert ids(index, "tantalio source_country:IT") == {3}
    assert ids(index, 'source_agency:"GUARDIA CIVIL"') == {1}
    assert ids(index, source_country="pt") == {4}
    assert ids(index, source_agency="europol") == {2}
    assert ids(index, "tantalio", source_country="ES", source_agency="guardia civil") == {1}


def test_mentioned_country_and_agency_fields_are_normalised(index: SearchIndex) -> None:
    assert ids(index, "country:PT") == ids(index, "country:pt") == {4}
    assert ids(index, "country:es") == ids(index, country="Es") == {1, 2, 7}
    assert ids(index, "tantalio country:IT") == {3}
    assert ids(index, "agency:EUROPOL") == ids(index, agency="europol") == {1, 2}
    assert ids(index, "tantalio", country="ES", source_country="NL") == {2}
    assert ids(index, "tantalio", agency="europol", source_agency="guardia civil") == {1}


def test_operation_field_whatever_the_language(index: SearchIndex) -> None:
    assert ids(index, "operation:tantalio") == {1, 2, 3}
    assert ids(index, "operation:tantalio language:it") == {3}
    assert ids(index, "operation:icaro") == {4}


def test_date_ranges_in_query_and_options(index: SearchIndex) -> None:
    assert ids(index, "published:[2017-03-15 TO 2017-03-15]") == {1, 7}
    assert ids(index, "published:[2018-01-01 TO]") == {3, 4}
    assert ids(index, "published:[TO 2017-03-16]") == {1, 2, 7}
    assert ids(index, "year:[2018 TO 2019]") == {3, 4}
    assert ids(index, "tantalio", since=date(2017, 3, 16)) == {2, 3}
    assert ids(index, "tantalio", until=date(2017, 3, 15)) == {1}


def test_boolean_operators(index: SearchIndex) -> None:
    assert ids(index, "tantalio AND europol") == {1, 2}
    assert ids(index, "tantalio AND NOT europol") == {3}
    assert ids(index, "NOT tantalio") == {4, 5, 6, 7}
    assert ids(index, "(hydra OR hydre) NOT berlin") == {5}
    assert ids(index, "icaro OR (tantalio AND country:it)") == {3, 4}


def test_phrases_need_the_words_in_order(index: SearchIndex) -> None:
    assert ids(index, '"operation tantalio"') == {2}
    assert ids(index, '"guardia civil"') == {1}
    assert ids(index, '"civil guardia"') == set()
    assert ids(index, 'title:"black wolf"') == {7}


def test_prefix_is_folded_not_stemmed(index: SearchIndex) -> None:
    # "Operación" is indexed as the stem "oper"; the typed prefix is longer than the stem.
    assert {1, 7} <= ids(index, "OPERACIÓ*")
    assert {1, 7} <= ids(index, "operacio*")
    assert ids(index, "blanque*") == {1}
    assert ids(index, "festnahm*") == {6}


def test_prefix_is_folded_and_bounded(tmp_path: Path) -> None:
    words = " ".join(f"zq{n:04d}" for n in range(MAX_EXPANSION + 10))
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add([DOCS[0], DOCS[1].replace(id=99, text=words, language="xx")])
        assert ids(idx, "zq000*") == {99}  # 10 words: fine
        with pytest.raises(QueryError, match=r"\"zq\*\" matches more than 512"):
            idx.search(SearchRequest(query="zq*"))


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


def test_relevance_prefers_title_and_repeated_terms(tmp_path: Path) -> None:
    docs = [
        DOCS[1].replace(id=1, title="Weather report", text="Cocaine was mentioned once."),
        DOCS[1].replace(id=2, title="Cocaine seizure", text="A large seizure in the port."),
        DOCS[1].replace(id=3, title="Port news", text="Cocaine cocaine cocaine, again cocaine."),
    ]
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add(docs)
        hits = idx.search(SearchRequest(query="cocaine")).hits
    assert hits[0].id == 2 and hits[-1].id == 1
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_deep_pages_are_stable(tmp_path: Path) -> None:
    docs = [DOCS[1].replace(id=n, url=f"u{n}", published=date(2020, 1, 1 + n % 5)) for n in range(1, 61)]
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add(docs[:30])
        idx.add(docs[30:])
        for sort in ("relevance", "date"):
            pages = [idx.search(SearchRequest(query="tantalio", sort=sort, limit=7, page=p)) for p in range(1, 11)]
            seen = [hit.id for page in pages for hit in page.hits]
            assert sorted(seen) == list(range(1, 61))
            again = idx.search(SearchRequest(query="tantalio", sort=sort, limit=7, page=5)).hits
            assert [hit.id for hit in again] == [hit.id for hit in pages[4].hits]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [("title:(", "position 6"), ("foo:bar", 'unknown field "foo"'), ("published:[x TO y]", "x"),
     ('"open', "unclosed quote at position 0")],
)
def test_errors_point_at_the_problem(index: SearchIndex, query: str, fragment: str) -> None:
    with pytest.raises(QueryError) as caught:
        index.search(SearchRequest(query=query))
    assert fragment in str(caught.value)
