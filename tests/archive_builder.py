"""Builds small archives in tests the way the crawler does: a source, a capture, a document.

Shared by the web, CLI, check and fuzz tests so each can make the archive it needs through
the same store calls a crawl makes, without running a crawl.
"""

from __future__ import annotations

from datetime import datetime

from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.store import Capture


class Builder:
    """Adds documents the way the crawler does: a source, a capture, then the document."""

    def __init__(self, service: ArchiveService) -> None:
        self.service = service
        self.captures = 0

    def add(self, doc: Document, when: datetime | None = None) -> int:
        self.captures += 1
        capture_id = self.service.archive.record_capture(Capture(
            source=doc.source, url=doc.url, status=200, content_type="text/html",
            length=len(doc.text), captured_at=when or datetime(2024, 1, 1, 12, 0, self.captures % 60),
            payload_sha256=f"{self.captures:064x}", warc_file="pressarchive-00001.warc.gz",
            warc_offset=1000 * self.captures,
        ))
        return self.service.archive.save_document(doc, capture_id).document_id
