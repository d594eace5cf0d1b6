"""The CDXJ index of the WARC files: written sorted per file, kept up to date by crawls and
imports, and looked up by URL and time without reading the WARC files."""

from __future__ import annotations

import json
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pressarchive.crawler.capture import WarcCaptureMiddleware
from pressarchive.crawler.context import CrawlContext
from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.imports import ForeignResponse, ImportOptions, ImportSession
from pressarchive.profiles import Profile
from pressarchive.store import Archive
from pressarchive.warc import Exchange, RotatingWarcWriter, read_response
from pressarchive.warc import cdxj
from tests.conftest import CLI
from tests.storebackends import data_dir_on

T0 = datetime(2019, 3, 1, 12, 0, tzinfo=UTC)
LANTERN = "/press/releases/2019/operation-lantern-cocaine-seized-at-puerto-alcena.html"
REDIRECT = "/news/lantern-cocaine-seizure"


def exchange(url: str, when: datetime, body: bytes = b"<p>hello</p>", status: int = 200) -> Exchange:
    return Exchange(url, "GET", [], status, "OK", [("Content-Type", "text/html; charset=utf-8")], body, when)


@pytest.fixture
def data(tmp_path: Path, store_db: str | None) -> DataDir:
    return prepare_data_dir(data_dir_on(tmp_path / "data", store_db))


def write_file(data: DataDir, exchanges: list[Exchange], prefix: str = "test") -> str:
    """One closed WARC file holding ``exchanges``; its name."""
    writer = RotatingWarcWriter(data.warc_dir, prefix=prefix)
    for item in exchanges:
        writer.write(item)
    name = writer.current_file
    writer.close()
    return name


