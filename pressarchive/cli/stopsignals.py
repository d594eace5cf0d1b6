"""Ctrl-C and SIGTERM as an exception raised where the command is, so it unwinds and keeps
what is done (long commands that save as they go: ``reprocess``, ``import-warc``)."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def stop_on_signals(stopped: Callable[[int], BaseException], once: bool = False) -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise ``stopped(signum)``; ``once``: the first
    signal puts the previous handlers back, so a second one meanwhile acts as it would by
    default (a stop that takes long can still be forced)."""
    def stop(signum: int, _frame: FrameType | None) -> None:
        if once:
            for number, handler in previous.items():
                signal.signal(number, handler)
        raise stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
