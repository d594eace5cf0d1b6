"""Commands about a document's versions: what changed between two (diff), how to cite one
(cite), the bytes one was read from (original)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from pressarchive.citations import STYLES
from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.output import print_json
from pressarchive.cli.terminal import clean, console
from pressarchive.errors import UserError
from pressarchive.searchparams import parse_date
from pressarchive.versions import Segment, VersionDiff

#: How the terminal marks removed and inserted words (git's ``--word-diff=plain`` markers,
#: readable without colour), and their colours.
MARKS = {"deleted": ("[-", "-]", "red strike"), "inserted": ("{+", "+}", "green")}


@cli.command()
@click.argument("doc_id", type=int, metavar="ID")
@click.argument("versions", type=click.IntRange(min=1), nargs=-1, metavar="[A B]")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def diff(ctx: Context, doc_id: int, versions: tuple[int, ...], as_json: bool) -> None:
    """What changed in document ID from version A to version B, word by word (default: from
    the version before the current one to the current one). Removed words print as [-…-],
    inserted ones as {+…+}."""
    if len(versions) not in (0, 2):
        raise UserError("give two version numbers (A B) or none (the previous and the current version)")
    old, new = versions if versions else (None, None)
    service = ctx.service()
    try:
        result = service.version_diff(doc_id, old, new)
    finally:
        service.close()
    if as_json:
        print_json(result.to_json())
    else:
        print_diff(result, console())


def print_diff(result: VersionDiff, out: Console) -> None:
    """A heading naming both versions, the counts, then title and text with changes marked."""
    old, new = result.old, result.new
    out.print(f"document {result.doc_id}: version {old.number} ({old.captured_at:%Y-%m-%d %H:%M:%S} UTC)"
              f" -> version {new.number} ({new.captured_at:%Y-%m-%d %H:%M:%S} UTC)", highlight=False)
    if not result.changed:
        out.print("no changes in title or text", highlight=False)
        return
    out.print(f"{result.words_added} words added, {result.words_removed} removed", highlight=False)
    out.print(Text("title: ") + _marked(result.title))
    out.print()
    out.print(_marked(result.text))


def _marked(segments: list[Segment]) -> Text:
    text = Text()
    for segment in segments:
        if segment.op == "equal":
            text.append(segment.text)
        else:
            start, end, style = MARKS[segment.op]
            text.append(f"{start}{segment.text}{end}", style=style)
    return text


@cli.command()
@click.argument("doc_id", type=int, metavar="ID")
@click.option("--version", "version", type=click.IntRange(min=1), metavar="N",
              help="The version to cite (default: the current one).")
@click.option("--style", type=click.Choice(STYLES), help="Print only this style (default: all three).")
@click.option("--accessed", metavar="DATE", help="The access date, YYYY-MM-DD (default: today, UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def cite(ctx: Context, doc_id: int, version: int | None, style: str | None, accessed: str | None,
         as_json: bool) -> None:
    """Cite a version of document ID in APA, Chicago and BibTeX, with the version's permalink
    (absolute under $PRESSARCHIVE_BASE_URL when set, else the path alone) and the access date."""
    day = parse_date(accessed, "--accessed date") if accessed else None
    service = ctx.service()
    try:
        citation = service.citation(doc_id, version, accessed=day)
    finally:
        service.close()
    if as_json:
        print_json(citation.to_json())
        return
    formats = citation.formats()
    for name in (style,) if style else STYLES:
        # Plain text: a citation is copied as printed, so nothing may be styled or wrapped.
        click.echo(clean(formats[name]) if style else f"{name}:\n{clean(formats[name])}\n")


@cli.command()
@click.argument("doc_id", type=int, metavar="ID")
@click.option("--version", "version", type=click.IntRange(min=1), metavar="N",
              help="The version whose capture to write (default: the current one).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), metavar="FILE",
              help="Write the bytes to FILE ('-': standard output, the default when it is not a terminal).")
@pass_context
def original(ctx: Context, doc_id: int, version: int | None, output: str | None) -> None:
    """Write the archived original of a version of document ID: the HTTP response body its text
    was extracted from, read from its WARC record, byte for byte (the web's /doc/ID/raw shows
    it under a banner). Where it came from goes to standard error."""
    if output is None and sys.stdout.isatty():
        raise UserError("the archived original is raw bytes: give --output FILE, or redirect standard output")
    service = ctx.service()
    try:
        chosen, response = service.archived_original(doc_id, version)
    finally:
        service.close()
    if output in (None, "-"):
        sys.stdout.buffer.write(response.body)
        sys.stdout.buffer.flush()
    else:
        Path(output).write_bytes(response.body)
    capture = chosen.capture
    click.echo(clean(
        f"document {doc_id} version {chosen.number}: {response.url} captured {chosen.captured_at:%Y-%m-%d %H:%M:%S} "
        f"UTC, HTTP {response.status}, {response.content_type or 'no Content-Type'}, {len(response.body)} bytes, "
        f"{capture.warc_file} at offset {capture.warc_offset}, {response.record_id or 'no WARC-Record-ID'}"
    ), err=True)
