"""``StrictRobotsTxtMiddleware``: a robots.txt that cannot be read forbids the site for the run.

Scrapy allows everything when robots.txt fails, whatever the failure. The robots standard
(RFC 9309) says an *unreachable* robots.txt (a 5xx) means "disallow all", and only an
*unavailable* one (a 4xx, 404 included) means "allow all". So here a robots.txt is unreadable,
and its site disallowed for this run, when it answers 5xx, times out or is cut short, or
answers 2xx with a page instead of text (an HTML or XML Content-Type, or a body starting
with ``<``: a maintenance or login page). The crawl counts it as error ``robots_unreadable``
with the reason, and the source's crawl is reported as failed (exit status 1). A 4xx, a host
that does not resolve or refuses the connection (its pages fail the same way and are counted
as such) and a robots.txt the crawl itself refused keep Scrapy's "allow all".

A robots.txt is only fetched for a host inside the spider's allowed domains: a request for
another host is refused by :class:`~pressarchive.crawler.offsite.AllowedDomainsMiddleware`
anyway, and asking that host for its robots.txt would already leave the source.

Scrapy offers no public hook for a robots.txt's status or failure; the three private members
used here (``_parsers``, ``_parse_robots``, ``_robots_error``) are used in this module only,
and ``tests/test_allowed_domains.py`` fails loudly if Scrapy changes them.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from pressarchive.crawler.errors import error_kind
from pressarchive.crawler.offsite import spider_domains, url_allowed

STAT = "pressarchive/errors/robots_unreadable"
REASON_STAT = "pressarchive/robots_unreadable"  # the first unreadable robots.txt, in words
#: Failures that mean the robots.txt exists but could not be read in full.
_UNREADABLE_KINDS = {"timeout", "data_loss", "no_response"}


class DisallowAll(RobotParser):
    """The parser of a site whose robots.txt could not be read: nothing is allowed."""

    def __init__(self) -> None:  # noqa: D107 - nothing to parse
        pass

    @classmethod
    def from_crawler(cls, crawler: object, robotstxt_body: bytes) -> DisallowAll:
        return cls()

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


def unreadable_reason(response: Response) -> str:
    """Why ``response`` cannot serve as a robots.txt, or ``""`` when it can (4xx: allow all)."""
    if response.status >= 500:
        return f"HTTP {response.status}"
    if not 200 <= response.status < 300:
        return ""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    if "html" in content_type or "xml" in content_type or response.body.lstrip()[:1] == b"<":
        return f"a page ({content_type or 'no Content-Type'}), not a robots.txt"
    return ""


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        if not url_allowed(request.url, spider_domains(self.crawler.spider)):
            return None  # refused as offsite further down; its host is not asked anything
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        reason = unreadable_reason(response)
        if reason:
            self._disallow(netloc, response.url, reason)
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        kind = error_kind(Failure(exc))
        if kind in _UNREADABLE_KINDS:
            self._disallow(netloc, f"{netloc}/robots.txt", kind.replace("_", " "))
            return
        super()._robots_error(exc, netloc)

    def _disallow(self, netloc: str, url: str, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(STAT)
        message = f"robots.txt at {url} could not be read ({reason}): the site is treated as disallowed"
        if not stats.get_value(REASON_STAT):
            stats.set_value(REASON_STAT, message)
        if not stats.get_value("pressarchive/first_error"):
            stats.set_value("pressarchive/first_error", message)
        waiting = self._parsers[netloc]
        parser = DisallowAll()
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)
