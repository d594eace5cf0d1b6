"""One crawl shared by several crawler processes through a real Redis frontier (``crawl --frontier``).

Real crawler subprocesses (the CLI) against a loopback press room whose server notes every
request and when: each release fetched once across the processes and stored once, the rate
of one site held whatever the number of processes, a process killed with SIGKILL whose
leased requests come back, and one clear line for a bad or unreachable frontier.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from typing import Any
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from scrapy import Request
from scrapy.utils.test import get_crawler

from pressarchive.crawler.frontier import parse_frontier
from pressarchive.crawler.frontier.address import FrontierAddressError, FrontierError
from pressarchive.crawler.frontier.shared import SharedFrontier, join
from tests.conftest import REPO
from tests.frontier_room import FrontierRoom
from tests.scripted_site import Answer, listing_page
from tests.opensearchnode import free_port

#: Seconds two requests to one site may come closer than the delay (see crawler/frontier/politeness.py).
TOLERANCE = 0.05
#: The same when the sender of one was starved of CPU between its moment and its write (measured
#: up to 0.11 s at a load of 7 on two cores); at most one gap in ten may be that short.
STARVED = 0.15


def crawl_command(data: Path, profile: Path, frontier: str, *extra: str, db: str | None = None) -> list[str]:
    store = ["--db", db] if db else []
    return [sys.executable, "-m", "pressarchive", "--data", str(data), *store, "crawl", "--profile", str(profile),
            "--frontier", frontier, "--set", "PRESSARCHIVE_EXTRACT_WORKERS=0", *extra]


_started: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_crawler_left_behind() -> Iterator[None]:
    """A test that fails half-way leaves no crawler running past it (its Redis may be gone)."""
    yield
    while _started:
        process = _started.pop()
        if process.poll() is None:
            process.kill()
            process.communicate()


def start(command: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    env.pop("PRESSARCHIVE_DATA", None)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    _started.append(process)
    return process


def finish(process: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def stored(data: Path) -> tuple[int, int, list[tuple[str, str, str]]]:
    """Documents, versions, and the run rows (status, frontier, worker) of a data directory's store."""
    with sqlite3.connect(data / "archive.sqlite") as db:
        documents = db.execute("select count(*) from documents").fetchone()[0]
        versions = db.execute("select count(*) from versions").fetchone()[0]
        runs = db.execute("select status, frontier, worker from runs order by id").fetchall()
    return documents, versions, runs


def stored_urls(data: Path) -> set[str]:
    if not (data / "archive.sqlite").exists():
        return set()
    try:
        with sqlite3.connect(data / "archive.sqlite") as db:
            return {row[0] for row in db.execute("select url from documents")}
    except sqlite3.OperationalError:  # the schema is not there yet
        return set()


def test_a_bad_frontier_address_is_one_line(tmp_path: Path) -> None:
    with FrontierRoom(3) as room:
        profile = room.write_profile(tmp_path)
        for address in ("http://127.0.0.1:6379/0", "redis://127.0.0.1:port/0", "redis://127.0.0.1:6379/db"):
            code, out, err = finish(start(crawl_command(tmp_path / "data", profile, address)))
            assert code != 0
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: bad --frontier"), err
        assert room.hits == []


def test_an_unreachable_frontier_is_one_error_line(tmp_path: Path) -> None:
    with FrontierRoom(3) as room:
        profile = room.write_profile(tmp_path)
        code, out, err = finish(start(crawl_command(tmp_path / "data", profile, f"redis://127.0.0.1:{free_port()}/0")))
        assert code == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: cannot reach the frontier redis://127.0.0.1:"), err
        assert room.hits == []


def test_frontier_keys_are_checked() -> None:
    assert parse_frontier("redis://h:1/2", ["b", "a"]).redis_key("requests") == "pressarchive:a+b:requests"
    assert parse_frontier("redis://h:1/2", ["a"], "mine").key == "mine"
    with pytest.raises(FrontierAddressError):
        parse_frontier("redis://h:1/2", ["a"], "no spaces")


