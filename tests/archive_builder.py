"""Builds small archives in tests the way the crawler does: a source, a capture, a document.

Shared by the web, CLI, check and fuzz tests so each can make the archive it needs through
the same store calls a crawl makes, without running a crawl.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from html import escape

from w3lib.url import safe_url_string

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.store import Capture
from pressarchive.warc import Exchange, RotatingWarcWriter


class Builder:
    """Adds documents the way the crawler does: a source, a capture, then the document."""

    def __init__(self, service: ArchiveService) -> None:
        self.service = service
        self.captures = 0

    def add(
        self, doc: Document, when: datetime | None = None, body: bytes | None = None, listed: date | None = None,
    ) -> int:
        """Archive ``doc`` as extracted from ``body`` (default: a page of its title and text),
        requested with the date a listing gave it (``listed``)."""
        self.captures += 1
        captured_at = when or datetime(2024, 1, 1, 12, 0, self.captures % 60)
        if body is None:
            body = f"<html><body><h1>{escape(doc.title)}</h1><p>{escape(doc.text)}</p></body></html>".encode()
        # A real WARC record, so ``check`` finds the evidence every capture row promises. The
        # capture is of the URL as a crawler would have sent it (escaped to ASCII, as Scrapy
        # does); the document keeps the URL it was given, however hostile.
        url = safe_url_string(doc.url)
        writer = RotatingWarcWriter(self.service.data.warc_dir, prefix="builder")
        try:
            location = writer.write(Exchange(
                url=url, method="GET", request_headers=[], status=200, reason="OK",
                response_headers=[("Content-Type", "text/html")], body=body,
                captured_at=captured_at.replace(tzinfo=UTC),
            ))
        finally:
            writer.close()
        capture_id = self.service.archive.record_capture(Capture(
            source=doc.source, url=url, status=200, content_type="text/html",
            length=len(body), captured_at=captured_at, payload_sha256=hashlib.sha256(body).hexdigest(),
            warc_file=location.warc_file, warc_offset=location.offset, listed_date=listed,
            warc_record_id=location.record_id or None,
        ))
        return self.service.archive.save_document(doc, capture_id).document_id


def build_many_sources(data: DataDir, sources: list[str], every_days: int) -> None:
    """An indexed archive with one raid report per source, ``every_days`` apart from 7 January
    2019: a source facet longer than the page first shows, and a timeline over months."""
    service = ArchiveService(data)
    try:
        builder = Builder(service)
        for n, source in enumerate(sources):
            service.archive.upsert_source(source, agency=f"Agency {n}", country="DE", language="en")
            builder.add(Document(
                url=f"https://police.example/{source}/raid", title=f"Raid number {n}",
                text=f"Officers raided a warehouse, report {n}.", language="en",
                published=date(2019, 1, 7) + timedelta(days=every_days * n), source=source,
            ))
        service.index_pending()
    finally:
        service.close()
