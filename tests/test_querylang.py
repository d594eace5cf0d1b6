"""The query language's own parser: the tree of every construct, its errors and its limits.

The trees here are what every engine receives, so they are checked node by node; what the
trees find is checked per engine by the search tests.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from pressarchive.index import MAX_EXPANSION, QueryError, QueryTooExpensive
from pressarchive.index.querylang import parse_query
from pressarchive.index.querytree import (
    MAX_BOOST, MIN_BOOST, And, DateRange, Expansion, MatchAll, MatchNone, Node, Not, Or, Phrase, Prefix, Term,
    TermRange, Wildcard, walk,
)
from pressarchive.index.thesaurus import Thesaurus, builtin_thesaurus


def tree(text: str, **options: object) -> Node:
    return parse_query(text, **options).root  # type: ignore[arg-type]


def word(text: str, field: str | None = None, boost: float = 1.0) -> Term:
    return Term(field, text, boost)


def error(text: str, **options: object) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse_query(text, **options)  # type: ignore[arg-type]
    return caught.value


# The README's table, row by row.

@pytest.mark.parametrize(("text", "expected"), [
    ("kestrel arrests", And((word("kestrel"), word("arrests")))),
    ("kestrel OR lantern", Or((word("kestrel"), word("lantern")))),
    ("kestrel NOT italy", And((word("kestrel"), Not(word("italy"))))),
    ("kestrel AND NOT italy", And((word("kestrel"), Not(word("italy"))))),
    ("(kestrel OR lantern) arrests", And((Or((word("kestrel"), word("lantern"))), word("arrests")))),
    ('"child protection"', Phrase(None, ("child", "protection"))),
    ("deten*", Prefix(None, "deten")),
    ("?a*", Wildcard(None, "?a*")),
    ("*ion", Wildcard(None, "*ion")),
    ("title:[a TO c]", TermRange("title", "a", "c")),
    ("title:kestrel", word("kestrel", "title")),
    ("body:arrests", word("arrests", "body")),
    ("operation:tantalio", word("tantalio", "operation")),
    ("country:PT", word("PT", "country")),  # as written: engines compare keyword values folded
    ("agency:europol", word("europol", "agency")),
    ("source:sample", word("sample", "source")),
    ("language:es", word("es", "language")),
    ("source_country:ES", word("ES", "source_country")),
    ('source_agency:"Guardia Civil"', word("Guardia Civil", "source_agency")),  # a keyword value, whole
    ("published:[2017-01-01 TO 2017-12-31]", DateRange("published", date(2017, 1, 1), date(2017, 12, 31))),
    ("year:2017", word("2017", "year")),
    ("kestrel year:2019 country:ES", And((word("kestrel"), word("2019", "year"), word("ES", "country")))),
])
def test_the_readme_table(text: str, expected: Node) -> None:
    assert tree(text) == expected


def test_thesaurus_words_keep_what_was_written() -> None:
    parsed = parse_query("~arrest")
    terms = builtin_thesaurus().terms_for("arrest")
    assert terms is not None and "detención" in terms and "Festnahme" in terms
    assert parsed.root == Expansion(None, "~arrest", tuple(Term(None, term) for term in terms))
    assert parsed.expansions == {"~arrest": terms}
    dark = parse_query('~"dark web"')
    assert isinstance(dark.root, Expansion) and dark.root.written == "~dark web"
    assert dark.root.terms[0] == Phrase(None, ("dark", "web"))  # several words: a phrase, exact
    assert Term(None, "darknet") in dark.root.terms
    assert dark.expansions["~dark web"][0] == "dark web"


def test_the_expand_switch_expands_every_known_plain_word() -> None:
    parsed = parse_query("arrest leeds title:arrest", expand=True)
    assert isinstance(parsed.root, And)
    first, leeds, titled = parsed.root.clauses
    assert isinstance(first, Expansion) and first.written == "arrest" and first.field is None
    assert leeds == word("leeds")  # unknown to the thesaurus: as written
    assert isinstance(titled, Expansion) and titled.field == "title"
    assert all(term.field == "title" for term in titled.terms)
    assert list(parsed.expansions) == ["arrest"]
    # Only plain words of the text: not phrases, prefixes or keyword fields.
    assert parse_query('"arrest" arrest* source:arrest', expand=True).expansions == {}
    assert parse_query("arrest leeds").expansions == {}


def test_thesaurus_errors_and_cap() -> None:
    unknown = error("~arrest leeds ~blorf ~blorf")
    assert str(unknown) == '"~blorf": not in the thesaurus; write the word without ~ to search it alone'
    assert unknown.position == 14
    assert str(error("source:~arrest")) == '"~arrest": the thesaurus expands words of the text, not of "source"'
    assert isinstance(tree("title:~arrest"), Expansion)
    huge = Thesaurus({"huge": tuple(f"term{n}" for n in range(MAX_EXPANSION + 1))})
    assert f"{MAX_EXPANSION + 1} terms, more than {MAX_EXPANSION}" in str(error("~huge", thesaurus=huge))
    half = Thesaurus({"a": tuple(f"a{n}" for n in range(300)), "b": tuple(f"b{n}" for n in range(300))})
    assert len(parse_query("~a", thesaurus=half).expansions["~a"]) == 300
    assert str(error("~a ~b", thesaurus=half)) == (
        f"the thesaurus expands this query to 600 terms, more than {MAX_EXPANSION}; expand fewer words")
    # ~ after a word or a phrase is not a thesaurus word.
    assert tree("word~") == word("word~")
    assert tree('"police arrested"~2') == Phrase(None, ("police", "arrested"), slop=1)


# Operators

@pytest.mark.parametrize(("text", "expected"), [
    ("a b OR c", And((word("a"), Or((word("b"), word("c")))))),  # OR binds tighter than the implicit AND
    ("a OR b AND c", Or((word("a"), And((word("b"), word("c")))))),  # AND tighter than OR
    ("a AND b OR c AND d", Or((And((word("a"), word("b"))), And((word("c"), word("d")))))),
    ("a OR b OR c", Or((word("a"), word("b"), word("c")))),
    ("NOT a OR b", Or((Not(word("a")), word("b")))),
    ("NOT tantalio", Not(word("tantalio"))),
    ("a ANDNOT b", And((word("a"), Not(word("b"))))),
    ("a REQUIRE b", And((word("a"), word("b")))),
    ("icaro OR (tantalio AND country:it)", Or((word("icaro"), And((word("tantalio"), word("it", "country")))))),
    ("a AND OR b", And((word("a"), word("b")))),  # an operator with nothing to join is ignored
    ("OR a", And((word("OR"), word("a")))),  # AND and OR only between spaces
    ("a AND ", word("a")),
    ("a NOT ", word("a")),
    ("a and b", And((word("a"), word("and"), word("b")))),  # operators only in capitals
    ("aANDb", word("aANDb")),
    ("NOT NOT a", Not(Not(word("a")))),
    ("title:(a OR b)", Or((word("a", "title"), word("b", "title")))),
    ("title:(a body:b)", And((word("a", "title"), word("b", "body")))),  # a value's own field wins
])
def test_operators_and_grouping(text: str, expected: Node) -> None:
    assert tree(text) == expected


# Words, fields and values

@pytest.mark.parametrize(("text", "expected"), [
    ("12:30", word("12:30")),  # field names start with a letter
    ("1:0", word("1:0")),
    ("title: x", And((word("title:"), word("x")))),  # a field name labels only what touches it
    ("Title:kestrel", word("kestrel", "title")),
    ("'dark web'", word("dark web")),  # single quotes: one value, spaces and all
    ("l'opération", word("l'opération")),
    ("e-mail", word("e-mail")),  # as written; engines analyse it into words
    ("!!!", MatchNone()),  # nothing searchable
    ('"" kestrel', word("kestrel")),
    ("kestrel !!!", word("kestrel")),
    ("NOT !!!", MatchNone()),
    ("", MatchAll()),
    ("   ", MatchAll()),
    ("*:*", MatchAll()),
    ("*", Wildcard(None, "*")),
    ("OPERACIÓ*", Prefix(None, "OPERACIÓ")),  # as written: engines fold it, never stem it
    ("title:deten*", Prefix("title", "deten")),
    ("de*ten*", Wildcard(None, "de*ten*")),
    ("country:p*", Prefix("country", "p")),
    ("url:\"https://europol.example\"", word("https://europol.example", "url")),
    ('"a b"~3', Phrase(None, ("a", "b"), slop=2)),  # ~n: n-1 extra positions (~1 is exact)
    ('"a b"~1', Phrase(None, ("a", "b"))),
    ('title:"black wolf"', Phrase("title", ("black", "wolf"))),
    ("title:{a TO c]", TermRange("title", "a", "c", include_start=False)),
    ("[TO c]", TermRange(None, None, "c")),
    ("title:[a TO]", TermRange("title", "a", None)),
    ("country:[a to c}", TermRange("country", "a", "c", include_end=False)),
    ("title:['a b' TO c]", TermRange("title", "a b", "c")),
    ("year:[2016 TO 2018]", TermRange("year", "2016", "2018")),
    ("year:{2016 TO 2018]", TermRange("year", "2016", "2018", include_start=False)),
    ("year:+2017", word("2017", "year")),
    ("year:\"2017\"", word("2017", "year")),
    ("id:5", word("5", "id")),
    ("id:*", Wildcard("id", "*")),
    ("published:2017", DateRange("published", date(2017, 1, 1), date(2017, 12, 31))),
    ("published:2017-02", DateRange("published", date(2017, 2, 1), date(2017, 2, 28))),
    ("published:2017-03-01", DateRange("published", date(2017, 3, 1), date(2017, 3, 1))),
    ("published:\"2017-03-01\"", DateRange("published", date(2017, 3, 1), date(2017, 3, 1))),
    ("published:[2018-01-01 TO]", DateRange("published", date(2018, 1, 1), None)),
    ("published:[TO 2017-03-16]", DateRange("published", None, date(2017, 3, 16))),
    ("published:{2017 TO 2018}", DateRange("published", date(2017, 1, 1), date(2018, 12, 31))),  # whole days
    ("published:[TO]", DateRange("published", None, None)),
])
def test_values(text: str, expected: Node) -> None:
    assert tree(text) == expected


# Boosts

@pytest.mark.parametrize(("text", "expected"), [
    ("kestrel^2", word("kestrel", boost=2.0)),
    ("kestrel^0.5", word("kestrel", boost=0.5)),
    ("kestrel^.5", word("kestrel", boost=0.5)),
    ("kestrel^0", word("kestrel", boost=MIN_BOOST)),  # counts for (nearly) nothing, never zero
    ("kestrel^" + "9" * 400, word("kestrel", boost=MAX_BOOST)),  # float("99...9") is inf: scores would be too
    ("(a b)^1000000000", And((word("a"), word("b")), boost=MAX_BOOST)),
    ("deten*^2", Prefix(None, "deten", 2.0)),
    ('"a b"^3', Phrase(None, ("a", "b"), boost=3.0)),
    ('"a b"~2^3', Phrase(None, ("a", "b"), slop=1, boost=3.0)),
    ("(a b)^2", And((word("a"), word("b")), boost=2.0)),
    ("title:kestrel^3 body:x", And((word("kestrel", "title", 3.0), word("x", "body")))),
    ("~arrest^2", Expansion(None, "~arrest", tuple(
        Term(None, term) for term in builtin_thesaurus().terms_for("arrest") or []), 2.0)),
    ("a ^2", And((word("a"), word("^2")))),  # a boost after a space is a word
    ("a^-1", word("a^-1")),  # not a boost: searched as words
])
def test_boosts(text: str, expected: Node) -> None:
    assert tree(text) == expected


# Errors, with the messages the index has always given

@pytest.mark.parametrize(("text", "message", "position"), [
    ("title:(", "unbalanced parenthesis at position 6", 6),
    ("tantalio)", "unbalanced parenthesis ')' at position 8", 8),
    ('"unclosed', "unclosed quote at position 0", 0),
    ("published:[2017 TO", "unclosed range at position 10", 10),
    ("title:[a (b TO c]", "unexpected '(' inside a range at position 9", 9),
    ("(" * 21 + "a" + ")" * 21, "parentheses nested more than 20 deep at position 20", 20),
    ("kestrel foo:bar", 'unknown field "foo" (known fields: agency, body, country, id, language, operation,'
                        " published, source, source_agency, source_country, title, url, year; put text with a"
                        " colon in quotes to search it as words)", 8),
    ("url:https://x", 'unknown field "https"', 4),
    ("titel:~arrest", 'unknown field "titel"', 0),  # not "the thesaurus expands words of the text"
    ("titel:~blorf", 'unknown field "titel"', 0),
    ("published:[foo TO bar]", "invalid query: 'foo' is not a parseable date", 10),
    ("published:2017-13-01", "invalid query: '2017-13-01' is not a parseable date", 10),
    ("published:2017-02-30", "invalid query: '2017-02-30' is not a parseable date", 10),
    ("published:*", "invalid query: '*' is not a parseable date", 10),
    ('published:""', "invalid value '' for field \"published\"", 10),
    ("year:abc", "invalid query: 'abc' is not a valid number", 5),
    ("year:70000", "invalid query: '70000' is not a valid number", 5),
    ("year:201?", "invalid query: '201?' is not a valid number", 5),
    ("year:201*", "invalid query: '201*' is not a valid number", 5),  # never year 201
    ("id:1*", "invalid query: '1*' is not a valid number", 3),
    ('year:"x"', "invalid value 'x' for field \"year\"", 5),
    ("year:[a TO 3]", "invalid query: Range start 'a' is not a valid number", 5),
    ("id:[1 TO b]", "invalid query: Range end 'b' is not a valid number", 3),
])
def test_errors(text: str, message: str, position: int) -> None:
    caught = error(text)
    assert message in str(caught)
    assert caught.position == position


def test_size_limits_come_first() -> None:
    with pytest.raises(QueryTooExpensive, match="101 words"):
        parse_query(" ".join(["w"] * 101))
    deep = "NOT " * 99 + "europol"  # under the word cap: a chain of NOTs, no recursion trouble
    node = tree(deep)
    assert sum(isinstance(n, Not) for n in walk(node)) == 99


def test_trees_are_values() -> None:
    assert parse_query("kestrel OR lantern").root == parse_query("kestrel  OR  lantern").root
    assert hash(tree("a b")) == hash(tree("a b"))


def test_the_parser_loads_no_engine() -> None:
    code = ("import sys, pressarchive.index.querylang as q; q.parse_query('~arrest title:[a TO c] deten*');"
            " print('whoosh' in sys.modules, 'numpy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
