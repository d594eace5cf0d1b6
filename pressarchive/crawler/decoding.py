"""The first bytes of a body once its ``Content-Encoding`` is undone, for the text-only gate.

The capture middleware stores bodies as they came off the wire (still compressed), and
Scrapy's own decompression runs after it, so the text-only gate must undo the encoding itself
to see what a reader of the WARC file will see. Only a bounded head is decoded: each layer
reads its input in small pieces and stops as soon as the layer above has the bytes it asked
for, so a decompression bomb costs no more than the head it is cut to. Codings are those of
RFC 9110 (``gzip``, ``x-gzip``, ``deflate`` zlib-wrapped or raw, ``br``, ``zstd``), stacked in
the order they were applied; anything else, or a body that is not what its coding says, is
:class:`Undecodable` and the gate refuses it.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from typing import Protocol

import brotli
import zstandard

#: More stacked codings than this is not a real server's doing.
MAX_CODINGS = 3
_PIECE = 16 * 1024  # compressed bytes a layer reads at a time
# RFC 8878 asks HTTP decoders to support windows up to 8 MiB and no more: a larger one would
# make the decoder allocate whatever the frame header claims.
_ZSTD_MAX_WINDOW = 8 * 2**20
_IDENTITY = frozenset({"", "identity"})
KNOWN_CODINGS = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd"})


class Undecodable(ValueError):
    """A body whose Content-Encoding is unknown or whose bytes do not decode."""


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def content_codings(header: str) -> list[str]:
    """The codings a ``Content-Encoding`` value names, in the order they were applied."""
    codings = [part.strip().lower() for part in header.split(",")]
    codings = [coding for coding in codings if coding not in _IDENTITY]
    unknown = [coding for coding in codings if coding not in KNOWN_CODINGS]
    if unknown:
        raise Undecodable(f"unknown Content-Encoding {unknown[0]!r}")
    if len(codings) > MAX_CODINGS:
        raise Undecodable(f"{len(codings)} stacked Content-Encodings")
    return codings


def decoded_head(body: bytes, codings: Sequence[str], size: int) -> bytes:
    """Up to ``size`` bytes of ``body`` with ``codings`` undone (fewer if the body is short).

    A truncated body (a download still under way) gives what its bytes decode to; bytes that
    break the coding raise :class:`Undecodable`.
    """
    reader: _Readable = io.BytesIO(body)
    for coding in reversed(codings):
        reader = _layer(coding, reader)
    try:
        return _read(reader, size)
    except (zlib.error, brotli.error, zstandard.ZstdError, EOFError) as error:
        raise Undecodable(f"{'+'.join(codings)} body does not decode: {error}") from error


def _layer(coding: str, source: _Readable) -> _Readable:
    if coding in ("gzip", "x-gzip"):
        return _ZlibReader(source, "gzip")
    if coding == "deflate":
        return _ZlibReader(source, "deflate")
    if coding == "br":
        return _BrotliReader(source)
    if coding == "zstd":
        decompressor = zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW)
        return decompressor.stream_reader(source, read_size=_PIECE, read_across_frames=True)  # type: ignore[arg-type]
    raise Undecodable(f"unknown Content-Encoding {coding!r}")


def _read(reader: _Readable, size: int) -> bytes:
    """``size`` bytes from ``reader``, or all it has: one ``read`` may return fewer."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = reader.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


class _ZlibReader:
    """Reads a gzip (every member, as gzip readers do) or deflate stream, a bounded piece at a time."""

    def __init__(self, source: _Readable, kind: str) -> None:
        self.source = source
        self.kind = kind
        self.pending = b""  # input read from the source and not yet decompressed
        self.decompressor: zlib._Decompress | None = None
        self.members = 0  # complete gzip members read
        self.ended = False

    def read(self, size: int = -1, /) -> bytes:
        out = b""
        while len(out) < size and not self.ended:
            if not self.pending:
                self.pending = self.source.read(_PIECE)
                if not self.pending:
                    self.ended = True  # complete or truncated: either way, no more output
                    break
            out += self._decompress(size - len(out))
        return out

    def _decompress(self, size: int) -> bytes:
        if self.decompressor is None:
            self.decompressor = zlib.decompressobj(self._wbits(self.pending))
        try:
            out = self.decompressor.decompress(self.pending, size)
        except zlib.error:
            if not self.members:
                raise
            # Bytes after a complete member: gzip readers and browsers ignore them.
            self.ended = True
            return b""
        self.pending = self.decompressor.unconsumed_tail
        if self.decompressor.eof:
            self.members += 1
            self.pending = self.decompressor.unused_data
            self.decompressor = None
            self.ended = self.kind != "gzip"  # deflate has one stream; gzip may have more members
        return out

    def _wbits(self, start: bytes) -> int:
        if self.kind == "gzip":
            return 32 + zlib.MAX_WBITS  # a gzip header, or a zlib one from a careless server
        # "deflate" means zlib-wrapped (RFC 9110), but servers also send raw deflate.
        zlib_header = len(start) >= 2 and start[0] & 0x0F == 8 and (start[0] << 8 | start[1]) % 31 == 0
        return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS


class _BrotliReader:
    """Reads a brotli stream with its output bounded to what was asked for."""

    def __init__(self, source: _Readable) -> None:
        self.source = source
        self.decompressor = brotli.Decompressor()
        self.source_done = False
        self.extra = b""  # decoded, not yet returned

    def read(self, size: int = -1, /) -> bytes:
        out, self.extra = self.extra, b""
        while len(out) < size and not self.decompressor.is_finished():
            data = b""
            if not self.source_done and self.decompressor.can_accept_more_data():
                data = self.source.read(_PIECE)
                self.source_done = not data
            # Output beyond the limit stays inside the decoder for the next call.
            part = self.decompressor.process(data, output_buffer_limit=size - len(out))
            if not part and not data:
                break  # all input decoded: complete, or truncated
            out += part
        # The limit is a buffer size, not an exact count: keep the excess for the next read.
        out, self.extra = out[:size], out[size:]
        return out
