""":class:`SearchIndex`, the facade the rest of pressarchive uses: write, count, search, check.

It owns the Whoosh index, one long-lived searcher (reused across searches and replaced only
when a commit, from this process or another, made a new index generation) and the cache of
per-segment value arrays that filters, facets and date sorting read. Whoosh readers share
file handles and are not safe to use from several threads at once, so reads hold a lock;
writes hold another, as whoosh allows one writer at a time anyway. It implements
:class:`~pressarchive.index.engine.SearchEngine`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh.searching import Searcher

from pressarchive.index.docvalues import DocValuesCache
from pressarchive.index.hits import TextSource, make_hits
from pressarchive.index.matchset import Deadline
from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.index.morelike import more_like_query
from pressarchive.index.schema import MISSING
from pressarchive.index.searcher import by_relevance, match_all, run_search, segment_views
from pressarchive.index.writer import add_documents, delete_documents, open_index, rebuild_index
from pressarchive.record import Document


class SearchIndex:
    """A searchable, multilingual full-text index of documents stored in one directory.

    ``text_source`` maps document ids to their body text (the store); it feeds snippets and
    "more like this", since the index does not keep bodies. ``time_limit`` bounds each search
    in seconds: past it a search raises :class:`~pressarchive.index.QueryTooExpensive`.
    """

    def __init__(self, path: Path, text_source: TextSource | None = None,
                 time_limit: float = 5.0) -> None:
        self.path = Path(path)
        self.text_source = text_source
        self.time_limit = time_limit
        self._ix, self.recreated = open_index(self.path)
        self._searcher: Searcher | None = self._ix.searcher()
        self._values = DocValuesCache()
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()

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
        """Number of documents in the index."""
        with self._reading() as searcher:
            return searcher.doc_count()

    def entries(self) -> list[tuple[int, int | None]]:
        """(id, version) of every live index document; one indexed twice appears twice."""
        with self._reading() as searcher:
            found: list[tuple[int, int | None]] = []
            for view in segment_views(searcher, self._values):
                ids = view.values.ids[view.live].tolist()
                versions = view.values.versions[view.live].tolist()
                found.extend((i, None if v == MISSING else v) for i, v in zip(ids, versions, strict=True))
            return found

    def indexed_ids(self) -> set[int]:
        """Ids of all documents in the index."""
        return {doc_id for doc_id, _ in self.entries()}

    def search(self, request: SearchRequest) -> SearchResult:
        """Run ``request``; raises :class:`QueryError` for a query that cannot be parsed and
        :class:`QueryTooExpensive` for one that runs past the time limit."""
        request = request.clamped()
        with self._reading() as searcher:
            try:
                return run_search(searcher, self._values, request, self.text_source, self.time_limit)
            except OSError:
                # Another process committed and cleaned up files of the generation this
                # searcher was reading; a fresh searcher sees the new, complete generation.
                searcher = self._reopen()
                return run_search(searcher, self._values, request, self.text_source, self.time_limit)

    def more_like(self, doc_id: int, limit: int = 10) -> list[Hit]:
        """Documents like ``doc_id``, best first, excluding it; ``KeyError`` if not indexed."""
        with self._reading() as searcher:
            views = segment_views(searcher, self._values)
            docnum = _find(views, doc_id)
            text = (self.text_source([doc_id]) if self.text_source else {}).get(doc_id, "")
            q = more_like_query(searcher, searcher.stored_fields(docnum), text)
            if q is None:
                return []
            found = match_all(searcher, views, q, SearchRequest(), Deadline(self.time_limit), scored=True)
            for view, match in zip(views, found, strict=True):
                match.mask &= view.values.ids != doc_id
            ranked = by_relevance(views, found, max(limit, 1))
            return make_hits(searcher, ranked, {}, self.text_source)

    def close(self) -> None:
        """Release the searcher's files; the object is unusable afterwards."""
        with self._read_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[Searcher]:
        with self._read_lock:
            if self._searcher is None:
                raise RuntimeError("SearchIndex is closed")
            self._searcher = self._fresh(self._searcher)
            yield self._searcher

    def _reopen(self) -> Searcher:
        # Called with the read lock held.
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = self._ix.searcher()
        return self._searcher

    def _fresh(self, searcher: Searcher) -> Searcher:
        # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it re-adds the old reader's segments
        # to the new one, so segments dropped by a merge or a rebuild come back as duplicates.
        if self._ix.latest_generation() == searcher.reader().generation():
            return searcher
        searcher.close()
        for attempt in range(3):
            try:
                return self._ix.searcher()
            except OSError:  # the TOC we listed was replaced by a newer commit meanwhile
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _find(views: list, doc_id: int) -> int:  # type: ignore[type-arg]
    for view in views:
        local = np.flatnonzero((view.values.ids == doc_id) & view.live)
        if local.size:
            return int(local[0]) + view.offset
    raise KeyError(doc_id)
