"""Failures are seen, not swallowed (item 7): an entry point that answered but could not be read
marks the listing incomplete (so live releases are not called "delisted"), callback and
pipeline exceptions are counted, a source whose every release fails exits 1, and the
background indexer survives a failed round."""

from __future__ import annotations

import functools
import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, signals
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from pressarchive.crawler import CrawlSummary
from pressarchive.crawler.failures import FailureStats
from pressarchive.crawler.feeds import read_feed
from pressarchive.crawler.runner import BackgroundIndexer
from pressarchive.crawler.sitemaps import SitemapError, sitemap_body
from pressarchive.crawler.spider import ENTRY_META, PressRoomSpider
from pressarchive.discovery.formats import parse_sitemap
from pressarchive.profiles import profile_from_dict
from pressarchive.store.records import KnownPage
from tests.conftest import CLI
from tests.scripted_site import Answer, ScriptedSite, listing_page, release_page

BASE = "http://127.0.0.1:9"
PROFILE = profile_from_dict({
    "name": "police", "language": "en", "start_urls": [f"{BASE}/news/"], "feed_urls": [f"{BASE}/rss.xml"],
    "sitemap_urls": [f"{BASE}/sitemap.xml.gz"], "follow": [r"/news/(\?page=\d+)?$"], "article": ["/releases/"],
})
URLSET = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          + b"".join(b"<url><loc>%s/releases/r%d</loc></url>" % (BASE.encode(), n) for n in range(200))
          + b"</urlset>\n")
FAST = ("--delay", "0", "--set", "PRESSARCHIVE_EXTRACT_WORKERS=0")


def known_spider() -> PressRoomSpider:
    known = {f"{BASE}/releases/old": KnownPage(f"{BASE}/releases/old", 1, datetime(2020, 1, 1), None, None,
                                                None, False)}
    crawler = get_crawler(PressRoomSpider)
    spider = PressRoomSpider.from_crawler(crawler, profile=PROFILE, known=known)
    crawler.spider = spider
    return spider


def feed_as_html() -> Response:
    page = b"<html><head><title>Maintenance</title></head><body>Back soon</body></html>"
    return HtmlResponse(f"{BASE}/rss.xml", body=page)


def feed_cut_short() -> Response:
    return XmlResponse(f"{BASE}/rss.xml", body=b"<rss><channel><item><link>%s/releases/r1</link></item><item><li"
                       % BASE.encode())


def listing_in_maintenance() -> Response:
    return HtmlResponse(f"{BASE}/news/", body=b"<html><head><title>Down for maintenance</title></head>"
                        b'<body><p>We will be back soon.</p><a href="/">Home</a></body></html>')


def listing_not_text() -> Response:
    return Response(f"{BASE}/news/", body=b"\x00\x01binary")


def sitemap_truncated_gzip() -> Response:
    return Response(f"{BASE}/sitemap.xml.gz", body=gzip.compress(URLSET)[:-400])


def sitemap_too_large_gzip() -> Response:
    huge = URLSET.replace(b"</urlset>", b"<!--" + b" " * (51 * 2**20) + b"--></urlset>")
    return Response(f"{BASE}/sitemap.xml.gz", body=gzip.compress(huge))


