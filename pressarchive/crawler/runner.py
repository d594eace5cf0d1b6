"""Running crawls: one Scrapy process for one or more profiles, with live progress.

This is the crawler's public entry point; the CLI calls it and then indexes what changed.
Scrapy's log goes to a file in the data directory's ``reports/`` so the terminal shows only
the progress table and the summary.
"""

from __future__ import annotations

import json
from datetime import date, datetime, UTC
from typing import Any

from rich.console import Console
from scrapy.crawler import CrawlerProcess

from pressarchive.crawler.progress import CrawlProgress
from pressarchive.crawler.settings import crawl_settings
from pressarchive.crawler.spider import PressRoomSpider
from pressarchive.crawler.summary import CrawlSummary
from pressarchive.datadir import DataDir
from pressarchive.profiles import Profile


def run_crawl(
    profiles: list[Profile], data: DataDir, *, since: date | None = None,
    settings: dict[str, Any] | None = None, console: Console | None = None,
) -> list[CrawlSummary]:
    """Crawl ``profiles`` into ``data`` and return one summary per profile.

    Twisted's reactor cannot be restarted, so this runs once per process.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    scrapy_settings = crawl_settings({"PRESSARCHIVE_DATA_DIR": str(data.root), **(settings or {})})
    scrapy_settings["LOG_FILE"] = str(data.reports_dir / f"crawl-{stamp}.log")
    process = CrawlerProcess(scrapy_settings)
    crawlers = []
    for profile in profiles:
        crawler = process.create_crawler(PressRoomSpider)
        process.crawl(crawler, profile=profile, since=since)
        crawlers.append((profile.name, crawler))
    with CrawlProgress(crawlers, console) as progress:
        from twisted.internet import reactor, task

        ticker = task.LoopingCall(progress.refresh)
        reactor.callWhenRunning(ticker.start, 0.25)  # type: ignore[attr-defined]
        process.start()
        if ticker.running:
            ticker.stop()
    summaries = [CrawlSummary.from_stats(name, crawler.stats.get_stats()) for name, crawler in crawlers]
    report = {"started": stamp, "summaries": [summary.to_json() for summary in summaries]}
    (data.reports_dir / f"crawl-{stamp}.json").write_text(json.dumps(report, indent=2), "utf-8")
    return summaries
