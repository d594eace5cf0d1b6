"""The one exception the index lets out of a search: the user's query could not be understood.

A separate module so the syntax checker, the parser and the searcher can all raise it, and so
callers can catch it without importing whoosh (whose own exceptions never leave the package).
"""

from __future__ import annotations


class QueryError(ValueError):
    """The query text is invalid; the message says what is wrong and, if known, where."""
