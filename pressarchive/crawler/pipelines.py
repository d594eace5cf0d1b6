"""``ExtractStorePipeline``: turns what the spider saw into durable facts in the store.

Release pages are extracted (in worker processes when the runner provides them, so the
crawl and extraction use both cores) and saved as new, changed or unchanged versions; a 304
confirms a release unchanged; listed URLs, removals and delisted releases are recorded.
Counts go to the crawl stats under ``pressarchive/documents/*``, ``pressarchive/skipped/*``
and ``pressarchive/errors/*`` for the summary.

It takes the run's archive, workers, run id and clock from the :class:`CrawlContext`, and
the profile from the spider it serves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pressarchive.crawler.context import CrawlContext, crawl_context
from pressarchive.crawler.items import ListedItem, PageItem, RemovalItem
from pressarchive.crawler.spider import PressRoomSpider
from pressarchive.extract import ExtractionError, extract_document
from pressarchive.extract.workers import BudgetExceeded, WorkerCrashed, WorkersClosed
from pressarchive.profiles import Profile
from pressarchive.record import Document
from pressarchive.store import Archive, SaveOutcome

logger = logging.getLogger(__name__)


class ExtractStorePipeline:
    def __init__(
        self, context: CrawlContext, stats: StatsCollector, profile: Profile, since: date | None = None,
    ) -> None:
        self.stats = stats
        self.profile = profile
        self.since = since
        self.run_id = context.run_id
        self.workers = context.workers
        self.archive: Archive = context.archive
        self._now: Callable[[], datetime] = context.clock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractStorePipeline:
        spider = crawler.spider
        if not isinstance(spider, PressRoomSpider):  # the pipeline stores press-room releases only
            raise TypeError(f"ExtractStorePipeline serves PressRoomSpider, not {type(spider).__name__}")
        return cls(crawl_context(crawler), crawler.stats, spider.profile, spider.since)

    def open_spider(self, spider: Spider | None = None) -> None:
        profile = self.profile
        self.archive.upsert_source(
            profile.name, title=profile.title, agency=profile.agency,
            country=profile.country, language=profile.language, extractor=profile.extractor,
            kind=profile.kind,
        )

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, ListedItem):
            self.archive.mark_listed(item.urls, self._now())
        elif isinstance(item, RemovalItem):
            self._removed(item.url, item.reason)
        elif isinstance(item, PageItem):
            await self._page(item)
        return item

    async def _page(self, item: PageItem) -> None:
        if item.capture_id is None:
            self.stats.inc_value("pressarchive/errors/no_capture")
            return
        if item.status == 304:
            outcome = self.archive.touch_document(item.url, self._now())
            self.stats.inc_value("pressarchive/not_modified")
        else:
            doc = await self._extract(item)
            outcome = self._save(doc, item.capture_id) if doc is not None else None
        if outcome is not None:
            self._count(outcome)
            if item.revisit:
                self._count_revisit(outcome)
            if item.delisted:
                self._removed(item.url, "delisted")

    async def _extract(self, item: PageItem) -> Document | None:
        args = (item.body, item.url, item.content_type)
        options: dict[str, Any] = {"default_language": self.profile.language,
                                   "extractor": self.profile.extractor or None,
                                   "listed_date": item.listed_date, "country": self.profile.country}
        try:
            if self.workers is None:
                doc = extract_document(*args, **options)
            else:
                doc = await self.workers.run(extract_document, *args, **options)
        except (ExtractionError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            self._extraction_failed(item, "extraction", exc)
            return None
        except MemoryError as exc:  # extracting on the crawl's thread (a worker's is a BudgetExceeded)
            self._extraction_failed(item, "extraction_memory", exc)
            return None
        except BudgetExceeded as exc:  # over its time or memory: the worker was replaced
            self._extraction_failed(item, f"extraction_{exc.kind}", exc)
            return None
        except WorkerCrashed as exc:
            self._extraction_failed(item, "extraction_crashed", exc)
            return None
        except WorkersClosed:  # the crawl is stopping; the page stays to fetch on --resume
            return None
        if doc is None:
            self.stats.inc_value("pressarchive/skipped/no_text")
        return doc

    def _extraction_failed(self, item: PageItem, kind: str, error: BaseException) -> None:
        logger.warning("cannot extract %s: %s: %s", item.url, type(error).__name__, error)
        self.stats.inc_value(f"pressarchive/errors/{kind}")

    def _save(self, doc: Document, capture_id: int) -> SaveOutcome | None:
        if self.since and doc.published and doc.published < self.since:
            self.stats.inc_value("pressarchive/skipped/older_than_since")
            return None
        profile = self.profile
        doc = doc.replace(source=profile.name, agency=profile.agency, country=profile.country)
        return self.archive.save_document(doc, capture_id)

    def _count(self, outcome: SaveOutcome) -> None:
        self.stats.inc_value(f"pressarchive/documents/{outcome.status}")
        if outcome.restored:
            self.stats.inc_value("pressarchive/documents/restored")

    def _count_revisit(self, outcome: SaveOutcome) -> None:
        self.stats.inc_value("pressarchive/revisits/fetched")
        if outcome.status == "changed":
            self.stats.inc_value("pressarchive/revisits/changed")  # a silent edit a sitemap hid

    def _removed(self, url: str, reason: str) -> None:
        if self.archive.mark_removed(url, self._now(), reason, self.run_id):
            self.stats.inc_value("pressarchive/documents/removed")
            self.stats.inc_value(f"pressarchive/removed/{reason}")
