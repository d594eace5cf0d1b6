"""Extraction in worker processes, so a crawl extracts on every core beside its own thread.

Extraction is CPU-bound pure Python; on the crawl's thread it would stall fetching. The
workers start with the crawl and load their libraries and models while it reads robots.txt
and the sitemaps. They live here, not in the crawler, so that a worker imports extraction and
not Scrapy (see :mod:`pressarchive.processes`).

A worker can die under a page: killed for memory, or a parser crashing on hostile markup.
Python's pool is then broken for good, and every page after it would fail. So a broken pool
is replaced, and the pages it held are tried again on the new one; a page that breaks the
pool every time it is tried is given up with :class:`WorkerCrashed`, the crawl goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pressarchive.processes import spawn_pool

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Times one task is tried in all, each time on a new pool if the last one broke under it. A
#: page that kills its worker every time breaks this many pools; a page that was only in
#: flight beside it when a pool broke has as many chances to land on a healthy one.
ATTEMPTS = 3


class WorkerCrashed(Exception):
    """A task's worker process died every time the task was tried."""


class ExtractionWorkers:
    """``count`` worker processes running extraction tasks for a crawl."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.restarts = 0
        self._pool = self._start()

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` in a worker; awaits without blocking the reactor."""
        for _attempt in range(ATTEMPTS):
            pool = self._pool
            try:
                return await asyncio.wrap_future(pool.submit(function, *args, **kwargs))
            except BrokenProcessPool:
                self._replace(pool)
        raise WorkerCrashed(f"a worker process died each of the {ATTEMPTS} times this was tried")

    @property
    def pending(self) -> int:
        """Tasks submitted and not finished (for progress and profiling)."""
        return len(getattr(self._pool, "_pending_work_items", ()))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _start(self) -> ProcessPoolExecutor:
        pool = spawn_pool(self.count, _warm_up)
        # Workers start on demand; asking now lets them warm up while the crawl starts.
        for _ in range(self.count):
            pool.submit(int)
        return pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is not broken:
            return  # another task already replaced it
        self.restarts += 1
        logger.warning("an extraction worker died; starting new workers (restart %d)", self.restarts)
        broken.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()

    def __enter__(self) -> ExtractionWorkers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _warm_up() -> None:
    from pressarchive.extract import extract_document

    try:  # the first extraction loads trafilatura's, htmldate's and the language models
        extract_document(_WARM_UP_PAGE, "http://localhost/warm-up", "text/html; charset=utf-8")
    except Exception:  # a failed warm-up only means a slower first page
        logger.debug("extraction warm-up failed", exc_info=True)


_WARM_UP_PAGE = (b"<html lang='en'><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
                 b"<p>Officers arrested two suspects on 3 March 2020 after a long investigation.</p>"
                 b"</article></body></html>")
