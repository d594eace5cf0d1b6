"""``DiscoverySpider``: reads a press room's page, robots.txt, sitemaps and feeds for
``pressarchive discover``.

It fetches little and politely (the crawl's own settings: robots.txt obeyed, honest
User-Agent, delays): the page given (or, for a home page, the press room it links to), a few
pages of its pagination, the feeds it advertises, the sitemaps robots.txt names (or the
common ``/sitemap.xml`` and ``/sitemap_index.xml`` when it names none) and a sample of an
index's child sitemaps. Nothing is archived; findings go into a
:class:`~pressarchive.discovery.survey.Survey` that the CLI turns into a draft profile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from pressarchive.crawler.feeds import feed_entries
from pressarchive.discovery.probing import NO_ROBOTS, failure_reason, failure_status, robots_url
from pressarchive.discovery.html import read_page
from pressarchive.discovery.formats import feed_kind, parse_sitemap, robots_sitemaps, sample_children
from pressarchive.discovery.survey import FeedFinding, PageFacts, RobotsFinding, SitemapFinding, Survey
from pressarchive.profiles import domain_allowed
from pressarchive.urls import canonical_url, host_of

COMMON_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml")
MAX_FEEDS = 4


class DiscoverySpider(Spider):
    name = "discover"

    def __init__(self, url: str, survey: Survey, listing_pages: int = 3, child_sitemaps: int = 3,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.survey = survey
        self.listing_pages = max(1, listing_pages)
        self.child_sitemaps = child_sitemaps
        self.hosts: tuple[str, ...] = (host_of(url),)
        self._robots_read: set[str] = set()
        self._wanted: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.url, callback=self.parse_start, errback=self.start_failed, dont_filter=True)
        for request in self._robots(self.url):
            yield request

    # -- the page given and the listings -------------------------------------------------------

    def parse_start(self, response: Response) -> Iterator[Request]:
        final_host = host_of(response.url)
        if final_host not in self.hosts:  # e.g. example.org -> www.example.org
            self.hosts += (final_host,)
            yield from self._robots(response.url)
        if not _is_html(response):
            yield from self._start_not_html(response)
            return
        facts = read_page(response.url, response.text, response.status)  # type: ignore[attr-defined]
        self.survey.start = facts
        self.survey.listings.append(facts)
        yield from self._links_of(facts)
        pressroom = self._pressroom(facts) if urlsplit(response.url).path in ("", "/") else ""
        if pressroom:
            self.survey.pressroom_url = pressroom
            yield Request(pressroom, callback=self.parse_listing, errback=self.ignore)
        else:
            yield from self._next(facts)

    def start_failed(self, failure: Failure) -> None:
        reason = failure_reason(failure)
        self.survey.start_error = reason

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not _is_html(response):
            return
        facts = read_page(response.url, response.text, response.status)  # type: ignore[attr-defined]
        self.survey.listings.append(facts)
        yield from self._links_of(facts)
        yield from self._next(facts)

    def _start_not_html(self, response: Response) -> Iterator[Request]:
        """The URL given was a feed or a sitemap, not a page: record it as one."""
        self.survey.start_kind = "other"
        if parse_sitemap(response.body).kind:
            yield from self.parse_sitemap(response, self._sitemap_finding(response.url, "the URL given"))
        elif feed_entries(response.body):
            self.parse_feed(response, self._feed_finding(response.url, "the URL given"))
        else:
            self.survey.start_error = "neither an HTML page, a feed nor a sitemap"

    def _pressroom(self, facts: PageFacts) -> str:
        for url in facts.pressroom_links:
            if url != facts.url and self._ours(url):
                return url
        return ""

    def _next(self, facts: PageFacts) -> Iterator[Request]:
        if facts.next_url and self._ours(facts.next_url) and len(self.survey.listings) < self.listing_pages:
            if facts.next_url not in {page.url for page in self.survey.listings}:
                yield Request(facts.next_url, callback=self.parse_listing, errback=self.ignore)

    def _links_of(self, facts: PageFacts) -> Iterator[Request]:
        for url in facts.feed_links:
            if len(self.survey.feeds) < MAX_FEEDS and (request := self._feed(url, "linked from the page")):
                yield request
        for url in facts.sitemap_links:
            if request := self._sitemap(url, "linked from the page"):
                yield request

    # -- robots.txt ----------------------------------------------------------------------------

    def _robots(self, url: str) -> Iterator[Request]:
        target = robots_url(url)
        if target in self._robots_read:
            return
        self._robots_read.add(target)
        finding = RobotsFinding(url=target)
        self.survey.robots.append(finding)
        yield Request(target, callback=self.parse_robots, errback=self.robots_failed,
                      meta={**NO_ROBOTS, "finding": finding}, dont_filter=True)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        finding: RobotsFinding = response.meta["finding"]
        finding.status = response.status
        finding.body = response.body[:500_000]
        finding.sitemaps = robots_sitemaps(response.body, response.url)
        for url in finding.sitemaps:
            if request := self._sitemap(url, "robots.txt"):
                yield request
        if not finding.sitemaps:
            yield from self._common_sitemaps(response.url)

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        finding: RobotsFinding = failure.request.meta["finding"]  # type: ignore[attr-defined]
        finding.status = failure_status(failure)
        finding.error = "none (HTTP 404)" if finding.status == 404 else failure_reason(failure)
        yield from self._common_sitemaps(finding.url)

    def _common_sitemaps(self, url: str) -> Iterator[Request]:
        parts = urlsplit(url)
        for path in COMMON_SITEMAPS:
            if request := self._sitemap(f"{parts.scheme}://{parts.netloc}{path}", "common path"):
                yield request

    # -- sitemaps ------------------------------------------------------------------------------

    def _sitemap_finding(self, url: str, how: str, parent: str = "") -> SitemapFinding:
        finding = SitemapFinding(url=url, how=how, parent=parent)
        self.survey.sitemaps.append(finding)
        return finding

    def _sitemap(self, url: str, how: str, parent: str = "") -> Request | None:
        url = canonical_url(url)
        if not self._ours(url):
            self.survey.offsite.append(url)
            return None
        if self._seen_again(url, how):
            return None
        finding = self._sitemap_finding(url, how, parent)
        return Request(url, callback=self.parse_sitemap, errback=self.fetch_failed,
                       meta={"finding": finding}, dont_filter=True)

    def parse_sitemap(self, response: Response, finding: SitemapFinding | None = None) -> Iterator[Request]:
        finding = finding or response.meta["finding"]
        finding.status = response.status
        parsed = parse_sitemap(response.body)
        finding.kind = parsed.kind
        if not parsed.kind:
            finding.error = "not a sitemap"
            return
        if parsed.kind == "urlset":
            finding.locs = [canonical_url(loc) for loc in parsed.locs]
            return
        finding.children = parsed.locs
        if finding.parent:  # one level of indexes only
            return
        for child in sample_children(parsed, self.child_sitemaps):
            if request := self._sitemap(child, f"child of {finding.url}", parent=finding.url):
                yield request

    # -- feeds ---------------------------------------------------------------------------------

    def _feed_finding(self, url: str, how: str) -> FeedFinding:
        finding = FeedFinding(url=url, how=how)
        self.survey.feeds.append(finding)
        return finding

    def _feed(self, url: str, how: str) -> Request | None:
        if not self._ours(url):
            self.survey.offsite.append(url)
            return None
        if self._seen_again(url, how):
            return None
        return Request(url, callback=self.parse_feed, errback=self.fetch_failed,
                       meta={"finding": self._feed_finding(url, how)}, dont_filter=True)

    def parse_feed(self, response: Response, finding: FeedFinding | None = None) -> None:
        finding = finding or response.meta["finding"]
        finding.status = response.status
        entries = feed_entries(response.body)
        finding.kind = feed_kind(response.body)
        if not finding.kind:
            finding.error = "not a feed"
            return
        finding.items = list(dict.fromkeys(canonical_url(response.urljoin(e.url)) for e in entries))

    # -- failures ------------------------------------------------------------------------------

    def fetch_failed(self, failure: Failure) -> None:
        finding = failure.request.meta["finding"]  # type: ignore[attr-defined]
        finding.status = failure_status(failure)
        finding.error = failure_reason(failure)

    def ignore(self, failure: Failure) -> None:
        """A further listing page that failed: the survey simply has one page fewer."""

    def _seen_again(self, url: str, how: str) -> bool:
        """Whether ``url`` is already requested; if so, note the other way it was found
        (a sitemap both in robots.txt and linked from the page is reported as both)."""
        if url not in self._wanted:
            self._wanted.add(url)
            return False
        finding = self.survey.sitemap(url) or self.survey.feed(url)
        if finding is not None and how not in finding.how.split(", "):
            finding.how = f"{finding.how}, {how}"
        return True

    def _ours(self, url: str) -> bool:
        return domain_allowed(host_of(url), self.hosts)


def _is_html(response: Response) -> bool:
    if not isinstance(response, TextResponse):
        return False
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return "html" in content_type or (not content_type and b"<html" in response.body[:4096].lower())
