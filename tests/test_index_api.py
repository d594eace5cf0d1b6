"""The SearchIndex API beyond plain search: facets and timeline, more-like-this, entries,
recreation, snippets from the text source, time limits and the engine protocol."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.searchindex import SearchIndex

from pressarchive.index import QueryError, QueryTooExpensive, SearchEngine, SearchRequest
from pressarchive.index.whooshindex.documents import index_fields
from pressarchive.index.whooshindex.writer import _writer
from tests.test_index import DOCS, texts_of


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    idx = SearchIndex(tmp_path / "ix", text_source=texts_of(DOCS))
    idx.add([doc.replace(version=10 + (doc.id or 0)) for doc in DOCS[:3]])
    idx.add([doc.replace(version=10 + (doc.id or 0)) for doc in DOCS[3:]])
    yield idx
    idx.close()


def test_facets_are_exact_over_all_matches(index: SearchIndex) -> None:
    result = index.search(SearchRequest(limit=1))
    for name, field in (("language", "language"), ("source", "source"), ("source_country", "country")):
        expected = Counter(getattr(doc, field) for doc in DOCS if getattr(doc, field))
        assert result.facets[name] == dict(sorted(expected.items(), key=lambda kv: (-kv[1], kv[0])))
    assert result.facets["source_country"] == {"ES": 2, "DE": 1, "FR": 1, "IT": 1, "NL": 1, "PT": 1}
    # Mentioned countries and agencies: multi-valued, each document counted once per value.
    assert result.facets["country"] == {"ES": 3, "DE": 1, "FR": 1, "IT": 1, "PT": 1}
    assert result.facets["agency"] == {
        "europol": 2, "guardia-civil": 1, "guardia-di-finanza": 1, "police-nationale": 1,
        "policia-judiciaria": 1, "policia-nacional": 1,
    }


def test_facets_and_histogram_follow_the_filters(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="tantalio", source_country="es", limit=1, interval="month"))
    assert result.total == 1
    assert result.facets["source_country"] == {"ES": 1}
    assert result.histogram == {"2017-03": 1}


def test_histogram_is_monthly_chronological_and_skips_undated(index: SearchIndex) -> None:
    result = index.search(SearchRequest(limit=1))
    assert result.histogram == {"2017-03": 3, "2017-11": 1, "2018-01": 1, "2019-06": 1}
    assert list(result.histogram) == sorted(result.histogram)
    assert result.to_json()["histogram"] == result.histogram


def test_more_like_finds_the_same_operation_in_other_languages(index: SearchIndex) -> None:
    similar = index.more_like(1, limit=5)
    found = [hit.id for hit in similar]
    assert 1 not in found
    assert set(found[:2]) == {2, 3}  # the English and Italian reports of Tantalio


def test_more_like_unknown_id(index: SearchIndex) -> None:
    with pytest.raises(KeyError):
        index.more_like(12345)
    index.delete([1])
    with pytest.raises(KeyError):
        index.more_like(1)


def test_entries_list_versions_and_duplicates(index: SearchIndex) -> None:
    assert sorted(index.entries()) == [(doc.id, 10 + doc.id) for doc in DOCS]  # type: ignore[operator]
    # A document indexed twice (as a crash between delete and add could leave it) shows twice.
    writer = _writer(index._ix)
    writer.add_document(**index_fields(DOCS[0].replace(version=99)))
    writer.commit()
    entries = Counter(doc_id for doc_id, _ in index.entries())
    assert entries[1] == 2
    assert (1, 99) in index.entries()
    index.add([DOCS[2].replace(version=None)])
    assert (3, None) in index.entries()


def test_empty_index_answers_everything(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        for request in (SearchRequest(), SearchRequest(query="tantalio", sort="date", country="es")):
            result = idx.search(request)
            assert (result.total, result.hits, result.histogram) == (0, [], {})
            assert all(counts == {} for counts in result.facets.values())
        assert idx.entries() == [] and idx.count() == 0
        with pytest.raises(KeyError):
            idx.more_like(1)
        assert idx.delete([1]) == 0 and idx.add([]) == 0


def test_recreated_flag(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.recreated
        idx.add(DOCS[:1])
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.recreated, "an add is no refill: the refill is still owed, and kept what was added"
        assert idx.count() == 1
        idx.rebuild(DOCS[:1])
    with SearchIndex(tmp_path / "ix") as idx:
        assert not idx.recreated
        assert idx.count() == 1
    (tmp_path / "ix" / "pressarchive-schema-version").write_text("1\n")
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.recreated and idx.count() == 0


def test_snippets_come_from_the_text_source(index: SearchIndex) -> None:
    asked: list[list[int]] = []
    source = texts_of(DOCS)

    def counting(ids: object) -> dict[int, str]:
        asked.append(list(ids))  # type: ignore[call-overload]
        return source(ids)  # type: ignore[arg-type]

    index.text_source = counting
    (hit,) = index.search(SearchRequest(query="finanza")).hits
    assert ("Finanza", True) in hit.snippet
    assert asked == [[3]]  # one batch, only the page's documents
    index.text_source = None
    (hit,) = index.search(SearchRequest(query="finanza")).hits
    assert hit.snippet == []


def test_time_limit_raises_query_too_expensive(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix", time_limit=0.0) as idx:
        idx.add(DOCS)
        with pytest.raises(QueryTooExpensive, match="query too expensive.*narrower"):
            idx.search(SearchRequest(query="tantalio OR hydra"))
        assert issubclass(QueryTooExpensive, QueryError)
        idx.time_limit = 5.0
        assert idx.search(SearchRequest(query="tantalio OR hydra")).total == 5


def test_search_index_is_a_search_engine(index: SearchIndex) -> None:
    assert isinstance(index, SearchEngine)


def test_update_and_delete_by_id(index: SearchIndex) -> None:
    index.add([DOCS[3].replace(text="Nuevo texto sobre esmeraldas.", published=date(2020, 2, 2), version=2)])
    assert {hit.id for hit in index.search(SearchRequest(query="esmeraldas")).hits} == {4}
    assert (4, 2) in index.entries() and len(index.entries()) == 7
    assert index.search(SearchRequest(limit=1)).histogram["2020-02"] == 1
    assert index.delete([4, 5]) == 2
    assert sorted(doc_id for doc_id, _ in index.entries()) == [1, 2, 3, 6, 7]
    assert index.search(SearchRequest(limit=1)).facets["source_country"] == {"ES": 2, "DE": 1, "IT": 1, "NL": 1}
