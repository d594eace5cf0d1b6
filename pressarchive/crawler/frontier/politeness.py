"""Per-site politeness across every crawler process: slots and a next-allowed time per site in Redis.

Before a request leaves, it takes one of its site's ``CONCURRENT_REQUESTS_PER_DOMAIN`` slots
(a sorted set ``pressarchive:polite:<host>:slots``; a slot is given back with the response or
the failure, and freed by itself when its process's heartbeat is gone or after the download
timeout and 30 s), so that many requests at most are in flight to the site from all
processes together. Then a Lua script reserves the site's next free moment (the later of
now, by Redis's clock, and the last reservation plus the delay) and moves the mark on by
``PRESSARCHIVE_DOWNLOAD_DELAY``; the request waits until its moment. Reservations are
handed out one at a time by Redis, so N processes together send at most one request per
delay to a site. The keys are per site, not per crawl (``pressarchive:polite:<host>:next``):
two shared crawls against one site are paced together too.

Tolerance: a process sleeps on its own clock after asking Redis, so a request leaves a few
milliseconds after its moment (the script's round trip, the reactor's timer); one late
request followed by one on time can come closer than the delay by that lateness. A request
that wakes more than :data:`LATE` after its moment (the reactor was busy) reserves again; what
the reactor does between the wake-up and the socket write is not covered (a process starved
of CPU there was measured 110 ms late). The tests allow 50 ms, 150 ms for one gap in ten.
Scrapy's per-process delay and AutoThrottle are off in a frontier crawl (they would delay
requests after their reservation). A request Redis fails on its way out is not sent and not lost:
it is given up here and its lease goes back to the shared queue (``SharedFrontier.unsent``).
"""

from __future__ import annotations

import logging
import time

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import sleep

from pressarchive.crawler.context import crawl_context
from pressarchive.crawler.frontier.address import PREFIX
from pressarchive.crawler.frontier.shared import SharedFrontier
from pressarchive.urls import host_of

logger = logging.getLogger(__name__)

#: Seconds a request may leave after its reserved moment; later, it reserves a new one.
LATE = 0.02
#: Seconds between two tries for a free slot of a site whose requests are all in flight.
SLOT_POLL = 0.05
META_SLOT = "pressarchive_site_slot"

# Returns the milliseconds to wait; the mark expires a minute after it passes.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local mark = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, mark)
local nxt = at + tonumber(ARGV[1])
redis.call('SET', KEYS[1], nxt, 'PX', nxt - now + 60000)
return at - now
"""

# Takes one of the site's ARGV[1] slots for token ARGV[2] (the heartbeat key of its process,
# '#', a number) until ARGV[3] ms from now; 1 if taken. Slots past their time, and those of a
# process without heartbeat (killed), are freed first.
_ACQUIRE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, token in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local worker = string.match(token, '^(.*)#%d+$')
  if worker and redis.call('EXISTS', worker) == 0 then redis.call('ZREM', KEYS[1], token) end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 60000)
return 1
"""


def site_key(url: str, part: str = "next") -> str:
    return f"{PREFIX}:polite:{host_of(url)}:{part}"


class SharedPolitenessMiddleware:
    """Before each request: a free slot of its site (at most ``CONCURRENT_REQUESTS_PER_DOMAIN``
    in flight across every process), then the site's next free moment; the slot is given back
    with the response or the failure."""

    def __init__(self, frontier: SharedFrontier | None, delay: float, slots: int, timeout: float) -> None:
        self.delay_ms = int(round(delay * 1000))
        self.slots = slots
        self.slot_ms = int((timeout + 30) * 1000)  # a lost give-back frees itself after this
        self.frontier = frontier
        server = frontier.server if frontier is not None else None
        self._reserve = server.register_script(_RESERVE) if server is not None and self.delay_ms else None
        self._acquire = server.register_script(_ACQUIRE) if server is not None and slots else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        settings = crawler.settings
        return cls(crawl_context(crawler).frontier, settings.getfloat("PRESSARCHIVE_DOWNLOAD_DELAY"),
                   settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"), settings.getfloat("DOWNLOAD_TIMEOUT"))

    async def process_request(self, request: Request) -> None:
        try:
            await self._clear(request)
        except redis.RedisError as exc:
            # Not sent, and not lost: the scheduler puts its lease back on the shared queue.
            self._give_back(request)
            if self.frontier is not None:
                self.frontier.unsent.add(request)
            message = f"the shared frontier did not answer ({exc}): {request.url} goes back to the queue"
            raise IgnoreRequest(message) from exc

    async def _clear(self, request: Request) -> None:
        if self._acquire is not None and self.frontier is not None:
            token = self.frontier.worker_prefix + self.frontier.token()  # unique across this process's spiders
            while not self._acquire(keys=[site_key(request.url, "slots")], args=[self.slots, token, self.slot_ms]):
                await sleep(SLOT_POLL)
            request.meta[META_SLOT] = token
        if self._reserve is not None:
            await self._wait_for_moment(site_key(request.url))

    async def _wait_for_moment(self, key: str) -> None:
        while True:
            wait_ms = int(self._reserve(keys=[key], args=[self.delay_ms]))  # type: ignore[misc]
            moment = time.monotonic() + wait_ms / 1000
            if wait_ms > 0:
                await sleep(wait_ms / 1000)
            # A reactor busy elsewhere (a slow store write) wakes sleepers late, all at once:
            # a request that missed its moment gives it up and asks for a new one.
            if time.monotonic() - moment <= LATE:
                return

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._give_back(request)

    def _give_back(self, request: Request) -> None:
        token = request.meta.pop(META_SLOT, None)
        if token is None or self.frontier is None:
            return
        try:
            self.frontier.server.zrem(site_key(request.url, "slots"), token)
        except redis.RedisError as exc:  # the response stands; the slot frees itself in time
            logger.warning("could not give back a slot of %s: %s", host_of(request.url), exc)
