"""What the reconnaissance spiders (discovery, checks) record about a fetch: the HTTP status,
the redirects on the way, and a short human reason when there was no usable response.

Shared by :mod:`pressarchive.discovery.discovery_spider` and :mod:`pressarchive.discovery.check_spider` so
both describe a refused or failed request in the same words.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from pressarchive.crawler.errors import error_kind

#: Meta key that exempts a request from robots.txt: only used to read robots.txt itself.
NO_ROBOTS = {"dont_obey_robotstxt": True}

_REASONS = {
    "dns": "host not found",
    "connection_refused": "connection refused",
    "timeout": "timed out",
    "data_loss": "response cut short",
    "no_response": "no response",
}


def robots_url(url: str) -> str:
    """The robots.txt of the site serving ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def redirect_statuses(response: Response) -> list[int]:
    """The statuses of the redirects that led to ``response``, oldest first."""
    return [int(status) for status in response.meta.get("redirect_reasons", []) if isinstance(status, int)]


def failure_status(failure: Failure) -> int:
    """The HTTP status of a failed request that still got a response (4xx, 5xx), else 0."""
    if failure.check(HttpError):
        return int(failure.value.response.status)
    return 0


def failure_reason(failure: Failure) -> str:
    """A few words on why a request gave no usable response."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    kind = error_kind(failure)
    if kind is None:  # an IgnoreRequest: robots.txt, the text-only policy, the page budget
        message = failure.getErrorMessage()
        if "robots.txt" in message.lower():
            return "forbidden by robots.txt"
        if "text-only" in message:
            return "refused by the text-only policy"
        if "budget" in message:
            return "page budget spent"
        if "offsite" in message.lower():
            return "outside the allowed domains"
        return message or "not fetched"
    return _REASONS.get(kind, kind.replace("_", " "))
