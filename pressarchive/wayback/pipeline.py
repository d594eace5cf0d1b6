"""``ImportPipeline``: each capture the Wayback spider fetched goes through the import session.

The session judges the response (status, type, media, already archived), copies it into the
archive's WARC files, records the capture with its Wayback origin and hands it to the
extraction workers; ``add`` returns once the page is queued, so at the polite rate of a
Wayback import the crawl's thread never waits long. A response it turns down is noted as
refused under its listed URL, and one answered from another ``id_`` URL (a nearby capture) is
noted with that URL, so a rerun does not fetch either again. Progress is reported after each
capture.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from pressarchive.imports import ImportSession
from pressarchive.wayback.captures import ORIGIN_PREFIX
from pressarchive.wayback.spider import FetchedCapture, WaybackJob, WaybackSpider

#: The ``skipped`` keys of :class:`~pressarchive.imports.ImportSession` for a response ``add``
#: turns down at once; its other keys count extraction failures of pages taken earlier, which
#: ``add`` may finish while it runs.
REFUSALS = ("media", "status", "not_text", "duplicate")


def added(session: ImportSession, capture: FetchedCapture) -> str | None:
    """Give ``capture`` to ``session``; the reason it was refused, or None if taken."""
    before = Counter(session.summary.skipped)
    session.add(capture.response)
    after = session.summary.skipped
    return next((reason for reason in REFUSALS if after[reason] > before[reason]), None)


class ImportPipeline:
    def __init__(self, job: WaybackJob) -> None:
        self.job = job

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ImportPipeline:
        spider = crawler.spider
        if not isinstance(spider, WaybackSpider):
            raise TypeError(f"ImportPipeline serves WaybackSpider, not {type(spider).__name__}")
        return cls(spider.job)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, FetchedCapture):
            refused = added(self.job.session, item)
            served_url = item.response.origin.removeprefix(ORIGIN_PREFIX)
            if refused is not None or served_url != item.listed_url:
                self.job.fetched(item.listed_url, served_url, refused)
            self.job.session.progress()
        return item
