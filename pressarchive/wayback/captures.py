"""A Wayback capture fetched raw (``id_`` mode) as a :class:`~pressarchive.imports.ForeignResponse`.

``/web/<timestamp>id_/<original>`` answers with the archived payload and the archived
Content-Type; the other archived headers come prefixed ``X-Archive-Orig-`` beside the Wayback
Machine's own. The import keeps the archived ones under their own names, except those that
describe the transfer rather than the page (the body it gets is the one received, its content
coding undone by the client where it could: a Content-Encoding the client left in place is
kept, so the body and its headers always agree).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from http import HTTPStatus

from pressarchive.imports import ForeignResponse
from pressarchive.urls import canonical_url
from pressarchive.wayback.cdx import CdxError, capture_time

ORIGIN_PREFIX = "wayback:"
ARCHIVED_PREFIX = "x-archive-orig-"
#: Archived headers about the archived transfer, not the page: they would lie about this body.
_TRANSFER = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive",
                       "content-type"})
#: The capture's own headers that describe the body as received.
_OWN = ("content-type", "content-encoding")
_CAPTURE_PATH = re.compile(r"/web/(\d{14})id_/(.+)$")


def capture_url(base: str, timestamp: str, original: str) -> str:
    """Where the Wayback Machine at ``base`` serves a capture's raw payload."""
    return f"{base.rstrip('/')}/web/{timestamp}id_/{original}"


def origin_of(url: str) -> str:
    """The provenance an imported capture keeps: the ``id_`` URL it was fetched from."""
    return ORIGIN_PREFIX + url


def parse_capture_url(url: str) -> tuple[datetime, str] | None:
    """The capture time and original URL an ``id_`` URL names (after a redirect to a nearby
    capture they differ from those listed), or None if ``url`` is no such URL."""
    match = _CAPTURE_PATH.search(url)
    if match is None:
        return None
    try:
        return capture_time(match[1]), match[2]
    except CdxError:
        return None


def archived_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The archived page's headers from an ``id_`` response's headers (see the module docstring)."""
    own, archived = [], []
    for name, value in headers:
        lower = name.lower()
        if lower in _OWN:
            own.append((name, value))
        elif lower.startswith(ARCHIVED_PREFIX) and lower[len(ARCHIVED_PREFIX):] not in _TRANSFER:
            archived.append((name[len(ARCHIVED_PREFIX):], value))
    return tuple(own + archived)


def foreign_response(url: str, captured_at: datetime, original: str, status: int,
                     headers: Iterable[tuple[str, str]], body: bytes, source: str | None) -> ForeignResponse:
    """The capture fetched from ``url`` as the import session takes it.

    The page's URL is the original in the crawler's canonical form (the CDX API lists
    ``http://host:80/a?utm_source=x`` where a crawl would have asked for ``http://host/a``), so
    a capture is compared with the archive's own under the same URL.
    """
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return ForeignResponse(url=canonical_url(original), captured_at=captured_at, status=status, reason=reason,
                           headers=archived_headers(headers), body=body, origin=origin_of(url), source=source)
