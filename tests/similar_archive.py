"""A bare archive for the near-duplicate and lineage tests: sources of a kind, and documents
saved the way a crawl saves them (a capture row, then the document)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import count

from pressarchive.record import Document
from pressarchive.store import Archive, Capture

_urls = count(1)


@contextmanager
def harbour_archive(url: str) -> Iterator[Archive]:
    """An archive at store URL ``url`` with one press room (harbour) and two news outlets (courier, gazette)."""
    archive = Archive(url)
    for name, kind in (("harbour", "press_room"), ("courier", "news"), ("gazette", "news")):
        add_source(archive, name, kind)
    try:
        yield archive
    finally:
        archive.close()


def add_source(archive: Archive, name: str, kind: str) -> None:
    archive.upsert_source(name, title=name, agency="", country="ES", language="en")
    archive.upsert_source(name, kind=kind)


def add(archive: Archive, source: str, text: str, published: date | None = None, title: str = "",
        url: str = "", when: datetime = datetime(2024, 3, 10, 9, 0)) -> int:
    url = url or f"https://{source}.example/item/{next(_urls)}"
    capture = Capture(source, url, 200, "text/html", len(text), when, "0" * 64, "x.warc.gz", 0)
    capture_id = archive.record_capture(capture)
    doc = Document(url=url, title=title or f"{source} item", text=text, language="en", published=published,
                   source=source)
    return archive.save_document(doc, capture_id).document_id


def clusters(archive: Archive) -> dict[int, int | None]:
    return {doc.id: doc.cluster for doc in archive.current_documents() if doc.id is not None}


def pending_ids(archive: Archive) -> set[int]:
    return {doc.id for doc in archive.pending_index() if doc.id is not None}


def mark_all_indexed(archive: Archive) -> None:
    archive.mark_indexed(archive.pending_index())
