"""``ExtractStorePipeline``: turns captured release pages into stored document versions.

Extraction runs here (inline for now), then the store decides whether the text is new,
changed or unchanged. Counts go to the crawl stats under ``pressarchive/documents/*`` and
``pressarchive/skipped/*`` for the summary.

Settings: ``PRESSARCHIVE_DATA_DIR``.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pressarchive.crawler.items import PageItem
from pressarchive.crawler.spider import PressRoomSpider
from pressarchive.extract import ExtractionError, extract_document
from pressarchive.profiles import Profile
from pressarchive.store import Archive

logger = logging.getLogger(__name__)


class ExtractStorePipeline:
    def __init__(self, database_url: str, stats: StatsCollector, profile: Profile,
                 since: date | None = None) -> None:
        self.database_url = database_url
        self.stats = stats
        self.profile = profile
        self.since = since
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractStorePipeline:
        root = Path(crawler.settings["PRESSARCHIVE_DATA_DIR"])
        spider = crawler.spider
        assert isinstance(spider, PressRoomSpider)
        return cls(f"sqlite:///{root / 'archive.sqlite'}", crawler.stats, spider.profile, spider.since)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.archive = Archive(self.database_url)
        profile = self.profile
        self.archive.upsert_source(
            profile.name, title=profile.title, agency=profile.agency,
            country=profile.country, language=profile.language,
        )

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item: PageItem, spider: Spider | None = None) -> PageItem:
        assert self.archive is not None
        profile = self.profile
        if item.capture_id is None:
            self.stats.inc_value("pressarchive/errors/no_capture")
            return item
        try:
            doc = extract_document(item.body, item.url, item.content_type, default_language=profile.language)
        except ExtractionError as exc:
            logger.warning("cannot extract %s: %s", item.url, exc)
            self.stats.inc_value("pressarchive/errors/extraction")
            return item
        if doc is None:
            self.stats.inc_value("pressarchive/skipped/no_text")
            return item
        if _before(doc.published, self.since):
            self.stats.inc_value("pressarchive/skipped/older_than_since")
            return item
        doc = doc.replace(source=profile.name, agency=profile.agency, country=profile.country)
        outcome = self.archive.save_document(doc, item.capture_id)
        self.stats.inc_value(f"pressarchive/documents/{outcome.status}")
        return item


def _before(published: date | None, since: date | None) -> bool:
    return bool(since and published and published < since)
