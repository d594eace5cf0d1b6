"""Benchmark the whole crawl against what its parts could do on two cores, in one run.

A deterministic synthetic press room (``bench/sitegen.py``: N releases of about 40 KB of
realistic agency markup, 600-900 words each in English, Spanish or Italian, listing pages of
20 with pagination, a sitemap and robots.txt) is served from a separate process on 127.0.0.1.
Then, in the same run:

S  plain Scrapy: a minimal spider (sitemap + listings + releases, no middlewares or pipelines
   of ours, robots.txt obeyed) with delay 0 and loopback concurrency, in a subprocess;
E  single-core extraction: ``pressarchive.extract.extract_document`` on a sample of the pages;
I  single-core indexing: ``pressarchive.index.SearchIndex.add`` into a fresh index, one batch
   of N documents built from the extraction results (the best case for the index code);
end-to-end: the real CLI, ``python -m pressarchive --data TMP crawl --profile P --delay 0``, in a
   subprocess, timed from start to exit; pages = documents archived.

It prints each figure, the two-core limit ``L = 2 / (1/S + 1/E + 1/I)``, end-to-end as a fraction
of L (target >= 0.60), the crawl's peak RSS and CPU, and a last line of JSON with all figures.
The server's own capacity (requests per second of server CPU) is measured too, to show it is
never the bottleneck. The ceiling follows: the archive's floor (``archivefloor.py``: WARC
records, capture and document rows, near-duplicate signatures, read-back, each alone on one
core), plain Scrapy again with each body as an item ("items") and sent to the crawl's worker
processes and back ("relay"), and the best end to end ÷ L those allow.
``--polite`` adds S measured with pressarchive's politeness settings
(AutoThrottle, 2 per domain) to show whether politeness caps the crawl on loopback;
``--profile`` adds an instrumented CLI crawl (not timed for the figures) that reports where the
end-to-end time goes per page: reactor idle, fetch-side middlewares, WARC, capture rows,
extraction, document store, spider callbacks, and the wall time of each indexing round (which
runs in a process of its own).
``--frontier`` adds three crawls with the store on PostgreSQL (the servers started as the tests
start them: tests/pgserver.py, tests/redisserver.py): one process alone, one process through a
Redis frontier (``crawl --frontier``), then two processes sharing one crawl through it, each in
pages/s and ÷ L beside the SQLite figure above, and the cost of sharing, ``1 - two-process
rate / one-process rate`` (target at most 15%).

Usage: python bench/crawl.py [--releases N | --quick] [--keep] [--polite] [--profile] [--frontier]
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import sitegen  # noqa: E402  (bench/ helper, importable once bench/ is on the path)
from archivefloor import ceiling, measure_archive_floor, measure_core_sharing  # noqa: E402  (the same)

TARGET = 0.60
FRONTIER_TARGET = 0.15  # --frontier: sharing may cost at most this share of one process's rate
HTML = "text/html; charset=utf-8"
PROFILE_NAME = "benchroom"

# -- the site server, in its own process ------------------------------------------------------

class SiteServer:
    """``bench/sitegen.py`` in a subprocess; closing its stdin stops it."""

    def __init__(self, releases: int, use_gzip: bool = False) -> None:
        cmd = [sys.executable, str(BENCH / "sitegen.py"), "--releases", str(releases)]
        if use_gzip:
            cmd.append("--gzip")
        started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split(maxsplit=2)
        if not line or line[0] != "READY":
            self.stop()
            raise SystemExit("error: the site server did not start")
        self.base_url = line[1]
        self.info = json.loads(line[2])
        self.info["render_seconds"] = round(time.perf_counter() - started, 2)
        self.port = int(self.base_url.rsplit(":", 1)[1])

    def stats(self) -> dict[str, Any]:
        conn = http.client.HTTPConnection(sitegen.HOST, self.port, timeout=10)
        try:
            conn.request("GET", "/__bench/stats")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

def server_capacity(server: SiteServer, paths: list[str], seconds: float = 2.0, clients: int = 4) -> dict[str, Any]:
    """Hammer the server with keep-alive clients; requests per second of wall and of server CPU."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def client(slot: int) -> None:
        conn = http.client.HTTPConnection(sitegen.HOST, server.port, timeout=10)
        i = slot
        while time.perf_counter() < stop:
            conn.request("GET", paths[i % len(paths)])
            conn.getresponse().read()
            done[slot] += 1
            i += clients
        conn.close()

    before = server.stats()
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    after = server.stats()
    requests = sum(done)
    cpu = max(after["cpu"] - before["cpu"], 1e-6)
    return {"requests": requests, "wall_rps": requests / wall, "rps_per_server_cpu_s": requests / cpu,
            "server_cpu_share": cpu / wall}

# -- running a crawl subprocess and measuring it ----------------------------------------------

def machine_busy() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat), to see other load on the machine."""
    with open("/proc/stat") as fh:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fh.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

def run_queue_wait(pid: int) -> dict[int, float]:
    """Seconds each thread of ``pid`` spent runnable but waiting for a CPU (/proc schedstat)."""
    waits = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return waits
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as fh:
                waits[int(tid)] = int(fh.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            continue
    return waits

class TreeRss:
    """Samples a process and its descendants: summed RSS, and time spent waiting for a CPU."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.peak_processes = 0
        self.seen: set[int] = set()  # every descendant sampled, to reap those left behind
        self.waits: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            pids = _descendants(self.pid)
            total = sum(_rss_kb(pid) for pid in pids)
            if total > self.peak_kb:
                self.peak_kb = total
            self.peak_processes = max(self.peak_processes, len(pids))
            self.seen.update(pids)
            for pid in pids:
                self.waits.update(run_queue_wait(pid))

    @property
    def run_queue_wait(self) -> float:
        return sum(self.waits.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

def become_subreaper() -> None:
    """Descendants orphaned by a measured command become this script's children (Linux).

    pressarchive's worker processes are children of multiprocessing's fork server, which
    outlives the crawl process by a moment: without this, it and its workers' CPU would be
    left out of the crawl's ``wait4`` rusage (and counted as other load).
    """
    import ctypes

    pr_set_child_subreaper = 36
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0)


def reap_orphans(pids: set[int], timeout: float = 10.0) -> tuple[float, float]:
    """Wait for the measured command's descendants that outlived it; their (user, system) CPU."""
    user = system = 0.0
    deadline = time.monotonic() + timeout
    pending = set(pids)
    while pending and time.monotonic() < deadline:
        for pid in list(pending):
            try:
                done, _status, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:  # not ours: reaped by its own parent, or never orphaned
                pending.discard(pid)
                continue
            if done:
                user, system = user + usage.ru_utime, system + usage.ru_stime
                pending.discard(pid)
        if pending:
            time.sleep(0.01)
    return user, system


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found

