"""The archive's floor: CPU per page that a crawl must spend and that S, E and I leave out.

``bench/crawl.py`` compares a crawl with ``L = 2 / (1/S + 1/E + 1/I)``, where S is plain Scrapy
(nothing kept), E extraction and I indexing from memory. A pressarchive crawl also has to keep
the evidence and the record of every page, which none of the three does:

- the WARC response and request records (digests, gzip, write): provenance;
- the capture row that points at them;
- the document and version rows (with operations and figures);
- the near-duplicate signature, its buckets and clusters (the indexing round's first step);
- reading the new versions back from the store and marking them indexed.

Each step is run here alone, on one core, through the same functions a crawl calls, for the
sampled pages. The sum F is a floor: no crawl can do less and still archive. With both cores
busy all the time and nothing else spent (no Scrapy item plumbing, no process pipes, no
indexing rounds, no slowdown from sharing the cores), a crawl would reach ``P / (P + F)`` of
L, where ``P = 1000/S + 1000/E + 1000/I`` ms per page; at a crawl's measured core use ``u``
(cores busy / 2), ``u * P / (P + F)``. A target above that ceiling cannot be met by any
amount of trimming of what a crawl adds on top.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: Request and response headers of the size a press room sends (the bench's server's own).
_REQUEST_HEADERS = [("User-Agent", "pressarchive-bench"), ("Accept", "text/html"), ("Accept-Encoding", "gzip")]
_RESPONSE_HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Server", "sitegen"),
                     ("Date", "Sun, 06 Dec 2026 00:00:00 GMT"), ("Last-Modified", "Sat, 05 Dec 2026 00:00:00 GMT")]


def measure_archive_floor(bodies: dict[str, bytes], docs: list[Any], source: str) -> dict[str, Any]:
    """CPU ms per page of each archiving step for ``docs``, extracted from ``bodies`` (by URL)."""
    from pressarchive.similar.update import update_similarity
    from pressarchive.store import Archive, Capture
    from pressarchive.warc import Exchange, RotatingWarcWriter

    kept = [(doc.url, bodies[doc.url], doc) for doc in docs if doc is not None and doc.url in bodies]
    if not kept:
        raise ValueError("no document matches a page: nothing to measure")
    steps: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="pressarchive-floor-") as folder:
        archive = Archive(f"sqlite:///{Path(folder) / 'floor.sqlite'}")
        writer = RotatingWarcWriter(Path(folder) / "warc", max_size=1 << 30, prefix=f"pressarchive-{source}")
        try:
            now = datetime.now(UTC)
            started = time.process_time()
            locations = [writer.write(Exchange(url=url, method="GET", request_headers=_REQUEST_HEADERS, status=200,
                                               reason="OK", response_headers=_RESPONSE_HEADERS, body=body,
                                               captured_at=now)) for url, body, _doc in kept]
            steps["WARC records"] = time.process_time() - started
            started = time.process_time()
            capture_ids = [archive.record_capture(Capture(
                source=source, url=url, status=200, content_type="text/html; charset=utf-8", length=len(body),
                captured_at=now.replace(tzinfo=None), payload_sha256=where.payload_sha256,
                warc_file=where.warc_file, warc_offset=where.offset, warc_record_id=where.record_id or None,
            )) for (url, body, _doc), where in zip(kept, locations, strict=True)]
            steps["capture rows"] = time.process_time() - started
            started = time.process_time()
            for (_url, _body, doc), capture_id in zip(kept, capture_ids, strict=True):
                archive.save_document(doc.replace(source=source), capture_id)
            steps["document and version rows"] = time.process_time() - started
            started = time.process_time()
            update_similarity(archive)
            steps["near-duplicate signatures"] = time.process_time() - started
            started = time.process_time()
            pending = archive.pending_index()
            archive.mark_indexed(pending)
            steps["read back for the index, mark indexed"] = time.process_time() - started
        finally:
            writer.close()
            archive.close()
    per_page = {name: 1000 * seconds / len(kept) for name, seconds in steps.items()}
    return {"pages": len(kept), "ms_per_page": per_page, "total_ms": sum(per_page.values())}


def ceiling(parts_ms: float, added_ms: float, core_share: float = 1.0) -> float:
    """The best end to end ÷ L a crawl could reach when it adds ``added_ms`` per page to the
    parts and keeps ``core_share`` of the cores busy (see the module's docstring)."""
    return core_share * parts_ms / (parts_ms + added_ms)


def _extract_all(pages: list[tuple[str, bytes]], passes: int) -> float:
    """CPU seconds per page of extracting ``pages`` ``passes`` times in this process."""
    from pressarchive.extract import extract_document

    started = time.process_time()
    for _ in range(passes):
        for url, body in pages:
            extract_document(body, url, "text/html; charset=utf-8", default_language="es")
    return (time.process_time() - started) / (passes * len(pages))


def _extract_in_child(pages: list[tuple[str, bytes]], passes: int, out: Any) -> None:
    """A forked child's half of :func:`measure_core_sharing`."""
    out.send(_extract_all(pages, passes))
    out.close()


def measure_core_sharing(pages: list[tuple[str, bytes]], passes: int = 2) -> dict[str, float]:
    """How much CPU per page extraction costs when both cores run it at once, against one alone.

    L assumes two cores do twice the work of one. On this machine (a VM's two vCPUs) two busy
    processes slow each other (shared caches and memory, the host's scheduling): the same
    pages cost more CPU each. That loss applies to every part of a crawl, since a crawl keeps
    both cores busy, and it is not in S, E or I, each measured alone.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    _extract_all(pages[:5], 1)  # imports and caches: not part of either figure

    def pair() -> list[float]:
        pipes = [context.Pipe(duplex=False) for _ in range(2)]
        children = [context.Process(target=_extract_in_child, args=(pages, passes, send)) for _, send in pipes]
        for child in children:
            child.start()
        found = [receive.recv() for receive, _ in pipes]
        for child in children:
            child.join()
        return found

    alone = [_extract_all(pages, passes)]
    both = pair()
    alone.append(_extract_all(pages, passes))  # before and after: the machine's speed drifts
    alone_ms, both_ms = 1000 * sum(alone) / len(alone), 1000 * sum(both) / len(both)
    return {"alone_ms": alone_ms, "both_cores_ms": both_ms, "loss": both_ms / alone_ms - 1}
