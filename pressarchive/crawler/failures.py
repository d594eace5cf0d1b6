"""``FailureStats``: exceptions raised by spider callbacks and item pipelines are counted.

Scrapy logs such exceptions and goes on, so without this a crawl whose parser or store kept
failing would look like a quiet one. Each is counted as error ``callback_exception`` or
``pipeline_exception`` (so it shows in the summary and the JSON report) and, if it is the
crawl's first error, named in ``first_error``.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.python.failure import Failure


class FailureStats:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailureStats:
        assert crawler.stats is not None
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.callback_failed, signal=signals.spider_error)
        crawler.signals.connect(extension.pipeline_failed, signal=signals.item_error)
        return extension

    def callback_failed(self, failure: Failure, response: Response, **_: Any) -> None:
        self._count("callback_exception", response, failure)

    def pipeline_failed(self, item: Any, response: Response | None, failure: Failure, **_: Any) -> None:
        self._count("pipeline_exception", response, failure)

    def _count(self, kind: str, response: Response | None, failure: Failure) -> None:
        self.stats.inc_value(f"pressarchive/errors/{kind}")
        if not self.stats.get_value("pressarchive/first_error"):
            where = response.url if response is not None else "an item"
            error = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
            self.stats.set_value("pressarchive/first_error", f"{where}: {kind.replace('_', ' ')} {error}")
