"""The Wayback Machine's CDX API: the query that lists a URL pattern's captures, and its pages.

Only what the import can use is asked for: captures answered 200, of an HTML or PDF type,
collapsed by digest (adjacent captures with the same payload are listed once), with the
fields the import needs (``fl``). Large listings come in pages: ``showResumeKey=true`` makes
the server end a page that stopped at its ``limit`` with an empty row and a row holding the
key, which the next query passes back as ``resumeKey``. Timestamps are 14 digits, UTC.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from pressarchive.errors import UserError
from pressarchive.urls import host_of

#: The fields each row carries, in this order in the JSON's header row.
FIELDS = ("timestamp", "original", "statuscode", "mimetype", "digest", "length")
#: Types a document is made of (a regex the server matches against the whole mimetype).
MIMETYPES = r"text/html|application/xhtml\+xml|application/pdf"
#: Rows asked for per page (the server may send fewer: it has its own maximum).
PAGE_ROWS = 1000

_TIMESTAMP = re.compile(r"^\d{14}$")
_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$")


class CdxError(ValueError):
    """A CDX answer that is not the JSON the API documents."""


@dataclass(frozen=True, slots=True)
class CdxRow:
    """One listed capture."""

    timestamp: str
    original: str
    statuscode: str
    mimetype: str
    digest: str
    length: str

    @property
    def captured_at(self) -> datetime:
        return capture_time(self.timestamp)


@dataclass(frozen=True, slots=True)
class CdxPage:
    rows: list[CdxRow]
    resume_key: str | None


def capture_time(timestamp: str) -> datetime:
    """A 14-digit Wayback timestamp as a UTC time without a time zone (as the store keeps times)."""
    if not _TIMESTAMP.match(timestamp):
        raise CdxError(f"bad timestamp {timestamp!r}")
    try:
        return datetime.strptime(timestamp, "%Y%m%d%H%M%S")
    except ValueError:
        raise CdxError(f"bad timestamp {timestamp!r}") from None


def check_pattern(pattern: str) -> str:
    """``pattern`` if the CDX API can take it: a host and path, ``*`` only at its end (a prefix)
    or as ``*.`` before the host (a domain and its subdomains); an http(s) scheme may lead."""
    text = pattern.strip()
    rest = re.sub(r"^https?://", "", text, flags=re.IGNORECASE)
    host, _, path = rest.partition("/")
    core = rest.removeprefix("*.").removesuffix("*")
    problems = [
        (not text or any(char.isspace() for char in text), "it is empty or holds white space"),
        (not _HOST.match(host.lower()), "it must start with a host name such as www.example.org"),
        ("*" in core, "'*' may only end it (a prefix) or lead it as '*.' (subdomains)"),
        (host.startswith("*.") and path not in ("", "*"), "a '*.' domain pattern takes no path"),
    ]
    for failed, why in problems:
        if failed:
            raise UserError(f"bad URL pattern {pattern!r}: {why}")
    return text


def pattern_host(pattern: str) -> str:
    """The host a checked pattern names, without a leading ``*.``."""
    rest = re.sub(r"^https?://", "", pattern, flags=re.IGNORECASE)
    return host_of("http://" + rest.removeprefix("*.").rstrip("*"))


def cdx_bound(text: str | None, option: str) -> str | None:
    """A ``--from``/``--to`` date (YYYY, YYYY-MM or YYYY-MM-DD) as the CDX API's timestamp prefix.

    The server pads a prefix to the start of the period for ``from`` and to its end for ``to``.
    """
    if text is None:
        return None
    match = _DAY.match(text.strip())
    if match is None:
        raise UserError(f"bad {option} date {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise UserError(f"bad {option} date {text!r}: no such date") from None
    if int(year) < 1991:
        raise UserError(f"bad {option} date {text!r}: the web archives start in the 1990s")
    return year + (month or "") + (day or "")


def check_range(start: str | None, end: str | None) -> None:
    """Refuse a range that ends before it starts (compared as the server pads them)."""
    if start and end and start.ljust(14, "0") > end.ljust(14, "9"):
        raise UserError(f"--from {start} is after --to {end}")


def cdx_url(base: str, pattern: str, start: str | None = None, end: str | None = None,
            resume_key: str | None = None, rows: int = PAGE_ROWS) -> str:
    """The CDX query for one page of ``pattern``'s captures between ``start`` and ``end``."""
    params: list[tuple[str, str]] = [
        ("url", pattern), ("output", "json"), ("fl", ",".join(FIELDS)), ("collapse", "digest"),
        ("filter", "statuscode:200"), ("filter", f"mimetype:{MIMETYPES}"),
        ("showResumeKey", "true"), ("limit", str(rows)),
    ]
    params += [(name, value) for name, value in (("from", start), ("to", end), ("resumeKey", resume_key)) if value]
    return f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def parse_page(body: bytes) -> CdxPage:
    """The rows of one JSON page and its resume key (None on the last page)."""
    if not body.strip():
        return CdxPage([], None)
    try:
        table = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CdxError(f"not JSON: {exc}") from None
    if not isinstance(table, list) or not all(isinstance(row, list) for row in table):
        raise CdxError("not a JSON array of rows")
    if not table:
        return CdxPage([], None)
    header, rows = table[0], table[1:]
    resume_key = None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
        resume_key, rows = str(rows[-1][0]), rows[:-2]
    missing = [name for name in FIELDS if name not in header]
    if missing:
        raise CdxError(f"the header row lacks {', '.join(missing)}")
    places = [header.index(name) for name in FIELDS]
    parsed = []
    for row in rows:
        if len(row) != len(header):
            raise CdxError(f"a row of {len(row)} fields under a header of {len(header)}")
        parsed.append(CdxRow(*(str(row[place]) for place in places)))
    return CdxPage(parsed, resume_key)
