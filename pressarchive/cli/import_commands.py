"""``import-warc``: take in WARC, ARC and WACZ files made by other tools, then index what is new."""

from __future__ import annotations

import dataclasses
import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import (
    BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
)
from rich.table import Table

from pressarchive.cli import terminal
from pressarchive.cli.stopsignals import stop_on_signals
from pressarchive.cli.app import Context, cli, fail, pass_context
from pressarchive.cli.crawl_commands import configured_profiles
from pressarchive.crawler.runner import INDEX_EVERY, BackgroundIndexer
from pressarchive.imports import ImportOptions, ImportSummary
from pressarchive.imports.inputs import ArchiveFile, check_inputs
from pressarchive.imports.run import import_archive_files
from pressarchive.service import index_pending_in

COLUMNS = ("files", "records", "responses", "new", "changed", "unchanged", "past", "skipped", "bad", "seconds",
           "records/s")


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--source", metavar="NAME",
              help="Put every page in this source (default: the profile whose domains hold its host, "
                   "else a source named after the host).")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Extraction processes (default: one per core; 0: extract in this process).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object instead of a table.")
@pass_context
def import_warc(ctx: Context, files: tuple[str, ...], source: str | None, workers: int | None,
                as_json: bool) -> None:
    """Import WARC and ARC files (gzipped or not) and WACZ packages written by other tools.

    HTML and PDF responses become documents dated by their capture; revisits resolve to their
    originals; a capture already archived (same URL and payload) is skipped. Then indexes
    what is new. Exit status 1 when records could not be read or pages not extracted.
    """
    inputs = check_inputs(files)  # every file checked before the archive is touched
    options = ImportOptions(source=source)
    if workers is not None:
        options = dataclasses.replace(options, workers=workers)
    console = terminal.console(stderr=True)
    try:
        with ctx.writing() as data, BackgroundIndexer(functools.partial(index_pending_in, data)) as indexer:
            profiles = {profile.name: profile for profile in configured_profiles(ctx)}
            stopping = stop_on_signals(ImportStopped, once=True)
            with stopping, _progress(console, inputs) as on_progress, _index_rounds(indexer):
                summary = import_archive_files(data, inputs, options, profiles, on_progress=on_progress)
            indexer.last_round()  # what the rounds during the import did not see
    except ImportStopped as stop:
        # The session saved what was extracted; the same command again skips it as duplicate.
        click.echo("interrupted: import stopped; what was imported stays, and the same command again "
                   "imports the rest", err=True)
        sys.exit(128 + stop.signum)
    indexed = indexer.total
    if as_json:
        click.echo(terminal.json_text({**summary.to_json(), "indexed": indexed}))
    else:
        _print_summary(summary, console)
        console.print(f"indexed {indexed} new or changed documents; data in {data.root}", markup=False,
                      highlight=False)
    if indexer.failed_rounds:
        console.print(f"{indexer.failed_rounds} indexing rounds failed (see the log); "
                      "`pressarchive index` indexes what they left", markup=False, highlight=False)
    if summary.had_trouble:
        fail(_trouble(summary))


class ImportStopped(BaseException):
    """Ctrl-C or SIGTERM during an import (a BaseException, as KeyboardInterrupt is, so that no
    ``except Exception`` around one record takes the stop for that record's failure)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _index_rounds(indexer: BackgroundIndexer) -> Iterator[None]:
    """Index what the import has saved every few seconds, as a crawl does: documents become
    searchable while the import goes on, and each round holds only what arrived since the last."""
    done = threading.Event()

    def rounds() -> None:
        while not done.wait(INDEX_EVERY):
            indexer.round()

    thread = threading.Thread(target=rounds, name="index-rounds", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@contextmanager
def _progress(console: Console, inputs: list[ArchiveFile]) -> Iterator[Callable[[ImportSummary], None]]:
    """A progress bar over the input's bytes with records per second (quiet when not a terminal)."""
    progress = Progress(
        TextColumn("importing"), BarColumn(), DownloadColumn(),
        TextColumn("{task.fields[records]} records  {task.fields[rate]:.0f} records/s  "
                   "{task.fields[documents]} documents"),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task("importing", total=sum(item.size for item in inputs), records=0, rate=0.0, documents=0)

    def on_progress(summary: ImportSummary) -> None:
        rate = summary.records / summary.seconds if summary.seconds else 0.0
        progress.update(task, completed=summary.bytes_read, records=summary.records, rate=rate,
                        documents=sum(summary.documents.values()))

    with progress:
        yield on_progress


def _print_summary(summary: ImportSummary, console: Console) -> None:
    table = Table(title="import summary", title_justify="left")
    for column in COLUMNS:
        table.add_column(column, justify="right")
    rate = summary.records / summary.seconds if summary.seconds else 0.0
    documents = summary.documents
    table.add_row(str(summary.files), str(summary.records), str(summary.responses), str(documents["new"]),
                  str(documents["changed"]), str(documents["unchanged"]), str(documents["past"]),
                  str(sum(summary.skipped.values())), str(summary.bad_count), f"{summary.seconds:.1f}",
                  f"{rate:.1f}")
    console.print(table)
    if summary.skipped:
        reasons = ", ".join(f"{kind} {count}" for kind, count in sorted(summary.skipped.items()))
        console.print(f"skipped: {reasons}", markup=False, highlight=False)
    for bad in summary.bad:
        console.print(f"bad record: {bad}", markup=False, highlight=False)
    if summary.bad_count > len(summary.bad):
        console.print(f"… and {summary.bad_count - len(summary.bad)} more bad records (see the report in reports/)",
                      markup=False, highlight=False)


def _trouble(summary: ImportSummary) -> str:
    """The one line that says what could not be imported."""
    parts = []
    if summary.bad_count:
        parts.append(f"{summary.bad_count} records could not be read and were skipped")
    failed = summary.skipped.get("extraction", 0)
    if failed:
        parts.append(f"{failed} pages could not be extracted")
    return "; ".join(parts) + "; the rest was imported"
