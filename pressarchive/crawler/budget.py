"""``PageBudgetMiddleware``: a hard cap on how many pages a crawl requests.

Scrapy's ``CLOSESPIDER_PAGECOUNT`` only starts closing the spider once the count is reached,
and the requests already queued in the downloader still go out (20 instead of 5 here), so
``--max-pages`` is enforced where requests leave instead. robots.txt fetches are exempt:
refusing one would make Scrapy treat the site as having no robots.txt.

Settings: ``PRESSARCHIVE_MAX_PAGES`` (0: no limit).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import StatsCollector


class PageBudgetMiddleware:
    def __init__(self, max_pages: int, stats: StatsCollector | None = None) -> None:
        self.max_pages = max_pages
        self.stats = stats
        self.sent = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageBudgetMiddleware:
        return cls(crawler.settings.getint("PRESSARCHIVE_MAX_PAGES"), crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not self.max_pages or request.meta.get("dont_obey_robotstxt"):
            return
        if self.sent >= self.max_pages:
            if self.stats is not None:
                self.stats.inc_value("pressarchive/skipped/max_pages")
            raise IgnoreRequest(f"page budget of {self.max_pages} spent: {request.url}")
        self.sent += 1
