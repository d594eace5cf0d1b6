"""``RetryAfterMiddleware``: a 429 or 503 with ``Retry-After`` is retried when the site asked.

Scrapy's ``RetryMiddleware`` retries 429 and 503 at once, which is what a rate-limited or
overloaded site asked us not to do. This middleware sits just before it on the response path
and reads ``Retry-After`` in both forms (delay-seconds or an HTTP-date). Within
``PRESSARCHIVE_RETRY_AFTER_MAX`` it waits that long without blocking the reactor (an
asyncio/Twisted sleep while the response is in the middleware chain: the request keeps its
place in the downloader, not a transfer slot) and returns Scrapy's own retry request
(``get_retry_request``: the same ``RETRY_TIMES``, stats and give-up log as any retry). A 429
also raises the site's download-slot delay to the wait, so the other pages of a site that
said "too many requests" slow down too; AutoThrottle brings the delay back down afterwards.

A longer wait is not honoured by coming back sooner nor by stalling the crawl: the page is
given up (the 429/503 itself is already in the WARC) and counted as
``pressarchive/errors/retry_after_too_long``. A response without a usable header is left to
``RetryMiddleware``.

Settings: ``PRESSARCHIVE_RETRY_AFTER_MAX`` (seconds), ``RETRY_TIMES``.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic

from scrapy import Request, Spider
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from pressarchive.crawler.settings import SETTINGS

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})
_SECONDS = re.compile(r"^\d+(\.\d+)?$")
_POLL = 1.0  # seconds between checks that the crawl is still running during a long wait


class RetryAfterTooLong(IgnoreRequest):
    """The site asked to be retried later than the crawl is willing to wait."""


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or HTTP-date), or None.

    A date in the past means 0; anything unparsable means None (no usable header).
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if not value:
        return None
    if _SECONDS.match(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" or an obsolete zone: RFC 9110 dates are in GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        name = "PRESSARCHIVE_RETRY_AFTER_MAX"
        return cls(crawler, crawler.settings.getfloat(name, SETTINGS[name].default))

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        if response.status not in RETRY_AFTER_STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return response
        stats = self.crawler.stats
        assert stats is not None
        if wait > self.max_wait:
            stats.inc_value("pressarchive/errors/retry_after_too_long")
            logger.warning("%s asks to be retried in %.0f s, more than PRESSARCHIVE_RETRY_AFTER_MAX "
                           "(%.0f s): given up", request.url, wait, self.max_wait)
            raise RetryAfterTooLong(f"Retry-After {wait:.0f} s exceeds {self.max_wait:.0f} s: {request.url}")
        assert self.crawler.spider is not None
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=response_status_message(response.status))
        if retry is None:
            request.meta["dont_retry"] = True  # retries spent: RetryMiddleware must not give up twice
            return response
        if response.status == 429:
            self._slow_down_site(request, wait)
        await self._wait(wait)
        stats.inc_value("pressarchive/retry_after/honoured")
        return retry

    def _engine(self) -> ExecutionEngine | None:
        try:
            return self.crawler.engine
        except RuntimeError:  # Scrapy >= 2.19: not crawling (a middleware built on its own)
            return None

    def _slow_down_site(self, request: Request, wait: float) -> None:
        engine = self._engine()
        key = request.meta.get("download_slot")
        slot = engine.downloader.slots.get(key) if engine is not None and key is not None else None
        if slot is not None:
            slot.delay = max(slot.delay, wait)

    async def _wait(self, seconds: float) -> None:
        """Sleep ``seconds`` in short steps, giving up if the crawl is being stopped meanwhile."""
        deadline = monotonic() + seconds
        while (left := deadline - monotonic()) > 0:
            engine = self._engine()
            if engine is not None and not engine.running:
                raise IgnoreRequest("crawl stopping: Retry-After wait abandoned")
            await sleep(min(left, _POLL))
