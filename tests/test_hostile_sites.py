"""Crawls survive hostile and broken sites: the fault server (tests/faultserver.py) on 127.0.0.1.

The middlewares are first tested one by one, built with ``get_crawler``; then the whole fault
server is crawled once with the real CLI, with settings suited to a fast test (``--set``: a
4 s timeout, a 1 MiB size cap, 20 pages per URL pattern), and the archive, the server's
request log, the WARC files and the JSON report are checked against what each fault must
produce.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from pressarchive.crawler.maxsize import MaxSizeMiddleware
from pressarchive.crawler.patterncap import PatternCapMiddleware, url_shape
from pressarchive.crawler.redirectloop import RedirectLoopMiddleware
from pressarchive.crawler.retryafter import RetryAfterMiddleware, retry_after_seconds
from pressarchive.crawler.settings import crawl_settings
from tests.conftest import CLI
from tests.faultserver import (
    DUPLICATE_VARIANTS,
    GOOD_RELEASES,
    HUGE_SIZE,
    RATE_LIMIT_SECONDS,
    REFUSED,
    FaultServer,
)

MAX_PER_PATTERN = 20
REDIRECT_MAX_TIMES = crawl_settings()["REDIRECT_MAX_TIMES"]
RETRY_TIMES = crawl_settings()["RETRY_TIMES"]
CRAWL_BOUND = 60.0  # seconds the whole hostile crawl may take
FAST_SETTINGS = {
    "PRESSARCHIVE_DOWNLOAD_TIMEOUT": 4,
    "PRESSARCHIVE_MAX_BODY_SIZE": 2**20,
    "PRESSARCHIVE_MAX_PER_PATTERN": MAX_PER_PATTERN,
    "PRESSARCHIVE_RETRY_AFTER_MAX": 30,
}


# -- the middlewares on their own -------------------------------------------------------------


def crawler_with_spider(**settings: Any) -> Any:
    crawler = get_crawler(Spider, settings_dict=settings)
    crawler.spider = Spider.from_crawler(crawler, name="test")
    return crawler


def test_retry_after_values() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(b" 0 ") == 0
    soon = retry_after_seconds(formatdate(time.time() + 30, usegmt=True))
    assert soon is not None and 28 <= soon <= 30
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past: now
    for unusable in (None, "", "soon", "-5", "1e3"):
        assert retry_after_seconds(unusable) is None


def test_retry_after_waits_then_retries_without_blocking() -> None:
    crawler = crawler_with_spider()
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:9/releases/a")
    limited = Response(request.url, status=429, headers={"Retry-After": "1"}, request=request)

    async def retry_while_ticking() -> tuple[Any, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        result = await middleware.process_response(request, limited)
        ticker.cancel()
        return result, ticks

    started = time.monotonic()
    retry, ticks = asyncio.run(retry_while_ticking())
    assert time.monotonic() - started >= 1.0
    assert ticks >= 10, "the event loop kept running during the wait"
    assert isinstance(retry, Request) and retry.url == request.url
    assert retry.meta["retry_times"] == 1 and retry.dont_filter
    assert crawler.stats.get_value("retry/count") == 1
    assert crawler.stats.get_value("pressarchive/retry_after/honoured") == 1


def test_retry_after_beyond_the_cap_gives_up() -> None:
    crawler = crawler_with_spider(PRESSARCHIVE_RETRY_AFTER_MAX=120)
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:9/releases/a")
    tomorrow = Response(request.url, status=503, headers={"Retry-After": "86400"}, request=request)
    started = time.monotonic()
    with pytest.raises(IgnoreRequest):
        asyncio.run(middleware.process_response(request, tomorrow))
    assert time.monotonic() - started < 1
    assert crawler.stats.get_value("pressarchive/errors/retry_after_too_long") == 1


def test_retry_after_leaves_other_responses_to_scrapy() -> None:
    crawler = crawler_with_spider(PRESSARCHIVE_RETRY_AFTER_MAX=120)
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:9/releases/a")
    for response in (
        Response(request.url, status=503, request=request),  # no header: RetryMiddleware retries
        Response(request.url, status=503, headers={"Retry-After": "whenever"}, request=request),
        Response(request.url, status=200, headers={"Retry-After": "5"}, request=request),
    ):
        assert asyncio.run(middleware.process_response(request, response)) is response
    spent = Request(request.url, meta={"retry_times": RETRY_TIMES})
    response = Response(spent.url, status=429, headers={"Retry-After": "0"}, request=spent)
    assert asyncio.run(middleware.process_response(spent, response)) is response
    assert spent.meta["dont_retry"], "RetryMiddleware must not retry (and give up) a second time"


def listing(url: str, callback: Any) -> HtmlResponse:
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, callback=callback))


def test_url_shapes() -> None:
    assert url_shape("http://p.example/list?page=7") == url_shape("http://p.example/list?page=8")
    assert url_shape("http://p.example/calendar/2019/11") == url_shape("http://P.example/calendar/2031/04")
    assert url_shape("http://p.example/calendar/2019/11") == "p.example/calendar/N/N"
    assert url_shape("http://p.example/list?page=2&sort=date") == "p.example/list?page&sort"
    assert url_shape("http://p.example/list?page=2") != url_shape("http://p.example/list?page=2&sort=date")
    assert url_shape("http://p.example/press/") != url_shape("http://p.example/news/")


def test_pattern_cap_ends_traps_but_never_caps_releases() -> None:
    crawler = get_crawler(Spider)
    cap = PatternCapMiddleware(3, crawler.stats)

    def parse_listing(response: Response) -> None: ...
    def parse_article(response: Response) -> None: ...

    page = listing("http://127.0.0.1:9/list?page=1", parse_listing)
    pages = [Request(f"http://127.0.0.1:9/list?page={n}", callback=parse_listing) for n in range(2, 8)]
    releases = [Request(f"http://127.0.0.1:9/releases/{n}", callback=parse_article) for n in range(50)]
    kept = list(cap.process_spider_output(page, [*pages, *releases]))
    assert [r.url for r in kept if r.callback is parse_listing] == [r.url for r in pages[:3]]
    assert len([r for r in kept if r.callback is parse_article]) == 50
    again = list(cap.process_spider_output(page, [pages[0], pages[5]]))
    assert [r.url for r in again] == [pages[0].url], "a link seen before is not a new page of the pattern"
    assert crawler.stats.get_value("pressarchive/skipped/trap") == 4
    unlimited = PatternCapMiddleware(0, crawler.stats)
    assert len(list(unlimited.process_spider_output(page, pages))) == len(pages)


def redirect(request: Request, location: str) -> Response:
    return Response(request.url, status=302, headers={"Location": location}, request=request)


def test_redirect_loop_cut_at_first_repeat() -> None:
    crawler = crawler_with_spider(REDIRECT_MAX_TIMES=10)
    middleware = RedirectLoopMiddleware.from_crawler(crawler)
    first = Request("http://127.0.0.1:9/releases/loop-a")
    second = middleware.process_response(first, redirect(first, "/releases/loop-b"))
    assert isinstance(second, Request) and second.url.endswith("/loop-b")
    with pytest.raises(IgnoreRequest):
        middleware.process_response(second, redirect(second, "http://127.0.0.1:9/releases/loop-a?utm_source=x"))
    assert crawler.stats.get_value("pressarchive/errors/redirect_loop") == 1


def test_endless_redirect_chain_ends_at_the_limit() -> None:
    crawler = crawler_with_spider(REDIRECT_MAX_TIMES=3)
    middleware = RedirectLoopMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:9/hop/0")
    with pytest.raises(IgnoreRequest):
        for hop in range(1, 10):
            request = middleware.process_response(request, redirect(request, f"/hop/{hop}"))
    assert request.url.endswith("/hop/3")
    assert crawler.stats.get_value("pressarchive/errors/too_many_redirects") == 1


def test_size_cap_abort_is_a_counted_skip() -> None:
    from scrapy.exceptions import DownloadCancelledError

    crawler = get_crawler(Spider, settings_dict={"DOWNLOAD_MAXSIZE": 2**20})
    middleware = MaxSizeMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:9/releases/huge")
    cap = DownloadCancelledError(f"Expected to receive 3145728 bytes which is larger than download max size "
                                 f"(1048576) in request {request}.")
    with pytest.raises(IgnoreRequest):
        middleware.process_exception(request, cap)
    middleware.process_request(request)
    assert middleware.process_exception(request, DownloadCancelledError("")) is None  # cancelled for another reason
    assert middleware.process_exception(request, TimeoutError()) is None
    for _ in range(17):  # a streamed body: the handler cancels it without a message
        middleware.bytes_received(b"x" * 65536, request)
    with pytest.raises(IgnoreRequest):
        middleware.process_exception(request, DownloadCancelledError(""))
    middleware.process_request(request)  # a new attempt starts counting from zero
    assert middleware.process_exception(request, DownloadCancelledError("")) is None
    assert crawler.stats.get_value("pressarchive/skipped/too_large") == 2


def test_settings_wire_the_middlewares() -> None:
    settings = crawl_settings({"PRESSARCHIVE_DOWNLOAD_TIMEOUT": 7})
    assert settings["DOWNLOAD_TIMEOUT"] == 7
    downloader = settings["DOWNLOADER_MIDDLEWARES"]
    assert downloader["scrapy.downloadermiddlewares.redirect.RedirectMiddleware"] is None
    assert downloader["pressarchive.crawler.redirectloop.RedirectLoopMiddleware"] == 600
    assert downloader["pressarchive.crawler.retryafter.RetryAfterMiddleware"] > 550  # sees 429/503 first
    assert downloader["pressarchive.crawler.maxsize.MaxSizeMiddleware"] > 550
    assert "pressarchive.crawler.patterncap.PatternCapMiddleware" in settings["SPIDER_MIDDLEWARES"]


# -- one crawl of the fault server -------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("hostile")
    profile = root / "hostile.toml"
    data = root / "data"
    cli = CLI(data)
    with FaultServer() as room:
        profile.write_text(room.profile_toml(), "utf-8")
        settings = [option for name, value in FAST_SETTINGS.items() for option in ("--set", f"{name}={value}")]
        started = time.monotonic()
        result = cli("crawl", "--profile", str(profile), "--delay", "0", *settings, timeout=CRAWL_BOUND * 3)
        elapsed = time.monotonic() - started  # crawl and index
        assert result.returncode == 0, result.stderr[-3000:]
        (report,) = [json.loads(path.read_text("utf-8")) for path in (data / "reports").glob("crawl-*.json")]
        with sqlite3.connect(data / "archive.sqlite") as db:
            captured = [url for (url,) in db.execute("SELECT url FROM captures")]
        yield {
            "room": room, "base": room.base_url, "elapsed": elapsed, "result": result, "cli": cli, "data": data,
            "report": report, "summary": report["summaries"][0], "captured": captured,
            "hits": cli.json("search", "", "--limit", "100")["hits"],
        }


def paths(hostile: dict[str, Any], prefix: str) -> list[str]:
    return [target for target in hostile["room"].targets() if target.startswith(prefix)]


def test_the_crawl_ends_within_its_bound(hostile: dict[str, Any]) -> None:
    assert hostile["elapsed"] < CRAWL_BOUND, f"the hostile crawl took {hostile['elapsed']:.0f} s"
    assert hostile["summary"]["finish_reason"] == "finished"


def test_every_good_release_is_archived(hostile: dict[str, Any]) -> None:
    urls = {hit["url"] for hit in hostile["hits"]}
    missing = [path for path in GOOD_RELEASES if hostile["base"] + path not in urls]
    assert not missing, f"not archived: {missing}"
    words = " OR ".join(word for word, _title in GOOD_RELEASES.values())
    found = {hit["url"] for hit in hostile["cli"].json("search", words, "--limit", "100")["hits"]}
    assert not [path for path in GOOD_RELEASES if hostile["base"] + path not in found], "not searchable"


def test_session_ids_and_print_views_are_never_requested(hostile: dict[str, Any]) -> None:
    requested = set(paths(hostile, "/releases/duplicate"))
    assert requested == {"/releases/duplicate", "/releases/duplicate/", "/releases/duplicate/index.html"}
    assert len(DUPLICATE_VARIANTS) > len(requested)
    assert not [url for url in hostile["captured"] if "sessionid" in url.lower() or "sid=" in url or "print" in url]


def test_canonical_link_makes_one_document(hostile: dict[str, Any]) -> None:
    found = hostile["cli"].json("search", "Juniper")["hits"]
    assert [hit["url"] for hit in found] == [hostile["base"] + "/releases/duplicate"]


def test_traps_end_at_the_pattern_cap(hostile: dict[str, Any]) -> None:
    pages, months = paths(hostile, "/list"), paths(hostile, "/calendar/")
    assert len(pages) == len(set(pages)) == MAX_PER_PATTERN
    assert len(months) == len(set(months)) == MAX_PER_PATTERN
    assert hostile["summary"]["skipped_by_reason"]["trap"] >= 2  # one per trap at least


def test_media_is_refused_and_never_stored(hostile: dict[str, Any]) -> None:
    for path in ("/releases/photo", "/releases/briefing"):
        assert [hit.target for hit in hostile["room"].hits(path)] == [path], "refused once, never retried"
        assert not [url for url in hostile["captured"] if url.endswith(path)], f"{path} was captured"
    skipped = hostile["summary"]["skipped_by_reason"]
    assert skipped["media_body"] == 1 and skipped["content_type"] == 1
    for warc in (hostile["data"] / "warc").glob("*.warc.gz"):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                assert not uri.endswith(REFUSED), f"{uri} is in {warc.name}"
                if record.rec_type == "response":
                    head = record.content_stream().read(16)
                    assert not head.startswith((b"\xff\xd8\xff", b"\x00\x00\x00\x18ftyp")), uri


def test_oversized_responses_are_aborted_not_kept(hostile: dict[str, Any]) -> None:
    room = hostile["room"]
    for path in ("/releases/huge", "/releases/huge-chunked"):
        assert [hit.target for hit in room.hits(path)] == [path], "aborted once, never retried"
        assert room.sent[path] < HUGE_SIZE, f"{path} was read to the end"
        assert not [url for url in hostile["captured"] if url.endswith(path)]
    assert hostile["summary"]["skipped_by_reason"]["too_large"] == 2


def test_retry_after_is_honoured_in_both_forms(hostile: dict[str, Any]) -> None:
    room = hostile["room"]
    first, second = room.hits("/releases/rate-limited")
    assert second.at - first.at >= RATE_LIMIT_SECONDS - 0.01
    first, second = room.hits("/releases/unavailable")
    assert second.wall >= room.retry_after_until["/releases/unavailable"] - 0.01, "retried before the date"
    assert len(room.hits("/releases/come-back-tomorrow")) == 1, "a day-long Retry-After is not waited for"
    assert hostile["summary"]["errors_by_kind"]["retry_after_too_long"] == 1


def test_server_errors_are_retried_then_counted(hostile: dict[str, Any]) -> None:
    room = hostile["room"]
    assert len(room.hits("/releases/flaky")) == 2
    assert len(room.hits("/releases/broken")) == 1 + RETRY_TIMES
    assert hostile["summary"]["errors_by_kind"]["http_500"] == 1


def test_slow_pages_wait_and_stuck_ones_time_out(hostile: dict[str, Any]) -> None:
    assert len(hostile["room"].hits("/releases/slow")) == 1
    assert len(hostile["room"].hits("/releases/too-slow")) == 1 + RETRY_TIMES
    assert len(hostile["room"].hits("/releases/trickle")) == 1 + RETRY_TIMES
    assert hostile["summary"]["errors_by_kind"]["timeout"] == 2


def test_redirect_loops_end(hostile: dict[str, Any]) -> None:
    assert paths(hostile, "/releases/loop-") == ["/releases/loop-a", "/releases/loop-b"]
    assert len(paths(hostile, "/releases/hop/")) == 1 + REDIRECT_MAX_TIMES
    errors = hostile["summary"]["errors_by_kind"]
    assert errors["redirect_loop"] == 1 and errors["too_many_redirects"] == 1


def test_broken_markup_and_undeclared_encoding_keep_the_text(hostile: dict[str, Any]) -> None:
    by_url = {hit["url"]: hit for hit in hostile["hits"]}
    assert by_url[hostile["base"] + "/releases/undeclared"]["title"] == GOOD_RELEASES["/releases/undeclared"][1]
    assert "Firethorn" in by_url[hostile["base"] + "/releases/malformed"]["title"]


def test_mislabelled_encoding_keeps_its_accents(hostile: dict[str, Any]) -> None:
    by_url = {hit["url"]: hit for hit in hostile["hits"]}
    assert by_url[hostile["base"] + "/releases/mislabelled"]["title"] == GOOD_RELEASES["/releases/mislabelled"][1]


def test_the_report_says_why(hostile: dict[str, Any]) -> None:
    (summary,) = hostile["report"]["summaries"]
    assert {"trap", "too_large", "media_body", "content_type"} <= set(summary["skipped_by_reason"])
    assert {"retry_after_too_long", "redirect_loop", "too_many_redirects", "timeout", "http_500"} <= set(
        summary["errors_by_kind"])
    assert summary["skipped"] == sum(summary["skipped_by_reason"].values())
    assert summary["errors"] == sum(summary["errors_by_kind"].values())
    printed = hostile["result"].stderr
    assert "skipped:" in printed and "trap" in printed and "too_large" in printed
    assert "errors:" in printed and "retry_after_too_long" in printed and "redirect_loop" in printed
