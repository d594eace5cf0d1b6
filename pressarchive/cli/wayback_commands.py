"""``wayback`` (and ``crawl --history``): import a URL pattern's past from the Wayback Machine."""

from __future__ import annotations

import shlex
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from pressarchive.cli import terminal
from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.crawl_commands import configured_profiles, parse_setting
from pressarchive.cli.terminal import clean
from pressarchive.errors import UserError
from pressarchive.imports import ImportSummary
from pressarchive.profiles import PatternError, Profile, compile_pattern
from pressarchive.profiles.loader import NAME_RE
from pressarchive.service import index_pending_in
from pressarchive.wayback.cdx import cdx_bound, check_pattern, check_range
from pressarchive.wayback.run import run_wayback, wayback_settings
from pressarchive.wayback.spider import WaybackQuery
from pressarchive.wayback.summary import WaybackSummary


@cli.command()
@click.argument("pattern", metavar="URL_PATTERN")
@click.option("--from", "start", metavar="DATE", help="Captures from this date on (YYYY, YYYY-MM or YYYY-MM-DD, UTC).")
@click.option("--to", "end", metavar="DATE", help="Captures up to this date (YYYY, YYYY-MM or YYYY-MM-DD, UTC).")
@click.option("--source", metavar="NAME",
              help="Source of every imported page (default: the profile whose domains hold it, else its host).")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True),
              help="Requests per second at most to the Wayback Machine (default 0.5).")
@click.option("--limit", type=click.IntRange(min=1), help="Fetch at most this many captures.")
@click.option("--article", "article", multiple=True, metavar="REGEX",
              help="Fetch only captures whose URL matches REGEX (RE2, as a profile's `article`; repeatable; "
                   "default: every URL under the pattern).")
@click.option("--retry-refused", is_flag=True,
              help="Fetch again the captures an earlier import refused (media, not text, a payload archived "
                   "before); by default they are skipped.")
