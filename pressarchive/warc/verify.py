"""Proving that every capture in the store still has its evidence in the WARC files.

The store only points into the WARC files (file, offset, payload sha256), so a lost file, a
file cut short or overwritten, or a row pointing at the wrong place would leave a document
without the evidence the archive promises. ``check`` runs :func:`verify_captures` over every
capture: each one's file must exist and its record at that offset must be a response for
that URL whose payload has that sha256. Captures are grouped by file and visited in offset
order, so each file is opened once and read forward; only the records themselves are
decompressed. Damage here cannot be repaired from inside the archive (the WARC files are
the originals), so it is reported, never "fixed".
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from pressarchive.warc.writer import warc_path

#: Examples of each problem kept in a report (the counts are always complete).
EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class CaptureLocation:
    """Where the store says a capture's response record is, and what its payload hashes to."""

    capture_id: int
    url: str
    warc_file: str
    offset: int
    payload_sha256: str


@dataclass
class WarcCheck:
    """Captures whose evidence is missing or wrong, each as sorted capture ids.

    ``missing_file``: the WARC file is gone. ``bad_record``: nothing readable at the offset,
    or a record of another type or for another URL. ``digest_mismatch``: the right record,
    but its payload is not what was captured.
    """

    captures: int = 0
    files: int = 0
    seconds: float = 0.0
    missing_file: list[int] = field(default_factory=list)
    bad_record: list[int] = field(default_factory=list)
    digest_mismatch: list[int] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing_file or self.bad_record or self.digest_mismatch)

    @property
    def damaged(self) -> int:
        return len(self.missing_file) + len(self.bad_record) + len(self.digest_mismatch)

    def problems(self) -> dict[str, list[int]]:
        return {
            "warc_missing_file": self.missing_file, "warc_bad_record": self.bad_record,
            "digest_mismatch": self.digest_mismatch,
        }

    def to_json(self) -> dict[str, object]:
        """Counts and a few example capture ids per problem (``check --json``)."""
        return {
            "captures": self.captures, "warc_files": self.files, "warc_seconds": round(self.seconds, 3),
            **{name: {"count": len(ids), "examples": ids[:EXAMPLES]} for name, ids in self.problems().items()},
        }


def verify_captures(warc_dir: Path, captures: Iterable[CaptureLocation]) -> WarcCheck:
    """Check each capture's record in ``warc_dir``; ``captures`` in any order."""
    began = time.monotonic()
    report = WarcCheck()
    ordered = sorted(captures, key=lambda capture: (capture.warc_file, capture.offset))
    for name, group in groupby(ordered, key=lambda capture: capture.warc_file):
        in_file = list(group)
        report.files += 1
        report.captures += len(in_file)
        _verify_file(warc_path(warc_dir, name), in_file, report)
    for ids in report.problems().values():
        ids.sort()
    report.seconds = time.monotonic() - began
    return report


def _verify_file(path: Path, captures: list[CaptureLocation], report: WarcCheck) -> None:
    try:
        fh = open(path, "rb")
    except OSError:
        report.missing_file.extend(capture.capture_id for capture in captures)
        report.missing_files.append(path.name)
        return
    with fh:
        for capture in captures:
            verdict = _verify_record(fh, capture)
            if verdict == "bad_record":
                report.bad_record.append(capture.capture_id)
            elif verdict == "digest_mismatch":
                report.digest_mismatch.append(capture.capture_id)


def _verify_record(fh: BinaryIO, capture: CaptureLocation) -> str | None:
    """None when the record at the capture's offset is its response with its payload."""
    try:
        fh.seek(capture.offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.rec_type != "response" or record.rec_headers.get_header("WARC-Target-URI") != capture.url:
            return "bad_record"
        # The payload as stored (still content-encoded, as captured), not warcio's decoded view.
        digest = hashlib.sha256()
        while chunk := record.raw_stream.read(1 << 16):
            digest.update(chunk)
    except Exception:  # a torn gzip member, garbage, a truncated file: all "nothing readable there"
        return "bad_record"
    return None if digest.hexdigest() == capture.payload_sha256 else "digest_mismatch"
