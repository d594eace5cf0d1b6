"""Commands that collect: crawl, add."""

from __future__ import annotations

import functools
import signal
import sys
from typing import Any, NoReturn

import click
from rich.console import Console

from pressarchive.cli import terminal
from pressarchive.cli.app import Context, cli, fail, pass_context
from pressarchive.cli.output import print_json
from pressarchive.cli.terminal import clean
from pressarchive.crawler import SETTINGS, CrawlSummary, run_crawl
from pressarchive.crawler.progress import summary_table
from pressarchive.crawler.frontier import FrontierAddress, parse_frontier
from pressarchive.crawler.frontiertotal import FrontierTotal, frontier_total
from pressarchive.crawler.runner import BackgroundIndexer
from pressarchive.datadir import DataDir, require_archive
from pressarchive.errors import UserError
from pressarchive.profiles import Profile, builtin_profiles, get_builtin, load_profile, profile_from_dict
from pressarchive.service import index_pending_in, parse_date
from pressarchive.store import Archive
from pressarchive.urls import host_of, is_http_url

crawl_options = [
    click.option("--max-pages", type=click.IntRange(min=1), help="Request at most this many pages (robots.txt aside)."),
    click.option("--since", metavar="YYYY-MM-DD", help="Skip releases published before this date."),
    click.option("--delay", type=click.FloatRange(min=0),
                 help="Minimum seconds between requests to a site (default 1)."),
    click.option("--user-agent", metavar="UA", help="User-Agent to send (default identifies pressarchive)."),
    click.option("--set", "set_values", multiple=True, metavar="NAME=VALUE",
                 help="Set a crawler setting from the README's table, e.g. PRESSARCHIVE_MAX_DEPTH=10 (repeatable)."),
]


def with_crawl_options(func: Any) -> Any:
    for option in reversed(crawl_options):
        func = option(func)
    return func


@cli.command()
@click.argument("names", nargs=-1, metavar="NAME...")
@click.option("--profile", "profile_files", multiple=True, metavar="FILE",
              help="Crawl the press room described by this TOML file (repeatable).")
@click.option("--all", "crawl_all", is_flag=True,
              help="Crawl every configured source: the built-in ones and DATA/profiles/*.toml.")
@click.option("--resume", is_flag=True,
              help="Continue the last unfinished crawl of the same sources, skipping what it already stored.")
@click.option("--full", is_flag=True,
              help="Refetch known releases even where a sitemap date says they are unchanged (catches silent edits).")
@click.option("--history", is_flag=True,
              help="Import the sources' past from the Wayback Machine (their profiles' `wayback` patterns) instead.")
@click.option("--from", "history_from", metavar="DATE",
              help="With --history: captures from this date (YYYY[-MM[-DD]]).")
@click.option("--to", "history_to", metavar="DATE", help="With --history: captures up to this date (YYYY[-MM[-DD]]).")
@click.option("--frontier", "frontier_url", metavar="redis://HOST:PORT/N",
              help="Share one crawl with every process given the same Redis frontier (and key); see the README.")
@click.option("--frontier-key", metavar="NAME",
              help="With --frontier: the shared crawl's name in Redis (default: the sources' names joined by +).")
@with_crawl_options
@pass_context
def crawl(ctx: Context, names: tuple[str, ...], profile_files: tuple[str, ...], crawl_all: bool, history: bool,
          **options: Any) -> None:
    """Crawl built-in sources by NAME and/or profile files, then index what changed.

    With --history, import their past from the Wayback Machine instead (see `pressarchive wayback`).

    Exit status: 0 when every source was reached, 1 when a source could not be fetched at all,
    130 (Ctrl-C) or 143 (SIGTERM) when the crawl was stopped before it finished.
    """
    profiles = [get_builtin(name) for name in names] + [load_profile(path) for path in profile_files]
    named = {profile.name for profile in profiles}
    if crawl_all:
        profiles += configured_profiles(ctx)
    profiles = list({profile.name: profile for profile in profiles}.values())
    if not profiles:
        raise click.UsageError("name at least one source, or give --profile FILE or --all")
    files = [arg for path in profile_files for arg in ("--profile", path)]
    frontier = _frontier(profiles, options, history)
    if history or options.get("history_from") or options.get("history_to"):
        _history(ctx, profiles, history, named, options,
                 _command(ctx, "crawl", "--history", *names, *files, *(["--all"] if crawl_all else [])))
        return
    shared = ["--frontier", frontier.redacted(), "--frontier-key", frontier.key] if frontier else []
    resume = _command(ctx, "crawl", *names, *files, *(["--all"] if crawl_all else []), *shared, "--resume")
    run_and_report(ctx, profiles, resume_hint=f"`{resume}` continues it", frontier=frontier, **options)


