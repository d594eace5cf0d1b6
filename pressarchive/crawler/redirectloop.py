"""``RedirectLoopMiddleware``: Scrapy's redirects, with loops cut at once and counted.

Scrapy's ``RedirectMiddleware`` (which this replaces, at the same place) stops after
``REDIRECT_MAX_TIMES`` hops and a loop back to a URL already fetched is dropped silently by
the duplicate filter, so a summary would never say why a page is missing. Here a redirect to a
URL already in the request's redirect chain (compared canonically) is refused as
``pressarchive/errors/redirect_loop`` at the first repeat, and a chain that exceeds
``REDIRECT_MAX_TIMES`` is counted as ``pressarchive/errors/too_many_redirects``.

Settings: ``REDIRECT_MAX_TIMES`` (and Scrapy's other ``REDIRECT_*`` settings).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from pressarchive.urls import canonical_url


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL of the same chain."""


class RedirectLoopMiddleware(RedirectMiddleware):
    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        try:
            result = super().process_response(request, response)
        except IgnoreRequest:  # REDIRECT_MAX_TIMES reached
            self._count("too_many_redirects")
            raise
        if isinstance(result, Request):
            chain = {canonical_url(url) for url in (*request.meta.get("redirect_urls", ()), request.url)}
            if canonical_url(result.url) in chain:
                self._count("redirect_loop")
                raise RedirectLoop(f"redirect loop: {request.url} -> {result.url}")
        return result

    def _count(self, kind: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"pressarchive/errors/{kind}")