@click.option("--set", "set_values", multiple=True, metavar="NAME=VALUE",
              help="Set a crawler setting, e.g. PRESSARCHIVE_WAYBACK_URL=... (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_context
def wayback(ctx: Context, pattern: str, start: str | None, end: str | None, source: str | None,
            rate: float | None, limit: int | None, article: tuple[str, ...], retry_refused: bool,
            set_values: tuple[str, ...], as_json: bool) -> None:
    """Import the captures of URL_PATTERN from the Wayback Machine, with their capture dates.

    URL_PATTERN is a URL without scheme, ending in * for every URL under it
    (www.europol.europa.eu/newsroom/news/*); all are imported unless --article names which are
    releases ('crawl --history' uses the profile's article regexes). Captures imported or refused
    before are not fetched again (--retry-refused: the refused ones are), so the same command
    after a stop fetches only what is missing. Then indexes what changed.
    Exit status 1 when something could not be listed, fetched or imported; 130 or 143 when stopped.
    """
    first, last = _range(start, end)
    if source is not None and not NAME_RE.match(source):
        raise UserError(f"bad --source {source!r}: lower-case letters, digits, '-' or '_' (at most 64)")
    query = WaybackQuery(check_pattern(pattern), first, last, source, _check_article(article))
    settings = _settings(set_values, rate)
    options = [(flag, str(value)) for flag, value in (("--from", start), ("--to", end), ("--source", source),
                                                      ("--rate", rate)) if value]
    options += [("--article", regex) for regex in article]
    options += [("--set", assignment) for assignment in set_values]
    again = _command(ctx, "wayback", pattern, *[part for option in options for part in option])
    import_history(ctx, [query], settings, limit or 0, as_json, again, retry_refused=retry_refused)


def crawl_history(ctx: Context, profiles: list[Profile], named: set[str], options: dict[str, Any],
                  settings: dict[str, Any], again: str) -> None:
    """``crawl --history``: the Wayback import of every pattern of each profile, into its source,
    of the URLs its ``article`` regexes say are releases (as the crawl decides).

    ``named``: the sources named by NAME or profile file (not by ``--all``): each must have patterns.
    """
    for option in ("resume", "full", "since", "delay"):
        value = options.get(option)
        if value is not None and value is not False:  # --delay 0 too
            pace = " (the pace is PRESSARCHIVE_WAYBACK_RATE)" if option == "delay" else ""
            raise click.UsageError(f"--{option} does not go with --history{pace}")
    without = [profile.name for profile in profiles if profile.name in named and not profile.wayback]
    if without:
        raise UserError(f"source {without[0]} names no Wayback URL patterns (profile field `wayback`)")
    first, last = _range(options.get("history_from"), options.get("history_to"))
    queries = [WaybackQuery(pattern, first, last, profile.name, profile.article)
               for profile in profiles for pattern in profile.wayback]
    if not queries:
        raise UserError("no source to crawl names Wayback URL patterns (profile field `wayback`)")
    settings = {name: value for name, value in settings.items() if name != "PRESSARCHIVE_MAX_PAGES"}
    flags = (("--from", "history_from"), ("--to", "history_to"))
    again = shlex.join([*shlex.split(again), *[part for flag, key in flags if options.get(key)
                                               for part in (flag, options[key])]])
    import_history(ctx, queries, settings, int(options.get("max_pages") or 0), False, again, profiles)


def _range(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    first, last = cdx_bound(start, "--from"), cdx_bound(end, "--to")
    check_range(first, last)
    return first, last


def _check_article(regexes: tuple[str, ...]) -> tuple[str, ...]:
    """``regexes`` if RE2 compiles each (checked before the data directory is touched)."""
    for regex in regexes:
        try:
            compile_pattern(regex)
        except PatternError as exc:
            raise UserError(f"bad --article regex {regex!r}: {exc}") from None
    return regexes


def _settings(set_values: tuple[str, ...], rate: float | None) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for assignment in set_values:
        settings.update(parse_setting(assignment))
    if rate is not None:
        settings["PRESSARCHIVE_WAYBACK_RATE"] = rate
    return settings


def _command(ctx: Context, *args: str) -> str:
    """The command line that acts on the same data directory, quoted for a shell."""
    return ctx.command_line(*args)


def import_history(ctx: Context, queries: list[WaybackQuery], settings: dict[str, Any], limit: int, as_json: bool,
                   again: str, profiles: Sequence[Profile] = (), retry_refused: bool = False) -> WaybackSummary:
    """Run the import under the writer lock, index what it added, report; exit 1 on trouble.

    ``profiles``: those the command named (profile files too), beside the configured ones.
    ``retry_refused``: fetch again what earlier imports refused.
    """
    wayback_settings(settings)  # a bad setting is refused before the data directory is touched
    console = terminal.console(stderr=True)
    with ctx.writing() as data:
        known = {profile.name: profile for profile in [*configured_profiles(ctx), *profiles]}
        with _progress(console) as on_progress:
            summary = run_wayback(queries, data, known, settings=settings, limit=limit, retry_refused=retry_refused,
                                  on_progress=on_progress)
        indexed = index_pending_in(data)
    if as_json:
        click.echo(terminal.json_text({**summary.to_json(), "indexed": indexed}))
    else:
        _print_summary(summary, console)
        console.print(f"indexed {indexed} new or changed documents; data in {data.root}", markup=False,
                      highlight=False)
    if summary.interrupted:
        click.echo(clean(f"interrupted: the Wayback import stopped before it finished; `{again}` fetches "
                         "what is missing"), err=True)
        sys.exit(128 + (summary.stop_signal or signal.SIGINT))
    if summary.had_trouble:
        sys.exit(1)
    return summary


@contextmanager
def _progress(console: Console) -> Iterator[Any]:
    """A live line: captures taken in, documents made, skipped, pages per second."""
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                        transient=True)
    task = progress.add_task("listing captures")

    def on_progress(summary: ImportSummary) -> None:
        rate = summary.responses / summary.seconds if summary.seconds else 0.0
        progress.update(task, description=(
            f"captures {summary.responses}  archived {summary.captures}  documents {sum(summary.documents.values())}"
            f"  skipped {sum(summary.skipped.values())}  {rate:.2f}/s"))

    with progress:
        yield on_progress


def _print_summary(summary: WaybackSummary, console: Console) -> None:
    table = Table(title="wayback summary", title_justify="left")
    imported = summary.imported
    columns = {
        "listed": summary.listed, "fetched": summary.fetched, "archived": imported.captures,
        "new": imported.documents.get("new", 0), "past": imported.documents.get("past", 0),
        "changed": imported.documents.get("changed", 0), "unchanged": imported.documents.get("unchanged", 0),
        "skipped": sum(summary.skipped.values()) + sum(imported.skipped.values()),
        "errors": sum(summary.errors.values()) + imported.bad_count,
    }
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(*(str(value) for value in columns.values()))
    console.print(table)
    for label, counts in (("not fetched", summary.skipped), ("not imported", imported.skipped),
                          ("errors", summary.errors)):
        if counts:
            reasons = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
            console.print(f"{label}: {reasons}", markup=False, highlight=False)
    if summary.retry_after_waits:
        console.print(f"waited {summary.retry_after_waits} times where the Wayback Machine asked (Retry-After)",
                      markup=False, highlight=False)
