"""``pressarchive export``: every match of a search as CSV or JSON Lines, streamed.

The same query and filters as ``search`` (its options, derived from the one parameter
model); ``--page`` and ``--limit`` are accepted and ignored, an export holding every match.
Written to standard output, or to ``--output FILE`` through a temporary file renamed at the
end, so a failed export never leaves a file that looks complete.
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
from pressarchive.exports import FORMATS, IGNORED_PARAMS, Export, export_collection, export_search
from pressarchive.index import SearchRequest
from pressarchive.searchparams import BY_NAME, SELECTING
from pressarchive.service import request_from_values


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--format", "format_name", type=click.Choice(tuple(FORMATS)), default="csv", show_default=True,
              help="csv, or jsonl (JSON Lines: one object per line).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write to FILE instead of standard output.")
@click.option("--text", is_flag=True, help="Add each document's current text as a last column.")
@click.option("--collection", metavar="NAME",
              help="Export this collection's documents (with each one's note) instead of a search.")
@search_options
@pass_context
def export(ctx: Context, query: tuple[str, ...], format_name: str, output: Path | None, text: bool,
           collection: str | None, **options: object) -> None:
    """Export every match of a search (QUERY and filters as for 'search'; --page and --limit are
    ignored), or a collection, with provenance: id, version, capture time, WARC file and record id,
    SHA-256s, permalink. Permalinks are absolute when PRESSARCHIVE_BASE_URL is set."""
    given = {name: value for name, value in options.items() if name not in IGNORED_PARAMS}
    request = request_from_values({**given, "query": " ".join(query)})
    if collection is not None and _narrows(request):
        raise UserError("export either a search (a query and filters) or a --collection, not both")
    service = ctx.service()
    try:
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
