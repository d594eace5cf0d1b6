"""The seam between pressarchive and its search engines: what any engine must offer.

Crawler, store, service and web code talk to this protocol only and get an engine from
:func:`pressarchive.index.engines.open_engine`, so they never name an engine class. Requests
and results are the engine-neutral values of :mod:`pressarchive.index.models`; queries reach
an engine as the tree of :mod:`pressarchive.index.querytree`; errors are
:class:`~pressarchive.index.QueryError` and its subclass ``QueryTooExpensive``. The contract
suite (``tests/contract/``) runs the same tests against every engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.record import Document

#: Document ids -> their current body text (the store's): engines keep no bodies of their
#: own to show, so snippets and "more like this" read the text through this.
TextSource = Callable[[Sequence[int]], Mapping[int, str]]


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

    def describe(self) -> str:
        """Where the index lives, for people: ``whoosh at /data/index``, ``opensearch at http://…/press``."""
        ...

    def close(self) -> None:
        """Release files and connections; the engine is unusable afterwards."""
        ...
