"""The files named on the command line: each must be a readable WARC, ARC or WACZ file.

All are checked before anything is imported, so a mistyped name costs one ``error:`` line
and leaves the archive as it was.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pressarchive.errors import UserError
from pressarchive.imports.recordstream import StreamFormat
from pressarchive.imports.resync import opens_record

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
#: Bytes read to recognise a file.
HEAD = 8192


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """A file to import: a WACZ package (``form`` None) or a WARC or ARC file (its ``form``)."""

    path: Path
    form: StreamFormat | None
    size: int


def check_inputs(paths: Sequence[str | Path]) -> list[ArchiveFile]:
    """The files as :class:`ArchiveFile`; :class:`UserError` naming the first that is not one."""
    if not paths:
        raise UserError("name at least one WARC, ARC or WACZ file")
    return [_check(Path(path)) for path in paths]


def stream_format(head: bytes) -> StreamFormat | None:
    """How a stream that starts with ``head`` holds its records (None: it is no WARC or ARC)."""
    gzipped = head.startswith(GZIP_MAGIC)
    if gzipped:
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 512)
        except zlib.error:
            return None
    head = head.lstrip(b"\r\n")
    if not opens_record(head):
        return None
    return StreamFormat(gzipped, arc=not head.startswith(b"WARC/"))


def _check(path: Path) -> ArchiveFile:
    if path.is_dir():
        raise UserError(f"{path} is a directory: name the WARC, ARC or WACZ files in it")
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
            size = fh.seek(0, 2)
    except FileNotFoundError:
        raise UserError(f"no such file: {path}") from None
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(ZIP_MAGIC) and zipfile.is_zipfile(path):
        return ArchiveFile(path, None, size)
    form = stream_format(head) or (_named_format(path) if head.strip() else None)  # an empty file is none
    if form is not None:
        return ArchiveFile(path, form, size)
    raise UserError(f"{path} is not a WARC, ARC or WACZ file")


def _named_format(path: Path) -> StreamFormat | None:
    """The format a file's name gives when its first record is damaged: the damage is then
    reported with its offset and the records after it import (None: not named as one)."""
    name = path.name.lower()
    for suffix, form in _NAMED_FORMATS:
        if name.endswith(suffix):
            return form
    return None


_NAMED_FORMATS = (
    (".warc.gz", StreamFormat(True)), (".warc", StreamFormat(False)),
    (".arc.gz", StreamFormat(True, arc=True)), (".arc", StreamFormat(False, arc=True)),
)
