"""The Wayback import's parts without a crawl: CDX queries and pages, dates, patterns, headers, profiles."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from pressarchive.errors import UserError
from pressarchive.profiles import ProfileError, builtin_profiles, profile_from_dict
from pressarchive.wayback.captures import archived_headers, foreign_response, parse_capture_url
from pressarchive.wayback.cdx import CdxError, cdx_bound, cdx_url, check_pattern, check_range, parse_page
from pressarchive.datadir import DataDir
from pressarchive.imports import ImportOptions, ImportSession
from pressarchive.store import Archive, Capture, schema
from pressarchive.store.waybackfetches import WaybackFetch
from pressarchive.wayback.pipeline import added
from pressarchive.wayback.resume import Settled, settled
from pressarchive.wayback.spider import FetchedCapture
from pressarchive.wayback.run import wayback_settings
from tests.cli_here import run_here
from tests.wayback_site import release

HEADER = ["timestamp", "original", "statuscode", "mimetype", "digest", "length"]


def test_the_query_asks_for_html_and_pdf_captures_collapsed_by_digest() -> None:
    url = cdx_url("https://web.archive.org/", "police.example/press/*", "2017", "201906", resume_key="k 1")
    assert url.startswith("https://web.archive.org/cdx/search/cdx?")
    query = parse_qs(urlsplit(url).query)
    assert query["url"] == ["police.example/press/*"] and query["output"] == ["json"]
    assert query["collapse"] == ["digest"] and query["fl"] == [",".join(HEADER)]
    assert query["filter"] == ["statuscode:200", r"mimetype:text/html|application/xhtml\+xml|application/pdf"]
    assert (query["from"], query["to"], query["resumeKey"], query["showResumeKey"]) == (
        ["2017"], ["201906"], ["k 1"], ["true"])
    assert "from" not in parse_qs(urlsplit(cdx_url("https://w.example", "a.example/*")).query)


def test_a_page_gives_its_rows_and_resume_key() -> None:
    rows = [["20170301090000", "http://a.example:80/x", "200", "text/html", "ABC", "1200"]]
    page = parse_page(json.dumps([HEADER, *rows, [], ["a%2Cexample%29%2Fx+20170301090000%21"]]).encode())
    assert page.resume_key == "a%2Cexample%29%2Fx+20170301090000%21"
    assert [(row.original, row.captured_at) for row in page.rows] == [("http://a.example:80/x",
                                                                       datetime(2017, 3, 1, 9))]
    last = parse_page(json.dumps([HEADER[::-1], rows[0][::-1]]).encode())  # fields found by name
    assert last.resume_key is None and last.rows == page.rows
    assert parse_page(b"").rows == [] and parse_page(b"[]").rows == []


@pytest.mark.parametrize("body", [b"<html>busy</html>", b'{"a": 1}', json.dumps([["timestamp"], ["1"]]).encode(),
                                  json.dumps([HEADER, ["20170301090000"]]).encode()])
def test_an_answer_that_is_not_a_cdx_page_is_refused(body: bytes) -> None:
    with pytest.raises(CdxError):
        parse_page(body)


def test_dates_become_timestamp_prefixes() -> None:
    assert [cdx_bound(text, "--from") for text in ("2017", "2017-03", "2017-03-09", None)] == [
        "2017", "201703", "20170309", None]
    for bad in ("17", "2017-13", "2017-02-30", "2017/03/01", "1980", "yesterday"):
        with pytest.raises(UserError, match="bad --to date"):
            cdx_bound(bad, "--to")
    check_range("2017", "2017")  # one year: from its first second to its last
    with pytest.raises(UserError, match="after --to"):
        check_range("2019", "201812")


def test_patterns() -> None:
    for good in ("www.europol.europa.eu/newsroom/news/*", "https://police.example/press/1", "*.police.example",
                 "police.example"):
        assert check_pattern(good) == good
    for bad, why in (("", "empty"), ("police example/*", "white space"), ("/press/*", "host name"),
                     ("police.example/*/news", "'\\*' may only"), ("*.police.example/press", "no path"),
                     ("ftp://police.example/", "host name")):
        with pytest.raises(UserError, match=why):
            check_pattern(bad)


def test_archived_headers_come_back_under_their_own_names() -> None:
    headers = archived_headers([
        ("Content-Type", "text/html; charset=iso-8859-1"), ("X-Archive-Orig-Last-Modified", "Mon, 06 Mar 2017"),
        ("X-Archive-Orig-Content-Length", "999"), ("X-Archive-Orig-Content-Encoding", "gzip"),
        ("X-Archive-Orig-Content-Type", "text/plain"), ("Memento-Datetime", "Mon, 06 Mar 2017"),
        ("Server", "the Wayback Machine's own"),
    ])
    assert headers == (("Content-Type", "text/html; charset=iso-8859-1"), ("Last-Modified", "Mon, 06 Mar 2017"))
    kept = archived_headers([("Content-Encoding", "br"), ("Content-Type", "text/html")])
    assert kept == (("Content-Encoding", "br"), ("Content-Type", "text/html")), "a body left encoded says so"


def test_a_fetched_capture_keeps_its_time_url_and_origin() -> None:
    url = "https://web.archive.org/web/20180601120000id_/https://police.example/press/1?x=1"
    assert parse_capture_url(url) == (datetime(2018, 6, 1, 12), "https://police.example/press/1?x=1")
    assert parse_capture_url("https://web.archive.org/web/2018id_/x") is None
    response = foreign_response(url, datetime(2018, 6, 1, 12), "https://police.example/press/1?x=1", 200,
                                [("Content-Type", "text/html")], b"<html></html>", "police")
    assert (response.url, response.origin, response.reason, response.source) == (
        "https://police.example/press/1?x=1", f"wayback:{url}", "OK", "police")
    listed = foreign_response(url, datetime(2018, 6, 1, 12), "http://police.example:80/press/1?utm_source=rss", 200,
                              [], b"", None)
    assert listed.url == "http://police.example/press/1", "the crawler's canonical form of the original"


def test_the_store_keeps_one_note_per_listed_capture_under_its_wayback_machine(store_url: str) -> None:
    archive = Archive(store_url)
    try:
        listed = "http://127.0.0.1:8_1/web/20180601120000id_/https://police.example/a"
        archive.record_wayback_fetch(WaybackFetch(listed, listed, "media_body"), datetime(2026, 1, 1))
        archive.record_wayback_fetch(WaybackFetch(listed, listed, "duplicate"), datetime(2026, 1, 2))
        other = "http://127.0.0.1:801/web/20180601120000id_/https://police.example/a"
        archive.record_wayback_fetch(WaybackFetch(other, other, "not_text"), datetime(2026, 1, 2))
        assert archive.wayback_fetches("http://127.0.0.1:8_1/web/") == [WaybackFetch(listed, listed, "duplicate")]
        assert settled(archive, "http://127.0.0.1:8_1").refused == {listed}
        assert settled(archive, "http://127.0.0.1:8_1", retry_refused=True).refused == frozenset()
    finally:
        archive.close()


def test_an_archive_from_before_gains_the_table_of_wayback_fetches(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    schema.metadata.create_all(engine, tables=[table for table in schema.metadata.sorted_tables
                                               if table.name != "wayback_fetches"])
    engine.dispose()
    archive = Archive(url)
    try:
        assert archive.wayback_fetches("https://web.archive.org/web/") == []
    finally:
        archive.close()


def test_a_capture_sent_on_elsewhere_counts_as_imported_once_its_served_capture_is_archived(
        store_url: str) -> None:
    base = "https://web.archive.org"
    listed, served = (f"{base}/web/{stamp}id_/https://police.example/a" for stamp in ("20180601120000",
                                                                                      "20180602000000"))
    archive = Archive(store_url)
    try:
        archive.record_wayback_fetch(WaybackFetch(listed, served, None), datetime(2026, 1, 1))
        assert settled(archive, base) == Settled(), "noted, but stopped before its capture was recorded"
        archive.record_capture(Capture(source="police", url="https://police.example/a", status=200,
                                       content_type="text/html", length=1, captured_at=datetime(2018, 6, 2),
                                       payload_sha256="0" * 64, warc_file="x.warc.gz", warc_offset=0,
                                       origin=f"wayback:{served}"))
        assert settled(archive, base).imported == {listed, served}
    finally:
        archive.close()


def test_the_pipeline_tells_each_refusal_of_the_import_session_from_a_page_it_took(tmp_path: Path) -> None:
    # Guards REFUSALS against the session's own reasons: each is recognised, a page taken is not.
    page = release("Operation Heron", "the ring was broken up")

    def fetched(n: int, status: int = 200, kind: str = "text/html", body: bytes = page) -> FetchedCapture:
        url = f"https://web.archive.org/web/2018060112000{n}id_/https://police.example/{n}"
        original = f"https://police.example/{1 if n <= 2 else n}"  # 2: the page of 1 again
        response = foreign_response(url, datetime(2018, 6, 1, 12), original, status, [("Content-Type", kind)], body,
                                    None)
        return FetchedCapture(url, response)

    with ImportSession(DataDir(tmp_path), ImportOptions(workers=0), {}) as session:
        outcomes = [added(session, capture) for capture in (
            fetched(1), fetched(2), fetched(3, kind="image/png"), fetched(4, status=206),
            fetched(5, kind="text/plain"), fetched(6, body=b"\x89PNG\r\n\x1a\n" + b"\0" * 64))]
    assert outcomes == [None, "duplicate", "media", "status", "not_text", "media"]


def test_settings_keep_the_crawls_politeness_at_the_wayback_rate() -> None:
    settings = wayback_settings({"PRESSARCHIVE_WAYBACK_RATE": 0.25})
    assert settings["DOWNLOAD_DELAY"] == 4.0 and settings["DOWNLOAD_DELAY_JITTER"] == 0
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and settings["ROBOTSTXT_OBEY"]
    assert settings["AUTOTHROTTLE_ENABLED"] and "pressarchive" in settings["USER_AGENT"]
    middlewares = settings["DOWNLOADER_MIDDLEWARES"]
    assert "pressarchive.crawler.retryafter.RetryAfterMiddleware" in middlewares
    assert "pressarchive.crawler.textonly.TextOnlyMiddleware" in middlewares
    assert not [path for path in middlewares if "WarcCapture" in path or "PageBudget" in path]
    assert wayback_settings()["PRESSARCHIVE_WAYBACK_URL"] == "https://web.archive.org"
    assert wayback_settings()["DOWNLOAD_DELAY"] >= 1.0, "at most one request a second by default"
    for bad in ({"PRESSARCHIVE_WAYBACK_RATE": 0.0}, {"PRESSARCHIVE_WAYBACK_URL": "web.archive.org"}):
        with pytest.raises(UserError):
            wayback_settings(bad)


PROFILE = {"name": "police", "start_urls": ["https://www.police.example/press/"], "article": ["/press/"],
           "allowed_domains": ["www.police.example"]}


def test_a_profile_names_its_wayback_patterns() -> None:
    profile = profile_from_dict({**PROFILE, "wayback": ["www.police.example/press/*"]})
    assert profile.wayback == ("www.police.example/press/*",)
    with pytest.raises(ProfileError, match="field 'wayback': bad URL pattern"):
        profile_from_dict({**PROFILE, "wayback": ["www.police.example/*/x"]})
    with pytest.raises(ProfileError, match="field 'wayback': 'elsewhere.example/\\*' is outside the allowed"):
        profile_from_dict({**PROFILE, "wayback": ["elsewhere.example/*"]})
    with pytest.raises(ProfileError, match="field 'wayback': expected a list of strings"):
        profile_from_dict({**PROFILE, "wayback": [1]})


def test_built_in_sources_with_a_past_name_patterns_inside_their_domains() -> None:
    with_history = {name: profile.wayback for name, profile in builtin_profiles().items() if profile.wayback}
    assert len(with_history) >= 2, with_history


@pytest.mark.parametrize(("args", "message"), [
    (["wayback", "police.example/*/x"], "error: bad URL pattern"),
    (["wayback", "police.example/*", "--from", "2017-13"], "error: bad --from date '2017-13'"),
    (["wayback", "police.example/*", "--from", "2019", "--to", "2018"], "error: --from 2019 is after --to 2018"),
    (["wayback", "police.example/*", "--source", "Bad Name"], "error: bad --source"),
    (["wayback", "police.example/*", "--article", "(?=x)"], "error: bad --article regex '(?=x)'"),
    (["wayback", "police.example/*", "--set", "PRESSARCHIVE_WAYBACK_URL=ftp://x"],
     "error: bad PRESSARCHIVE_WAYBACK_URL"),
    (["crawl", "europol", "--from", "2017"], "error: --from and --to go with --history"),
    (["crawl", "interpol", "--history"], "error: source interpol names no Wayback URL patterns"),
    (["crawl", "europol", "--history", "--to", "2017-02-30"], "error: bad --to date"),
    (["crawl", "europol", "--history", "--resume"], "error: --resume does not go with --history"),
    (["crawl", "europol", "--history", "--delay", "0"], "error: --delay does not go with --history"),
    (["crawl", "--all", "interpol", "--history"], "error: source interpol names no Wayback URL patterns"),
])
def test_bad_input_is_one_error_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str],
                                     message: str) -> None:
    # Should the refusal ever come too late, nothing leaves this machine.
    guarded = [args[0], "--set", "PRESSARCHIVE_WAYBACK_URL=http://127.0.0.1:9", *args[1:]]
    code, out, err = run_here(capsys, tmp_path / "data", *guarded)
    assert code in (1, 2) and err.startswith(message) and err.count("\n") == 1 and out == ""
    assert not (tmp_path / "data" / "archive.sqlite").exists()
