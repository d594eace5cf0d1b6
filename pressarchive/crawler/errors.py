"""Naming why a request failed, so a crawl summary can count errors by kind.

Scrapy 2.13+ wraps network failures in its own exceptions; older versions raise Twisted's.
Both map to the same short names.
"""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived


def _kinds() -> list[tuple[tuple[type[BaseException], ...], str]]:
    def named(module: object, *names: str) -> tuple[type[BaseException], ...]:
        return tuple(getattr(module, name) for name in names if hasattr(module, name))

    scrapy_, twisted_ = scrapy_errors, twisted_errors
    return [
        (named(scrapy_, "CannotResolveHostError") + named(twisted_, "DNSLookupError"), "dns"),
        (named(scrapy_, "DownloadConnectionRefusedError") + named(twisted_, "ConnectionRefusedError"),
         "connection_refused"),
        (named(scrapy_, "DownloadTimeoutError") + named(twisted_, "TimeoutError", "TCPTimedOutError"), "timeout"),
        (named(scrapy_, "ResponseDataLossError"), "data_loss"),
        ((ResponseNeverReceived,) + named(scrapy_, "DownloadFailedError"), "no_response"),
    ]


_KINDS = _kinds()


def error_kind(failure: Failure) -> str | None:
    """A short name for what went wrong, or None when the request was skipped on purpose."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return None
    for classes, kind in _KINDS:
        if classes and failure.check(*classes):
            return kind
    return type(failure.value).__name__.lower()
