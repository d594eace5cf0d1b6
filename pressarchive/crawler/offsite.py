"""``AllowedDomainsMiddleware``: no request leaves, and no response comes from outside, the
source's allowed domains, whatever ``dont_filter`` says.

Scrapy's own offsite check skips requests with ``dont_filter=True``; retries set it and
redirects inherit it, so a release that answered 503 once and then redirected to another
host was fetched and archived as the source's document. This middleware sits next to the
downloader (after every middleware that makes requests, before the WARC capture on the way
back), so it sees every request as it leaves, retries, redirects and ``add`` included, and
every response before anything keeps it. Refusals count as skipped ``offsite``.

The allowed domains are the spider's ``allowed_domains`` (Scrapy's convention); a spider
without them (``discover``, which follows a start page to its ``www.`` host) is not limited.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from pressarchive.profiles import domain_allowed
from pressarchive.urls import host_of

STAT = "pressarchive/skipped/offsite"


def spider_domains(spider: Spider | None) -> tuple[str, ...]:
    """The domains ``spider`` may fetch from; empty: no limit."""
    domains: Any = getattr(spider, "allowed_domains", None) or ()  # Scrapy's optional attribute
    return tuple(str(domain).lower() for domain in domains if domain)


def url_allowed(url: str, domains: tuple[str, ...]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or under one (no domains: any host)."""
    return not domains or domain_allowed(host_of(url), domains)


class AllowedDomainsMiddleware:
    def __init__(self, stats: StatsCollector, domains: tuple[str, ...] = ()) -> None:
        self.stats = stats
        self.domains = domains

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedDomainsMiddleware:
        middleware = cls(crawler.stats, spider_domains(crawler.spider))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.domains = spider_domains(spider)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        self._check(request.url)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        self._check(response.url)
        return response

    def _check(self, url: str) -> None:
        if not url_allowed(url, self.domains):
            self.stats.inc_value(STAT)
            raise IgnoreRequest(f"offsite: {host_of(url)} is outside the allowed domains")
