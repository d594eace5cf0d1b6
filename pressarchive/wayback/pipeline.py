"""``ImportPipeline``: each capture the Wayback spider fetched goes through the import session.

The session judges the response (status, type, media, already archived), copies it into the
archive's WARC files, records the capture with its Wayback origin and hands it to the
extraction workers; ``add`` returns once the page is queued, so at the polite rate of a
Wayback import the crawl's thread never waits long. Progress is reported after each capture.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from pressarchive.imports import ForeignResponse, ImportSession
from pressarchive.wayback.spider import WaybackSpider


class ImportPipeline:
    def __init__(self, session: ImportSession) -> None:
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ImportPipeline:
        spider = crawler.spider
        if not isinstance(spider, WaybackSpider):
            raise TypeError(f"ImportPipeline serves WaybackSpider, not {type(spider).__name__}")
        return cls(spider.job.session)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, ForeignResponse):
            self.session.add(item)
            self.session.progress()
        return item
