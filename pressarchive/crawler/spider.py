"""``PressRoomSpider``: the one spider that crawls any press room described by a profile.

Entry points are the profile's listing pages, sitemaps and feeds. Links are routed by the
profile's regexes: ``article`` URLs become documents, ``follow`` URLs are listings to read
for more links, anything else is left alone. URLs are canonicalised before they are
requested, so tracking-parameter variants of one release cost one request.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from pressarchive.crawler.capture import CAPTURE_META
from pressarchive.crawler.errors import error_kind
from pressarchive.crawler.feeds import feed_entries
from pressarchive.crawler.items import PageItem
from pressarchive.crawler.media import DENIED_EXTENSIONS, is_denied_url
from pressarchive.profiles import Profile
from pressarchive.urls import canonical_url


class PressRoomSpider(Spider):
    name = "pressroom"

    def __init__(self, profile: Profile, since: date | None = None, **kwargs: Any) -> None:
        super().__init__(name=profile.name, **kwargs)
        self.profile = profile
        self.since = since or profile.since
        self.allowed_domains = list(profile.allowed_domains)
        self._article = [re.compile(pattern) for pattern in profile.article]
        self._follow = [re.compile(pattern) for pattern in profile.follow]
        deny = sorted(DENIED_EXTENSIONS)
        self._article_links = LinkExtractor(allow=profile.article, deny_extensions=deny)
        self._listing_links = LinkExtractor(allow=profile.follow, deny_extensions=deny) if profile.follow else None

    async def start(self) -> AsyncIterator[Request]:
        for url in self.profile.sitemap_urls:
            yield self._request(url, self.parse_sitemap)
        for url in self.profile.feed_urls:
            yield self._request(url, self.parse_feed)
        for url in self.profile.start_urls:
            yield self.route(url) or self._request(url, self.parse_listing)

    # -- routing ------------------------------------------------------------------------------

    def route(self, url: str) -> Request | None:
        """A request for ``url`` if the profile says it is a release or a listing."""
        url = canonical_url(url)
        reason = is_denied_url(url)
        if reason:
            self.crawler.stats.inc_value(f"pressarchive/skipped/{reason}")
            return None
        if any(pattern.search(url) for pattern in self._article):
            return self._request(url, self.parse_article)
        if any(pattern.search(url) for pattern in self._follow):
            return self._request(url, self.parse_listing)
        return None

    def _request(self, url: str, callback: Any) -> Request:
        return Request(canonical_url(url), callback=callback, errback=self.on_error)

    def _older_than_since(self, published: date | None) -> bool:
        if self.since and published and published < self.since:
            self.crawler.stats.inc_value("pressarchive/skipped/older_than_since")
            return True
        return False

    # -- callbacks ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Request | PageItem]:
        if not isinstance(response, TextResponse):
            return
        for link in self._article_links.extract_links(response):
            if request := self.route(link.url):
                yield request
        if self._listing_links is not None:
            for link in self._listing_links.extract_links(response):
                if request := self.route(link.url):
                    yield request

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        content_type = response.headers.get("Content-Type") or b""
        yield PageItem(
            url=response.url, body=response.body, content_type=content_type.decode("latin-1"),
            capture_id=response.meta.get(CAPTURE_META), source=self.profile.name,
        )

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = _sitemap_body(response)
        if body is None:
            self.crawler.stats.inc_value("pressarchive/errors/bad_sitemap")
            return
        sitemap = Sitemap(body)
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield self._request(loc, self.parse_sitemap)
            elif not self._older_than_since(_lastmod(entry.get("lastmod"))):
                if request := self.route(loc):
                    yield request

    def parse_feed(self, response: Response) -> Iterator[Request]:
        for entry in feed_entries(response.body):
            if not self._older_than_since(entry.published):
                if request := self.route(response.urljoin(entry.url)):
                    yield request

    def on_error(self, failure: Failure) -> None:
        """Count a failed request by kind; keep the first message for the summary."""
        kind = error_kind(failure)
        if kind is None:
            return
        stats = self.crawler.stats
        stats.inc_value(f"pressarchive/errors/{kind}")
        if not stats.get_value("pressarchive/first_error"):
            request = getattr(failure, "request", None)
            url = request.url if request is not None else ""
            stats.set_value("pressarchive/first_error", f"{url}: {failure.getErrorMessage()}")


def _sitemap_body(response: Response) -> bytes | None:
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=50 * 2**20)
        except OSError:
            return None
    return body if b"<urlset" in body[:2048] or b"<sitemapindex" in body[:2048] else None


def _lastmod(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
