"""Reading a capture's payload back from its WARC record, for extracting it again.

A capture whose WARC file is gone, or whose record is torn, garbage or not a response, is
reported as unreadable, never fatal: the run goes on and the document keeps the versions it
has (``check`` says what is damaged; WARC files are originals and cannot be rebuilt).
"""

from __future__ import annotations

from pathlib import Path

from pressarchive.store import Capture
from pressarchive.warc import ArchivedResponse, read_response


class CaptureUnreadable(Exception):
    """No payload to extract: ``reason`` is ``missing_file`` or ``bad_record``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def read_capture(warc_dir: Path, capture: Capture) -> ArchivedResponse:
    """The response ``capture`` points at, its payload decoded as the crawler saw it."""
    where = f"{capture.warc_file}@{capture.warc_offset}"
    try:
        return read_response(warc_dir / capture.warc_file, capture.warc_offset)
    except FileNotFoundError:
        raise CaptureUnreadable("missing_file", f"{where}: WARC file not found") from None
    except Exception as exc:  # noqa: BLE001 - torn gzip, garbage, truncation: all "nothing readable there"
        raise CaptureUnreadable("bad_record", f"{where}: {type(exc).__name__}: {exc}") from None
