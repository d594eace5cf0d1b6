"""What the archive holds of a URL, by time: the captures behind Memento (RFC 7089) and ``cdx``.

The captures come from the CDXJ index (:mod:`pressarchive.warc.cdxj`), found by SURT key and
time without reading the WARC files; a memento's body is then read from its WARC record. The
URL a person or a Memento client gives arrives mangled in the ways URLs in paths are: slashes
collapsed by a proxy (``http:/example.org``), the whole URL percent-encoded, no scheme.
:func:`requested_url` undoes those and refuses anything that is not an http(s) URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound, UserError
from pressarchive.provenance import read_record
from pressarchive.store import StoredDocument
from pressarchive.warc import ArchivedResponse
from pressarchive.warc.cdxj import TIMESTAMP_FORMAT, CdxjEntry, lookup, lookup_many, posix_seconds

#: The longest URL looked up (browsers and archives stop near there too).
MAX_URL_LENGTH = 4096
_COLLAPSED = re.compile(r"^(https?):/*", re.IGNORECASE)
#: A scheme (``mailto:``, ``javascript:``), told from a host and port (``example.org:8080``).
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)
_ENCODED = re.compile(r"^https?%3a", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
#: A host name (international ones too) or an IP address: no escapes, spaces or punctuation.
_HOST = re.compile(r"^(?:[\w-]+(?:\.[\w-]+)*\.?|[0-9a-f]*:[0-9a-f:.]*)$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HTTP_DATE = re.compile(
    rf"^(?:{'|'.join(_WEEKDAYS)}), (\d{{2}}) ({'|'.join(_MONTHS)}) (\d{{4}}) (\d{{2}}):(\d{{2}}):(\d{{2}}) GMT$"
)
_TIMESTAMP = re.compile(r"^\d{4,14}$")
HTTP_DATE_EXAMPLE = "Thu, 31 May 2007 20:35:00 GMT"


def requested_url(raw: str, query: str = "") -> str:
    """The http(s) URL named by ``raw`` (a path's tail, as sent) and the request's ``query``;
    a :class:`UserError` (400) for anything else."""
    text = raw.strip()
    if _ENCODED.match(text):  # the whole URL percent-encoded, as some clients send it
        text = unquote(text)
    if query:
        text = f"{text}?{query}"
    if not _COLLAPSED.match(text):
        if _OTHER_SCHEME.match(text):
            raise _bad_url(raw)
        text = "http://" + text.lstrip("/")  # a bare host and path: SURT keys ignore the scheme anyway
    text = _COLLAPSED.sub(lambda match: f"{match.group(1).lower()}://", text, count=1)
    if len(text) > MAX_URL_LENGTH:
        raise UserError(f"URL too long: {len(text)} characters (at most {MAX_URL_LENGTH})", parameter="url")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a bad port raises here
        text = _host_decoded(text, parts.netloc)
        host = ascii_host(urlsplit(text).hostname or "")
    except ValueError:
        raise _bad_url(raw) from None
    if _CONTROL.search(text) or not _HOST.match(host):
        raise _bad_url(raw)
    return text


def _host_decoded(text: str, netloc: str) -> str:
    """``text`` with the percent-escapes of its host undone: :func:`pressarchive.web.urls.safe_url`
    writes an international host (``bücher.example``) as ``b%C3%BCcher.example``, and the
    app's own links must lead back to the URL as it was archived."""
    userinfo, at, hostport = netloc.rpartition("@")
    if "%" not in hostport:
        return text
    decoded = unquote(hostport, errors="strict")
    return text.replace(netloc, f"{userinfo}{at}{decoded}", 1)


def ascii_host(host: str) -> str:
    """``host`` in IDNA (punycode), the form a host check and the SURT keys compare;
    :class:`ValueError` for a name IDNA refuses."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(str(exc)) from None


def _bad_url(raw: str) -> UserError:
    return UserError(f"bad URL {raw[:80]!r}: expected an http:// or https:// URL", parameter="url", value=raw[:200])


def http_date(moment: datetime) -> str:
    """``moment`` as RFC 1123 (``Memento-Datetime``, a TimeMap's ``datetime``), in English
    whatever the locale."""
    utc = moment.astimezone(UTC)
    return (f"{_WEEKDAYS[utc.weekday()]}, {utc.day:02d} {_MONTHS[utc.month - 1]} {utc.year:04d} "
            f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} GMT")


def parse_http_date(value: str, parameter: str = "Accept-Datetime") -> datetime:
    """An RFC 1123 date (``Accept-Datetime``); a :class:`UserError` (400) for anything else."""
    match = _HTTP_DATE.match(value.strip())
    try:
        if match is None:
            raise ValueError
        day, month, year, hour, minute, second = match.groups()
        return datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second),
                        tzinfo=UTC)
    except ValueError:
        raise UserError(f"bad {parameter} {value[:60]!r}: expected an RFC 1123 date such as {HTTP_DATE_EXAMPLE!r}",
                        parameter=parameter, value=value[:200]) from None


def parse_timestamp(value: str) -> datetime:
    """A Memento path's timestamp (``YYYYMMDDhhmmss``, or a shorter prefix of it meaning its
    start); a :class:`UserError` (400) for anything else."""
    try:
        if not _TIMESTAMP.match(value):
            raise ValueError
        return datetime.strptime(_complete(value), TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise UserError(f"bad timestamp {value[:40]!r}: expected YYYYMMDDhhmmss (UTC)",
                        parameter="timestamp", value=value[:40]) from None


def _complete(prefix: str) -> str:
    """A timestamp prefix filled out to its earliest moment (``2019`` is 1 January 2019)."""
    return (prefix + "0101000000"[len(prefix) - 4:]) if len(prefix) < 14 else prefix


def captures_of(data: DataDir, url: str, closest: datetime | None = None) -> list[CdxjEntry]:
    """Every capture of ``url`` the CDXJ index holds (oldest first, or as :func:`nearest_first`
    orders them); :class:`NotFound` when there is none."""
    entries = lookup(data, url)
    if not entries:
        raise NotFound(f"the archive holds no capture of {url}", parameter="url", value=url)
    return entries if closest is None else nearest_first(entries, url, closest)


def memento_captures(entries: Sequence[CdxjEntry]) -> list[CdxjEntry]:
    """The captures (oldest first) a TimeMap lists and a TimeGate chooses among: those that
    answered 2xx, so that a Memento client asking for a page gets the page.

    A 304 is left out rather than served with the body of the 200 before it, as pywb serves
    a ``revisit`` record: the crawler writes a 304 as a plain response record, with no
    ``WARC-Refers-To`` naming what it revisits, and a memento named by the 304's time but
    showing another record's bytes would cite a WARC record that does not hold them. The
    same page is the memento of the 200 it confirmed, and the 304 stays listed by ``cdx`` and
    on the document page. A redirect or an error is left out too (the TimeGate once sent a
    client asking for an https page to the http 301 taken in the same second); only a URL
    never captured with a 2xx has its other captures as mementos, so that what it answered
    (a redirect, a 404) is still on its TimeMap. Every capture stays reachable by its own
    time on ``/memento/``."""
    succeeded = [entry for entry in entries if entry.status is not None and 200 <= entry.status < 300]
    return succeeded or [entry for entry in entries if entry.status != 304] or list(entries)


def nearest_first(entries: Iterable[CdxjEntry], url: str, moment: datetime) -> list[CdxjEntry]:
    """``entries`` nearest ``moment`` first; at equal distance the earlier, and at the same
    second the capture of ``url`` itself before that of another URL of its SURT key (the
    https page before the http redirect to it)."""
    when = posix_seconds(moment)
    return sorted(entries, key=lambda entry: (abs(posix_seconds(entry.datetime) - when), entry.timestamp,
                                              entry.url != url))


def closest_memento(entries: Sequence[CdxjEntry], url: str, moment: datetime | None = None) -> CdxjEntry:
    """The memento a TimeGate chooses: of :func:`memento_captures`, the nearest ``moment``
    (none: the latest). ``entries`` is not empty."""
    candidates = memento_captures(entries)
    return nearest_first(candidates, url, moment or candidates[-1].datetime)[0]


def exact_capture(entries: Iterable[CdxjEntry], url: str, timestamp: str) -> CdxjEntry | None:
    """The capture taken at exactly ``timestamp`` (that of ``url`` itself if two share the second)."""
    at = [entry for entry in entries if entry.timestamp == timestamp]
    return next((entry for entry in at if entry.url == url), at[0] if at else None)


def read_capture(data: DataDir, entry: CdxjEntry) -> ArchivedResponse:
    """The response record ``entry`` points at (:class:`EvidenceMissing`, a 404, when it is gone)."""
    return read_record(data.warc_dir, entry.filename, entry.offset)


def document_captures(data: DataDir, stored: StoredDocument) -> list[CdxjEntry]:
    """Every capture of the document's URLs (its own, those its versions were captured at and
    those redirected to them), oldest first: the versions and what was not one (unchanged
    recaptures, redirects, errors)."""
    urls = {stored.document.url}
    for version in stored.versions:
        urls.update(url for url in (version.capture.url, version.capture.requested_url) if url)
    return lookup_many(data, urls)
