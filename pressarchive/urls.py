"""URL canonicalisation shared by the crawler (what to request) and the store (what a document is).

One press release reached as ``/a?utm_source=rss``, ``/a#top`` and ``/a`` must be one document,
so every stage keys URLs through :func:`canonical_url`. courlan knows the tracking parameters,
w3lib the RFC details (dot segments, percent-encoding, query order). Session ids (a Java
``;jsessionid=`` path parameter, an ASP.NET ``/(S(...))/`` segment, ``PHPSESSID`` and its
kin in the query) and print-view switches (``print=1``) are dropped here too, conservatively:
a ``sid`` is only a session id when it looks like one (a long token, not a short number, which
some CMSs use as the story id), and ``view``/``format``-style parameters only when their value
is ``print``. Trailing slashes and ``index.html`` are kept: whether they name the same page is
the site's to say (``<link rel="canonical">``), not a rule that holds everywhere.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url
from w3lib.url import canonicalize_url

#: Query parameters that only ever carry a session id (compared in lower case).
SESSION_PARAMS = frozenset({
    "jsessionid", "phpsessid", "sessionid", "session_id", "sessid", "aspsessionid",
    "cfid", "cftoken", "oscsid", "zenid",
})
#: Parameters that are a session id only when the value looks like one: ``sid=4711`` is a story.
_AMBIGUOUS_SESSION_PARAMS = frozenset({"sid", "s_id"})
_SESSION_TOKEN = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9_-]{16,}$")
#: Switches to a printer-friendly rendering of the same page, with the values that mean "on".
_PRINT_SWITCHES = frozenset({"print", "printable", "printer_friendly", "printerfriendly", "printview"})
_ON = frozenset({"", "1", "true", "yes", "y", "on"})
#: Parameters naming a rendering, dropped when that rendering is "print".
_RENDERING_PARAMS = frozenset({"view", "format", "layout", "output", "mode", "display", "version"})
_PRINT_VALUES = frozenset({"print", "printable", "printer", "printview"})

# ";jsessionid=..." (or another session parameter) at the end of a path segment.
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/;?#]*", re.IGNORECASE)
# ASP.NET cookieless sessions: "/(S(lit3py55t21z5v55vlm25s55))/" or "/(X(1)S(...))/".
_ASPNET_SESSION = re.compile(r"/\((?:[A-Z]\([^()/]*\))+\)(?=/|$)")


def _is_session_or_print(name: str, value: str) -> bool:
    key = name.lower()
    if key in SESSION_PARAMS or key.startswith("aspsessionid"):
        return True
    if key in _AMBIGUOUS_SESSION_PARAMS:
        return bool(_SESSION_TOKEN.match(value))
    if key in _PRINT_SWITCHES:
        return value.lower() in _ON
    return key in _RENDERING_PARAMS and value.lower() in _PRINT_VALUES


def strip_session_ids(url: str) -> str:
    """``url`` without session ids in its path or query and without print-view switches."""
    parts = urlsplit(url)
    path = _ASPNET_SESSION.sub("", _PATH_SESSION.sub("", parts.path))
    if parts.path and not path:
        path = "/"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(name, value) for name, value in pairs if not _is_session_or_print(name, value)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    if path == parts.path and query == parts.query:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


# A crawl canonicalises each URL several times (routing, listings, the release, the store).
@functools.lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """The URL without tracking parameters, session ids or fragment, with a normalised host and query."""
    url = strip_session_ids(url.strip())
    try:
        cleaned = normalize_url(url)
    except (ValueError, AttributeError):
        cleaned = url
    return canonicalize_url(cleaned, keep_fragments=False)


def is_http_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host (what ``add`` accepts)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bracketed host that is no IPv6 address: "http://[x"
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` (no port), or ``""``."""
    return (urlsplit(url).hostname or "").lower()
