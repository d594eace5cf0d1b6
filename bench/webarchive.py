"""A real pressarchive data directory of N synthetic releases, for bench/web.py.

The releases are those of ``searchcorpus.py`` (release ``n`` has document id ``n``). The
store is filled with SQLAlchemy Core ``executemany`` straight into the archive's own tables
(sources, captures, documents, versions, version_operations), the same rows a crawl writes
but without a crawl's per-page transactions, and the Whoosh index with ``SearchIndex.rebuild``
(one commit, one segment), as ``index --rebuild`` does. The result is a data
directory the real ``create_app`` and CLI open as they open any archive.

Captures point at a real, small WARC file: one genuine response record per source, written
with pressarchive's own WARC writer, so ``/doc/{id}/raw`` and provenance have a record to
read. Each capture carries its own WARC-Record-ID (a UUID derived from its URL), but its
file, offset and payload digest are those of its source's one record: ``pressarchive check``
would rightly report the WARC evidence as not matching the URLs. The texts, the index and the
search results are the point here, not the evidence.

The directory is cached: ``build_archive`` returns at once when ``bench-web.json`` in it says
it holds the same number of documents of the same seed.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time as day_time
from html import escape
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from searchcorpus import SOURCES, Corpus  # noqa: E402  (bench/ helper)

from pressarchive.datadir import DataDir, prepare_data_dir  # noqa: E402
from pressarchive.index import SearchIndex  # noqa: E402
from pressarchive.record import Document  # noqa: E402
from pressarchive.store import Archive, schema  # noqa: E402
from pressarchive.store.archive import text_digest  # noqa: E402
from pressarchive.store.operations import operation_rows  # noqa: E402
from pressarchive.urls import canonical_url  # noqa: E402
from pressarchive.warc import Exchange, RotatingWarcWriter, WarcLocation  # noqa: E402

MARKER = "bench-web.json"
#: Bump when the rows written change, so an old cached archive is rebuilt.
FORMAT = 2
#: Documents per store transaction.
BATCH = 20_000
#: When an undated release is said to have been captured.
UNDATED_CAPTURE = datetime(2026, 7, 1, 9, 0)


@dataclass(frozen=True)
class BuiltArchive:
    """A data directory ready to serve, and what building it cost (0 when it was cached)."""

    data: DataDir
    documents: int
    seconds: float
    cached: bool


def build_archive(root: Path, documents: int, seed: int = 7,
                  progress: Callable[[str], None] | None = None) -> BuiltArchive:
    """The archive of ``documents`` releases of ``seed`` under ``root`` (built unless cached)."""
    say = progress or (lambda _line: None)
    data = DataDir((root / f"web-{documents}-seed{seed}").resolve())
    wanted = {"format": FORMAT, "documents": documents, "seed": seed}
    marker = data.root / MARKER
    if marker.exists():
        built = json.loads(marker.read_text())
        if {key: built.get(key) for key in wanted} == wanted:
            return BuiltArchive(data, documents, float(built.get("seconds", 0.0)), cached=True)
    if data.root.exists():
        shutil.rmtree(data.root)  # a half-built or different archive: start again
    began = time.perf_counter()
    prepare_data_dir(data)
    _fill(data, Corpus(seed), documents, say)
    seconds = time.perf_counter() - began
    marker.write_text(json.dumps({**wanted, "seconds": round(seconds, 1)}))
    return BuiltArchive(data, documents, seconds, cached=False)


def _fill(data: DataDir, corpus: Corpus, documents: int, say: Callable[[str], None]) -> None:
    archive = Archive(data.database_url)  # creates the schema (and runs its data steps on nothing)
    index = SearchIndex(data.index_dir)
    try:
        locations = _write_warc(data, archive)
        # What ``index --rebuild`` and the refill of a new index do: one commit of everything,
        # which also marks the new index as filled (an index only added to would be refilled
        # by the server at its start).
        index.rebuild(_stored(archive, corpus, documents, locations, say))
        say(f"archive: {documents} documents indexed")
    finally:
        index.close()
        archive.close()


def _stored(archive: Archive, corpus: Corpus, documents: int, locations: dict[str, WarcLocation],
            say: Callable[[str], None]) -> Iterator[Document]:
    """The releases, each batch written to the store before it is handed on to the index."""
    for start in range(1, documents + 1, BATCH):
        batch = list(corpus.documents(min(BATCH, documents - start + 1), start))
        with archive.engine.begin() as conn:
            for table, rows in _rows(batch, locations).items():
                if rows:
                    conn.execute(table.insert(), rows)
        say(f"archive: {start + len(batch) - 1}/{documents} documents stored")
        yield from batch


def _write_warc(data: DataDir, archive: Archive) -> dict[str, WarcLocation]:
    """One response record per source (its press room's front page); its location by source."""
    writer = RotatingWarcWriter(data.warc_dir, prefix="bench-web")
    locations: dict[str, WarcLocation] = {}
    try:
        for language, entries in SOURCES.items():
            for name, agency, country in entries:
                archive.upsert_source(name, title=agency, agency=agency, country=country, language=language)
                body = (f"<!doctype html><html lang=\"{language}\"><head><title>{escape(agency)}</title></head>"
                        f"<body><h1>{escape(agency)}: press releases</h1></body></html>").encode()
                locations[name] = writer.write(Exchange(
                    url=f"https://{name}.example/press/", method="GET", request_headers=[], status=200,
                    reason="OK", response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
                    captured_at=UNDATED_CAPTURE.replace(tzinfo=UTC),
                ))
    finally:
        writer.close()
    return locations


def _rows(batch: list[Document], locations: dict[str, WarcLocation]) -> dict[Any, list[dict[str, Any]]]:
    """The rows a crawl would have written for ``batch``, by table, in foreign-key order."""
    captures, docs, versions, operations = [], [], [], []
    for doc in batch:
        assert doc.id is not None
        where = locations[doc.source]
        url = canonical_url(doc.url)
        when = (datetime.combine(doc.published, day_time(10, doc.id % 60)) if doc.published
                else UNDATED_CAPTURE)
        captures.append({
            "id": doc.id, "source": doc.source, "url": url, "status": 200, "content_type": "text/html",
            "length": len(doc.text), "captured_at": when, "payload_sha256": where.payload_sha256,
            "warc_file": where.warc_file, "warc_offset": where.offset,
            "warc_record_id": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>",
        })
        docs.append({
            "id": doc.id, "url": url, "source": doc.source, "first_captured": when, "last_captured": when,
            "current_version": doc.id, "indexed_version": doc.id,
        })
        versions.append({
            "id": doc.id, "document_id": doc.id, "number": 1, "capture_id": doc.id, "captured_at": when,
            "text_sha256": text_digest(doc.title, doc.text), "title": doc.title, "text": doc.text,
            "language": doc.language, "published": doc.published, "operations": list(doc.operations),
            "countries": list(doc.countries), "agencies": list(doc.agencies),
        })
        operations.extend(operation_rows(doc.id, doc.operations))
    return {schema.captures: captures, schema.documents: docs, schema.versions: versions,
            schema.version_operations: operations}

