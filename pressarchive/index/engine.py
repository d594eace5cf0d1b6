"""The seam between pressarchive and its search engine: what any engine must offer.

Crawler, store, service and web code talk to this protocol only, so a second engine (SQLite
FTS5, say) can be added beside :class:`~pressarchive.index.SearchIndex` without touching
them. Requests and results are the engine-neutral values of :mod:`pressarchive.index.models`;
errors are :class:`~pressarchive.index.QueryError` and its subclass ``QueryTooExpensive``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.record import Document


@runtime_checkable
class SearchEngine(Protocol):
    """A full-text index of stored documents, addressed by the store's document ids."""

    #: True when opening found no usable index and started an empty one (refill it).
    recreated: bool

    def add(self, docs: Iterable[Document]) -> int:
        """Index documents, replacing any with the same id, in one commit; returns how many."""
        ...

    def delete(self, ids: Iterable[int]) -> int:
        """Remove documents by id; returns how many were indexed."""
        ...

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Replace the whole index with ``docs``, atomically for readers; returns how many."""
        ...

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search; raises ``QueryError`` (or ``QueryTooExpensive``) for a bad query."""
        ...

    def matching_ids(self, request: SearchRequest) -> list[int]:
        """Ids of every match in the request's order (paging ignored; collapsed: one per cluster)."""
        ...

    def more_like(self, doc_id: int, limit: int = 10) -> list[Hit]:
        """Documents similar to ``doc_id``, best first; ``KeyError`` if it is not indexed."""
        ...

    def entries(self) -> list[tuple[int, int | None]]:
        """(document id, version) of every live index entry; duplicates appear twice."""
        ...

    def count(self) -> int:
        """Number of live documents in the index."""
        ...

    def close(self) -> None:
        """Release files; the engine is unusable afterwards."""
        ...
