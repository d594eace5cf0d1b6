"""Worker processes, started so that they cost the crawl as little as possible, and stopped
whatever they are doing.

Forked from a fork server, never from the crawl itself: the crawl runs Twisted's reactor and
threads, which a fork would copy mid-flight. The fork server (multiprocessing's
``forkserver``) is a clean process started once per parent; before its first fork it imports
the parent's main module and :data:`PRELOAD` (the extraction libraries and models, warmed
up, and the indexing service), so every worker, and every replacement of a worker killed
over its budget, starts loaded. The server is started early (:func:`start_fork_server`) and
workers are started on threads, so nobody waits for its preload on the crawl's thread.
Spawned workers each paid that again: 1.1 s of CPU per extraction worker and 0.3 s per
indexing process, on the cores the crawl was using. A worker gets the parent's ``sys.path``
and working directory as spawned ones do, and its environment as the parent has it when the
worker starts (a fork server's own would be the one of its start).

A :class:`WorkerProcess` runs one call at a time over a pipe of its own, so its parent knows
which call a process is busy with and can kill that process alone when the call runs too long
(``concurrent.futures`` can only cancel calls that have not started). A worker ignores Ctrl-C,
which a terminal sends to the whole process group: the parent decides when work stops. It
keeps SIGTERM's default, so the parent's :meth:`WorkerProcess.stop` (SIGTERM, then SIGKILL
after a short grace) ends it even inside a C parser.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

try:  # POSIX only; elsewhere workers run without limits
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


#: Modules the fork server imports before its first fork, beside the parent's main module.
PRELOAD = ("__main__", "pressarchive.warmstart")


def start_fork_server() -> None:
    """Start the fork server now, from the main thread, and return without waiting for it.

    Its preload takes about 1.3 s; a process start waits for it, so a caller that started its
    workers on its own thread sat idle that long. Started here, the server loads while the
    caller goes on, and the workers are started on threads of their own: the first of them
    waits for the server, not the caller. The main thread matters because only it can make
    the server start with SIGINT ignored (see :func:`_sigint_ignored_by_children`).
    """
    _context()
    with _sigint_ignored_by_children():
        multiprocessing.forkserver.ensure_running()


class WorkerDied(Exception):
    """The worker process ended before it answered (killed, crashed or stopped)."""


class CallTimedOut(Exception):
    """A call ran past its time; its worker process was killed."""


class CallOverMemory(Exception):
    """A call went over the worker's memory limit (a ``MemoryError`` in the worker)."""


@dataclass(frozen=True)
class Limits:
    """What one call may take in a worker; 0 means no limit.

    ``memory_mb`` is address space a call may add to what the worker holds once started (its
    libraries and models loaded), enforced by the kernel (``RLIMIT_AS``): an allocation past it
    fails with ``MemoryError`` at once, where watching the size from outside would notice too
    late. ``cpu_seconds`` is a backstop for a worker whose parent died mid-call: the kernel
    kills a worker that spins longer (``RLIMIT_CPU``), so an orphan cannot loop for ever.
    """

    memory_mb: int = 0
    cpu_seconds: float = 0


