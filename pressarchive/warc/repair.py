"""Making WARC files left open by a killed crawl whole again.

Every record is its own gzip member, so a file cut off by ``kill -9`` or a power loss holds
complete members followed by at most one partial member. Repair keeps the complete members,
moves the partial tail aside (``<name>.partial``, for inspection) and gives the file its final
name, so the next crawl, an audit or an import reads it without error. Files still locked by a
running crawl are left alone.
"""

from __future__ import annotations

import fcntl
import zlib
from dataclasses import dataclass
from pathlib import Path

from pressarchive.warc.writer import OPEN_SUFFIX


@dataclass(frozen=True, slots=True)
class Repair:
    name: str
    kept_bytes: int
    cut_bytes: int


def complete_length(data: bytes) -> int:
    """How many leading bytes of ``data`` are complete gzip members."""
    end = 0
    while end < len(data):
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            member.decompress(data[end:])
        except zlib.error:
            break
        if not member.eof:
            break
        end = len(data) - len(member.unused_data)
    return end


def repair_open_files(directory: Path) -> list[Repair]:
    """Repair every ``*.warc.gz.open`` file in ``directory`` that no crawl is writing."""
    repairs = []
    for path in sorted(Path(directory).glob(f"*.warc.gz{OPEN_SUFFIX}")):
        repair = _repair(path)
        if repair is not None:
            repairs.append(repair)
    return repairs


def _repair(path: Path) -> Repair | None:
    with open(path, "r+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # a live crawl holds it
        data = fh.read()
        keep = complete_length(data)
        final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
        if keep < len(data):
            final.with_name(final.name + ".partial").write_bytes(data[keep:])
            fh.truncate(keep)
    path.rename(final)
    return Repair(final.name, keep, len(data) - keep)
