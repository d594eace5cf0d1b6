"""pressarchive's own query tree: what a query means, before any engine runs it.

The query language (README, "Query language") is parsed once, by
:func:`pressarchive.index.querylang.parse_query`, into these immutable nodes, and validated
there: unknown fields, bad dates, thesaurus words and the size limits are refused with the
same messages whatever engine is configured. Each engine then translates the tree into its
own queries (Whoosh query objects, OpenSearch query DSL), so an engine never sees the text
the user typed and no engine's syntax or error wording leaks into the others.

Fields are query fields (:data:`pressarchive.index.fields.QUERY_FIELDS`): ``None`` is a
plain word (title and body in every language, title weighed double), ``"title"`` and
``"body"`` the text fields, the rest keyword, date and number fields. Text in text fields is
as written (each engine analyses it per language); text in keyword fields is as written too
(engines compare keyword values folded, :func:`pressarchive.index.languages.fold`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Union

from pressarchive.index.languages import GROUPS, language_group

#: How much more a plain word counts in a title than in the text.
TITLE_BOOST = 2.0
#: The least boost any node has: ``word^0`` (or a negative boost) counts for nearly nothing,
#: never for zero, so that no scorer ranks upside down or divides by zero.
MIN_BOOST = 1e-6
#: The most boost any node is given: ``word^99999...`` (float infinity, past some length)
#: counts this much, so scores stay finite numbers (JSON has no infinity) even multiplied
#: through groups nested as deep as a query may nest them.
MAX_BOOST = 1e6


def groups_for(language: str | None) -> tuple[str, ...]:
    """The analysis groups whose text fields a search in ``language`` covers (every group
    for None): a language filter narrows a plain word to that language's fields."""
    return GROUPS if language is None else (language_group(language),)


@dataclass(frozen=True)
class Term:
    """One word (text fields: analysed like the documents) or one keyword/number value.

    Text as written; in a text field it may analyse into several words (``e-mail``, a
    single-quoted ``'dark web'``, ``12:30``), which must then all match. Number fields
    (``year``, ``id``) hold the number written plainly (``year:+2017`` -> ``"2017"``).
    """

    field: str | None
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Words in this order (``"child protection"``), as written, split into words.

    ``slop``: extra positions allowed between them. Typed ``"a b"~n`` (Whoosh's count, in
    which ``~1`` is exact) it is ``n - 1``: ``"a b"~2`` has slop 1. Only text fields: a
    quoted keyword, date or number value is a :class:`Term` or :class:`DateRange`.
    """

    field: str | None
    words: tuple[str, ...]
    slop: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Every word starting with ``text`` (``deten*``): folded, never stemmed, capped at
    :data:`~pressarchive.index.syntaxcheck.MAX_EXPANSION` distinct words."""

    field: str | None
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Wildcard:
    """A pattern with ``?`` (one character) and ``*`` (any run): ``?a*``, ``*ion``; folded,
    never stemmed, capped like a prefix. ``*`` alone in a number field (``year:*``): any value."""

    field: str | None
    pattern: str
    boost: float = 1.0


@dataclass(frozen=True)
class TermRange:
    """Words (or keyword values) between two bounds in the index's order: ``title:[a TO c]``;
    a missing bound is open. Capped like a prefix. Bounds as written (text fields analyse
    each bound as one word); in number fields (``year:[2016 TO 2018]``) numbers, written
    plainly, compared as numbers."""

    field: str | None
    start: str | None
    end: str | None
    include_start: bool = True
    include_end: bool = True
    boost: float = 1.0


@dataclass(frozen=True)
class DateRange:
    """Documents whose ``field`` (``published``) falls between two days, both included; a
    missing bound is open, and both missing means "has a date". ``published:2017-03-01`` is
    that one day, ``published:2017`` the whole year; ``[2017 TO 2018]`` (or ``{...}``: the
    brackets' kind does not matter for dates) runs from 2017-01-01 to 2018-12-31."""

    field: str
    start: date | None
    end: date | None
    boost: float = 1.0


@dataclass(frozen=True)
class And:
    """Every clause must match."""

    clauses: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Or:
    """At least one clause must match; matching more ranks higher."""

    clauses: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Not:
    """Documents that do not match ``clause`` (``NOT x``, ``a AND NOT b``)."""

    clause: Node


@dataclass(frozen=True)
class Expansion:
    """A thesaurus word (``~arrest``, or any known word with the expand switch): an OR over
    ``terms`` (single words as :class:`Term`, several words as :class:`Phrase`) that keeps
    what was written, so the result can say what the word was searched as."""

    field: str | None
    written: str
    terms: tuple[Term | Phrase, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class MatchAll:
    """Every document: the empty query (browsing)."""

    boost: float = 1.0


@dataclass(frozen=True)
class MatchNone:
    """No document: what a query left without searchable words means (only punctuation)."""


Node = Union[  # noqa: UP007  (a runtime alias: the classes above refer to it by name)
    Term, Phrase, Prefix, Wildcard, TermRange, DateRange, And, Or, Not, Expansion, MatchAll, MatchNone,
]


@dataclass(frozen=True)
class ParsedQuery:
    """A validated query tree and the thesaurus expansions it holds (written -> terms)."""

    root: Node
    expansions: dict[str, list[str]] = field(default_factory=dict)


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node`` (an expansion's terms included)."""
    if isinstance(node, (And, Or)):
        return node.clauses
    if isinstance(node, Not):
        return (node.clause,)
    if isinstance(node, Expansion):
        return node.terms
    return ()


def walk(node: Node) -> list[Node]:
    """``node`` and every node below it, parents first."""
    found, pending = [], [node]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(reversed(children(current)))
    return found


def ranks_nothing(root: Node) -> bool:
    """Whether a query has nothing to rank its matches by, so every engine lists them by date
    as it lists a search without words: everything (``*:*``, or an OR holding it), or every
    document with a value in a number field (``year:*``, ``id:*``) or a date (an open range)."""
    if isinstance(root, MatchAll):
        return True
    if isinstance(root, Or):
        return any(ranks_nothing(clause) for clause in root.clauses if isinstance(clause, (MatchAll, Or)))
    if isinstance(root, Wildcard):
        return root.pattern == "*" and root.field in ("year", "id")
    if isinstance(root, DateRange):
        return root.start is None and root.end is None
    return False