def _rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident size (``VmHWM``: its peak) in KB from /proc; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def run_measured(cmd: list[str], log: Path, env: dict[str, str] | None = None,
                 server: SiteServer | None = None) -> dict[str, Any]:
    """Run ``cmd``; wall time from start to exit, its own rusage (wait4), sampled tree RSS.

    Also how busy the machine was meanwhile with anything but this command, the server and
    this script (``other_load_cores``), and how long the command's threads waited for a CPU.
    """
    server_cpu = server.stats()["cpu"] if server is not None else 0.0
    busy, own = machine_busy(), time.process_time()
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        sampler = TreeRss(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        orphan_user, orphan_sys = reap_orphans(sampler.seen - {proc.pid})
    cpu_user, cpu_sys = usage.ru_utime + orphan_user, usage.ru_stime + orphan_sys
    busy = machine_busy() - busy
    server_cpu = server.stats()["cpu"] - server_cpu if server is not None else 0.0
    ours = cpu_user + cpu_sys + server_cpu + time.process_time() - own
    return {
        "returncode": proc.returncode, "wall": wall, "server_cpu_share": server_cpu / wall,
        "other_load_cores": max(0.0, busy - ours) / wall, "run_queue_wait_s": sampler.run_queue_wait,
        "cpu_user": cpu_user, "cpu_sys": cpu_sys,
        "maxrss_mb": usage.ru_maxrss / 1024, "tree_peak_rss_mb": sampler.peak_kb / 1024,
        "processes": sampler.peak_processes,
    }

def cli_env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("PRESSARCHIVE_DATA", None)
    return env

# -- S: plain Scrapy (subprocess mode) --------------------------------------------------------

def plain_scrapy_main(base_url: str, out: str, mode: str, log_file: str) -> None:
    """A minimal spider over the same site: sitemap, listings, releases; nothing done with them."""
    import re

    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.utils.sitemap import Sitemap
    from twisted.internet import task

    from pressarchive.crawler.settings import DEFAULT_USER_AGENT

    article_re = re.compile(sitegen.ARTICLE)
    delays: list[float] = []

    class PlainSpider(Spider):
        name = "plain"
        allowed_domains = [sitegen.HOST]
        articles = LinkExtractor(allow=[sitegen.ARTICLE])
        listings = LinkExtractor(allow=[sitegen.FOLLOW])

        async def start(self):  # type: ignore[no-untyped-def]
            yield Request(f"{base_url}/sitemap.xml", self.parse_sitemap)
            yield Request(f"{base_url}/press/", self.parse_listing)

        def parse_sitemap(self, response):  # type: ignore[no-untyped-def]
            for entry in Sitemap(response.body):
                loc = entry.get("loc", "")
                if article_re.search(loc):
                    yield Request(loc, self.parse_article)

        def parse_listing(self, response):  # type: ignore[no-untyped-def]
            for link in self.articles.extract_links(response):
                yield Request(link.url, self.parse_article)
            for link in self.listings.extract_links(response):
                yield Request(link.url, self.parse_listing)

        def parse_article(self, response):  # type: ignore[no-untyped-def]
            self.crawler.stats.inc_value("bench/articles")
            return {"body": response.body} if mode in ("items", "relay") else None

    class ItemPipeline:
        """Each body as an item through an async pipeline that does nothing with it: Scrapy's
        item plumbing alone ("items"), or with the body sent to the crawl's own worker
        processes and back ("relay"): the process hop."""

        def open_spider(self, spider=None):  # type: ignore[no-untyped-def]
            from pressarchive.extract.workers import ExtractionWorkers

            self.workers = ExtractionWorkers(os.cpu_count() or 1) if mode == "relay" else None

        def close_spider(self, spider=None):  # type: ignore[no-untyped-def]
            if self.workers is not None:
                self.workers.close()

        async def process_item(self, item, spider=None):  # type: ignore[no-untyped-def]
            if self.workers is not None:
                await self.workers.run(len, item["body"])
            return item

    settings: dict[str, Any] = {
        "USER_AGENT": DEFAULT_USER_AGENT, "ROBOTSTXT_OBEY": True, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "DEPTH_LIMIT": 50, "DOWNLOAD_DELAY": 0,
        "LOG_LEVEL": "INFO", "LOG_FILE": log_file, "RETRY_TIMES": 2, "DOWNLOAD_TIMEOUT": 30,
    }
    if mode in ("fast", "items", "relay"):
        settings |= {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
                     "CONCURRENT_REQUESTS_PER_DOMAIN": 16}
        if mode != "fast":
            settings["ITEM_PIPELINES"] = {ItemPipeline: 100}
    else:  # pressarchive's politeness with --delay 0
        settings |= {"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0.05,
                     "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PlainSpider)
    process.crawl(crawler)

    def sample_delay() -> None:
        engine = crawler.engine
        if engine is not None:
            delays.extend(slot.delay for slot in engine.downloader.slots.values())

    from twisted.internet import reactor

    ticker = task.LoopingCall(sample_delay)
    reactor.callWhenRunning(ticker.start, 0.5)  # type: ignore[attr-defined]
    process.start()
    stats = crawler.stats.get_stats()
    result = {
        "articles": stats.get("bench/articles", 0),
        "responses": stats.get("downloader/response_count", 0),
        "crawl_seconds": stats.get("elapsed_time_seconds", 0.0),
        "mean_slot_delay_ms": 1000 * sum(delays) / len(delays) if delays else None,
        "finish_reason": stats.get("finish_reason"),
    }
    Path(out).write_text(json.dumps(result))

def run_plain_scrapy(server: SiteServer, tmp: Path, mode: str) -> dict[str, Any]:
    base_url = server.base_url
    out, log = tmp / f"plain-{mode}.json", tmp / f"plain-{mode}.log"
    measured = run_measured(
        [sys.executable, str(Path(__file__).resolve()), "_plain-scrapy", base_url, str(out), mode, str(log)],
        tmp / f"plain-{mode}.out", cli_env(), server,
    )
    if measured["returncode"] != 0 or not out.exists():
        raise SystemExit(f"error: plain Scrapy ({mode}) failed; see {tmp / f'plain-{mode}.out'}")
    result = json.loads(out.read_text()) | measured
    result["pages_per_s"] = result["articles"] / result["wall"]
    return result

# -- E and I: extraction and indexing in this process -----------------------------------------

def sample_numbers(total: int, sample: int) -> list[int]:
    sample = min(sample, total)
    return sorted({(k * total) // sample for k in range(sample)})

def measure_extraction(total: int, base_url: str, sample: int) -> tuple[dict[str, Any], list[Any], dict[str, bytes]]:
    from pressarchive.extract import extract_document

    numbers = sample_numbers(total, sample)
    pages = []
    for number in numbers:
        rel = sitegen.release(number, total)
        pages.append((rel, base_url + rel.path, sitegen.render_release(rel, total, base_url)))
    for _rel, url, body in pages[:5]:  # imports, models and caches load on first use
        extract_document(body, url, HTML, default_language="es")
    docs = []
    right = {"title": 0, "date": 0, "language": 0, "operations": 0, "text": 0}
    started, cpu = time.perf_counter(), time.process_time()
    for _rel, url, body in pages:
        docs.append(extract_document(body, url, HTML, default_language="es"))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    for (rel, _url, _body), doc in zip(pages, docs, strict=True):
        if doc is None:
            continue
        right["title"] += doc.title == rel.title
        right["date"] += doc.published == rel.published
        right["language"] += doc.language == rel.lang
        right["operations"] += tuple(doc.operations) == ((rel.operation,) if rel.operation else ())
        right["text"] += abs(len(doc.text.split()) - rel.words) <= 5
    kept = [doc for doc in docs if doc is not None]
    return {
        "pages": len(pages), "seconds": wall, "cpu_seconds": cpu, "pages_per_s": len(pages) / wall,
        "entities_cpu_seconds": measure_entities(kept),
        "mean_kb": sum(len(b) for _, _, b in pages) / len(pages) / 1024,
        "no_text": len(docs) - len(kept), "correct": right,
    }, kept, {url: body for _rel, url, body in pages}

def measure_entities(docs: list[Any]) -> float:
    """CPU seconds that reading countries, agencies and figures took for ``docs`` (part of E).

    ``extract_document`` runs this step on every page; running it again on the extracted
    documents isolates its share of a crawl's CPU.
    """
    from pressarchive.extract.entities import annotate

    cpu = time.process_time()
    for doc in docs:
        annotate(doc)
    return time.process_time() - cpu


def measure_indexing(docs: list[Any], batch: int, tmp: Path) -> dict[str, Any]:
    """One ``SearchIndex.add`` of ``batch`` documents: the index code at its best, in one batch."""
    from pressarchive.index.whooshindex.searchindex import SearchIndex

    prepared = []
    for k in range(batch):
        doc = docs[k % len(docs)]
        prepared.append(doc.replace(
            id=k + 1, version=1, url=f"{doc.url}?copy={k // len(docs)}" if k >= len(docs) else doc.url,
            source=PROFILE_NAME, agency="Example National Police", country="ES",
        ))
    index = SearchIndex(tmp / "index-bench")
    try:
        started, cpu = time.perf_counter(), time.process_time()
        added = index.add(prepared)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        count = index.count()
    finally:
        index.close()
    return {"documents": added, "indexed": count, "seconds": wall, "cpu_seconds": cpu,
            "docs_per_s": added / wall}

# -- end to end: the real CLI -----------------------------------------------------------------

def write_profile(tmp: Path, base_url: str) -> Path:
    path = tmp / f"{PROFILE_NAME}.toml"
    path.write_text(sitegen.profile_toml(base_url, PROFILE_NAME), "utf-8")
    return path

def archive_status(data: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "pressarchive", "--data", str(data), "status", "--json"],
        capture_output=True, text=True, cwd=REPO, env=cli_env(), check=True,
    )
    return json.loads(result.stdout)

def crawl_report(data: Path) -> dict[str, Any]:
    reports = sorted((data / "reports").glob("crawl-*.json"))
    if not reports:
        return {}
    return json.loads(reports[-1].read_text())["summaries"][0]

def run_end_to_end(server: SiteServer, tmp: Path, profile: Path, name: str = "e2e", extra: list[str] | None = None,
                   wrapper: list[str] | None = None) -> dict[str, Any]:
    data = tmp / name
    cmd = [*(wrapper or [sys.executable, "-m", "pressarchive"]),
           "--data", str(data), "crawl", "--profile", str(profile), "--delay", "0", *(extra or [])]
    measured = run_measured(cmd, tmp / f"{name}.out", cli_env(), server)
    if measured["returncode"] != 0:
        tail = (tmp / f"{name}.out").read_text(errors="replace")[-2000:]
        raise SystemExit(f"error: the crawl exited {measured['returncode']}:\n{tail}")
    status = archive_status(data)
    report = crawl_report(data)
    result = measured | {
        "documents": status["documents"], "indexed": status["indexed"],
        "fetched": report.get("fetched"), "crawl_seconds": report.get("seconds"),
        "errors": report.get("errors"), "skipped": report.get("skipped"),
    }
    result["pages_per_s"] = result["documents"] / result["wall"]
    result["cpu_cores_used"] = (result["cpu_user"] + result["cpu_sys"]) / result["wall"]
    return result

# -- the instrumented CLI (subprocess mode for --profile) -------------------------------------

class StageTimer:
    """Wall (and, for plain calls, CPU) time of named stages on the reactor thread.

    Coroutines (the pipeline's ``process_item`` and ``_extract``) are timed from start to
    finish, which includes waiting for a worker process: those rows are latencies, not work
    done on the reactor thread, and are marked so.
    """

    def __init__(self) -> None:
        self.stages: dict[str, list[float]] = {}
        self.latency: set[str] = set()

    def add(self, name: str, wall: float, cpu: float) -> None:
        entry = self.stages.setdefault(name, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += wall
        entry[2] += cpu

    def wrap(self, owner: Any, attr: str, name: str) -> None:
        import inspect

        original = getattr(owner, attr)
        add = self.add
        if inspect.iscoroutinefunction(original):
            self.latency.add(name)

            @functools.wraps(original)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                wall = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    add(name, time.perf_counter() - wall, 0.0)

            setattr(owner, attr, timed_async)
        elif inspect.isgeneratorfunction(original):

            @functools.wraps(original)
            def timed_generator(*args: Any, **kwargs: Any) -> Any:
                iterator = original(*args, **kwargs)
                wall = cpu = 0.0
                try:
                    while True:
                        w, c = time.perf_counter(), time.thread_time()
                        try:
                            value = next(iterator)
                        except StopIteration:
                            return
                        finally:
                            wall += time.perf_counter() - w
                            cpu += time.thread_time() - c
                        yield value
                finally:
                    add(name, wall, cpu)

            setattr(owner, attr, timed_generator)
        else:

            @functools.wraps(original)
            def timed(*args: Any, **kwargs: Any) -> Any:
                wall, cpu = time.perf_counter(), time.thread_time()
                try:
                    return original(*args, **kwargs)
                finally:
                    add(name, time.perf_counter() - wall, time.thread_time() - cpu)

            setattr(owner, attr, timed)

class QueueSampler:
    """Every 0.25 s on the reactor: what the engine is waiting on (downloads, items, workers)."""

    FIELDS = ("scheduled", "downloading", "slot_delay_ms", "responses_in_scraper", "items_in_pipeline",
              "extractions_pending")

    def __init__(self) -> None:
        self.spiders: list[Any] = []
        self.samples: list[tuple[float, ...]] = []

    def sample(self) -> None:
        from pressarchive.crawler.context import crawl_context

        for spider in self.spiders:
            crawler = getattr(spider, "crawler", None)
            engine = getattr(crawler, "engine", None)
            if engine is None or engine.scraper.slot is None:
                continue
            scheduler = getattr(engine, "_slot", None)
            scheduled = len(scheduler.scheduler) if scheduler is not None and scheduler.scheduler is not None else 0
            downloader = engine.downloader
            delay = max((slot.delay for slot in downloader.slots.values()), default=0.0)
            scraper = engine.scraper.slot
            workers = crawl_context(crawler).workers
            pending = workers.pending if workers is not None else 0
            self.samples.append((scheduled, len(downloader.active), 1000 * delay, len(scraper.active),
                                 scraper.itemproc_size, pending))

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {}
        count = len(self.samples)
        columns = list(zip(*self.samples, strict=True))
        out: dict[str, Any] = {"samples": count}
        for name, column in zip(self.FIELDS, columns, strict=True):
            out[name] = {"mean": sum(column) / count, "max": max(column)}
        out["share_worker_busy"] = sum(1 for v in columns[5] if v > 0) / count
        out["share_downloads_idle_with_work_queued"] = sum(
            1 for q, d in zip(columns[0], columns[1], strict=True) if q > 0 and d == 0) / count
        return out

def instrumented_cli_main(out: str, cli_args: list[str]) -> None:
    """Run the CLI with stage timers around the crawl's parts; write them to ``out`` as JSON."""
    import atexit
    import cProfile
    import selectors

    timer = StageTimer()
    sampler = QueueSampler()
    main_thread = threading.main_thread()
    original_select = selectors.EpollSelector.select

    def select(self: Any, timeout: float | None = None) -> Any:
        if threading.current_thread() is not main_thread:
            return original_select(self, timeout)
        wall = time.perf_counter()  # no thread_time here: a syscall, and select runs thousands of times
        try:
            return original_select(self, timeout)
        finally:
            timer.add("reactor idle (select)", time.perf_counter() - wall, 0.0)

    selectors.EpollSelector.select = select  # type: ignore[method-assign]

    from scrapy.extensions.throttle import AutoThrottle

    from pressarchive.cli import crawl_commands
    from pressarchive.cli.app import main
    from pressarchive.crawler import pipelines, runner, spider, textonly
    from pressarchive.crawler.capture import WarcCaptureMiddleware
    from pressarchive.crawler.settings import SETTINGS
    from pressarchive.store import Archive
    from pressarchive.warc import RotatingWarcWriter

    workers = int(SETTINGS["PRESSARCHIVE_EXTRACT_WORKERS"].default)
    for k, arg in enumerate(cli_args):
        if arg == "--set" and cli_args[k + 1].upper().startswith("PRESSARCHIVE_EXTRACT_WORKERS="):
            workers = int(cli_args[k + 1].split("=", 1)[1])

    throttle: list[tuple[float, float]] = []
    original_adjust = AutoThrottle._adjust_delay

    def adjust(self: Any, slot: Any, latency: float, response: Any) -> None:
        original_adjust(self, slot, latency, response)
        throttle.append((latency, slot.delay))

    AutoThrottle._adjust_delay = adjust  # type: ignore[method-assign]

    original_init = spider.PressRoomSpider.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        sampler.spiders.append(self)

    spider.PressRoomSpider.__init__ = init  # type: ignore[method-assign]

    def start_sampler() -> None:
        from twisted.internet import reactor, task

        reactor.callWhenRunning(task.LoopingCall(sampler.sample).start, 0.25)  # type: ignore[attr-defined]

    from scrapy import crawler as scrapy_crawler

    original_start = scrapy_crawler.CrawlerProcess.start

    def process_start(self: Any, *args: Any, **kwargs: Any) -> Any:
        start_sampler()
        return original_start(self, *args, **kwargs)

    scrapy_crawler.CrawlerProcess.start = process_start  # type: ignore[method-assign]

    timer.wrap(crawl_commands, "run_crawl", "crawl (run_crawl, total)")
    memory: dict[str, float] = {}
    timed_run_crawl = crawl_commands.run_crawl

    def run_crawl(*args: Any, **kwargs: Any) -> Any:
        try:
            return timed_run_crawl(*args, **kwargs)
        finally:
            memory["after_crawl"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    crawl_commands.run_crawl = run_crawl
    timer.wrap(textonly.TextOnlyMiddleware, "process_response", "text-only gate")
    timer.wrap(WarcCaptureMiddleware, "process_response", "capture middleware (total)")
    timer.wrap(RotatingWarcWriter, "write", "  WARC write (gzip + sha256)")
    timer.wrap(Archive, "record_capture", "  capture row (SQLite)")
    timer.wrap(spider.PressRoomSpider, "parse_sitemap", "spider parse_sitemap")
    timer.wrap(spider.PressRoomSpider, "parse_listing", "spider parse_listing")
    timer.wrap(spider.PressRoomSpider, "parse_article", "spider parse_article")
    timer.wrap(pipelines.ExtractStorePipeline, "process_item", "item pipeline, start to end (latency)")
    if hasattr(pipelines.ExtractStorePipeline, "_extract"):
        timer.wrap(pipelines.ExtractStorePipeline, "_extract", "  extraction, submit to result (latency)")
    if workers == 0:  # inline: the reactor thread does it (a worker pool could not pickle the wrapper)
        timer.wrap(pipelines, "extract_document", "  extraction on the reactor thread")
    timer.wrap(Archive, "save_document", "  store document (SQLite)")
    if hasattr(Archive, "mark_listed"):
        timer.wrap(Archive, "mark_listed", "  mark listed (SQLite)")
    # Indexing runs in a process of its own (BackgroundIndexer runs index_pending_in there), so
    # timers on the store and the index in this process would never fire: time each round as
    # this process sees it instead, on the thread that waits for the indexing process.
    index_round = "indexing round, in another process (latency)"
    timer.wrap(runner.BackgroundIndexer, "round", index_round)
    timer.latency.add(index_round)

    worker_cpu = _instrument_worker_processes()
    profiler = cProfile.Profile() if os.environ.get("BENCH_CPROFILE") else None
    started = time.perf_counter()

    def dump() -> None:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(out + ".pstats")
        latencies = [lat for lat, _ in throttle]
        delays = sorted(d for _, d in throttle)
        # The workers are the fork server's children, not this process's: their CPU and peak
        # RSS come from /proc, read as each was stopped.
        Path(out).write_text(json.dumps({
            "wall": time.perf_counter() - started,
            "process_cpu": time.process_time(),
            "main_thread_cpu": time.thread_time(),
            "workers": workers,
            "workers_cpu": sum(worker["cpu"] for worker in worker_cpu.values()),
            "worker_processes": worker_cpu,
            "maxrss_mb": memory | {"end": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                   "workers": max((worker.get("peak_rss_mb", 0.0) for worker in worker_cpu.values()),
                                                  default=0.0)},
            "stages": timer.stages,
            "latency_stages": sorted(timer.latency),
            "queues": sampler.summary(),
            "autothrottle": {
                "adjustments": len(throttle),
                "mean_latency_ms": 1000 * sum(latencies) / len(latencies) if latencies else None,
                "mean_delay_ms": 1000 * sum(delays) / len(delays) if delays else None,
                "median_delay_ms": 1000 * delays[len(delays) // 2] if delays else None,
            },
        }))

    atexit.register(dump)
    if profiler is not None:
        profiler.enable()
    try:
        main(cli_args)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise

def _instrument_worker_processes() -> dict[int, dict[str, Any]]:
    """Each worker process's role and CPU, read from /proc just before it is stopped; every call
    sent to a worker goes through ``benchworker.timed_call``, which times it inside the worker."""
    import benchworker

    from pressarchive import processes

    seen: dict[int, dict[str, Any]] = {}
    original_init, original_call = processes.WorkerProcess.__init__, processes.WorkerProcess.call
    original_stop = processes.WorkerProcess.stop

    def init(self: Any, initializer: Any = None, *args: Any, **kwargs: Any) -> None:
        original_init(self, initializer, *args, **kwargs)
        role = "indexing" if initializer is None else "extraction"
        seen[self.process.pid] = {"role": role, "cpu": 0.0}

    def call(self: Any, function: Any, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        name = getattr(function, "__name__", None) or getattr(getattr(function, "func", None), "__name__", "call")
        return original_call(self, benchworker.timed_call, name, function, *args, timeout=timeout, **kwargs)

    def stop(self: Any, grace: float = 1.0) -> None:
        pid = self.process.pid
        if self.process.exitcode is None and pid in seen:
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                seen[pid]["cpu"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                seen[pid]["peak_rss_mb"] = _rss_kb(pid, "VmHWM") / 1024
            except (OSError, IndexError, ValueError):
                pass
        original_stop(self, grace)

    processes.WorkerProcess.__init__ = init  # type: ignore[method-assign]
    processes.WorkerProcess.call = call  # type: ignore[method-assign]
    processes.WorkerProcess.stop = stop  # type: ignore[method-assign]
    return seen

def run_profiled(server: SiteServer, tmp: Path, profile: Path, use_cprofile: bool, extra: list[str]) -> dict[str, Any]:
    out = tmp / "profile.json"
    wrapper = [sys.executable, str(Path(__file__).resolve()), "_instrumented-cli", str(out), "--"]
    env_before = os.environ.get("BENCH_CPROFILE")
    if use_cprofile:
        os.environ["BENCH_CPROFILE"] = "1"
    worker_dir = tmp / "worker-cpu"
    worker_dir.mkdir(exist_ok=True)
    os.environ["BENCH_WORKER_DIR"] = str(worker_dir)
    try:
        result = run_end_to_end(server, tmp, profile, "e2e-profiled", extra, wrapper)
    finally:
        os.environ.pop("BENCH_WORKER_DIR", None)
        if env_before is None:
            os.environ.pop("BENCH_CPROFILE", None)
    result["timers"] = json.loads(out.read_text())
    result["timers"]["worker_calls"] = {
        int(path.stem): json.loads(path.read_text()) for path in worker_dir.glob("*.json")}
    if use_cprofile:
        result["pstats"] = str(out) + ".pstats"
    return result

#: Stages timed on the reactor thread that do not overlap (the others are parts of these).
TOP_LEVEL_STAGES = ("text-only gate", "capture middleware (total)", "spider parse_sitemap", "spider parse_listing",
                    "spider parse_article", "  extraction on the reactor thread", "  store document (SQLite)",
                    "  mark listed (SQLite)")


def cpu_table(result: dict[str, Any], parts_ms: dict[str, float] | None) -> tuple[str, dict[str, float]]:
    """Where the instrumented crawl's CPU went, per page, by process and stage: a Markdown table.

    Reactor-thread stages are timed with ``thread_time`` around each call; the worker
    processes' calls inside the workers (``benchworker.timed_call``); each worker's total from
    /proc just before it was stopped, so its "rest" is start-up, warm-up and the pipe.
    """
    timers = result["timers"]
    pages = max(result["documents"], 1)
    stages = timers["stages"]
    latency = set(timers["latency_stages"])
    rows: list[tuple[str, str, float]] = []
    reactor = "crawl process, reactor thread"
    accounted = 0.0
    for name, (_calls, _wall, cpu) in stages.items():
        if name in latency or name.startswith("crawl") or name.startswith("reactor idle"):
            continue
        rows.append((reactor, name.strip() + (" (part of the above)" if name.startswith("  ") and
                                              name not in TOP_LEVEL_STAGES else ""), cpu))
        if name in TOP_LEVEL_STAGES:
            accounted += cpu
    rows.append((reactor, "rest: Scrapy, Twisted, HTTP, our other middlewares, start-up, exit",
                 timers["main_thread_cpu"] - accounted))
    rows.append(("crawl process, other threads", "worker starts, indexing-round waits, CDXJ",
                 timers["process_cpu"] - timers["main_thread_cpu"]))
    calls = timers.get("worker_calls", {})
    by_role: dict[str, dict[str, float]] = {}
    for pid, info in timers.get("worker_processes", {}).items():
        role = by_role.setdefault(info["role"], {"": 0.0})
        total = info["cpu"]
        done = calls.get(int(pid), {})
        for function, (_count, cpu) in done.get("calls", {}).items():
            role[function] = role.get(function, 0.0) + cpu
            total -= cpu
        role[""] += max(total, 0.0)
    for role, functions in sorted(by_role.items()):
        where = f"{role} processes"
        for function, cpu in sorted(functions.items(), key=lambda kv: -kv[1]):
            if function:
                rows.append((where, f"in {function}", cpu))
        rows.append((where, "rest: start-up, warm-up, pipe", functions[""]))
    total = sum(cpu for _where, name, cpu in rows if "(part of the above)" not in name)
    lines = [f"CPU per page of the instrumented crawl ({result['documents']} documents, "
             f"{timers['workers']} extraction workers):", "",
             "| process | stage | CPU ms/page |", "|---|---|---:|"]
    lines += [f"| {where} | {name} | {1000 * cpu / pages:.2f} |" for where, name, cpu in rows]
    lines.append(f"| **all** | **total** | **{1000 * total / pages:.2f}** |")
    summary = {f"{where}: {name}": round(1000 * cpu / pages, 3) for where, name, cpu in rows}
    summary["total"] = round(1000 * total / pages, 3)
    if parts_ms:
        parts = parts_ms["S"] + parts_ms["E"] + parts_ms["I"]
        lines.append(f"| parts alone | S {parts_ms['S']:.2f} + E {parts_ms['E']:.2f} + I {parts_ms['I']:.2f} "
                     f"| {parts:.2f} |")
        lines.append(f"| | beyond the parts | {1000 * total / pages - parts:+.2f} |")
        summary["beyond_parts"] = round(1000 * total / pages - parts, 3)
    return "\n".join(lines), summary


def print_profile(result: dict[str, Any]) -> dict[str, Any]:
    timers = result["timers"]
    pages = max(result["documents"], 1)
    stages = timers["stages"]
    latency = set(timers["latency_stages"])
    crawl_wall = stages.get("crawl (run_crawl, total)", [0, 0.0, 0.0])[1]
    idle = stages.get("reactor idle (select)", [0, 0.0, 0.0])[1]
    print(f"\nwhere the instrumented crawl's time goes ({result['documents']} documents, {result['wall']:.1f} s wall, "
          f"{result['pages_per_s']:.1f} pages/s under instrumentation, extraction workers: {timers['workers']})")
    print(f"  {'stage (reactor thread unless marked latency)':50} {'calls':>6} {'wall s':>7} {'ms/page':>8} "
          f"{'cpu ms/page':>11} {'% of crawl':>10}")
    summary: dict[str, Any] = {}
    for name, (calls, wall, cpu) in stages.items():
        share = "" if name in latency or name.startswith("crawl") else f"{100 * wall / crawl_wall:9.1f}%"
        cpu_text = "" if name in latency else f"{1000 * cpu / pages:11.2f}"
        print(f"  {name:50} {int(calls):6d} {wall:7.2f} {1000 * wall / pages:8.2f} {cpu_text:>11} {share:>10}")
        summary[name.strip()] = {"calls": int(calls), "wall_s": round(wall, 3),
                                 "ms_per_page": round(1000 * wall / pages, 3)}
    accounted = idle + sum(stages.get(k, [0, 0.0, 0.0])[1] for k in TOP_LEVEL_STAGES)
    rest = crawl_wall - accounted
    print(f"  {'rest of the reactor thread (Scrapy, Twisted, HTTP)':50} {'':6} {rest:7.2f} {1000 * rest / pages:8.2f} "
          f"{'':>11} {100 * rest / crawl_wall if crawl_wall else 0:9.1f}%")
    outside = result["wall"] - crawl_wall
    print(f"  {'outside the crawl: startup, last index round, exit':50} {'':6} {outside:7.2f}")
    busy = 100 * (crawl_wall - idle) / crawl_wall if crawl_wall else 0
    print(f"  reactor thread busy {busy:.0f}% of the crawl; CPU: main "
          f"thread {timers['main_thread_cpu']:.1f} s, other threads of the crawl process "
          f"{timers['process_cpu'] - timers['main_thread_cpu']:.1f} s, extraction and indexing processes "
          f"{timers['workers_cpu']:.1f} s "
          f"({1000 * timers['workers_cpu'] / pages:.1f} ms/page)")
    memory = timers.get("maxrss_mb", {})
    if memory:
        print(f"  peak RSS of the crawl process: {memory.get('after_crawl', 0):.0f} MB by the end of the crawl, "
              f"{memory['end']:.0f} MB at exit; largest of the extraction and indexing processes "
              f"{memory['workers']:.0f} MB")
    at = timers["autothrottle"]
    if at["adjustments"]:
        print(f"  AutoThrottle: mean download latency {at['mean_latency_ms']:.1f} ms; slot delay mean "
              f"{at['mean_delay_ms']:.1f} ms, median {at['median_delay_ms']:.1f} ms "
              f"(one request per delay: at most ~{1000 / max(at['median_delay_ms'], 1e-3):.0f} requests/s)")
    queues = timers.get("queues") or {}
    if queues:
        print("  engine every 0.25 s (mean / max): " + ", ".join(
            f"{name} {queues[name]['mean']:.1f}/{queues[name]['max']:.0f}" for name in QueueSampler.FIELDS)
            + f"; worker busy in {100 * queues['share_worker_busy']:.0f}% of samples, downloader idle with "
            f"requests queued in {100 * queues['share_downloads_idle_with_work_queued']:.0f}%")
    summary |= {"rest of reactor": {"wall_s": round(rest, 3), "ms_per_page": round(1000 * rest / pages, 3)},
                "outside crawl": {"wall_s": round(outside, 3)},
                "reactor_busy_share": (crawl_wall - idle) / crawl_wall if crawl_wall else None,
                "main_thread_cpu": timers["main_thread_cpu"],
                "other_threads_cpu": timers["process_cpu"] - timers["main_thread_cpu"],
                "workers_cpu": timers["workers_cpu"], "workers": timers["workers"], "maxrss_mb": memory,
                "autothrottle": at, "queues": queues}
    if result.get("pstats"):
        import pstats

        print(f"\ncProfile of the same run, reactor thread (tottime, top 30; file {result['pstats']}):")
        pstats.Stats(result["pstats"]).sort_stats("tottime").print_stats(30)
    return summary

# -- --frontier: one crawl shared by two processes, the store on PostgreSQL --------------------

class StoreServers:
    """PostgreSQL and Redis for the ``--frontier`` crawls, started as the tests start them
    (tests/pgserver.py, tests/redisserver.py: Debian's binaries, a temporary folder, a free
    loopback port), and stopped with this script."""

    def __init__(self, tmp: Path) -> None:
        sys.path.insert(0, str(REPO))
        from tests.pgserver import PostgresServer
        from tests.redisserver import RedisServer

        self.postgres = PostgresServer().start()
        try:
            self.redis = RedisServer().start(parent=tmp)
        except BaseException:
            self.postgres.stop()
            raise

    def versions(self) -> dict[str, str]:
        import sqlalchemy as sa

        engine = sa.create_engine(self.postgres.url)
        with engine.connect() as conn:
            postgres = conn.execute(sa.text("SHOW server_version")).scalar_one()
        engine.dispose()
        redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
        return {"postgresql": str(postgres).split()[0],
                "redis": next((w.split("=", 1)[1] for w in redis.split() if w.startswith("v=")), "?")}

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by PostgreSQL (the postmaster, its live backends and those it
        reaped) and by Redis, from /proc."""
        assert self.postgres.process is not None and self.redis.process is not None
        postmaster = self.postgres.process.pid
        postgres = _cpu_of(postmaster, children_reaped=True) + sum(
            _cpu_of(pid) for pid in _descendants(postmaster) if pid != postmaster)
        return {"postgresql": postgres, "redis": _cpu_of(self.redis.process.pid)}

    def stop(self) -> None:
        self.redis.stop()
        self.postgres.stop()

def _cpu_of(pid: int, children_reaped: bool = False) -> float:
    """utime + stime of ``pid`` (and of its reaped children), in seconds; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(b")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children_reaped else 0)
    return ticks / os.sysconf("SC_CLK_TCK")

def run_measured_together(cmds: list[list[str]], logs: list[Path], env: dict[str, str],
                          server: SiteServer, servers: StoreServers) -> dict[str, Any]:
    """``run_measured`` for processes started at once: wall until the last exits, rusage summed,
    and the CPU PostgreSQL and Redis spent meanwhile (the store's and the frontier's share)."""
    server_cpu, servers_cpu = server.stats()["cpu"], servers.cpu_seconds()
    busy, own = machine_busy(), time.process_time()
    outs = [open(log, "wb") for log in logs]  # noqa: SIM115 - closed below, after every process
    try:
        started = time.perf_counter()
        procs = [subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, env=env)
                 for cmd, out in zip(cmds, outs, strict=True)]
        samplers = [TreeRss(proc.pid) for proc in procs]
        codes, user, system, exits = [], 0.0, 0.0, []
        for proc in procs:
            _, status, usage = os.wait4(proc.pid, 0)
            exits.append(time.perf_counter() - started)
            proc.returncode = os.waitstatus_to_exitcode(status)
            codes.append(proc.returncode)
            user, system = user + usage.ru_utime, system + usage.ru_stime
        wall = time.perf_counter() - started
        for sampler in samplers:
            sampler.stop()
        orphans = set().union(*(sampler.seen for sampler in samplers)) - {proc.pid for proc in procs}
        orphan_user, orphan_sys = reap_orphans(orphans)
        user, system = user + orphan_user, system + orphan_sys
    finally:
        for out in outs:
            out.close()
    busy = machine_busy() - busy
    server_cpu = server.stats()["cpu"] - server_cpu
    servers_cpu = {name: value - servers_cpu[name] for name, value in servers.cpu_seconds().items()}
    ours = user + system + server_cpu + sum(servers_cpu.values()) + time.process_time() - own
    return {
        "returncodes": codes, "wall": wall, "exits_s": exits, "server_cpu_share": server_cpu / wall,
        "servers_cpu_s": servers_cpu,
        "other_load_cores": max(0.0, busy - ours) / wall,
        "run_queue_wait_s": sum(s.run_queue_wait for s in samplers), "cpu_user": user, "cpu_sys": system,
        "tree_peak_rss_mb": sum(s.peak_kb for s in samplers) / 1024,
    }

def store_figures(db: str) -> dict[str, Any]:
    """What the PostgreSQL store holds after a crawl: documents, distinct URLs, versions, captures per run."""
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            one = conn.execute(sa.text(
                "SELECT count(*), count(DISTINCT url), (SELECT count(*) FROM versions) FROM documents")).one()
            per_run = conn.execute(sa.text("SELECT run_id, count(*) FROM captures GROUP BY run_id ORDER BY run_id"))
            captures = [count for _run, count in per_run]
    finally:
        engine.dispose()
    return {"documents": one[0], "distinct_urls": one[1], "versions": one[2], "captures_per_run": captures}

def split_workers(processes: int, extra: list[str]) -> list[str]:
    """Processes sharing one machine share its cores: each gets cores ÷ processes extraction
    workers (at least one), as a deployment of several crawlers on one machine would set them,
    instead of each starting one per core (unless ``extra`` sets the number)."""
    if processes <= 1 or any(arg.upper().startswith("PRESSARCHIVE_EXTRACT_WORKERS=") for arg in extra):
        return []
    return ["--set", f"PRESSARCHIVE_EXTRACT_WORKERS={max(1, (os.cpu_count() or 1) // processes)}"]


def run_postgres_crawl(server: SiteServer, tmp: Path, profile: Path, servers: StoreServers, name: str,
                       processes: int, extra: list[str], frontier: bool = True) -> dict[str, Any]:
    """``processes`` CLI crawls at once on one data directory and a fresh PostgreSQL database,
    sharing the crawl through the Redis frontier if ``frontier``."""
    db = servers.postgres.new_database("bench")
    servers.redis.flush()
    data = tmp / name
    shared = ["--frontier", servers.redis.url(0)] if frontier else []
    cmd = [sys.executable, "-m", "pressarchive", "--data", str(data), "--db", db, "crawl", "--profile", str(profile),
           "--delay", "0", *shared, *split_workers(processes, extra), *extra]
    logs = [tmp / f"{name}-{k}.out" for k in range(processes)]
    measured = run_measured_together([cmd] * processes, logs, cli_env(), server, servers)
    if any(measured["returncodes"]):
        tails = "\n".join(log.read_text(errors="replace")[-1500:] for log in logs)
        raise SystemExit(f"error: the {name} crawls exited {measured['returncodes']}:\n{tails}")
    reports = [json.loads(path.read_text())["summaries"][0] for path in sorted((data / "reports").glob("crawl-*.json"))]
    result = measured | store_figures(db) | {
        "processes": processes, "fetched": sum(r.get("fetched", 0) for r in reports),
        "errors": sum(r.get("errors") or 0 for r in reports),
        "errors_by_kind": {kind: sum((r.get("errors_by_kind") or {}).get(kind, 0) for r in reports)
                           for kind in {k for r in reports for k in (r.get("errors_by_kind") or {})}},
        "crawl_seconds": max((r.get("seconds") or 0.0 for r in reports), default=None),
    }
    servers.postgres.drop_database(db)
    result["pages_per_s"] = result["documents"] / result["wall"]
    result["cpu_cores_used"] = (result["cpu_user"] + result["cpu_sys"]) / result["wall"]
    return result

def run_frontier_comparison(server: SiteServer, tmp: Path, profile: Path, limit: float, sqlite: dict[str, Any],
                            extra: list[str], rounds: int = 3) -> dict[str, Any]:
    """One process alone against two sharing the frontier, both on PostgreSQL; SQLite's one
    process (the end-to-end figure above) as today's baseline. Prints the table and the overhead.

    The one- and two-process crawls alternate ``rounds`` times and the overhead compares their
    medians: on this machine the speed of two runs a minute apart differs by up to 20% (the
    speed probe), more than the effect measured."""
    servers = StoreServers(tmp)
    ones, twos = [], []
    try:
        versions = servers.versions()
        one_shared = run_postgres_crawl(server, tmp, profile, servers, "pg-one-frontier", 1, extra)
        for round_ in range(rounds):
            pair = [("one", 1, False), ("two", 2, True)]
            for label, processes, shared in pair if round_ % 2 == 0 else pair[::-1]:
                run = run_postgres_crawl(server, tmp, profile, servers, f"pg-{label}-{round_}", processes, extra,
                                         frontier=shared)
                (ones if processes == 1 else twos).append(run)
                print(f"  round {round_ + 1}: {label} process{'es' if processes > 1 else ''}: "
                      f"{run['pages_per_s']:.1f} pages/s", flush=True)
    finally:
        servers.stop()
    one, two = _median_run(ones), _median_run(twos)
    overhead = 1 - two["pages_per_s"] / one["pages_per_s"]
    rows = [("SQLite, one process (today's default)", sqlite | {"distinct_urls": sqlite["documents"]}),
            ("PostgreSQL, one process", one), ("PostgreSQL + Redis frontier, one process", one_shared),
            ("PostgreSQL + Redis frontier, two processes", two)]
    print(f"\n--frontier: the store on PostgreSQL {versions['postgresql']}, the frontier on Redis {versions['redis']}, "
          f"crawl --delay 0, the same site and L")
    print(f"  {'crawl':44} {'pages/s':>7} {'÷ L':>5} {'wall s':>6} {'docs':>5} {'dup':>3} {'crawl CPU s':>11} "
          f"{'PG+Redis CPU s':>14} {'ms CPU/page':>11} {'peak RSS MB':>11}")
    cpu_ms = {}
    for label, run in rows:
        crawl_cpu = run["cpu_user"] + run["cpu_sys"]
        servers_cpu = sum(run.get("servers_cpu_s", {}).values())
        cpu_ms[label] = 1000 * (crawl_cpu + servers_cpu) / max(run["documents"], 1)
        print(f"  {label:44} {run['pages_per_s']:7.1f} {run['pages_per_s'] / limit:5.2f} {run['wall']:6.1f} "
              f"{run['documents']:5d} {run['documents'] - run['distinct_urls']:3d} {crawl_cpu:11.1f} "
              f"{servers_cpu:14.1f} {cpu_ms[label]:11.1f} {run['tree_peak_rss_mb']:11.0f}")
    verdict = "meets" if overhead <= FRONTIER_TARGET else "ABOVE"
    print(f"  sharing overhead: 1 - (two-process rate / one-process rate) = {100 * overhead:.1f}% "
          f"({verdict} the {100 * FRONTIER_TARGET:.0f}% target); against SQLite's one process: "
          f"{100 * (1 - two['pages_per_s'] / sqlite['pages_per_s']):.1f}%")
    one_ms, two_ms = cpu_ms[rows[1][0]], cpu_ms[rows[3][0]]
    print(f"  of which the frontier alone (one process through Redis against one without): "
          f"{100 * (1 - one_shared['pages_per_s'] / one['pages_per_s']):.1f}% of the rate, "
          f"{100 * (cpu_ms[rows[2][0]] / one_ms - 1):+.1f}% CPU per page")
    print(f"  CPU per page, the crawl's processes and the servers' (less sensitive to other load): two processes "
          f"{two_ms:.1f} ms, one {one_ms:.1f} ms ({100 * (two_ms / one_ms - 1):+.1f}%); captures per process of "
          f"the shared crawl: {two['captures_per_run']}; the two exited after "
          f"{', '.join(f'{s:.1f}' for s in two['exits_s'])} s; of the wall time, crawling (the longest report): "
          + ", ".join(f"{run['crawl_seconds'] or 0:.1f} s" for _label, run in rows))
    one_rates, two_rates = [r["pages_per_s"] for r in ones], [r["pages_per_s"] for r in twos]
    per_round = [100 * (1 - b / a) for a, b in zip(one_rates, two_rates, strict=True)]
    print(f"  ({rounds} rounds; one process {', '.join(f'{r:.1f}' for r in one_rates)}, two "
          f"{', '.join(f'{r:.1f}' for r in two_rates)} pages/s: the medians above; overhead per round "
          f"{', '.join(f'{o:.1f}%' for o in per_round)}; URLs stored twice in any of the crawls: "
          f"{sum(r['documents'] - r['distinct_urls'] for r in [one_shared, *ones, *twos])})")
    return {"versions": versions, "one_process": one, "two_processes": two, "overhead": overhead,
            "rounds": rounds, "one_rates": one_rates, "two_rates": two_rates, "overhead_per_round": per_round,
            "cpu_ms_per_page": {"sqlite_one": cpu_ms[rows[0][0]], "one": one_ms,
                                "one_through_the_frontier": cpu_ms[rows[2][0]], "two": two_ms},
            "one_process_through_the_frontier": one_shared,
            "target": FRONTIER_TARGET, "one_fraction_of_L": one["pages_per_s"] / limit,
            "two_fraction_of_L": two["pages_per_s"] / limit,
            "sqlite_fraction_of_L": sqlite["pages_per_s"] / limit}

def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median rate (the lower middle one of an even number)."""
    return sorted(runs, key=lambda run: run["pages_per_s"])[(len(runs) - 1) // 2]

# -- main -------------------------------------------------------------------------------------

class SpeedProbe:
    """The same small extraction job timed between phases: how steady the machine's speed was.

    On a shared or virtual machine the CPU itself can run faster or slower from one minute to
    the next (other guests, frequency scaling) without any load showing inside; the figures of
    one run are only comparable if this stays roughly constant.
    """

    def __init__(self, total: int, base_url: str, pages: int = 10) -> None:
        from pressarchive.extract import extract_document

        self.extract = extract_document
        self.pages = []
        for number in sample_numbers(total, pages):
            rel = sitegen.release(number, total)
            self.pages.append((base_url + rel.path, sitegen.render_release(rel, total, base_url)))
        self.extract(self.pages[0][1], self.pages[0][0], HTML)  # warm up
        self.readings: dict[str, float] = {}

    def __call__(self, when: str) -> None:
        cpu = time.process_time()
        for url, body in self.pages:
            self.extract(body, url, HTML, default_language="es")
        self.readings[when] = len(self.pages) / (time.process_time() - cpu)

    @property
    def spread(self) -> float:
        values = list(self.readings.values())
        return (max(values) - min(values)) / max(values)

class InProcess:
    """Wall and CPU of a measurement in this process, and other load on the machine meanwhile."""

    def __enter__(self) -> InProcess:
        self.busy, self.cpu, self.wall = machine_busy(), time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.other_load_cores = max(0.0, machine_busy() - self.busy - self.cpu) / self.wall

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, help="releases on the site (default 5000; 500 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a fast check: 500 releases, 150 sampled")
    parser.add_argument("--sample", type=int, help="pages sampled for the extraction figure (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--gzip", action="store_true", help="serve HTML gzip-compressed")
    parser.add_argument("--polite", action="store_true",
                        help="also measure plain Scrapy with pressarchive's politeness (AutoThrottle, 2/domain)")
    parser.add_argument("--profile", action="store_true",
                        help="also run an instrumented crawl and print where its time goes")
    parser.add_argument("--frontier", action="store_true",
                        help="also crawl with the store on PostgreSQL: one process, then two sharing a Redis frontier")
    parser.add_argument("--frontier-rounds", type=int, default=3, metavar="N",
                        help="with --frontier: alternate the one- and two-process crawls N times (default 3)")
    parser.add_argument("--cprofile", action="store_true", help="with --profile: cProfile that run too")
    parser.add_argument("--crawl-set", action="append", default=[], metavar="NAME=VALUE",
                        help="pass --set NAME=VALUE to the end-to-end crawls (repeatable), "
                             "e.g. PRESSARCHIVE_EXTRACT_WORKERS=0")
    args = parser.parse_args()
    become_subreaper()
    extra = [arg for assignment in args.crawl_set for arg in ("--set", assignment)]
    releases = args.releases or (500 if args.quick else 5000)
    sample = args.sample or (150 if args.quick else 300)

    tmp = Path(tempfile.mkdtemp(prefix="pressarchive-bench-"))
    print(f"bench/crawl.py: {releases} releases, extraction sample {sample}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}, tmp {tmp}")
    figures: dict[str, Any] = {"releases": releases, "cores": os.cpu_count(), "crawl_set": args.crawl_set}
    other_load: dict[str, float] = {}
    server = SiteServer(releases, args.gzip)
    try:
        info = server.info
        print(f"site: {info['pages']} pages, mean HTML page {info['mean_html'] / 1024:.1f} KB, "
              f"{info['html_bytes'] / 2**20:.0f} MB in memory, rendered in {info['render_seconds']:.1f} s, "
              f"served from pid {server.proc.pid} at {server.base_url}")
        paths = [sitegen.release(n, releases).path for n in sample_numbers(releases, 200)]
        capacity = server_capacity(server, paths)
        print(f"server: {capacity['rps_per_server_cpu_s']:.0f} requests/s per core of server CPU "
              f"({capacity['wall_rps']:.0f}/s wall with 4 Python keep-alive clients on the same cores)")
        figures["server"] = capacity
        profile = write_profile(tmp, server.base_url)
        probe = SpeedProbe(releases, server.base_url)

        probe("before S")
        s = run_plain_scrapy(server, tmp, "fast")
        other_load["S"] = s["other_load_cores"]
        print(f"S  plain Scrapy:        {s['pages_per_s']:7.1f} pages/s  ({s['articles']} releases, "
              f"{s['responses']} responses in {s['wall']:.1f} s wall, crawl {s['crawl_seconds']:.1f} s; "
              f"concurrency 16, delay 0; server used {100 * s['server_cpu_share']:.0f}% of a core)")
        figures["S"] = s
        items, relay = run_plain_scrapy(server, tmp, "items"), run_plain_scrapy(server, tmp, "relay")
        other_load["S items"], other_load["S relay"] = items["other_load_cores"], relay["other_load_cores"]
        figures["S_items"], figures["S_relay"] = items, relay
        if args.polite:
            sp = run_plain_scrapy(server, tmp, "polite")
            other_load["S polite"] = sp["other_load_cores"]
            print(f"   same, polite:        {sp['pages_per_s']:7.1f} pages/s  (AutoThrottle start 0.05 s, target 1, "
                  f"2 per domain; mean slot delay {sp['mean_slot_delay_ms'] or 0:.1f} ms)")
            figures["S_polite"] = sp

        probe("before E")
        with InProcess() as phase:
            e, docs, bodies = measure_extraction(releases, server.base_url, sample)
        other_load["E"] = e["other_load_cores"] = phase.other_load_cores
        print(f"E  extraction:          {e['pages_per_s']:7.1f} pages/s  ({e['pages']} pages of {e['mean_kb']:.1f} KB, "
              f"one core, {1000 * e['cpu_seconds'] / e['pages']:.1f} ms CPU/page; right vs ground truth: "
              + ", ".join(f"{k} {v}" for k, v in e["correct"].items()) + ")")
        figures["E"] = e
        probe("before I")
        with InProcess() as phase:
            i = measure_indexing(docs, releases, tmp)
        other_load["I"] = i["other_load_cores"] = phase.other_load_cores
        print(f"I  indexing:            {i['docs_per_s']:7.1f} docs/s   (one SearchIndex.add of {i['documents']} "
              f"documents into a fresh index, {i['seconds']:.1f} s)")
        figures["I"] = i
        figures["floor"] = measure_archive_floor(bodies, docs, PROFILE_NAME)
        figures["core_sharing"] = measure_core_sharing(list(bodies.items()), passes=1)

        probe("before end to end")
        e2e = run_end_to_end(server, tmp, profile, extra=extra)
        probe("after end to end")
        other_load["end to end"] = e2e["other_load_cores"]
        figures["end_to_end"] = e2e

        limit = 2 / (1 / s["pages_per_s"] + 1 / e["pages_per_s"] + 1 / i["docs_per_s"])
        serial = limit / 2
        fraction = e2e["pages_per_s"] / limit
        print(f"L  two-core limit:      {limit:7.1f} pages/s  = 2 / (1/S + 1/E + 1/I); the same stages in series "
              f"on one core: {serial:.1f} pages/s")
        print(f"end to end (CLI):       {e2e['pages_per_s']:7.1f} pages/s  (crawl --delay 0{' ' if extra else ''}"
              f"{' '.join(extra)}: {e2e['documents']} documents archived, {e2e['fetched']} fetched, "
              f"{e2e['errors']} errors, {e2e['indexed']} indexed, in {e2e['wall']:.1f} s wall of which crawl "
              f"{e2e['crawl_seconds']:.1f} s)")
        verdict = "meets" if fraction >= TARGET else "BELOW"
        print(f"end to end / L:         {fraction:7.2f}   ({verdict} the {TARGET:.2f} target)")
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"crawl process: peak RSS {e2e['maxrss_mb']:.0f} MB (rusage of the child; the largest child of this "
              f"script so far: {children.ru_maxrss / 1024:.0f} MB; sampled process-tree peak "
              f"{e2e['tree_peak_rss_mb']:.0f} MB over {e2e['processes']} processes); "
              f"CPU {e2e['cpu_user']:.1f} s user + "
              f"{e2e['cpu_sys']:.1f} s sys = {e2e['cpu_cores_used']:.2f} cores busy on average; waited "
              f"{e2e['run_queue_wait_s']:.1f} s for a CPU; server used {100 * e2e['server_cpu_share']:.0f}% of a core")
        cpu_ms = {
            "S": 1000 * (s["cpu_user"] + s["cpu_sys"]) / max(s["articles"], 1),
            "E": 1000 * e["cpu_seconds"] / e["pages"],
            "I": 1000 * i["cpu_seconds"] / i["documents"],
            "end_to_end": 1000 * (e2e["cpu_user"] + e2e["cpu_sys"]) / max(e2e["documents"], 1),
        }
        parts = cpu_ms["S"] + cpu_ms["E"] + cpu_ms["I"]
        print(f"CPU per release (less sensitive to other load than the rates): plain Scrapy {cpu_ms['S']:.1f} ms, "
              f"extraction {cpu_ms['E']:.1f} ms, indexing {cpu_ms['I']:.1f} ms, sum {parts:.1f} ms; end to end "
              f"{cpu_ms['end_to_end']:.1f} ms (crawl process and its workers), so "
              f"{cpu_ms['end_to_end'] - parts:+.1f} ms "
              f"beyond the parts; two cores fully used would give {2000 / cpu_ms['end_to_end']:.1f} pages/s")
        figures["cpu_ms_per_release"] = cpu_ms
        sharing = figures["core_sharing"]
        print(f"two cores at once:      extraction {sharing['both_cores_ms']:.2f} ms CPU per page in each of two "
              f"processes against {sharing['alone_ms']:.2f} ms alone ({100 * sharing['loss']:+.1f}%: what sharing the "
              "cores costs, which L assumes to be nothing)")
        figures["ceiling"] = print_ceiling(figures["floor"], items, relay, cpu_ms, parts, e2e["cpu_cores_used"])
        entities_ms = 1000 * e["entities_cpu_seconds"] / max(len(docs), 1)
        share = entities_ms / max(cpu_ms["end_to_end"] - entities_ms, 1e-9)
        print(f"entities and figures:   {entities_ms:.2f} ms CPU per release (countries, agencies, figures; in E), "
              f"adding {100 * share:.1f}% to the end-to-end CPU per release without them (target at most 15%)")
        figures["entities_ms_per_release"] = entities_ms
        figures["entities_cpu_share"] = share
        figures |= {"L": limit, "one_core_series": serial, "fraction_of_L": fraction,
                    "target": TARGET, "children_maxrss_mb": children.ru_maxrss / 1024}
        if args.frontier:
            figures["frontier"] = run_frontier_comparison(server, tmp, profile, limit, e2e, extra, args.frontier_rounds)
            other_load |= {f"frontier {k}": figures["frontier"][k]["other_load_cores"]
                           for k in ("one_process", "one_process_through_the_frontier", "two_processes")}
        if args.profile:
            profiled = run_profiled(server, tmp, profile, args.cprofile, extra)
            probe("after profiled crawl")
            other_load["profiled crawl"] = profiled["other_load_cores"]
            figures["profile"] = print_profile(profiled)
            table, figures["profile"]["cpu_ms_per_page"] = cpu_table(profiled, cpu_ms)
            print("\n" + table + "\n")
            figures["profile"]["pages_per_s"] = profiled["pages_per_s"]
        figures["other_load_cores"] = other_load
        print("other processes on the machine used, in cores: "
              + ", ".join(f"{name} {value:.2f}" for name, value in other_load.items()))
        print("speed probe (the same 10 pages extracted, pages per CPU second): "
              + ", ".join(f"{name} {value:.1f}" for name, value in probe.readings.items())
              + f"; spread {100 * probe.spread:.0f}%")
        figures["speed_probe"] = probe.readings
        if max(other_load.values()) > 0.15 or probe.spread > 0.15:
            print("WARNING: the machine was not quiet or not steady; figures measured at different times "
                  "are not comparable")
    finally:
        server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(_compact(figures), sort_keys=True))

def print_ceiling(floor: dict[str, Any], items: dict[str, Any], relay: dict[str, Any], cpu_ms: dict[str, float],
                  parts: float, cores_used: float) -> dict[str, float]:
    """The best end to end ÷ L that a crawl doing the archive's work could reach (bench/archivefloor.py).

    Besides the floor, a crawl cannot avoid handing each page to the item pipeline and to a
    worker process (extraction runs there, on the other core, within a budget): two plain
    Scrapy runs measure that, one yielding each body as an item, one also sending it to the
    crawl's own workers and back.
    """
    def ms(run: dict[str, Any]) -> float:
        return 1000 * (run["cpu_user"] + run["cpu_sys"]) / max(run["articles"], 1)

    plumbing, hop = ms(items) - cpu_ms["S"], ms(relay) - ms(items)
    cores = os.cpu_count() or 2
    print(f"archive floor:          {floor['total_ms']:.2f} ms CPU per release that a crawl must add to the parts "
          "(each step alone, one core, the crawl's own functions): "
          + ", ".join(f"{name} {value:.2f}" for name, value in floor["ms_per_page"].items()))
    print(f"item and process hop:   {plumbing + hop:+.2f} ms CPU per release over S: each body yielded as an item "
          f"through an async pipeline {plumbing:+.2f} ms ({items['pages_per_s']:.1f} pages/s), then also sent to "
          f"the crawl's worker processes and back (their start-up included), nothing done with it, {hop:+.2f} ms "
          f"({relay['pages_per_s']:.1f} pages/s)")
    unavoidable = floor["total_ms"] + plumbing + hop
    found = {"item_plumbing_ms": plumbing, "process_hop_ms": hop,
             "floor_all_cores": ceiling(parts, floor["total_ms"]),
             "floor_and_hop_all_cores": ceiling(parts, unavoidable),
             "floor_and_hop_at_measured_core_use": ceiling(parts, unavoidable, cores_used / cores),
             "beyond_floor_and_hop_ms": cpu_ms["end_to_end"] - parts - unavoidable}
    print(f"ceiling of end to end / L: {found['floor_all_cores']:.2f} with the floor alone and every core busy all "
          f"the time; {found['floor_and_hop_all_cores']:.2f} adding the item and process hop; "
          f"{found['floor_and_hop_at_measured_core_use']:.2f} at this crawl's core use ({cores_used:.2f} of {cores}); "
          f"the crawl spent {found['beyond_floor_and_hop_ms']:+.2f} ms per release beyond parts, floor and hop")
    return found

def _compact(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_plain-scrapy":
        plain_scrapy_main(*sys.argv[2:6])
    elif len(sys.argv) > 1 and sys.argv[1] == "_instrumented-cli":
        separator = sys.argv.index("--")
        instrumented_cli_main(sys.argv[2], sys.argv[separator + 1:])
    else:
        main()
