"""``MaxSizeMiddleware``: a response aborted for exceeding the size cap is a counted skip.

Scrapy's download handler aborts a response whose announced length, or whose streamed body,
exceeds ``DOWNLOAD_MAXSIZE`` (``PRESSARCHIVE_MAX_BODY_SIZE``), so nothing of it reaches the
WARC. Its ``DownloadCancelledError`` would otherwise surface as an oddly named error (and the
streamed case carries no message at all), so this middleware counts the bytes each download
receives (the ``bytes_received`` signal), recognises the cap by them or by the handler's
message, names it ``pressarchive/skipped/too_large`` and ends it as an ignored request,
neither retried nor counted twice.

Settings: ``DOWNLOAD_MAXSIZE`` (set from ``PRESSARCHIVE_MAX_BODY_SIZE``; a request's
``download_maxsize`` meta key wins, as in Scrapy).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import StatsCollector

# Scrapy >= 2.13 raises its own DownloadCancelledError for the size cap.
try:
    from scrapy.exceptions import DownloadCancelledError
except ImportError:  # pragma: no cover - older Scrapy
    DownloadCancelledError = None  # type: ignore[assignment,misc]

RECEIVED_META = "pressarchive_bytes_received"


class TooLarge(IgnoreRequest):
    """A response bigger than the size cap."""


class MaxSizeMiddleware:
    def __init__(self, max_size: int, stats: StatsCollector | None = None) -> None:
        self.max_size = max_size
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MaxSizeMiddleware:
        middleware = cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"), crawler.stats)
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.meta[RECEIVED_META] = 0  # a retry copies the meta of the attempt before it

    def bytes_received(self, data: bytes, request: Request, **kwargs: Any) -> None:
        request.meta[RECEIVED_META] = request.meta.get(RECEIVED_META, 0) + len(data)

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if self.is_size_cap(request, exception):
            if self.stats is not None:
                self.stats.inc_value("pressarchive/skipped/too_large")
            raise TooLarge(f"larger than {self._cap(request)} bytes: {request.url}") from exception

    def is_size_cap(self, request: Request, exception: Exception) -> bool:
        """Whether ``exception`` is Scrapy aborting ``request`` for exceeding its size cap."""
        if DownloadCancelledError is None or not isinstance(exception, DownloadCancelledError):
            return False
        cap = self._cap(request)
        # Announced too large: the handler says so. Streamed too large: the byte count shows it.
        return "max size" in str(exception) or bool(cap and request.meta.get(RECEIVED_META, 0) > cap)

    def _cap(self, request: Request) -> int:
        return int(request.meta.get("download_maxsize", self.max_size))
