"""URL canonicalisation shared by the crawler (what to request) and the store (what a document is).

One press release reached as ``/a?utm_source=rss``, ``/a#top`` and ``/a`` must be one document,
so every stage keys URLs through :func:`canonical_url`. courlan knows the tracking parameters,
w3lib the RFC details (dot segments, percent-encoding, query order).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from courlan import normalize_url
from w3lib.url import canonicalize_url


def canonical_url(url: str) -> str:
    """The URL without tracking parameters or fragment, with a normalised host and query."""
    try:
        cleaned = normalize_url(url.strip())
    except (ValueError, AttributeError):
        cleaned = url.strip()
    return canonicalize_url(cleaned, keep_fragments=False)


def is_http_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host (what ``add`` accepts)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` (no port), or ``""``."""
    return (urlsplit(url).hostname or "").lower()
