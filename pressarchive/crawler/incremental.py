"""Recrawling without refetching: what the archive already knows decides what to ask for.

A release the archive holds is requested conditionally (``If-None-Match`` /
``If-Modified-Since`` from its last capture) or not at all when its sitemap ``lastmod`` is not
newer than that capture. Listing pages whose dates all lie before ``--since`` end pagination.
"""

from __future__ import annotations

from datetime import date

from scrapy.http import Response

from pressarchive.crawler.listingdates import parse_day
from pressarchive.store.records import KnownPage


def conditional_headers(known: KnownPage | None) -> dict[str, str]:
    """Validators to send for a release already archived (none for a new one)."""
    headers = {}
    if known is not None and not known.removed:
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
    return headers


def unchanged_since_capture(known: KnownPage | None, lastmod: date | None) -> bool:
    """Whether a sitemap says the release has not changed since it was archived."""
    return bool(known and lastmod and not known.removed and lastmod < known.last_captured.date())


def listing_dates(response: Response) -> list[date]:
    """Dates a listing page shows (``<time datetime>``), to tell how far back it reaches."""
    return [day for value in response.xpath("//time/@datetime").getall() if (day := parse_day(value))]


def older_than(dates: list[date], since: date | None) -> bool:
    """Whether every date on a listing page is before ``since`` (so later pages are older)."""
    return bool(since and dates and max(dates) < since)
