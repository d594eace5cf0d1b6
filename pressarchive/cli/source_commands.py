"""``pressarchive sources``: the built-in profiles and what the archive holds from each, and
``--check``: whether each profile still fits its live site.

The list reads the archive only if the data directory already has one: listing sources must
not create an empty archive as a side effect. ``--check`` fetches through Scrapy with the
crawl's politeness settings and archives nothing (see :mod:`pressarchive.discovery.run`).
"""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pressarchive.cli.app import Context, cli, fail, pass_context
from pressarchive.cli.discover_commands import probe_options
from pressarchive.cli.output import print_json
from pressarchive.cli.terminal import console
from pressarchive.datadir import holds_archive
from pressarchive.discovery.checks import OK, SourceCheck
from pressarchive.discovery.run import check_profiles
from pressarchive.isodate import utc_iso
from pressarchive.profiles import Profile, builtin_profiles, get_builtin, load_profile
from pressarchive.store.sourcecounts import SourceCounts

VERDICT_STYLE = {"ok": "green", "changed": "yellow", "unreachable": "red"}


@cli.command()
@click.argument("names", nargs=-1, metavar="[NAME...]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--check", is_flag=True,
              help="Fetch each source's entry points and say whether the profile still fits its site "
                   "(ok / changed / unreachable); all built-in sources unless NAMEs or --profile are given.")
@click.option("--profile", "profile_files", multiple=True, metavar="FILE",
              help="With --check: check this profile file too (repeatable).")
@click.option("--delay", type=click.FloatRange(min=0),
              help="With --check: minimum seconds between requests (default 1).")
@click.option("--user-agent", metavar="UA", help="With --check: User-Agent to send.")
@pass_context
def sources(ctx: Context, names: tuple[str, ...], as_json: bool, check: bool, profile_files: tuple[str, ...],
            delay: float | None, user_agent: str | None) -> None:
    """List the built-in sources with their archive counts, or --check them against their sites."""
    if not check and (profile_files or delay is not None or user_agent):
        raise click.UsageError("--profile, --delay and --user-agent only apply with --check")
    if check:
        _check(names, profile_files, as_json, probe_options(delay, user_agent))
        return
    rows = source_rows(ctx, names)
    if as_json:
        print_json(rows)
    else:
        _print_rows(rows)


# -- the list ---------------------------------------------------------------------------------

def source_rows(ctx: Context, names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Built-in profiles merged with the archive's sources (those crawled from profile files
    too), each with what the archive holds from it: documents, their publication and capture
    dates, removals, and its last crawl (``last_crawl``: when it started; ``last_run``: the run)."""
    builtins = {name: get_builtin(name) for name in names} if names else builtin_profiles()
    archived = {source.name: source for source in _archive_sources(ctx)}
    rows = []
    for profile in builtins.values():
        rows.append({
            "name": profile.name, "builtin": True, "title": profile.title, "agency": profile.agency,
            "country": profile.country, "language": profile.language,
            "entry_urls": list(profile.entry_urls), **_archive_fields(archived.get(profile.name)),
        })
    if not names:
        for name, source in archived.items():
            if name not in builtins:
                rows.append({
                    "name": name, "builtin": False, "title": source.title, "agency": source.agency,
                    "country": source.country, "language": source.language, "entry_urls": [],
                    **_archive_fields(source),
                })
    return rows


def _archive_fields(source: SourceCounts | None) -> dict[str, Any]:
    counts = (source or SourceCounts("")).to_json()
    crawl = source.last_crawl if source else None
    return {
        "documents": counts["documents"],
        "last_crawl": utc_iso(crawl.started_at) if crawl else None,
        **{key: counts[key] for key in ("published", "captured", "removals", "last_run")},
    }


def _archive_sources(ctx: Context) -> list[SourceCounts]:
    if not holds_archive(ctx.data):
        return []
    service = ctx.service()
    try:
        return service.sources()
    finally:
        service.close()


def _print_rows(rows: list[dict[str, Any]]) -> None:
    out = console()
    if not rows:
        out.print("no sources: crawl any press room with --profile FILE "
                      "(draft one with `pressarchive discover URL`)", markup=False)
        return
    names = [row["name"] if row["builtin"] else f"{row['name']} (profile file)" for row in rows]
    table = Table(title_justify="left")
    table.add_column("name", no_wrap=True, min_width=max(len(name) for name in names))
    table.add_column("country")
    table.add_column("lang")
    table.add_column("title", overflow="fold")
    table.add_column("documents", justify="right")
    table.add_column("published", no_wrap=True)
    table.add_column("last crawl (UTC)", no_wrap=True, min_width=20)
    table.add_column("errors", justify="right")
    table.add_column("removed", justify="right")
    for name, row in zip(names, rows, strict=True):
        table.add_row(escape(name), escape(row["country"]), escape(row["language"]), escape(row["title"]),
                      str(row["documents"]), _date_range(row["published"]), escape(row["last_crawl"] or "never"),
                      str(row["last_run"].get("errors") or 0) if row["last_run"] else "",
                      str(row["removals"]["open"]))
    out.print(table)


def _date_range(published: dict[str, str | None]) -> str:
    return f"{published['earliest']} – {published['latest']}" if published["earliest"] else ""


# -- --check ----------------------------------------------------------------------------------

def _check(names: tuple[str, ...], profile_files: tuple[str, ...], as_json: bool,
           settings: dict[str, Any]) -> None:
    profiles: list[Profile] = [get_builtin(name) for name in names]
    profiles += [load_profile(path) for path in profile_files]
    if not names and not profile_files:
        profiles = list(builtin_profiles().values())
    if not profiles:
        raise click.UsageError("no sources to check: name built-in sources or give --profile FILE")
    reports = check_profiles(profiles, settings)
    if as_json:
        print_json([report.to_json() for report in reports])
    else:
        print_checks(reports, console())
    failed = [report for report in reports if report.verdict != OK]
    if failed:
        fail(f"{len(failed)} of {len(reports)} sources failed the check: "
             + "; ".join(f"{report.name} {report.verdict}" for report in failed))


def print_checks(reports: list[SourceCheck], console: Console) -> None:
    """One table row per entry point (robots.txt included), then a verdict line per source."""
    table = Table(title="entry points", title_justify="left")
    for column in ("source", "kind", "URL", "HTTP", "state", "what was found"):
        table.add_column(column, overflow="fold")
    for report in reports:
        for entry in report.robots + report.entries:
            table.add_row(escape(report.name), entry.kind, escape(entry.url), entry.http(),
                          entry.state, escape(entry.describe()))
            for child in entry.children:
                table.add_row("", "  child", escape(child.url), child.http(), child.state, escape(child.describe()))
    console.print(table)
    for report in reports:
        style = VERDICT_STYLE.get(report.verdict, "")
        reason = f" ({escape(report.reason)})" if report.reason else ""
        console.print(f"{escape(report.name)}: [{style}]{report.verdict}[/]{reason}", soft_wrap=True)
