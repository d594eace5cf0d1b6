"""``reprocess``: extract archived captures again with the current extractors, then index what changed."""

from __future__ import annotations

import dataclasses
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from pressarchive.cli import terminal
from pressarchive.cli.stopsignals import stop_on_signals
from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.crawl_commands import configured_profiles
from pressarchive.cli.terminal import clean
from pressarchive.reprocess import ReprocessOptions, ReprocessStopped, ReprocessSummary, reprocess_archive
from pressarchive.service import index_pending_in, parse_date

Callbacks = Callable[[ReprocessSummary], None]


@cli.command()
@click.option("--since", metavar="YYYY-MM-DD",
              help="Only documents whose current version was captured on or after this date (UTC).")
@click.option("--source", metavar="NAME", help="Only documents of this source.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Extraction processes (default: one per core; 0: extract in this process).")
@pass_context
def reprocess(ctx: Context, since: str | None, source: str | None, workers: int | None) -> None:
    """Extract archived captures again with the current extractors; add a version where the result changed.

    Continues the last unfinished reprocess run with the same --since and --source (after a
    kill or Ctrl-C); after a finished one it starts afresh. Then indexes what changed.
    Exit status 130 (Ctrl-C) or 143 (SIGTERM) when stopped before the end.
    """
    options = ReprocessOptions(source=source, since=parse_date(since, "--since date"))
    if workers is not None:
        options = dataclasses.replace(options, workers=workers)
    console = terminal.console(stderr=True)
    with ctx.writing(create=False) as data:
        profiles = {profile.name: profile for profile in configured_profiles(ctx)}
        try:
            with _progress(console) as (on_start, on_progress), stop_on_signals(ReprocessStopped):
                summary = reprocess_archive(data, options, profiles, on_start=on_start, on_progress=on_progress)
        except ReprocessStopped as stop:  # while starting or ending: what is committed stays
            _interrupted(ctx, "reprocess stopped", stop.signum, since, source)
        if summary.interrupted:
            _print_summary(summary, console)
            _interrupted(ctx, f"reprocess run {summary.run_id} stopped after document {summary.last_document}",
                         summary.stop_signal, since, source)
        indexed = index_pending_in(data)
    _print_summary(summary, console)
    console.print(f"indexed {indexed} new or changed documents; data in {data.root}", markup=False, highlight=False)


@contextmanager
def _progress(console: Console) -> Iterator[tuple[Callbacks, Callbacks]]:
    """A progress bar (documents done of those to do, pages per second) and its two callbacks."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} pages/s  changed {task.fields[changed]}  failed {task.fields[failed]}"),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
    )
    task = progress.add_task("reprocessing", total=None, rate=0.0, changed=0, failed=0)

    def on_start(summary: ReprocessSummary) -> None:
        progress.start()  # only now: a refused command prints its one error line and nothing else
        if summary.resumed_from is not None:
            console.print(f"continuing reprocess run {summary.resumed_from} after document {summary.started_after}",
                          markup=False, highlight=False)
        progress.update(task, total=summary.total)

    def on_progress(summary: ReprocessSummary) -> None:
        progress.update(task, completed=summary.seen, rate=summary.pages_per_second, changed=summary.changed,
                        failed=summary.failed_total + summary.unreadable_total)

    try:
        yield on_start, on_progress
    finally:
        if progress.live.is_started:
            progress.stop()


def _print_summary(summary: ReprocessSummary, console: Console) -> None:
    table = Table(title="reprocess summary", title_justify="left")
    columns = ("documents", "changed", "unchanged", "unreadable", "failed", "seconds", "pages/s")
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(str(summary.seen), str(summary.changed), str(summary.unchanged), str(summary.unreadable_total),
                  str(summary.failed_total), f"{summary.seconds:.1f}", f"{summary.pages_per_second:.1f}")
    console.print(table)
    for label, counts in (("unreadable WARC records", summary.unreadable), ("failed", summary.failed)):
        for kind, count in counts.items():
            examples = ", ".join(map(str, summary.examples.get(kind, [])))
            console.print(f"{label}: {kind} {count} (documents {examples}{', …' if count > 5 else ''})",
                          markup=False, highlight=False)
    if summary.unreadable:
        console.print("documents with unreadable captures keep their versions; `pressarchive check` lists the damage",
                      markup=False, highlight=False)


def _interrupted(ctx: Context, what: str, signum: int | None, since: str | None, source: str | None) -> NoReturn:
    args = ["reprocess", *(["--since", since] if since else []), *(["--source", source] if source else [])]
    click.echo(clean(f"interrupted: {what}; `{ctx.command_line(*args)}` continues it"), err=True)
    sys.exit(128 + (signum or signal.SIGINT))
