"""The newest matches of a search as a feed: any search's, or a saved search's.

A feed lists the newest :data:`FEED_SIZE` matches by publication date (the search sorted by
date whatever its own sort), each entry with the search's snippet, its permalink and the time
its current version was captured, so a feed reader shows a release when it appears and again
when its text changes.
"""

from __future__ import annotations

from dataclasses import replace

from pressarchive import permalinks
from pressarchive.alerts.atom import Feed, FeedEntry
from pressarchive.index import SearchRequest
from pressarchive.service import ArchiveService

#: Entries in a feed.
FEED_SIZE = 50


def newest_entries(service: ArchiveService, request: SearchRequest, base_url: str) -> list[FeedEntry]:
    """The newest matches of ``request`` as feed entries with links under ``base_url``."""
    newest = replace(request, sort="date", page=1, limit=FEED_SIZE)
    hits = service.search(newest).hits
    briefs = service.archive.document_briefs(hit.id for hit in hits)
    entries = []
    for hit in hits:
        brief = briefs.get(hit.id)
        if brief is None:  # indexed, but gone from the store: a check would report it
            continue
        entries.append(FeedEntry(
            id=permalinks.permalink(hit.id, None, base_url), title=brief.title,
            link=permalinks.permalink(hit.id, brief.version, base_url), updated=brief.captured_at,
            author=brief.source, summary=hit.snippet_text, published=brief.published,
            original=brief.url if brief.url.startswith(("http://", "https://")) else None,
        ))
    return entries


def search_feed(
    service: ArchiveService, request: SearchRequest, *, title: str, self_url: str, alternate_url: str,
    base_url: str,
) -> Feed:
    """The feed of ``request``; its id is its own address (``self_url``)."""
    return Feed(id=self_url, title=title, self_url=self_url, alternate_url=alternate_url,
                entries=newest_entries(service, request, base_url))
