"""Worker processes, started so that they cost the crawl as little as possible.

Spawned, not forked: the crawl runs Twisted's reactor and threads, which a fork would copy
mid-flight. A spawned child imports the modules of the functions it is given, so the functions
run in workers live in modules that import no more than they need (not the CLI, not Scrapy):
each such import costs every worker a few hundred milliseconds of CPU at start. (A child also
runs the parent's main script, unless the parent was started as ``python -m pressarchive``:
the ``pressarchive`` console script costs each worker the CLI's imports once.)
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


def spawn_pool(count: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """``count`` spawned workers that ignore Ctrl-C and SIGTERM, then run ``initializer``."""
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(initializer,))


def ignore_stop_signals() -> None:
    """Workers leave Ctrl-C and SIGTERM to their parent, which finishes their queued work first."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _start_worker(initializer: Callable[[], None] | None) -> None:
    ignore_stop_signals()
    if initializer is not None:
        initializer()
