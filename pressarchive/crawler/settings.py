"""The crawler's settings: pressarchive's own (one table, each with a default and help) and
the Scrapy settings they imply. Polite by default: robots.txt obeyed, AutoThrottle on, two
requests at a time per domain, an honest User-Agent; anything faster is opt-in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from pressarchive import __version__
from pressarchive.crawler.revisit import RevisitPolicy

DEFAULT_USER_AGENT = (
    f"pressarchive/{__version__} (crawler of public press releases for research archives; "
    "obeys robots.txt)"
)


@dataclass(frozen=True)
class Setting:
    default: Any
    help: str


SETTINGS: dict[str, Setting] = {
    "PRESSARCHIVE_WARC_MAX_SIZE": Setting(100 * 2**20, "Bytes after which a new WARC file is started."),
    "PRESSARCHIVE_MAX_BODY_SIZE": Setting(20 * 2**20, "Responses larger than this are aborted and not kept."),
    "PRESSARCHIVE_USER_AGENT": Setting(DEFAULT_USER_AGENT, "User-Agent sent with every request."),
    "PRESSARCHIVE_DOWNLOAD_DELAY": Setting(1.0, "Minimum seconds between requests to one site."),
    "PRESSARCHIVE_MAX_PAGES": Setting(0, "Request at most this many pages, robots.txt aside (0: no limit)."),
    "PRESSARCHIVE_MAX_DEPTH": Setting(50, "Links followed at most this deep from an entry point."),
    "PRESSARCHIVE_MAX_PER_PATTERN": Setting(
        500, "Listing pages of one URL pattern (digits masked) followed at most; ends crawler traps (0: no cap).",
    ),
    "PRESSARCHIVE_DOWNLOAD_TIMEOUT": Setting(30.0, "Seconds a response may take to arrive in full (then abandoned)."),
    "PRESSARCHIVE_RETRY_AFTER_MAX": Setting(
        120.0, "Longest Retry-After (seconds) honoured on a 429/503; a longer one gives the page up.",
    ),
    # One per core, not one fewer: the crawl's own thread idles a third of the time waiting
    # on the network and the workers, and a second worker fills that time.
    "PRESSARCHIVE_EXTRACT_WORKERS": Setting(
        max(1, os.cpu_count() or 1),
        "Processes that extract text beside the crawl (0: extract on the crawl's own thread).",
    ),
    # Revisits: releases a recrawl would skip as unchanged are fetched again when due.
    "PRESSARCHIVE_REVISIT_NEW_DAYS": Setting(1.0, "Days between revisits of a release in its first week."),
    "PRESSARCHIVE_REVISIT_RECENT_DAYS": Setting(
        7.0, "Days between revisits of a release from one week to three months (90 days) old.",
    ),
    "PRESSARCHIVE_REVISIT_OLD_DAYS": Setting(30.0, "Days between revisits of a release older than three months."),
    "PRESSARCHIVE_REVISIT_SHARE": Setting(
        0.1, "Share of a source's archived releases one crawl revisits at most, most overdue first (0: none).",
    ),
    # A budget per page, so a hostile PDF cannot hang or swamp the crawl (see extract/workers.py).
    "PRESSARCHIVE_EXTRACT_TIMEOUT": Setting(
        10.0, "Seconds one page may take to extract in a worker; then the worker is killed (0: no limit).",
    ),
    "PRESSARCHIVE_EXTRACT_MEMORY": Setting(
        1024, "MiB of memory one page may add to its worker's address space (0: no limit).",
    ),
    # The Wayback Machine (`pressarchive wayback`, `crawl --history`): where, and how fast.
    "PRESSARCHIVE_WAYBACK_URL": Setting(
        "https://web.archive.org", "The Wayback Machine whose CDX API and id_ captures an import reads.",
    ),
    "PRESSARCHIVE_WAYBACK_RATE": Setting(0.5, "Requests per second at most to the Wayback Machine (--rate)."),
}


def crawl_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scrapy settings for a pressarchive crawl, from the table's defaults and ``overrides``."""
    values = {name: setting.default for name, setting in SETTINGS.items()}
    values.update(overrides or {})
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise KeyError(f"unknown pressarchive settings: {sorted(unknown)}")
    RevisitPolicy.from_settings(values)  # a senseless interval stops the crawl before it starts
    delay = float(values["PRESSARCHIVE_DOWNLOAD_DELAY"])
    return {
        **values,
        "BOT_NAME": "pressarchive",
        "USER_AGENT": values["PRESSARCHIVE_USER_AGENT"],
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.05),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_TIMEOUT": values["PRESSARCHIVE_DOWNLOAD_TIMEOUT"],
        "DOWNLOAD_MAXSIZE": values["PRESSARCHIVE_MAX_BODY_SIZE"],
        "DOWNLOAD_WARNSIZE": values["PRESSARCHIVE_MAX_BODY_SIZE"] // 2,
        "RETRY_TIMES": 2,
        "REDIRECT_MAX_TIMES": 10,
        "COOKIES_ENABLED": False,
        # Items one response yields that go through the pipelines at once. A response yields
        # one item (a release, or the URLs a listing names), and Scrapy starts this many asyncio
        # tasks for every response whatever it yields: its default of 100 cost about 1 ms of
        # the crawl's own thread per page.
        "CONCURRENT_ITEMS": 1,
        # A check for authors of new spiders (a generator callback returning a value), redone
        # for each response whose bound-method callback fell out of Scrapy's weak cache: it
        # reads and parses the callback's source each time. Our callbacks are tested instead.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "TELNETCONSOLE_ENABLED": False,
        "DEPTH_LIMIT": values["PRESSARCHIVE_MAX_DEPTH"],
        "LOG_LEVEL": "INFO",
        "DOWNLOADER_MIDDLEWARES": {
            # robots.txt that cannot be read forbids its site (Scrapy's would allow everything).
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "pressarchive.crawler.robots.StrictRobotsTxtMiddleware": 100,  # in its place
            "pressarchive.crawler.budget.PageBudgetMiddleware": 150,
            # Responses pass these from the highest number down, exceptions too.
            "pressarchive.crawler.retryafter.RetryAfterMiddleware": 560,  # before RetryMiddleware (550)
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            "pressarchive.crawler.redirectloop.RedirectLoopMiddleware": 600,  # in its place
            "pressarchive.crawler.maxsize.MaxSizeMiddleware": 940,
            "pressarchive.crawler.textonly.TextOnlyMiddleware": 960,
            "pressarchive.crawler.capture.WarcCaptureMiddleware": 950,
            # Last on the way out, first on the way back: retries and redirects included.
            "pressarchive.crawler.offsite.AllowedDomainsMiddleware": 970,
        },
        "SPIDER_MIDDLEWARES": {
            "pressarchive.crawler.patterncap.PatternCapMiddleware": 850,  # after DepthMiddleware (900)
        },
        "ITEM_PIPELINES": {"pressarchive.crawler.pipelines.ExtractStorePipeline": 300},
        "EXTENSIONS": {
            "pressarchive.crawler.storage.StorageGuardExtension": 500,
            "pressarchive.crawler.failures.FailureStats": 510,
        },
    }
