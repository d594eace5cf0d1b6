"""``CheckSpider``: fetches a profile's entry points once and judges whether they still fit.

Used by ``pressarchive sources --check``. For each listing page, sitemap and feed of the
profile (and the robots.txt of their sites) it records the HTTP status and whether the page
still leads to releases: links matching ``article`` on a listing, matching locations in a
sitemap (following a sample of an index's children, as the crawl would follow them all),
matching items in a feed. Nothing is archived and no release is fetched; the verdicts are
computed from the records in :mod:`pressarchive.discovery.checks`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from pressarchive.crawler.feeds import feed_entries
from pressarchive.crawler.media import DENIED_EXTENSIONS
from pressarchive.discovery.probing import (
    NO_ROBOTS, failure_reason, failure_status, redirect_statuses, robots_url,
)
from pressarchive.discovery.checks import EntryCheck, SourceCheck
from pressarchive.discovery.formats import feed_kind, parse_sitemap, sample_children
from pressarchive.profiles import Profile, compile_patterns, domain_allowed
from pressarchive.urls import canonical_url, host_of

MAX_SITEMAP_DEPTH = 2  # an index of indexes is followed, one more level is not


class CheckSpider(Spider):
    name = "check"

    def __init__(self, profile: Profile, report: SourceCheck, child_sitemaps: int = 3,
                 **kwargs: Any) -> None:
        super().__init__(name=f"check-{profile.name}", **kwargs)
        self.profile = profile
        self.report = report
        self.child_sitemaps = child_sitemaps
        self.allowed_domains = list(profile.allowed_domains)
        self._article = compile_patterns(profile.article)  # RE2: linear time whatever the regex
        self._follow = compile_patterns(profile.follow)
        self._links = LinkExtractor(deny_extensions=sorted(DENIED_EXTENSIONS))

    async def start(self) -> AsyncIterator[Request]:
        for url in dict.fromkeys(robots_url(url) for url in self.profile.entry_urls):
            yield self._request(self.report.add("robots", url), self.parse_robots, NO_ROBOTS)
        for url in self.profile.start_urls:
            yield self._request(self.report.add("listing", url), self.parse_listing)
        for url in self.profile.sitemap_urls:
            yield self._request(self.report.add("sitemap", url), self.parse_sitemap)
        for url in self.profile.feed_urls:
            yield self._request(self.report.add("feed", url), self.parse_feed)

    def _request(self, entry: EntryCheck, callback: Any, meta: dict[str, Any] | None = None,
                 depth: int = 1) -> Request:
        return Request(entry.url, callback=callback, errback=self.failed, dont_filter=True,
                       meta={**(meta or {}), "entry": entry, "sitemap_depth": depth})

    def _answered(self, response: Response) -> EntryCheck:
        entry: EntryCheck = response.meta["entry"]
        entry.status = response.status
        entry.redirects = redirect_statuses(response)
        entry.final_url = response.url if response.url != entry.url else ""
        entry.done = True
        return entry

    def _is_article(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self._article)

    def _allowed(self, url: str) -> bool:
        return domain_allowed(host_of(url), self.profile.allowed_domains)

    # -- callbacks -----------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> None:
        entry = self._answered(response)
        entry.format = "robots"

    def parse_listing(self, response: Response) -> None:
        entry = self._answered(response)
        if not isinstance(response, TextResponse):
            entry.error = "not a text page"
            return
        entry.format = "html"
        urls = dict.fromkeys(canonical_url(link.url) for link in self._links.extract_links(response))
        for url in urls:
            if not self._allowed(url):
                continue
            entry.found += 1
            if self._is_article(url):
                entry.record_match(url)
            elif any(pattern.search(url) for pattern in self._follow):
                entry.follow += 1

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        entry = self._answered(response)
        parsed = parse_sitemap(response.body)
        entry.format = parsed.kind
        entry.found = parsed.total
        if not parsed.kind:
            entry.error = "not a sitemap"
            return
        if parsed.kind == "urlset":
            for loc in parsed.locs:
                if self._is_article(canonical_url(loc)):
                    entry.record_match(loc)
            return
        depth = response.meta.get("sitemap_depth", 1)
        if depth > MAX_SITEMAP_DEPTH:
            return
        for loc in sample_children(parsed, self.child_sitemaps):
            child = EntryCheck(kind="sitemap", url=canonical_url(loc))
            entry.children.append(child)
            yield self._request(child, self.parse_sitemap, depth=depth + 1)

    def parse_feed(self, response: Response) -> None:
        entry = self._answered(response)
        entry.format = feed_kind(response.body)
        if not entry.format:
            entry.error = "not a feed"
            return
        for item in feed_entries(response.body):
            entry.found += 1
            url = canonical_url(response.urljoin(item.url))
            if self._is_article(url):
                entry.record_match(url)

    def failed(self, failure: Failure) -> None:
        entry: EntryCheck = failure.request.meta["entry"]  # type: ignore[attr-defined]
        entry.status = failure_status(failure)
        entry.error = failure_reason(failure)
        entry.done = True