def sitemap_not_closed() -> Response:
    return XmlResponse(f"{BASE}/sitemap.xml.gz", body=URLSET[: len(URLSET) // 2])


BROKEN = {
    "feed_as_html": ("parse_feed", feed_as_html, "bad_feed"),
    "feed_cut_short": ("parse_feed", feed_cut_short, "bad_feed"),
    "listing_in_maintenance": ("parse_listing", listing_in_maintenance, "bad_listing"),
    "listing_not_text": ("parse_listing", listing_not_text, "bad_listing"),
    "sitemap_truncated_gzip": ("parse_sitemap", sitemap_truncated_gzip, "bad_sitemap"),
    "sitemap_too_large_gzip": ("parse_sitemap", sitemap_too_large_gzip, "bad_sitemap"),
    "sitemap_not_closed": ("parse_sitemap", sitemap_not_closed, "bad_sitemap"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_an_entry_point_that_cannot_be_read_makes_the_listing_incomplete(case: str) -> None:
    callback, make, kind = BROKEN[case]
    spider = known_spider()
    list(getattr(spider, callback)(make()))
    assert spider.listing_complete is False
    assert spider.crawler.stats.get_value(f"pressarchive/errors/{kind}") == 1
    assert spider._verify_unlisted() == 0  # the known release is not checked for delisting


def test_a_whole_entry_point_keeps_the_listing_complete() -> None:
    spider = known_spider()
    list(spider.parse_sitemap(Response(f"{BASE}/sitemap.xml.gz", body=gzip.compress(URLSET))))
    list(spider.parse_feed(XmlResponse(f"{BASE}/rss.xml", body=b"<rss><channel></channel></rss>")))
    list(spider.parse_listing(HtmlResponse(f"{BASE}/news/", body=b'<a href="/releases/r1">r1</a>')))
    assert spider.listing_complete is True


def test_one_sitemap_reader_for_the_crawl_and_discovery() -> None:
    for response in (sitemap_truncated_gzip(), sitemap_too_large_gzip(), sitemap_not_closed()):
        with pytest.raises(SitemapError):
            sitemap_body(response.body)
        assert parse_sitemap(response.body).kind == ""
    assert parse_sitemap(gzip.compress(URLSET)).total == 200


def test_a_callback_that_raises_on_an_entry_point_is_counted_and_makes_the_listing_incomplete() -> None:
    spider = known_spider()
    extension = FailureStats.from_crawler(spider.crawler)
    request = Request(f"{BASE}/news/", meta={ENTRY_META: True})
    response = TextResponse(request.url, body=b"", request=request)
    spider.crawler.signals.send_catch_log(
        signals.spider_error, failure=Failure(RuntimeError("parser bug")), response=response, spider=spider)
    extension.pipeline_failed(item=object(), response=None, failure=Failure(OSError("database is locked")))
    summary = CrawlSummary.from_stats("police", spider.crawler.stats.get_stats())
    assert summary.errors == {"callback_exception": 1, "pipeline_exception": 1}
    assert summary.to_json()["errors_by_kind"] == {"callback_exception": 1, "pipeline_exception": 1}
    assert "parser bug" in summary.first_error
    assert spider.listing_complete is False


def _fails_first_time(marker: str, wait: bool = True) -> int:
    """An indexing round that raises the first time it runs (a locked index, say)."""
    path = Path(marker)
    if not path.exists():
        path.touch()
        raise RuntimeError("index is locked")
    return 5


def test_the_background_indexer_survives_a_failed_round(tmp_path: Path) -> None:
    with BackgroundIndexer(functools.partial(_fails_first_time, str(tmp_path / "failed"))) as indexer:
        assert indexer.round() == 0
        assert indexer.round() == 5
    assert (indexer.failed_rounds, indexer.total) == (1, 5)


# -- crawls ------------------------------------------------------------------------------------


def crawl(cli: CLI, site: ScriptedSite, tmp_path: Path) -> Any:
    profile = tmp_path / "scripted.toml"
    profile.write_text(site.profile_toml(), "utf-8")
    return cli("crawl", "--profile", str(profile), *FAST, timeout=120)


def test_a_listing_in_maintenance_does_not_make_live_releases_delisted(cli: CLI, tmp_path: Path) -> None:
    with ScriptedSite() as site:
        site.routes["/news/"] = Answer(body=listing_page("/releases/a"))
        site.routes["/releases/a"] = Answer(body=release_page("Operation Aspen: arrests", "Aspen"))
        assert crawl(cli, site, tmp_path).returncode == 0
        site.routes["/news/"] = Answer(body=b"<html><head><title>Maintenance</title></head><body>Soon</body></html>")
        result = crawl(cli, site, tmp_path)
        assert site.requested("/releases/a") == 1  # not fetched again to "verify" it
    reports = sorted((cli.data / "reports").glob("crawl-*.json"))
    summary = json.loads(reports[-1].read_text("utf-8"))["summaries"][0]
    assert summary["removed"] == 0 and summary["errors_by_kind"] == {"bad_listing": 1}
    assert "bad_listing 1" in result.stderr
    (hit,) = cli.json("search", "Aspen")["hits"]
    assert cli.json("show", str(hit["id"])).get("removals", []) == []


def test_a_source_that_answers_403_to_every_release_fails(cli: CLI, tmp_path: Path) -> None:
    with ScriptedSite() as site:
        site.routes["/news/"] = Answer(body=listing_page("/releases/a", "/releases/b"))
        site.routes["/releases/a"] = site.routes["/releases/b"] = Answer(403, b"<html>Forbidden</html>")
        result = crawl(cli, site, tmp_path)
    assert result.returncode == 1
    assert "no release could be fetched" in result.stderr and "403" in result.stderr
    assert "Traceback" not in result.stderr


BOMB = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + n]), (b"&%s;" % bytes([97 + n])) * 10) for n in range(8))
        + b"]>")


def test_entity_bombs_in_feeds_and_sitemaps_are_not_expanded() -> None:
    feed = BOMB + b"<rss><channel><item><link>&i;</link></item></channel></rss>"
    sitemap = BOMB + b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&i;</loc></url></urlset>'
    assert all(len(entry.url) < 100 for entry in read_feed(feed).entries)
    assert all(len(loc) < 100 for loc in parse_sitemap(sitemap).locs)
