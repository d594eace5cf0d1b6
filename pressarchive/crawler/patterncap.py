"""``PatternCapMiddleware``: crawler traps end when one URL pattern has been followed enough.

A calendar that links the previous and next month forever, or pagination that answers every
``?page=N``, is an endless supply of new URLs the duplicate filter cannot stop, and
``DEPTH_LIMIT`` only stops once the trap is that deep (and lets branching traps grow wide).
This spider middleware groups the links a page yields by their *shape*, the URL with every
run of digits (and the word around it) replaced and the query reduced to its parameter
names, so ``/list?page=7`` and ``/list?page=8`` or ``/calendar/2019/11`` and
``/calendar/2031/04`` are one shape, and lets at most ``PRESSARCHIVE_MAX_PER_PATTERN``
distinct URLs of one shape through. Only requests of the same kind as the page that links them
(the same callback: a listing linking listings, a sitemap index linking sitemaps) are
counted, because that recursion is what a trap is; releases linked from listings are leaves
and never capped, however many share a shape. Refusals are counted as
``pressarchive/skipped/trap``, and the first refusal of each shape is logged.

Settings: ``PRESSARCHIVE_MAX_PER_PATTERN`` (0: no cap).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.statscollectors import StatsCollector

from pressarchive.crawler.settings import SETTINGS

logger = logging.getLogger(__name__)

_WITH_DIGITS = re.compile(r"[0-9A-Za-z]*[0-9][0-9A-Za-z]*")


def url_shape(url: str) -> str:
    """``url`` with numbered words replaced by ``N`` and the query reduced to sorted names."""
    parts = urlsplit(url)
    path = _WITH_DIGITS.sub("N", parts.path)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    shape = f"{(parts.hostname or '').lower()}{path}"
    return f"{shape}?{'&'.join(names)}" if names else shape


class PatternCapMiddleware(BaseSpiderMiddleware):
    def __init__(self, max_per_pattern: int, stats: StatsCollector | None = None) -> None:
        self.max_per_pattern = max_per_pattern
        self.stats = stats
        self.urls: defaultdict[str, set[str]] = defaultdict(set)
        self._reported: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PatternCapMiddleware:
        name = "PRESSARCHIVE_MAX_PER_PATTERN"
        return cls(crawler.settings.getint(name, SETTINGS[name].default), crawler.stats)

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        parent = response.request if response is not None else None
        if not self.max_per_pattern or parent is None or request.callback != parent.callback:
            return request
        shape = url_shape(request.url)
        seen = self.urls[shape]
        if request.url in seen:  # a link seen before: the duplicate filter's business, not a new page
            return request
        if len(seen) >= self.max_per_pattern:
            if shape not in self._reported:
                self._reported.add(shape)
                logger.warning("crawler trap? %d pages of the pattern %s followed, no more: %s",
                               self.max_per_pattern, shape, request.url)
            if self.stats is not None:
                self.stats.inc_value("pressarchive/skipped/trap")
            return None
        seen.add(request.url)
        return request
