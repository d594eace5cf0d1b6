"""From the user's query text to a Whoosh query, or a :class:`QueryError` saying what is wrong.

Whoosh reports some problems (a bad date in a range, say) by quietly putting an error query in
the tree, which normalisation then drops; this module surfaces those as errors too, and
converts anything else the parser raises, so no whoosh exception reaches the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh.fields import Schema
from whoosh.query import Every, NullQuery, Query

from pressarchive.index.languages import GROUPS, language_group
from pressarchive.index.errors import QueryError
from pressarchive.index.whooshindex.parser import MIN_BOOST, parser_for
from pressarchive.index.syntaxcheck import check_syntax
from pressarchive.index.thesaurus import Thesaurus
from pressarchive.index.whooshindex.thesaurusquery import expansions_of

__all__ = ["ParsedQuery", "QueryError", "parse_query", "parse_search"]


@dataclass(frozen=True)
class ParsedQuery:
    """The query to run and the thesaurus expansions it holds (written -> terms)."""

    query: Query
    expansions: dict[str, list[str]] = field(default_factory=dict)


def parse_query(text: str, language: str | None = None) -> Query:
    """Parse ``text``; with ``language`` only that language's text fields are searched.

    Blank text matches every document.
    """
    return parse_search(text, language).query


def parse_search(text: str, language: str | None = None, thesaurus: Thesaurus | None = None,
                 expand: bool = False) -> ParsedQuery:
    """:func:`parse_query` with ``~word`` served by ``thesaurus`` (the package's when None)
    and, with ``expand``, every word the thesaurus knows expanded too."""
    if not text.strip():
        return ParsedQuery(Every())
    check_syntax(text)
    groups = GROUPS if language is None else (language_group(language),)
    parser = parser_for(groups, thesaurus, expand)
    try:
        nodes = parser.process(text)
        expansions = expansions_of(nodes)
        q = nodes.query(parser) or NullQuery
        _raise_embedded_error(q)
        q = q.normalize()
    except QueryError:
        raise
    except Exception as exc:  # whoosh and the field parsers raise all sorts
        raise QueryError(f"invalid query: {exc}") from exc
    _check_values(q, parser.schema)
    _clamp_boosts(q)
    return ParsedQuery(q, expansions)


def _clamp_boosts(q: Query) -> None:
    # "word^0" or "word^-1" means "count for nothing". A negative boost would rank matches
    # upside down, and whoosh's block-skipping collectors divide by the boost (our matcher
    # does not use them, whoosh's own search does): nearly nothing is safe for both.
    pending = [q]
    while pending:
        node = pending.pop()
        if getattr(node, "boost", 1.0) < MIN_BOOST:
            node.boost = MIN_BOOST
        pending.extend(node.children())


def _raise_embedded_error(q: Query) -> None:
    pending = [q]
    while pending:
        node = pending.pop()
        error = getattr(node, "error", None)
        if error is not None:
            raise QueryError(f"invalid query: {error}")
        pending.extend(node.children())


def _check_values(q: Query, schema: Schema) -> None:
    # Date and number fields convert their text only when the search runs; do it now so a
    # value like published:"" fails here, as a QueryError, and not deep inside the search.
    for leaf in q.leaves():
        for fieldname, text in leaf.terms(phrases=True):
            if fieldname in schema and schema[fieldname].self_parsing():
                try:
                    schema[fieldname].to_bytes(text)
                except Exception as exc:
                    raise QueryError(f'invalid value {text!r} for field "{fieldname}"') from exc
