"""Extraction in worker processes, so a crawl extracts on every core beside its own thread.

Extraction is CPU-bound pure Python; on the crawl's thread it would stall fetching. The
workers start with the crawl, each on a thread of its own, and load their libraries and
models while it reads robots.txt and the sitemaps. They live here, not in the crawler, so
that a worker imports extraction and not Scrapy (see :mod:`pressarchive.processes`).

Every page has a budget: ``timeout`` seconds and ``memory_mb`` of memory in its worker
(settings ``PRESSARCHIVE_EXTRACT_TIMEOUT`` and ``PRESSARCHIVE_EXTRACT_MEMORY``). A hostile
PDF that sends the parser into an endless loop or a memory blow-up is given up with
:class:`BudgetExceeded` and its worker replaced, so the crawl goes on. A worker can also die
under a page (a parser crashing on hostile markup, the OOM killer): it is replaced and the
page tried again; a page that kills its worker every time it is tried is given up with
:class:`WorkerCrashed`. Each worker thread feeds one process one page at a time, which is
what lets one stuck page be killed without touching the others.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pressarchive.processes import (
    CallOverMemory,
    CallTimedOut,
    Limits,
    WorkerDied,
    WorkerProcess,
    start_fork_server,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Times one task is tried in all, each time on a new process if the last one died under it.
ATTEMPTS = 3
DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 1024
#: Seconds a worker gets to end on SIGTERM when the crawl stops, before SIGKILL.
STOP_GRACE = 0.5


class WorkerCrashed(Exception):
    """A task's worker process died every time the task was tried."""


class BudgetExceeded(Exception):
    """A task went over its time (``kind`` "timeout") or memory ("memory") budget."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class WorkersClosed(Exception):
    """The workers were stopped (the crawl is ending) before this task finished."""


@dataclass
class _Task:
    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    future: Future[Any] = field(default_factory=Future)


class ExtractionWorkers:
    """``count`` worker processes running extraction tasks for a crawl, each within a budget."""

    def __init__(self, count: int, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        self.count = count
        self.timeout = timeout or None  # 0: no time limit
        # The CPU backstop only matters if this process dies mid-task; it is loose enough
        # never to fire before the timeout does.
        self.limits = Limits(memory_mb=memory_mb, cpu_seconds=2 * timeout + 5 if timeout else 0)
        self.restarts = 0
        self.closed = False
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pending = 0
        start_fork_server()  # loads while the crawl starts; each thread starts its own process
        self._processes: list[WorkerProcess | None] = [None] * count
        self._unstarted: set[int] = set()  # slots whose process could not be started
        self._threads = [threading.Thread(target=self._serve, args=(slot,), daemon=True,
                                          name=f"extraction-worker-{slot}") for slot in range(count)]
        for thread in self._threads:
            thread.start()

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` in a worker; awaits without blocking the reactor."""
        return await asyncio.wrap_future(self.submit(function, *args, **kwargs))

    def submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        if self.closed:
            raise WorkersClosed("the extraction workers are stopped")
        task = _Task(function, args, kwargs)
        with self._lock:
            self._pending += 1
        task.future.add_done_callback(self._done)
        self._tasks.put(task)
        return task.future

    @property
    def pending(self) -> int:
        """Tasks submitted and not finished (for progress and profiling)."""
        return self._pending

    def close(self) -> None:
        """Cancel the tasks not started, stop the workers (killed after a short grace)."""
        self.closed = True
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                _fail(task, WorkersClosed("the crawl stopped before this page was extracted"))
        for _ in self._threads:
            self._tasks.put(None)
        processes = [process for process in self._processes if process is not None]
        for process in processes:
            process.process.terminate()  # all at once, then the grace for each
        for process in processes:
            process.stop(STOP_GRACE)
        for thread in self._threads:
            thread.join(STOP_GRACE)

    def _serve(self, slot: int) -> None:
        """One worker thread: starts this slot's process (a start waits for the fork server, and
        the crawl's thread does not), then takes each task and runs it there."""
        try:
            self._processes[slot] = self._start()
        except Exception:  # noqa: BLE001 - no process: this slot's pages fail instead of waiting for ever
            logger.exception("extraction worker %d could not be started", slot)
            self._unstarted.add(slot)
        while True:
            task = self._tasks.get()
            if task is None or self.closed:
                if task is not None:
                    _fail(task, WorkersClosed("the crawl stopped before this page was extracted"))
                break
            if task.future.set_running_or_notify_cancel():
                self._run(slot, task)
        process = self._processes[slot]
        if process is not None:
            process.close()

    def _run(self, slot: int, task: _Task) -> None:
        for _attempt in range(ATTEMPTS):
            process = self._processes[slot]
            if slot in self._unstarted:
                return _fail(task, WorkerCrashed("its worker process could not be started"))
            if process is None:  # stopped by close()
                return _fail(task, WorkersClosed("the crawl stopped before this page was extracted"))
            try:
                value = process.call(task.function, *task.args, timeout=self.timeout, **task.kwargs)
            except CallTimedOut as exc:
                self._restart(slot, "a page ran out of time")
                return _fail(task, BudgetExceeded("timeout", f"extraction {exc}"))
            except CallOverMemory as exc:
                # Not trusted again: a C library may have been left half-way by a failed allocation.
                self._restart(slot, "a page ran out of memory")
                return _fail(task, BudgetExceeded("memory", f"extraction went {exc}"))
            except WorkerDied:
                if self.closed:
                    return _fail(task, WorkersClosed("the crawl stopped while this page was extracted"))
                self._restart(slot, "it died under a page")
                continue
            except BaseException as exc:  # noqa: BLE001 - the task's own error, for its caller
                return _fail(task, exc)
            return task.future.set_result(value)
        _fail(task, WorkerCrashed(f"a worker process died each of the {ATTEMPTS} times this was tried"))

    def _restart(self, slot: int, why: str) -> None:
        """A new process in ``slot``: it warms up now, not when the next page arrives."""
        old = self._processes[slot]
        if old is not None:
            old.close()
        if self.closed:
            self._processes[slot] = None
            return
        with self._lock:
            self.restarts += 1
        logger.warning("extraction worker replaced: %s (restart %d)", why, self.restarts)
        self._processes[slot] = self._start()
        if self.closed:  # close() ran meanwhile and did not see the new process
            self._processes[slot].stop(STOP_GRACE)  # type: ignore[union-attr]

    def _start(self) -> WorkerProcess:
        # The worker loads its libraries now, while the crawl starts: the first page waits less.
        return WorkerProcess(warm_up, self.limits)

    def _done(self, _future: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    def __enter__(self) -> ExtractionWorkers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _fail(task: _Task, error: BaseException) -> None:
    if not task.future.done():
        task.future.set_exception(error)


def warm_up() -> None:
    """One small extraction, so that the libraries and models are loaded before the first page."""
    from pressarchive.extract import extract_document

    try:  # the first extraction loads trafilatura's, htmldate's and the language models
        extract_document(_WARM_UP_PAGE, "http://localhost/warm-up", "text/html; charset=utf-8")
    except Exception:  # a failed warm-up only means a slower first page
        logger.debug("extraction warm-up failed", exc_info=True)


_WARM_UP_PAGE = (b"<html lang='en'><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
                 b"<p>Officers arrested two suspects on 3 March 2020 after a long investigation.</p>"
                 b"</article></body></html>")
