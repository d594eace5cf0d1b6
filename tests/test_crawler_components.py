"""Crawler components built in isolation (no network): text-only gate, routing, summary, settings."""

from __future__ import annotations

import re

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.utils.test import get_crawler

from pressarchive.crawler import SETTINGS, CrawlSummary
from pressarchive.crawler.items import ListedItem
from pressarchive.crawler.spider import PressRoomSpider
from pressarchive.crawler.textonly import TextOnlyMiddleware
from pressarchive.profiles import profile_from_dict

REPO = Path(__file__).resolve().parents[1]

PROFILE = profile_from_dict({
    "name": "police", "language": "en", "start_urls": ["http://127.0.0.1:9/press/"],
    "follow": [r"/press/(\?page=\d+)?$"], "article": [r"/press/releases/"],
})


@pytest.fixture
def spider() -> PressRoomSpider:
    crawler = get_crawler(PressRoomSpider)
    return PressRoomSpider.from_crawler(crawler, profile=PROFILE)


def test_text_only_refuses_media_requests_and_responses() -> None:
    stats = get_crawler().stats
    middleware = TextOnlyMiddleware(stats)
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("http://127.0.0.1:9/media/photo.jpg"))
    assert middleware.process_request(Request("http://127.0.0.1:9/press/releases/a.pdf")) is None
    request = Request("http://127.0.0.1:9/press/releases/a.html")
    image_as_html = Response(request.url, headers={"Content-Type": "text/html"}, body=b"\xff\xd8\xff\xe0JFIF")
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, image_as_html)
    video = Response(request.url, headers={"Content-Type": "video/mp4"}, body=b"....")
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, video)
    page = HtmlResponse(request.url, headers={"Content-Type": "text/html"}, body=b"<html>ok</html>")
    assert middleware.process_response(request, page) is page
    assert stats.get_value("pressarchive/skipped/media_extension") == 1
    assert stats.get_value("pressarchive/skipped/media_body") == 1
    assert stats.get_value("pressarchive/skipped/content_type") == 1


def test_listing_routes_articles_and_pagination_only(spider: PressRoomSpider) -> None:
    body = b"""<html><body>
      <a href="/press/releases/2019/a.html?utm_source=x#top">A</a>
      <a href="/press/?page=2">2</a>
      <a href="/press/releases/2019/photo.jpg">photo</a>
      <a href="/about.html">about</a>
      <a href="http://abcdefghijklmnop.onion/press/releases/x">onion</a>
    </body></html>"""
    response = HtmlResponse("http://127.0.0.1:9/press/", body=body)
    output = list(spider.parse_listing(response))
    requests = [item for item in output if isinstance(item, Request)]
    (listed,) = [item for item in output if isinstance(item, ListedItem)]
    assert listed.urls == ["http://127.0.0.1:9/press/releases/2019/a.html"]
    callbacks = {r.url: r.callback.__name__ for r in requests}
    assert callbacks == {
        "http://127.0.0.1:9/press/releases/2019/a.html": "parse_article",
        "http://127.0.0.1:9/press/?page=2": "parse_listing",
    }
    urls = [r.url for r in requests]
    assert "http://127.0.0.1:9/press/releases/2019/a.html" in urls
    assert "http://127.0.0.1:9/press/?page=2" in urls
    assert not any(url.endswith(".jpg") or ".onion" in url or url.endswith("about.html") for url in urls)


def test_sitemap_index_and_urlset(spider: PressRoomSpider) -> None:
    index = XmlResponse("http://127.0.0.1:9/sitemap.xml", body=b"""<?xml version="1.0"?>
      <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>http://127.0.0.1:9/sitemap-press.xml</loc></sitemap></sitemapindex>""")
    assert [r.url for r in spider.parse_sitemap(index) if isinstance(r, Request)] == [
        "http://127.0.0.1:9/sitemap-press.xml"]
    urlset = XmlResponse("http://127.0.0.1:9/sitemap-press.xml", body=b"""<?xml version="1.0"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>http://127.0.0.1:9/press/releases/new.html</loc><lastmod>2020-05-01</lastmod></url>
      <url><loc>http://127.0.0.1:9/press/releases/old.html</loc><lastmod>2015-05-01</lastmod></url>
      <url><loc>http://127.0.0.1:9/contact.html</loc></url></urlset>""")
    from datetime import date

    spider.since = date(2018, 1, 1)
    assert [r.url for r in spider.parse_sitemap(urlset) if isinstance(r, Request)] == [
        "http://127.0.0.1:9/press/releases/new.html"]
    assert spider.crawler.stats.get_value("pressarchive/skipped/older_than_since") == 1


def test_summary_from_stats() -> None:
    stats = {
        "downloader/response_count": 30, "pressarchive/documents/new": 12,
        "pressarchive/documents/unchanged": 3, "pressarchive/skipped/media_extension": 2,
        "robotstxt/forbidden": 1, "offsite/filtered": 4, "pressarchive/errors/http_404": 1,
    }
    summary = CrawlSummary.from_stats("police", stats)
    assert (summary.fetched, summary.new, summary.changed, summary.unchanged) == (30, 12, 0, 3)
    assert summary.skipped == {"media_extension": 2, "offsite": 4, "robots_txt": 1}
    assert summary.errors_total == 1 and not summary.failed
    assert CrawlSummary.from_stats("x", {"pressarchive/errors/connection_refused": 3}).failed


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for name, setting in SETTINGS.items():
        assert setting.help, name
        assert f"`{name}`" in readme, f"setting {name} is not documented in README.md"


