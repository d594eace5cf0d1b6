"""The shared crawl's state in Redis: the queue's leases, the processes' heartbeats, its stage.

scrapy-redis pops a request off the shared queue and forgets it: a process killed with
``kill -9`` would lose every request it had popped and not finished. Here a pop moves the
request, in one Lua script, from the queue into the ``inflight`` hash under a lease token
that names the process (``host:pid#n``); the process releases the token once Scrapy is done
with the request (its callback's links already queued). Each process keeps a heartbeat key
alive (``worker:<host:pid>``, :data:`LEASE_MS`); a lease whose process has no heartbeat any
more goes back to the queue (:meth:`SharedFrontier.requeue_orphans`, run by every process).
Such a request bypasses the duplicate filter: it was seen, never fetched to the end. So the
crawl is over when the queue is empty and no lease is held, by anyone: a process does not
quit while another still produces links.

Each source of the crawl has its own queue and duplicate filter (``requests:<source>``,
``dupefilter:<source>``), as it has its own spider: a process crawling several sources runs
one spider per source, and a request must come back to the spider whose callbacks, allowed
domains and store rows it was made for. The in-flight hash and the heartbeats are shared.

The removal check (known releases nothing links any more) needs every listing of a source,
and each process reads only some. So each process adds what its listings, sitemaps and feeds
linked to ``listed:<source>``. A process that could not read one of them whole sets
``incomplete:<source>``, before it releases that request's lease. ``started`` holds when the
crawl began. Once nothing is queued or leased anywhere, every listing has been read, and the
check can take the union (:meth:`SharedFrontier.listing_seen`).

Needs a single Redis server (the scripts name keys they compute; not Redis Cluster).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from typing import Any

import redis

from pressarchive.crawler.frontier.address import PREFIX, FrontierAddress, FrontierError

#: Milliseconds a process's heartbeat lives; a process silent this long is taken for dead.
logger = logging.getLogger(__name__)

LEASE_MS = 5000
#: Seconds between two heartbeats.
BEAT_EVERY = LEASE_MS / 5000

#: Milliseconds one process may take to decide how it joins a shared crawl.
JOIN_LOCK_MS = 10000
# Frees the join lock KEYS[1] if ARGV[1] still holds it.
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Pop the best request of one source's queue (KEYS[1]) into the in-flight hash (KEYS[2]):
# the queue's key, newline, the score, newline, the encoded request.
_LEASE = """
for i = 2, #ARGV do redis.call('HDEL', KEYS[2], ARGV[i]) end
local best = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #best == 0 then return false end
redis.call('ZREM', KEYS[1], best[1])
redis.call('HSET', KEYS[2], ARGV[1], KEYS[1] .. '\\n' .. best[2] .. '\\n' .. best[1])
return best[1]
"""

# Marks a request seen (the duplicate filter KEYS[1], unless ARGV[3] is '1': dont_filter) and
# queues it (KEYS[2], score ARGV[2]) in one step: a process killed, or a Redis lost, between the
# two would leave a URL seen and never queued, lost to every process.
_ENQUEUE = """
if ARGV[3] ~= '1' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
return 1
"""

# Moves the lease `token` of the in-flight hash KEYS[1] back to the queue it came from.
_PUT_BACK = """
local function put_back(token)
  local value = redis.call('HGET', KEYS[1], token)
  if not value then return 0 end
  local first = string.find(value, '\\n', 1, true)
  local second = string.find(value, '\\n', first + 1, true)
  redis.call('ZADD', string.sub(value, 1, first - 1), string.sub(value, first + 1, second - 1),
             string.sub(value, second + 1))
  redis.call('HDEL', KEYS[1], token)
  return 1
end
"""

# Every lease whose process has no heartbeat goes back to its queue; returns how many.
_REQUEUE = _PUT_BACK + """
local moved = 0
for _, token in ipairs(redis.call('HKEYS', KEYS[1])) do
  local worker = string.match(token, '^(.*)#%d+$')
  if worker and redis.call('EXISTS', ARGV[1] .. worker) == 0 then moved = moved + put_back(token) end
