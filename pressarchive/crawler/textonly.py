"""``TextOnlyMiddleware``: the downloader middleware that enforces the text-only policy.

It refuses media URLs and ``.onion`` hosts before they are requested, stops a download as
soon as its headers announce a media type or an unknown Content-Encoding, and cuts the
connection as soon as the first bytes of the body (decoded, as they arrive through the
``bytes_received`` signal) show a media file, so such a body is never downloaded in full. The
complete body is judged once more before the capture middleware (which runs after this one on
responses) can write it to a WARC file: that check also covers downloads that end before
enough bytes arrived and handlers that send no signals. Every refusal is counted under
``pressarchive/skipped/<reason>`` (``media_extension``, ``onion``, ``content_type``,
``media_body``, ``undecodable``) so the crawl summary and its JSON report say why.

Settings: ``DOWNLOAD_MAXSIZE`` (the size cap, set from ``PRESSARCHIVE_MAX_BODY_SIZE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary, WeakSet

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from pressarchive.crawler.decoding import Undecodable, content_codings
from pressarchive.crawler.media import (
    HEAD_BYTES,
    body_media_kind,
    content_head,
    is_allowed_content_type,
    is_denied_url,
    media_kind,
)

#: Raw bytes of one download watched as they arrive. A head that has not decoded to
#: :data:`HEAD_BYTES` by then (padding, skippable frames) is left to the check of the
#: complete body, which judges the same decoded head.
WATCH_BYTES = 2**20


class RefusedResponse(IgnoreRequest):
    """A response the text-only policy will not keep; ``reason`` as counted (``media_body``, ...)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Refusal(StopDownload):
    """Raised from a download signal: Scrapy cuts the connection and fails the download."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(fail=True)
        self.reason = reason
        self.detail = detail


@dataclass
class _Download:
    """What one download in flight has received so far, until its head is judged."""

    codings: list[str]
    received: bytearray = field(default_factory=bytearray)


class TextOnlyMiddleware:
    def __init__(self, stats: StatsCollector | None = None, head_bytes: int = HEAD_BYTES,
                 watch_bytes: int = WATCH_BYTES) -> None:
        self.stats = stats
        self.head_bytes = head_bytes
        self.watch_bytes = watch_bytes
        # Keyed by the request object: a retry is a new object, so it starts afresh.
        self._downloads: WeakKeyDictionary[Request, _Download] = WeakKeyDictionary()
        # Downloads whose full head was judged text as it arrived: judging it again would
        # decode the same bytes to the same verdict.
        self._judged: WeakSet[Request] = WeakSet()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TextOnlyMiddleware:
        middleware = cls(crawler.stats)
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def skip(self, reason: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"pressarchive/skipped/{reason}")

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        reason = is_denied_url(request.url)
        if reason:
            self.skip(reason)
            raise IgnoreRequest(f"text-only policy: {reason}: {request.url}")

    # -- while the download runs ---------------------------------------------------------------

    def headers_received(self, headers: Any, body_length: int, request: Request, spider: Spider) -> None:
        content_type = _header(headers, "Content-Type")
        if not is_allowed_content_type(content_type):
            raise Refusal("content_type", f"Content-Type {content_type!r}")
        try:
            codings = content_codings(_header(headers, "Content-Encoding"))
        except Undecodable as error:
            if body_length == 0:
                return  # a redirect or a 304: no body to decode
            raise Refusal("undecodable", str(error)) from error
        self._downloads[request] = _Download(codings)

    def bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        download = self._downloads.get(request)
        if download is None:
            return  # judged already (or no headers seen): the complete body is checked anyway
        download.received += data
        try:
            head = content_head(bytes(download.received), download.codings, self.head_bytes)
        except Undecodable as error:
            del self._downloads[request]
            raise Refusal("undecodable", str(error)) from error
        kind = media_kind(head)
        if kind is not None:
            del self._downloads[request]
            raise Refusal("media_body", f"body is {kind}")
        if len(head) >= self.head_bytes:
            del self._downloads[request]  # a text head: the rest streams in unwatched
            self._judged.add(request)
        elif len(download.received) >= self.watch_bytes:
            del self._downloads[request]  # left to the check of the complete body

    # -- once it has ended ---------------------------------------------------------------------

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        self._downloads.pop(request, None)
        if request in self._judged:
            self._judged.discard(request)
            return response
        reason, detail = _refusal(response)
        if reason:
            self.skip(reason)
            raise RefusedResponse(reason, f"text-only policy: {detail}: {response.url}")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        self._downloads.pop(request, None)
        self._judged.discard(request)
        if isinstance(exception, Refusal):
            self.skip(exception.reason)
            raise RefusedResponse(exception.reason, f"text-only policy: {exception.detail}: {request.url}") \
                from exception


def _refusal(response: Response) -> tuple[str, str]:
    """Why the complete ``response`` must not be kept, as (reason, detail), or ``("", "")``."""
    content_type = _header(response.headers, "Content-Type")
    if not is_allowed_content_type(content_type):
        return "content_type", f"Content-Type {content_type!r}"
    if not response.body:
        return "", ""  # a redirect, a 304 or a HEAD answer: nothing to judge or decode
    try:
        kind = body_media_kind(response.body, content_codings(_header(response.headers, "Content-Encoding")))
    except Undecodable as error:
        return "undecodable", str(error)
    return ("media_body", f"body is {kind}") if kind else ("", "")


def _header(headers: Any, name: str) -> str:
    """A header's values joined as one (several Content-Encoding lines are one list)."""
    values = headers.getlist(name) if headers is not None else []
    return ", ".join(value.decode("latin-1") if isinstance(value, bytes) else value for value in values)
