"""The OpenSearch engine's query translation, without a server: the DSL a tree becomes.

What the DSL then matches is tested against a real node and against Whoosh in
tests/test_opensearch_engine.py and the contract suite; here, the choices themselves.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from pressarchive.index import QueryError
from pressarchive.index import querytree as qt
from pressarchive.index.opensearchindex.translate import Translator, clause_count, describe
from pressarchive.index.querytree import MIN_BOOST


def test_a_word_searches_title_double_and_body_in_each_group_a_stop_word_counts_as_present() -> None:
    query = Translator(("en", "es")).query(qt.Term(None, "La"))
    assert query == {"bool": {"minimum_should_match": 1, "should": [
        {"match": {"title_en": {"query": "la", "operator": "and", "boost": 2.0}}},
        {"match": {"body_en": {"query": "la", "operator": "and", "boost": 1.0}}},
        {"term": {"lang_group": {"value": "es", "boost": MIN_BOOST}}},
        {"term": {"lang_group": {"value": "es", "boost": MIN_BOOST}}},
    ]}}
    # Punctuation is no word: the clause is dropped, as Whoosh drops it.
    assert Translator(("en",)).query(qt.And((qt.Term(None, "!!"), qt.Term("title", "Straße")))) == {
        "bool": {"must": [{"match": {"title_en": {"query": "strasse", "operator": "and", "boost": 1.0}}}]}}


def test_prefixes_are_folded_never_stemmed_and_reach_the_stems_they_start_with() -> None:
    query = Translator(("es",)).query(qt.Prefix("body", "Operació"))
    assert query == {"constant_score": {"boost": 1.0, "filter": {"bool": {"minimum_should_match": 1, "should": [
        {"prefix": {"body_es": {"value": "operacio"}}},
        {"term": {"body_es": "oper"}}, {"term": {"body_es": "opera"}},
        {"term": {"body_es": "operac"}}, {"term": {"body_es": "operaci"}},
    ]}}}}
    assert describe(qt.Prefix(None, "Operació")) == "operacio*"


def test_patterns_are_counted_against_the_cap_per_field() -> None:
    counted: list[list[str]] = []

    def count(pairs: list[tuple[str, dict[str, object]]]) -> list[int]:
        counted.append([field for field, _ in pairs])
        return [600 if field == "body_de" else 3 for field, _ in pairs]

    with pytest.raises(QueryError, match=r'^"deten\*" matches more than 512 different words'):
        Translator(("en", "de"), count).query(qt.Prefix(None, "deten"))
    assert counted == [["title_en", "body_en", "title_de", "body_de"]]  # counted in one go


def test_keywords_compare_folded_numbers_and_dates_are_checked() -> None:
    translate = Translator(("en",)).query
    assert translate(qt.Term("operation", " TANTÁLIO ")) == {"term": {"folded.operation": "tantalio"}}
    assert translate(qt.Term("url", "https://Example.org/A")) == {"term": {"url": "https://Example.org/A"}}
    assert translate(qt.TermRange("year", "2019", None, include_start=False)) == {
        "constant_score": {"filter": {"range": {"year": {"gt": 2019}}}, "boost": 1.0}}
    assert translate(qt.DateRange("published", date(2020, 1, 1), date(2020, 1, 31))) == {"constant_score": {
        "filter": {"range": {"day": {"gte": date(2020, 1, 1).toordinal(), "lte": date(2020, 1, 31).toordinal()}}},
        "boost": 1.0}}
    assert translate(qt.Wildcard("year", "*")) == {
        "constant_score": {"filter": {"exists": {"field": "year"}}, "boost": 1.0}}
    with pytest.raises(QueryError, match="invalid value 'x' for field \"id\""):
        translate(qt.Term("id", "x"))


def test_only_negations_keep_every_other_document() -> None:
    assert Translator(("en",)).query(qt.Not(qt.Term("source", "a"))) == {
        "bool": {"must": [{"match_all": {}}], "must_not": [{"term": {"folded.source": "a"}}]}}


def test_large_expansions_become_one_terms_clause_per_field() -> None:
    words = tuple(qt.Term(None, f"word{n}") for n in range(100))
    expansion = qt.Expansion(None, "~big", (*words, qt.Phrase(None, ("two", "words"))))
    plain = Translator(("en", "de")).query(expansion)
    assert clause_count(plain) == 100 * 4 + 2 * 4  # every word in every field, the phrase's two words

    def analyze(group: str, found: list[str]) -> dict[str, str]:
        return {word: f"{word}-{group}" for word in found}

    compact = Translator(("en", "de"), analyze=analyze).query(expansion)
    assert clause_count(compact) == 4 + 2 * 4  # a terms clause per field, the phrase as before
    assert {"terms": {"title_de": sorted(f"word{n}-de" for n in range(100)), "boost": 2.0}} in compact["bool"]["should"]


def test_opening_the_engine_loads_neither_whoosh_nor_numpy() -> None:
    code = ("import sys; import pressarchive.index.opensearchindex.engine, pressarchive.index.opensearchindex.searcher;"
            " print('whoosh' in sys.modules, 'numpy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == [
        "False", "False"]
