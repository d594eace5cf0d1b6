"""The operations every face of pressarchive offers: search, show, status, index upkeep.

The CLI, the HTML pages and the JSON API are thin layers over :class:`ArchiveService`, so
anything one of them can do the others can too, with the same validation and errors.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.errors import NotFound, UserError
from pressarchive.index import QueryError, SearchIndex, SearchRequest, SearchResult
from pressarchive.store import Archive, StoredDocument

SORTS = ("relevance", "date")
MAX_LIMIT = 100


def parse_date(value: str | None, what: str = "date") -> date | None:
    """A YYYY-MM-DD string as a date; a clear error for anything else."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"bad {what} {value!r}: expected YYYY-MM-DD") from None


def build_request(
    query: str = "", *, limit: int = 10, page: int = 1, sort: str = "relevance",
    language: str | None = None, source: str | None = None, operation: str | None = None,
    year: int | None = None, since: str | None = None, until: str | None = None,
) -> SearchRequest:
    """A validated search request from the raw values a person typed."""
    if sort not in SORTS:
        raise UserError(f"bad sort {sort!r}: expected one of {', '.join(SORTS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise UserError(f"bad limit {limit}: expected 1 to {MAX_LIMIT}")
    if page < 1:
        raise UserError(f"bad page {page}: pages start at 1")
    start, end = parse_date(since, "--since date"), parse_date(until, "--until date")
    if start and end and start > end:
        raise UserError(f"empty date range: since {start} is after until {end}")
    return SearchRequest(
        query=query.strip(), limit=limit, page=page, sort=sort, language=language or None,
        source=source or None, operation=operation or None, year=year, since=start, until=end,
    )


class ArchiveService:
    """The archive and its index opened from one data directory."""

    def __init__(self, data: DataDir) -> None:
        self.data = prepare_data_dir(data)
        self.archive = Archive(data.database_url)
        self._index: SearchIndex | None = None

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = SearchIndex(self.data.index_dir)
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        self.archive.close()

    def search(self, request: SearchRequest) -> SearchResult:
        try:
            return self.index.search(request)
        except QueryError as exc:
            raise UserError(f"bad query: {exc}") from None

    def document(self, doc_id: int) -> StoredDocument:
        stored = self.archive.get_document(doc_id)
        if stored is None:
            raise NotFound(f"no document with id {doc_id}")
        return stored

    def status(self) -> dict[str, Any]:
        stats = self.archive.stats()
        stats["index_entries"] = self.index.count()
        return stats

    def index_pending(self) -> int:
        """Index what the store has that the index lacks; returns how many were indexed."""
        pending = self.archive.pending_index()
        if pending:
            self.index.add(pending)
            self.archive.mark_indexed(pending)
        return len(pending)

    def rebuild_index(self) -> int:
        """Recreate the index from the store alone."""
        count = self.index.rebuild(self.archive.current_documents())
        self.archive.mark_indexed()
        return count
