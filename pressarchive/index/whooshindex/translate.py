"""pressarchive's query tree -> a Whoosh query over this index's fields.

The tree names query fields; the index holds title and body once per analysis group. A value
of a text field (or of no field) becomes an OR over the per-language fields of the searched
groups (every group, or the request's language's only), each analysed in its own language;
without a field, title matches weigh :data:`TITLE_BOOST`. A word one language throws away as
a stop word must not veto an AND in that language's documents ("la operación"), so there it
is treated as present in every document of the language (``lang_group``, boost
:data:`MIN_BOOST`, so it does not rank). Prefixes and patterns are folded, never stemmed
(stemming would cut "operació*" differently from the words it should match); keyword values
are folded like the keyword fields; dates become ranges over the day, numbers the index's
number terms. The result is normalised as Whoosh's parser normalised it, so the matcher
(:mod:`~pressarchive.index.whooshindex.matchset`) sees the queries it always saw.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, time

from whoosh import query as wq
from whoosh.fields import FieldType, Schema
from whoosh.util.times import datetime_to_long

from pressarchive.index.fields import TEXT_FIELDS, body_field, group_of_field, title_field
from pressarchive.index.languages import GROUPS, fold
from pressarchive.index.querytree import (
    MIN_BOOST, TITLE_BOOST, And, DateRange, Expansion, MatchAll, MatchNone, Node, Not, Or, Phrase, Prefix, Term,
    TermRange, Wildcard,
)
from pressarchive.index.queryvalues import NUMBER_LIMITS
from pressarchive.index.wordterms import only_stop_words
from pressarchive.index.whooshindex.schema import build_schema

PerField = Callable[[str, float], wq.Query | None]


def to_whoosh(root: Node, groups: tuple[str, ...] = GROUPS) -> wq.Query:
    """The Whoosh query for ``root`` over the text fields of ``groups``, normalised."""
    q = _Translator(groups).query(root)
    if q is None:
        return wq.NullQuery
    if isinstance(q, wq.And) and q.boost != 1.0:
        # Whoosh's parser had every query inside an AND, which normalising flattens, pushing
        # a boosted group's boost into its clauses; the same here.
        q = wq.And([q])
    q = q.normalize()
    _clamp_boosts(q)
    return q


@functools.cache
def _schema() -> Schema:
    return build_schema()


class _Translator:
    def __init__(self, groups: tuple[str, ...]) -> None:
        self.titles = tuple(title_field(group) for group in groups)
        self.bodies = tuple(body_field(group) for group in groups)

    def query(self, node: Node) -> wq.Query | None:
        if isinstance(node, And):
            clauses = self._all(node.clauses)
            # Normalising turns an AND holding an unfielded Every into Every, dropping the
            # other clauses ("*:* NOT x" would match everything): every document adds nothing.
            return wq.And([q for q in clauses if not _every(q)] or clauses, boost=node.boost)
        if isinstance(node, Or):
            return _any_of(self._all(node.clauses), node.boost)
        if isinstance(node, Not):
            clause = self.query(node.clause)
            return None if clause is None else wq.Not(clause)
        if isinstance(node, Expansion):
            return _any_of(self._all(node.terms), node.boost)
        if isinstance(node, MatchAll):
            return wq.Every()
        if isinstance(node, MatchNone):
            return wq.NullQuery
        if isinstance(node, DateRange):
            return _date_range(node)
        if node.field in NUMBER_LIMITS:
            return _number(node)
        return self._value(node)

    def _all(self, nodes: tuple[Node, ...]) -> list[wq.Query]:
        return [q for q in map(self.query, nodes) if q is not None]

    def _value(self, node: Term | Phrase | Prefix | Wildcard | TermRange) -> wq.Query | None:
        per_field = _per_field(node)
        if node.field is not None and node.field not in TEXT_FIELDS:
            return per_field(node.field, node.boost)  # a keyword field
        titles = self.titles if node.field in (None, "title") else ()
        bodies = self.bodies if node.field in (None, "body") else ()
        title_boost = TITLE_BOOST if node.field is None else 1.0
        found = [per_field(name, title_boost) for name in titles] + [per_field(name, 1.0) for name in bodies]
        return wq.Or([q for q in found if q is not None], boost=node.boost)


def _any_of(queries: list[wq.Query], boost: float) -> wq.Or:
    """An OR of ``queries``, with the clauses of those that are ORs themselves taken in.

    What normalising does anyway, but on the fresh queries made here: normalising would
    deep-copy every clause of an inner OR to give it the inner OR's boost (hundreds of
    copies for an OR of words, or of a thesaurus word's terms, each over 16 fields).
    """
    clauses: list[wq.Query] = []
    for q in queries:
        if _every(q):  # matching everything: what normalising makes of it, here for an AND to see
            return wq.Every(boost=boost)
        if type(q) is wq.Or:
            for clause in q.subqueries:
                clause.boost = clause.boost * q.boost
            clauses.extend(q.subqueries)
        else:
            clauses.append(q)
    return wq.Or(clauses, boost=boost)


def _every(q: wq.Query) -> bool:
    """Whether ``q`` is the unfielded Every (``*:*``, or an OR that holds it)."""
    return isinstance(q, wq.Every) and q.fieldname is None


def _per_field(node: Term | Phrase | Prefix | Wildcard | TermRange) -> PerField:
    """How ``node`` reads in one index field, given the boost that field carries."""
    if isinstance(node, Term):
        return lambda name, boost: _term(name, node.text, boost)
    if isinstance(node, Phrase):
        return lambda name, boost: _phrase(name, node, boost)
    if isinstance(node, TermRange):
        return lambda name, boost: _term_range(name, node, boost)
    kind, text = (wq.Prefix, node.text) if isinstance(node, Prefix) else (wq.Wildcard, node.pattern)
    return lambda name, boost: _pattern(name, kind, text, boost)


def _tokens(field: FieldType, text: str, **options: bool) -> list[str]:
    return list(field.process_text(text, mode="query", **options))


def _term(name: str, text: str, boost: float) -> wq.Query | None:
    group = group_of_field(name)
    # A language's title and body analyse alike: one analysis serves both.
    words, stop_words_only = _word_terms(name if group is None else body_field(group), text)
    if len(words) > 1:
        return wq.And([wq.Term(name, word, boost=boost) for word in words])
    if words:
        return wq.Term(name, words[0], boost=boost)
    if group is None or not stop_words_only:
        return None  # nothing searchable here (punctuation)
    # Only stop words of this language: present in every document of it, ranking nothing.
    return wq.Term("lang_group", group, boost=MIN_BOOST)


@functools.lru_cache(maxsize=8192)
def _word_terms(name: str, text: str) -> tuple[tuple[str, ...], bool]:
    """The terms a typed word gives in field ``name``, and whether it gave none only because
    they are stop words of a stemmed language (cached: searches repeat their words)."""
    words = tuple(_tokens(_schema()[name], text, tokenize=True, removestops=True))
    group = group_of_field(name)
    return words, not words and group is not None and only_stop_words(text, group)


def _phrase(name: str, node: Phrase, boost: float) -> wq.Query:
    words = [token.text for token in _schema()[name].tokenize(" ".join(node.words), mode="query", chars=True)]
    return wq.Phrase(name, words, slop=node.slop + 1, boost=boost)


def _pattern(name: str, kind: type[wq.Prefix] | type[wq.Wildcard], text: str, boost: float) -> wq.Query | None:
    if group_of_field(name) is not None:
        return kind(name, fold(text), boost=boost)
    words = _tokens(_schema()[name], text, tokenize=False, removestops=False)
    if len(words) > 1:
        return wq.And([kind(name, word, boost=boost) for word in words])
    return kind(name, words[0], boost=boost) if words else None


def _term_range(name: str, node: TermRange, boost: float) -> wq.Query:
    field = _schema()[name]

    def bound(text: str | None) -> str | None:
        return next(iter(_tokens(field, text, tokenize=False, removestops=False)), None) if text else text

    return wq.TermRange(name, bound(node.start), bound(node.end), not node.include_start, not node.include_end,
                        boost=boost)


def _number(node: Node) -> wq.Query:
    if isinstance(node, TermRange):
        low = None if node.start is None else int(node.start)
        high = None if node.end is None else int(node.end)
        return wq.NumericRange(node.field, low, high, not node.include_start, not node.include_end, boost=node.boost)
    if isinstance(node, Wildcard):  # "*": any value
        return wq.Every(node.field, boost=node.boost)
    assert isinstance(node, Term) and node.field is not None
    return wq.Term(node.field, _schema()[node.field].to_bytes(int(node.text)), boost=node.boost)


def _date_range(node: DateRange) -> wq.Query:
    if node.start is None and node.end is None:
        return wq.Every(node.field, boost=node.boost)
    return wq.NumericRange(node.field, _moment(node.start, time.min), _moment(node.end, time.max), boost=node.boost)


def _moment(day: date | None, at: time) -> int | None:
    return None if day is None else datetime_to_long(datetime.combine(day, at))


def _clamp_boosts(q: wq.Query) -> None:
    # Normalising multiplies nested boosts; keep the floor the tree promises after it too.
    pending = [q]
    while pending:
        node = pending.pop()
        if getattr(node, "boost", 1.0) < MIN_BOOST:
            node.boost = MIN_BOOST
        pending.extend(node.children())