_UNITS = {"MiB": 2**20, "s": 1, "day": 1, "days": 1, "": 1}


def test_the_readme_settings_table_is_the_settings_table() -> None:
    """Row for row: the README's table lists exactly the settings, with the code's defaults."""
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Crawler settings", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(PRESSARCHIVE_\w+)` \| ([^|]*) \|", section, re.MULTILINE)
    assert [name for name, _default in rows] == list(SETTINGS)
    for name, written in rows:
        number = re.fullmatch(r"([\d.]+) ?(MiB|s|days?)?(?: \(no limit\))?", written.strip())
        default = SETTINGS[name].default
        if isinstance(default, int | float) and name != "PRESSARCHIVE_EXTRACT_WORKERS":  # that one: per core
            assert number is not None, (name, written)
            # EXTRACT_MEMORY's value is itself a number of MiB; the sizes are in bytes.
            unit = 1 if name == "PRESSARCHIVE_EXTRACT_MEMORY" else _UNITS[number[2] or ""]
            assert float(number[1]) * unit == default, (name, written, default)
        else:
            assert number is None, (name, written)


def test_error_kinds() -> None:
    from scrapy.exceptions import IgnoreRequest
    from twisted.internet.error import ConnectionRefusedError, DNSLookupError
    from twisted.python.failure import Failure

    from pressarchive.crawler.errors import error_kind

    assert error_kind(Failure(ConnectionRefusedError())) == "connection_refused"
    assert error_kind(Failure(DNSLookupError())) == "dns"
    assert error_kind(Failure(IgnoreRequest())) is None
    assert error_kind(Failure(ValueError("x"))) == "valueerror"


def test_page_budget_spares_robots_txt() -> None:
    from pressarchive.crawler.budget import PageBudgetMiddleware

    budget = PageBudgetMiddleware(2, get_crawler().stats)
    budget.process_request(Request("http://127.0.0.1:9/a"))
    budget.process_request(Request("http://127.0.0.1:9/robots.txt", meta={"dont_obey_robotstxt": True}))
    budget.process_request(Request("http://127.0.0.1:9/b"))
    with pytest.raises(IgnoreRequest):
        budget.process_request(Request("http://127.0.0.1:9/c"))
    budget.process_request(Request("http://127.0.0.1:9/robots.txt", meta={"dont_obey_robotstxt": True}))
    assert budget.stats.get_value("pressarchive/skipped/max_pages") == 1


def _pid_count(counter_file: str, wait: bool) -> int:
    """An indexing round stand-in: records the process it ran in and whether it was to wait for
    its turn, returns how many it 'indexed'."""
    import os

    with open(counter_file, "a") as fh:
        fh.write(f"{os.getpid()}:{wait}\n")
    return 3


def test_background_indexer_runs_rounds_in_its_own_process(tmp_path: Path) -> None:
    import functools
    import os

    from pressarchive.crawler.runner import BackgroundIndexer

    record = tmp_path / "rounds"
    with BackgroundIndexer(functools.partial(_pid_count, str(record))) as indexer:
        assert (indexer.round(), indexer.round(), indexer.last_round()) == (3, 3, 3)
    rounds = [line.split(":") for line in record.read_text().split()]
    pids = {pid for pid, _ in rounds}
    assert len(rounds) == 3 and len(pids) == 1 and int(pids.pop()) != os.getpid()
    # Rounds during the crawl may be skipped while another process indexes; the last one waits.
    assert [wait for _, wait in rounds] == ["False", "False", "True"]
    assert indexer.total == 9


def _killed_first_time(marker: str, wait: bool = True) -> int:
    """An indexing round whose process is killed the first time (as the OOM killer would)."""
    import os

    if not os.path.exists(marker):
        Path(marker).touch()
        os._exit(9)
    return 4


def test_background_indexer_survives_its_process_being_killed(tmp_path: Path) -> None:
    import functools

    from pressarchive.crawler.runner import BackgroundIndexer

    with BackgroundIndexer(functools.partial(_killed_first_time, str(tmp_path / "killed"))) as indexer:
        assert indexer.round() == 4  # run again in a new process
        assert indexer.round() == 4
    assert indexer.total == 8


def _killed_outside(parent_pid: int, wait: bool = True) -> int:
    """An indexing round whose process is always killed, unless it runs in ``parent_pid``."""
    import os

    if os.getpid() != parent_pid:
        os._exit(9)
    return 2


def test_last_indexing_round_runs_in_the_crawl_process_when_indexing_processes_keep_dying() -> None:
    import functools
    import os

    from pressarchive.crawler.runner import BackgroundIndexer

    with BackgroundIndexer(functools.partial(_killed_outside, os.getpid())) as indexer:
        assert indexer.last_round() == 2
    assert indexer.total == 2


def test_a_capture_reached_by_redirect_names_the_url_asked_for() -> None:
    from scrapy.http import HtmlResponse, Request

    from pressarchive.crawler.capture import _requested_url

    asked = "https://police.example/news/old-link"
    redirected = Request("https://police.example/press/new.html", meta={"redirect_urls": [asked]})
    assert _requested_url(redirected, HtmlResponse(redirected.url, request=redirected)) == asked
    direct = Request("https://police.example/press/new.html")
    assert _requested_url(direct, HtmlResponse(direct.url, request=direct)) is None