end
return moved
"""

# The leases ARGV go back to their queues (a spider closed before it finished them).
_GIVE_BACK = _PUT_BACK + """
local moved = 0
for _, token in ipairs(ARGV) do moved = moved + put_back(token) end
return moved
"""


def this_worker() -> str:
    """``host:pid``: this process among the shared crawl's processes (``runs.worker``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class SharedListing:
    """What every process of a shared crawl found linked from one source's entry points."""

    started: datetime  # when the shared crawl began (UTC, naive), by the clock of its first process
    urls: frozenset[str]


class SharedFrontier:
    """One shared crawl's keys in Redis, seen from one process (``worker``)."""

    def __init__(self, server: Any, address: FrontierAddress, sources: Sequence[str],
                 worker: str | None = None) -> None:
        self.server = server
        self.address = address
        self.sources = sorted(sources)
        self.worker = worker or this_worker()
        self.inflight_key = address.redis_key("inflight")
        self.worker_prefix = address.redis_key("worker:")
        self.crawl_key = address.redis_key("crawl")
        self.started_key = address.redis_key("started")
        self.crawl_id = ""  # which crawl of this key: a new one each time a finished crawl is cleared
        self._tokens = count(1)
        # Requests this process could not send (Redis failed them on the way out): their leases
        # go back to the queue instead of being released. Kept here, not in ``Request.meta``,
        # which a request read from Redis (untrusted) could set for itself.
        self.unsent: weakref.WeakSet[Any] = weakref.WeakSet()
        self._beating: threading.Event | None = None
        self._beater: threading.Thread | None = None
        self._lease = server.register_script(_LEASE)
        self._enqueue = server.register_script(_ENQUEUE)
        self._requeue = server.register_script(_REQUEUE)
        self._give_back = server.register_script(_GIVE_BACK)

    def queue_key(self, source: str) -> str:
        """The key of ``source``'s queue (a sorted set of encoded requests, scrapy-redis's)."""
        return self.address.redis_key(f"requests:{source}")

    def dupefilter_key(self, source: str) -> str:
        """The key of ``source``'s duplicate filter (scrapy-redis's set of request fingerprints)."""
        return self.address.redis_key(f"dupefilter:{source}")

    def _listing_keys(self, source: str) -> tuple[str, str]:
        return self.address.redis_key(f"listed:{source}"), self.address.redis_key(f"incomplete:{source}")

    # -- what the listings linked, for the removal check -----------------------------------------

    def add_listed(self, source: str, urls: Sequence[str]) -> bool:
        """Note that an entry point of ``source`` linked ``urls`` (canonical); False if Redis
        did not take them (then the caller's listing is not whole)."""
        if not urls:
            return True
        try:
            self.server.sadd(self._listing_keys(source)[0], *urls)
        except redis.RedisError as exc:
            logger.warning("could not share what a listing linked: %s", exc)
            return False
        return True

    def is_listed(self, source: str, url: str) -> bool | None:
        """Whether an entry point of ``source`` linked ``url``; None if Redis did not answer."""
        try:
            return bool(self.server.sismember(self._listing_keys(source)[0], url))
        except redis.RedisError as exc:
            logger.warning("could not ask the frontier what the listings linked: %s", exc)
            return None

    def mark_incomplete(self, source: str) -> None:
        """An entry point of ``source`` could not be read whole: no removal check this crawl."""
        self.server.set(self._listing_keys(source)[1], self.worker)

    def listing_seen(self, source: str) -> SharedListing | None:
        """What all processes found linked, once the crawl has nothing left; None when the
        listing is incomplete, or when Redis cannot say (a crawl begun before this was kept)."""
        listed, incomplete = self._listing_keys(source)
        try:
            pipe = self.server.pipeline(transaction=True)
            pipe.get(self.started_key)
            pipe.exists(incomplete)
            pipe.smembers(listed)
            started, is_incomplete, urls = pipe.execute()
        except redis.RedisError as exc:
            logger.warning("no removal check: the frontier did not answer: %s", exc)
            return None
        if started is None or is_incomplete:
            return None
        return SharedListing(datetime.fromisoformat(_text(started)), frozenset(map(_text, urls)))

    # -- processes ------------------------------------------------------------------------------

    def heartbeat(self) -> None:
        """Say this process is alive for another :data:`LEASE_MS`."""
        self.server.set(self.worker_prefix + self.worker, "1", px=LEASE_MS)

    def keep_alive(self) -> None:
        """Beat on a thread of its own until :meth:`leave`: not in the reactor, which a slow
        store write (SQLite waiting for another process's transaction) can hold for seconds,
        long enough to pass for dead and have its leases fetched again by another process."""
        if self._beating is not None:
            return
        stop = threading.Event()
        self._beating = stop
        self._beater = threading.Thread(target=self._beat, args=(stop,), name="frontier-heartbeat", daemon=True)
        self._beater.start()

    def _beat(self, stop: threading.Event) -> None:
        while not stop.wait(BEAT_EVERY):
            try:
                self.heartbeat()
            except redis.RedisError as exc:  # the reactor's own calls will report it
                logger.warning("frontier heartbeat failed: %s", exc)

    def leave(self) -> None:
        """Stop beating, then remove the heartbeat: a beat still under way when asked to stop
        would otherwise set it again after its removal, and the leases this process leaves
        would wait for it to expire (or, with no other process, stay leased)."""
        if self._beating is not None:
            self._beating.set()
            self._beating = None
        if self._beater is not None:
            self._beater.join(timeout=LEASE_MS / 1000)
            self._beater = None
        self.server.delete(self.worker_prefix + self.worker)

    def other_workers(self) -> list[str]:
        """The other processes of this crawl that are alive (their heartbeat has not expired)."""
        names = (key.decode() if isinstance(key, bytes) else key
                 for key in self.server.scan_iter(match=self.worker_prefix + "*", count=1000))
        return sorted(name[len(self.worker_prefix):] for name in names
                      if name[len(self.worker_prefix):] != self.worker)

    # -- the queue ------------------------------------------------------------------------------

    def token(self) -> str:
        """A token no other of this process's leases or site slots has (``host:pid#n``): one
        counter for the process, whichever of its spiders and middlewares asks."""
        return f"{self.worker}#{next(self._tokens)}"

    def enqueue(self, source: str, fingerprint: str, score: float, data: bytes, dont_filter: bool) -> bool:
        """Queue an encoded request of ``source`` unless its fingerprint was seen (or ``dont_filter``);
        whether it was queued."""
        keys = [self.dupefilter_key(source), self.queue_key(source)]
        return bool(self._enqueue(keys=keys, args=[fingerprint, score, "1" if dont_filter else "0", data]))

    def lease(self, source: str, finished: list[str] | None = None) -> tuple[str, bytes] | None:
        """The next request (encoded) of ``source`` and its lease token, or None when its queue is
        empty; releases the leases ``finished`` first, in the same round trip."""
        token = self.token()
        data = self._lease(keys=[self.queue_key(source), self.inflight_key], args=[token, *(finished or ())])
        return (token, data) if data else None

    def release(self, tokens: list[str]) -> None:
        if tokens:
            self.server.hdel(self.inflight_key, *tokens)

    def give_back(self, tokens: list[str]) -> int:
        """Put these leases of this process back on their queues, unfinished; returns how many."""
        return int(self._give_back(keys=[self.inflight_key], args=tokens)) if tokens else 0

    def requeue_orphans(self) -> int:
        """Put the leases of processes that died back on their queues; returns how many."""
        return int(self._requeue(keys=[self.inflight_key], args=[self.worker_prefix]))

    def pending(self) -> tuple[int, int]:
        """Requests queued (for any source of the crawl), and requests leased (by any process)."""
        pipe = self.server.pipeline(transaction=True)
        for source in self.sources:
            pipe.zcard(self.queue_key(source))
        pipe.hlen(self.inflight_key)
        *queued, leased = pipe.execute()
        return sum(map(int, queued)), int(leased)

    # -- the shared crawl as a whole ------------------------------------------------------------

    def stage(self) -> str:
        """``new`` (nothing in Redis), ``finished`` (URLs seen, nothing left) or ``unfinished``."""
        queued, leased = self.pending()
        if queued or leased:
            return "unfinished"
        seen = self.server.exists(*(self.dupefilter_key(source) for source in self.sources))
        return "finished" if seen else "new"

    def clear(self) -> None:
        """Forget a finished shared crawl, so that the next one fetches everything again."""
        self.server.delete(self.inflight_key, self.started_key,
                           *(key for source in self.sources
                             for key in (self.queue_key(source), self.dupefilter_key(source),
                                         *self._listing_keys(source))))


