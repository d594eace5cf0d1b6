"""Running the reconnaissance spiders: one Scrapy process, settings derived from the crawl's.

The settings are :func:`pressarchive.crawler.settings.crawl_settings` (robots.txt obeyed,
honest User-Agent, AutoThrottle, delays, the text-only policy, the page budget) minus the two
components that write to a data directory: the WARC capture middleware and the item
pipeline. Discovery and checks are reconnaissance: what they fetch is not evidence of a
publication and is not archived. Scrapy logs only errors, to stderr, without the noise of
expected failures (a closed port is a finding here, not a log line).

robots.txt is fetched twice per site: once by Scrapy's robots.txt middleware, which enforces
it, and once by the spider, which reports it (its status, its ``Sitemap:`` lines). The
middleware's copy is not reachable from a spider through any public API.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess

from pressarchive.crawler.settings import crawl_settings
from pressarchive.discovery.check_spider import CheckSpider
from pressarchive.discovery.checks import SourceCheck
from pressarchive.discovery.discovery_spider import DiscoverySpider
from pressarchive.discovery.survey import Survey
from pressarchive.profiles import Profile

#: Loggers whose ERROR lines only repeat what the findings already record.
_EXPECTED_NOISE = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")
DISCOVERY_PAGE_BUDGET = 40


def probe_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl settings for fetching without archiving (see the module docstring)."""
    settings = crawl_settings(overrides)
    settings["DOWNLOADER_MIDDLEWARES"] = {
        path: order for path, order in settings["DOWNLOADER_MIDDLEWARES"].items()
        if not path.endswith("WarcCaptureMiddleware")
    }
    settings["ITEM_PIPELINES"] = {}
    settings["LOG_LEVEL"] = "ERROR"
    settings["RETRY_TIMES"] = 1
    return settings


def _run(spiders: list[tuple[type, dict[str, Any]]], settings: dict[str, Any]) -> list[Crawler]:
    """Run spiders to completion in one process (Twisted's reactor runs once per process)."""
    process = CrawlerProcess(settings)
    for name in _EXPECTED_NOISE:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    crawlers = []
    for spider_class, kwargs in spiders:
        crawler = process.create_crawler(spider_class)
        process.crawl(crawler, **kwargs)
        crawlers.append(crawler)
    process.start()
    return crawlers


def discover_site(url: str, settings: dict[str, Any] | None = None, *, listing_pages: int = 3,
                  child_sitemaps: int = 3) -> Survey:
    """Fetch what discovery reads about the press room at ``url``."""
    overrides = {"PRESSARCHIVE_MAX_PAGES": DISCOVERY_PAGE_BUDGET, **(settings or {})}
    survey = Survey(url=url)
    kwargs = {"url": url, "survey": survey, "listing_pages": listing_pages, "child_sitemaps": child_sitemaps}
    [crawler] = _run([(DiscoverySpider, kwargs)], probe_settings(overrides))
    survey.requests = int(crawler.stats.get_value("downloader/request_count", 0) or 0)
    return survey


def check_profiles(profiles: list[Profile], settings: dict[str, Any] | None = None) -> list[SourceCheck]:
    """Fetch every profile's entry points once and judge them (one spider per profile)."""
    reports = [SourceCheck(name=profile.name, origin=profile.origin) for profile in profiles]
    spiders: list[tuple[type, dict[str, Any]]] = [
        (CheckSpider, {"profile": profile, "report": report}) for profile, report in zip(profiles, reports, strict=True)
    ]
    _run(spiders, probe_settings(settings))
    return reports
