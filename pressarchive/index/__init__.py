"""Full-text search over the archive: a multilingual Whoosh index of stored documents.

The index receives :class:`~pressarchive.record.Document` records (with the id the store gave
them) and knows nothing of crawling or storage; it can always be rebuilt from the store.
Callers depend on :class:`SearchEngine`; :class:`SearchIndex` is the Whoosh implementation.
"""

from __future__ import annotations

from pressarchive.index.engine import SearchEngine
from pressarchive.index.errors import QueryError, QueryTooExpensive
from pressarchive.index.expansion import MAX_EXPANSION
from pressarchive.index.models import Hit, Period, SearchRequest, SearchResult
from pressarchive.index.searchindex import SearchIndex
from pressarchive.index.syntaxcheck import MAX_DEPTH, MAX_WORDS

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANSION",
    "MAX_WORDS",
    "Hit",
    "Period",
    "QueryError",
    "QueryTooExpensive",
    "SearchEngine",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
]
