"""A real pressarchive data directory holding N synthetic releases, built fast (bench/export.py, bench/web.py).

The releases are bench/searchcorpus.py's (deterministic, multilingual, about 3 KB of text
each, with sources, agencies, countries, operations and dates). Each one is archived as a
crawl would leave it: a real WARC response record (and its request record) of a small HTML
page, a capture row pointing at it with its WARC-Record-ID and payload SHA-256, a document, a
version with its text digest and operation names, and the sources' rows. Only the way there
is faster than a crawl: rows are inserted in bulk, a transaction per batch, with ids fixed
up front (release ``n`` is document, version and capture ``n``). Then the index is refilled
from the store by :class:`~pressarchive.service.ArchiveService` itself, as when an index is
missing. Near-duplicate signatures are not computed (each release is its own cluster).

    from archivecorpus import build_archive
    data = build_archive(Path("/tmp/bench-data"), 100_000)   # about 3 minutes on 2 cores

or ``python bench/archivecorpus.py DIR --docs 100000``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from searchcorpus import SOURCES, Corpus  # noqa: E402  (bench/ helper)

from pressarchive.datadir import DataDir, prepare_data_dir  # noqa: E402
from pressarchive.record import Document  # noqa: E402
from pressarchive.service import ArchiveService  # noqa: E402
from pressarchive.store import Archive, schema, text_digest  # noqa: E402
from pressarchive.store.operations import operation_rows  # noqa: E402
from pressarchive.warc import Exchange, RotatingWarcWriter  # noqa: E402

BATCH = 5_000
FIRST_CAPTURE = datetime(2026, 7, 1, 6, 0)


def build_archive(root: Path, docs: int, seed: int = 7, progress: Callable[[str], None] | None = None) -> DataDir:
    """A data directory at ``root`` (which must not hold an archive yet) with ``docs`` releases, indexed."""
    data = prepare_data_dir(DataDir(root))
    if data.database.exists():
        raise SystemExit(f"{data.database} exists: build into an empty directory")
    say = progress or (lambda _message: None)
    corpus = Corpus(seed)
    archive = Archive(data.database_url)
    try:
        for language, entries in SOURCES.items():
            for name, agency, country in entries:
                archive.upsert_source(name, title=agency, agency=agency, country=country, language=language)
        writer = RotatingWarcWriter(data.warc_dir, prefix="bench")
        try:
            for start in range(1, docs + 1, BATCH):
                _insert_batch(archive, writer, list(corpus.documents(min(BATCH, docs - start + 1), start)))
                say(f"stored {min(start + BATCH - 1, docs):,} of {docs:,}")
        finally:
            writer.close()
    finally:
        archive.close()
    started = time.perf_counter()
    service = ArchiveService(data)  # no index yet: opening it refills it from the store
    try:
        service.open_index()
    finally:
        service.close()
    say(f"indexed {docs:,} in {time.perf_counter() - started:.0f} s")
    return data


def _insert_batch(archive: Archive, writer: RotatingWarcWriter, batch: list[Document]) -> None:
    captures, documents, versions, operations = [], [], [], []
    for doc in batch:
        n = doc.id or 0
        captured_at = FIRST_CAPTURE + timedelta(seconds=n)
        body = _page(doc)
        location = writer.write(Exchange(
            url=doc.url, method="GET", request_headers=[], status=200, reason="OK",
            response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
            captured_at=captured_at.replace(tzinfo=UTC),
        ))
        captures.append({
            "id": n, "source": doc.source, "url": doc.url, "status": 200, "content_type": "text/html; charset=utf-8",
            "length": len(body), "captured_at": captured_at, "payload_sha256": hashlib.sha256(body).hexdigest(),
            "warc_file": location.warc_file, "warc_offset": location.offset, "warc_record_id": location.record_id,
        })
        documents.append({"id": n, "url": doc.url, "source": doc.source, "first_captured": captured_at,
                          "last_captured": captured_at, "current_version": n})
        versions.append(_version_row(doc, n, captured_at))
        operations.extend(operation_rows(n, doc.operations))
    with archive.engine.begin() as conn:
        conn.execute(schema.captures.insert(), captures)
        conn.execute(schema.documents.insert(), documents)
        conn.execute(schema.versions.insert(), versions)
        if operations:
            conn.execute(schema.version_operations.insert(), operations)


def _version_row(doc: Document, n: int, captured_at: datetime) -> dict[str, Any]:
    return {
        "id": n, "document_id": n, "number": 1, "capture_id": n, "captured_at": captured_at,
        "text_sha256": text_digest(doc.title, doc.text), "title": doc.title, "text": doc.text,
        "language": doc.language, "published": doc.published, "operations": list(doc.operations),
        "countries": list(doc.countries), "agencies": list(doc.agencies),
    }


def _page(doc: Document) -> bytes:
    paragraphs = "".join(f"<p>{escape(part)}</p>" for part in doc.text.split("\n\n"))
    return (f'<!DOCTYPE html><html lang="{doc.language}"><head><meta charset="utf-8"><title>{escape(doc.title)}'
            f"</title></head><body><h1>{escape(doc.title)}</h1>{paragraphs}</body></html>").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    build_archive(args.directory, args.docs, args.seed, progress=lambda message: print(message, flush=True))
    print(f"built {args.directory} with {args.docs:,} documents in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
