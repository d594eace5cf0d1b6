"""The crawler: Scrapy components that fetch press rooms into WARC files and the store.

Data flows profile → :class:`PressRoomSpider` → ``TextOnlyMiddleware`` (media never fetched
or kept) → ``WarcCaptureMiddleware`` (every response into a WARC) → ``ExtractStorePipeline``
(extraction, then a new or changed document version).
"""

from __future__ import annotations

from pressarchive.crawler.runner import run_crawl
from pressarchive.crawler.settings import SETTINGS, crawl_settings
from pressarchive.crawler.summary import CrawlSummary

__all__ = ["SETTINGS", "CrawlSummary", "crawl_settings", "run_crawl"]
