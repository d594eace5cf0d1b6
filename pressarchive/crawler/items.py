"""What the spider hands to the item pipeline.

``PageItem``: a release response to extract and store (or a 304 confirming it unchanged).
``ListedItem``: release URLs a listing, feed or sitemap linked (the source still lists them).
``RemovalItem``: a known release answered 404/410 or is no longer linked anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class PageItem:
    url: str
    body: bytes = field(repr=False)  # an error log line names the page, not 40 KB of it
    content_type: str
    capture_id: int | None
    source: str
    status: int = 200
    delisted: bool = False  # fetched to verify a release no listing links any more
    revisit: bool = False  # fetched only because the revisit policy said it was due
    listed_date: date | None = None  # the date a feed, sitemap or listing gave it: a fallback


@dataclass(slots=True)
class ListedItem:
    urls: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RemovalItem:
    url: str
    reason: str
