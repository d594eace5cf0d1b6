"""The records of one WARC or ARC file (gzipped or not), read as a stream, damage and all.

warcio's :class:`ArchiveIterator` parses the records (``arc2warc``: ARC records arrive as WARC
response records). Around it, this module reads each HTTP response's payload up to a limit,
then checks the record really ended where its Content-Length said: a record cut short (a
truncated file, a Content-Length larger than the record) or not followed by the blank lines
that close a record (a Content-Length too small, bytes between records) is reported as a
:class:`BadRecord` with its offset, and reading goes on at the next record start
(:mod:`pressarchive.imports.resync`). Only the current record's payload is ever in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from pressarchive.imports.resync import next_record_start
from pressarchive.imports.summary import BadRecord

#: Record types that carry an HTTP response (a revisit's is headers only).
HTTP_TYPES = frozenset({"response", "revisit"})
#: What a damaged stream may raise while warcio parses or inflates it.
#: (warcio raises AttributeError or TypeError on a file cut off inside a record's headers.)
READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError,
               IndexError, UnicodeDecodeError, AttributeError, TypeError, KeyError)
#: The fields every WARC record has (WARC 1.1, section 5); a header without them was cut off.
_REQUIRED = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
#: Why the rest of a damaged file gzipped as one member is given up.
_WHOLE_GZIP = "; the file is gzipped as one member, so nothing after the damage can be reached"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A record read in full: its offset, warcio's record (headers), and the HTTP payload
    with transfer coding undone (None: not an HTTP response, or larger than the limit)."""

    offset: int
    record: ArcWarcRecord
    body: bytes | None
    oversize: bool = False
    #: False in a file gzipped as one member: the offset is no place a reader can seek to.
    seekable: bool = True

    @property
    def is_http(self) -> bool:
        return self.record.rec_type in HTTP_TYPES and self.record.http_headers is not None


class _Records(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator, noting a record that is not followed by blank lines (warcio prints a
    warning to stderr) and reading on through a file gzipped as one member."""

    def __init__(self, fh: BinaryIO, arc: bool) -> None:
        super().__init__(fh, arc2warc=arc, check_digests=True)
        # Parse as the one format the file is: warcio would otherwise read a stray line of
        # five words as an ARC record.
        self.known_format = "arc" if arc else "warc"
        self.misaligned = False
        self.whole_gzip = False

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                self.misaligned = self.misaligned or bool(line.rstrip())
                first_line = False
                continue
            return line, empty_size

    def _raise_invalid_gzip_err(self) -> None:
        """A file gzipped whole (not a member per record) reads on; its offsets cannot be sought."""
        self.whole_gzip = True


@dataclass(frozen=True, slots=True)
class StreamFormat:
    """How a stream's records are stored: gzip member per record or not, WARC or ARC."""

    gzipped: bool
    arc: bool = False


def read_records(fh: BinaryIO, name: str, form: StreamFormat, limit: int) -> Iterator[RawRecord | BadRecord]:
    """Every record of ``fh`` in order, and a :class:`BadRecord` for each damaged stretch.

    ``name``: how bad records name the file. ``limit``: the largest payload read into memory.
    """
    start: int | None = fh.tell()
    while start is not None:
        start = yield from _read_from(fh, start, name, form, limit)


def _read_from(fh: BinaryIO, start: int, name: str, form: StreamFormat,
               limit: int) -> Generator[RawRecord | BadRecord, None, int | None]:
    """Records from ``start`` until the end or the first damage; returns where to go on."""
    fh.seek(start)
    records = _Records(fh, form.arc)
    gzipped = form.gzipped
    try:
        for record in records:
            offset = records.offset
            body, oversize = _payload(record, limit)
            records.read_to_end()
            damage = _damage(record, records)
            if damage is None:
                yield RawRecord(offset, record, body, oversize, seekable=not records.whole_gzip)
                continue
            if damage:
                return (yield from _give_up(records, name, offset, damage, fh, gzipped))
            # The record is whole (its digest holds): what follows it is not a record.
            yield RawRecord(offset, record, body, oversize)
            end = sum(records.member_info)
            yield BadRecord(name, end, "bytes between records that are no WARC/ARC record")
            return next_record_start(fh, end, gzipped)
    except READ_ERRORS as exc:
        return (yield from _give_up(records, name, records.offset, _reason(exc), fh, gzipped))
    if not records.whole_gzip and _left_over(fh, records.offset):
        # warcio takes a record cut off in its first lines for the end of the file.
        yield BadRecord(name, records.offset, "truncated: the file ends inside this record")
        return next_record_start(fh, records.offset, gzipped)
    return None


def _give_up(records: _Records, name: str, offset: int, reason: str, fh: BinaryIO,
             gzipped: bool) -> Generator[BadRecord, None, int | None]:
    """Report the damaged record; where to read on (None: nowhere, in a file gzipped whole,
    whose offsets count neither compressed nor plain bytes)."""
    if records.whole_gzip or offset < 0:
        yield BadRecord(name, max(offset, 0), reason + _WHOLE_GZIP)
        return None
    yield BadRecord(name, offset, reason)
    return next_record_start(fh, offset, gzipped)


def _left_over(fh: BinaryIO, end: int) -> bool:
    """Whether anything but blank lines follows ``end``, where the last record read ended."""
    fh.seek(end)
    while chunk := fh.read(1 << 16):
        if chunk.strip():
            return True
    return False


def _payload(record: ArcWarcRecord, limit: int) -> tuple[bytes | None, bool]:
    """The HTTP payload, dechunked but still content-coded as it came off the wire."""
    if record.rec_type not in HTTP_TYPES or record.http_headers is None:
        return None, False
    stream: Any = record.raw_stream
    if "chunked" in (record.http_headers.get_header("Transfer-Encoding") or "").lower():
        stream = ChunkedDataReader(stream)  # falls back to the bytes as they are if not chunked
    body = stream.read(limit + 1)
    return (None, True) if len(body) > limit else (body, False)


def _damage(record: ArcWarcRecord, records: _Records) -> str | None:
    """Why the record just read is not whole: its reason; "" when it is whole but something
    other than a record follows it; None when all is well."""
    if records.known_format == "warc" and not all(map(record.rec_headers.get_header, _REQUIRED)):
        return "truncated or incomplete: the record's WARC header lacks " + ", ".join(
            name for name in _REQUIRED if not record.rec_headers.get_header(name))
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:
        return f"truncated: the record ends {missing} bytes before its Content-Length says"
    if not records.misaligned:
        return None
    checker = record.digest_checker
    if checker is not None and checker.passed:
        return ""
    return "the record does not end where its Content-Length says (no blank line follows it)"


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    if isinstance(exc, zlib.error):
        return f"corrupt gzip data: {text}"
    if isinstance(exc, ArchiveLoadFailed | StatusAndHeadersParserException):
        return f"not a WARC/ARC record: {text}"
    return f"unreadable record: {type(exc).__name__}: {text}"
