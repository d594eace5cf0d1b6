"""Commands that keep the index in step with the store: index, check.

``index`` and ``check --repair`` write the index, so they hold the data directory's writer
lock; a plain ``check`` reads beside a running crawl.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext

import click

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.output import print_check, print_json
from pressarchive.cli.terminal import console


@cli.command()
@click.option("--rebuild", is_flag=True, help="Recreate the index from the store alone.")
@pass_context
def index(ctx: Context, rebuild: bool) -> None:
    """Index new and changed documents (or rebuild the whole index)."""
    with ctx.writing(create=False):  # indexing needs an archive to index: none is created
        service = ctx.service()
        try:
            count = service.rebuild_index() if rebuild else service.index_pending()
        finally:
            service.close()
    click.echo(f"{'rebuilt index with' if rebuild else 'indexed'} {count} documents")


@cli.command()
@click.option("--repair", is_flag=True, help="Delete wrong index entries and index the current versions again.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def check(ctx: Context, repair: bool, as_json: bool) -> None:
    """Verify that every current document version is indexed exactly once and nothing else is.

    Exits 0 when the index agrees with the store (or was repaired), 1 when it does not.
    """
    with ctx.writing(create=False) if repair else nullcontext():  # a plain check only reads
        service = ctx.service()
        try:
            report = service.repair() if repair else service.check()
            after = service.check() if report.repaired else report
        finally:
            service.close()
    if as_json:
        print_json({**report.to_json(), "ok_now": after.ok})
    else:
        print_check(report, after, console())
    if not after.ok:
        sys.exit(1)  # click returns Exit codes without exiting when not standalone
