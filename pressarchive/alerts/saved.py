"""Saved searches and their alerts: save, list, delete, and "what is new since last time".

What is new for a saved search is the documents that match it and have arrived in the archive
since its alert last ran (or since it was saved: the first run reports what came after the
save, not the whole archive). Arrival is judged by document id against the search's alert mark
(see :mod:`pressarchive.store.savedsearches`), not by capture time, so a crawl that captured a
release before the alert ran but indexed it after still gets it reported, once. A known
document whose text changed is not new: a feed shows it again with its new ``updated`` time.
The CLI, the pages and the API all go through :class:`SavedSearches`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pressarchive import permalinks
from pressarchive.alerts.savedparams import check_name, params_of, request_of
from pressarchive.errors import NotFound, UserError
from pressarchive.index import SearchRequest
from pressarchive.isodate import utc_iso
from pressarchive.service import ArchiveService
from pressarchive.store.briefs import DocumentBrief
from pressarchive.store.savedsearches import SavedSearchRow


class NameTaken(UserError):
    status_code = 409


def saved_json(saved: SavedSearchRow) -> dict[str, Any]:
    """A saved search as ``saved --json`` and ``/api/saved`` give it."""
    return {
        "name": saved.name, "params": dict(saved.params), "created_at": utc_iso(saved.created_at),
        "last_alerted_at": utc_iso(saved.last_alerted_at),
    }


def brief_json(brief: DocumentBrief, base_url: str | None = None) -> dict[str, Any]:
    """A listed document with its permalink (absolute under ``base_url`` or
    ``PRESSARCHIVE_BASE_URL`` when known, else the path)."""
    return {
        "id": brief.id, "version": brief.version, "title": brief.title, "url": brief.url,
        "source": brief.source, "language": brief.language,
        "published": brief.published.isoformat() if brief.published else None,
        "first_captured": utc_iso(brief.first_captured), "captured_at": utc_iso(brief.captured_at),
        "permalink": permalinks.permalink(brief.id, brief.version, base_url),
    }


@dataclass
class Alert:
    """What is new for one saved search: the documents, in the search's own order."""

    saved: SavedSearchRow  # as read before the search ran
    matches: int  # how many documents match the search now
    new: list[DocumentBrief] = field(default_factory=list)
    #: Where marking it reported leaves the alert: its new mark and the ids above it seen.
    next_mark: int = 0
    next_reported: frozenset[int] = frozenset()

    def to_json(self, base_url: str | None = None) -> dict[str, Any]:
        return {
            "name": self.saved.name, "params": dict(self.saved.params),
            "since": utc_iso(self.saved.last_alerted_at or self.saved.created_at),
            "matches": self.matches, "new": [brief_json(brief, base_url) for brief in self.new],
        }


class SavedSearches:
    """The saved searches of one archive, run through its index."""

    def __init__(self, service: ArchiveService) -> None:
        self.service = service
        self.archive = service.archive

    def listing(self) -> list[SavedSearchRow]:
        return self.archive.saved_searches()

    def get(self, name: str) -> SavedSearchRow:
        saved = self.archive.saved_search(name)
        if saved is None:
            raise NotFound(f"no saved search named {name[:100]!r}")
        return saved

    def save(self, name: str, request: SearchRequest) -> tuple[SavedSearchRow, int]:
        """Save ``request`` (page and limit dropped) as ``name``, its alert starting now;
        returns it with how many documents match it now.

        Its matches above the arrival mark are counted as reported: an old document waiting
        for re-indexing (its cluster changed, a correction) holds the mark down, and without
        this the first alert would report it, and every match after it, as new."""
        name = check_name(name)
        mark = self.archive.arrival_mark()  # read before searching, as in whats_new
        found = self.service.matching_ids(request)  # a query the index refuses is refused now
        above = [doc_id for doc_id in found if doc_id > mark]
        if not self.archive.add_saved_search(name, params_of(request), _now(), mark=mark, reported=above):
            raise NameTaken(f"a saved search named {name[:100]!r} already exists: delete it or choose another name")
        return self.get(name), len(found)

    def delete(self, name: str) -> None:
        if not self.archive.delete_saved_search(name):
            raise NotFound(f"no saved search named {name[:100]!r}")

    def request(self, saved: SavedSearchRow, *, limit: int | None = None) -> SearchRequest:
        """The search ``saved`` describes (first page of ``limit`` hits when given)."""
        return request_of(saved.params) if limit is None else request_of(saved.params, limit=limit)

    def whats_new(self, name: str, *, advance: bool = True) -> Alert:
        """The documents matching ``name`` that arrived since its alert last ran; with
        ``advance`` the alert is marked as run (:meth:`mark_reported`), so they are not
        reported again. A face that shows them passes ``advance=False`` and marks them once
        shown: documents whose printing failed are then reported by the next run."""
        saved = self.get(name)
        # The mark is read before searching: every document up to it is in the index the
        # search reads, so none of them can arrive later unseen.
        mark = max(self.archive.arrival_mark(), saved.alert_mark)
        matches = self.service.matching_ids(self.request(saved))
        reported = set(saved.alert_reported)
        new_ids = [doc_id for doc_id in matches if doc_id > saved.alert_mark and doc_id not in reported]
        found = self.archive.document_briefs(new_ids)
        still_above = frozenset(doc_id for doc_id in reported.union(new_ids) if doc_id > mark)
        alert = Alert(saved, len(matches), [found[doc_id] for doc_id in new_ids if doc_id in found], mark, still_above)
        if advance:
            self.mark_reported(alert)
        return alert

    def mark_reported(self, alert: Alert) -> bool:
        """Record that ``alert``'s documents were reported, unless another run marked its
        saved search since ``alert`` was computed (then False, and that run's mark stays)."""
        return self.archive.advance_alert(
            alert.saved.name, alert.next_mark, alert.next_reported, _now(), read=alert.saved,
        )

    def alerts(self, names: list[str] | None = None, *, advance: bool = True) -> tuple[list[Alert], list[str]]:
        """:meth:`whats_new` for each of ``names`` (every saved search when none): the alerts,
        and a message for each saved search that failed (a query now too expensive, say),
        which does not stop the others. Unknown names are refused before any alert runs."""
        wanted = list(dict.fromkeys(names or [saved.name for saved in self.listing()]))
        for name in wanted:
            self.get(name)
        found, failed = [], []
        for name in wanted:
            try:
                found.append(self.whats_new(name, advance=advance))
            except UserError as exc:
                failed.append(f"{name}: {exc}")
        return found, failed


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