@pytest.mark.redis
def test_leases_of_a_dead_process_go_back_to_the_queue(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    address = parse_frontier(redis_url, ["leases"])
    dead, alive = (SharedFrontier(server, address, ["leases"], "host:1"),
                   SharedFrontier(server, address, ["leases"], "host:2"))
    server.zadd(dead.queue_key("leases"), {b"first": 0, b"second": 1})
    dead.heartbeat()
    assert dead.lease("leases") is not None and dead.pending() == (1, 1)
    assert alive.requeue_orphans() == 0  # its process is alive: the lease stands
    server.delete(dead.worker_prefix + dead.worker)  # as when its heartbeat expires after a kill -9
    assert alive.requeue_orphans() == 1
    assert alive.pending() == (2, 0)
    token, data = alive.lease("leases") or ("", b"")
    assert data == b"first" and token.startswith("host:2#")
    alive.release([token])
    assert alive.pending() == (1, 0)
    token, data = alive.lease("leases") or ("", b"")
    assert data == b"second" and alive.pending() == (0, 1)
    server.zadd(alive.queue_key("leases"), {b"third": 2})
    # The next lease releases the finished one in the same round trip.
    assert (alive.lease("leases", [token]) or ("", b""))[1] == b"third" and alive.pending() == (0, 1)


@pytest.mark.redis
def test_joining_a_frontier(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    address = parse_frontier(redis_url, ["joins"])
    first = SharedFrontier(server, address, ["joins"], "host:1")
    with pytest.raises(FrontierError, match="to resume"):
        join(first, resume=True)
    assert join(first, resume=False) == "started"
    server.sadd(first.dupefilter_key("joins"), "seen")
    server.zadd(first.queue_key("joins"), {b"queued": 0})
    second = SharedFrontier(server, address, ["joins"], "host:2")
    assert join(second, resume=False) == "joined"  # host:1 is alive
    first.leave()
    second.leave()
    with pytest.raises(FrontierError, match="add --resume"):
        join(SharedFrontier(server, address, ["joins"], "host:3"), resume=False)
    fourth = SharedFrontier(server, address, ["joins"], "host:4")
    assert join(fourth, resume=True) == "resumed"
    fourth.leave()
    server.delete(first.queue_key("joins"))
    # A finished shared crawl (URLs seen, nothing left, nobody crawling): the next one starts afresh.
    fifth = SharedFrontier(server, address, ["joins"], "host:5")
    assert join(fifth, resume=False) == "started"
    fifth.leave()
    assert not server.exists(first.dupefilter_key("joins"))
    assert fifth.other_workers() == []


@pytest.mark.redis
def test_what_the_listings_linked_is_shared_and_forgotten_with_the_crawl(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    address = parse_frontier(redis_url, ["listed"])
    first = SharedFrontier(server, address, ["listed"], "host:1")
    assert join(first, resume=False) == "started"
    seen = first.listing_seen("listed")
    assert seen is not None and seen.urls == frozenset()
    assert abs(seen.started - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=30)
    second = SharedFrontier(server, address, ["listed"], "host:2")
    assert join(second, resume=False) == "joined"
    assert first.add_listed("listed", ["http://a.example/1", "http://a.example/2"])
    assert second.add_listed("listed", ["http://a.example/2", "http://a.example/3"])
    seen = second.listing_seen("listed")
    assert seen is not None and seen.urls == {f"http://a.example/{n}" for n in (1, 2, 3)}
    second.mark_incomplete("listed")  # one entry point not read whole: no process may check
    assert first.listing_seen("listed") is None
    first.leave()
    second.leave()
    server.sadd(first.dupefilter_key("listed"), "seen")  # a finished crawl: the next one starts afresh
    third = SharedFrontier(server, address, ["listed"], "host:3")
    assert join(third, resume=False) == "started"
    seen = third.listing_seen("listed")
    assert seen is not None and seen.urls == frozenset()
    third.leave()
    server.delete(third.started_key)  # a crawl begun before the start was kept: nothing to go by
    assert third.listing_seen("listed") is None


@pytest.mark.redis
def test_a_release_linked_under_another_url_counts_as_linked_for_every_process(redis_url: str) -> None:
    from types import SimpleNamespace

    from scrapy.http import HtmlResponse

    from pressarchive.crawler.spider import PressRoomSpider
    from pressarchive.profiles import profile_from_dict

    address = parse_frontier(redis_url, ["aliases"])
    shared = SharedFrontier(redis.Redis.from_url(redis_url), address, ["aliases"], "host:1")
    assert join(shared, resume=False) == "started"
    profile = profile_from_dict({"name": "aliases", "language": "en", "start_urls": ["http://127.0.0.1:9/news/"],
                                 "article": ["/releases/"]})
    context = SimpleNamespace(frontier=shared, clock=lambda: datetime(2026, 1, 1))
    spider = PressRoomSpider.from_crawler(get_crawler(PressRoomSpider), profile=profile, context=context)
    printed, own = "http://127.0.0.1:9/releases/7/print", "http://127.0.0.1:9/releases/7"
    shared.add_listed("aliases", [printed])  # another process read the listing that links the print view
    page = HtmlResponse(printed, body=f'<html><head><link rel="canonical" href="{own}"></head></html>'.encode(),
                        request=Request(printed))
    (item,) = spider.parse_article(page)
    assert item.url == own
    assert shared.is_listed("aliases", own)
    shared.leave()


def _removals(data: Path) -> dict[str, str]:
    with sqlite3.connect(data / "archive.sqlite") as db:
        return dict(db.execute("select d.url, r.reason from removals r join documents d on d.id = r.document_id"))


def _archived_a_day_ago(data: Path) -> None:
    """The archive's releases as if first captured a day before (a test crawls seconds apart)."""
    with sqlite3.connect(data / "archive.sqlite") as db:
        db.execute("update documents set first_captured = datetime(first_captured, '-1 day')")


@pytest.mark.redis
@pytest.mark.parametrize("whole", [True, False])
def test_a_shared_crawl_checks_the_releases_no_process_found_linked(
    tmp_path: Path, redis_url: str, whole: bool,
) -> None:
    with FrontierRoom(30) as room:
        profile = room.write_profile(tmp_path)
        data = tmp_path / "data"
        code, _out, err = finish(start(crawl_command(data, profile, redis_url, "--delay", "0")))
        assert code == 0, err
        _archived_a_day_ago(data)
        # Release 3 was taken down and release 5 is still there; the first listing page links
        # neither any more. The other pages, read by whichever process, still link theirs.
        room.routes["/releases/3"] = Answer(404, b"gone", "text/plain")
        first_page = [f"/releases/{n}" for n in range(1, 11) if n not in (3, 5)] + ["/news/?page=2"]
        room.routes["/news/"] = Answer(body=listing_page(*first_page))
        if not whole:  # the last page answers with a maintenance page: the listing is not whole
            room.routes["/news/?page=3"] = Answer(body=b"<html><body><p>Back soon.</p></body></html>")
        processes = [start(crawl_command(data, profile, redis_url, "--delay", "0")) for _ in range(2)]
        for process in processes:
            code, _out, err = finish(process)
            assert code == 0, err
        fetches = room.release_fetches()
        checked = {path: fetches.get(path) for path in ("/releases/3", "/releases/5")}
    if whole:
        assert _removals(data) == {room.url("/releases/3"): "http_404", room.url("/releases/5"): "delisted"}
        assert checked == {"/releases/3": 2, "/releases/5": 2}  # the first crawl, then the check, once
    else:
        assert _removals(data) == {}
        assert checked == {"/releases/3": 1, "/releases/5": 1}
    incomplete = redis.Redis.from_url(redis_url).get("pressarchive:shared:incomplete:shared")
    assert (incomplete is None) == whole


@pytest.mark.redis
def test_three_processes_fetch_and_store_each_release_once(tmp_path: Path, redis_url: str) -> None:
    releases = 40
    with FrontierRoom(releases) as room:
        profile = room.write_profile(tmp_path)
        data = tmp_path / "data"  # one data directory (SQLite) for the three processes
        began = time.monotonic()
        processes = [start(crawl_command(data, profile, redis_url, "--delay", "0")) for _ in range(3)]
        results = [finish(process) for process in processes]
        seconds = time.monotonic() - began
        for code, _out, err in results:
            assert code == 0, err
            assert "shared crawl 'shared' so far:" in err
        fetches = room.release_fetches()
        assert len(fetches) == releases and set(fetches.values()) == {1}, fetches
        documents, versions, runs = stored(data)
        assert (documents, versions) == (releases, releases)
        assert [(status, frontier) for status, frontier, _ in runs] == [("finished", "shared")] * 3
        assert len({worker for _, _, worker in runs}) == 3
        cli_env = {**os.environ, "PYTHONPATH": str(REPO)}
        report = json.loads(subprocess.run(
            [sys.executable, "-m", "pressarchive", "--data", str(data), "frontier-report", "shared", "--json"],
            capture_output=True, text=True, env=cli_env, cwd=REPO, check=True).stdout)
        assert report["reported"] == 3 and report["new"] == releases
        assert report["fetched"] == len(room.hits)  # releases, listings and each process's robots.txt
        print(f"3 processes, {releases} releases, delay 0: {seconds:.1f} s")


@pytest.mark.redis
def test_three_processes_hold_the_rate_of_one_site(tmp_path: Path, redis_url: str) -> None:
    delay = 0.2
    with FrontierRoom(20) as room:
        profile = room.write_profile(tmp_path)
        # Three data directories; extraction in a worker process, as by default: extracting on
        # the reactor's thread would hold requests past their moment (see politeness.py).
        processes = [start(crawl_command(tmp_path / f"data{n}", profile, redis_url, "--delay", str(delay),
                                         "--set", "PRESSARCHIVE_EXTRACT_WORKERS=1"))
                     for n in range(3)]
        for code, _out, err in (finish(process) for process in processes):
            assert code == 0, err
        times = sorted(moment for moment, _path in room.times)
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert len(times) >= 22
        # Redis hands out moments exactly `delay` apart; a request leaves a little after its
        # moment, more when its process is starved of CPU (this machine's two cores run several
        # suites at once), so one gap may shrink by that lateness while the next grows by it.
        late = sum(1 for gap in gaps if gap < delay - TOLERANCE)
        assert min(gaps) >= delay - STARVED, sorted(gaps)[:5]
        assert late <= len(gaps) // 10, sorted(gaps)[:5]
        assert (times[-1] - times[0]) >= (len(times) - 1) * delay - STARVED
        assert set(room.release_fetches().values()) == {1}
        print(f"3 processes, delay {delay}: {len(times)} requests, closest two {min(gaps):.3f} s apart, "
              f"{late} gaps short of {delay - TOLERANCE:.2f} s")


@pytest.mark.redis
def test_three_processes_keep_to_the_concurrency_of_one_site(tmp_path: Path, redis_url: str) -> None:
    with FrontierRoom(24, slow=0.2) as room:  # each release takes 0.2 s to answer
        profile = room.write_profile(tmp_path)
        processes = [start(crawl_command(tmp_path / f"data{n}", profile, redis_url, "--delay", "0"))
                     for n in range(3)]
        for code, _out, err in (finish(process) for process in processes):
            assert code == 0, err
        assert set(room.release_fetches().values()) == {1}
        assert room.most_active == 2  # CONCURRENT_REQUESTS_PER_DOMAIN, whatever the number of processes
        assert not redis.Redis.from_url(redis_url).zcard("pressarchive:polite:127.0.0.1:slots")


@pytest.mark.redis
def test_a_killed_process_loses_nothing(tmp_path: Path, redis_url: str) -> None:
    releases = 30
    with FrontierRoom(releases, slow=0.3) as room:
        profile = room.write_profile(tmp_path)
        data = tmp_path / "data"
        victim = start(crawl_command(data, profile, redis_url, "--delay", "0"))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(stored_urls(data)) < 6:  # mid-crawl: some stored, most not
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.communicate()
        leased = redis.Redis.from_url(redis_url).hlen("pressarchive:shared:inflight")  # the dead one's leases
        fetched_before = set(room.release_fetches())
        assert 0 < len(fetched_before) < releases
        stored_before = stored_urls(data)
        # Its requests in flight are leased to a dead process: they come back once its heartbeat expires.
        code, out, err = finish(start(crawl_command(data, profile, redis_url, "--delay", "0", "--resume")))
        assert code == 0, err
        fetches = room.release_fetches()
        assert len(fetches) == releases  # nothing lost
        twice = {path for path, count in fetches.items() if count > 1}
        assert set(fetches.values()) <= {1, 2}
        # Fetched again: only what the killed process held leased (fetched, perhaps stored, not
        # yet released: a release follows Scrapy's end of the request, not the store's commit).
        assert len(twice) <= leased
        documents, versions, runs = stored(data)
        assert (documents, versions) == (releases, releases)
        assert [status for status, _, _ in runs] == ["resumed", "finished"]  # the killed one, carried on
        print(f"killed after {len(fetched_before)} releases fetched, {len(stored_before)} stored; "
              f"{leased} leased; fetched again: {len(twice)}")


def test_frontier_crawlers_share_the_writer_lock_and_exclude_other_writers(tmp_path: Path) -> None:
    from pressarchive.datadir import DataDir, DataDirBusy, writer_lock

    data = DataDir(tmp_path / "data")
    with writer_lock(data, "crawl --frontier a", shared=True), writer_lock(data, "crawl --frontier b", shared=True):
        with pytest.raises(DataDirBusy):
            with writer_lock(data, "index"):
                pass
    with writer_lock(data, "index"):
        with pytest.raises(DataDirBusy):
            with writer_lock(data, "crawl --frontier c", shared=True):
                pass
    with writer_lock(data, "index"):  # free again once every shared holder is gone
        pass


@pytest.mark.redis
@pytest.mark.postgres
def test_two_data_directories_share_one_crawl_and_one_postgresql_store(
        tmp_path: Path, redis_url: str, postgres_url: str) -> None:
    import sqlalchemy as sa

    releases = 20
    with FrontierRoom(releases) as room:
        profile = room.write_profile(tmp_path)
        processes = [start(crawl_command(tmp_path / f"data{n}", profile, redis_url, "--delay", "0", db=postgres_url))
                     for n in range(2)]
        for code, _out, err in (finish(process) for process in processes):
            assert code == 0, err
        assert set(room.release_fetches().values()) == {1} and len(room.release_fetches()) == releases
        engine = sa.create_engine(postgres_url)
        with engine.connect() as conn:
            documents = conn.execute(sa.text("select count(*) from documents")).scalar_one()
            versions = conn.execute(sa.text("select count(*) from versions")).scalar_one()
            runs = conn.execute(sa.text("select frontier, worker from runs")).all()
        engine.dispose()
        assert (documents, versions) == (releases, releases)
        assert len(runs) == 2 and {frontier for frontier, _ in runs} == {"shared"}


@pytest.mark.redis
def test_a_frontier_lost_mid_crawl_stops_the_process_with_one_error_line(tmp_path: Path) -> None:
    from tests.redisserver import RedisServer

    server = RedisServer().start(parent=tmp_path)  # its own server: this test kills it
    try:
        with FrontierRoom(30, slow=0.3) as room:
            profile = room.write_profile(tmp_path)
            process = start(crawl_command(tmp_path / "data", profile, server.url(0), "--delay", "0"))
            deadline = time.monotonic() + 120
            while sum(room.release_fetches().values()) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            server.kill()
            code, _out, err = finish(process, timeout=120)
        assert code == 1
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "lost the frontier redis://127.0.0.1:" in errors[0], err
        assert "Traceback" not in err
    finally:
        server.stop()


@pytest.mark.redis
def test_one_process_shares_a_crawl_of_two_sources_without_mixing_them(tmp_path: Path, redis_url: str) -> None:
    """Each source's requests stay its own (its spider's callbacks, domains and store rows),
    and the first source to finish does not end the process's part in the other."""
    with FrontierRoom(12) as first, FrontierRoom(12, slow=0.2) as second:
        profiles = [first.write_profile(tmp_path, "first"), second.write_profile(tmp_path, "second")]
        data = tmp_path / "data"
        command = crawl_command(data, profiles[0], redis_url, "--delay", "0")
        command[command.index("--frontier"):command.index("--frontier")] = ["--profile", str(profiles[1])]
        code, _out, err = finish(start(command))
        assert code == 0, err
        assert set(first.release_fetches().values()) == {1} and len(first.release_fetches()) == 12
        assert set(second.release_fetches().values()) == {1} and len(second.release_fetches()) == 12
        with sqlite3.connect(data / "archive.sqlite") as db:
            sources = dict(db.execute("select url, source from documents").fetchall())
        assert len(sources) == 24
        for url, source in sources.items():
            port = int(url.split(":")[2].split("/")[0])
            assert source == ("first" if port == first.port else "second"), (url, source)


@pytest.mark.redis
def test_leases_go_back_to_their_own_sources_queue(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    address = parse_frontier(redis_url, ["a", "b"])
    dead = SharedFrontier(server, address, ["a", "b"], "host:1")
    server.zadd(dead.queue_key("a"), {b"of a\nwith a newline": 3})
    server.zadd(dead.queue_key("b"), {b"of b": 0})
    assert dead.lease("a") is not None and dead.pending() == (1, 1)
    token, data = dead.lease("b") or ("", b"")
    assert data == b"of b" and dead.give_back([token]) == 1  # a spider that closed before its end
    assert server.zrange(dead.queue_key("b"), 0, -1) == [b"of b"]
    assert SharedFrontier(server, address, ["a", "b"], "host:2").requeue_orphans() == 1  # host:1 is gone
    assert server.zrange(dead.queue_key("a"), 0, -1, withscores=True) == [(b"of a\nwith a newline", 3.0)]
    assert dead.pending() == (2, 0)


class _Planted:
    """What someone able to write to Redis could plant in the queue: unpickling it runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))  # type: ignore[return-value]


@pytest.mark.redis
def test_what_redis_holds_is_read_as_untrusted(tmp_path: Path, redis_url: str) -> None:
    """A queue entry that is a pickle is never unpickled; a JSON request keeps none of the meta
    that would turn off robots.txt, the size cap or route through a proxy; the crawl goes on."""
    import pickle

    from pressarchive.crawler.frontier import serializer

    marker = tmp_path / "planted-code-ran"
    with FrontierRoom(5) as room:
        profile = room.write_profile(tmp_path)
        server = redis.Redis.from_url(redis_url)
        frontier = SharedFrontier(server, parse_frontier(redis_url, ["shared"]), ["shared"], "planter:1")
        server.sadd(frontier.dupefilter_key("shared"), "seen")  # an unfinished crawl, for --resume
        server.zadd(frontier.queue_key("shared"), {pickle.dumps(_Planted(marker)): -10, b"not json": -9})
        listing = {**Request(room.url("/news/"), meta={
            "proxy": "http://127.0.0.1:9", "dont_obey_robotstxt": True, "download_maxsize": 0,
            "pressarchive_entry": True, "depth": 1}).to_dict(), "callback": "parse_listing"}
        server.zadd(frontier.queue_key("shared"), {serializer.dumps(listing): -8})
        code, _out, err = finish(start(crawl_command(tmp_path / "data", profile, redis_url, "--delay", "0",
                                                     "--resume")))
        assert code == 0, err
        assert not marker.exists()
        assert len(room.release_fetches()) == 5 and room.requested("/robots.txt") == 1
    decoded = serializer.loads(serializer.dumps(listing))
    assert decoded["meta"] == {"pressarchive_entry": True, "depth": 1}
    for planted in ({**listing, "_class": "scrapy.http.FormRequest"}, {**listing, "callback": "_verify_unlisted"}):
        with pytest.raises(serializer.UnreadableRequest):
            serializer.loads(serializer.dumps(planted))


@pytest.mark.redis
def test_processes_started_together_after_a_finished_crawl_start_the_next(
        redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both heartbeats on before either looks: without one decision at a time, each saw the
    other and joined the finished crawl, whose seen URLs then filtered every start request."""
    import threading

    server = redis.Redis.from_url(redis_url)
    address = parse_frontier(redis_url, ["together"])
    first, second = (SharedFrontier(server, address, ["together"], f"host:{n}") for n in (1, 2))
    server.sadd(first.dupefilter_key("together"), "seen")  # the last crawl, finished
    both_looking = threading.Barrier(2)
    stage = SharedFrontier.stage

    def slow_stage(self: SharedFrontier) -> str:
        try:
            both_looking.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        return stage(self)

    monkeypatch.setattr(SharedFrontier, "stage", slow_stage)
    hows: list[str] = []
    threads = [threading.Thread(target=lambda frontier=frontier: hows.append(join(frontier, resume=False)))
               for frontier in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first.leave()
    second.leave()
    assert sorted(hows) == ["joined", "started"]
    assert not server.exists(first.dupefilter_key("together"))


def test_the_total_of_a_key_is_its_latest_crawls_not_every_crawl_it_named(tmp_path: Path) -> None:
    """A daily shared crawl of the same sources reuses the key: yesterday's runs are not today's."""
    from datetime import UTC, datetime

    from pressarchive.crawler.frontiertotal import frontier_total
    from pressarchive.store import Archive

    archive = Archive(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    try:
        def run(crawl: str, fetched: int | None) -> int:
            """A process's run of crawl ``crawl``; ``fetched`` None: killed or still running, no report."""
            run_id = archive.start_run(["a"], datetime.now(UTC), frontier="a", worker=f"host:{crawl}",
                                       frontier_crawl=crawl)
            if fetched is not None:
                archive.finish_run(run_id, "finished", datetime.now(UTC), {
                    "frontier_crawl": crawl, "summaries": [{"fetched": fetched, "new": fetched}]})
            return run_id

        run("yesterday", 100)
        run("yesterday", 50)
        run("yesterday", None)  # killed yesterday, its run never reported
        # Today: the first process to start was killed (no report), one is still running.
        today = [run("today", None), run("today", 7), run("today", None), run("today", 3)]
        total = frontier_total(archive, "a")
    finally:
        archive.close()
    assert total.totals["fetched"] == 10 and total.totals["new"] == 10
    assert (total.reported, total.unreported) == (2, 2) and total.runs == today


@pytest.mark.redis
def test_two_spiders_of_one_process_take_distinct_slots_of_one_site(redis_url: str) -> None:
    """Two sources on one site in one process: each spider has its own politeness middleware,
    and their slots must not share a token (one slot for two requests in flight)."""
    import asyncio

    from pressarchive.crawler.frontier.politeness import SharedPolitenessMiddleware, site_key

    server = redis.Redis.from_url(redis_url)
    frontier = SharedFrontier(server, parse_frontier(redis_url, ["a", "b"]), ["a", "b"], "host:1")
    frontier.heartbeat()
    first, second = (SharedPolitenessMiddleware(frontier, delay=0, slots=2, timeout=1) for _ in range(2))
    requests = [Request("http://example.org/a/1"), Request("http://example.org/b/1")]
    asyncio.run(first.process_request(requests[0]))
    asyncio.run(second.process_request(requests[1]))
    assert server.zcard(site_key("http://example.org/")) == 0  # no delay: no reservation
    assert server.zcard(site_key("http://example.org/", "slots")) == 2
    first.process_response(requests[0], None)  # type: ignore[arg-type]
    assert server.zcard(site_key("http://example.org/", "slots")) == 1  # the other is still in flight
    frontier.leave()


@pytest.mark.redis
def test_a_heartbeat_under_way_does_not_outlive_leave(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pressarchive.crawler.frontier import shared

    server = redis.Redis.from_url(redis_url)
    frontier = SharedFrontier(server, parse_frontier(redis_url, ["beat"]), ["beat"], "host:1")
    beat = SharedFrontier.heartbeat

    def slow_beat(self: SharedFrontier) -> None:
        time.sleep(0.3)  # a beat sent while the process leaves
        beat(self)

    monkeypatch.setattr(shared, "BEAT_EVERY", 0.01)
    monkeypatch.setattr(SharedFrontier, "heartbeat", slow_beat)
    frontier.keep_alive()
    time.sleep(0.1)
    frontier.leave()
    time.sleep(0.5)
    assert not server.exists(frontier.worker_prefix + frontier.worker)


def open_scheduler(server: redis.Redis, redis_url: str, source: str) -> tuple[Any, SharedFrontier]:
    """A frontier scheduler of one source, opened outside a crawl (its engine has nothing in progress)."""
    from types import SimpleNamespace

    from scrapy import Spider
    from scrapy.settings import Settings
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy_redis.dupefilter import RFPDupeFilter

    from pressarchive.crawler.frontier import serializer
    from pressarchive.crawler.frontier.scheduler import QUEUE_CLASS, FrontierScheduler

    frontier = SharedFrontier(server, parse_frontier(redis_url, [source]), [source], "host:1")
    scheduler = FrontierScheduler(
        server=server, persist=True, queue_key=frontier.queue_key(source), queue_cls=QUEUE_CLASS,
        dupefilter=RFPDupeFilter(server, frontier.dupefilter_key(source)), serializer=serializer)
    scheduler.stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))  # type: ignore[arg-type]
    scheduler.frontier = frontier
    scheduler.crawler = SimpleNamespace(crawling=False, engine=None)  # type: ignore[assignment]
    scheduler.open(Spider(name=source))
    return scheduler, frontier


@pytest.mark.redis
def test_a_process_lingers_only_until_it_has_seen_the_crawl_under_way(redis_url: str) -> None:
    """Started before anyone seeded the crawl, a process waits LINGER seconds for work; once it
    has seen work, an empty queue with no lease anywhere is the end, at once."""
    server = redis.Redis.from_url(redis_url)
    scheduler, _frontier = open_scheduler(server, redis_url, "linger")
    try:
        assert scheduler.has_pending_requests()  # nothing seen yet: it lingers
        assert scheduler.enqueue_request(Request("http://example.org/only"))
        assert scheduler.has_pending_requests()
        request = scheduler.next_request()
        assert request is not None and request.url == "http://example.org/only"
        # No engine holds it in progress here: its lease is released, nothing is left anywhere,
        # and the process ends without lingering.
        assert not scheduler.has_pending_requests()
    finally:
        scheduler._loop.stop()


@pytest.mark.redis
def test_a_request_redis_fails_on_its_way_out_goes_back_to_the_queue(
    redis_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Redis error in the politeness step (taking a slot of the site) must not lose the page:
    it is not sent, and its lease goes back to the shared queue instead of being released."""
    import asyncio

    from scrapy.exceptions import IgnoreRequest

    from pressarchive.crawler.frontier.politeness import SharedPolitenessMiddleware

    server = redis.Redis.from_url(redis_url)
    scheduler, frontier = open_scheduler(server, redis_url, "unsent")
    try:
        assert scheduler.enqueue_request(Request("http://example.org/a"))
        request = scheduler.next_request()
        assert request is not None
        middleware = SharedPolitenessMiddleware(frontier, delay=0.0, slots=2, timeout=10)

        def fails(*args: Any, **kwargs: Any) -> int:
            raise redis.ConnectionError("Redis went away for a moment")

        monkeypatch.setattr(middleware, "_acquire", fails)
        with pytest.raises(IgnoreRequest, match="goes back to the queue"):
            asyncio.run(middleware.process_request(request))
        # No engine holds it now: a finished request would be released, this one goes back.
        assert scheduler.has_pending_requests()
        assert frontier.pending() == (1, 0)
        again = scheduler.next_request()
        assert again is not None and again.url == "http://example.org/a" and again not in frontier.unsent
        assert scheduler.stats.get_value("pressarchive/frontier/given_back") == 1
    finally:
        scheduler._loop.stop()


@pytest.mark.redis
def test_a_request_is_never_left_seen_and_not_queued(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Marking a URL seen and queueing it are one step: a process that dies (or loses Redis)
    between the two must not leave it seen, or no process ever fetches it."""
    server = redis.Redis.from_url(redis_url)
    scheduler, frontier = open_scheduler(server, redis_url, "atomic")
    try:
        offers = []
        enqueue = frontier.enqueue
        monkeypatch.setattr(frontier, "enqueue", lambda *args: offers.append(args[1]) or enqueue(*args))
        assert scheduler.enqueue_request(Request("http://example.org/1", priority=2))
        assert not scheduler.enqueue_request(Request("http://example.org/1"))  # seen
        assert scheduler.enqueue_request(Request("http://example.org/1", dont_filter=True))
        assert server.zcard(frontier.queue_key("atomic")) == 2
        # The repeat was known here: only the first offer and the retry went to Redis.
        assert len(offers) == 2
        server.sadd(frontier.dupefilter_key("atomic"), scheduler.df.request_fingerprint(Request("http://example.org/3")))
        assert not scheduler.enqueue_request(Request("http://example.org/3"))  # seen by another process
        assert len(offers) == 3

        def dies(request: Request) -> bytes:
            raise redis.ConnectionError("the process died here")

        monkeypatch.setattr(scheduler.queue, "_encode_request", dies)
        assert not scheduler.enqueue_request(Request("http://example.org/2"))
        assert server.scard(frontier.dupefilter_key("atomic")) == 2  # /1 and /3: /2 not marked seen
        assert scheduler.df.request_fingerprint(Request("http://example.org/2")) not in scheduler._seen_here
    finally:
        scheduler._loop.stop()
