"""Commands that keep the index in step with the store: index, dedupe, check.

``index`` and ``check --repair`` write the index, so they hold the data directory's writer
lock; a plain ``check`` reads beside a running crawl.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext

import click
from rich.console import Console

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.indexprogress import fill_progress, print_move
from pressarchive.cli.output import print_check, print_json
from pressarchive.cli.stopsignals import stop_on_signals
from pressarchive.cli.terminal import clean, console
from pressarchive.index.engines import parse_address
from pressarchive.warc import WarcCheck, cdxj
from pressarchive.warc.verify import EXAMPLES


@cli.command()
@click.option("--rebuild", is_flag=True, help="Recreate the index from the store alone.")
@click.option(
    "--to", "to_address", metavar="ADDRESS",
    help="With --rebuild: fill the search engine at ADDRESS from the store (resumable: run it again "
         "after an interruption), check it, then record it in the data directory's config.toml so every "
         "later command uses it. ADDRESS: whoosh, whoosh:///DIR or opensearch+http(s)://HOST:PORT/INDEX.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def index(ctx: Context, rebuild: bool, to_address: str | None, as_json: bool) -> None:
    """Index new and changed documents (or rebuild the whole index), and the WARC files the
    CDXJ index lacks or has older than the file; with --rebuild --to, move the archive to
    another search engine."""
    if to_address is not None:
        if not rebuild:
            raise click.UsageError("--to moves the archive to another engine: give it with --rebuild")
        _move(ctx, to_address, as_json)
        return
    with ctx.writing(create=False):  # indexing needs an archive to index: none is created
        service = ctx.service()
        try:
            count = service.rebuild_index() if rebuild else service.index_pending()
        finally:
            service.close()
        warc_files = cdxj.refresh(service.data)
    if as_json:
        print_json({"rebuilt": rebuild, "indexed": count, "warc_files_indexed": len(warc_files)})
        return
    click.echo(f"{'rebuilt index with' if rebuild else 'indexed'} {count} documents")
    if warc_files:
        click.echo(f"indexed {len(warc_files)} WARC files in the CDXJ index")


class MoveStopped(BaseException):
    """Ctrl-C or SIGTERM during a move (a BaseException: nothing may swallow it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _move(ctx: Context, address: str, as_json: bool) -> None:
    """Fill the engine at ``address``, make it the archive's, and say so (never with its password).

    Stopped by Ctrl-C or SIGTERM, it says how to continue and exits 130 or 143; what was
    committed stays in the target for the next run.
    """
    shown = parse_address(address).redacted()  # a bad address: one error line before anything
    out = console(stderr=True)
    added = 0
    with ctx.writing(create=False):
        service = ctx.service()
        try:
            with fill_progress(out, shown, quiet=as_json) as (on_start, on_batch), \
                    stop_on_signals(MoveStopped, once=True):
                def counted(count: int) -> None:
                    nonlocal added
                    added += count
                    on_batch(count)

                moved = service.move_index(address, on_start=on_start, on_batch=counted)
        except MoveStopped as stop:
            click.echo(clean(
                f"interrupted: {added:,} documents were added to {shown}, and stay there; the archive still uses "
                f"its previous index; `{ctx.command_line('index', '--rebuild', '--to', shown)}` continues"
            ), err=True)
            sys.exit(128 + stop.signum)
        finally:
            service.close()
    if as_json:
        print_json(moved.to_json())
    else:
        print_move(moved, ctx, console())
    overriding = ctx.index_option and ctx.index_option.strip()
    if overriding and parse_address(overriding).text != parse_address(address).text:
        out.print(f"note: --index or $PRESSARCHIVE_INDEX names {parse_address(overriding).redacted()}, which "
                  "overrides config.toml: drop it to use the new engine", markup=False, highlight=False)


@cli.command()
@click.option("--rebuild", is_flag=True, help="Forget every signature, cluster and link and compute them all again.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def dedupe(ctx: Context, rebuild: bool, as_json: bool) -> None:
    """Cluster near-duplicate copies and link news articles to the releases they retell, for
    documents not compared yet (``index`` and crawls do this too), then index the documents
    whose cluster changed."""
    with ctx.writing(create=False):
        service = ctx.service()
        try:
            report = service.update_similarity(rebuild=rebuild)
            indexed = service.index_pending()
        finally:
            service.close()
    if as_json:
        print_json({**report.to_json(), "indexed": indexed})
    else:
        click.echo(f"compared {report.signed} documents in {report.seconds:.1f} s: "
                   f"{report.cluster_changes} changed cluster, {report.links} article-release links; "
                   f"indexed {indexed} documents")


@cli.command()
@click.option("--repair", is_flag=True, help="Delete wrong index entries and index the current versions again.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def check(ctx: Context, repair: bool, as_json: bool) -> None:
    """Verify that every current document version is indexed exactly once and nothing else is,
    and that every capture's WARC record is where the store says, with its sha256.

    Exits 0 when all agrees (or the index was repaired), 1 when anything is still wrong.
    WARC damage cannot be repaired: --repair reports it and exits 1.
    """
    with ctx.writing(create=False) if repair else nullcontext():  # a plain check only reads
        service = ctx.service()
        try:
            report = service.repair() if repair else service.check()
            if repair:
                cdxj.refresh(service.data)  # a WARC file the CDXJ index lacks is indexed
            after = service.check() if report.repaired else report
            warc = service.check_warc()
        finally:
            service.close()
    if as_json:
        print_json({
            **report.to_json(), **warc.to_json(), "ok": report.ok and warc.ok, "ok_now": after.ok and warc.ok,
            "index_ok": report.ok, "warc_ok": warc.ok, "unrepairable": warc.damaged,
        })
    else:
        out = console()
        print_check(report, after, out)
        _print_warc_check(warc, repair, out)
    if not (after.ok and warc.ok):
        sys.exit(1)  # click returns Exit codes without exiting when not standalone


def _print_warc_check(warc: WarcCheck, repairing: bool, console: Console) -> None:
    """What the WARC verification found; says plainly that it cannot be repaired here."""
    console.print(f"{warc.captures} captures in {warc.files} WARC files verified in {warc.seconds:.2f} s",
                  markup=False, highlight=False)
    for name, ids in warc.problems().items():
        examples = ", ".join(map(str, ids[:EXAMPLES])) + (", …" if len(ids) > EXAMPLES else "")
        console.print(f"{name:17} {len(ids)}" + (f"  (captures {examples})" if ids else ""),
                      markup=False, highlight=False)
    if warc.missing_files:
        shown = ", ".join(warc.missing_files[:EXAMPLES]) + (", …" if len(warc.missing_files) > EXAMPLES else "")
        console.print(f"missing WARC files: {shown}", markup=False, highlight=False)
    if warc.ok:
        console.print("ok: every capture's WARC record is there with its digest", markup=False)
    else:
        verb = "cannot repair" if repairing else "damaged"
        console.print(f"{verb}: {warc.damaged} captures have no intact WARC record; the WARC files are the "
                      "original evidence and cannot be rebuilt from the archive: restore them from a backup",
                      markup=False, highlight=False)
