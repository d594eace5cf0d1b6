"""``pressarchive wayback`` and ``crawl --history`` against a Wayback Machine on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pressarchive.store import Archive
from pressarchive.warc import read_response
from tests.conftest import CLI, REPO
from tests.wayback_site import Capture, FakeWayback, release, serve_wayback

MAREA = "https://www.police.example/press/marea"
KESTREL = "https://www.police.example/press/kestrel"
FAST = ("--set", "PRESSARCHIVE_WAYBACK_RATE=40", "--set", "PRESSARCHIVE_EXTRACT_WORKERS=0")


def captures() -> list[Capture]:
    marea_38 = release("Operation Marea: 38 arrests", "thirty-eight people were arrested")
    marea_39 = release("Operation Marea: 39 arrests", "thirty-nine people were arrested")
    return [
        Capture("20170301090000", MAREA, marea_38),
        Capture("20180601120000", MAREA, marea_39, throttle_once=True),
        Capture("20180701120000", MAREA, marea_39),  # the same payload again: collapsed by the listing
        Capture("20190105000000", KESTREL, release("Operation Kestrel: ring broken up", "the ring was broken up"),
                gzip=True),
        Capture("20190105000000", "https://www.police.example/press/photo.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 64),
        Capture("20190106000000", "https://www.police.example/press/disguised", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
        Capture("20190107000000", "https://www.police.example/press/video", b"", mimetype="video/mp4"),
        Capture("20171111000000", "https://www.police.example/about", release("About us", "we are the police")),
    ]


@pytest.fixture
def wayback() -> Any:
    with serve_wayback(captures()) as server:
        yield server


def run(cli: CLI, server: FakeWayback, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return cli(*args, "--set", f"PRESSARCHIVE_WAYBACK_URL={server.base_url}", *FAST, check=check)


def documents(cli: CLI) -> dict[str, Any]:
    archive = Archive(f"sqlite:///{cli.data / 'archive.sqlite'}")
    try:
        stored = [archive.get_document(doc_id) for doc_id in range(1, 20)]
        return {doc.document.url: doc for doc in stored if doc is not None}
    finally:
        archive.close()


def imported_paths(cli: CLI) -> set[str]:
    archive = Archive(f"sqlite:///{cli.data / 'archive.sqlite'}")
    try:
        return {urlsplit(origin.removeprefix("wayback:")).path for origin in archive.origins_with_prefix("wayback:")}
    finally:
        archive.close()


def test_captures_become_documents_with_their_archive_dates(cli: CLI, wayback: FakeWayback) -> None:
    result = run(cli, wayback, "wayback", "police.example/press/*", "--json")
    summary = json.loads(result.stdout)
    # Listing: one pattern, paged (3 rows a page), the repeated payload collapsed, the video filtered out.
    queries = wayback.cdx_queries()
    assert len(queries) == 2 and "resumeKey" not in queries[0] and queries[1]["resumeKey"] == ["3"]
    assert all(query["collapse"] == ["digest"] and "statuscode:200" in query["filter"] for query in queries)
    assert summary["listed"] == 5 and summary["cdx_pages"] == 2
    # The media URL was never requested; the disguised PNG was, and refused by its first bytes.
    assert not [path for path in wayback.paths() if "photo" in path]
    assert summary["fetch_skipped"] == {"media_extension": 1, "media_body": 1}
    assert (summary["requested"], summary["fetched"], summary["retry_after_waits"]) == (4, 3, 1)
    assert summary["captures"] == 3 and summary["documents"] == {"changed": 1, "new": 2}
    assert summary["fetch_errors"] == {} and summary["indexed"] >= 2
    docs = documents(cli)
    marea = docs[MAREA]
    assert [(v.number, v.captured_at) for v in marea.versions] == [
        (1, datetime(2017, 3, 1, 9)), (2, datetime(2018, 6, 1, 12))]
    assert "38" in marea.versions[0].title and "39" in marea.document.title
    assert marea.document.source == "police.example"
    origin = marea.versions[0].capture.origin
    assert origin == f"wayback:{wayback.base_url}/web/20170301090000id_/{MAREA}"
    kestrel = docs[KESTREL].versions[0].capture
    record = read_response(cli.data / "warc" / kestrel.warc_file, kestrel.warc_offset)
    assert record.date == "2019-01-05T00:00:00Z" and record.body.startswith(b"<html")  # gzip undone
    hits = cli.json("search", "kestrel")["hits"]
    assert [hit["url"] for hit in hits] == [KESTREL]


def test_retry_after_is_honoured_and_the_rate_kept(cli: CLI, wayback: FakeWayback) -> None:
    run(cli, wayback, "wayback", "police.example/press/marea", "--rate", "5")
    times = [when for when, path in wayback.requests if path.startswith("/web/20180601120000id_/")]
    assert len(times) == 2 and times[1] - times[0] >= 1.0, "asked to wait a second"
    starts = [when for when, _path in wayback.requests]
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.19, "at most 5 requests a second"


def test_dates_select_captures_and_an_older_import_takes_its_place_in_time(cli: CLI, wayback: FakeWayback) -> None:
    later = json.loads(run(cli, wayback, "wayback", "police.example/press/marea", "--from", "2018", "--json").stdout)
    assert (later["listed"], later["documents"]) == (1, {"new": 1})
    assert wayback.cdx_queries()[0]["from"] == ["2018"]
    earlier = json.loads(run(cli, wayback, "wayback", "police.example/press/marea", "--to", "2017-12",
                             "--json").stdout)
    assert earlier["documents"] == {"past": 1}
    marea = documents(cli)[MAREA]
    assert [(v.number, v.captured_at.year) for v in marea.versions] == [(1, 2017), (2, 2018)]
    assert "39" in marea.document.title, "the current version is still the latest capture"


def test_an_interrupted_import_fetches_only_what_is_missing(cli: CLI, wayback: FakeWayback) -> None:
    first = json.loads(run(cli, wayback, "wayback", "police.example/*", "--limit", "3", "--json").stdout)
    assert first["requested"] == 3 and first["captures"] == 2  # the disguised PNG among them is refused
    imported = imported_paths(cli)
    assert len(imported) == 2
    before = len(wayback.paths("/web/"))
    again = json.loads(run(cli, wayback, "wayback", "police.example/*", "--json").stdout)
    assert again["fetch_skipped"]["imported_before"] == 2 and again["captures"] == 2
    assert not set(wayback.paths("/web/")[before:]) & imported
    assert again["fetch_skipped"]["refused_before"] == 1, "the disguised PNG, refused by its bytes"
    third = json.loads(run(cli, wayback, "wayback", "police.example/*", "--json").stdout)
    assert third["fetch_skipped"]["imported_before"] == 4 and third["fetch_skipped"]["refused_before"] == 1
    assert third["requested"] == 0 and third["captures"] == 0


def test_captures_refused_once_are_not_fetched_again_unless_asked(cli: CLI) -> None:
    first, second = release("Operation Tern", "the ring was broken up"), release("Operation Tern", "two more")
    tern = "https://www.police.example/press/tern"
    listed = [Capture("20170101000000", tern, first), Capture("20170601000000", tern, second),
              Capture("20180101000000", tern, first),  # back to the first text: a version of its own
              Capture("20180201000000", "https://www.police.example/press/disguised",
                      b"\x89PNG\r\n\x1a\n" + b"\0" * 64)]
    with serve_wayback(listed) as server:
        one = json.loads(run(cli, server, "wayback", "police.example/press/*", "--json").stdout)
        assert (one["requested"], one["captures"], one["skipped"]) == (4, 3, {})
        assert one["documents"] == {"new": 1, "changed": 2}
        assert one["fetch_skipped"] == {"media_body": 1}
        archive = Archive(f"sqlite:///{cli.data / 'archive.sqlite'}")
        try:
            refused = archive.wayback_fetches(f"{server.base_url}/web/")
        finally:
            archive.close()
        assert sorted((fetch.listed_url.split("/web/")[1][:14], fetch.refused) for fetch in refused) == [
            ("20180201000000", "media_body")]
        assert all(fetch.served_url == fetch.listed_url for fetch in refused)
        before = len(server.paths("/web/"))
        two = json.loads(run(cli, server, "wayback", "police.example/press/*", "--json").stdout)
        assert two["fetch_skipped"] == {"imported_before": 3, "refused_before": 1} and two["requested"] == 0
        assert len(server.paths("/web/")) == before
        three = json.loads(run(cli, server, "wayback", "police.example/press/*", "--retry-refused", "--json").stdout)
        assert three["requested"] == 1 and three["fetch_skipped"].get("media_body") == 1
        assert len(server.paths("/web/")) == before + 1


def test_a_stopped_import_says_so_and_the_same_command_completes_it(cli: CLI, tmp_path: Path) -> None:
    many = [Capture("20180101000000", f"https://www.police.example/press/{n}",
                    release(f"Release {n}", f"case {n} closed")) for n in range(12)]
    with serve_wayback(many) as server:
        env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "pressarchive", "--data", str(cli.data), "wayback", "police.example/press/*",
             "--set", f"PRESSARCHIVE_WAYBACK_URL={server.base_url}", "--rate", "4",
             "--set", "PRESSARCHIVE_EXTRACT_WORKERS=0"], cwd=REPO, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(server.paths("/web/")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 143 and "interrupted: the Wayback import stopped" in err
        assert "pressarchive --data" in err and "wayback 'police.example/press/*'" in err
        before = len(server.paths("/web/"))
        assert before < 12
        rest = json.loads(cli("wayback", "police.example/press/*", "--set",
                              f"PRESSARCHIVE_WAYBACK_URL={server.base_url}", *FAST, "--json", check=True).stdout)
        fetched_again = server.paths("/web/")[before:]
        assert len(set(server.paths("/web/"))) == 12
        assert rest["fetch_skipped"]["imported_before"] >= 2, "what the stopped run imported is not fetched again"
        assert rest["fetch_skipped"]["imported_before"] + len(fetched_again) == 12
    assert len(documents(cli)) == 12


def test_a_capture_sent_on_to_a_nearby_one_keeps_the_time_it_was_served_at(cli: CLI) -> None:
    moved = Capture("20170401000000", MAREA, release("Operation Marea", "the network was dismantled"),
                    served_at="20170402101500")
    with serve_wayback([moved]) as server:
        summary = json.loads(run(cli, server, "wayback", MAREA, "--json").stdout)
        assert summary["documents"] == {"new": 1}
        version = documents(cli)[MAREA].versions[0]
        assert version.captured_at == datetime(2017, 4, 2, 10, 15)
        assert version.capture.origin == f"wayback:{server.base_url}/web/20170402101500id_/{MAREA}"
        # Run again, twice: the listed capture is known by the URL it was listed at, not fetched again.
        before = len(server.paths("/web/"))
        for _ in range(2):
            again = json.loads(run(cli, server, "wayback", MAREA, "--json").stdout)
            assert (again["requested"], again["fetch_skipped"]) == (0, {"imported_before": 1})
        assert len(server.paths("/web/")) == before


def test_crawl_history_fills_a_sources_past(cli: CLI, wayback: FakeWayback, tmp_path: Path) -> None:
    profile = tmp_path / "police.toml"
    profile.write_text('name = "police"\ntitle = "Example Police"\nagency = "Example Police"\ncountry = "ES"\n'
                       'start_urls = ["https://www.police.example/press/"]\narticle = ["/press/"]\n'
                       'wayback = ["www.police.example/press/marea", "www.police.example/about"]\n', "utf-8")
    result = run(cli, wayback, "crawl", "--history", "--profile", str(profile), "--to", "2017")
    assert "wayback summary" in result.stderr
    assert [query["url"] for query in wayback.cdx_queries()] == [
        ["www.police.example/press/marea"], ["www.police.example/about"]]
    assert all(query["to"] == ["2017"] for query in wayback.cdx_queries())
    # /about is listed but is no release by the profile's `article` regexes: never fetched.
    assert "not fetched: not_article 1" in result.stderr
    assert not [path for path in wayback.paths("/web/") if "about" in path]
    docs = documents(cli)
    assert sorted(docs) == [MAREA]
    assert {doc.document.source for doc in docs.values()} == {"police"}
    assert {doc.document.agency for doc in docs.values()} == {"Example Police"}
    without = tmp_path / "plain.toml"
    without.write_text('name = "plain"\nstart_urls = ["https://www.police.example/press/"]\narticle = ["/press/"]\n')
    refused = cli("crawl", "--history", "--profile", str(without))
    assert refused.returncode == 1 and refused.stderr == (
        "error: source plain names no Wayback URL patterns (profile field `wayback`)\n")


def test_article_regexes_narrow_a_plain_import_to_releases(cli: CLI, wayback: FakeWayback) -> None:
    summary = json.loads(run(cli, wayback, "wayback", "police.example/*", "--article", "/press/k",
                             "--article", "/press/m", "--json").stdout)
    assert summary["listed"] == 6 and summary["fetch_skipped"] == {"not_article": 2, "media_extension": 1}
    assert sorted(documents(cli)) == [KESTREL, MAREA]
    assert not [path for path in wayback.paths("/web/") if "about" in path or "disguised" in path]


def test_a_failing_listing_is_trouble(cli: CLI, wayback: FakeWayback) -> None:
    result = cli("wayback", "police.example/*", "--set", f"PRESSARCHIVE_WAYBACK_URL={wayback.base_url}/nowhere",
                 *FAST, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["fetch_errors"] == {"cdx_http_404": 1}
