"""The query tree in Whoosh's terms: per-language fields, stop words, folding, dates, numbers."""

from __future__ import annotations

from datetime import date, datetime

from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from pressarchive.index.querylang import parse_query
from pressarchive.index.querytree import MIN_BOOST, TITLE_BOOST, DateRange, MatchAll, MatchNone, Term, groups_for
from pressarchive.index.whooshindex.schema import build_schema
from pressarchive.index.whooshindex.translate import to_whoosh

ES = groups_for("es")


def whoosh(text: str, groups: tuple[str, ...] = ES) -> wq.Query:
    return to_whoosh(parse_query(text).root, groups)


def test_a_plain_word_searches_title_and_body_of_each_language_title_double() -> None:
    assert whoosh("Detenidos") == wq.Or([wq.Term("title_es", "deten", boost=TITLE_BOOST), wq.Term("body_es", "deten")])
    everywhere = whoosh("kestrel", groups_for(None))
    assert isinstance(everywhere, wq.Or) and len(everywhere.subqueries) == 16
    assert whoosh("title:kestrel^3") == wq.Term("title_es", "kestrel", boost=3.0)
    assert whoosh("kestrel-lantern") == wq.Or([  # one typed word, two index words: both
        wq.And([wq.Term("title_es", "kestrel", boost=TITLE_BOOST), wq.Term("title_es", "lantern", boost=TITLE_BOOST)]),
        wq.And([wq.Term("body_es", "kestrel"), wq.Term("body_es", "lantern")]),
    ])
    assert whoosh("e-mail") == wq.Or([wq.Term("title_es", "mail", boost=TITLE_BOOST), wq.Term("body_es", "mail")])


def test_a_stop_word_is_present_in_every_document_of_its_language() -> None:
    assert whoosh("la") == wq.Term("lang_group", "es", boost=MIN_BOOST)
    assert whoosh("la", groups_for("en")) == wq.Or([wq.Term("title_en", "la", boost=TITLE_BOOST),
                                                     wq.Term("body_en", "la")])
    assert whoosh("!!!") is wq.NullQuery


def test_patterns_are_folded_never_stemmed_and_keywords_folded() -> None:
    assert whoosh("OPERACIÓ*") == wq.Or([wq.Prefix("title_es", "operacio", boost=TITLE_BOOST),
                                          wq.Prefix("body_es", "operacio")])
    assert whoosh("body:?ion*") == wq.Wildcard("body_es", "?ion*")
    assert whoosh("country:PT") == wq.Term("country", "pt")
    assert whoosh('source_agency:"Guardia Civil"') == wq.Term("source_agency", "guardia civil")
    assert whoosh("url:\"https://E.example\"") == wq.Term("url", "https://E.example")  # urls as written
    assert whoosh("title:[Operación TO z]") == wq.TermRange("title_es", "oper", "z")


def test_dates_and_numbers() -> None:
    start, end = datetime(2017, 1, 1), datetime(2017, 12, 31, 23, 59, 59, 999999)
    assert whoosh("published:2017") == wq.NumericRange("published", datetime_to_long(start), datetime_to_long(end))
    assert to_whoosh(DateRange("published", None, None)) == wq.Every("published")
    assert to_whoosh(DateRange("published", date(2017, 3, 1), None)) == wq.NumericRange(
        "published", datetime_to_long(datetime(2017, 3, 1)), None)
    assert whoosh("year:2017") == wq.Term("year", build_schema()["year"].to_bytes(2017))
    assert whoosh("year:{2016 TO 2018]") == wq.NumericRange("year", 2016, 2018, True, False)
    assert whoosh("id:*") == wq.Every("id")


def test_operators_expansions_and_the_empty_ends() -> None:
    assert whoosh("kestrel NOT lantern") == wq.And([
        wq.Or([wq.Term("title_es", "kestrel", boost=TITLE_BOOST), wq.Term("body_es", "kestrel")]),
        wq.Not(wq.Or([wq.Term("title_es", "lantern", boost=TITLE_BOOST), wq.Term("body_es", "lantern")])),
    ])
    csam = whoosh("~csam")
    assert isinstance(csam, wq.Or)
    assert wq.Phrase("body_es", ["pornografi", "infantil"]) in csam.subqueries  # a phrase, analysed in Spanish
    assert to_whoosh(MatchAll()) == wq.Every()
    assert to_whoosh(MatchNone()) is wq.NullQuery
    assert to_whoosh(Term(None, "x", boost=0.0), ES) == wq.Or(
        [wq.Term("title_es", "x", boost=TITLE_BOOST), wq.Term("body_es", "x")], boost=MIN_BOOST)


def test_a_boosted_group_boosts_each_clause() -> None:
    both = whoosh("(kestrel lantern)^2")
    assert isinstance(both, wq.And) and both.boost == 1.0
    assert [clause.boost for clause in both.subqueries] == [2.0, 2.0]
