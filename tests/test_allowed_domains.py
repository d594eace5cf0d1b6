"""Never leave the allowed domains (item 3): retries, redirects and ``add`` are checked at the
last gate before the downloader, nothing from another host is archived, and a robots.txt that
cannot be read forbids its site for the run (a 404 still allows everything)."""

from __future__ import annotations

import inspect
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet import error as twisted_errors
from twisted.internet.defer import Deferred

from pressarchive.crawler.offsite import AllowedDomainsMiddleware
from pressarchive.crawler.robots import StrictRobotsTxtMiddleware, unreadable_reason
from pressarchive.crawler.settings import crawl_settings
from tests.conftest import CLI
from tests.scripted_site import Answer, Hit, ScriptedSite, listing_page, release_page

FAST = ("--delay", "0", "--set", "PRESSARCHIVE_EXTRACT_WORKERS=0")


def captured_urls(data: Path) -> list[str]:
    with sqlite3.connect(data / "archive.sqlite") as db:
        return [url for (url,) in db.execute("SELECT url FROM captures")]


def crawl(cli: CLI, site: ScriptedSite, tmp_path: Path, *extra: str) -> Any:
    profile = tmp_path / "scripted.toml"
    profile.write_text(site.profile_toml(), "utf-8")
    return cli("crawl", "--profile", str(profile), *FAST, *extra, timeout=120)


# -- the middleware on its own -----------------------------------------------------------------


def test_offsite_requests_and_responses_are_refused_whatever_dont_filter_says() -> None:
    stats = get_crawler().stats
    gate = AllowedDomainsMiddleware(stats, ("127.0.0.1",))
    retried = Request("http://localhost:9/releases/a", dont_filter=True, meta={"redirect_times": 1})
    with pytest.raises(IgnoreRequest, match="outside the allowed domains"):
        gate.process_request(retried)
    assert gate.process_request(Request("http://127.0.0.1:9/releases/a", dont_filter=True)) is None
    inside = Request("http://127.0.0.1:9/releases/a")
    with pytest.raises(IgnoreRequest):
        gate.process_response(inside, Response("http://localhost:9/releases/a", request=inside))
    assert stats.get_value("pressarchive/skipped/offsite") == 2
    assert AllowedDomainsMiddleware(stats).process_request(retried) is None  # no allowed_domains: no limit


