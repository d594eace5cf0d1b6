"""Commands about sources: listing the built-in profiles."""

from __future__ import annotations

import click

from pressarchive.cli.app import cli
from pressarchive.cli.output import print_json
from pressarchive.profiles import builtin_profiles


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sources(as_json: bool) -> None:
    """List the built-in source profiles."""
    profiles = builtin_profiles()
    if as_json:
        print_json([{"name": p.name, "title": p.title, "agency": p.agency, "country": p.country,
                     "language": p.language, "entry_urls": list(p.entry_urls)} for p in profiles.values()])
        return
    for profile in profiles.values():
        click.echo(f"{profile.name:20} {profile.country:3} {profile.language:3} {profile.title}")
    if not profiles:
        click.echo("no built-in sources; crawl any press room with --profile FILE")
