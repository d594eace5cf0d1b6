"""Running a Wayback import: one Scrapy process, settings derived from the crawl's.

The settings are :func:`pressarchive.crawler.settings.crawl_settings` (robots.txt obeyed, an
honest User-Agent, AutoThrottle, the Retry-After middleware, the text-only gates, the size
limit, the allowed-domain check) with the Wayback Machine's own pace: one request at a time,
at most ``PRESSARCHIVE_WAYBACK_RATE`` per second (no random jitter shortening the delay), which a
429 or 503 with ``Retry-After`` slows further. The crawl's WARC capture, page budget and
listing-trap cap are left out: the import session writes the WARC records, ``limit`` caps
the captures. Scrapy's log goes to ``reports/wayback-*.log``, the summary to
``reports/wayback-*.json``.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any

from pressarchive.crawler.context import utc_now
from pressarchive.crawler.settings import crawl_settings
from pressarchive.crawler.stopping import BoundedStopCrawlerProcess, SignalLatch
from pressarchive.datadir import DataDir
from pressarchive.errors import UserError
from pressarchive.imports import ImportOptions, ImportSession
from pressarchive.imports.session import Progress
from pressarchive.profiles import Profile
from pressarchive.urls import is_http_url
from pressarchive.warc import repair_open_files
from pressarchive.wayback.resume import settled
from pressarchive.wayback.spider import WaybackJob, WaybackQuery, WaybackSpider
from pressarchive.wayback.summary import WaybackSummary

_LEFT_OUT = ("WarcCaptureMiddleware", "PageBudgetMiddleware", "PatternCapMiddleware")


def wayback_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scrapy settings for fetching from the Wayback Machine (see the module docstring)."""
    settings = crawl_settings(overrides)
    rate = float(settings["PRESSARCHIVE_WAYBACK_RATE"])
    if not math.isfinite(rate) or rate <= 0:
        raise UserError(f"bad rate {rate}: expected requests per second above 0")
    if not is_http_url(str(settings["PRESSARCHIVE_WAYBACK_URL"])):
        raise UserError(f"bad PRESSARCHIVE_WAYBACK_URL {settings['PRESSARCHIVE_WAYBACK_URL']!r}: "
                        "expected an absolute http(s) URL")
    delay = 1.0 / rate
    for group in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES"):
        settings[group] = {path: order for path, order in settings[group].items() if not path.endswith(_LEFT_OUT)}
    settings.update({
        "DOWNLOAD_DELAY": delay, "DOWNLOAD_DELAY_JITTER": 0, "AUTOTHROTTLE_START_DELAY": delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "CONCURRENT_REQUESTS": 1, "DEPTH_LIMIT": 0,
        "ITEM_PIPELINES": {"pressarchive.wayback.pipeline.ImportPipeline": 300},
    })
    return settings


def run_wayback(queries: list[WaybackQuery], data: DataDir, profiles: Mapping[str, Profile], *,
                settings: dict[str, Any] | None = None, limit: int = 0, retry_refused: bool = False,
                on_progress: Progress | None = None) -> WaybackSummary:
    """Import the captures ``queries`` list into ``data`` (the caller holds the writer lock).

    ``retry_refused``: fetch again the captures an earlier run refused.
    Twisted's reactor cannot be restarted, so this runs once per process.
    """
    scrapy_settings = wayback_settings(settings)
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    scrapy_settings["LOG_FILE"] = str(data.reports_dir / f"wayback-{stamp}.log")
    logging.raiseExceptions = False
    repair_open_files(data.warc_dir)
    base = str(scrapy_settings["PRESSARCHIVE_WAYBACK_URL"]).rstrip("/")
    options = ImportOptions(workers=int(scrapy_settings["PRESSARCHIVE_EXTRACT_WORKERS"]),
                            timeout=float(scrapy_settings["PRESSARCHIVE_EXTRACT_TIMEOUT"]),
                            memory_mb=int(scrapy_settings["PRESSARCHIVE_EXTRACT_MEMORY"]))
    with SignalLatch() as latch, ImportSession(data, options, profiles, on_progress=on_progress) as session:
        job = WaybackJob(base_url=base, queries=queries, session=session,
                         settled=settled(session.archive, base, retry_refused), limit=limit)
        process = BoundedStopCrawlerProcess(scrapy_settings, latch=latch)
        crawler = process.create_crawler(WaybackSpider)
        process.crawl(crawler, job=job)
        process.start()
    summary = WaybackSummary.from_stats(session.summary, crawler.stats.get_stats(), job.requested,
                                        stop_signal=process.stop_signal)
    report = {"patterns": [query.pattern for query in queries], "base_url": base, **summary.to_json()}
    (data.reports_dir / f"wayback-{stamp}.json").write_text(json.dumps(report, indent=2), "utf-8")
    return summary
