"""How ``index --rebuild --to`` shows a fill as it runs, and what it did at the end.

The progress bar goes to stderr and disappears when done (documents added of those to add,
documents per second, time left), so stdout holds only the summary, or the JSON.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from pressarchive.cli.app import Context
from pressarchive.indexmove import IndexMove, OnBatch, OnStart


@contextmanager
def fill_progress(console: Console, address: str, quiet: bool = False) -> Iterator[tuple[OnStart, OnBatch]]:
    """A progress bar for filling the engine at ``address`` (redacted), and its two callbacks;
    ``quiet`` (or stderr not a terminal): no bar, but still a line saying a fill is continued."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:,.0f} documents/s"), TimeElapsedColumn(), TimeRemainingColumn(),
        console=console, transient=True, disable=quiet or not console.is_terminal,  # no bar into a log file
    )
    # Started by on_start: the time before (clusters brought up to date, the target compared
    # with the store) is not time spent filling, and would skew the rate and the time left.
    task = progress.add_task(f"filling {address}", total=None, rate=0.0, start=False)
    started = time.monotonic()

    def on_start(to_add: int, already: int) -> None:
        nonlocal started
        if already:
            console.print(f"already there: {already:,} documents at their current version; adding {to_add:,}",
                          markup=False, highlight=False)
        progress.update(task, total=to_add)
        progress.start_task(task)
        started = time.monotonic()
        progress.start()

    def on_batch(count: int) -> None:
        progress.advance(task, count)
        done = progress.tasks[0].completed
        progress.update(task, rate=done / max(time.monotonic() - started, 1e-6))

    try:
        yield on_start, on_batch
    finally:
        if progress.live.is_started:
            progress.stop()


def print_move(moved: IndexMove, ctx: Context, console: Console) -> None:
    """What the move did, that commands now use the new engine, and how to go back."""
    fill = moved.fill
    console.print(
        f"added {fill.added:,} documents to {moved.index} in {fill.seconds:.1f} s "
        f"({fill.documents_per_second:,.0f} documents/s); {fill.already:,} were already there, "
        f"{fill.deleted:,} deleted", markup=False, highlight=False,
    )
    console.print(f"checked: it holds each of the store's {fill.documents:,} current documents exactly once",
                  markup=False, highlight=False)
    back = "" if moved.previous == moved.address else \
        f"; to go back: {ctx.command_line('index', '--rebuild', '--to', moved.previous)}"
    console.print(f"from now on commands use {moved.address} (recorded in {moved.config_file}){back}",
                  markup=False, highlight=False)
