"""Per-site politeness across every crawler process: one next-allowed time per site in Redis.

Before a request leaves, a Lua script reserves the site's next free moment (the later of
now, by Redis's clock, and the last reservation plus the delay) and moves the mark on by
``PRESSARCHIVE_DOWNLOAD_DELAY``; the request waits until its moment. Reservations are
handed out one at a time by Redis, so N processes together send at most one request per
delay to a site. The key is per site, not per crawl (``pressarchive:polite:<host>``): two
shared crawls against one site are paced together too.

Tolerance: a process sleeps on its own clock after asking Redis, so a request leaves a few
milliseconds after its moment (the script's round trip, the reactor's timer); one late
request followed by one on time can come closer than the delay by that lateness. A request
that wakes more than :data:`LATE` after its moment (the reactor was busy) reserves again; what
the reactor does between the wake-up and the socket write is not covered. The tests allow
50 ms. Scrapy's per-process delay and AutoThrottle are off in a frontier crawl (they would
delay requests after their reservation); ``CONCURRENT_REQUESTS_PER_DOMAIN`` still applies
per process, not across them.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import sleep

from pressarchive.crawler.context import crawl_context
from pressarchive.crawler.frontier.address import PREFIX
from pressarchive.urls import host_of

#: Seconds a request may leave after its reserved moment; later, it reserves a new one.
LATE = 0.02

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


def site_key(url: str) -> str:
    return f"{PREFIX}:polite:{host_of(url)}"


class SharedPolitenessMiddleware:
    """Waits for the site's next free moment, shared by all processes, before each request."""

    def __init__(self, server: Any, delay: float) -> None:
        self.delay_ms = int(round(delay * 1000))
        self._reserve = server.register_script(_RESERVE) if server is not None and self.delay_ms else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        frontier = crawl_context(crawler).frontier
        server = frontier.server if frontier is not None else None
        return cls(server, crawler.settings.getfloat("PRESSARCHIVE_DOWNLOAD_DELAY"))

    async def process_request(self, request: Request) -> None:
        if self._reserve is None:
            return
        key = site_key(request.url)
        while True:
            wait_ms = int(self._reserve(keys=[key], args=[self.delay_ms]))
            moment = time.monotonic() + wait_ms / 1000
            if wait_ms > 0:
                await sleep(wait_ms / 1000)
            # A reactor busy elsewhere (a slow store write) wakes sleepers late, all at once:
            # a request that missed its moment gives it up and asks for a new one.
            if time.monotonic() - moment <= LATE:
                return
