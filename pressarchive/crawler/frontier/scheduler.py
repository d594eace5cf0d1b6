"""scrapy-redis's scheduler, adapted to the shared frontier's leases: the one module that
touches private names of scrapy-redis (``Base._encode_request``/``_decode_request``; it also
relies on ``RFPDupeFilter.request_fingerprint``) and of Scrapy (``ExecutionEngine._slot``:
its ``inprogress`` requests and its ``nextcall``).
``tests/test_frontier_adapter.py`` fails when any of them changes.

Checked against Scrapy 2.19 and scrapy-redis 0.9.1: the scheduler is built by our
``from_crawler`` (scrapy-redis's goes through its own ``from_settings``, which Scrapy no
longer calls for components but which builds a connection from ``REDIS_*`` settings we do
not use); requests are encoded from ``Request.to_dict``, so callbacks and errbacks must be
methods of the spider (ours are) and the request is JSON, not pickle
(:mod:`~pressarchive.crawler.frontier.serializer`: what Redis holds is untrusted); start
requests from the async ``start()`` pass the duplicate filter like any other, so the first
process seeds and the others' are filtered; ``dont_filter`` requests (retries) go to the queue
without it; an entry that is not a request of this crawl is dropped (its lease released).
robots.txt is fetched by each process (Scrapy's middleware downloads it outside the scheduler).

Scrapy closes a spider when the scheduler has nothing pending. scrapy-redis spiders never
close; this scheduler says it has something pending while any process holds a lease or the
shared queue holds a request; until it has seen such work, for :data:`LINGER` seconds more, so
that processes started together overlap (one may finish its start before another seeds). A
lease is released once Scrapy's engine no longer has its request in progress, which is after
the callback's requests were queued.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter  # type: ignore[import-untyped]
from scrapy_redis.scheduler import Scheduler  # type: ignore[import-untyped]
from twisted.internet import task

from pressarchive.crawler.context import crawl_context
from pressarchive.crawler.frontier import serializer
from pressarchive.crawler.frontier.serializer import UnreadableRequest
from pressarchive.crawler.frontier.shared import SharedFrontier
from pressarchive.crawler.summary import FRONTIER_ERROR_STAT

logger = logging.getLogger(__name__)

#: Seconds between two lease checks (and nudges of an idle engine).
TICK = 0.25
#: Seconds a process waits with nothing pending anywhere before it finishes.
LINGER = 2.0
QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"
#: Fingerprints this process has offered to the shared filter, kept to skip Redis for repeats
#: (a release is linked from the sitemap and from a listing page or two: 5,260 offers for
#: 2,100 releases in the bench, each an encoding and a round trip on the reactor's thread).
#: Emptied when it reaches this size: it is a shortcut, the shared filter decides.
SEEN_HERE_MAX = 500_000


class FrontierScheduler(Scheduler):
    """The shared queue and duplicate filter of scrapy-redis, with leases and a shared end."""

    frontier: SharedFrontier
    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        frontier = crawl_context(crawler).frontier
        if frontier is None or crawler.spider is None:
            raise RuntimeError("FrontierScheduler needs a crawl context with a frontier, and its spider")
        source = crawler.spider.name  # one spider per source: each its own queue and filter
        dupefilter = RFPDupeFilter(frontier.server, key=frontier.dupefilter_key(source))
        scheduler = cls(server=frontier.server, persist=True, queue_key=frontier.queue_key(source),
                        queue_cls=QUEUE_CLASS, dupefilter=dupefilter, serializer=serializer)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.frontier = frontier
        return scheduler

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self._leases: dict[str, Request] = {}
        self._seen_here: set[str] = set()
        self._quiet_since: float | None = None
        self._seen_work = False  # whether this process has seen the crawl with work pending
        self._told_incomplete = False  # whether the other processes know this listing is not whole
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(TICK, now=False).addErrback(
            lambda failure: logger.error("frontier heartbeat failed: %s", failure.getTraceback()))

    def close(self, reason: str) -> None:
        loop = getattr(self, "_loop", None)  # None: the crawl stopped before the spider opened
        if loop is not None and loop.running:
            loop.stop()
        if not hasattr(self, "_leases"):
            return
        try:
            self._release_finished()
            # Requests still leased were not finished (a stop on a signal): back to the queue.
            # The heartbeat stays: it is the process's, and its other sources' spiders may still
            # crawl (the runner stops it once every spider is done).
            self.frontier.give_back(list(self._leases))
            self._leases.clear()
        except redis.RedisError as exc:
            logger.warning("could not put this process's leases back (they come back when it is gone): %s", exc)

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's, with the duplicate check and the push in one Redis step (see
        :meth:`SharedFrontier.enqueue`): its two steps could leave a URL seen and never queued."""
        fingerprint = self.df.request_fingerprint(request)
        if not request.dont_filter and fingerprint in self._seen_here:
            # Offered before by this process: the shared filter, which forgets nothing during a
            # crawl, has it.
            self.df.log(request, self.spider)
            return False
        try:
            data = self.queue._encode_request(request)
            added = self.frontier.enqueue(self.spider.name, fingerprint, -request.priority, data, request.dont_filter)
        except redis.RedisError as exc:
            self._lost(exc)
            return False
        if not request.dont_filter:
            if len(self._seen_here) >= SEEN_HERE_MAX:
                self._seen_here.clear()
            self._seen_here.add(fingerprint)
        if not added:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        try:
            # The engine asks right after it finished a request: release its lease now, in the
            # same round trip, not at the next tick (what a kill -9 finds leased is fetched again
            # by another process).
            self._tell_if_listing_incomplete()
            finished = self._finished()
            leased = self.frontier.lease(self.spider.name, finished)
            self._forget(finished)
            self._give_back_unsent()
        except redis.RedisError as exc:
            self._lost(exc)
            return None
        if leased is None:
            return None
        token, data = leased
        try:
            request: Request = self.queue._decode_request(data)
        except (UnreadableRequest, ValueError, TypeError) as exc:
            # Not written by a crawler of this crawl (Redis is untrusted): dropped, said once each.
            logger.warning("dropped an entry of the shared queue: %s", exc)
            self.stats.inc_value("pressarchive/frontier/unreadable")
            self._release_quietly(token)
            return None
        self._leases[token] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _release_quietly(self, token: str) -> None:
        try:
            self.frontier.release([token])
        except redis.RedisError as exc:
            self._lost(exc)

    def has_pending_requests(self) -> bool:
        try:
            self._release_finished()
            queued, leased = self.frontier.pending()
        except redis.RedisError as exc:
            self._lost(exc)
            return False
        if queued or leased:
            self._quiet_since = None
            self._seen_work = True
            return True
        if self._seen_work:
            # The crawl had started: with nothing queued and nothing leased anywhere (a lease
            # outlives the queueing of its page's links), it is over; lingering would only add
            # LINGER seconds to every process's end.
            return False
        now = time.monotonic()
        if self._quiet_since is None:
            self._quiet_since = now
        return now - self._quiet_since < LINGER

    def _lost(self, exc: Exception) -> None:
        """Redis stopped answering: stop this process's crawl (once), saying why. What it had
        leased comes back to the queue when its heartbeat expires; ``--resume`` goes on."""
        if self.stats.get_value(FRONTIER_ERROR_STAT):
            return
        logger.error("the frontier stopped answering: %s", exc)
        self.stats.set_value(FRONTIER_ERROR_STAT, f"lost the frontier {self.frontier.address.redacted()}: {exc}")
        self.stats.inc_value("pressarchive/errors/frontier_unreachable")
        if self.crawler.crawling:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="frontier_unreachable"))

    def _release_finished(self) -> None:
        """Release the leases of requests the engine is done with (their links already queued),
        and put back those it gave up unsent."""
        done = self._finished()
        if done:
            self._tell_if_listing_incomplete()
            self.frontier.release(done)
            self._forget(done)
        self._give_back_unsent()

    def _tell_if_listing_incomplete(self) -> None:
        """Before a lease is released: a listing page this process could not read whole (or a
        cap that cut the listing short) reaches the shared crawl before the crawl can be seen
        to have nothing left, which is when a process runs the removal check."""
        if self._told_incomplete:
            return
        listing_whole = getattr(self.spider, "listing_whole", None)
        if listing_whole is not None and not listing_whole():
            self.frontier.mark_incomplete(self.spider.name)
            self._told_incomplete = True

    def _finished(self, unsent: bool = False) -> list[str]:
        """The lease tokens of requests the engine no longer has in progress: those it is done
        with, or (``unsent``) those the frontier failed on their way out (``SharedFrontier.unsent``)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        in_progress = slot.inprogress if slot is not None else set()
        return [token for token, request in self._leases.items()
                if request not in in_progress and (request in self.frontier.unsent) == unsent]

    def _give_back_unsent(self) -> None:
        unsent = self._finished(unsent=True)
        if unsent:
            self.frontier.give_back(unsent)
            self._forget(unsent)
            self.stats.inc_value("pressarchive/frontier/given_back", len(unsent))

    def _forget(self, tokens: list[str]) -> None:
        for token in tokens:
            del self._leases[token]

    def _tick(self) -> None:
        try:
            self._release_finished()
            requeued = self.frontier.requeue_orphans()
        except redis.RedisError as exc:
            self._lost(exc)
            return
        if requeued:
            logger.info("%d requests of a crawler process that died went back to the shared queue", requeued)
            self.stats.inc_value("pressarchive/frontier/requeued", requeued)
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()  # Scrapy's own heartbeat looks at the queue every 5 s only


def with_frontier(settings: dict[str, Any]) -> dict[str, Any]:
    """A crawl's Scrapy ``settings`` for a frontier crawl (the frontier rides in the crawl context)."""
    middlewares = dict(settings["DOWNLOADER_MIDDLEWARES"])
    # Last on the way out (after the offsite check): the reservation is the request's send time.
    middlewares["pressarchive.crawler.frontier.politeness.SharedPolitenessMiddleware"] = 990
    return {
        **settings,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "SCHEDULER": f"{__name__}.FrontierScheduler",
        "SCHEDULER_PERSIST": True,
        # The shared pacing replaces the per-process delay: a delay or AutoThrottle applied after
        # the shared reservation would send requests later than reserved, two processes' closer.
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_DELAY_JITTER": 0,
        "AUTOTHROTTLE_ENABLED": False,
    }
