"""Strict check of query brackets, quotes and size before the parser reads the text.

A parser that silently repairs unbalanced parentheses, unclosed quotes and half-written
ranges (as Whoosh's, which the language grew on, did) turns a typo into a different search.
Rejecting them with the position lets the user fix the query instead of wondering about the
results.

The size of a query is bounded here too, before any parsing: at most :data:`MAX_WORDS` words
(operators, field names, wildcards and each part of a date count) and parentheses nested at
most :data:`MAX_DEPTH` deep. Every word becomes one clause per language field and every level
a level of recursion in the parser and the matcher, so a query of thousands of clauses or
levels is refused at once with a message instead of running into the time limit or the
interpreter's recursion limit.
"""

from __future__ import annotations

import re

from pressarchive.index.errors import QueryError, QueryTooExpensive

MAX_WORDS = 100
#: A prefix, pattern or range, or all thesaurus expansions of a query, may stand for at most
#: this many distinct words; more is refused (in every engine, with the same message).
MAX_EXPANSION = 512
MAX_DEPTH = 20
_WORD = re.compile(r"[\w*?]+")

_CLOSERS = {"(": ")", "[": "]}", "{": "]}"}  # whoosh ranges may mix [ ] and { } ends


def check_syntax(text: str) -> None:
    """Raise :class:`QueryError` for an unclosed quote, parenthesis or range in ``text``,
    and :class:`QueryTooExpensive` for more than :data:`MAX_WORDS` words."""
    words = len(_WORD.findall(text))
    if words > MAX_WORDS:
        raise QueryTooExpensive(
            f"query too expensive: {words} words, operators and field names, at most {MAX_WORDS};"
            " search for fewer words at a time"
        )
    open_stack: list[tuple[str, int]] = []
    quote_at: int | None = None
    for pos, char in enumerate(text):
        if quote_at is not None:
            quote_at = None if char == '"' else quote_at
        elif char == '"':
            quote_at = pos
        elif char in _CLOSERS:
            _check_opening(open_stack, char, pos)
            open_stack.append((char, pos))
            if len(open_stack) > MAX_DEPTH:
                raise QueryError(f"parentheses nested more than {MAX_DEPTH} deep at position {pos}", position=pos)
        elif char in ")]}":
            _check_closing(open_stack, char, pos)
            open_stack.pop()
    if quote_at is not None:
        raise QueryError(f"unclosed quote at position {quote_at}", position=quote_at)
    if open_stack:
        char, pos = open_stack[-1]
        raise QueryError(f"{_describe(char)} at position {pos}", position=pos)


def _check_opening(open_stack: list[tuple[str, int]], char: str, pos: int) -> None:
    # Inside a range only the two bounds may appear; nesting means a missing ']'.
    if open_stack and open_stack[-1][0] in "[{":
        raise QueryError(f"unexpected {char!r} inside a range at position {pos}", position=pos)


def _check_closing(open_stack: list[tuple[str, int]], char: str, pos: int) -> None:
    if not open_stack:
        kind = "parenthesis" if char == ")" else "range bracket"
        raise QueryError(f"unbalanced {kind} {char!r} at position {pos}", position=pos)
    opener, opened_at = open_stack[-1]
    if char not in _CLOSERS[opener]:
        raise QueryError(f"{_describe(opener)} at position {opened_at} (found {char!r} at {pos})", position=opened_at)


def _describe(opener: str) -> str:
    return "unbalanced parenthesis" if opener == "(" else "unclosed range"
