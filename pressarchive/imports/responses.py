"""An HTTP response record (read by :mod:`recordstream`) as a :class:`ForeignResponse`."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord

from pressarchive.imports.foreign import ForeignResponse
from pressarchive.isodate import iso_date, utc_naive
from pressarchive.warc import fields

#: Headers that described how the body travelled, not what it is: the body is kept dechunked.
TRANSFER_HEADERS = frozenset({"transfer-encoding"})
_COMPACT_DATE = re.compile(r"\d{14}")


class RecordProblem(ValueError):
    """The record is whole but says something unusable (no date, no status)."""


def target_uri(record: ArcWarcRecord) -> str:
    """The record's URL (WARC/0.1x wrote it in angle brackets); :class:`RecordProblem` for one
    no URL parser takes (``http://[::1/``), so that one record is reported, not the run stopped."""
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    try:
        urlsplit(url).hostname  # noqa: B018  (parsing the host is the check)
    except ValueError as exc:
        raise RecordProblem(f"unusable WARC-Target-URI {url[:80]!r}: {exc}") from None
    return url


def is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def record_date(record: ArcWarcRecord, name: str = "WARC-Date") -> datetime:
    """The record's time as the store keeps times: naive UTC, whole seconds."""
    text = (record.rec_headers.get_header(name) or "").strip()
    return parse_warc_date(text)


def parse_warc_date(text: str) -> datetime:
    """A WARC (ISO 8601, ``Z``) or ARC (14-digit) date; :class:`RecordProblem` if neither."""
    try:
        if _COMPACT_DATE.fullmatch(text):
            moment = datetime.strptime(text, "%Y%m%d%H%M%S")
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        return utc_naive(moment).replace(microsecond=0)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        raise RecordProblem(f"unreadable WARC-Date {text[:40]!r}") from None


def http_status(record: ArcWarcRecord) -> tuple[int, str]:
    """The response's status code and reason phrase."""
    statusline = (record.http_headers.statusline or "").strip()
    code, _, reason = statusline.partition(" ")
    if not code.isdigit():
        raise RecordProblem(f"no HTTP status in {statusline[:40]!r}")
    return int(code), reason.strip()


def http_headers(record: ArcWarcRecord) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(value)) for name, value in record.http_headers.headers
                 if str(name).lower() not in TRANSFER_HEADERS)


def foreign_response(record: ArcWarcRecord, body: bytes, origin: str) -> ForeignResponse:
    """``record``, an HTTP response whose payload is ``body``, as a response to import."""
    status, reason = http_status(record)
    source, listed_date = export_fields(record)
    return ForeignResponse(
        url=target_uri(record), captured_at=record_date(record), status=status, reason=reason,
        headers=http_headers(record), body=body, origin=origin,
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        source=source, listed_date=listed_date,
    )


def export_fields(record: ArcWarcRecord) -> tuple[str | None, date | None]:
    """The source and listing date a pressarchive export wrote on the record (None from others)."""
    source = (record.rec_headers.get_header(fields.SOURCE) or "").strip() or None
    try:
        listed = iso_date((record.rec_headers.get_header(fields.LISTED_DATE) or "").strip())
    except ValueError:
        listed = None
    return source, listed
