"""Stopping a crawl whose archive can no longer be written (a full disk, a failing disk).

Once the WARC file or the SQLite store refuses a write, every later page would fail the same
way: fetched for nothing, counted page by page, and the summary would read like a flaky site.
So the first such failure stops the whole crawl: the capture middleware reports it from
``process_response``, and :class:`StorageGuardExtension` catches the same failure in the item
pipeline and in spider callbacks (Scrapy's ``item_error`` and ``spider_error`` signals). The
spider is closed with reason :data:`STORAGE_FAILED`, the error is counted as
``storage_failed`` and its message kept for the CLI's one-line error. What was archived
before stays intact: a failed WARC write is cut back (:mod:`pressarchive.warc.writer`) and a
failed SQLite transaction is rolled back.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from pressarchive import writefailure

#: The spider's close reason (``finish_reason`` in the summary) after a storage failure.
STORAGE_FAILED = "storage_failed"
#: Stats key holding the first storage failure's message.
STORAGE_ERROR_STAT = "pressarchive/storage_error"


class StorageFailed(IgnoreRequest):
    """A response that was fetched but could not be archived; the crawl is being stopped."""


def is_storage_failure(exc: BaseException) -> bool:
    """Whether ``exc`` means the data directory cannot take writes (so retrying is pointless)."""
    return isinstance(exc, StorageFailed) or writefailure.is_storage_failure(exc)


def stop_crawl(crawler: Crawler, exc: BaseException, where: str) -> None:
    """Count the failure and close the spider (once), keeping the first message."""
    stats = crawler.stats
    assert stats is not None
    stats.inc_value(f"pressarchive/errors/{STORAGE_FAILED}")
    if stats.get_value(STORAGE_ERROR_STAT):
        return  # already closing
    stats.set_value(STORAGE_ERROR_STAT, f"cannot write the {where}: {writefailure.describe(exc)}")
    if crawler.crawling:  # (a component tried on its own has no engine to stop)
        deferred_from_coro(crawler.engine.close_spider_async(reason=STORAGE_FAILED))


class StorageGuardExtension:
    """Stops the crawl when the pipeline or a callback hit a storage failure."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorageGuardExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        return extension

    def item_error(self, item: Any, response: Any, spider: Any, failure: Failure) -> None:
        if is_storage_failure(failure.value):
            stop_crawl(self.crawler, failure.value, "store")

    def spider_error(self, failure: Failure, response: Any, spider: Any) -> None:
        if is_storage_failure(failure.value):
            stop_crawl(self.crawler, failure.value, "store")