def test_the_gate_is_last_out_and_first_back() -> None:
    downloader = crawl_settings()["DOWNLOADER_MIDDLEWARES"]
    gate = downloader["pressarchive.crawler.offsite.AllowedDomainsMiddleware"]
    makers = ("retryafter.RetryAfterMiddleware", "redirectloop.RedirectLoopMiddleware")
    assert all(gate > downloader[f"pressarchive.crawler.{name}"] for name in makers)
    assert gate > downloader["pressarchive.crawler.capture.WarcCaptureMiddleware"]  # checked before it is kept
    assert downloader["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None


def test_scrapy_robots_internals_the_adapter_relies_on_are_still_there() -> None:
    """pressarchive/crawler/robots.py overrides these private members: a Scrapy upgrade that
    renames them must fail here, not silently fall back to allowing everything."""
    assert list(inspect.signature(RobotsTxtMiddleware._parse_robots).parameters) == [
        "self", "response", "netloc", "request"]
    assert inspect.iscoroutinefunction(RobotsTxtMiddleware._parse_robots)
    assert list(inspect.signature(RobotsTxtMiddleware._robots_error).parameters) == ["self", "exc", "netloc"]
    assert list(inspect.signature(RobotsTxtMiddleware.robot_parser).parameters) == ["self", "request"]
    middleware = RobotsTxtMiddleware(get_crawler(Spider, {"ROBOTSTXT_OBEY": True}))
    assert middleware._parsers == {}


@pytest.mark.parametrize(("status", "content_type", "body", "unreadable"), [
    (503, "text/plain", b"", True),
    (500, "text/html", b"<html>oops</html>", True),
    (200, "text/html; charset=utf-8", b"<html><title>Maintenance</title></html>", True),
    (200, "", b"  <!doctype html><html></html>", True),
    (200, "text/plain", b"User-agent: *\nDisallow: /private/\n", False),
    (404, "text/html", b"<html>not found</html>", False),
    (403, "text/plain", b"forbidden", False),
])
def test_what_counts_as_an_unreadable_robots_txt(status: int, content_type: str, body: bytes, unreadable: bool) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = Response("http://127.0.0.1:9/robots.txt", status=status, headers=headers, body=body)
    assert bool(unreadable_reason(response)) is unreadable


# -- crawls --------------------------------------------------------------------------------------


def test_a_retried_release_that_redirects_off_site_is_never_fetched_or_archived(
        cli: CLI, tmp_path: Path) -> None:
    with ScriptedSite() as site:
        def bounce(hit: Hit) -> Answer:
            if hit.attempt == 1:
                return Answer(503, b"busy", "text/plain", {"Retry-After": "0"})
            return Answer(302, headers={"Location": site.url("/releases/elsewhere", host="localhost")})

        site.routes["/news/"] = Answer(body=listing_page("/releases/bounce", "/releases/home"))
        site.routes["/releases/bounce"] = bounce
        site.routes["/releases/home"] = Answer(body=release_page("Operation Rowan: at home", "Rowan"))
        site.routes["/releases/elsewhere"] = Answer(body=release_page("Operation Elsewhere: not ours", "Quince"))
        result = crawl(cli, site, tmp_path)
        assert site.requested("/releases/bounce") == 2  # the 503, then the redirect
        assert "localhost" not in site.hosts()  # the other host was never asked anything
    assert result.returncode == 0, result.stderr[-2000:]
    assert not [url for url in captured_urls(cli.data) if "localhost" in url]
    assert cli.json("search", "Quince")["total"] == 0
    assert cli.json("search", "Rowan")["total"] == 1
    (report,) = [json.loads(path.read_text("utf-8")) for path in (cli.data / "reports").glob("crawl-*.json")]
    assert report["summaries"][0]["skipped_by_reason"]["offsite"] >= 1


def test_add_never_follows_a_redirect_off_site(cli: CLI) -> None:
    with ScriptedSite() as site:
        def moved(hit: Hit) -> Answer:
            if hit.attempt == 1:  # a retry: Scrapy's own offsite check no longer looks
                return Answer(503, b"busy", "text/plain", {"Retry-After": "0"})
            return Answer(302, headers={"Location": site.url("/releases/x", host="localhost")})

        site.routes["/releases/moved"] = moved
        site.routes["/releases/x"] = Answer(body=release_page("Operation Sloe: elsewhere", "Sloe"))
        cli("add", site.url("/releases/moved"), *FAST, timeout=120)
        assert site.requested("/releases/moved") == 2
        assert "localhost" not in site.hosts()
    assert not [url for url in captured_urls(cli.data) if "localhost" in url]


@pytest.mark.parametrize("robots", [
    Answer(503, b"Service unavailable", "text/plain"),
    Answer(200, b"<html><head><title>Down for maintenance</title></head></html>"),
], ids=["5xx", "html"])
def test_an_unreadable_robots_txt_forbids_the_site_and_fails_the_crawl(
        cli: CLI, tmp_path: Path, robots: Answer) -> None:
    with ScriptedSite() as site:
        site.routes["/robots.txt"] = robots
        site.routes["/news/"] = Answer(body=listing_page("/releases/a"))
        site.routes["/releases/a"] = Answer(body=release_page("Operation Aspen: arrests", "Aspen"))
        result = crawl(cli, site, tmp_path, "--set", "PRESSARCHIVE_RETRY_AFTER_MAX=0")
        assert site.requested("/news/") == 0 and site.requested("/releases/a") == 0
    assert result.returncode == 1
    assert "robots.txt" in result.stderr and "treated as disallowed" in result.stderr
    assert "Traceback" not in result.stderr
    assert "robots_unreadable 1" in result.stderr


def test_a_missing_robots_txt_allows_everything(cli: CLI, tmp_path: Path) -> None:
    with ScriptedSite() as site:
        site.routes["/robots.txt"] = Answer(404, b"<html>Not found</html>")
        site.routes["/news/"] = Answer(body=listing_page("/releases/a"))
        site.routes["/releases/a"] = Answer(body=release_page("Operation Aspen: arrests", "Aspen"))
        result = crawl(cli, site, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert cli.json("search", "Aspen")["total"] == 1


@pytest.mark.parametrize(("error", "disallowed"), [
    (twisted_errors.TimeoutError(), True),
    (twisted_errors.ConnectionRefusedError(), False),  # the site's pages fail the same way, counted as such
    (IgnoreRequest("offsite"), False),
])
def test_a_robots_txt_that_times_out_forbids_its_site(error: Exception, disallowed: bool) -> None:
    crawler = get_crawler(Spider, {"ROBOTSTXT_OBEY": True})
    middleware = StrictRobotsTxtMiddleware(crawler)
    waiting: Deferred[Any] = Deferred()
    middleware._parsers["127.0.0.1:9"] = waiting
    middleware._robots_error(error, "127.0.0.1:9")
    parser = middleware._parsers["127.0.0.1:9"]
    assert (parser is not None and not parser.allowed("http://127.0.0.1:9/a", "ua")) is disallowed
    assert bool(crawler.stats.get_value("pressarchive/errors/robots_unreadable")) is disallowed
