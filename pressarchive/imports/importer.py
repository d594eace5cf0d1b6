"""Reads WARC, ARC and WACZ files record by record into an :class:`ImportSession`.

Each HTTP response becomes a :class:`ForeignResponse` with its origin
(``warc:<file>#<offset>``, ``warc:<wacz>!<member>#<offset>``); each revisit is resolved to
its original within the run (:class:`Originals`); damaged stretches become bad records and
reading goes on after them. Only one record's payload is in memory at a time.
"""

from __future__ import annotations

import functools
import time
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, cast

from warcio.recordloader import ArcWarcRecord

from pressarchive.crawler.media import is_denied_url, media_type
from pressarchive.imports.foreign import ForeignResponse
from pressarchive.imports.inputs import HEAD, ArchiveFile, stream_format
from pressarchive.imports.recordstream import RawRecord, StreamFormat, read_records
from pressarchive.imports.responses import (
    RecordProblem, export_fields, foreign_response, http_headers, http_status, is_web_url, record_date, target_uri,
)
from pressarchive.imports.revisits import Location, Originals
from pressarchive.imports.session import MAX_BODY, ImportSession
from pressarchive.imports.summary import BadRecord
from pressarchive.imports.wacz import MemberFile, check_wacz, member_name

#: Seconds between two progress reports.
PROGRESS_EVERY = 0.2
_MEDIA_PREFIXES = ("image/", "audio/", "video/", "font/")


class ArchiveImporter:
    """Feeds the records of archive files to ``session``; ``limit``: the largest payload read."""

    def __init__(self, session: ImportSession, limit: int = MAX_BODY) -> None:
        self.session = session
        self.summary = session.summary
        self.limit = limit
        self.originals = Originals()
        self._done_bytes = 0
        self._reported = 0.0

    def import_file(self, item: ArchiveFile) -> None:
        self.summary.files += 1
        if item.form is None:
            self._import_wacz(item.path)
        else:
            opener = functools.partial(_open_file, item.path)
            with opener() as fh:
                self._import_stream(fh, opener, item.path.name, item.form)
        self._done_bytes += item.size
        self.summary.bytes_read = self._done_bytes
        self.session.progress()

    def _import_wacz(self, path: Path) -> None:
        check = check_wacz(path)
        for bad in check.bad:
            self.summary.add_bad(bad)
        for member in check.members:
            opener = functools.partial(_open_member, path, member)
            name = member_name(path.name, member)
            try:
                with opener() as fh:
                    form = stream_format(fh.read(HEAD))
                    fh.seek(0)
                    if form is None:
                        self.summary.add_bad(BadRecord(name, 0, "not a WARC or ARC file"))
                        continue
                    self._import_stream(fh, opener, name, form)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a CRC found wrong at the member's end
                self.summary.add_bad(BadRecord(name, 0, f"unreadable zip member: {exc}"))

    def _import_stream(self, fh: BinaryIO, opener: functools.partial[BinaryIO], name: str,
                       form: StreamFormat) -> None:
        stream = self.originals.add_stream(opener, form)
        for item in read_records(fh, name, form, self.limit):
            if isinstance(item, BadRecord):
                self.summary.add_bad(item)
                continue
            self.summary.records += 1
            try:
                self._take(item, name, stream)
            except (RecordProblem, ValueError, OverflowError) as exc:  # what one record says, not the run
                self.summary.add_bad(BadRecord(name, item.offset, str(exc)))
            self._report(fh)

    def _take(self, item: RawRecord, name: str, stream: int) -> None:
        record = item.record
        if not item.is_http or not is_web_url(target_uri(record)):
            return
        origin = f"warc:{name}#{item.offset}" if item.seekable else f"warc:{name}"
        if record.rec_type == "revisit":
            self._revisit(record, origin)
        elif item.body is None:
            self.session.skip("media" if _is_media(record) else "too_large")
        else:
            response = foreign_response(record, item.body, origin)
            if item.seekable and response.status == 200 and not _is_media(record):
                self.originals.note(record, Location(stream, item.offset))
            self.session.add(response)

    def _revisit(self, revisit: ArcWarcRecord, origin: str) -> None:
        """The revisit as its original response at the revisit's time (or counted as unresolved)."""
        if _is_media(revisit):
            self.session.skip("media")
            return
        where = self.originals.find(revisit)
        original = self.originals.read(where, self.limit) if where is not None else None
        if original is None or original.body is None:
            self.session.skip("revisit_unresolved")
            return
        first = original.record
        status, reason = http_status(first)
        source, listed_date = export_fields(revisit)
        first_source, first_listed = export_fields(first)
        self.session.add(ForeignResponse(
            url=target_uri(revisit), captured_at=record_date(revisit), status=status, reason=reason,
            headers=http_headers(first), body=original.body, origin=origin,
            record_id=revisit.rec_headers.get_header("WARC-Record-ID") or "",
            source=source or first_source, listed_date=listed_date or first_listed,
        ))

    def _report(self, fh: BinaryIO) -> None:
        now = time.monotonic()
        if now - self._reported >= PROGRESS_EVERY:
            self._reported = now
            self.summary.bytes_read = self._done_bytes + fh.tell()
            self.session.progress()


def _open_file(path: Path) -> BinaryIO:
    return open(path, "rb")


def _open_member(path: Path, member: str) -> BinaryIO:
    return cast(BinaryIO, MemberFile(path, member))


def _is_media(record: ArcWarcRecord) -> bool:
    """Media by the URL's extension or the declared type (the payload is not read for this)."""
    if is_denied_url(target_uri(record)):
        return True
    content_type = record.http_headers.get_header("Content-Type") or "" if record.http_headers else ""
    return media_type(content_type).startswith(_MEDIA_PREFIXES)
