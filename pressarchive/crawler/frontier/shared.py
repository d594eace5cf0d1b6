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

Needs a single Redis server (the scripts name keys they compute; not Redis Cluster).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from itertools import count
from typing import Any

import redis

from pressarchive.crawler.frontier.address import PREFIX, FrontierAddress, FrontierError

#: Milliseconds a process's heartbeat lives; a process silent this long is taken for dead.
logger = logging.getLogger(__name__)

LEASE_MS = 5000
#: Seconds between two heartbeats.
BEAT_EVERY = LEASE_MS / 5000

# Pop the best request into the in-flight hash (score, newline, the encoded request).
_LEASE = """
local best = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #best == 0 then return false end
redis.call('ZREM', KEYS[1], best[1])
redis.call('HSET', KEYS[2], ARGV[1], best[2] .. '\\n' .. best[1])
return best[1]
"""

# Every lease whose process has no heartbeat goes back to the queue; returns how many.
_REQUEUE = """
local entries = redis.call('HGETALL', KEYS[2])
local moved = 0
for i = 1, #entries, 2 do
  local token, value = entries[i], entries[i + 1]
  local worker = string.match(token, '^(.*)#%d+$')
  if worker and redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    local cut = string.find(value, '\\n', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(value, 1, cut - 1), string.sub(value, cut + 1))
    redis.call('HDEL', KEYS[2], token)
    moved = moved + 1
  end
end
return moved
"""


def this_worker() -> str:
    """``host:pid``: this process among the shared crawl's processes (``runs.worker``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class SharedFrontier:
    """One shared crawl's keys in Redis, seen from one process (``worker``)."""

    def __init__(self, server: Any, address: FrontierAddress, worker: str | None = None) -> None:
        self.server = server
        self.address = address
        self.worker = worker or this_worker()
        self.requests_key = address.redis_key("requests")
        self.dupefilter_key = address.redis_key("dupefilter")
        self.inflight_key = address.redis_key("inflight")
        self.worker_prefix = address.redis_key("worker:")
        self._tokens = count(1)
        self._beating: threading.Event | None = None
        self._lease = server.register_script(_LEASE)
        self._requeue = server.register_script(_REQUEUE)

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
        threading.Thread(target=self._beat, args=(stop,), name="frontier-heartbeat", daemon=True).start()

    def _beat(self, stop: threading.Event) -> None:
        while not stop.wait(BEAT_EVERY):
            try:
                self.heartbeat()
            except redis.RedisError as exc:  # the reactor's own calls will report it
                logger.warning("frontier heartbeat failed: %s", exc)

    def leave(self) -> None:
        if self._beating is not None:
            self._beating.set()
            self._beating = None
        self.server.delete(self.worker_prefix + self.worker)

    def other_workers(self) -> list[str]:
        """The other processes of this crawl that are alive (their heartbeat has not expired)."""
        names = (key.decode() if isinstance(key, bytes) else key
                 for key in self.server.scan_iter(match=self.worker_prefix + "*", count=1000))
        return sorted(name[len(self.worker_prefix):] for name in names
                      if name[len(self.worker_prefix):] != self.worker)

    # -- the queue ------------------------------------------------------------------------------

    def lease(self) -> tuple[str, bytes] | None:
        """The next request (encoded) and its lease token, or None when the queue is empty."""
        token = f"{self.worker}#{next(self._tokens)}"
        data = self._lease(keys=[self.requests_key, self.inflight_key], args=[token])
        return (token, data) if data else None

    def release(self, tokens: list[str]) -> None:
        if tokens:
            self.server.hdel(self.inflight_key, *tokens)

    def requeue_orphans(self) -> int:
        """Put the leases of processes that died back on the queue; returns how many."""
        return int(self._requeue(keys=[self.requests_key, self.inflight_key], args=[self.worker_prefix]))

    def pending(self) -> tuple[int, int]:
        """Requests queued, and requests leased (by any process)."""
        pipe = self.server.pipeline(transaction=True)
        pipe.zcard(self.requests_key)
        pipe.hlen(self.inflight_key)
        queued, leased = pipe.execute()
        return int(queued), int(leased)

    # -- the shared crawl as a whole ------------------------------------------------------------

    def stage(self) -> str:
        """``new`` (nothing in Redis), ``finished`` (URLs seen, nothing left) or ``unfinished``."""
        queued, leased = self.pending()
        if queued or leased:
            return "unfinished"
        return "finished" if self.server.exists(self.dupefilter_key) else "new"

    def clear(self) -> None:
        """Forget a finished shared crawl, so that the next one fetches everything again."""
        self.server.delete(self.requests_key, self.dupefilter_key, self.inflight_key)


def connect(address: FrontierAddress) -> SharedFrontier:
    """This process's view of the shared crawl at ``address``; one clear error if Redis does not answer."""
    try:
        server = redis.Redis.from_url(address.url, socket_connect_timeout=5, socket_timeout=30)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise FrontierError(f"cannot reach the frontier {address.redacted()}: {exc}") from None
    return SharedFrontier(server, address)


def join(frontier: SharedFrontier, resume: bool) -> str:
    """Join the shared crawl under ``frontier``'s key, or start it; returns how (for the report).

    Another live process: join it. Otherwise, without ``resume``, an unfinished crawl is
    refused (``--resume`` continues it) and a finished one is cleared to start afresh; with
    ``resume``, there must be something to continue. The heartbeat comes first, so two
    processes starting together see each other and neither clears what the other seeds.
    """
    frontier.heartbeat()
    try:
        how = _join(frontier, resume)
    except FrontierError:
        frontier.leave()  # a refused process must not pass for one crawling
        raise
    frontier.keep_alive()
    return how


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


__all__ = ["LEASE_MS", "PREFIX", "SharedFrontier", "connect", "join", "this_worker"]
