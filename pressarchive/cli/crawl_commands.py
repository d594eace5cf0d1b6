"""Commands that collect: crawl, add."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from pressarchive.cli.app import Context, cli, fail, pass_context
from pressarchive.crawler import CrawlSummary, run_crawl
from pressarchive.crawler.progress import summary_table
from pressarchive.datadir import prepare_data_dir
from pressarchive.errors import UserError
from pressarchive.profiles import Profile, get_builtin, load_profile, profile_from_dict
from pressarchive.service import parse_date
from pressarchive.urls import host_of, is_http_url

crawl_options = [
    click.option("--max-pages", type=click.IntRange(min=1), help="Request at most this many pages (robots.txt aside)."),
    click.option("--since", metavar="YYYY-MM-DD", help="Skip releases published before this date."),
    click.option("--delay", type=click.FloatRange(min=0),
                 help="Minimum seconds between requests to a site (default 1)."),
    click.option("--user-agent", metavar="UA", help="User-Agent to send (default identifies pressarchive)."),
]


def with_crawl_options(func: Any) -> Any:
    for option in reversed(crawl_options):
        func = option(func)
    return func


@cli.command()
@click.argument("names", nargs=-1, metavar="NAME...")
@click.option("--profile", "profile_files", multiple=True, metavar="FILE",
              help="Crawl the press room described by this TOML file (repeatable).")
@with_crawl_options
@pass_context
def crawl(ctx: Context, names: tuple[str, ...], profile_files: tuple[str, ...], **options: Any) -> None:
    """Crawl built-in sources by NAME and/or profile files, then index what changed."""
    profiles = [get_builtin(name) for name in names] + [load_profile(path) for path in profile_files]
    if not profiles:
        raise click.UsageError("name at least one source, or give --profile FILE")
    run_and_report(ctx, profiles, **options)


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
    run_and_report(ctx, [profile], **options)


def run_and_report(ctx: Context, profiles: list[Profile], **options: Any) -> list[CrawlSummary]:
    """Crawl, index what changed, print the summary; exit 1 if a source could not be reached."""
    data = prepare_data_dir(ctx.data)
    summaries = run_crawl(profiles, data, since=parse_date(options.get("since"), "--since date"),
                          settings=_settings(options))
    service = ctx.service()
    try:
        indexed = service.index_pending()
    finally:
        service.close()
    console = Console(stderr=True)
    console.print(summary_table(summaries, "crawl summary"))
    console.print(f"indexed {indexed} new or changed documents; data in {data.root}")
    for summary in summaries:
        _print_details(summary, console)
    failed = [summary for summary in summaries if summary.failed]
    if failed:
        fail(f"{failed[0].source}: nothing could be fetched: {failed[0].first_error}")
    return summaries


def _settings(options: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if options.get("max_pages"):
        settings["PRESSARCHIVE_MAX_PAGES"] = options["max_pages"]
    if options.get("delay") is not None:
        settings["PRESSARCHIVE_DOWNLOAD_DELAY"] = options["delay"]
    if options.get("user_agent"):
        settings["PRESSARCHIVE_USER_AGENT"] = options["user_agent"]
    return settings


def _print_details(summary: CrawlSummary, console: Console) -> None:
    if summary.skipped:
        reasons = ", ".join(f"{k} {v}" for k, v in summary.skipped.items())
        console.print(f"{summary.source}: skipped: {reasons}", markup=False)
    if summary.errors:
        kinds = ", ".join(f"{k} {v}" for k, v in summary.errors.items())
        console.print(f"{summary.source}: errors: {kinds}", markup=False)
