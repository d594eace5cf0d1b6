"""The query language against every engine: words, AND/OR/NOT, phrases, fields, keyword
fields compared folded, prefixes and patterns, ranges, dates, years, boosts, filters, and
the errors (with their messages and positions) for queries that cannot run."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date

import pytest

from pressarchive.index import MAX_EXPANSION, QueryError, SearchEngine, SearchRequest, SearchResult
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, ids, ranked, texts_of
from tests.contract.differences import expected


@pytest.fixture(scope="module")
def engine(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    engine = module_engines(text_source=texts_of(DOCS))
    engine.add(DOCS[:4])  # two writes: a search spans both
    engine.add(DOCS[4:])
    yield engine


# -- words and operators ----------------------------------------------------------------------------


def test_words_are_anded_and_match_across_languages(engine: SearchEngine) -> None:
    assert ids(engine, "tantalio") == {1, 2, 3}
    assert ids(engine, "tantalio europol") == {1, 2}
    assert ids(engine, "nothingmatchesthis") == set()


def test_boolean_operators(engine: SearchEngine) -> None:
    assert ids(engine, "tantalio OR hydre") == {1, 2, 3, 5}
    assert ids(engine, "tantalio NOT europol") == {3}
    assert ids(engine, "tantalio AND europol") == {1, 2}
    assert ids(engine, "tantalio AND NOT europol") == {3}
    assert ids(engine, "NOT tantalio") == {4, 5, 6, 7}
    assert ids(engine, "(hydra OR hydre) NOT berlin") == {5}
    assert ids(engine, "icaro OR (tantalio AND country:it)") == {3, 4}


def test_every_document_narrowed_by_the_other_clauses(engine: SearchEngine) -> None:
    # ``*:*`` beside other clauses must not widen them (Whoosh's normalising turned an AND
    # holding an unfielded Every into Every, which matched every document).
    assert ids(engine, "*:* NOT europol") == ids(engine, "NOT europol") != ids(engine, "*:*")
    assert ids(engine, "*:* tantalio") == ids(engine, "tantalio AND *:*") == {1, 2, 3}
    assert ids(engine, "tantalio (*:* OR hydre)") == {1, 2, 3}
    assert ids(engine, "NOT *:*") == set()


def test_a_lone_accent_is_no_word(engine: SearchEngine) -> None:
    # A combining mark folds to nothing: punctuation, not a stop word present everywhere.
    assert ids(engine, "\u0301") == set()
    assert ids(engine, "\u0301 tantalio") == {1, 2, 3}


def test_a_huge_boost_keeps_scores_finite(engine: SearchEngine) -> None:
    # "^999...9" is float infinity: infinite scores are no JSON (the API answered 500).
    result = engine.search(SearchRequest(query="tantalio^" + "9" * 400 + " OR hydre", limit=100))
    assert {hit.id for hit in result.hits} == {1, 2, 3, 5}
    assert all(math.isfinite(hit.score) for hit in result.hits)


def test_blank_query_matches_everything(engine: SearchEngine) -> None:
    assert engine.search(SearchRequest(query="   ")).total == 7
    assert engine.search(SearchRequest()).total == 7


def test_phrases_need_the_words_in_order(engine: SearchEngine) -> None:
    assert ids(engine, '"Operación Tantalio"') == {1}
    assert ids(engine, '"Tantalio Operación"') == set()
    assert ids(engine, '"operation tantalio"') == {2}
    assert ids(engine, '"guardia civil"') == {1}
    assert ids(engine, '"civil guardia"') == set()
    assert ids(engine, 'title:"black wolf"') == {7}


def test_phrase_slop_allows_words_apart(engine: SearchEngine, engine_kind: str) -> None:
    # Document 2: "arrested 12 suspects": one word between.
    assert ids(engine, '"arrested suspects"') == set()
    assert ids(engine, '"arrested suspects"~2') == expected(engine_kind, "phrase_slop", {2})
    assert ids(engine, '"suspects arrested"~2') == expected(engine_kind, "phrase_slop", set())


# -- fields -----------------------------------------------------------------------------------------


def test_title_and_body_fields(engine: SearchEngine) -> None:
    assert ids(engine, "title:blanqueo") == {1}
    assert ids(engine, "body:blanqueo") == set()
    assert ids(engine, "body:finanza") == {3}
    assert ids(engine, "title:finanza") == set()
    assert ids(engine, "title:(tantalio OR berlin)") == {1, 2, 3, 6}


def test_keyword_fields_match_the_whole_value_folded(engine: SearchEngine) -> None:
    assert ids(engine, "source:europol") == ids(engine, "source:EUROPOL") == {2}
    assert ids(engine, "language:fr") == ids(engine, "language:FR") == {5}
    assert ids(engine, 'url:"https://pj.example/icaro"') == {4}
    assert ids(engine, "source:guardia") == set()  # the whole value, not a word of it


def test_operation_field_and_filter_whatever_the_language(engine: SearchEngine) -> None:
    assert ids(engine, "operation:tantalio") == {1, 2, 3}
    assert ids(engine, 'operation:"black wolf"') == {7}
    assert ids(engine, "operation:ICARO") == ids(engine, "operation:icaro") == {4}
    assert ids(engine, "operation:tantalio language:it") == {3}
    assert ids(engine, operation="TANTÁLIO") == {1, 2, 3}
    assert ids(engine, operation="Black Wolf") == {7}
    assert ids(engine, operation="Nonexistent") == set()


def test_source_country_and_agency_are_the_publishers(engine: SearchEngine) -> None:
    assert ids(engine, "source_country:PT") == ids(engine, "source_country:pt") == {4}
    assert ids(engine, "source_country:es") == {1, 7}
    assert ids(engine, "tantalio source_country:IT") == {3}
    assert ids(engine, 'source_agency:"guardia civil"') == ids(engine, 'source_agency:"GUARDIA CIVIL"') == {1}
    assert ids(engine, source_country="pt") == {4}
    assert ids(engine, source_agency="europol") == {2}
    assert ids(engine, "tantalio", source_country="ES", source_agency="guardia civil") == {1}


def test_country_and_agency_are_what_the_text_mentions(engine: SearchEngine) -> None:
    # Europol's release (published in NL) mentions Spain.
    assert ids(engine, "country:es") == ids(engine, country="Es") == {1, 2, 7}
    assert ids(engine, "country:PT") == ids(engine, "country:pt") == {4}
    assert ids(engine, "tantalio country:IT") == {3}
    assert ids(engine, "agency:europol") == ids(engine, "agency:EUROPOL") == ids(engine, agency="europol") == {1, 2}
    assert ids(engine, "tantalio", country="ES", source_country="NL") == {2}
    assert ids(engine, "tantalio", agency="europol", source_agency="guardia civil") == {1}


def test_id_field(engine: SearchEngine) -> None:
    assert ids(engine, "id:3") == {3}
    assert ids(engine, "id:3 OR id:5") == {3, 5}
    assert ids(engine, "id:[2 TO 4]") == {2, 3, 4}


def test_filters_combine_with_the_query(engine: SearchEngine) -> None:
    assert ids(engine, "tantalio", language="it") == {3}
    assert ids(engine, source="gdf") == {3}
    assert ids(engine, "tantalio", year=2017, language="es") == {1}


# -- prefixes, patterns and ranges ------------------------------------------------------------------


@pytest.mark.parametrize(("query", "exact"), [
    ("tantal*", {1, 2, 3}),
    ("deten*", {1, 7}),
    ("blanque*", {1}),
    ("festnahm*", {6}),
    ("operation:black*", {7}),
    ("title:finanz*", set()),
    ("hydr?", {6}),  # "Hydra"; the French "Hydre" is indexed as its stem "hydr", one letter short
    ("tant?l*", {1, 2, 3}),
    ("country:e?", {1, 2, 7}),
    ("body:*", {1, 2, 3, 4, 5, 6, 7}),
])
def test_prefixes_and_patterns_are_folded_not_stemmed(engine: SearchEngine, engine_kind: str, query: str,
                                                      exact: set[int]) -> None:
    assert ids(engine, query) == expected(engine_kind, "prefix_matches_stems", exact)


@pytest.mark.parametrize("query", ["OPERACIÓ*", "operacio*", "Operació*"])
def test_a_prefix_longer_than_the_stem_still_finds_the_word(engine: SearchEngine, engine_kind: str,
                                                             query: str) -> None:
    # "Operación" is indexed as a stem shorter than the typed prefix; the prefix still finds it.
    assert {1, 7} <= ids(engine, query)
    assert ids(engine, query) <= expected(engine_kind, "prefix_matches_stems", {1, 2, 3, 5, 7})


def test_term_ranges(engine: SearchEngine) -> None:
    assert ids(engine, "source:[a TO f]") == {2}  # europol; guardiacivil, gdf... sort after "f"
    assert ids(engine, "source:[p TO q]") == {4, 6, 7, 5}  # pj, polizei-berlin, policia, police-nationale


def test_an_over_broad_pattern_is_refused_not_searched(make_engine: EngineMaker) -> None:
    words = " ".join(f"zq{n:04d}" for n in range(MAX_EXPANSION + 10))
    engine = make_engine([DOCS[0], DOCS[1].replace(id=99, text=words, language="xx")])
    assert ids(engine, "zq000*") == {99}  # 10 words: fine
    with pytest.raises(QueryError, match=r"\"zq\*\" matches more than 512"):
        engine.search(SearchRequest(query="zq*"))


# -- dates and years --------------------------------------------------------------------------------


def test_date_ranges_in_the_query(engine: SearchEngine) -> None:
    assert ids(engine, "published:[2017-01-01 TO 2017-12-31]") == {1, 2, 5, 7}
    assert ids(engine, "tantalio published:[2018-01-01 TO 2019-12-31]") == {3}
    assert ids(engine, "published:[2017-03-15 TO 2017-03-15]") == {1, 7}
    assert ids(engine, "published:2017-03-15") == {1, 7}
    assert ids(engine, "published:[2018-01-01 TO]") == {3, 4}
    assert ids(engine, "published:[TO 2017-03-16]") == {1, 2, 7}
    assert ids(engine, "published:[2017-03-01 TO 2017-02-01]") == set()


def test_years_in_the_query(engine: SearchEngine) -> None:
    assert ids(engine, "year:2017") == {1, 2, 5, 7}
    assert ids(engine, "year:[2018 TO 2019]") == {3, 4}
    assert ids(engine, "year:[2018 TO]") == {3, 4}


def test_date_filters(engine: SearchEngine) -> None:
    assert ids(engine, since=date(2018, 1, 1)) == {3, 4}
    assert ids(engine, until=date(2017, 3, 15)) == {1, 7}
    assert ids(engine, since=date(2017, 3, 16), until=date(2017, 12, 31)) == {2, 5}
    assert ids(engine, year=2017) == {1, 2, 5, 7}
    assert ids(engine, "tantalio", since=date(2017, 3, 16)) == {2, 3}
    assert ids(engine, "tantalio", until=date(2017, 3, 15)) == {1}


# -- boosts -----------------------------------------------------------------------------------------


def test_a_boost_raises_its_clause(engine: SearchEngine, engine_kind: str) -> None:
    # Unboosted, the English release (Europol in title and body) outranks the Italian one.
    assert ranked(engine, "europol OR finanza")[0] == 2
    assert ranked(engine, "europol OR finanza^10") == expected(engine_kind, "relevance_order", [3, 2, 1])
    assert ranked(engine, "(finanza^10) OR europol") == expected(engine_kind, "relevance_order", [3, 2, 1])
    assert ids(engine, "tantalio^2") == {1, 2, 3}


# -- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("title:(", "unbalanced parenthesis at position 6", 6),
        ("tantalio)", "position 8", 8),
        ('"unclosed', "unclosed quote at position 0", 0),
        ("published:[2017 TO", "unclosed range at position 10", 10),
        ("foo:bar", 'unknown field "foo"', None),
        ("published:[foo TO bar]", "foo", None),
        ("published:[x TO y]", "x", None),
        ('published:""', "published", None),
        ("year:abc", "abc", None),
    ],
)
def test_a_bad_query_is_a_query_error_that_says_what_and_where(
        engine: SearchEngine, query: str, message: str, position: int | None) -> None:
    with pytest.raises(QueryError, match=re.escape(message)) as caught:
        engine.search(SearchRequest(query=query))
    if position is not None:
        assert caught.value.position == position
    with pytest.raises(QueryError, match=re.escape(message)):
        engine.matching_ids(SearchRequest(query=query))


@pytest.mark.parametrize(
    "query",
    [
        "*", "*:*", "AND", "OR OR", "NOT", "a^", "^", "~", "!!!", "–", "title:", "12:30",
        "[a TO b]", "{}", "()", "''", "'", '""', "tantalio^2", "l'opération", "\x00",
        "published:2017", "year:[2016 TO 2018]", "id:1", "url:\"https://europol.example\"",
        "deten* OR (hydra AND NOT x)", "operation:", "title:[a TO z]", "id:abc", "tantalio~", "word~",
        '"arrested suspects"~' + "9" * 30, '"arrested suspects"~2147483648', "tantalio^" + "9" * 400,
    ],
)
def test_odd_queries_answer_or_raise_query_error(engine: SearchEngine, query: str) -> None:
    for sort in ("relevance", "date"):
        for language in ("es", None):
            try:
                result = engine.search(SearchRequest(query=query, sort=sort, language=language))
            except QueryError as error:
                assert str(error) and "\n" not in str(error)
                continue
            assert isinstance(result, SearchResult)
            assert result.total >= len(result.hits)
