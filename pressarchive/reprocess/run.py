"""A reprocess run: every selected document's capture extracted again, a version added where the result changed.

Documents are taken in id order, the current version's capture read from its WARC record and
extracted by the crawl's own worker processes (one per core, each page within the same time
and memory budget as in a crawl), while this process reads the next records and compares
and saves the results in order. Every ``BATCH_DOCUMENTS`` documents or ``BATCH_SECONDS``
seconds the new versions and the run's cursor are committed together, so a run killed at
any moment loses at most one uncommitted batch, which the next run does again (and finds
unchanged if it was saved: no document gets a version twice).
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pressarchive.datadir import DataDir
from pressarchive.extract import ExtractionError, extract_document
from pressarchive.extract.outcome import extraction_outcome
from pressarchive.extract.workers import (
    DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, ExtractionWorkers,
)
from pressarchive.profiles import Profile
from pressarchive.record import Document, Figure
from pressarchive.reprocess.captures import CaptureUnreadable, read_capture
from pressarchive.reprocess.sameness import same_result
from pressarchive.reprocess.sources import SourceExtraction, check_selection, source_extractions
from pressarchive.reprocess.summary import ReprocessSummary
from pressarchive.store import Archive, Version
from pressarchive.store.reprocessing import Candidate

#: Documents read from the store at a time.
CHUNK = 200
#: Commit the new versions and the cursor after this many documents or seconds, whichever comes first.
BATCH_DOCUMENTS = 100
BATCH_SECONDS = 1.0
#: Pages handed to the workers ahead of the one being saved, per worker (their bodies wait in memory).
AHEAD_PER_WORKER = 4
#: Extraction processes: one per core, as a crawl has (the main process only reads, compares and saves).
DEFAULT_WORKERS = max(1, os.cpu_count() or 1)

Progress = Callable[[ReprocessSummary], None]


class ReprocessStopped(BaseException):
    """Raised (by the caller's signal handler) to stop a run between two steps.

    A BaseException, as KeyboardInterrupt is: the signal can land inside any ``except
    Exception`` (reading a damaged capture, say), which must not take the stop for that
    step's own failure and go on."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


@dataclass(frozen=True)
class ReprocessOptions:
    """What to reprocess and with how much: ``source`` and ``since`` limit the documents
    (``since``: their current version's capture was made on or after that day, UTC)."""

    source: str | None = None
    since: date | None = None
    workers: int = DEFAULT_WORKERS
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB


def utc_now() -> datetime:
    """Now, in UTC without a time zone: how the store keeps every time."""
    return datetime.now(UTC).replace(tzinfo=None)


def reprocess_archive(
    data: DataDir, options: ReprocessOptions, profiles: Mapping[str, Profile],
    on_start: Progress | None = None, on_progress: Progress | None = None,
) -> ReprocessSummary:
    """Extract the selected documents' captures again; the caller holds the writer lock.

    ``profiles``: the configured source profiles by name (the archive's record of a source
    stands in for a profile that is not configured). Continues the latest unfinished run with
    the same ``source`` and ``since`` (the summary's ``resumed_from``). A JSON report goes to
    the data directory's ``reports/`` and into the run's row.
    """
    archive = Archive(data.database_url)
    try:
        extractions = source_extractions(archive.sources(), profiles)
        check_selection(extractions, options.source)
        started = utc_now()
        run = archive.start_reprocess(options.source, options.since, started)
        summary = ReprocessSummary(run.id, run.resumed_from, run.last_document, last_document=run.last_document,
                                   total=archive.count_to_reprocess(options.source, options.since, run.last_document))
        if on_start is not None:
            on_start(summary)
        _Run(archive, data.warc_dir, options, extractions, summary, on_progress).go()
        report = summary.to_json()
        archive.finish_reprocess(run.id, report["status"], utc_now(), report)
    finally:
        archive.close()
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (data.reports_dir / f"reprocess-{stamp}.json").write_text(json.dumps(report, indent=2), "utf-8")
    return summary


class _Run:
    """One pass over the selected documents, in id order."""

    def __init__(self, archive: Archive, warc_dir: Path, options: ReprocessOptions,
                 extractions: Mapping[str, SourceExtraction], summary: ReprocessSummary,
                 on_progress: Progress | None) -> None:
        self.archive = archive
        self.warc_dir = warc_dir
        self.options = options
        self.extractions = extractions
        self.summary = summary
        self.on_progress = on_progress
        self.began = time.monotonic()
        self.batch: list[tuple[int, Document, Version]] = []
        self.batch_size = 0
        self.done = summary.last_document  # the last document finished, committed or not
        self.committed_at = time.monotonic()

    def go(self) -> None:
        workers: ExtractionWorkers | None = None
        try:
            if self.options.workers > 0:
                workers = ExtractionWorkers(self.options.workers, self.options.timeout, self.options.memory_mb)
            self._work(workers)
            self._commit()
        except ReprocessStopped as stop:
            # The batch not committed is done again by the next run; committing it here could
            # repeat a commit the signal interrupted after it landed.
            self.summary.interrupted, self.summary.stop_signal = True, stop.signum
        finally:
            if workers is not None:
                workers.close()
            self.summary.seconds = time.monotonic() - self.began

    def _work(self, workers: ExtractionWorkers | None) -> None:
        ahead = AHEAD_PER_WORKER * max(1, self.options.workers)
        waiting: deque[tuple[Candidate, list[Figure], Future[Document | None] | CaptureUnreadable]] = deque()
        for candidate, figures in self._candidates():
            waiting.append((candidate, figures, self._submit(workers, candidate)))
            while len(waiting) > ahead:
                self._finish(*waiting.popleft())
        while waiting:
            self._finish(*waiting.popleft())

    def _candidates(self) -> Iterator[tuple[Candidate, list[Figure]]]:
        after = self.summary.last_document
        while True:
            chunk = self.archive.to_reprocess(self.options.source, self.options.since, after, CHUNK)
            if not chunk:
                return
            figures = self.archive.figures(c.version.id for c in chunk if c.version.id is not None)
            for candidate in chunk:
                yield candidate, figures.get(candidate.version.id or 0, [])
            after = chunk[-1].document_id

    def _submit(
        self, workers: ExtractionWorkers | None, candidate: Candidate,
    ) -> Future[Document | None] | CaptureUnreadable:
        try:
            response = read_capture(self.warc_dir, candidate.version.capture)
        except CaptureUnreadable as exc:
            return exc
        # As the crawl calls it: the capture's bytes and Content-Type, the document's URL, the source's options.
        args = (response.body, candidate.url, candidate.version.capture.content_type or response.content_type)
        capture = candidate.version.capture
        options = {
            **self.extractions.get(candidate.source, SourceExtraction()).options(),
            # The listing's date and the capture's day, as the crawl had them: the same fallback
            # date, and no date after the day the page was archived.
            "listed_date": capture.listed_date, "captured": capture.captured_at.date(),
        }
        if workers is not None:
            return workers.submit(extract_document, *args, **options)
        future: Future[Document | None] = Future()
        try:
            future.set_result(extract_document(*args, **options))
        except (ExtractionError, RecursionError, MemoryError) as exc:
            future.set_exception(exc)
        return future

    def _finish(self, candidate: Candidate, figures: list[Figure],
                pending: Future[Document | None] | CaptureUnreadable) -> None:
        summary, doc_id = self.summary, candidate.document_id
        summary.seen += 1
        if isinstance(pending, CaptureUnreadable):
            summary.count_trouble(summary.unreadable, pending.reason, doc_id)
        else:
            doc, failure = extraction_outcome(pending)
            if failure:
                summary.count_trouble(summary.failed, failure, doc_id)
            elif doc is not None and same_result(doc, candidate.version, figures):
                summary.unchanged += 1
            elif doc is not None:
                summary.changed += 1
                self.batch.append((doc_id, doc, candidate.version))
        self.batch_size += 1
        self.done = doc_id
        if self.batch_size >= BATCH_DOCUMENTS or time.monotonic() - self.committed_at >= BATCH_SECONDS:
            self._commit()
        if self.on_progress is not None:
            summary.seconds = time.monotonic() - self.began
            self.on_progress(summary)

    def _commit(self) -> None:
        if self.batch_size:
            self.archive.save_reprocessed(self.summary.run_id, self.done, self.batch, utc_now())
            self.summary.last_document = self.done  # the cursor: what is committed
        self.batch, self.batch_size, self.committed_at = [], 0, time.monotonic()
