"""Naming why a request failed, so a crawl summary can count errors by kind."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived


def error_kind(failure: Failure) -> str | None:
    """A short name for what went wrong, or None when the request was skipped on purpose."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return None
    if failure.check(DNSLookupError):
        return "dns"
    if failure.check(ConnectionRefusedError):
        return "connection_refused"
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timeout"
    if failure.check(ResponseNeverReceived):
        return "no_response"
    return type(failure.value).__name__.lower()
