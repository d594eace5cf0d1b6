"""A response captured by another tool, as read from its file or fetched from an archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ForeignResponse:
    """One archived HTTP response to import.

    ``captured_at``: when the other tool captured it (UTC, no time zone, as the store keeps
    times). ``body``: the payload with any transfer coding undone but its content coding
    (gzip, br) kept, as the crawler stores bodies. ``origin``: ``warc:<file>#<offset>`` or
    ``wayback:<URL of the capture>``. ``source`` and ``listed_date``: what a pressarchive
    export said of the capture (so a round trip keeps them); None from other tools.
    """

    url: str
    captured_at: datetime
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    origin: str
    record_id: str = ""
    source: str | None = None
    listed_date: date | None = None

    def header(self, name: str) -> str:
        """The first value of header ``name`` ("" when absent)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")
