"""pressarchive's query tree as OpenSearch query DSL, with the Whoosh engine's meaning.

A plain word searches the title (weighed double) and body fields of every searched language
group (all, or the request's language's), words are ANDed by the tree, and in a group where
the word is a stop word it counts as present (a ``lang_group`` term of negligible weight, as
Whoosh does), so "la operación" still finds Spanish texts. Words are folded and stripped of
stop words here exactly as documents are (:mod:`.documents`) and OpenSearch's analyzer stems
them. Prefixes, wildcards and ranges match index words folded and never stemmed (a prefix
also reaches stems it starts with, at least :data:`MIN_STEM` long), score their boost, and
are counted first (:mod:`.expansion`). Keyword values compare folded; ``url`` exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from pressarchive.index import querytree as qt
from pressarchive.index.errors import QueryError
from pressarchive.index.fields import KEYWORD_FIELDS, body_field, title_field
from pressarchive.index.languages import fold
from pressarchive.index.opensearchindex.documents import folded_keyword, prepared_text
from pressarchive.index.opensearchindex.expansion import too_many
from pressarchive.index.queryvalues import DATE_FIELDS, NUMBER_LIMITS
from pressarchive.index.syntaxcheck import MAX_EXPANSION
from pressarchive.index.wordterms import only_stop_words

Query = dict[str, Any]
#: Counts the distinct index words term-level queries (prefix, wildcard, range) stand for, each
#: on its field: (field, query) pairs -> a count for each.
WordCounter = Callable[[list[tuple[str, Query]]], list[int]]
#: The index terms (stems) of single words in a group: group, words -> word -> its term.
Analyzer = Callable[[str, list[str]], dict[str, str]]

MIN_STEM = 4
#: Fields whose values are numbers or days, not words: ranges compare them as such.
_NUMBER_OR_DATE = (*NUMBER_LIMITS, *DATE_FIELDS)


class Translator:
    """Translates query trees for searches over the text fields of ``groups``."""

    def __init__(self, groups: tuple[str, ...], count_words: WordCounter | None = None,
                 analyze: Analyzer | None = None) -> None:
        self.groups = groups
        self.count_words = count_words
        # With an analyzer, an expansion's single words become one ``terms`` clause per field
        # (see :meth:`_compact_expansion`); without, one scored clause per word and field.
        self.analyze = analyze

    def query(self, node: qt.Node) -> Query:
        """The DSL query for ``node``."""
        return self._clause(node) or {"match_none": {}}

    def _clause(self, node: qt.Node) -> Query | None:
        """The DSL for ``node``, or None when it has nothing to search (only punctuation),
        which an AND or OR leaves out, as Whoosh drops such words."""
        if isinstance(node, qt.MatchAll):
            return {"match_all": {"boost": node.boost}} if node.boost != 1.0 else {"match_all": {}}
        if isinstance(node, qt.MatchNone):
            return {"match_none": {}}
        if isinstance(node, qt.And):
            return self._and(node)
        if isinstance(node, qt.Or):
            return _should(_present(self._clause(child) for child in node.clauses), node.boost) or None
        if isinstance(node, qt.Not):
            inner = self._clause(node.clause)
            if inner is None:
                return None
            return {"bool": {"must": [{"match_all": {}}], "must_not": [inner]}}
        if isinstance(node, qt.Expansion):
            if self.analyze is not None and node.field in (None, "title", "body"):
                return self._compact_expansion(node)
            terms = (self._clause(_with_field(term, node.field)) for term in node.terms)
            return _should(_present(terms), node.boost) or None
        if isinstance(node, qt.Term):
            return self._term(node)
        if isinstance(node, qt.Phrase):
            return self._phrase(node)
        if isinstance(node, (qt.Prefix, qt.Wildcard, qt.TermRange)):
            return self._multiterm(node)
        if isinstance(node, qt.DateRange):
            return _constant(_day_range(node), node.boost)
        raise QueryError(f"invalid query: unknown query node {type(node).__name__}")

    def _and(self, node: qt.And) -> Query | None:
        must = _present(self._clause(c) for c in node.clauses if not isinstance(c, qt.Not))
        must_not = _present(self._clause(c.clause) for c in node.clauses if isinstance(c, qt.Not))
        if not must and not must_not:
            return None
        if not must:
            # Only negations: every document not excluded, scoring 1 per negation as in Whoosh.
            must = [{"match_all": {}} for _ in must_not]
        body: Query = {"must": must}
        if must_not:
            body["must_not"] = must_not
        if node.boost != 1.0:
            body["boost"] = node.boost
        return {"bool": body}

    # Text ------------------------------------------------------------------------------

    def _text_fields(self, field: str | None, groups: tuple[str, ...] | None = None) -> list[tuple[str, str, float]]:
        """(index field, group, boost factor) a text query field stands for."""
        found = []
        for group in groups or self.groups:
            if field in (None, "title"):
                found.append((title_field(group), group, qt.TITLE_BOOST if field is None else 1.0))
            if field in (None, "body"):
                found.append((body_field(group), group, 1.0))
        return found

    def _term(self, node: qt.Term) -> Query | None:
        if node.field in (None, "title", "body"):
            return self._per_field(node.field, node.text, node.boost, lambda f, text, boost: _match(f, text, boost))
        return _constant(self._keyword_term(node.field, node.text), node.boost, scored=True)

    def _phrase(self, node: qt.Phrase) -> Query | None:
        text = " ".join(node.words)
        if node.field not in (None, "title", "body"):
            return _constant(self._keyword_term(node.field, text), node.boost, scored=True)

        def phrase(field: str, prepared: str, boost: float) -> Query:
            if " " not in prepared:
                return _match(field, prepared, boost)
            if node.slop <= 0:
                return {"match_phrase": {field: {"query": prepared, "boost": boost}}}
            return {"intervals": {field: {**_sloppy(prepared.split(), node.slop), "boost": boost}}}

        return self._per_field(node.field, text, node.boost, phrase)

    def _per_field(self, field: str | None, text: str, boost: float,
                   make: Callable[[str, str, float], Query]) -> Query | None:
        clauses = []
        for index_field, group, factor in self._text_fields(field):
            prepared = prepared_text(text, group)
            if prepared:
                clauses.append(make(index_field, prepared, boost * factor))
            elif only_stop_words(text, group):
                # Only stop words of this group: present in each of its documents.
                clauses.append({"term": {"lang_group": {"value": group, "boost": qt.MIN_BOOST}}})
        return _should(clauses, 1.0) if clauses else None

    def _compact_expansion(self, node: qt.Expansion) -> Query | None:
        """An expansion whose single words are looked up per field in one ``terms`` clause
        (their stems, from OpenSearch's own analyzer): the same matches as a clause per word,
        in a handful of clauses, where a clause per word and field would pass the server's
        clause limit. Each field scores its boost once, however many of the words it holds."""
        assert self.analyze is not None
        singles = [term for term in node.terms if isinstance(term, qt.Term) and term.boost == 1.0]
        others = [self._clause(_with_field(term, node.field)) for term in node.terms if term not in singles]
        clauses = _present(others)
        for group in self.groups:
            words = {term.text: prepared_text(term.text, group) for term in singles}
            alone = [prepared for prepared in words.values() if prepared and " " not in prepared]
            stems = self.analyze(group, sorted(set(alone))) if alone else {}
            for text, prepared in words.items():
                if " " in prepared:  # one written word of several index words: all of them
                    clauses.extend(self._fields_of(group, node.field, prepared, node.boost, _match))
                elif not prepared and only_stop_words(text, group):
                    clauses.append({"term": {"lang_group": {"value": group, "boost": qt.MIN_BOOST}}})
            values = sorted(set(stems.values()))
            if values:
                for index_field, _, factor in self._text_fields(node.field, (group,)):
                    clauses.append({"terms": {index_field: values, "boost": node.boost * factor}})
        return _should(clauses, 1.0) or None

    def _fields_of(self, group: str, field: str | None, prepared: str, boost: float,
                   make: Callable[[str, str, float], Query]) -> list[Query]:
        return [make(name, prepared, boost * factor) for name, _, factor in self._text_fields(field, (group,))]

    def _keyword_term(self, field: str, text: str) -> Query:
        if field in NUMBER_LIMITS:
            return {"term": {field: _number(field, text)}}
        if field in DATE_FIELDS:
            day = _date(field, text)
            return {"term": {"day": day.toordinal()}}
        if field == "url":
            return {"term": {"url": text}}
        if field in KEYWORD_FIELDS:
            return {"term": {f"folded.{field}": folded_keyword(text)}}
        raise QueryError(f'unknown field "{field}"')

    # Prefixes, wildcards, ranges ------------------------------------------------------

    def _multiterm(self, node: qt.Prefix | qt.Wildcard | qt.TermRange) -> Query:
        if node.field in (None, "title", "body"):
            fields = self._text_fields(node.field)
            queries = self._counted([name for name, _, _ in fields], node)
            return _should([_constant(query, node.boost * factor)
                            for query, (_, _, factor) in zip(queries, fields, strict=True)], 1.0)
        if isinstance(node, qt.TermRange) and node.field in _NUMBER_OR_DATE:
            return _constant(_number_range(node), node.boost)
        any_value = isinstance(node, qt.Wildcard) and node.pattern.strip("*") == ""
        if any_value and node.field in _NUMBER_OR_DATE:
            # "year:*": any value, i.e. every document that has one.
            target = "day" if node.field in DATE_FIELDS else node.field
            return _constant({"exists": {"field": target}}, node.boost)
        if node.field in _NUMBER_OR_DATE:
            raise QueryError(f'a pattern cannot search the field "{node.field}": give a value or a range')
        if node.field not in KEYWORD_FIELDS:
            raise QueryError(f'unknown field "{node.field}"')
        target = "url" if node.field == "url" else f"folded.{node.field}"
        return _constant(self._counted([target], node)[0], node.boost)

    def _counted(self, fields: list[str], node: qt.Prefix | qt.Wildcard | qt.TermRange) -> list[Query]:
        """The term-level query on each field, once their words are counted; prefixes on a
        text field also take the stems that start the prefix."""
        keyword = fields == ["url"]
        queries = [_term_level(field, node, keyword) for field in fields]
        if self.count_words is not None:
            counts = self.count_words(list(zip(fields, queries, strict=True)))
            if any(count > MAX_EXPANSION for count in counts):
                raise too_many(describe(node, keyword))
        if isinstance(node, qt.Prefix) and not keyword and fields[0].startswith(("title_", "body_")):
            prefix = fold(node.text)
            queries = [_with_stems(field, query, prefix) for field, query in zip(fields, queries, strict=True)]
        return queries


def _with_stems(field: str, query: Query, prefix: str) -> Query:
    stems = [{"term": {field: prefix[:end]}} for end in range(MIN_STEM, len(prefix))]
    return {"bool": {"should": [query, *stems], "minimum_should_match": 1}} if stems else query


def describe(node: qt.Prefix | qt.Wildcard | qt.TermRange, keyword: bool = False) -> str:
    """The pattern as the errors name it: ``deten*``, ``?a*``, ``[a TO z]`` (folded)."""
    normal = (lambda text: text) if keyword else fold
    if isinstance(node, qt.Prefix):
        return f"{normal(node.text)}*"
    if isinstance(node, qt.Wildcard):
        return normal(node.pattern)
    return f"[{normal(node.start or '')} TO {normal(node.end or '')}]"


def _term_level(field: str, node: qt.Prefix | qt.Wildcard | qt.TermRange, keyword: bool) -> Query:
    normal = (lambda text: text) if keyword else fold
    if isinstance(node, qt.Prefix):
        return {"prefix": {field: {"value": normal(node.text)}}}
    if isinstance(node, qt.Wildcard):
        # Only "?" and "*" are special in the query language; OpenSearch also reads a backslash as an escape.
        return {"wildcard": {field: {"value": normal(node.pattern).replace("\\", "\\\\")}}}
    return {"range": {field: _bounds(node, normal)}}


def _bounds(node: qt.TermRange, convert: Callable[[str], Any]) -> dict[str, Any]:
    """A range's bounds as a ``range`` query's, each value converted."""
    bounds: dict[str, Any] = {}
    if node.start is not None:
        bounds["gte" if node.include_start else "gt"] = convert(node.start)
    if node.end is not None:
        bounds["lte" if node.include_end else "lt"] = convert(node.end)
    return bounds


def _sloppy(words: list[str], slop: int) -> Query:
    """Interval rules for words in this order with at most ``slop`` other words between each
    word and the next, as Whoosh matches sloppy phrases (a sloppy ``match_phrase`` would also
    take them reordered, and count the gaps of the whole phrase). Intervals keep only the
    closest occurrences of the words matched so far, so with three words or more a match that
    only a farther occurrence of a middle word makes is missed, where Whoosh finds it."""
    rule: Query = {"match": {"query": words[0]}}
    for word in words[1:]:
        rule = {"all_of": {"ordered": True, "max_gaps": slop, "intervals": [rule, {"match": {"query": word}}]}}
    return rule


def _number_range(node: qt.TermRange) -> Query:
    assert node.field is not None
    field, convert = (("day", lambda v: _date("published", v).toordinal()) if node.field in DATE_FIELDS
                      else (node.field, lambda v: _number(str(node.field), v)))
    return {"range": {field: _bounds(node, convert)}}


def _day_range(node: qt.DateRange) -> Query:
    if node.field not in ("published", "year"):
        raise QueryError(f'"{node.field}" is not a date field')
    return days_between(node.start, node.end)


def days_between(first: date | None, last: date | None) -> Query:
    """Documents published from day ``first`` to day ``last``, both included (a missing one
    is open; both missing: every document with a date)."""
    days: dict[str, int] = {}
    if first is not None:
        days["gte"] = first.toordinal()
    if last is not None:
        days["lte"] = last.toordinal()
    return {"range": {"day": days}} if days else {"exists": {"field": "day"}}


def _number(field: str, text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise QueryError(f'invalid value {text!r} for field "{field}"') from None
    if not -(2**63) <= value < 2**63:
        raise QueryError(f'invalid value {text!r} for field "{field}"')
    return value


def _date(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(f'invalid value {text!r} for field "{field}"') from None


def _match(field: str, text: str, boost: float) -> Query:
    # Several words from one typed word ("e-mail") must all be there, as in Whoosh.
    return {"match": {field: {"query": text, "operator": "and", "boost": boost}}}


def _present(clauses: Iterable[Query | None]) -> list[Query]:
    return [clause for clause in clauses if clause is not None]


def _should(clauses: list[Query], boost: float) -> Query:
    if not clauses:
        return {}
    if len(clauses) == 1 and boost == 1.0:
        return clauses[0]
    body: Query = {"should": clauses, "minimum_should_match": 1}
    if boost != 1.0:
        body["boost"] = boost
    return {"bool": body}


def _constant(query: Query, boost: float, scored: bool = False) -> Query:
    """A clause scoring its boost wherever it matches (Whoosh's score for patterns, ranges,
    keywords: ``scored`` keyword terms keep OpenSearch's score, as Whoosh scores terms)."""
    if scored:
        kind, spec = next(iter(query.items()))
        if kind == "term" and boost != 1.0:
            field, value = next(iter(spec.items()))
            return {"term": {field: {"value": value, "boost": boost}}}
        return query
    return {"constant_score": {"filter": query, "boost": boost}}


def _with_field(node: qt.Term | qt.Phrase, field: str | None) -> qt.Node:
    if node.field == field:
        return node
    if isinstance(node, qt.Term):
        return qt.Term(field, node.text, node.boost)
    return qt.Phrase(field, node.words, node.slop, node.boost)


def clause_count(query: Any) -> int:
    """How many term clauses OpenSearch counts against ``indices.query.bool.max_clause_count``
    for ``query``: each word of a match, phrase or interval, one per other leaf query."""
    if isinstance(query, list):
        return sum(clause_count(item) for item in query)
    if not isinstance(query, dict):
        return 0
    total = 0
    for kind, spec in query.items():
        if kind in ("bool", "constant_score", "filter", "must", "should", "must_not"):
            total += clause_count(spec)
        elif kind in ("match", "match_phrase", "intervals"):
            total += max(_words_of(spec), 1)
        elif kind not in ("minimum_should_match", "boost"):
            total += 1
    return total


def _words_of(spec: Any) -> int:
    """The words of every ``query`` text in a match, phrase or interval specification."""
    if isinstance(spec, dict):
        return sum(len(str(value).split()) if key == "query" else _words_of(value) for key, value in spec.items())
    if isinstance(spec, list):
        return sum(_words_of(item) for item in spec)
    return 0
