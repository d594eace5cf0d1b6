"""``WaybackSpider``: lists captures through the CDX API, then fetches each one raw.

For every query (a URL pattern, its date range and the source its pages go to) it asks the
CDX API for pages of captures, follows the resume key to the next page, and requests each
listed capture in ``id_`` mode, unless the capture cannot be a document (its URL names a
media file: refused before any request), is no release (the query names ``article`` regexes, a
profile's, and none is found in its URL: listings and "about" pages stay out) or was imported
before (its origin, the ``id_`` URL, is in the archive: an interrupted import started again
fetches only what is missing) or was refused before (see :mod:`pressarchive.wayback.resume`). It
requests nothing else: no links are followed, and the allowed domain is the Wayback
Machine's own host. ``limit`` caps the captures requested (0: no cap). Each fetched capture
is yielded as a :class:`FetchedCapture` for the import pipeline; one the text-only policy
refuses (media found by its bytes) is noted as refused here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from pressarchive.crawler.errors import error_kind
from pressarchive.crawler.media import is_denied_url
from pressarchive.crawler.textonly import RefusedResponse
from pressarchive.imports import ForeignResponse, ImportSession
from pressarchive.profiles import compile_patterns
from pressarchive.urls import canonical_url, host_of
from pressarchive.wayback.captures import capture_url, foreign_response, parse_capture_url
from pressarchive.wayback.cdx import CdxError, CdxRow, cdx_url, parse_page
from pressarchive.wayback.resume import Settled, note_fetch

STATS = "pressarchive/wayback"
_QUERY = "pressarchive_wayback_query"
_ROW = "pressarchive_wayback_row"


@dataclass(frozen=True)
class WaybackQuery:
    """One URL pattern to list; ``start``/``end``: CDX timestamp prefixes; ``source``: the
    source its pages go to (None: as the import resolves it); ``article``: regexes (RE2, as a
    profile's) of which a listed URL must match one to be fetched (empty: every URL)."""

    pattern: str
    start: str | None = None
    end: str | None = None
    source: str | None = None
    article: tuple[str, ...] = ()


@dataclass
class WaybackJob:
    """What one run of the spider works with and on."""

    base_url: str
    queries: list[WaybackQuery]
    session: ImportSession
    settled: Settled = field(default_factory=Settled)
    limit: int = 0
    requested: int = 0

    @property
    def limit_reached(self) -> bool:
        return bool(self.limit) and self.requested >= self.limit

    def fetched(self, listed_url: str, served_url: str, refused: str | None) -> None:
        """Note what became of a listed capture where its capture row cannot say it."""
        note_fetch(self.session.archive, listed_url, served_url, refused)


@dataclass(frozen=True)
class FetchedCapture:
    """A fetched capture as the import takes it, and the ``id_`` URL it was listed at (the
    response's origin names the one that answered, after a redirect to a nearby capture)."""

    listed_url: str
    response: ForeignResponse


class WaybackSpider(Spider):
    name = "wayback"

    def __init__(self, job: WaybackJob, **kwargs: Any) -> None:
        super().__init__(name="wayback", **kwargs)
        self.job = job
        self.allowed_domains = [host_of(job.base_url)]
        self._article = {query: compile_patterns(query.article) for query in job.queries}

    async def start(self) -> AsyncIterator[Request]:
        for query in self.job.queries:
            yield self._listing(query)

    def _listing(self, query: WaybackQuery, resume_key: str | None = None) -> Request:
        url = cdx_url(self.job.base_url, query.pattern, query.start, query.end, resume_key)
        return Request(url, callback=self.parse_listing, errback=self.on_error, meta={_QUERY: query},
                       priority=-1)  # the captures a page lists go first: memory stays flat

    def _count(self, what: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"{STATS}/{what}", count)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        query: WaybackQuery = response.meta[_QUERY]
        try:
            page = parse_page(response.body)
        except CdxError as exc:
            self.logger.error("unreadable CDX answer from %s: %s", response.url, exc)
            self._count("errors/cdx_unreadable")
            return
        self._count("cdx_pages")
        for row in page.rows:
            if self.job.limit_reached:
                return
            if request := self._capture(row, query):
                yield request
        if page.resume_key and not self.job.limit_reached:
            yield self._listing(query, page.resume_key)

    def _capture(self, row: CdxRow, query: WaybackQuery) -> Request | None:
        self._count("listed")
        if is_denied_url(row.original):
            self._count("skipped/media_extension")
            return None
        article = self._article[query]
        if article and not any(pattern.search(canonical_url(row.original)) for pattern in article):
            self._count("skipped/not_article")
            return None
        request = Request(capture_url(self.job.base_url, row.timestamp, row.original), callback=self.parse_capture,
                          errback=self.on_error, meta={_QUERY: query, _ROW: row})
        for why, urls in (("imported_before", self.job.settled.imported), ("refused_before", self.job.settled.refused)):
            if request.url in urls:
                self._count(f"skipped/{why}")
                return None
        self.job.requested += 1
        return request

    def parse_capture(self, response: Response) -> Iterator[FetchedCapture]:
        self._count("fetched")
        row: CdxRow = response.meta[_ROW]
        query: WaybackQuery = response.meta[_QUERY]
        captured_at, original = row.captured_at, row.original
        if response.meta.get("redirect_urls"):  # sent on to a nearby capture: take its time and URL
            named = parse_capture_url(response.url)
            if named is None:
                self._count("errors/not_a_capture")
                return
            captured_at, original = named
        headers = [(name.decode("latin-1"), value.decode("latin-1"))
                   for name, values in response.headers.items() for value in values]
        yield FetchedCapture(self._listed_url(row), foreign_response(
            response.url, captured_at, original, response.status, headers, response.body, query.source))

    def _listed_url(self, row: CdxRow) -> str:
        return capture_url(self.job.base_url, row.timestamp, row.original)

    def on_error(self, failure: Failure) -> None:
        kind = error_kind(failure)
        request = getattr(failure, "request", None)
        if request is not None and _ROW in request.meta and isinstance(failure.value, RefusedResponse):
            self.job.fetched(self._listed_url(request.meta[_ROW]), request.url, failure.value.reason)
        if kind is None:  # refused on purpose (robots.txt, media, offsite): counted where refused
            return
        listing = request is not None and _ROW not in request.meta
        self._count(f"errors/{'cdx_' if listing else ''}{kind}")
        self.logger.warning("%s failed: %s", request.url if request is not None else "a request", kind)
