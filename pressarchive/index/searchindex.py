""":class:`SearchIndex`, the facade the rest of pressarchive uses: write, count, search.

It owns the Whoosh index and one long-lived searcher, reused across searches and replaced
only when a commit (from this process or another) made a new index generation. Whoosh
readers share file handles and are not safe to use from several threads at once, so reads
hold a lock; writes hold another, as whoosh allows one writer at a time anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.searching import Searcher

from pressarchive.index.models import SearchRequest, SearchResult
from pressarchive.index.searcher import run_search
from pressarchive.index.writer import add_documents, delete_documents, open_index, rebuild_index
from pressarchive.record import Document


class SearchIndex:
    """A searchable, multilingual full-text index of documents stored in one directory."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ix = open_index(self.path)
        self._searcher: Searcher | None = self._ix.searcher()
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

    def indexed_ids(self) -> set[int]:
        """Ids of all documents in the index (read from the id column, not stored fields)."""
        with self._reading() as searcher:
            reader = searcher.reader()
            column = reader.column_reader("id")
            return {int(column[docnum]) for docnum in reader.all_doc_ids()}

    def search(self, request: SearchRequest) -> SearchResult:
        """Run ``request``; raises :class:`QueryError` for a query that cannot be parsed."""
        request = request.clamped()
        with self._reading() as searcher:
            return run_search(searcher, request)

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

    def _fresh(self, searcher: Searcher) -> Searcher:
        # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it re-adds the old reader's segments
        # to the new one, so segments dropped by a merge or a rebuild come back as duplicates.
        if self._ix.latest_generation() == searcher.reader().generation():
            return searcher
        searcher.close()
        return self._ix.searcher()
