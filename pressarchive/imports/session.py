"""One import: foreign responses judged, copied into the archive's WARC files, extracted and saved.

Responses arrive in file order from a reader (WARC/ARC/WACZ, the Wayback Machine). Each one
passes the same gates as a crawled page: an HTML or PDF response with status 200, no media
(by the URL's extension, the declared type, then the decoded body's first bytes), not already
archived (same URL and payload digest: importing twice adds nothing). It is then written to
an ``pressarchive-import-*`` WARC file in the data directory, its capture recorded with the
original time and origin, and handed to the extraction workers (one per core, each page
within the crawl's time and memory budget), while this process reads on. Results are saved
in the order the responses came.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from pressarchive.crawler.decoding import Undecodable, content_codings, decoded_head
from pressarchive.crawler.media import is_denied_url, looks_like_media, media_type
from pressarchive.datadir import DataDir
from pressarchive.extract import ExtractionError, extract_document
from pressarchive.extract.outcome import extraction_outcome
from pressarchive.extract.workers import (
    DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, ExtractionWorkers,
)
from pressarchive.imports.foreign import ForeignResponse
from pressarchive.imports.sources import SourceChoice, SourceResolver
from pressarchive.imports.summary import ImportSummary
from pressarchive.profiles import Profile
from pressarchive.record import Document
from pressarchive.store import Archive, Capture
from pressarchive.warc import Exchange, RotatingWarcWriter, cdxj, fields

#: Media types a document is extracted from.
DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/pdf"})
#: A decoded body larger than this is not a press release (the crawl's own limit).
MAX_BODY = 20 * 2**20
#: Pages waiting for a worker, per worker (their bodies wait in memory: the bound keeps an
#: import's memory flat whatever the file's size).
AHEAD_PER_WORKER = 4
#: Captures and documents saved per store transaction (a commit per page cost about as much
#: as a fifth of its extraction). A killed import loses at most these rows; their WARC records
#: are then copies no row points to, and importing the file again adds the rows.
SAVE_BATCH = 50

Progress = Callable[[ImportSummary], None]


@dataclass(frozen=True)
class ImportOptions:
    """``source``: every page goes to this source (``--source``); ``workers``: extraction
    processes (0: extract in this process)."""

    source: str | None = None
    workers: int = max(1, os.cpu_count() or 1)
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB


@dataclass
class _Pending:
    capture: Capture
    choice: SourceChoice
    result: Future[Document | None]


class ImportSession:
    """Imports responses into the archive at ``data``; the caller holds the writer lock.

    Use as a context manager; :meth:`close` waits for the last extractions and returns the summary.
    """

    def __init__(self, data: DataDir, options: ImportOptions, profiles: Mapping[str, Profile],
                 on_progress: Progress | None = None, archive: Archive | None = None) -> None:
        self.options = options
        self.summary = ImportSummary()
        self.on_progress = on_progress
        self.resolver = SourceResolver(profiles, options.source)
        self._own_archive = archive is None
        self.archive = archive or Archive(data.database_url)
        # Each WARC file is put in the CDXJ index as soon as it is closed (rotated, or at close()).
        self.writer = RotatingWarcWriter(data.warc_dir, prefix="pressarchive-import", on_closed=cdxj.indexer_for(data))
        self.workers = (ExtractionWorkers(options.workers, options.timeout, options.memory_mb)
                        if options.workers > 0 else None)
        self._waiting: deque[_Pending] = deque()
        self._batch: list[tuple[Capture, Document | None]] = []
        # (url, payload digest, time) written, not yet saved
        self._unsaved: set[tuple[str, str, datetime]] = set()
        self._sources: set[str] = set()
        self._began = time.monotonic()

    def __enter__(self) -> ImportSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def add(self, response: ForeignResponse) -> None:
        """Judge, archive and queue one response for extraction."""
        self.summary.responses += 1
        refusal = _refusal(response)
        digest = hashlib.sha256(response.body).hexdigest()
        key = (response.url, digest, response.captured_at.replace(microsecond=0))
        if refusal is None and (key in self._unsaved or self.archive.capture_exists(*key)):
            refusal = "duplicate"
        if refusal is not None:
            self.summary.skipped[refusal] += 1
            return
        choice = self.resolver.resolve(response.url, response.source)
        self._ensure_source(choice)
        capture = self._archive(response, choice)
        self._unsaved.add(key)
        self._waiting.append(_Pending(capture, choice, self._extract(response, choice)))
        while len(self._waiting) > AHEAD_PER_WORKER * max(1, self.options.workers):
            self._finish(self._waiting.popleft())

    def skip(self, reason: str) -> None:
        """Count a response a reader could not hand over whole (larger than a page can be, a
        revisit whose original is not at hand)."""
        self.summary.responses += 1
        self.summary.skipped[reason] += 1

    def progress(self) -> None:
        """Tell the caller how far the import is (readers call it as they go)."""
        if self.on_progress is not None:
            self.summary.seconds = time.monotonic() - self._began
            self.on_progress(self.summary)

    def close(self) -> ImportSummary:
        try:
            while self._waiting:
                self._finish(self._waiting.popleft())
        finally:
            try:
                self._save()  # what was finished, even when stopped (the rows match the WARC records)
            finally:
                self._release()
        self.summary.seconds = time.monotonic() - self._began
        return self.summary

    def _release(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None
        self.writer.close()
        if self._own_archive:
            self.archive.close()

    def _ensure_source(self, choice: SourceChoice) -> None:
        if choice.name in self._sources:
            return
        profile = choice.profile
        known = {row["name"] for row in self.archive.sources()}
        if profile is not None:
            self.archive.upsert_source(profile.name, title=profile.title, agency=profile.agency,
                                       country=profile.country, language=profile.language,
                                       extractor=profile.extractor, kind=profile.kind)
        elif choice.name not in known:
            self.archive.upsert_source(choice.name, title=choice.name)
        self._sources.add(choice.name)

    def _archive(self, response: ForeignResponse, choice: SourceChoice) -> Capture:
        """Copy the response into the archive's WARC file; its capture, to be saved."""
        exchange = Exchange(
            url=response.url, method="GET", request_headers=[], status=response.status,
            reason=response.reason, response_headers=list(response.headers), body=response.body,
            captured_at=response.captured_at.replace(tzinfo=UTC),
        )
        location = self.writer.write_response(exchange, {fields.ORIGIN: response.origin})
        capture = Capture(
            source=choice.name, url=response.url, status=response.status,
            content_type=response.header("Content-Type"), length=len(response.body),
            captured_at=response.captured_at, payload_sha256=location.payload_sha256,
            warc_file=location.warc_file, warc_offset=location.offset,
            etag=response.header("ETag") or None, last_modified=response.header("Last-Modified") or None,
            listed_date=response.listed_date, warc_record_id=location.record_id or None,
            origin=response.origin,
        )
        self.summary.captures += 1
        return capture

    def _extract(self, response: ForeignResponse, choice: SourceChoice) -> Future[Document | None]:
        profile = choice.profile
        options: dict[str, Any] = {
            "default_language": profile.language if profile else "",
            "extractor": (profile.extractor or None) if profile else None,
            "country": profile.country if profile else "",
            "listed_date": response.listed_date, "captured": response.captured_at.date(),
        }
        future: Future[Document | None] = Future()
        try:
            body = decoded_head(response.body, content_codings(response.header("Content-Encoding")), MAX_BODY)
        except Undecodable as exc:
            future.set_exception(ExtractionError(f"undecodable body: {exc}"))
            return future
        args = (body, response.url, response.header("Content-Type") or None)
        if self.workers is not None:
            return self.workers.submit(extract_document, *args, **options)
        try:
            future.set_result(extract_document(*args, **options))
        except (ExtractionError, RecursionError, MemoryError) as exc:
            future.set_exception(exc)
        return future

    def _finish(self, pending: _Pending) -> None:
        doc, failure = extraction_outcome(pending.result)
        if failure:
            self.summary.skipped[failure] += 1
        else:
            assert doc is not None
            profile = pending.choice.profile
            doc = doc.replace(source=pending.choice.name, agency=profile.agency if profile else "",
                              country=profile.country if profile else "")
        self._batch.append((pending.capture, doc))
        if len(self._batch) >= SAVE_BATCH:
            self._save()

    def _save(self) -> None:
        """Record the finished captures and save their documents, in one transaction."""
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        for outcome in self.archive.save_captured(batch):
            if outcome is not None:
                self.summary.documents[outcome.status] += 1
        self._unsaved.difference_update(
            (capture.url, capture.payload_sha256, capture.captured_at.replace(microsecond=0)) for capture, _ in batch)


def _refusal(response: ForeignResponse) -> str | None:
    """Why ``response`` is not imported as a document, or None."""
    if is_denied_url(response.url):
        return "media"
    kind = media_type(response.header("Content-Type"))
    if kind.startswith(("image/", "audio/", "video/", "font/")):
        return "media"
    if looks_like_media(response.body, response.header("Content-Encoding")):
        return "media"
    if response.status != 200:
        return "status"
    if kind and kind not in DOCUMENT_TYPES:
        return "not_text"
    return None
