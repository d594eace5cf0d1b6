"""A real pressarchive data directory of N synthetic releases, built fast (for bench/web.py).

The releases are those of ``searchcorpus.py`` (release ``n`` is document, version and capture
``n``). Each is archived as a crawl would leave it: its own WARC response record (and request
record) of a small HTML page, written by pressarchive's own :class:`RotatingWarcWriter`; a
capture row with that record's file, offset, WARC-Record-ID and payload SHA-256; a document,
a version with its text digest and operation names; the sources' rows. ``pressarchive check``
finds it consistent, WARC evidence included. Only the way there is faster than a crawl: rows
go in by SQLAlchemy Core ``executemany``, one transaction per batch, and the Whoosh index is
filled by ``SearchIndex.rebuild`` (one commit, one segment) as ``index --rebuild`` does, with
every document marked indexed, so the server opens it as it is instead of refilling it.
Near-duplicate signatures are not computed (each release is its own cluster).

The directory is cached: ``build_archive(root, n)`` builds ``root/archive-<n>-seed<seed>`` and
returns at once when the marker file in it says it holds the same documents of the same seed.
``python bench/archivecorpus.py DIR --docs N`` does the same from a shell.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
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
from pressarchive.index.whooshindex.searchindex import SearchIndex  # noqa: E402
from pressarchive.record import Document  # noqa: E402
from pressarchive.store import Archive, schema, text_digest  # noqa: E402
from pressarchive.store.operations import operation_rows  # noqa: E402
from pressarchive.warc import Exchange, RotatingWarcWriter  # noqa: E402

MARKER = "bench-archive.json"
#: Bump when the archive written changes, so an old cached one is rebuilt.
FORMAT = 3
#: Documents per store transaction.
BATCH = 5_000
#: When an undated release is said to have been captured.
UNDATED_CAPTURE = datetime(2026, 7, 1, 9, 0)
CONTENT_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class BuiltArchive:
    """A data directory ready to serve, and what building it cost (then, when it was cached)."""

    data: DataDir
    documents: int
    seconds: float
    cached: bool


def build_archive(root: Path, documents: int, seed: int = 7,
                  progress: Callable[[str], None] | None = None) -> BuiltArchive:
    """The archive of ``documents`` releases of ``seed`` under ``root`` (built unless cached)."""
    say = progress or (lambda _line: None)
    data = DataDir((Path(root) / f"archive-{documents}-seed{seed}").resolve())
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
    archive = Archive(data.database_url)  # creates the schema
    writer = RotatingWarcWriter(data.warc_dir, prefix="bench")
    index = SearchIndex(data.index_dir)
    try:
        for language, entries in SOURCES.items():
            for name, agency, country in entries:
                archive.upsert_source(name, title=agency, agency=agency, country=country, language=language)
        # One commit of everything, as ``index --rebuild`` makes: it also marks the new index
        # as filled (an index only added to would be refilled by the server at its start).
        index.rebuild(_stored(archive, writer, corpus, documents, say))
        say(f"archive: {documents:,} documents indexed")
    finally:
        index.close()
        writer.close()
        archive.close()


def _stored(archive: Archive, writer: RotatingWarcWriter, corpus: Corpus, documents: int,
            say: Callable[[str], None]) -> Iterator[Document]:
    """The releases, each batch archived (WARC records, then rows) before the index gets it."""
    for start in range(1, documents + 1, BATCH):
        batch = list(corpus.documents(min(BATCH, documents - start + 1), start))
        rows = _rows(writer, batch)
        with archive.engine.begin() as conn:
            for table, table_rows in rows.items():
                if table_rows:
                    conn.execute(table.insert(), table_rows)
        say(f"archive: {start + len(batch) - 1:,}/{documents:,} documents stored")
        yield from batch


def _rows(writer: RotatingWarcWriter, batch: list[Document]) -> dict[Any, list[dict[str, Any]]]:
    """Each release's WARC records written; the rows a crawl would have stored, in foreign-key order."""
    captures, docs, versions, operations = [], [], [], []
    for doc in batch:
        n = doc.id
        assert n is not None
        when = datetime.combine(doc.published, day_time(10, n % 60)) if doc.published else UNDATED_CAPTURE
        body = _page(doc)
        where = writer.write(Exchange(
            url=doc.url, method="GET", request_headers=[], status=200, reason="OK",
            response_headers=[("Content-Type", CONTENT_TYPE)], body=body, captured_at=when.replace(tzinfo=UTC),
        ))
        captures.append({
            "id": n, "source": doc.source, "url": doc.url, "requested_url": doc.url, "status": 200,
            "content_type": CONTENT_TYPE, "length": len(body), "captured_at": when,
            "payload_sha256": where.payload_sha256, "warc_file": where.warc_file, "warc_offset": where.offset,
            "warc_record_id": where.record_id,
        })
        docs.append({"id": n, "url": doc.url, "source": doc.source, "first_captured": when,
                     "last_captured": when, "current_version": n, "indexed_version": n})
        versions.append({
            "id": n, "document_id": n, "number": 1, "capture_id": n, "captured_at": when,
            "text_sha256": text_digest(doc.title, doc.text), "title": doc.title, "text": doc.text,
            "language": doc.language, "published": doc.published, "operations": list(doc.operations),
            "countries": list(doc.countries), "agencies": list(doc.agencies),
        })
        operations.extend(operation_rows(n, doc.operations))
    return {schema.captures: captures, schema.documents: docs, schema.versions: versions,
            schema.version_operations: operations}


def _page(doc: Document) -> bytes:
    """The release as the small HTML page its WARC record holds (what ``/doc/{id}/raw`` shows)."""
    paragraphs = "".join(f"<p>{escape(part)}</p>" for part in doc.text.split("\n\n"))
    return (f'<!DOCTYPE html><html lang="{doc.language}"><head><meta charset="utf-8"><title>{escape(doc.title)}'
            f"</title></head><body><h1>{escape(doc.title)}</h1>{paragraphs}</body></html>").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, help="where archives are kept (each in its own subdirectory)")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    built = build_archive(args.directory, args.docs, args.seed, progress=lambda line: print(line, flush=True))
    how = "cached: it took" if built.cached else "built in"
    print(f"{built.data.root}: {built.documents:,} documents, {how} {built.seconds:.1f} s")


if __name__ == "__main__":
    main()
