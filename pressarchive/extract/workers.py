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
:class:`WorkerCrashed`. Each process gets one page at a time, which is what lets one stuck
page be killed without touching the others.

The pages are handed out on an event loop: the crawl's own (the reactor's asyncio loop, the
loop of the first :meth:`ExtractionWorkers.run`), or one on a thread of the workers' own for
callers that :meth:`~ExtractionWorkers.submit` from plain threads (an import, a reprocess run).
On the loop a page is pickled into a free worker's pipe, and its outcome read when that pipe
becomes readable. No thread stands between the crawl and its workers: with one per worker,
the crawl's thread kept waiting for the GIL that those threads took around every pipe read
and write (measured with ``bench/crawl.py``'s relay over 5,000 pages: 0.46 ms less of the
crawl process's CPU per page without them). Starting a process waits for the fork server
and the worker's warm-up, so each start runs on a short-lived thread that hands the ready
process to the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pressarchive.processes import CallOverMemory, Limits, WorkerDied, WorkerProcess, start_fork_server

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
    attempts: int = 0  # times a worker died under it


@dataclass(eq=False)
class _Slot:
    """One worker process, what it runs now, and that run's time limit (loop thread only,
    except ``process``, which a start and :meth:`ExtractionWorkers.close` set under the lock)."""

    index: int
    process: WorkerProcess | None = None
    attached: bool = False  # its pipe is watched by the loop: it can take pages
    task: _Task | None = None
    timer: asyncio.TimerHandle | None = None
    deadline: float | None = None  # loop time by which its answer must have been read
    dead: bool = False  # its process could not be started


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
        self._lock = threading.Lock()
        self._pending = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread_id: int | None = None
        self._own_loop: threading.Thread | None = None  # for submit() with no loop bound yet
        self._queue: deque[_Task] = deque()  # the loop's thread only
        self._slots = [_Slot(index) for index in range(count)]
        self._starters: list[threading.Thread] = []
        start_fork_server()  # loads while the crawl starts; each start waits for it on its own thread
        for slot in self._slots:
            self._start_on_thread(slot)

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` in a worker; awaits without blocking the loop, which
        becomes the workers' if they have none yet."""
        self._bind(asyncio.get_running_loop())
        return await asyncio.wrap_future(self.submit(function, *args, **kwargs))

    def submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        if self.closed:
            raise WorkersClosed("the extraction workers are stopped")
        task = _Task(function, args, kwargs)
        with self._lock:
            self._pending += 1
        task.future.add_done_callback(self._done)
        loop = self._loop or self._start_own_loop()
        if threading.get_ident() == self._loop_thread_id:
            self._enqueue(task)
        else:
            try:
                loop.call_soon_threadsafe(self._enqueue, task)
            except RuntimeError:  # the loop is closed: its crawl is over
                _fail(task, WorkersClosed("the extraction workers' loop has ended"))
        return task.future

    @property
    def pending(self) -> int:
        """Tasks submitted and not finished (for progress and profiling)."""
        return self._pending

    @property
    def _processes(self) -> list[WorkerProcess | None]:
        return [slot.process for slot in self._slots]

    def close(self) -> None:
        """Cancel the tasks not started, stop the workers (killed after a short grace)."""
        with self._lock:
            self.closed = True
            loop = self._loop
        if loop is not None and not loop.is_closed():
            if loop.is_running() and threading.get_ident() != self._loop_thread_id:
                settled = threading.Event()
                loop.call_soon_threadsafe(self._settle_all, settled)
                settled.wait(STOP_GRACE * 4)
            else:
                self._settle_all()
        processes = [process for process in self._processes if process is not None]
        for process in processes:
            process.process.terminate()  # all at once, then the grace for each
        for process in processes:
            process.stop(STOP_GRACE)
            process.close()
        for thread in list(self._starters):
            thread.join(STOP_GRACE)
        if self._own_loop is not None and loop is not None:
            with contextlib.suppress(RuntimeError):  # closed already
                loop.call_soon_threadsafe(loop.stop)
            self._own_loop.join(STOP_GRACE * 4)

    # -- the loop ---------------------------------------------------------------------------

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Make ``loop`` (running on this thread) the workers' loop, if they have none that
        is open (a crawl's loop is closed once it ended: the next one takes over)."""
        if self._loop is loop:  # every page after the first: no lock on the crawl's hot path
            return
        with self._lock:
            if self._loop is not None and not self._loop.is_closed():
                return
            self._loop, self._loop_thread_id = loop, threading.get_ident()
        for slot in self._slots:
            slot.attached = False  # watched by a closed loop's selector, if by any
        self._attach_ready()

    def _start_own_loop(self) -> asyncio.AbstractEventLoop:
        """A loop on a thread of the workers' own, for callers with none (see :meth:`submit`)."""
        with self._lock:
            if self._loop is not None:
                return self._loop
            loop = self._loop = asyncio.new_event_loop()
            self._own_loop = threading.Thread(target=self._serve_own_loop, args=(loop,), daemon=True,
                                              name="extraction-dispatch")
            self._own_loop.start()
        return loop

    def _serve_own_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        self._loop_thread_id = threading.get_ident()
        loop.call_soon(self._attach_ready)
        loop.run_forever()
        loop.close()

    def _attach_ready(self) -> None:
        """On the loop: the processes that started before it was there take pages now."""
        for slot in self._slots:
            if slot.process is not None or slot.dead:
                self._attach(slot)

    def _enqueue(self, task: _Task) -> None:
        if self.closed:
            return _fail(task, WorkersClosed("the crawl stopped before this page was extracted"))
        self._queue.append(task)
        self._dispatch()

    def _dispatch(self) -> None:
        """Each free worker takes the next page; with no worker left that could, pages fail."""
        for slot in self._slots:
            while self._queue and slot.attached and slot.task is None:
                task = self._queue.popleft()
                if task.attempts or task.future.set_running_or_notify_cancel():
                    self._send(slot, task)
        if self._queue and all(slot.dead for slot in self._slots):
            while self._queue:
                _fail(self._queue.popleft(), WorkerCrashed("its worker process could not be started"))

    def _send(self, slot: _Slot, task: _Task) -> None:
        assert slot.process is not None and self._loop is not None
        slot.task = task
        try:
            slot.process.send_call(task.function, *task.args, **task.kwargs)
        except WorkerDied:
            return self._died(slot)
        if self.timeout:
            slot.deadline = self._loop.time() + self.timeout
            slot.timer = self._loop.call_at(slot.deadline, self._timed_out, slot)

    def _readable(self, slot: _Slot) -> None:
        """The worker answered, or its process ended (the pipe's end of file)."""
        assert slot.process is not None and self._loop is not None
        if slot.deadline is not None and self._loop.time() >= slot.deadline:
            # Its timer is due in this same turn of the loop, which runs readers first: the
            # page is over its time however the two events were ordered.
            return self._timed_out(slot)
        task = slot.task
        self._stop_timer(slot)
        try:
            value = slot.process.outcome()
        except WorkerDied:
            return self._died(slot)
        except CallOverMemory as exc:
            # Not trusted again: a C library may have been left half-way by a failed allocation.
            slot.task = None
            self._restart(slot, "a page ran out of memory")
            if task is not None:
                _fail(task, BudgetExceeded("memory", f"extraction went {exc}"))
        except BaseException as exc:  # noqa: BLE001 - the task's own error, for its caller
            slot.task = None
            if task is not None:
                _fail(task, exc)
        else:
            slot.task = None
            if task is not None and not task.future.done():
                task.future.set_result(value)
        self._dispatch()

    def _died(self, slot: _Slot) -> None:
        task, slot.task = slot.task, None
        self._stop_timer(slot)
        self._restart(slot, "it died under a page" if task is not None else "it died")
        if task is not None:
            task.attempts += 1
            if self.closed:
                _fail(task, WorkersClosed("the crawl stopped while this page was extracted"))
            elif task.attempts >= ATTEMPTS:
                _fail(task, WorkerCrashed(f"a worker process died each of the {ATTEMPTS} times this was tried"))
            else:
                self._queue.appendleft(task)
        self._dispatch()

    def _timed_out(self, slot: _Slot) -> None:
        task, slot.task = slot.task, None
        self._stop_timer(slot)
        self._restart(slot, "a page ran out of time")
        if task is not None:
            _fail(task, BudgetExceeded(
                "timeout", f"extraction not done within {self.timeout:g} s; its worker process was killed"))
        self._dispatch()

    def _stop_timer(self, slot: _Slot) -> None:
        if slot.timer is not None:
            slot.timer.cancel()
        slot.timer = slot.deadline = None

    def _settle_all(self, settled: threading.Event | None = None) -> None:
        """On the loop, once closed: every page not done fails, no pipe is watched any more."""
        while self._queue:
            _fail(self._queue.popleft(), WorkersClosed("the crawl stopped before this page was extracted"))
        for slot in self._slots:
            self._stop_timer(slot)
            if slot.task is not None:
                _fail(slot.task, WorkersClosed("the crawl stopped while this page was extracted"))
                slot.task = None
            self._detach(slot)
        if settled is not None:
            settled.set()

    # -- starting and replacing processes ---------------------------------------------------

    def _attach(self, slot: _Slot) -> None:
        """On the loop: a started process takes pages (or its slot is dead, if it could not start)."""
        if slot.attached or self._loop is None:
            return
        if slot.process is None:
            slot.dead = slot.dead or not self.closed
        elif not self.closed:
            self._loop.add_reader(slot.process.fileno(), self._readable, slot)
            slot.attached = True
        self._dispatch()

    def _detach(self, slot: _Slot) -> None:
        if slot.attached and slot.process is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(slot.process.fileno())
        slot.attached = False

    def _restart(self, slot: _Slot, why: str) -> None:
        """On the loop: the slot's process is killed and a new one started (it warms up now,
        not when the next page arrives)."""
        self._detach(slot)
        with self._lock:
            old, slot.process = slot.process, None
            if not self.closed:
                self.restarts += 1
        if old is not None:
            old.kill()
        if self.closed:
            if old is not None:
                old.close()
            return
        logger.warning("extraction worker replaced: %s (restart %d)", why, self.restarts)
        self._start_on_thread(slot, old)

    def _start_on_thread(self, slot: _Slot, old: WorkerProcess | None = None) -> None:
        thread = threading.Thread(target=self._start_slot, args=(slot, old), daemon=True,
                                  name=f"extraction-worker-{slot.index}-start")
        self._starters = [starter for starter in self._starters if starter.is_alive()] + [thread]
        thread.start()

    def _start_slot(self, slot: _Slot, old: WorkerProcess | None) -> None:
        """On a starter thread: reap the replaced process, start one, wait until it is ready."""
        if old is not None:
            old.close()
        process: WorkerProcess | None = None
        try:
            process = self._start()
            process.wait_ready()
        except Exception:  # noqa: BLE001 - no process: its pages go to the others, or fail
            logger.exception("extraction worker %d could not be started", slot.index)
            if process is not None:
                process.close()
            process = None
        with self._lock:
            if self.closed:
                loop = None
            else:
                slot.process, slot.dead, loop = process, process is None, self._loop
        if self.closed:
            if process is not None:
                process.close()
            return
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._attach, slot)
            except RuntimeError:  # the loop is closed: nothing will run on it again
                pass

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