class WorkerProcess:
    """One worker process that runs ``initializer`` once, then one call at a time."""

    def __init__(self, initializer: Callable[[], None] | None = None, limits: Limits | None = None) -> None:
        context = _context()
        self._conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, initializer, limits or Limits(), dict(os.environ)),
                                       daemon=True)
        start_fork_server()  # if it is not running yet: the worker is its fork, not this process's
        self.process.start()
        child.close()
        self._ready = False
        self._stop_lock = threading.Lock()

    def call(self, function: Callable[..., Any], *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)`` in the worker; what it raises is raised here.

        ``timeout`` (seconds) runs from when the started worker receives the call, so a slow
        start costs no call its time. Raises :class:`CallTimedOut` after killing the worker,
        :class:`CallOverMemory`, or :class:`WorkerDied`.
        """
        self.send_call(function, *args, **kwargs)
        if not self._conn.poll(timeout):
            self.stop()
            raise CallTimedOut(f"still running after {timeout:g} s; its worker process was killed")
        return self.outcome()

    def wait_ready(self) -> None:
        """Block until the worker has run its initializer (it says "ready")."""
        if not self._ready:
            self._receive()
            self._ready = True

    def send_call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Hand the worker one call; its outcome is :meth:`outcome` once :meth:`fileno` is readable."""
        try:
            self.wait_ready()
            self._conn.send((function, args, kwargs))
        except (OSError, EOFError) as exc:  # a broken pipe: the process is gone
            raise WorkerDied("the worker process ended") from exc

    def outcome(self) -> Any:
        """The value of the call sent last, or what it raised; :class:`CallOverMemory` or
        :class:`WorkerDied` if its process could not finish it."""
        status, value = self._receive()
        if status == "memory":
            raise CallOverMemory("over the memory limit of its worker process")
        if status == "error":
            raise value
        return value

    def fileno(self) -> int:
        """The pipe's end that becomes readable when an outcome (or the process's end) arrives."""
        return self._conn.fileno()

    def kill(self) -> None:
        """SIGKILL at once, without waiting (:meth:`close` reaps it)."""
        if self.process.exitcode is None:
            with contextlib.suppress(OSError):
                self.process.kill()

    def stop(self, grace: float = 1.0) -> None:
        """SIGTERM, then SIGKILL if the process is still there after ``grace`` seconds."""
        with self._stop_lock:  # a timed-out call and a closing parent may stop it at once
            if self.process.exitcode is not None:
                return
            self.process.terminate()
            self.process.join(grace)
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join(grace)

    def close(self) -> None:
        """Stop the process and release the pipe (by the one thread that calls it)."""
        self.stop()
        self._conn.close()

    def _receive(self) -> tuple[str, Any]:
        try:
            message: tuple[str, Any] = self._conn.recv()
        except (OSError, EOFError) as exc:
            raise WorkerDied(f"the worker process ended (exit code {self.process.exitcode})") from exc
        return message


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))  # used when the server starts: once per parent
    return context


@contextlib.contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """SIGINT ignored while the fork server is started, so it and every worker it forks start
    with it ignored.

    Ctrl-C reaches the whole process group, workers included. The parent decides when its
    workers stop; a worker that got the signal while still importing would die printing a
    ``KeyboardInterrupt`` traceback. An ignored disposition survives the exec of the fork
    server, which passes it on to every worker it forks, and Python keeps it (a blocked signal
    mask would not survive). Only the main thread may set handlers: a worker replaced from
    another thread is forked by the server started earlier. A Ctrl-C in the few milliseconds
    of the start is lost; pressing it again works.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _serve(conn: Connection, initializer: Callable[[], None] | None, limits: Limits,
           environ: dict[str, str] | None = None) -> None:
    """The worker's main loop: one call in, one outcome out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if environ is not None:  # the parent's, now: the fork server's is the one it started with
        os.environ.clear()
        os.environ.update(environ)
    if initializer is not None:
        initializer()
    _limit_memory(limits.memory_mb)
    try:
        conn.send(("ready", None))
        _serve_calls(conn, limits)
    except (EOFError, OSError):
        # The parent is gone: killed, or stopped by a signal while its workers were starting.
        # Nobody is left to answer, and a traceback would land on the person's terminal.
        return


def _serve_calls(conn: Connection, limits: Limits) -> None:
    while True:
        try:
            message = conn.recv()
        except MemoryError:  # the call's arguments alone are over the limit
            conn.send(("memory", None))
            continue
        _limit_cpu(limits.cpu_seconds)
        _answer(conn, *message)


def _answer(conn: Connection, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        outcome: tuple[str, Any] = ("ok", function(*args, **kwargs))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - every failure of a call goes back to the caller
        outcome = ("error", exc)
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # noqa: BLE001 - an outcome that cannot be pickled
        conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def _limit_memory(megabytes: int) -> None:
    if not megabytes or resource is None:
        return
    with contextlib.suppress(OSError, ValueError):  # no /proc (not Linux), or a lower hard limit
        pages = int(open("/proc/self/statm").read().split()[0])  # noqa: SIM115 - one read
        size = pages * os.sysconf("SC_PAGE_SIZE") + megabytes * 2**20
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (size if hard == resource.RLIM_INFINITY else min(size, hard), hard))


def _limit_cpu(seconds: float) -> None:
    if not seconds or resource is None:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(usage.ru_utime + usage.ru_stime + seconds) + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CPU, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
