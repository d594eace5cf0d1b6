"""Writing against every engine: add (replacing by id), delete, rebuild, entries and count,
the ``recreated`` flag a refill relies on, reopening, a second instance's writes, and searches
running while writes land. Every write is visible to the next search."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest

from pressarchive.index import SearchEngine, SearchRequest
from pressarchive.record import Document
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, ids, texts_of

VERSIONED = [doc.replace(version=10 + (doc.id or 0)) for doc in DOCS]


def test_an_engine_is_a_search_engine_that_says_where_it_is(make_engine: EngineMaker, engine_kind: str) -> None:
    engine = make_engine()
    assert isinstance(engine, SearchEngine)
    assert engine.describe().startswith(f"{engine_kind} at ")


def test_an_empty_engine_answers_everything(make_engine: EngineMaker) -> None:
    engine = make_engine()
    for request in (SearchRequest(), SearchRequest(query="tantalio", sort="date", country="es"),
                    SearchRequest(collapse=True, interval="day")):
        result = engine.search(request)
        assert (result.total, result.hits, result.histogram) == (0, [], {})
        assert all(counts == {} for counts in result.facets.values())
    assert engine.matching_ids(SearchRequest()) == []
    assert engine.entries() == [] and engine.count() == 0
    with pytest.raises(KeyError):
        engine.more_like(1)
    assert engine.delete([1]) == 0 and engine.add([]) == 0


def test_entries_list_every_id_with_its_version(make_engine: EngineMaker) -> None:
    engine = make_engine(VERSIONED[:3])
    engine.add(VERSIONED[3:])
    assert sorted(engine.entries()) == [(doc.id, 10 + doc.id) for doc in DOCS]  # type: ignore[operator]
    assert engine.count() == 7
    engine.add([DOCS[2].replace(version=None)])
    assert (3, None) in engine.entries() and len(engine.entries()) == 7


def test_add_replaces_by_id(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS)
    changed = DOCS[0].replace(title="Operación Tantalio revisada", text="Texto sobre zafiros.")
    assert engine.add([changed]) == 1
    assert engine.count() == 7
    assert ids(engine, "zafiros") == {1}
    assert ids(engine, "blanqueo") == set()


def test_an_update_moves_the_document_in_facets_and_timeline(make_engine: EngineMaker) -> None:
    engine = make_engine(VERSIONED, text_source=texts_of(DOCS))
    engine.add([DOCS[3].replace(text="Nuevo texto sobre esmeraldas.", published=date(2020, 2, 2), version=2)])
    assert ids(engine, "esmeraldas") == {4}
    assert (4, 2) in engine.entries() and len(engine.entries()) == 7
    result = engine.search(SearchRequest(limit=1, interval="month"))
    assert result.histogram["2020-02"] == 1 and "2019-06" not in result.histogram
    assert result.facets["year"]["2020"] == 1
    assert engine.delete([4, 5]) == 2
    assert sorted(doc_id for doc_id, _ in engine.entries()) == [1, 2, 3, 6, 7]
    assert engine.search(SearchRequest(limit=1)).facets["source_country"] == {"ES": 2, "DE": 1, "IT": 1, "NL": 1}


def test_add_same_id_twice_in_one_call_keeps_the_last(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS)
    first = DOCS[0].replace(text="primera versión rubíes")
    second = DOCS[0].replace(text="segunda versión esmeraldas")
    assert engine.add([first, second]) == 1
    assert engine.count() == 7
    assert ids(engine, "esmeraldas") == {1} and ids(engine, "rubies") == set()


def test_add_requires_an_id(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS)
    with pytest.raises(ValueError):
        engine.add([DOCS[0].replace(id=None)])
    assert engine.count() == 7


def test_delete(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS)
    assert engine.delete([1, 999]) == 1
    assert engine.delete([1]) == 0
    assert engine.count() == 6
    assert {doc_id for doc_id, _ in engine.entries()} == {2, 3, 4, 5, 6, 7}
    assert ids(engine, "tantalio") == {2, 3}
    assert engine.matching_ids(SearchRequest(sort="date")) == [4, 3, 5, 2, 7, 6]


def test_rebuild_replaces_everything(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS)
    assert engine.rebuild(iter(DOCS[1:3])) == 2
    assert engine.count() == 2
    assert {doc_id for doc_id, _ in engine.entries()} == {2, 3}
    assert ids(engine, "tantalio") == {2, 3}
    assert engine.search(SearchRequest()).facets["operation"] == {"Tantalio": 2}
    assert engine.rebuild([]) == 0 and engine.count() == 0


def test_reopening_keeps_the_documents(make_engine: EngineMaker) -> None:
    address = make_engine.address()
    engine = make_engine.open(address)
    engine.add(DOCS)
    engine.close()
    again = make_engine.open(address)
    assert again.count() == 7
    assert ids(again, "tantalio") == {1, 2, 3}


def test_recreated_until_a_rebuild_fills_it(make_engine: EngineMaker) -> None:
    address = make_engine.address()
    engine = make_engine.open(address)
    assert engine.recreated
    engine.add(DOCS[:1])
    engine.close()
    engine = make_engine.open(address)
    assert engine.recreated, "an add is no refill: the refill is still owed, and kept what was added"
    assert engine.count() == 1
    engine.rebuild(DOCS[:1])
    engine.close()
    engine = make_engine.open(address)
    assert not engine.recreated
    assert engine.count() == 1


def test_a_refill_interrupted_twice_still_completes(make_engine: EngineMaker) -> None:
    docs = [DOCS[n].replace(version=1) for n in range(3)]

    def broken() -> object:
        yield docs[0]
        raise RuntimeError("killed")

    address = make_engine.address()
    for _attempt in range(2):
        engine = make_engine.open(address)
        assert engine.recreated
        with pytest.raises(RuntimeError):
            engine.rebuild(broken())  # type: ignore[arg-type]
        engine.close()
    engine = make_engine.open(address)
    assert engine.recreated
    assert engine.rebuild(docs) == 3
    engine.close()
    engine = make_engine.open(address)
    assert not engine.recreated and engine.count() == 3


def test_a_failed_rebuild_leaves_the_old_documents_searchable(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS)

    def broken() -> object:
        yield DOCS[0].replace(text="halfway")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        engine.rebuild(broken())  # type: ignore[arg-type]
    assert engine.count() == 7 and ids(engine, "tantalio") == {1, 2, 3}


def test_searches_see_writes_from_another_instance(make_engine: EngineMaker) -> None:
    address = make_engine.address()
    engine = make_engine.open(address)
    engine.add(DOCS)
    assert engine.count() == 7
    other = make_engine.open(address)
    other.delete([2])
    other.add([DOCS[0].replace(text="Texto sobre zafiros.")])
    other.close()
    assert engine.count() == 6
    assert ids(engine, "tantalio") == {1, 3}
    assert ids(engine, "zafiros") == {1}


def test_concurrent_searches_and_writes(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS, text_source=texts_of(DOCS))
    errors: list[BaseException] = []

    def search_many() -> None:
        try:
            for _ in range(20):
                result = engine.search(SearchRequest(query="tantalio OR hydra", limit=2))
                assert result.total == 5  # a document being replaced never goes missing
        except BaseException as exc:  # pragma: no cover - only on failure
            errors.append(exc)

    threads = [threading.Thread(target=search_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(5):
        engine.add([DOCS[n % len(DOCS)]])
    for thread in threads:
        thread.join()
    assert errors == []
    assert engine.count() == 7
    assert Counter(doc_id for doc_id, _ in engine.entries()) == Counter(range(1, 8))


def test_many_documents_in_one_add(make_engine: EngineMaker) -> None:
    docs = [Document(id=n, url=f"https://x.example/{n}", title=f"Release {n}", text=f"Seizure number {n}.",
                     language="en", source="s", version=1) for n in range(1, 1201)]
    engine = make_engine()
    assert engine.add(iter(docs)) == 1200
    assert engine.count() == 1200 and len(engine.entries()) == 1200
    assert engine.search(SearchRequest(query="seizure", limit=1)).total == 1200
