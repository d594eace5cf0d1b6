"""Resolving ``revisit`` records to the response they repeat, within one import run.

A revisit (a deduplicating crawler's "same as before") holds no payload; it names its original
by WARC-Refers-To (record id), by WARC-Refers-To-Target-URI and -Date, or only by its payload
digest. The run keeps, for each response record worth resolving to, three 8-byte keys and
where the record starts, in a private temporary SQLite database on disk (so memory stays flat
however many records a multi-GB file holds); the original's payload is read again from its
file when a revisit needs it, so no body is held in memory.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord

from pressarchive.imports.recordstream import RawRecord, StreamFormat, read_records

#: Keys noted in memory before they are written to the run's table.
_FLUSH_EVERY = 3000
#: Opens the stream a record was read from (a file, a WACZ member), positioned anywhere.
Opener = Callable[[], BinaryIO]


@dataclass(frozen=True, slots=True)
class Location:
    """Which stream of the run (by number) and the record's offset in it."""

    stream: int
    offset: int


class Originals:
    """The run's response records, found by what a revisit refers to them by."""

    def __init__(self) -> None:
        # "": a private temporary database on disk, deleted when closed; its page cache is bounded.
        self._db = sqlite3.connect("")
        self._db.execute("CREATE TABLE originals (key INTEGER PRIMARY KEY, stream INTEGER, offset INTEGER)")
        self._pending: list[tuple[int, int, int]] = []
        self._streams: list[tuple[Opener, StreamFormat]] = []

    def close(self) -> None:
        self._db.close()

    def add_stream(self, opener: Opener, form: StreamFormat) -> int:
        """Register a stream records are read from; returns its number for :meth:`note`."""
        self._streams.append((opener, form))
        return len(self._streams) - 1

    def note(self, record: ArcWarcRecord, where: Location) -> None:
        """Remember a response record a later revisit may repeat."""
        headers = record.rec_headers
        for key in (_key("id", headers.get_header("WARC-Record-ID")),
                    _key("at", headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date")),
                    _key("digest", headers.get_header("WARC-Payload-Digest"))):
            if key is not None:
                self._pending.append((key, where.stream, where.offset))
        if len(self._pending) >= _FLUSH_EVERY:
            self._flush()

    def find(self, revisit: ArcWarcRecord) -> Location | None:
        """Where the revisit's original is, if this run has read it."""
        self._flush()
        headers = revisit.rec_headers
        for key in (_key("id", headers.get_header("WARC-Refers-To")),
                    _key("at", headers.get_header("WARC-Refers-To-Target-URI"),
                         headers.get_header("WARC-Refers-To-Date")),
                    _key("digest", headers.get_header("WARC-Payload-Digest"))):
            if key is not None:
                row = self._db.execute("SELECT stream, offset FROM originals WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    return Location(*row)
        return None

    def _flush(self) -> None:
        if self._pending:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO originals VALUES (?, ?, ?)", self._pending)
            self._pending.clear()

    def read(self, where: Location, limit: int) -> RawRecord | None:
        """The original record read again (None if it cannot be, or is larger than ``limit``)."""
        opener, form = self._streams[where.stream]
        try:
            with closing(opener()) as fh:
                fh.seek(where.offset)
                first = next(read_records(fh, "", form, limit), None)
        except OSError:
            return None
        if not isinstance(first, RawRecord) or first.body is None or first.offset != where.offset:
            return None
        return first


def _key(kind: str, *parts: str | None) -> int | None:
    """A compact key for what a record is known by (None when a part is missing)."""
    if not all(parts):
        return None
    text = "\0".join([kind, *(part.strip().strip("<>") for part in parts if part)])
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=8).digest(), "big",
                          signed=True)  # SQLite's INTEGER is signed