def connect(address: FrontierAddress, sources: Sequence[str]) -> SharedFrontier:
    """This process's view of the shared crawl of ``sources`` at ``address``; one clear error if
    Redis does not answer."""
    try:
        server = redis.Redis.from_url(address.url, socket_connect_timeout=5, socket_timeout=30)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise FrontierError(f"cannot reach the frontier {address.redacted()}: {exc}") from None
    return SharedFrontier(server, address, sources)


def join(frontier: SharedFrontier, resume: bool) -> str:
    """Join the shared crawl under ``frontier``'s key, or start it; returns how (for the report).

    Another live process: join it. Otherwise, without ``resume``, an unfinished crawl is
    refused (``--resume`` continues it) and a finished one is cleared to start afresh; with
    ``resume``, there must be something to continue. Processes decide one at a time (a short
    lock in Redis), each with its heartbeat on: of processes started together after a finished
    crawl, one clears it and starts the next, the others join that one (deciding together,
    each saw the other alive and joined the finished crawl, which fetched nothing again).
    """
    with _deciding(frontier):
        frontier.heartbeat()
        try:
            how = _join(frontier, resume)
        except FrontierError:
            frontier.leave()  # a refused process must not pass for one crawling
            raise
        if how == "started":
            frontier.server.set(frontier.crawl_key, uuid.uuid4().hex)
            frontier.server.set(frontier.started_key, datetime.now(UTC).replace(tzinfo=None).isoformat())
        else:  # a crawl from before crawl ids were kept gets one now
            frontier.server.set(frontier.crawl_key, uuid.uuid4().hex, nx=True)
        frontier.crawl_id = _text(frontier.server.get(frontier.crawl_key))
    frontier.keep_alive()
    return how


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@contextmanager
def _deciding(frontier: SharedFrontier) -> Iterator[None]:
    """Hold the crawl's join lock (freed by itself after :data:`JOIN_LOCK_MS` if its holder dies)."""
    key, token = frontier.address.redis_key("joining"), f"{frontier.worker}#{uuid.uuid4().hex}"
    deadline = time.monotonic() + 2 * JOIN_LOCK_MS / 1000
    while not frontier.server.set(key, token, nx=True, px=JOIN_LOCK_MS):
        if time.monotonic() > deadline:
            raise FrontierError(f"another process holds the join lock {key!r} of the frontier: try again")
        time.sleep(0.05)
    try:
        yield
    finally:
        frontier.server.eval(_UNLOCK, 1, key, token)


def _join(frontier: SharedFrontier, resume: bool) -> str:
    key = frontier.address.key
    stage = frontier.stage()
    if frontier.other_workers():
        return "joined"
    if resume:
        if stage == "new":
            raise FrontierError(f"no shared crawl under frontier key {key!r} to resume")
        return "resumed"
    if stage == "unfinished":
        raise FrontierError(
            f"frontier key {key!r} holds an unfinished shared crawl and no process is crawling it: "
            "add --resume to continue it")
    if stage == "finished":
        frontier.clear()
    return "started"


__all__ = ["LEASE_MS", "PREFIX", "SharedFrontier", "SharedListing", "connect", "join", "this_worker"]
