"""Commands for operations: the list, one dossier, and the hand corrections that amend them.

Reading commands open the archive like ``search``; the ``correct`` commands write, so they run
under the data directory's writer lock and need an archive that exists.
"""

from __future__ import annotations

import sys

import click

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.dossier_output import describe, print_corrections, print_dossier, print_operations
from pressarchive.cli.output import print_json
from pressarchive.cli.terminal import clean, console
from pressarchive.record import FIGURE_KINDS, QUALIFIERS
from pressarchive.store.corrections import Correction

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
by_option = click.option(
    "--by", "author", required=True, envvar="PRESSARCHIVE_AUTHOR", metavar="NAME",
    help="Who makes the correction (default: $PRESSARCHIVE_AUTHOR).",
)
why_option = click.option("--why", "reason", required=True, metavar="TEXT", help="Why: kept with the correction.")


@cli.command()
@json_option
@pass_context
def operations(ctx: Context, as_json: bool) -> None:
    """Every operation in the archive with its documents, sources, dates and languages."""
    service = ctx.service()
    try:
        summaries = service.dossiers.operations()
    finally:
        service.close()
    if as_json:
        print_json({"operations": [s.to_json() for s in summaries]})
    else:
        print_operations(summaries, console())


@cli.command()
@click.argument("name", nargs=-1, required=True)
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print the figures table as CSV.")
@pass_context
def operation(ctx: Context, name: tuple[str, ...], as_json: bool, as_csv: bool) -> None:
    """The dossier of operation NAME (any language's spelling, case and accents ignored)."""
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    service = ctx.service()
    try:
        dossier = service.dossiers.dossier(" ".join(name))
    finally:
        service.close()
    if as_json:
        print_json(dossier.to_json())
    elif as_csv:
        from pressarchive.dossiers.export import figures_csv

        sys.stdout.write(clean(figures_csv(dossier)))
    else:
        print_dossier(dossier, console())


@cli.group()
def correct() -> None:
    """Correct the archive by hand, with who and why: merge operation names, reject or add figures.

    Corrections are kept apart from the archived versions and applied whenever the archive is
    read, so they still hold after a recrawl or a re-extraction adds a new version.
    """


@correct.command("merge-operation")
@click.argument("old")
@click.argument("new")
@by_option
@why_option
@pass_context
def merge_operation(ctx: Context, old: str, new: str, author: str, reason: str) -> None:
    """Show, count and search operation OLD as NEW (e.g. a misspelling of it)."""
    with ctx.writing(create=False):
        service = ctx.service()
        try:
            done = service.dossiers.merge_operations(old, new, author=author, reason=reason)
        finally:
            service.close()
    _done(done, "run 'pressarchive index' to update the search facets")


@correct.command("reject-figure")
@click.argument("doc_id", type=int, metavar="DOC_ID")
@click.argument("kind", type=click.Choice(FIGURE_KINDS))
@click.argument("value", type=float)
@click.option("--sentence-contains", default="", metavar="TEXT", help="Only the figure in a sentence containing TEXT.")
@by_option
@why_option
@pass_context
def reject_figure(
    ctx: Context, doc_id: int, kind: str, value: float, sentence_contains: str, author: str, reason: str,
) -> None:
    """Mark a figure of document DOC_ID as wrong (it stays visible, marked, and is not compared)."""
    with ctx.writing(create=False):
        service = ctx.service()
        try:
            done = service.dossiers.reject_figure(
                doc_id, kind, value, sentence_contains, author=author, reason=reason,
            )
        finally:
            service.close()
    _done(done)


@correct.command("add-figure")
@click.argument("doc_id", type=int, metavar="DOC_ID")
@click.argument("kind", type=click.Choice(FIGURE_KINDS))
@click.argument("value", type=float)
@click.option("--qualifier", type=click.Choice(QUALIFIERS), default="exact", show_default=True)
@click.option("--quote", default="", metavar="TEXT", help="The sentence of the document that reports it.")
@click.option("--unit", default="", metavar="CODE", help="Currency of a money figure (ISO 4217, e.g. EUR).")
@by_option
@why_option
@pass_context
def add_figure(
    ctx: Context, doc_id: int, kind: str, value: float, qualifier: str, quote: str, unit: str,
    author: str, reason: str,
) -> None:
    """Add a figure document DOC_ID reports that the extractor missed."""
    with ctx.writing(create=False):
        service = ctx.service()
        try:
            done = service.dossiers.add_figure(
                doc_id, kind, value, qualifier=qualifier, quote=quote, unit=unit, author=author, reason=reason,
            )
        finally:
            service.close()
    _done(done)


@correct.command("withdraw")
@click.argument("correction_id", type=int, metavar="ID")
@by_option
@pass_context
def withdraw(ctx: Context, correction_id: int, author: str) -> None:
    """Withdraw correction ID (it stays on record as withdrawn)."""
    with ctx.writing(create=False):
        service = ctx.service()
        try:
            done = service.dossiers.withdraw(correction_id, author=author)
        finally:
            service.close()
    click.echo(clean(f"withdrew correction {done.id}: {describe(done)}"))


@cli.command("corrections")
@json_option
@click.option("--all", "include_withdrawn", is_flag=True, help="Include withdrawn corrections.")
@pass_context
def corrections_command(ctx: Context, as_json: bool, include_withdrawn: bool) -> None:
    """The hand corrections in force (with --all, withdrawn ones too), with who, when and why."""
    service = ctx.service()
    try:
        found = service.dossiers.corrections(include_withdrawn)
    finally:
        service.close()
    if as_json:
        print_json({"corrections": [c.to_json() for c in found]})
    else:
        print_corrections(found, console())


def _done(correction: Correction, hint: str = "") -> None:
    click.echo(clean(f"correction {correction.id}: {correction.kind} {describe(correction)}"
                     + (f"; {hint}" if hint else "")))
