""":class:`SearchIndex`, the facade the rest of pressarchive uses: write, count, search, check.

It owns the Whoosh index, a pool of searchers (:mod:`~pressarchive.index.whooshindex.searcherpool`: each
read in flight has its own, since whoosh readers are not thread-safe, so a slow search never
holds up another read) and the cache of per-segment value arrays that filters, facets and
date sorting read. Writes hold a lock, as whoosh allows one writer at a time anyway. Every
read is retried on a fresh searcher when a commit from another process removed the files
of the generation it was reading. It implements
:class:`~pressarchive.index.engine.SearchEngine`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np
from whoosh.searching import Searcher

from pressarchive.index.deadline import Deadline
from pressarchive.index.whooshindex.docvalues import DocValuesCache
from pressarchive.index.errors import QueryError
from pressarchive.index.engine import TextSource
from pressarchive.index.whooshindex.hits import make_hits
from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.index.whooshindex.morelike import more_like_query
from pressarchive.index.whooshindex.schema import MISSING
from pressarchive.index.whooshindex.searcher import (
    SegmentView, by_relevance, match_all, ranked_ids, run_search, segment_views,
)
from pressarchive.index.whooshindex.searcherpool import SearcherPool
from pressarchive.index.thesaurus import Thesaurus
from pressarchive.index.whooshindex.writer import add_documents, delete_documents, open_index, rebuild_index
from pressarchive.record import Document

T = TypeVar("T")
# A read that meets files removed by a concurrent commit is tried again on a fresh searcher.
READ_ATTEMPTS = 3
# Searches (and exports' id lists, "more like this") running at once; more wait their turn.
# Each holds arrays over every document (5-16 MB at 100,000 documents), and with one
# interpreter lock more at once finish no sooner. Four, not fewer: three searches running
# to the time limit must still leave a quick one its turn.
MAX_SEARCHES = 4


class SearchIndex:
    """A searchable, multilingual full-text index of documents stored in one directory.

    ``text_source`` maps document ids to their body text (the store); it feeds snippets and
    "more like this", since the index does not keep bodies. ``time_limit`` bounds each search
    in seconds: past it a search raises :class:`~pressarchive.index.QueryTooExpensive`.
    ``thesaurus`` serves ``~word`` expansion (the package's own when None).
    """

    def __init__(self, path: Path, text_source: TextSource | None = None,
                 time_limit: float = 5.0, thesaurus: Thesaurus | None = None,
                 max_searches: int | None = None) -> None:
        self.path = Path(path)
        self.text_source = text_source
        self.time_limit = time_limit
        self.thesaurus = thesaurus
        self._ix, self.recreated = open_index(self.path)
        self._searchers = SearcherPool(self._ix)
        self._count: tuple[int, int] | None = None  # (generation, documents) last counted
        self._values = DocValuesCache()
        self._write_lock = threading.Lock()
        # Reads over every document (search, matching_ids, more_like) take a turn here.
        self._searching = threading.BoundedSemaphore(max_searches or MAX_SEARCHES)

    def add(self, docs: Iterable[Document]) -> int:
        """Add documents or replace those with the same id, in one commit; returns the count."""
        with self._write_lock:
            return add_documents(self._ix, docs)

    def delete(self, ids: Iterable[int]) -> int:
        """Delete documents by id; returns how many were indexed."""
        with self._write_lock:
            return delete_documents(self._ix, ids)

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Replace the whole index with ``docs``, atomically for readers; returns the count."""
        with self._write_lock:
            return rebuild_index(self._ix, docs)

    def count(self) -> int:
        """Number of documents in the index (known without a searcher while no commit lands,
        so a status page never waits for a free one)."""
        known = self._count
        if known is not None and known[0] == self._ix.latest_generation():
            return known[1]
        generation, count = self._read(lambda s: (s.reader().generation(), int(s.doc_count())))
        self._count = (generation, count)
        return count

    def entries(self) -> list[tuple[int, int | None]]:
        """(id, version) of every live index document; one indexed twice appears twice."""
        return self._read(self._entries)

    def indexed_ids(self) -> set[int]:
        """Ids of all documents in the index."""
        return {doc_id for doc_id, _ in self.entries()}

    def search(self, request: SearchRequest) -> SearchResult:
        """Run ``request``; raises :class:`QueryError` for a query that cannot be parsed and
        :class:`QueryTooExpensive` for one that runs past the time limit."""
        request = request.clamped()
        with self._searching:  # the time limit starts once the search's turn has come
            deadline = Deadline(self.time_limit)  # one limit for the search, retries included
            return self._read(
                lambda searcher: run_search(
                    searcher, self._values, request, self.text_source, deadline, self.thesaurus,
                )
            )

    def matching_ids(self, request: SearchRequest) -> list[int]:
        """Every match's id in the request's order, paging ignored (exports, feeds, alerts);
        the same errors and time limit as :meth:`search`."""
        request = request.clamped()
        with self._searching:
            deadline = Deadline(self.time_limit)
            return self._read(
                lambda searcher: ranked_ids(searcher, self._values, request, deadline, self.thesaurus)
            )

    def more_like(self, doc_id: int, limit: int = 10) -> list[Hit]:
        """Documents like ``doc_id``, best first, excluding it; ``KeyError`` if not indexed."""
        with self._searching:
            deadline = Deadline(self.time_limit)
            return self._read(lambda searcher: self._more_like(searcher, doc_id, limit, deadline))

    def describe(self) -> str:
        return f"whoosh at {self.path}"

    def close(self) -> None:
        """Release the searchers' files; the object is unusable afterwards."""
        self._searchers.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[Searcher]:
        """A searcher of the latest generation for this thread's use (tests compare with whoosh)."""
        searcher = self._searchers.acquire()
        try:
            yield searcher
        finally:
            self._searchers.release(searcher)

    def _read(self, work: Callable[[Searcher], T]) -> T:
        for attempt in range(READ_ATTEMPTS):
            searcher = self._searchers.acquire()
            try:
                result = work(searcher)
            except QueryError:
                self._searchers.release(searcher)
                raise
            except Exception as exc:
                # A commit (from any process) that merged segments deletes their files; a
                # searcher of the older generation then meets an OSError, or whoosh finds a
                # column file gone and fails on its None. A fresh searcher sees the new,
                # complete generation; an error on a current searcher is a real one.
                swapped = isinstance(exc, OSError) or self._searchers.outdated(searcher)
                self._searchers.release(searcher, failed=swapped)
                if not swapped or attempt == READ_ATTEMPTS - 1:
                    raise
                continue
            except BaseException:
                self._searchers.release(searcher)
                raise
            self._searchers.release(searcher)
            return result
        raise AssertionError("unreachable")

    def _entries(self, searcher: Searcher) -> list[tuple[int, int | None]]:
        found: list[tuple[int, int | None]] = []
        for view in segment_views(searcher, self._values):
            ids = view.values.ids[view.live].tolist()
            versions = view.values.versions[view.live].tolist()
            found.extend((i, None if v == MISSING else v) for i, v in zip(ids, versions, strict=True))
        return found

    def _more_like(self, searcher: Searcher, doc_id: int, limit: int, deadline: Deadline) -> list[Hit]:
        views = segment_views(searcher, self._values)
        docnum = _find(views, doc_id)
        text = (self.text_source([doc_id]) if self.text_source else {}).get(doc_id, "")
        q = more_like_query(searcher, searcher.stored_fields(docnum), text)
        if q is None:
            return []
        found = match_all(searcher, views, q, SearchRequest(), deadline, scored=True)
        for view, match in zip(views, found, strict=True):
            match.mask &= view.values.ids != doc_id
        ranked = by_relevance(views, found, max(limit, 1))
        return make_hits(searcher, ranked, {}, self.text_source, deadline)


def _find(views: list[SegmentView], doc_id: int) -> int:
    for view in views:
        local = np.flatnonzero((view.values.ids == doc_id) & view.live)
        if local.size:
            return int(local[0]) + view.offset
    raise KeyError(doc_id)