def test_a_warc_file_is_indexed_sorted_by_surt_key(data: DataDir) -> None:
    name = write_file(data, [exchange("https://www.example.org/b?z=1&a=2", T0),
                             exchange("http://example.org/a", T0 + timedelta(days=1), status=404),
                             exchange("https://other.example/", T0)])
    path = cdxj.index_warc_file(data, name)
    assert path == data.cdxj_dir / f"{name}.cdxj"
    lines = path.read_text("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == 3  # responses only: no warcinfo, no requests
    keys = [line.split(" ", 1)[0] for line in lines]
    assert keys == ["example,other)/", "org,example)/a", "org,example)/b?a=2&z=1"]
    fields = json.loads(lines[1].split(" ", 2)[2])
    assert lines[1].split(" ")[1] == "20190302120000"
    assert fields["status"] == "404" and fields["filename"] == name and fields["mime"] == "text/html"
    record = read_response(data.warc_dir / name, int(fields["offset"]))
    assert record.url == "http://example.org/a" and record.status == 404
    assert not [item for item in data.cdxj_dir.iterdir() if item.name.startswith(".")]  # no temporary left


def test_refresh_indexes_what_is_missing_or_stale_and_only_closed_files(data: DataDir) -> None:
    first = write_file(data, [exchange("https://example.org/a", T0)])
    second = write_file(data, [exchange("https://example.org/a", T0 + timedelta(days=2))])
    live = RotatingWarcWriter(data.warc_dir, prefix="live")
    live.write(exchange("https://example.org/a", T0 + timedelta(days=5)))
    assert sorted(cdxj.refresh(data)) == sorted([first, second])
    assert cdxj.refresh(data) == []  # up to date: nothing again
    past = (data.warc_dir / second).stat().st_mtime_ns - 10**9
    os.utime(cdxj.cdxj_path(data, second), ns=(past, past))  # the WARC file changed after it was indexed
    assert cdxj.refresh(data) == [second]
    assert len(cdxj.lookup(data, "https://example.org/a")) == 2  # the open file is not indexed yet
    live.close()
    assert cdxj.refresh(data) == [live_name(data)]
    assert len(cdxj.lookup(data, "https://example.org/a")) == 3


def live_name(data: DataDir) -> str:
    return next(path.name for path in data.warc_dir.iterdir() if path.name.startswith("live-"))


def test_refresh_drops_the_index_of_a_gone_file_and_survives_a_corrupt_one(data: DataDir,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    gone = write_file(data, [exchange("https://example.org/a", T0)])
    cdxj.refresh(data)
    (data.warc_dir / gone).unlink()
    (data.warc_dir / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage, not gzip")
    kept = write_file(data, [exchange("https://example.org/a", T0 + timedelta(days=1))], prefix="kept")
    assert cdxj.refresh(data) == [kept]
    assert not cdxj.cdxj_path(data, gone).exists() and not cdxj.cdxj_path(data, "broken.warc.gz").exists()
    assert "could not index broken.warc.gz" in caplog.text
    assert [entry.filename for entry in cdxj.lookup(data, "https://example.org/a")] == [kept]


def test_lookup_finds_every_capture_across_files_without_reading_the_warc_files(data: DataDir) -> None:
    names = [write_file(data, [exchange(f"https://example.org/page/{n}", T0 + timedelta(hours=h))
                               for n in range(30)]) for h in (0, 48, 24)]
    write_file(data, [exchange("http://www.example.org/page/7", T0 + timedelta(hours=72), status=301)])
    cdxj.refresh(data)
    for path in data.warc_dir.iterdir():
        path.write_bytes(b"")  # a lookup that opened a WARC file would now find nothing there
    entries = cdxj.lookup(data, "https://example.org/page/7")
    assert [entry.timestamp for entry in entries] == ["20190301120000", "20190302120000", "20190303120000",
                                                      "20190304120000"]  # oldest first, http and www too
    assert [entry.filename for entry in entries[:3]] == [names[0], names[2], names[1]]
    assert entries[-1].status == 301 and entries[-1].url == "http://www.example.org/page/7"
    assert all(entry.key == "org,example)/page/7" for entry in entries)
    assert cdxj.lookup(data, "https://example.org/page/70") == []  # a key that is a prefix of nothing
    assert cdxj.lookup(data, "https://example.org/page/") == []
    assert len(cdxj.lookup(data, "https://example.org/page/29")) == 3
    assert entries[0].datetime == T0 and entries[0].to_json()["datetime"] == "2019-03-01T12:00:00Z"


def test_lookup_closest_orders_by_distance(data: DataDir) -> None:
    write_file(data, [exchange("https://example.org/a", T0 + timedelta(days=n)) for n in (0, 10, 20)])
    cdxj.refresh(data)
    near = cdxj.lookup(data, "https://example.org/a", closest=T0 + timedelta(days=14))
    assert [entry.datetime for entry in near] == [T0 + timedelta(days=n) for n in (10, 20, 0)]
    tie = cdxj.lookup(data, "https://example.org/a", closest=T0 + timedelta(days=5))
    assert tie[0].datetime == T0  # equal distance: the earlier
    naive = cdxj.lookup(data, "https://example.org/a", closest=datetime(2019, 3, 21, 11))
    assert naive[0].datetime == T0 + timedelta(days=20)  # a naive time is UTC


def test_a_writer_tells_its_hook_of_every_file_it_closes(data: DataDir) -> None:
    closed: list[str] = []
    writer = RotatingWarcWriter(data.warc_dir, max_size=2000, on_closed=closed.append)
    for n in range(6):
        writer.write(exchange(f"https://example.org/{n}", T0, body=os.urandom(900)))
    writer.close()
    assert len(closed) > 1 and closed == sorted(path.name for path in data.warc_dir.iterdir())


def test_an_import_indexes_the_files_it_wrote(data: DataDir) -> None:
    police = Profile(name="police", title="Police", agency="Police", country="ES", language="en",
                     allowed_domains=("police.example",))
    body = b"<html><head><title>Operation Marea</title></head><body><article><p>" + b"Arrests made. " * 80 + \
        b"</p></article></body></html>"
    item = ForeignResponse(url="https://police.example/press/1", captured_at=datetime(2017, 5, 2, 10), status=200,
                           reason="OK", headers=(("Content-Type", "text/html"),), body=body, origin="warc:x#0")
    with ImportSession(data, ImportOptions(workers=0), {"police": police}) as session:
        session.add(item)
    [entry] = cdxj.lookup(data, "https://police.example/press/1")
    assert entry.timestamp == "20170502100000" and entry.filename.startswith("pressarchive-import-")
    assert cdxj.refresh(data) == []  # nothing left for a refresh


@pytest.fixture(scope="module")
def crawled_twice(crawled: dict[str, Any]) -> dict[str, Any]:
    """The sample room crawled twice (the second time asking again for every release)."""
    crawled["cli"]("crawl", "--profile", str(crawled["profile"]), "--delay", "0", "--full", check=True)
    return crawled


def test_crawls_keep_the_index_up_to_date(crawled_twice: dict[str, Any]) -> None:
    cli: CLI = crawled_twice["cli"]
    data = DataDir(cli.data)
    warcs = sorted(path.name for path in data.warc_dir.iterdir() if path.name.endswith(".warc.gz"))
    assert len(warcs) >= 2
    assert sorted(path.name for path in data.cdxj_dir.iterdir()) == sorted([f"{name}.cdxj" for name in warcs] +
                                                                            [cdxj.MERGED])
    assert cdxj.refresh(data) == []
    assert cli("index", check=True).stdout.strip() == "indexed 0 documents"
    cdxj.cdxj_path(data, warcs[0]).unlink()
    assert cli("index", check=True).stdout.splitlines()[1] == "indexed 1 WARC files in the CDXJ index"
    cdxj.cdxj_path(data, warcs[-1]).unlink()
    cli("check", "--repair", check=True)
    assert sorted(path.name for path in data.cdxj_dir.iterdir()) == sorted([f"{name}.cdxj" for name in warcs] +
                                                                            [cdxj.MERGED])


def test_cdx_lists_recaptures_and_redirects_that_are_not_versions(crawled_twice: dict[str, Any]) -> None:
    cli: CLI = crawled_twice["cli"]
    base = crawled_twice["room"].base_url
    listed = cli.json("cdx", base + LANTERN)
    assert listed["url"] == base + LANTERN and len(listed["captures"]) == 2
    # The second crawl asked with If-Modified-Since: a 304, a capture that made no version.
    assert [capture["status"] for capture in listed["captures"]] == [200, 304]
    assert listed["captures"][0]["timestamp"] < listed["captures"][1]["timestamp"]
    redirect = cli.json("cdx", base + REDIRECT)["captures"]
    assert redirect and all(capture["status"] == 301 for capture in redirect)
    hit = next(hit for hit in cli.json("search", "Lantern", "--limit", "50")["hits"] if hit["url"].endswith(LANTERN))
    assert len(cli.json("show", str(hit["id"]))["versions"]) == 1
    shown = cli("show", str(hit["id"]), check=True).stdout
    section = shown.split("captures of this URL", 1)[1]
    rows = [line for line in section.splitlines() if ".warc.gz@" in line]
    first, second = (capture["offset"] for capture in listed["captures"])
    assert len(rows) == 2 and re.search(rf"│ 200 .*@{first} +│ 1 ", rows[0])
    assert re.search(rf"│ 304 .*@{second} +│ +│", rows[1])  # made no version


def test_cdx_errors_are_one_line(crawled: dict[str, Any]) -> None:
    cli: CLI = crawled["cli"]
    missing = cli("cdx", "https://nowhere.example/page")
    assert missing.returncode == 1 and missing.stderr.strip() == \
        "error: the archive holds no capture of https://nowhere.example/page"
    bad = cli("cdx", "ftp://example.org/file")
    assert bad.returncode != 0 and bad.stderr.startswith("error: bad URL") and "Traceback" not in bad.stderr
    when = cli("cdx", "https://example.org/", "--closest", "yesterday")
    assert when.returncode != 0 and "bad time 'yesterday'" in when.stderr and "Traceback" not in when.stderr


@pytest.mark.parametrize("moment", ["9999-12-31T23:00-05:00", "0001-01-01T00:00:00+05:00"])
def test_cdx_closest_beyond_the_calendar_is_one_error_line(data: DataDir, cli: CLI, moment: str) -> None:
    write_file(data, [exchange("https://example.org/a", T0)])
    cdxj.refresh(data)
    Archive(data.database_url).close()
    assert cli("cdx", "https://example.org/a", "--closest", "9999-12-31T18:00-05:00", check=True)
    answer = cli("cdx", "https://example.org/a", "--closest", moment)
    assert answer.returncode == 2 and "Traceback" not in answer.stderr, answer.stderr
    [line] = [line for line in answer.stderr.splitlines() if line.strip()]
    assert line.startswith("error:") and "out of range" in line


def test_by_distance_takes_any_aware_time(data: DataDir) -> None:
    write_file(data, [exchange("https://example.org/a", T0 + timedelta(days=n)) for n in (0, 1)])
    cdxj.refresh(data)
    entries = cdxj.lookup(data, "https://example.org/a")
    latest = datetime.fromisoformat("9999-12-31T23:00-05:00")
    assert [entry.datetime for entry in cdxj.by_distance(entries, latest)] == [T0 + timedelta(days=1), T0]
    earliest = datetime.fromisoformat("0001-01-01T00:00:00+05:00")
    assert cdxj.by_distance(entries, earliest)[0].datetime == T0


def merged_lines(data: DataDir) -> list[str]:
    return (data.cdxj_dir / cdxj.MERGED).read_text("utf-8").splitlines()[1:]


def test_refresh_merges_the_per_file_indexes_and_lookups_read_the_merge(data: DataDir) -> None:
    names = [write_file(data, [exchange(f"https://example.org/{n}", T0 + timedelta(hours=h)) for n in range(5)])
             for h in range(4)]
    cdxj.refresh(data)
    lines = merged_lines(data)
    per_file = [line for name in names for line in cdxj.cdxj_path(data, name).read_text("utf-8").splitlines()]
    assert lines == sorted(per_file) and len(lines) == 20
    assert (data.cdxj_dir / cdxj.MERGED).read_bytes().startswith(cdxj.MERGED_HEADER)
    for name in names:  # emptied, its time kept: a lookup that read it would now find nothing
        path = cdxj.cdxj_path(data, name)
        kept = path.stat().st_mtime_ns
        path.write_bytes(b"")
        os.utime(path, ns=(kept, kept))
    assert [entry.filename for entry in cdxj.lookup(data, "https://example.org/3")] == names
    assert cdxj.lookup(data, "https://example.org/") == [] and cdxj.merge(data) is False


def test_a_file_indexed_after_the_merge_is_found_before_the_next(data: DataDir) -> None:
    first = write_file(data, [exchange("https://example.org/a", T0)])
    cdxj.refresh(data)
    later = write_file(data, [exchange("https://example.org/a", T0 + timedelta(days=1))])
    cdxj.indexer_for(data)(later)  # as an import's writer does on closing a file
    assert [entry.filename for entry in cdxj.lookup(data, "https://example.org/a")] == [first, later]
    cdxj.refresh(data)
    assert len(merged_lines(data)) == 2 and len(cdxj.lookup(data, "https://example.org/a")) == 2


def test_a_reindexed_or_removed_file_leaves_no_old_line(data: DataDir) -> None:
    changing = write_file(data, [exchange("https://example.org/old", T0)], prefix="changing")
    going = write_file(data, [exchange("https://example.org/going", T0)], prefix="going")
    staying = write_file(data, [exchange("https://example.org/stays", T0)], prefix="staying")
    cdxj.refresh(data)
    writer = RotatingWarcWriter(data.warc_dir, prefix="x")  # the same file, now holding another capture
    writer.write(exchange("https://example.org/new", T0))
    replacement = writer.current_file
    writer.close()
    os.replace(data.warc_dir / replacement, data.warc_dir / changing)
    cdxj.index_warc_file(data, changing)  # re-indexed, not merged yet
    assert cdxj.lookup(data, "https://example.org/old") == []
    assert [entry.filename for entry in cdxj.lookup(data, "https://example.org/new")] == [changing]
    (data.warc_dir / going).unlink()
    cdxj.refresh(data)
    assert cdxj.lookup(data, "https://example.org/old") == [] and cdxj.lookup(data, "https://example.org/going") == []
    assert [entry.filename for entry in cdxj.lookup(data, "https://example.org/new")] == [changing]
    assert [entry.filename for entry in cdxj.lookup(data, "https://example.org/stays")] == [staying]
    assert len(merged_lines(data)) == 2


def test_a_merge_of_more_files_than_one_pass_opens(data: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cdxj, "MERGE_BATCH", 2)
    names = [write_file(data, [exchange(f"https://example.org/{n % 3}", T0 + timedelta(hours=n))]) for n in range(7)]
    cdxj.refresh(data)
    assert len(merged_lines(data)) == 7 and merged_lines(data) == sorted(merged_lines(data))
    assert len(cdxj.lookup(data, "https://example.org/1")) == 2
    assert [path.name for path in data.cdxj_dir.iterdir() if path.name.startswith(".")] == []  # no pass left over
    assert set(json.loads((data.cdxj_dir / cdxj.MERGED).read_bytes().split(b"\n", 1)[0]
                          .removeprefix(cdxj.MERGED_HEADER))) == {f"{name}.cdxj" for name in names}


def test_a_remembered_listing_still_sees_a_new_index(data: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cdxj, "_SETTLED_NS", -(10**12))  # every listing trusted at once
    write_file(data, [exchange("https://example.org/a", T0)])
    cdxj.refresh(data)
    assert len(cdxj.lookup(data, "https://example.org/a")) == 1
    cdxj.indexer_for(data)(write_file(data, [exchange("https://example.org/a", T0 + timedelta(days=1))]))
    assert len(cdxj.lookup(data, "https://example.org/a")) == 2  # the directory changed: listed again


def test_a_crawl_indexes_each_file_it_rotates_without_waiting_for_it(data: DataDir,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    slow_index = cdxj.index_warc_file

    def slow(data: DataDir, name: str) -> Path:
        time.sleep(0.5)
        return slow_index(data, name)

    monkeypatch.setattr(cdxj, "index_warc_file", slow)
    indexing = cdxj.ClosedWarcIndexer(data)
    writer = RotatingWarcWriter(data.warc_dir, max_size=2000, on_closed=indexing)
    began = time.monotonic()
    for n in range(4):
        writer.write(exchange(f"https://example.org/{n}", T0, body=os.urandom(900)))
    assert time.monotonic() - began < 0.5  # rotations did not wait for the indexer
    deadline = time.monotonic() + 30
    while not cdxj.lookup(data, "https://example.org/0") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cdxj.lookup(data, "https://example.org/0")  # found while the writer is still open
    writer.close()
    indexing.close()
    assert [len(cdxj.lookup(data, f"https://example.org/{n}")) for n in range(4)] == [1, 1, 1, 1]
    indexing("late.warc.gz")  # after the crawl: left to the closing refresh, not an error


def test_the_crawls_warc_writer_tells_the_runs_indexer(data: DataDir) -> None:
    closed: list[str] = []
    archive = Archive(data.database_url)
    try:
        context = CrawlContext(data=data, archive=archive, on_warc_closed=closed.append)
        middleware = WarcCaptureMiddleware(context, max_size=2000, source="police")
        middleware.writer.write(exchange("https://example.org/a", T0))
        middleware.close()
    finally:
        archive.close()
    assert closed == [path.name for path in data.warc_dir.iterdir()]


def test_a_merge_survives_an_index_removed_under_it(data: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = write_file(data, [exchange("https://example.org/a", T0)])
    cdxj.refresh(data)
    listed = cdxj._index_files

    def with_a_ghost(data: DataDir) -> dict[str, int]:
        return {**listed(data), "ghost.warc.gz.cdxj": 1}  # listed, then removed by another refresh

    monkeypatch.setattr(cdxj, "_index_files", with_a_ghost)
    monkeypatch.setattr(cdxj, "MERGE_BATCH", 1)
    (data.cdxj_dir / cdxj.MERGED).unlink()
    assert cdxj.merge(data) is True
    monkeypatch.undo()
    assert [entry.filename for entry in cdxj.lookup(data, "https://example.org/a")] == [kept]
    assert [path.name for path in data.cdxj_dir.iterdir() if path.name.startswith(".")] == []
