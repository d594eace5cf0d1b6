"""WARC files: the archive's byte-for-byte evidence of every HTTP exchange (warcio)."""

from __future__ import annotations

from pressarchive.warc.reader import ArchivedResponse, read_response
from pressarchive.warc.writer import Exchange, RotatingWarcWriter, WarcLocation

__all__ = ["ArchivedResponse", "Exchange", "RotatingWarcWriter", "WarcLocation", "read_response"]
