"""``TextOnlyMiddleware``: the downloader middleware that enforces the text-only policy.

It refuses media URLs before they are requested, stops a download as soon as its headers
announce a media type, and refuses a body that starts like a media file before the capture
middleware (which runs after it on responses) can write it to a WARC file. Every refusal is
counted under ``pressarchive/skipped/<reason>`` so the crawl summary can say why.

Settings: ``DOWNLOAD_MAXSIZE`` (the size cap, set from ``PRESSARCHIVE_MAX_BODY_SIZE``).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from pressarchive.crawler.media import is_allowed_content_type, is_denied_url, looks_like_media


class RefusedResponse(IgnoreRequest):
    """A response the text-only policy will not keep."""


class TextOnlyMiddleware:
    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TextOnlyMiddleware:
        middleware = cls(crawler.stats)
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        return middleware

    def skip(self, reason: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"pressarchive/skipped/{reason}")

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        reason = is_denied_url(request.url)
        if reason:
            self.skip(reason)
            raise IgnoreRequest(f"text-only policy: {reason}: {request.url}")

    def headers_received(self, headers: Any, body_length: int, request: Request, spider: Spider) -> None:
        content_type = _header(headers, "Content-Type")
        if not is_allowed_content_type(content_type):
            raise StopDownload(fail=True)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        content_type = _header(response.headers, "Content-Type")
        if not is_allowed_content_type(content_type):
            self.skip("content_type")
            raise RefusedResponse(f"text-only policy: Content-Type {content_type!r}: {response.url}")
        encoding = _header(response.headers, "Content-Encoding")
        if looks_like_media(response.body, encoding, response.url):
            self.skip("media_body")
            raise RefusedResponse(f"text-only policy: body looks like media: {response.url}")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if isinstance(exception, StopDownload):
            self.skip("content_type")
            raise RefusedResponse(f"text-only policy: media Content-Type: {request.url}")


def _header(headers: Any, name: str) -> str:
    value = headers.get(name) if headers is not None else None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value or ""
