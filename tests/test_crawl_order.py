"""Listing pages, sitemaps and feeds are fetched ahead of the releases queued before them.

A big sitemap queues thousands of releases while the listing pages are being read, and
Scrapy's queue is last in, first out: a listing page queued just before them waited behind
all of them. In a 5,000-release crawl the chain of 250 listing pages came last (the second
page 39 s after the first), so their dates reached no release that needed one, and the crawl
ended with 2.1 s of listing pages one after the other and no release left to extract.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.core.engine import ExecutionEngine
from scrapy.core.scheduler import Scheduler
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from pressarchive.crawler.settings import crawl_settings
from pressarchive.crawler.spider import PressRoomSpider
from pressarchive.profiles import profile_from_dict

BASE = "http://127.0.0.1:9"
PROFILE = profile_from_dict({
    "name": "police", "language": "en", "start_urls": [f"{BASE}/press/"],
    "sitemap_urls": [f"{BASE}/sitemap.xml"], "follow": [r"/press/(\?page=\d+)?$"], "article": [r"/press/releases/"],
})
RELEASES = 200


def _scheduler_and_spider() -> tuple[Scheduler, PressRoomSpider]:
    """Scrapy's own scheduler with the queues a crawl uses: Scrapy's defaults (per-site queues,
    each by priority, last in first out within one), which a crawl does not override."""
    assert not [name for name in crawl_settings() if name.startswith("SCHEDULER")]
    crawler = get_crawler(PressRoomSpider)
    spider = PressRoomSpider.from_crawler(crawler, profile=PROFILE)
    crawler.spider = spider
    crawler.engine = ExecutionEngine(crawler, lambda _spider: None)  # the queue asks its downloader
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(spider)
    return scheduler, spider


def _sitemap(count: int) -> XmlResponse:
    entries = "".join(f"<url><loc>{BASE}/press/releases/r{number}</loc></url>" for number in range(count))
    body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    return XmlResponse(f"{BASE}/sitemap.xml", body=body.encode())


def _requests(output: object) -> list[Request]:
    return [item for item in output if isinstance(item, Request)]  # type: ignore[attr-defined]


def test_a_listing_page_queued_before_a_sitemaps_releases_is_fetched_before_them() -> None:
    scheduler, spider = _scheduler_and_spider()
    listing = HtmlResponse(f"{BASE}/press/", body=b'<a href="/press/?page=2">next</a>'
                                                   b'<a href="/press/releases/r0">r0</a>')
    for request in _requests(spider.parse_listing(listing)) + _requests(spider.parse_sitemap(_sitemap(RELEASES))):
        scheduler.enqueue_request(request)
    order = []
    while (request := scheduler.next_request()) is not None:
        order.append(request.url)
    assert len(order) == RELEASES + 1  # r0 once: the duplicate filter dropped the sitemap's copy
    assert order[0] == f"{BASE}/press/?page=2"


def test_sitemaps_feeds_and_listings_rank_above_releases() -> None:
    _scheduler, spider = _scheduler_and_spider()
    listing = spider.route(f"{BASE}/press/?page=3")
    release = spider.route(f"{BASE}/press/releases/r7")
    assert listing is not None and release is not None
    assert listing.callback == spider.parse_listing and release.callback == spider.parse_article
    assert listing.priority > release.priority
    sitemap = spider._request(f"{BASE}/sitemap.xml", spider.parse_sitemap, entry=True)
    assert sitemap.priority == listing.priority
