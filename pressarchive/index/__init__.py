"""Full-text search over the archive: a multilingual Whoosh index of stored documents.

The index receives :class:`~pressarchive.record.Document` records (with the id the store gave
them) and knows nothing of crawling or storage; it can always be rebuilt from the store.
"""

from __future__ import annotations

from pressarchive.index.errors import QueryError
from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.index.searchindex import SearchIndex

__all__ = ["Hit", "QueryError", "SearchIndex", "SearchRequest", "SearchResult"]
