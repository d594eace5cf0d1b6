"""A small archive whose documents have several versions, for the document page's tests.

Captures are written as the crawler writes them (a WARC record, then the capture row, then
the document), with the response headers each test needs (a charset, a PDF), and without a
WARC-Record-ID in the store, as archives from before it was kept have.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.store import Capture
from pressarchive.warc import Exchange, RotatingWarcWriter
from tests.storebackends import data_dir_on

SCRIPT_PAGE = (
    b"<!DOCTYPE html><html><head><title>Original title</title>"
    b"<script>window.pwned = 1; document.title = 'pwned';</script>"
    b"<style>#pressarchive-banner { display: none }</style>"
    b"<meta http-equiv=\"refresh\" content=\"0;url=https://elsewhere.example/\">"
    b"</head><body onload=\"document.title = 'pwned'\"><!-- <body> -->"
    b"<p style=\"color: red\">Police arrested seven people.</p>"
    b"<img src=\"https://images.example/x.png\" alt=\"x\"></body></html>"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

RELEASE = Document(
    url="https://police.example.org/press/avalanche", title="Avalanche botnet dismantled",
    text="Police arrested five people in Berlin.\nServers were seized.", language="en",
    published=date(2016, 12, 1), operations=("Avalanche",), source="police-a",
)
CORRECTED = RELEASE.replace(
    title="Avalanche botnet dismantled: update",
    text="Police arrested seven people in Berlin.\nServers were seized.\nEuropol supported the operation.",
)


@dataclass
class DocumentArchive:
    data: DataDir
    ids: dict[str, int] = field(default_factory=dict)
    warc_files: dict[str, str] = field(default_factory=dict)


def write_capture(
    service: ArchiveService, doc: Document, body: bytes, when: datetime,
    content_type: str = "text/html; charset=utf-8",
) -> tuple[int, str]:
    """Archive ``doc`` as read from ``body``; returns the document id and the WARC file's name."""
    writer = RotatingWarcWriter(service.data.warc_dir, prefix="doctest")
    try:
        location = writer.write(Exchange(
            url=doc.url, method="GET", request_headers=[], status=200, reason="OK",
            response_headers=[("Content-Type", content_type)], body=body, captured_at=when.replace(tzinfo=UTC),
        ))
    finally:
        writer.close()
    capture_id = service.archive.record_capture(Capture(
        source=doc.source, url=doc.url, status=200, content_type=content_type, length=len(body),
        captured_at=when, payload_sha256=hashlib.sha256(body).hexdigest(), warc_file=location.warc_file,
        warc_offset=location.offset,
    ))
    return service.archive.save_document(doc, capture_id).document_id, location.warc_file


def build(root: Path, db: str | None = None) -> DocumentArchive:
    """Release "avalanche" in two versions (the second's page has a script, a style, a refresh
    and an image), a PDF release, a windows-1252 page, and one whose WARC file is gone; its store
    is ``db`` (None: the embedded SQLite file)."""
    built = DocumentArchive(data_dir_on(root, db))
    service = ArchiveService(built.data)
    try:
        service.archive.upsert_source("police-a", agency="Police A & {Co}", country="DE", language="en")
        service.archive.upsert_source("plain", title="Plain Press Room", language="en")
        first = RELEASE.text.encode()
        built.ids["avalanche"], _ = write_capture(service, RELEASE, b"<p>" + first + b"</p>", datetime(2024, 1, 1, 12))
        again, _ = write_capture(service, CORRECTED, SCRIPT_PAGE, datetime(2024, 2, 1, 8, 30))
        assert again == built.ids["avalanche"]
        pdf = Document(url="https://police.example.org/press/report.pdf", title="Annual report",
                       text="The annual report.", language="en", source="plain")
        built.ids["pdf"], _ = write_capture(service, pdf, PDF, datetime(2024, 1, 2), "application/pdf")
        latin = Document(url="https://police.example.org/press/cafe", title="Café raid", text="Café raid.",
                         language="fr", source="police-a")
        built.ids["latin"], _ = write_capture(
            service, latin, "<html><body><p>Caf\u00e9 raid \u20ac5</p></body></html>".encode("cp1252"),
            datetime(2024, 1, 3), "text/html; charset=windows-1252",
        )
        lost = Document(url="https://police.example.org/press/lost", title="Lost evidence", text="Gone.",
                        language="en", source="police-a")
        built.ids["lost"], built.warc_files["lost"] = write_capture(service, lost, b"<p>Gone.</p>",
                                                                    datetime(2024, 1, 4))
        service.index_pending()
    finally:
        service.close()
    (built.data.warc_dir / built.warc_files["lost"]).unlink()
    return built
