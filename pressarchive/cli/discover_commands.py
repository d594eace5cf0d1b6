"""``pressarchive discover URL``: draft a source profile from a press room's own pages.

The draft goes to ``--output`` or stdout and the summary to stderr, so
``pressarchive discover URL > draft.toml`` works and the person still reads what was found.
"""

from __future__ import annotations

from pathlib import Path

import click

from pressarchive.cli.app import cli
from pressarchive.cli.terminal import clean
from pressarchive.discovery.analysis import analyse
from pressarchive.discovery.draft import Draft, build_draft, draft_name
from pressarchive.discovery.report import summary_lines
from pressarchive.discovery.run import discover_site
from pressarchive.errors import UserError
from pressarchive.urls import host_of, is_http_url


def probe_options(delay: float | None, user_agent: str | None) -> dict[str, object]:
    """Crawl settings from the --delay and --user-agent options shared by discover and check."""
    settings: dict[str, object] = {}
    if delay is not None:
        settings["PRESSARCHIVE_DOWNLOAD_DELAY"] = delay
    if user_agent:
        settings["PRESSARCHIVE_USER_AGENT"] = user_agent
    return settings


@cli.command()
@click.argument("url")
@click.option("--output", "-o", metavar="FILE", help="Write the draft profile here (default: stdout).")
@click.option("--name", help="Profile name (default: made from the host name).")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
@click.option("--pages", type=click.IntRange(1, 20), default=3, show_default=True,
              help="Listing pages to read: the page given and the next ones.")
@click.option("--delay", type=click.FloatRange(min=0), help="Minimum seconds between requests (default 1).")
@click.option("--user-agent", metavar="UA", help="User-Agent to send (default identifies pressarchive).")
def discover(url: str, output: str | None, name: str | None, force: bool, pages: int,
             delay: float | None, user_agent: str | None) -> None:
    """Find a press room's feeds, sitemaps, pagination and release URLs; write a draft profile.

    URL is a press-room listing page or a site's home page. Nothing is archived.
    """
    if not is_http_url(url):
        raise UserError(f"bad URL {url!r}: expected an absolute http(s) URL")
    draft_name(name, host_of(url))  # a bad --name fails before any request
    target = Path(output) if output else None
    if target is not None and target.exists() and not force:
        raise UserError(f"{target} exists: choose another --output or add --force")
    survey = discover_site(url, probe_options(delay, user_agent), listing_pages=pages)
    if survey.start_error:
        raise UserError(f"cannot read {url}: {survey.start_error}")
    analysis = analyse(survey)
    draft: Draft | None = None
    try:
        draft = build_draft(survey, analysis.inference, analysis.follow, name=name)
    finally:
        for line in summary_lines(survey, analysis, draft):
            click.echo(clean(line), err=True)
    header = [
        f"DRAFT profile written by `pressarchive discover {url}`.",
        "Review every field (the summary printed with it says what was found), then try it:",
        "pressarchive crawl --profile THIS_FILE --max-pages 20",
    ]
    text = draft.toml(header)
    if target is None:
        click.echo(clean(text), nl=False)
        return
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    click.echo(f"draft profile written to {target}", err=True)
