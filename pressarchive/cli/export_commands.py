"""``pressarchive export``: every match of a search (or a collection) as CSV or JSON Lines,
streamed, or the captures behind them as a WARC file or a WACZ package.

The same query and filters as ``search`` (its options, derived from the one parameter
model); ``--page`` and ``--limit`` are accepted and ignored, an export holding every match.
Written to standard output (also ``--output -``), or to ``--output FILE`` through a temporary
file renamed at the end, so a failed export never leaves a file that looks complete. A WACZ (a
zip) always needs a file; a WARC goes to standard output only when that is not a terminal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

import click

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.searchoptions import search_options
from pressarchive.cli.terminal import clean
from pressarchive.errors import UserError
from pressarchive.exports import IGNORED_PARAMS, Export, export_collection, export_search
from pressarchive.exports.webarchive import (
    ALL_FORMATS, WEB_ARCHIVE_FORMATS, Selection, WaczExport, WarcExport, collection_selection, search_selection,
    write_wacz, write_warc,
)
from pressarchive.index import SearchRequest
from pressarchive.searchparams import BY_NAME, SELECTING
from pressarchive.service import ArchiveService, request_from_values


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--format", "format_name", type=click.Choice(ALL_FORMATS), default="csv", show_default=True,
              help="csv; jsonl (JSON Lines: one object per line); warc (the captures behind the documents, "
                   "gzipped WARC); wacz (those captures with their index and page list, for pywb and "
                   "ReplayWeb.page; needs --output).")
@click.option("--output", "-o", "output_name", type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
              help="Write to FILE instead of standard output ('-': standard output).")
@click.option("--text", is_flag=True, help="Add each document's current text as a last column.")
@click.option("--current-only", is_flag=True,
              help="warc and wacz: only the capture of each document's current version (default: every version's).")
@click.option("--collection", metavar="NAME",
              help="Export this collection's documents (with each one's note) instead of a search.")
@search_options
@pass_context
def export(ctx: Context, query: tuple[str, ...], format_name: str, output_name: str | None, text: bool,
           current_only: bool, collection: str | None, **options: object) -> None:
    """Export every match of a search (QUERY and filters as for 'search'; --page and --limit are
    ignored), or a collection, with provenance: id, version, capture time, WARC file and record id,
    SHA-256s, permalink. Permalinks are absolute when PRESSARCHIVE_BASE_URL is set. --format warc
    or wacz exports the archived pages themselves instead, as any web-archive tool reads them."""
    if output_name == "-" and format_name == "wacz":
        raise UserError("a WACZ is a zip file and cannot go to standard output: give --output FILE")
    output = None if output_name in (None, "-") else Path(output_name)
    given = {name: value for name, value in options.items() if name not in IGNORED_PARAMS}
    request = request_from_values({**given, "query": " ".join(query)})
    if collection is not None and _narrows(request):
        raise UserError("export either a search (a query and filters) or a --collection, not both")
    if format_name in WEB_ARCHIVE_FORMATS:
        _check_web_archive_options(format_name, output, text)
    elif current_only:
        raise UserError("--current-only applies to --format warc and wacz (csv and jsonl hold the current version)")
    service = ctx.service()
    try:
        if format_name in WEB_ARCHIVE_FORMATS:
            selection = (collection_selection(service, collection) if collection is not None
                         else search_selection(service, request))
            _export_web_archive(service, selection, format_name, output, not current_only)
            return
        if collection is not None:
            made = export_collection(service, collection, format_name, text=text)
        else:
            made = export_search(service, request, format_name, text=text)
        if output is None:
            _write(made, sys.stdout.buffer)
        else:
            _write_file(made, output)
            click.echo(f"exported {made.written} documents to {clean(str(output))}", err=True)
    finally:
        service.close()


def _check_web_archive_options(format_name: str, output: Path | None, text: bool) -> None:
    """Refuse, before any work, what a WARC or WACZ export cannot do."""
    if text:
        raise UserError(f"--text adds a column to csv and jsonl; a {format_name} export holds the captures themselves")
    if output is None and format_name == "wacz":
        raise UserError("a WACZ is a zip file: give --output FILE")
    if output is None and sys.stdout.isatty():
        raise UserError("a WARC file is binary: give --output FILE or redirect standard output")


def _export_web_archive(service: ArchiveService, selection: Selection, format_name: str, output: Path | None,
                        all_versions: bool) -> None:
    """Write the WARC or WACZ, then one summary line (and a warning if captures were unreadable)."""
    data, archive = service.data, service.archive
    try:
        if format_name == "wacz":
            assert output is not None
            made: WarcExport | WaczExport = write_wacz(
                data, archive, selection.ids, output, selection.title, selection.description(all_versions),
                all_versions, query=selection.label)
        elif output is None:
            made = _warc_to_stdout(service, selection, all_versions)
        else:
            made = _warc_to_file(service, selection, output, all_versions)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    where = clean(str(output)) if output is not None else "standard output"
    click.echo(f"exported {made.documents} documents, {made.captures} captures ({made.bytes:,} bytes) to {where}",
               err=True)
    if made.missing:
        click.echo(f"warning: {len(made.missing)} captures left out: their WARC records are missing or damaged "
                   "(see 'pressarchive check')", err=True)
        sys.exit(1)


def _warc_to_file(service: ArchiveService, selection: Selection, path: Path, all_versions: bool) -> WarcExport:
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as out:
            made = write_warc(service.data, service.archive, selection.ids, out, all_versions,
                              query=selection.label, filename=path.name)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return made


def _warc_to_stdout(service: ArchiveService, selection: Selection, all_versions: bool) -> WarcExport:
    out = sys.stdout.buffer
    try:
        made = write_warc(service.data, service.archive, selection.ids, out, all_versions, query=selection.label,
                          filename=selection.filename(WEB_ARCHIVE_FORMATS["warc"]))
        out.flush()
    except BrokenPipeError:  # `| head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        raise UserError("standard output was closed before the WARC file was complete") from None
    return made


def _write(made: Export, out: BinaryIO) -> None:
    try:
        for chunk in made.chunks:
            out.write(chunk)
        out.flush()
    except BrokenPipeError:  # `| head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())


def _write_file(made: Export, path: Path) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as out:
            for chunk in made.chunks:
                out.write(chunk)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None


def _narrows(request: SearchRequest) -> bool:
    """Whether ``request`` says which documents to export (a query, a filter, a sort), which
    a collection export cannot honour; how hits are shown (the timeline's interval) does not."""
    blank = request_from_values({})
    return any(getattr(request, BY_NAME[name].attr) != getattr(blank, BY_NAME[name].attr) for name in SELECTING)
