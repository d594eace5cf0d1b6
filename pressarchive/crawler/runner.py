"""Running crawls: one Scrapy process for one or more profiles, with live progress.

This is the crawler's public entry point; the CLI calls it and then indexes what changed.
Around the Scrapy run it keeps the books: WARC files a killed crawl left open are repaired
first, the run is recorded (and, with ``resume``, chained to the unfinished run it continues),
the extraction worker processes are started and stopped, and a JSON report is written.
Scrapy's log goes to a file in the data directory's ``reports/`` so the terminal shows only
the progress table and the summary.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from rich.console import Console
from scrapy.crawler import CrawlerProcess

from pressarchive.crawler.context import CrawlContext, attach_context, utc_now
from pressarchive.crawler.frontier import FrontierAddress
from pressarchive.crawler.frontier.scheduler import with_frontier
from pressarchive.crawler.frontier.shared import SharedFrontier, connect, join, this_worker
from pressarchive.crawler.progress import CrawlProgress
from pressarchive.crawler.settings import crawl_settings
from pressarchive.crawler.spider import PressRoomSpider
from pressarchive.crawler.stopping import BoundedStopCrawlerProcess, SignalLatch
from pressarchive.crawler.summary import CrawlSummary
from pressarchive.datadir import DataDir
from pressarchive.errors import UserError
from pressarchive.extract.workers import STOP_GRACE, ExtractionWorkers
from pressarchive.isodate import utc_iso
from pressarchive.processes import WorkerDied, WorkerProcess, start_fork_server
from pressarchive.profiles import Profile
from pressarchive.store import Archive
from pressarchive.warc import cdxj, repair_open_files

#: Seconds between two rounds of indexing while a crawl runs.
INDEX_EVERY = 5.0
logger = logging.getLogger(__name__)


@contextmanager
def extraction_workers(count: int, timeout: float = 0, memory_mb: int = 0) -> Iterator[ExtractionWorkers | None]:
    """``count`` extraction processes for the crawl's pipelines; none: extract on its thread.

    Each page gets ``timeout`` seconds and ``memory_mb`` MiB (0: no limit). On the way out,
    however the crawl ended, pages not yet extracted are dropped and the workers killed
    after a short grace: a stopped crawl does not wait for a stuck page.
    """
    if count <= 0:
        yield None
        return
    with ExtractionWorkers(count, timeout, memory_mb) as workers:
        yield workers


class BackgroundIndexer:
    """Runs the caller's indexing function in a process of its own, one round at a time.

    Not a thread of the crawl: indexing is pure Python, and a busy thread beside the reactor
    makes every socket and SQLite call of the reactor wait for the GIL (measured: a third of
    the crawl's time went to such waits). If that process dies (killed for memory, say), the
    round runs once more in a new one: the index survives a writer killed mid-commit, and
    what the dead round did not mark indexed is still pending. A round that fails for any
    other reason (a locked index, a full disk) is logged and counted in ``failed_rounds``, and
    the next round runs: what the failed one left is still pending. :meth:`stop` (a stopping
    crawl) kills the process mid-round for the same reason, and no round runs after it.

    ``indexer(wait=...)``: rounds during the crawl pass ``wait=False`` (a round another process
    of a shared crawl is running already may be skipped); the last round passes ``wait=True``.
    """

    def __init__(self, indexer: Callable[..., int]) -> None:
        self.indexer = indexer
        self.total = 0  # documents indexed by all rounds so far
        self.failed_rounds = 0
        self.stopped = False
        self._lock = threading.Lock()
        start_fork_server()  # it loads while the crawl starts; the first round starts the process
        self._process: WorkerProcess | None = None

    def round(self) -> int:
        """Index what is pending now; called on a thread of the reactor's pool, which only waits."""
        try:
            return self._round(wait=False)
        except Exception as exc:  # noqa: BLE001 - any failure: the next round tries again
            return self._failed(exc)

    def _round(self, *, wait: bool) -> int:
        try:
            count = self._call(wait=wait)
        except WorkerDied:
            if self.stopped:
                return 0
            logger.warning("the indexing process died; indexing in a new one")
            count = self._call(fresh=True, wait=wait)
        self.total += count
        return count

    def last_round(self) -> int:
        """The round after the crawl; if the indexing process dies again, index in this one.

        None after :meth:`stop`: what is pending waits for the next crawl or ``index``.
        """
        try:
            return self._round(wait=True)
        except WorkerDied:
            if self.stopped:
                return 0
        except Exception as exc:  # noqa: BLE001 - reported; `pressarchive index` catches up
            return self._failed(exc)
        try:
            count = self.indexer(wait=True)
        except Exception as exc:  # noqa: BLE001
            return self._failed(exc)
        self.total += count
        return count

    def _failed(self, exc: Exception) -> int:
        logger.error("an indexing round failed, what it left stays pending: %s: %s", type(exc).__name__, exc)
        self.failed_rounds += 1
        return 0

    def stop(self) -> None:
        """End the round in progress now (the index stays consistent) and refuse new ones."""
        with self._lock:
            self.stopped = True
            process = self._process
        if process is not None:
            process.stop(STOP_GRACE)

    def close(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            process.close()

    def _call(self, *, wait: bool, fresh: bool = False) -> int:
        with self._lock:  # so that stop() kills whichever process the round runs in
            if self.stopped:
                return 0
            process, old = (None, self._process) if fresh else (self._process, None)
        if old is not None:
            old.close()
        if process is None:
            process = WorkerProcess()  # outside the lock: a start waits for the fork server
            with self._lock:
                self._process = process
                if self.stopped:  # stop() ran meanwhile and did not see this process
                    process.close()
                    return 0
        count: int = process.call(self.indexer, wait=wait)
        return count

    def __enter__(self) -> BackgroundIndexer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run_crawl(
    profiles: list[Profile], data: DataDir, *, since: date | None = None,
    settings: dict[str, Any] | None = None, console: Console | None = None, resume: bool = False,
    full: bool = False, indexer: BackgroundIndexer | None = None, frontier: FrontierAddress | None = None,
) -> list[CrawlSummary]:
    """Crawl ``profiles`` into ``data`` and return one summary per profile.

    ``indexer`` (the caller's "index what is pending": the crawler knows no index) runs a
    round every :data:`INDEX_EVERY` seconds during the crawl, so indexing overlaps fetching
    and extraction instead of following them, and its last round as the crawl ends, beside the
    CDXJ refresh.
    Twisted's reactor cannot be restarted, so this runs once per process.

    With ``frontier``, this process shares one crawl with every other process given the same
    Redis frontier and key (see :mod:`pressarchive.crawler.frontier`): the frontier, not the
    store's done URLs, says what is left, and ``resume`` continues a shared crawl no process
    is crawling.
    """
    started = utc_now()
    # Processes of one shared crawl may share a data directory: their reports must not collide.
    stamp = started.strftime("%Y%m%dT%H%M%SZ") + (f"-{os.getpid()}" if frontier is not None else "")
    scrapy_settings = crawl_settings(settings)
    scrapy_settings["LOG_FILE"] = str(data.reports_dir / f"crawl-{stamp}.log")
    shared = connect(frontier, [profile.name for profile in profiles]) if frontier is not None else None
    joined = join(shared, resume) if shared is not None else ""
    if shared is not None:
        scrapy_settings = with_frontier(scrapy_settings)
    # The log lives in the data directory: when its disk fills up, a lost log line must not
    # print logging's own traceback to the terminal (the crawl reports the failure itself).
    logging.raiseExceptions = False
    repair_open_files(data.warc_dir)
    archive = Archive(data.database_url)
    indexing = cdxj.ClosedWarcIndexer(data)  # WARC files closed on rotation, indexed as the crawl goes on
    last_round: threading.Thread | None = None
    try:
        run_id, resumed_from = _start_run(archive, profiles, started, resume and shared is None, shared)
        with SignalLatch() as latch, extraction_workers(int(scrapy_settings["PRESSARCHIVE_EXTRACT_WORKERS"]),
                                                        float(scrapy_settings["PRESSARCHIVE_EXTRACT_TIMEOUT"]),
                                                        int(scrapy_settings["PRESSARCHIVE_EXTRACT_MEMORY"])) as workers:
            process = BoundedStopCrawlerProcess(scrapy_settings, on_stop=[indexer.stop] if indexer else [],
                                                latch=latch)
            crawlers = []
            context = CrawlContext(data=data, archive=archive, run_id=run_id, workers=workers, clock=utc_now,
                                   on_warc_closed=indexing, frontier=shared)
            for profile in profiles:
                done = archive.done_in_run(resumed_from, profile.name) if resumed_from else set()
                crawler = process.create_crawler(PressRoomSpider)
                attach_context(crawler, context)
                process.crawl(crawler, profile=profile, since=since, known=archive.known_pages(profile.name),
                              done=done, context=context, full=full)
                crawlers.append((profile.name, crawler))
            _run_with_progress(process, crawlers, console, indexer)
        last_round = _start_last_round(indexer)
        summaries = [CrawlSummary.from_stats(name, crawler.stats.get_stats(), run_id=run_id,
                                             stop_signal=process.stop_signal) for name, crawler in crawlers]
        report = _report(run_id, resumed_from, started, summaries)
        report.update(frontier=frontier.key if frontier else None, worker=this_worker(), frontier_start=joined,
                      frontier_crawl=shared.crawl_id if shared is not None else None)
        report["indexing_rounds_failed"] = indexer.failed_rounds if indexer is not None else 0
        archive.finish_run(run_id, report["status"], utc_now(), report)
        if shared is not None:  # by now a process killed meanwhile has no heartbeat any more
            _continue_dead_runs(archive, shared)
    finally:
        if shared is not None:
            _leave(shared)
        archive.close()
        indexing.close()
        # Every WARC file of the run is closed now (and those a killed crawl left, repaired).
        cdxj.refresh_quietly(data)
        if last_round is not None:
            last_round.join()
    (data.reports_dir / f"crawl-{stamp}.json").write_text(json.dumps(report, indent=2), "utf-8")
    return summaries


def _start_last_round(indexer: BackgroundIndexer | None) -> threading.Thread | None:
    """The last indexing round, started as fetching ends: it waits on its own process while
    this one writes the report and refreshes the CDXJ index (which reads every record the
    crawl wrote: 1.3 s for 5,000 releases), so the two use both cores instead of one after
    the other."""
    if indexer is None:
        return None
    thread = threading.Thread(target=indexer.last_round, name="last-indexing-round")
    thread.start()
    return thread


def _start_run(archive: Archive, profiles: list[Profile], started: datetime, resume: bool,
               shared: SharedFrontier | None = None) -> tuple[int, int | None]:
    """The run's row; a resumed run (not through a frontier, whose own state says what is left)
    is chained to the unfinished run it continues."""
    names = [profile.name for profile in profiles]
    resumed_from = archive.resumable_run(names) if resume else None
    if resume and resumed_from is None:
        raise UserError(f"no unfinished crawl of {', '.join(names)} to resume")
    if shared is None:
        return archive.start_run(names, started, resumed_from, worker=this_worker()), resumed_from
    _continue_dead_runs(archive, shared)
    return archive.start_run(names, started, None, frontier=shared.address.key, worker=shared.worker,
                             frontier_crawl=shared.crawl_id or None), None


def _continue_dead_runs(archive: Archive, shared: SharedFrontier) -> None:
    """The runs of this shared crawl whose process is gone are carried on by those still here."""
    try:
        alive = {shared.worker, *shared.other_workers()}
    except Exception as exc:  # noqa: BLE001 - Redis gone: they stay `running`, the next process marks them
        logger.warning("could not list the shared crawl's processes: %s", exc)
        return
    archive.continue_dead_runs(shared.address.key, alive)


def _leave(shared: SharedFrontier) -> None:
    """Stop the heartbeat and put back what this process leased and did not finish (a stop cut it)."""
    try:
        shared.leave()
        shared.requeue_orphans()
    except Exception as exc:  # noqa: BLE001 - Redis gone: the leases come back when their heartbeat expires
        logger.warning("could not leave the shared frontier cleanly: %s", exc)


def _run_with_progress(
    process: CrawlerProcess, crawlers: list[tuple[str, Any]], console: Console | None,
    indexer: BackgroundIndexer | None = None,
) -> None:
    from twisted.internet import reactor, task, threads

    loops = []
    with CrawlProgress(crawlers, console) as progress:
        loops.append((task.LoopingCall(progress.refresh), 0.25))
        if indexer is not None:
            # A LoopingCall waits for the returned Deferred: one indexing round at a time.
            loops.append((task.LoopingCall(threads.deferToThread, indexer.round), INDEX_EVERY))
        for loop, interval in loops:
            reactor.callWhenRunning(_start_loop, loop, interval)  # type: ignore[attr-defined]
        # What is alive now (modules, settings, the known pages) lives as long as the crawl:
        # the collector's full passes skip it instead of walking it again and again.
        gc.freeze()
        try:
            process.start()
        finally:
            gc.unfreeze()
        for loop, _interval in loops:
            if loop.running:
                loop.stop()


def _start_loop(loop: Any, interval: float) -> None:
    done = loop.start(interval)
    done.addErrback(lambda failure: logger.error("background task failed: %s", failure.getTraceback()))


def _report(run_id: int, resumed_from: int | None, started: datetime, summaries: list[CrawlSummary]) -> dict[str, Any]:
    interrupted = any(summary.interrupted for summary in summaries)
    return {
        "run": run_id,
        "resumed_from": resumed_from,
        "status": "interrupted" if interrupted else "finished",
        "started": utc_iso(started),
        "seconds": round((utc_now() - started).total_seconds(), 2),
        "summaries": [summary.to_json() for summary in summaries],
    }
