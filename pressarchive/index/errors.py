"""The exceptions the index lets out of a search: the user's query could not be run.

A separate module so the syntax checker, the parser and the searcher can all raise them, and
so callers can catch them without importing whoosh (whose own exceptions never leave the
package). Both are ``ValueError``s: the fix is always a different query, never a retry.
"""

from __future__ import annotations


class QueryError(ValueError):
    """The query text is invalid; the message says what is wrong and, if known, where
    (``position``: the offending character's index in the query, for programs)."""

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class QueryTooExpensive(QueryError):
    """The query ran past the index's time limit; a narrower query will do better."""


class IndexBusy(RuntimeError):
    """Another process holds the embedded index's write lock past the wait: try again later
    (a shared crawl's processes index one data directory's pending documents in turns)."""