def _frontier(profiles: list[Profile], options: dict[str, Any], history: bool) -> FrontierAddress | None:
    """The shared crawl's frontier, if ``--frontier`` names one."""
    url, key = options.pop("frontier_url", None), options.pop("frontier_key", None)
    if url is None:
        if key is not None:
            raise click.UsageError("--frontier-key goes with --frontier")
        return None
    if history:
        raise click.UsageError("--frontier shares a crawl of press rooms, not a --history import")
    return parse_frontier(url, [profile.name for profile in profiles], key)


def _history(ctx: Context, profiles: list[Profile], history: bool, named: set[str], options: dict[str, Any],
             again: str) -> None:
    if not history:
        raise click.UsageError("--from and --to go with --history")
    from pressarchive.cli.wayback_commands import crawl_history  # it imports this module

    crawl_history(ctx, profiles, named, options, _settings(options), again)


def configured_profiles(ctx: Context) -> list[Profile]:
    """The built-in profiles plus those a user keeps in the data directory's profiles/ folder."""
    folder = ctx.data.root / "profiles"
    extra = [load_profile(path) for path in sorted(folder.glob("*.toml"))] if folder.is_dir() else []
    return list(builtin_profiles().values()) + extra


@cli.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@with_crawl_options
@pass_context
def add(ctx: Context, urls: tuple[str, ...], **options: Any) -> None:
    """Capture single pages into the archive (no links are followed)."""
    for url in urls:
        if not is_http_url(url):
            raise UserError(f"bad URL {url!r}: expected an absolute http(s) URL")
    profile = profile_from_dict({
        "name": "added", "title": "Pages added by hand", "start_urls": list(urls),
        "allowed_domains": sorted({host_of(url) for url in urls}), "article": [".*"],
    }, origin="pressarchive add")
    # `add` has no --resume: the same command again captures what the stop cut short.
    run_and_report(ctx, [profile], resume_hint=f"`{_command(ctx, 'add', *urls)}` again captures the rest", **options)


def _command(ctx: Context, *args: str) -> str:
    """The command line that acts on the same data directory, quoted for a shell."""
    return ctx.command_line(*args)


def run_and_report(ctx: Context, profiles: list[Profile], resume_hint: str = "",
                   frontier: FrontierAddress | None = None, **options: Any) -> list[CrawlSummary]:
    """Crawl, index what changed, print the summary; exit 1 if a source could not be reached.

    With ``frontier``, this process is one of a shared crawl's: it prints its own summary and
    the shared crawl's total so far (every process's report in the store).

    A crawl stopped by Ctrl-C or SIGTERM says so in one line (with ``resume_hint``, how to
    go on) and exits 128 + the signal's number (130, 143), as a shell reports such a stop.
    """
    since = parse_date(options.get("since"), "--since date")
    settings = _settings(options)
    console = terminal.console(stderr=True)
    with (ctx.writing(shared=frontier is not None) as data,
          BackgroundIndexer(functools.partial(index_pending_in, data)) as indexer):
        summaries = run_crawl(profiles, data, since=since, settings=settings, console=console,
                              resume=bool(options.get("resume")), full=bool(options.get("full")),
                              indexer=indexer, frontier=frontier)
        total = _frontier_total(data, frontier.key) if frontier is not None else None
    indexed = indexer.total
    console.print(summary_table(summaries, "crawl summary"))
    console.print(f"indexed {indexed} new or changed documents; data in {data.root}")
    if total is not None:
        console.print(total.line(), markup=False)
    if indexer.failed_rounds:
        console.print(f"{indexer.failed_rounds} indexing rounds failed (see the log); "
                      "`pressarchive index` indexes what they left", markup=False)
    for summary in summaries:
        _print_details(summary, console)
    broken = [summary for summary in summaries if summary.storage_error]
    if broken:  # a full disk: what was archived before stands, the rest needs another crawl
        fail(f"{broken[0].source}: crawl stopped, {broken[0].storage_error}; "
             "what was archived before is intact: free space and crawl again")
    stopped = [summary for summary in summaries if summary.interrupted]
    if stopped:  # before `failed`: a cut crawl may well have fetched no release yet
        _interrupted(stopped[0], resume_hint)
    failed = [summary for summary in summaries if summary.failed]
    if failed:
        fail(f"{failed[0].source}: {failed[0].failure}")
    return summaries


