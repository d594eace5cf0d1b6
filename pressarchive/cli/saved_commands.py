"""Saved searches on the command line: ``save``, ``saved``, ``unsave`` and ``alerts``.

They write only the saved searches' own rows (a small transaction SQLite's busy timeout
waits for), not the archive a crawl writes, so they do not take the writer lock: an
``alerts`` run from cron while a crawl holds it still runs. ``alerts`` is made for cron: quiet
when nothing is new, exit status 0 unless something went wrong.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape

from pressarchive.alerts import Alert, SavedSearches, brief_json, saved_json
from pressarchive.cli.app import Context, cli, fail, pass_context
from pressarchive.cli.output import print_json, print_search
from pressarchive.cli.searchoptions import search_options
from pressarchive.cli.terminal import console
from pressarchive.isodate import utc_iso
from pressarchive.service import request_from_values
from pressarchive.store.savedsearches import SavedSearchRow

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")


@cli.command()
@click.argument("name")
@click.argument("query", nargs=-1)
@search_options
@pass_context
def save(ctx: Context, name: str, query: tuple[str, ...], **options: object) -> None:
    """Save the search QUERY with the given filters as NAME, for 'alerts' and feeds.

    The options are the search command's own; --page and --limit are not saved. 'alerts'
    will report documents that match and arrive in the archive from now on.
    """
    request = request_from_values({**options, "query": " ".join(query)})
    service = ctx.service()
    try:
        row, matches = SavedSearches(service).save(name, request)
    finally:
        service.close()
    matching = "1 document matches" if matches == 1 else f"{matches} documents match"
    console().print(f"saved {escape(_describe(row))}; {matching} now")


@cli.command("saved")
@click.argument("name", required=False)
@json_option
@pass_context
def saved_command(ctx: Context, name: str | None, as_json: bool) -> None:
    """The saved searches, with their parameters and when their alerts last ran; with NAME,
    that saved search run (its first page, as 'search' prints it)."""
    service = ctx.service()
    try:
        saved = SavedSearches(service)
        if name is not None:
            result = service.search(saved.request(saved.get(name)))
            agency_names = service.agency_names()
        else:
            rows = saved.listing()
    finally:
        service.close()
    if name is not None and as_json:
        print_json(result.to_json())
    elif name is not None:
        print_search(result, console(), agency_names)
    elif as_json:
        print_json({"saved": [saved_json(row) for row in rows]})
    else:
        _print_saved(rows, console())


def _print_saved(rows: list[SavedSearchRow], out: Console) -> None:
    if not rows:
        out.print("no saved searches ('pressarchive save NAME QUERY' saves one)")
    for row in rows:
        last = utc_iso(row.last_alerted_at) or "never"
        out.print(f"{escape(_describe(row))}  [dim]saved {utc_iso(row.created_at)}, "
                  f"alerted {last}[/]")


@cli.command()
@click.argument("name")
@pass_context
def unsave(ctx: Context, name: str) -> None:
    """Delete the saved search NAME (and its alert)."""
    service = ctx.service()
    try:
        SavedSearches(service).delete(name)
    finally:
        service.close()
    console().print(f"deleted saved search {escape(repr(name))}")


@cli.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@json_option
@click.option("--dry-run", is_flag=True, help="Show what is new without marking it as reported.")
@click.option("--verbose", "-v", is_flag=True, help="Also name the saved searches with nothing new.")
@pass_context
def alerts(ctx: Context, names: tuple[str, ...], as_json: bool, dry_run: bool, verbose: bool) -> None:
    """What is new for each saved search (or each NAME) since its alert last ran.

    Lists the documents that match and arrived in the archive since the last run (the first
    run: since the search was saved), then marks them reported. Prints nothing when nothing is
    new (unless --verbose); exits 0 unless something failed, so it fits cron. Links are
    permalinks under $PRESSARCHIVE_BASE_URL when set.
    """
    service = ctx.service()
    try:
        saved = SavedSearches(service)
        found, failed = saved.alerts(list(names), advance=False)
        # Marked only once printed: if printing fails (a closed pipe), the next run reports them.
        if as_json:
            print_json({"alerts": [alert.to_json() for alert in found], "dry_run": dry_run})
        else:
            _print_alerts(found, console(), verbose)
        if not dry_run:
            for alert in found:
                saved.mark_reported(alert)
    finally:
        service.close()
    if failed:
        fail("; ".join(failed))


def _print_alerts(found: list[Alert], out: Console, verbose: bool) -> None:
    if verbose and not found:
        out.print("no alerts ran ('pressarchive saved' lists the saved searches)")
    for alert in found:
        since = alert.to_json()["since"]
        if not alert.new:
            if verbose:
                out.print(f"{escape(alert.saved.name)}: nothing new since {since}")
            continue
        out.print(f"[bold]{escape(alert.saved.name)}[/]: {len(alert.new)} new since {since} "
                  f"({alert.matches} match in all)")
        for brief in alert.new:
            item = brief_json(brief)
            out.print(f"  {item['id']}  {item['published'] or '(no date)'}  {escape(item['source'])}  "
                      f"{escape(item['title'])}")
            out.print(f"      {escape(item['permalink'])}", soft_wrap=True)


def _describe(row: SavedSearchRow) -> str:
    shown = " ".join(f"{key}={value!r}" for key, value in row.params.items())
    return f"{row.name!r}: {shown}"
