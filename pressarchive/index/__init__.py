"""Full-text search over the archive, behind one seam and any number of engines.

The index receives :class:`~pressarchive.record.Document` records (with the id the store gave
them) and knows nothing of crawling or storage; it can always be rebuilt from the store.
Callers depend on :class:`SearchEngine` and get one from
:func:`~pressarchive.index.engines.open_engine`; queries are parsed once into pressarchive's
own tree (:mod:`~pressarchive.index.querytree`). Importing this package loads no engine:
Whoosh (:mod:`~pressarchive.index.whooshindex`) and OpenSearch
(:mod:`~pressarchive.index.opensearchindex`) are imported when opened.
"""

from __future__ import annotations

from pressarchive.index.engine import SearchEngine
from pressarchive.index.errors import QueryError, QueryTooExpensive
from pressarchive.index.models import Hit, Period, SearchRequest, SearchResult
from pressarchive.index.syntaxcheck import MAX_DEPTH, MAX_EXPANSION, MAX_WORDS

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANSION",
    "MAX_WORDS",
    "Hit",
    "Period",
    "QueryError",
    "QueryTooExpensive",
    "SearchEngine",
    "SearchRequest",
    "SearchResult",
]
