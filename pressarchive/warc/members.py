"""Copying records out of the data directory's WARC files, gzip member by gzip member.

Every record the archive writes is its own gzip member (see :mod:`pressarchive.warc.writer`),
so a record can be copied into another WARC file as the bytes it is stored as: nothing is
parsed or re-serialised, and its WARC-Record-ID, date, block and digests stay exactly what
the crawl wrote. Adding WARC header fields (an export's :mod:`~pressarchive.warc.fields`)
touches only the header lines: the block, and so WARC-Block-Digest and WARC-Payload-Digest
(which cover the block, not the header), is unchanged byte for byte.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO

from isal import isal_zlib

from pressarchive.warc.writer import GZIP_LEVEL

READ_SIZE = 1 << 16
HEADER_END = b"\r\n\r\n"


class BadMember(ValueError):
    """No whole gzip member holding a WARC record at that offset."""


@dataclass(frozen=True, slots=True)
class Member:
    """One record as stored (``raw``: the gzip member) and as read (``record``: decompressed)."""

    raw: bytes
    record: bytes

    @property
    def header(self) -> bytes:
        """The WARC header lines, without the blank line that ends them."""
        return self.record.split(HEADER_END, 1)[0]

    def field(self, name: str) -> str:
        """The first value of WARC header field ``name`` ("" when absent)."""
        wanted = name.lower().encode("ascii")
        for line in self.header.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == wanted:
                return value.strip().decode("utf-8", "replace")
        return ""


def read_member(fh: BinaryIO, offset: int) -> Member:
    """The gzip member that starts at ``offset`` of ``fh``, read to its end and no further."""
    fh.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    raw, record = bytearray(), bytearray()
    try:
        while not inflater.eof:
            chunk = fh.read(READ_SIZE)
            if not chunk:
                raise BadMember(f"gzip member at {offset} is cut short")
            record += inflater.decompress(chunk)
            raw += chunk[:len(chunk) - len(inflater.unused_data)]
    except zlib.error as exc:
        raise BadMember(f"no gzip member at {offset}: {exc}") from None
    if not record.startswith(b"WARC/") or HEADER_END not in record:
        raise BadMember(f"no WARC record at {offset}")
    return Member(bytes(raw), bytes(record))


def with_fields(member: Member, fields: Mapping[str, str]) -> bytes:
    """``member`` as a new gzip member whose header carries ``fields`` (replacing any of those
    names already there, values on one line); everything after the header is left as it was."""
    names = {name.lower().encode("ascii") for name in fields}
    header, rest = member.record.split(HEADER_END, 1)
    lines = [line for line in header.split(b"\r\n")
             if line.partition(b":")[0].strip().lower() not in names or line.startswith(b"WARC/")]
    for name, value in fields.items():
        one_line = " ".join(value.split())
        lines.append(f"{name}: {one_line}".encode())
    return gzip_bytes(b"\r\n".join(lines) + HEADER_END + rest)


def gzip_bytes(data: bytes) -> bytes:
    """``data`` as one gzip member, at the level the archive's own WARC files use."""
    compressor = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()
