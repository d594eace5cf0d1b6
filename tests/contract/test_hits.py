"""Hits against every engine: their fields, their snippets (plain text segments from the text
source, matched words marked, stemmed matches too, bounded around the match), the JSON shape,
and "more like this"."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

import pytest

from pressarchive.index import Hit, SearchEngine, SearchRequest, SearchResult
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, texts_of
from tests.contract.differences import expected


@pytest.fixture(scope="module")
def engine(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    yield module_engines(DOCS, text_source=texts_of(DOCS))


def test_hit_fields(engine: SearchEngine) -> None:
    (hit,) = engine.search(SearchRequest(query="icaro")).hits
    assert isinstance(hit, Hit)
    assert (hit.id, hit.url, hit.language, hit.source) == (4, DOCS[3].url, "pt", "pj")
    assert hit.title == DOCS[3].title
    assert hit.published == date(2019, 6, 1)
    assert hit.operations == ["Ícaro"]
    assert (hit.cluster, hit.similar) == (4, 0)
    assert hit.score > 0


@pytest.mark.parametrize(("query", "filters", "marked"), [
    ("detenido", {"language": "es", "source": "guardiacivil"}, ["detenidos"]),  # stemmed
    ("policia", {"language": "pt"}, ["Polícia"]),  # folded, marked as written
    ('"guardia di finanza"', {}, ["Guardia", "Finanza"]),  # a phrase: its words, the stop word "di" not
    ("finanza OR nothingmatches", {}, ["Finanza"]),
    ("deten* dinero", {"source": "guardiacivil"}, ["detenidos", "dinero"]),  # a prefix and a word
])
def test_snippets_mark_the_matched_words(engine: SearchEngine, engine_kind: str, query: str,
                                         filters: dict[str, str], marked: list[str]) -> None:
    (hit,) = engine.search(SearchRequest(query=query, **filters)).hits  # type: ignore[arg-type]
    assert [text for text, matched in hit.snippet if matched] == expected(engine_kind, "snippet_marks", marked)
    assert hit.snippet_text in DOCS[hit.id - 1].text or hit.snippet_text.strip("… ") in DOCS[hit.id - 1].text


def test_snippet_is_plain_text(engine: SearchEngine) -> None:
    (hit,) = engine.search(SearchRequest(query="alert")).hits
    assert ("alert", True) in hit.snippet
    assert "<script>" in hit.snippet_text
    assert all(isinstance(text, str) and isinstance(flag, bool) for text, flag in hit.snippet)
    assert "<b>" not in hit.snippet_text and "&lt;" not in hit.snippet_text


def test_highlight_spans_point_at_the_matched_words(engine: SearchEngine) -> None:
    for hit in engine.search(SearchRequest(query="tantalio", limit=10)).hits:
        body = hit.to_json()
        snippet, spans = body["snippet"], body["highlights"]
        assert isinstance(snippet, str) and isinstance(spans, list) and spans
        assert {snippet[start:end].lower() for start, end in spans} == {"tantalio"}


def test_browse_snippet_is_the_lead_without_highlights(engine: SearchEngine) -> None:
    for hit in engine.search(SearchRequest(limit=100)).hits:
        assert not any(flag for _, flag in hit.snippet)
        assert 0 < len(hit.snippet_text) <= 205
        assert DOCS[hit.id - 1].text.startswith(hit.snippet_text.rstrip("…").rstrip()[:50])


def test_a_keyword_only_query_marks_no_words(engine: SearchEngine) -> None:
    (hit,) = engine.search(SearchRequest(query="source:gdf")).hits
    assert hit.snippet and not any(flag for _, flag in hit.snippet)


def test_to_json_shape(engine: SearchEngine) -> None:
    result = engine.search(SearchRequest(query="berlin", limit=5))
    assert isinstance(result, SearchResult)
    data = result.to_json()
    assert set(data) == {
        "query", "total", "page", "limit", "last_page", "sort", "hits", "facets", "interval", "histogram",
        "timeline", "expansions",
    }
    (hit,) = data["hits"]  # type: ignore[misc]
    assert set(hit) == {
        "id", "url", "title", "published", "source", "language", "operations", "score", "snippet",
        "highlights", "cluster", "similar",
    }
    assert hit["published"] is None and isinstance(hit["snippet"], str)
    assert isinstance(hit["score"], float) and hit["score"] > 0
    (dated,) = engine.search(SearchRequest(query="icaro")).to_json()["hits"]  # type: ignore[misc]
    assert dated["published"] == "2019-06-01"
    assert set(data["facets"]) == {  # type: ignore[arg-type]
        "language", "source", "source_country", "country", "agency", "year", "operation",
    }


def test_long_body_snippet_is_bounded_around_the_match(make_engine: EngineMaker) -> None:
    filler = "Texto de relleno sin interés para nadie. " * 200
    body = filler + "Los detenidos pasaron a disposición judicial. " + filler
    doc = DOCS[0].replace(id=1, text=body)
    engine = make_engine([doc], text_source=texts_of([doc]))
    (hit,) = engine.search(SearchRequest(query="detenidos")).hits
    assert ("detenidos", True) in hit.snippet
    assert len(hit.snippet_text) < 600
    assert hit.snippet_text.startswith("…")


def test_snippets_come_from_the_text_source_for_the_page_only(make_engine: EngineMaker) -> None:
    asked: list[list[int]] = []
    source = texts_of(DOCS)

    def counting(ids: Sequence[int]) -> dict[int, str]:
        asked.append(list(ids))
        return source(ids)

    engine = make_engine(DOCS, text_source=counting)
    (hit,) = engine.search(SearchRequest(query="finanza")).hits
    assert ("Finanza", True) in hit.snippet
    assert asked == [[3]]  # one batch, only the page's documents
    asked.clear()
    engine.search(SearchRequest(query="tantalio", limit=2))
    assert len(asked) == 1 and len(asked[0]) == 2


def test_without_a_text_source_hits_have_no_snippet(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS)
    (hit,) = engine.search(SearchRequest(query="finanza")).hits
    assert hit.snippet == [] and hit.id == 3


# -- more like this ---------------------------------------------------------------------------------


def test_more_like_finds_the_same_operation_in_other_languages(engine: SearchEngine, engine_kind: str) -> None:
    found = [hit.id for hit in engine.more_like(1, limit=5)]
    assert 1 not in found and len(found) <= 5
    # The English and Italian reports of Tantalio.
    assert set(found[:2]) == expected(engine_kind, "more_like_this", {2, 3})


def test_more_like_hits_are_hits_best_first(engine: SearchEngine) -> None:
    similar = engine.more_like(1, limit=5)
    assert similar and all(isinstance(hit, Hit) and hit.score > 0 for hit in similar)
    assert [hit.score for hit in similar] == sorted((hit.score for hit in similar), reverse=True)
    assert len(engine.more_like(1, limit=1)) == 1


def test_more_like_an_unknown_or_deleted_id_is_a_key_error(make_engine: EngineMaker) -> None:
    engine = make_engine(DOCS, text_source=texts_of(DOCS))
    with pytest.raises(KeyError):
        engine.more_like(12345)
    engine.delete([1])
    with pytest.raises(KeyError):
        engine.more_like(1)
    assert 1 not in [hit.id for hit in engine.more_like(2, limit=10)]
