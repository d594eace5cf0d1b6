"""WARC files: the archive's byte-for-byte evidence of every HTTP exchange (warcio)."""

from __future__ import annotations

from pressarchive.warc.reader import ArchivedResponse, read_response, still_encoded
from pressarchive.warc.repair import Repair, repair_open_files
from pressarchive.warc.verify import CaptureLocation, WarcCheck, verify_captures
from pressarchive.warc.writer import Exchange, RotatingWarcWriter, WarcLocation, warc_path

__all__ = [
    "ArchivedResponse", "CaptureLocation", "Exchange", "Repair", "RotatingWarcWriter", "WarcCheck",
    "WarcLocation", "read_response", "repair_open_files", "still_encoded", "verify_captures", "warc_path",
]
