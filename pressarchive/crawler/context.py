"""``CrawlContext``: what every component of one crawl run shares, handed over explicitly.

The runner builds one context per run (the data directory, the run's id in the store, the
extraction workers, one open :class:`~pressarchive.store.Archive`, one clock), stores it on
each crawler with :func:`attach_context` before Scrapy builds the components, and passes it to
the spider as ``context=``. Components read it in ``from_crawler`` through
:func:`crawl_context`, the one documented place, instead of fishing values off the spider.
Paths come from the :class:`~pressarchive.datadir.DataDir`, never rebuilt from a setting.

Reconnaissance spiders (discovery, checks) archive nothing and run without a context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scrapy.crawler import Crawler

from pressarchive.crawler.frontier.shared import SharedFrontier
from pressarchive.datadir import DataDir
from pressarchive.extract.workers import ExtractionWorkers
from pressarchive.store import Archive

_ATTRIBUTE = "_pressarchive_crawl_context"


def utc_now() -> datetime:
    """Now, in UTC without a time zone: how the store keeps every time."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class CrawlContext:
    """The shared state of one crawl run (one per run, shared by all its crawlers)."""

    data: DataDir
    archive: Archive  # one handle: captures and documents go through the same engine
    run_id: int | None = None
    workers: ExtractionWorkers | None = None  # None: extract on the crawl's own thread
    clock: Callable[[], datetime] = field(default=utc_now)
    # Told the name of each WARC file a writer closes (the runner indexes it in the background).
    on_warc_closed: Callable[[str], None] | None = None
    # The Redis frontier this process shares the crawl through (``crawl --frontier``); None: alone.
    frontier: SharedFrontier | None = None


class MissingContextError(RuntimeError):
    """A component that archives was built on a crawler the runner gave no context."""


def attach_context(crawler: Crawler, context: CrawlContext) -> None:
    """Give ``crawler`` its context; call before ``process.crawl`` builds its components."""
    setattr(crawler, _ATTRIBUTE, context)


def crawl_context(crawler: Crawler) -> CrawlContext:
    """The context :func:`attach_context` gave ``crawler``."""
    context = getattr(crawler, _ATTRIBUTE, None)
    if not isinstance(context, CrawlContext):
        raise MissingContextError("this crawler has no CrawlContext: run crawls through pressarchive.crawler.run_crawl")
    return context
