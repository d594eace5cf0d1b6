"""``WarcCaptureMiddleware``: every response the crawler receives goes into a WARC file.

It sits next to the downloader, after the text-only gate, so it sees redirects, errors and
robots.txt as they came off the wire, before decompression, which is what a WARC should
hold. It records each capture in the store and puts the capture id in ``request.meta`` so
the document extracted later points at its evidence. A response that cannot be archived (a
full disk: the WARC write is cut back, or the store refuses the row) stops the whole crawl
through :func:`pressarchive.crawler.storage.stop_crawl` and is given up as
:class:`~pressarchive.crawler.storage.StorageFailed`.

The WARC directory, the archive, the run id and the clock come from the run's
:class:`~pressarchive.crawler.context.CrawlContext`. Settings: ``PRESSARCHIVE_WARC_MAX_SIZE``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.utils.python import to_unicode

from pressarchive.crawler.context import CrawlContext, crawl_context
from pressarchive.crawler.listingdates import listed_day
from pressarchive.crawler.storage import StorageFailed, is_storage_failure, stop_crawl
from pressarchive.store import Capture
from pressarchive.warc import Exchange, RotatingWarcWriter

CAPTURE_META = "pressarchive_capture_id"


class WarcCaptureMiddleware:
    def __init__(self, context: CrawlContext, max_size: int, source: str) -> None:
        # The source name in the file name lets an auditor find one press room's captures.
        self.writer = RotatingWarcWriter(context.data.warc_dir, max_size=max_size, prefix=f"pressarchive-{source}",
                                         on_closed=context.on_warc_closed)
        self.source = source
        self.run_id = context.run_id
        self.archive = context.archive
        self._now: Callable[[], datetime] = context.clock
        self.crawler: Crawler | None = None  # to stop the crawl when the disk is full

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        middleware = cls(
            crawl_context(crawler),
            max_size=crawler.settings.getint("PRESSARCHIVE_WARC_MAX_SIZE"),
            source=crawler.spider.name if crawler.spider else "",
        )
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        middleware.crawler = crawler
        return middleware

    def close(self) -> None:
        """Close this source's WARC file; the archive belongs to the run and outlives it."""
        self.writer.close()

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        try:
            request.meta[CAPTURE_META] = self._capture(request, response)
        except Exception as exc:
            # Any OSError from the WARC file counts: the record was not archived, whatever the errno.
            if not (isinstance(exc, OSError) or is_storage_failure(exc)):
                raise
            if self.crawler is not None:
                stop_crawl(self.crawler, exc, "WARC file" if isinstance(exc, OSError) else "store")
            raise StorageFailed(f"{response.url} not archived: {exc}") from exc
        return response

    def _capture(self, request: Request, response: Response) -> int:
        """Write the exchange to the WARC file, then its row to the store; the row's id."""
        captured_at = self._now()
        location = self.writer.write(_exchange(request, response, captured_at))
        capture = Capture(
            source=self.source,
            url=response.url, status=response.status,
            content_type=to_unicode(response.headers.get("Content-Type") or b"", "latin-1"),
            length=len(response.body), captured_at=captured_at,
            payload_sha256=location.payload_sha256, warc_file=location.warc_file,
            warc_offset=location.offset, run_id=self.run_id,
            etag=_header(response, "ETag"), last_modified=_header(response, "Last-Modified"),
            listed_date=listed_day(request.meta), warc_record_id=location.record_id or None,
            requested_url=_requested_url(request, response),
        )
        return self.archive.record_capture(capture)


def _requested_url(request: Request, response: Response) -> str | None:
    """The URL first asked for when Scrapy's redirects led here; None when it is the response's."""
    first = (request.meta.get("redirect_urls") or [request.url])[0]
    return first if first != response.url else None


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return to_unicode(value, "latin-1") if value else None


def _header_pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (to_unicode(name, "latin-1"), to_unicode(value, "latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def _exchange(request: Request, response: Response, captured_at: datetime) -> Exchange:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    return Exchange(
        url=response.url, method=request.method, request_headers=_header_pairs(request.headers),
        status=response.status, reason=reason, response_headers=_header_pairs(response.headers),
        body=response.body, captured_at=captured_at.replace(tzinfo=UTC),
    )
