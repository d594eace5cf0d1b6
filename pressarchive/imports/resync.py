"""Finding where the next record starts after a bad one, so the rest of a damaged file imports.

A gzipped WARC or ARC file holds each record in its own gzip member: the next member header
whose first decompressed bytes open a record is where reading goes on. An uncompressed file
goes on at the next line that opens a record (``WARC/1.1``, or an ARC URL-record line). The
scan reads the file in blocks, so a multi-GB file is searched in flat memory.
"""

from __future__ import annotations

import re
import zlib
from typing import BinaryIO

#: Bytes read at a time while searching.
BLOCK = 1 << 20
#: A gzip member header (magic and the deflate method).
GZIP_MAGIC = b"\x1f\x8b\x08"
#: The first line of a WARC record, or of an ARC (v1 or v2) record: URL, IP, 14-digit date, type, length.
RECORD_START = re.compile(
    rb"WARC/\d\.\d+\r?\n"
    rb"|(?:https?|dns|filedesc|ftp|whois)://\S+ \S+ \d{14} \S+ (?:\S+ ){0,5}\d+\r?\n"
)
#: Longest record opening line the scan looks for across two blocks.
OVERLAP = 4096


def opens_record(head: bytes) -> bool:
    """Whether ``head`` (decompressed) begins with a WARC or ARC record's first line."""
    return RECORD_START.match(head) is not None


def next_record_start(fh: BinaryIO, after: int, gzipped: bool) -> int | None:
    """The offset of the first record start in ``fh`` beyond ``after`` (None: none left)."""
    position = after + 1 if gzipped else after  # a line start needs the newline before it
    while True:
        fh.seek(position)
        block = fh.read(BLOCK + OVERLAP)
        if not block:
            return None
        found = _gzip_start(fh, block, position) if gzipped else _line_start(block)
        if found is not None:
            return position + found
        if len(block) <= OVERLAP:
            return None
        position += len(block) - OVERLAP


def _gzip_start(fh: BinaryIO, block: bytes, position: int) -> int | None:
    at = block.find(GZIP_MAGIC)
    while at != -1:
        if opens_record(_inflated_head(fh, position + at)):
            return at
        at = block.find(GZIP_MAGIC, at + 1)
    return None


def _inflated_head(fh: BinaryIO, offset: int, size: int = 512) -> bytes:
    """The first decompressed bytes of the gzip member that may start at ``offset`` (b"" if none)."""
    here = fh.tell()
    try:
        fh.seek(offset)
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        return inflater.decompress(fh.read(4096), size)
    except zlib.error:
        return b""
    finally:
        fh.seek(here)


def _line_start(block: bytes) -> int | None:
    for match in RECORD_START.finditer(block):
        start = match.start()
        if start > 0 and block[start - 1:start] == b"\n":
            return start
    return None
