"""``PressRoomSpider``: the one spider that crawls any press room described by a profile.

Entry points are the profile's listing pages, sitemaps and feeds. Links are routed by the
profile's regexes: ``article`` URLs become documents, ``follow`` URLs are listings to read
for more links, anything else is left alone. URLs are canonicalised before they are
requested, so tracking-parameter variants of one release cost one request.

What the archive already holds (``known``) makes recrawls incremental: a known release with
validators (ETag, Last-Modified) is asked for conditionally; one without is skipped when a
sitemap's ``lastmod`` predates its capture, and, when the profile has sitemaps, is only
decided once they are all read. Of the releases so skipped, those the revisit policy says are
due (a capped share, most overdue first) are fetched all the same, to catch silent edits
(``full`` refetches them all). Once every listing has been read, known releases nothing links
any more are checked for removal; an entry point that answered but could not be read whole (a
page with no matching link, a broken feed, a truncated sitemap) or whose callback raised
counts as not read, so that check is skipped. ``done`` lists releases a resumed run already
stored.

Entry points are fetched ahead of the releases already queued: a sitemap queues thousands of
releases at once, and behind them the listing pages came last, so their dates reached no
release that needed one, the removal check waited for them, and the crawl ended on a chain
of listing pages read one after another. ``context`` is the run's
:class:`~pressarchive.crawler.context.CrawlContext` (None when nothing is stored).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from scrapy import Request, Selector, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from pressarchive.crawler.capture import CAPTURE_META
from pressarchive.crawler.context import CrawlContext, utc_now
from pressarchive.crawler.errors import error_kind
from pressarchive.crawler.feeds import read_feed
from pressarchive.crawler.frontier.shared import SharedFrontier
from pressarchive.crawler.incremental import (
    conditional_headers,
    listing_dates,
    older_than,
    unchanged_since_capture,
)
from pressarchive.crawler.items import ListedItem, PageItem, RemovalItem
from pressarchive.crawler.listingdates import LISTED_DATE_META, listed_day, listed_release_dates, parse_day
from pressarchive.crawler.links import page_links
from pressarchive.crawler.media import is_denied_url
from pressarchive.crawler.revisit import RevisitPolicy
from pressarchive.crawler.settings import SETTINGS
from pressarchive.crawler.sitemaps import DatedSitemap, SitemapError, sitemap_body
from pressarchive.profiles import Profile, compile_patterns, domain_allowed
from pressarchive.store.records import KnownPage
from pressarchive.urls import canonical_url, host_of

GONE = (404, 410)
_CANONICAL = ('//head/link[contains(concat(" ", translate(normalize-space(@rel), '
              '"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"), " "), " canonical ")]/@href')
ENTRY_META = "pressarchive_entry"  # listing, sitemap or feed: its failure makes the listing incomplete
REVISIT_META = "pressarchive_revisit"  # fetched only because the revisit policy said it was due
#: Listings, sitemaps and feeds go ahead of releases in the queue (Scrapy pops the highest first).
ENTRY_PRIORITY = 10
#: How far the clocks of a shared crawl's machines may differ: a release first captured this
#: close to the crawl's start is left out of its removal check.
CLOCK_MARGIN = timedelta(minutes=10)


class PressRoomSpider(Spider):
    name = "pressroom"

    def __init__(
        self, profile: Profile, since: date | None = None, known: dict[str, KnownPage] | None = None,
        done: set[str] | None = None, context: CrawlContext | None = None, full: bool = False,
        now: datetime | None = None, **kwargs: Any,
    ) -> None:
        super().__init__(name=profile.name, **kwargs)
        self.profile = profile
        self.since = since or profile.since
        self.known = known or {}
        self.done = done or set()
        self.context = context  # the run's shared state (None in unit tests: nothing is stored)
        self.allowed_domains = list(profile.allowed_domains)
        self.full = full
        # The crawl's clock for revisits: one reading, so every release is judged at one time.
        self.now = now or (context.clock if context is not None else utc_now)()
        self.revisits = _revisit_policy({})
        self.listed: set[str] = set()
        # Whether this process read every entry point it fetched whole. A process of a shared
        # crawl (``--frontier``) reads only some: the removal check then takes what every process
        # found linked (see ``_unlisted``).
        self.listing_complete = self.since is None
        self._unchanged: set[str] = set()  # known releases a sitemap says are unchanged: revisit or skip
        self._deferred: set[str] = set()  # known releases to decide once sitemaps are read
        self._idle_steps = [self._request_deferred, self._request_revisits, self._verify_unlisted]
        # RE2, never Python's backtracking engine: a profile's regex cannot hang the crawl.
        self._article = compile_patterns(profile.article)
        self._follow = compile_patterns(profile.follow)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PressRoomSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_callback_error, signal=signals.spider_error)
        if crawler.settings.getint("PRESSARCHIVE_MAX_PAGES"):
            spider.listing_complete = False
        spider.revisits = _revisit_policy(crawler.settings)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.profile.sitemap_urls:
            yield self._request(url, self.parse_sitemap, entry=True)
        for url in self.profile.feed_urls:
            yield self._request(url, self.parse_feed, entry=True)
        for url in self.profile.start_urls:
            yield self.route(url, listed=False) or self._request(url, self.parse_listing, entry=True)

    # -- routing ------------------------------------------------------------------------------

    def route(
        self, url: str, lastmod: date | None = None, listed: bool = True, listed_date: date | None = None,
    ) -> Request | None:
        """A request for ``url`` if the profile says it is a release or a listing.

        ``listed_date`` is the publication date a feed, sitemap or listing gave the release; it rides
        along to extraction as the date to use when the page itself shows none.
        """
        url = canonical_url(url)
        reason = is_denied_url(url)
        if reason:
            self._skip(reason)
            return None
        if any(pattern.search(url) for pattern in self._article):
            return self._release_request(url, lastmod, listed, listed_date=listed_date)
        if any(pattern.search(url) for pattern in self._follow):
            return self._request(url, self.parse_listing, entry=True)
        return None

    def _release_request(
        self, url: str, lastmod: date | None, listed: bool, decide_now: bool = False,
        listed_date: date | None = None,
    ) -> Request | None:
        if listed:
            self.listed.add(url)
        known = self.known.get(url)
        if url in self.done:
            self._skip("done_before_resume")
            return None
        if known is not None and not conditional_headers(known) and not self.full:
            if unchanged_since_capture(known, lastmod) or url in self._unchanged:
                self._unchanged.add(url)  # revisited or skipped once the sitemaps are read
                return None
            if lastmod is None and self.profile.sitemap_urls and not decide_now:
                self._deferred.add(url)
                return None
        return self._article_request(url, known, listed_date)

    def _article_request(self, url: str, known: KnownPage | None, listed_date: date | None = None) -> Request:
        request = self._request(url, self.parse_article)
        request.headers.update(conditional_headers(known))
        request.meta["handle_httpstatus_list"] = [304]
        if listed_date is not None:
            request.meta[LISTED_DATE_META] = listed_date.isoformat()
        return request

    def _request(self, url: str, callback: Any, entry: bool = False) -> Request:
        return Request(canonical_url(url), callback=callback, errback=self.on_error, meta={ENTRY_META: entry},
                       priority=ENTRY_PRIORITY if entry else 0)

    def _skip(self, reason: str) -> None:
        self.crawler.stats.inc_value(f"pressarchive/skipped/{reason}")

    def _older_than_since(self, published: date | None) -> bool:
        if self.since and published and published < self.since:
            self._skip("older_than_since")
            return True
        return False

    # -- callbacks ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Request | ListedItem]:
        if not isinstance(response, TextResponse):
            self._entry_failed("bad_listing", response.url, "not a text page")
            return
        releases: list[str] = []
        listings: list[str] = []
        # One pass over a listing's links for releases and listings alike (mega-menus carry
        # hundreds of links), routed by the profile's RE2 patterns.
        for url in page_links(response):
            if any(pattern.search(url) for pattern in self._article):
                releases.append(url)
            elif any(pattern.search(url) for pattern in self._follow):
                listings.append(url)
        if not releases and not listings:
            # A listing always links a release or another listing page; one that links
            # neither is a maintenance, login or error page answered with 200.
            self._entry_failed("bad_listing", response.url, "no link matches the profile")
            return
        dates = self._listed_dates(response) if releases else {}
        for url in releases:
            if request := self.route(url, listed_date=dates.get(canonical_url(url))):
                yield request
        yield self._listed_item([url for url in map(canonical_url, releases) if not is_denied_url(url)])
        if not listings:
            return
        if older_than(listing_dates(response), self.since):
            self._skip("listing_older_than_since")
            return
        for url in listings:
            if request := self.route(url):
                yield request

    def _listed_dates(self, response: TextResponse) -> dict[str, date]:
        """The date the listing shows beside each release link (none where it is unclear)."""
        def is_release(url: str) -> bool:
            return any(pattern.search(url) for pattern in self._article)

        return listed_release_dates(response.selector.root, response.url, is_release, self.profile.language)

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        self.crawler.stats.inc_value("pressarchive/releases/fetched")
        content_type = response.headers.get("Content-Type") or b""
        url = self.declared_canonical(response) or response.url
        listed_as = canonical_url(response.url)
        if url != listed_as and url not in self.listed and self._listed_anywhere(listed_as):
            self.listed.add(url)  # the release's own URL, linked under another one
            self._share_listed([url])
        yield PageItem(
            url=url, body=response.body, content_type=content_type.decode("latin-1"),
            capture_id=response.meta.get(CAPTURE_META), source=self.profile.name,
            status=response.status, delisted=bool(response.meta.get("pressarchive_verify")),
            revisit=bool(response.meta.get(REVISIT_META)),
            listed_date=listed_day(response.meta),
        )

    def declared_canonical(self, response: Response) -> str | None:
        """The page's own ``<link rel=canonical>``, when it is one clear release URL of this site.

        The capture keeps the fetched URL; the document is filed under the declared one, so
        print views and session URLs of one release make one document.
        """
        hrefs = _head(response).xpath(_CANONICAL).getall() if isinstance(response, TextResponse) else []
        urls = {canonical_url(response.urljoin(href.strip())) for href in hrefs if href.strip()}
        if len(urls) != 1:
            return None
        (url,) = urls
        if (not domain_allowed(host_of(url), self.profile.allowed_domains) or is_denied_url(url)
                or not any(pattern.search(url) for pattern in self._article)):
            return None  # off-site, or the home page some CMSs declare everywhere
        return url

    def parse_sitemap(self, response: Response) -> Iterator[Request | ListedItem]:
        try:
            body = sitemap_body(response.body)
        except SitemapError as exc:
            self._entry_failed("bad_sitemap", response.url, str(exc))
            return
        sitemap = DatedSitemap(body)
        listed = []
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                yield self._request(loc, self.parse_sitemap, entry=True)
            elif not self._older_than_since(lastmod := parse_day(entry.get("lastmod"))):
                listed.append(canonical_url(loc))
                # A news sitemap's publication date; else lastmod, which for a release that
                # was never edited is its publication day (used only if the page has none).
                published = parse_day(entry.get("publication_date")) or lastmod
                if request := self.route(loc, lastmod, listed_date=published):
                    yield request
        yield self._listed_item(listed)

    def parse_feed(self, response: Response) -> Iterator[Request | ListedItem]:
        feed = read_feed(response.body)
        if feed.problem:  # what could be recovered is still followed, but the feed is not whole
            self._entry_failed("bad_feed", response.url, feed.problem)
        listed = []
        for entry in feed.entries:
            if not self._older_than_since(entry.published):
                url = response.urljoin(entry.url)
                listed.append(canonical_url(url))
                if request := self.route(url, listed_date=entry.published):
                    yield request
        yield self._listed_item(listed)

    def _listed_item(self, urls: list[str]) -> ListedItem:
        """The item that records ``urls`` as linked now; in a shared crawl, the other processes
        are told too, before this response's lease is released."""
        self._share_listed(urls)
        return ListedItem(urls)

    def _listed_anywhere(self, url: str) -> bool:
        """Linked from an entry point this process read, or (a shared crawl) any process read."""
        if url in self.listed:
            return True
        shared = self._shared_frontier()
        if shared is None:
            return False
        listed = shared.is_listed(self.name, url)
        if listed is None:  # Redis cannot say: better no removal check than a wrong one
            self.listing_complete = False
        return bool(listed)

    def _shared_frontier(self) -> SharedFrontier | None:
        return self.context.frontier if self.context is not None else None

    def _share_listed(self, urls: list[str]) -> None:
        shared = self._shared_frontier()
        if shared is not None and not shared.add_listed(self.name, urls):
            self.listing_complete = False  # the others cannot know these were linked

    # -- failures and removals ------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[RemovalItem]:
        """Count a failed request by kind; a known release that is gone is a removal."""
        kind = error_kind(failure)
        request = getattr(failure, "request", None)
        if request is not None and request.meta.get(ENTRY_META):
            self.listing_complete = False  # a listing not read: its releases are not "unlisted"
        if kind is None:
            return
        url = request.url if request is not None else ""
        status = int(kind[5:]) if kind.startswith("http_") else 0
        if status in GONE and canonical_url(url) in self.known:
            yield RemovalItem(canonical_url(url), kind)
            return
        stats = self.crawler.stats
        stats.inc_value(f"pressarchive/errors/{kind}")
        if request is not None and not request.meta.get(ENTRY_META):
            stats.inc_value("pressarchive/releases/failed")
        if not stats.get_value("pressarchive/first_error"):
            stats.set_value("pressarchive/first_error", f"{url}: {failure.getErrorMessage()}")

    def on_callback_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        """A callback that raised on an entry point has not read it (counted by ``FailureStats``)."""
        if spider is self and response.request is not None and response.meta.get(ENTRY_META):
            self.listing_complete = False

    def _entry_failed(self, kind: str, url: str, reason: str) -> None:
        """A listing, feed or sitemap that answered but could not be read: not a complete listing."""
        self.listing_complete = False
        stats = self.crawler.stats
        stats.inc_value(f"pressarchive/errors/{kind}")
        if not stats.get_value("pressarchive/first_error"):
            stats.set_value("pressarchive/first_error", f"{url}: {reason}")

    def on_idle(self) -> None:
        """When the queue runs dry, take the next deferred step; keep the spider open if it added work."""
        while self._idle_steps:
            if self._idle_steps.pop(0)():
                raise DontCloseSpider

    def _request_deferred(self) -> int:
        """Known releases linked without a sitemap date, not covered by any sitemap entry."""
        requests = [self._release_request(url, None, listed=False, decide_now=True)
                    for url in sorted(self._deferred - self._unchanged)]
        return self._schedule(request for request in requests if request is not None)

    def _request_revisits(self) -> int:
        """Known releases a sitemap says are unchanged: the due ones, within the cap, are fetched
        again (the revisit policy); the others are skipped until they come due."""
        unchanged = [self.known[url] for url in sorted(self._unchanged)]
        active = sum(1 for page in self.known.values() if not page.removed)
        due = self.revisits.select(unchanged, active, self.now)
        if len(unchanged) > len(due):
            self.crawler.stats.inc_value("pressarchive/skipped/unchanged_per_sitemap", len(unchanged) - len(due))
        requests = [self._article_request(url, self.known[url]) for url in due]
        for request in requests:
            request.meta[REVISIT_META] = True
        return self._schedule(requests)

    def listing_whole(self) -> bool:
        """Whether every entry point this process fetched was read whole, and no cap cut the
        listing short (a crawl's depth or trap cap)."""
        stats = self.crawler.stats
        capped = stats.get_value("pressarchive/skipped/trap") or stats.get_value("depth/request_ignored_count")
        return self.listing_complete and not capped

    def _verify_unlisted(self) -> int:
        """Once every listing is read, fetch known releases that nothing links any more."""
        if not self.listing_whole() or not self._has_listings():
            return 0
        unlisted = self._unlisted()
        requests = []
        for url in unlisted:
            request = self._release_request(url, None, listed=False, decide_now=True)
            if request is not None:
                request.meta["pressarchive_verify"] = True
                requests.append(request)
        return self._schedule(requests)

    def _unlisted(self) -> list[str]:
        """Known releases no entry point linked in this crawl; in a shared crawl, linked by no
        process, and only releases first captured before the crawl began (with a margin for
        the processes' clocks): one stored during it was reached through some link."""
        unlisted = [url for url, page in self.known.items() if url not in self.listed and not page.removed]
        shared = self._shared_frontier()
        if shared is None or not unlisted:
            return unlisted
        seen = shared.listing_seen(self.name)
        if seen is None:  # some process could not read an entry point whole, or Redis cannot say
            return []
        before = seen.started - CLOCK_MARGIN
        return [url for url in unlisted if url not in seen.urls
                and (first := self.known[url].first_captured) is not None and first < before]

    def _schedule(self, requests: Any) -> int:
        count = 0
        for request in requests:
            self.crawler.engine.crawl(request)
            count += 1
        return count

    def _has_listings(self) -> bool:
        profile = self.profile
        return bool(profile.follow or profile.sitemap_urls or profile.feed_urls)


def _revisit_policy(settings: Any) -> RevisitPolicy:
    """The revisit policy the settings give, the table's defaults where they have none."""
    return RevisitPolicy.from_settings({name: settings.get(name, entry.default) for name, entry in SETTINGS.items()})


def _head(response: TextResponse) -> Selector:
    """The page up to ``</head>`` only: parsing a whole 40 KB page here cost 2 ms a release,
    on the crawl's own thread, for one ``<link>``; extraction parses the page anyway."""
    text = response.text
    end = text.find("</head")
    if end < 0:
        end = text.lower().find("</head")
    return Selector(text=text if end < 0 else text[:end])