def _frontier_total(data: DataDir, key: str) -> FrontierTotal:
    archive = Archive(data.database_url)
    try:
        return frontier_total(archive, key)
    finally:
        archive.close()


@cli.command("frontier-report")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def frontier_report(ctx: Context, key: str, as_json: bool) -> None:
    """The summed report of the shared crawl KEY (`crawl --frontier`): every process's run."""
    data = require_archive(ctx.data)
    total = _frontier_total(data, key)
    if not total.runs:
        raise UserError(f"no run of a shared crawl {key!r} in this archive")
    if as_json:
        print_json(total.to_json())
        return
    click.echo(clean(total.line()))
    click.echo(clean(f"runs {', '.join(map(str, total.runs))} by {', '.join(sorted(set(total.workers)))}"))


def _interrupted(summary: CrawlSummary, resume_hint: str) -> NoReturn:
    hint = f"; {resume_hint}" if resume_hint else ""
    click.echo(clean(f"interrupted: run {summary.run_id} stopped before it finished{hint}"), err=True)
    sys.exit(128 + (summary.stop_signal or signal.SIGINT))


def _settings(options: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if options.get("max_pages"):
        settings["PRESSARCHIVE_MAX_PAGES"] = options["max_pages"]
    if options.get("delay") is not None:
        settings["PRESSARCHIVE_DOWNLOAD_DELAY"] = options["delay"]
    if options.get("user_agent"):
        settings["PRESSARCHIVE_USER_AGENT"] = options["user_agent"]
    for assignment in options.get("set_values") or ():
        settings.update(parse_setting(assignment))
    return settings


def parse_setting(assignment: str) -> dict[str, Any]:
    """``NAME=VALUE`` for a documented pressarchive setting, typed like its default."""
    name, sep, raw = assignment.partition("=")
    name = name.strip().upper()
    if not sep or name not in SETTINGS:
        known = ", ".join(sorted(SETTINGS))
        raise UserError(f"bad --set {assignment!r}: expected NAME=VALUE with NAME one of {known}")
    default = SETTINGS[name].default
    try:
        value: Any = type(default)(raw) if isinstance(default, int | float) else raw
    except ValueError:
        raise UserError(f"bad --set {assignment!r}: {name} takes a {type(default).__name__}") from None
    return {name: value}


def _print_details(summary: CrawlSummary, console: Console) -> None:
    if summary.removed_by_reason:
        reasons = ", ".join(f"{k} {v}" for k, v in summary.removed_by_reason.items())
        console.print(f"{summary.source}: removed from the source: {reasons}", markup=False)
    if summary.revisited:
        console.print(f"{summary.source}: revisited {summary.revisited} releases due, "
                      f"{summary.changed_on_revisit} of them edited", markup=False)
    if summary.skipped:
        reasons = ", ".join(f"{k} {v}" for k, v in summary.skipped.items())
        console.print(f"{summary.source}: skipped: {reasons}", markup=False)
    if summary.errors:
        kinds = ", ".join(f"{k} {v}" for k, v in summary.errors.items())
        console.print(f"{summary.source}: errors: {kinds}", markup=False)
