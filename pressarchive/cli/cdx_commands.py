"""``pressarchive cdx URL``: every capture of a URL the archive holds, from the CDXJ index.

The CLI's face of the Memento TimeMap (``/timemap/link/{url}``): the same captures, found the
same way (by SURT key, so ``http://`` and ``https://``, ``www.`` or not, are one URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pressarchive import mementos
from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.output import print_json
from pressarchive.cli.terminal import console
from pressarchive.datadir import require_archive
from pressarchive.isodate import utc_iso
from pressarchive.warc.cdxj import CdxjEntry


@cli.command()
@click.argument("url")
@click.option("--closest", metavar="TIME",
              help="List the capture nearest this time first (ISO 8601, e.g. 2019-05-01 or 2019-05-01T12:00Z).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def cdx(ctx: Context, url: str, closest: str | None, as_json: bool) -> None:
    """Every capture of URL in the archive's WARC files (the CDXJ index): time, HTTP status,
    type and the WARC file and offset of its record; unchanged recaptures, redirects and
    errors included. Exits 1 when the archive holds none."""
    data = require_archive(ctx.data)
    asked = mementos.requested_url(url)
    entries = mementos.captures_of(data, asked, _moment(closest) if closest else None)
    if as_json:
        print_json({"url": asked, "key": entries[0].key, "captures": [entry.to_json() for entry in entries]})
    else:
        print_captures(entries, console())


def print_captures(entries: Iterable[CdxjEntry], out: Console, versions: Mapping[tuple[str, int], int] | None = None,
                   title: str = "captures") -> None:
    """The captures as a table; ``versions`` ((WARC file, offset) -> version number) marks
    those a document's version was read from."""
    entries = list(entries)
    if not entries:
        out.print(f"{title}: none in the CDXJ index ('pressarchive index' indexes the WARC files it lacks)",
                  markup=False, highlight=False)
        return
    table = Table(title=title, title_justify="left")
    for column in ("captured (UTC)", "HTTP", "type", "WARC file@offset", *(("version",) if versions else ()), "URL"):
        table.add_column(column)
    for entry in entries:
        version = (str(versions.get((entry.filename, entry.offset), "")),) if versions else ()
        table.add_row(
            utc_iso(entry.datetime), str(entry.status or "—"), escape(entry.mime or "—"),
            escape(f"{entry.filename}@{entry.offset}"), *version, escape(entry.url),
        )
    out.print(table)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"bad time {text[:40]!r}: expected ISO 8601 such as 2019-05-01T12:00Z",
                                 param_hint="--closest") from None
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 in UTC
        raise click.BadParameter(f"time {text[:40]!r} out of range: in UTC it falls outside years 1-9999",
                                 param_hint="--closest") from None
