"""``pressarchive snapshot ...``: citable snapshots of a search's results.

``create`` takes the search's own options (derived from the one parameter model, as
``export`` does) or a collection; ``verify`` needs only the bundle, so it runs on any
machine, and when the data directory holds an archive it also says which frozen documents
that archive has. Everything goes through :mod:`pressarchive.snapshots`, as the web does.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pressarchive.alerts.savedparams import params_of
from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.output import print_json
from pressarchive.cli.searchoptions import search_options
from pressarchive.cli.terminal import clean, console
from pressarchive.datadir import holds_archive
from pressarchive.errors import UserError
from pressarchive.exports import IGNORED_PARAMS
from pressarchive.isodate import utc_iso
from pressarchive.service import request_from_values
from pressarchive.snapshots import Manifest, SnapshotDiff, Verification, verify_bundle
from pressarchive.snapshots.bundle import resolve_bundle
from pressarchive.snapshots.verify import PRESENT

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
#: Documents listed by name in a diff or a verification's archive report before "and N more".
SHOWN = 50


@cli.group()
def snapshot() -> None:
    """Freeze a search's results into a citable, checkable bundle; verify and compare bundles."""


@snapshot.command("create")
@click.argument("name")
@click.argument("query", nargs=-1)
@click.option("--collection", metavar="NAME", help="Freeze this collection's documents instead of a search.")
@json_option
@search_options
@pass_context
def create(ctx: Context, name: str, query: tuple[str, ...], collection: str | None, as_json: bool,
           **options: object) -> None:
    """Freeze the matches of a search (QUERY and filters as for 'search'; --page and --limit are
    ignored) as snapshot NAME: the manifest, the documents with their texts, their captures as
    WACZ and the checksums, in the data directory's snapshots/NAME folder, read-only. An
    existing name is an error. A search that matches nothing makes an empty snapshot."""
    given = {key: value for key, value in options.items() if key not in IGNORED_PARAMS}
    request = request_from_values({**given, "query": " ".join(query)})
    if collection is not None and set(params_of(request)) - {"sort"}:
        raise UserError("freeze either a search (a query and filters) or a --collection, not both")
    service = ctx.service()
    try:
        if collection is not None:
            made = service.snapshots.create(name, collection=collection)
        else:
            made = service.snapshots.create(name, request)
        folder = service.data.snapshots_dir / made.name
    finally:
        service.close()
    if as_json:
        print_json({**made.summary_json(), "path": str(folder)})
    else:
        click.echo(clean(f"created snapshot {made.name!r}: {_documents(made.count)} ({made.selection}) in {folder}"))


@snapshot.command("list")
@json_option
@pass_context
def list_command(ctx: Context, as_json: bool) -> None:
    """Every snapshot, newest first: name, time made, what it froze, document count."""
    service = ctx.service()
    try:
        found, broken = service.snapshots.listing()
    finally:
        service.close()
    if as_json:
        print_json({"snapshots": [m.summary_json() for m in found],
                    "unreadable": [{"name": b.name, "reason": b.reason} for b in broken]})
        return
    out = console()
    if not found:
        out.print("no snapshots yet: make one with 'pressarchive snapshot create NAME [QUERY]'", highlight=False)
    else:
        table = Table(title=f"{len(found)} snapshots", title_justify="left")
        for column in ("snapshot", "created (UTC)", "documents", "search"):
            table.add_column(column)
        for manifest in found:
            table.add_row(escape(manifest.name), utc_iso(manifest.created), str(manifest.count),
                          escape(manifest.selection))
        out.print(table)
    for item in broken:
        out.print(f"unreadable: {escape(item.name)}: {escape(item.reason)}", highlight=False)


@snapshot.command("show")
@click.argument("name")
@json_option
@pass_context
def show(ctx: Context, name: str, as_json: bool) -> None:
    """Snapshot NAME: when and by what it was made, its files and its documents."""
    service = ctx.service()
    try:
        manifest = service.snapshots.manifest(name)
    finally:
        service.close()
    if as_json:
        print_json(manifest.to_json())
    else:
        _print_manifest(manifest, console())


@snapshot.command("diff")
@click.argument("name")
@json_option
@pass_context
def diff(ctx: Context, name: str, as_json: bool) -> None:
    """How snapshot NAME differs from the live results of its search today: documents added,
    removed, and changed since (old and new version numbers)."""
    service = ctx.service()
    try:
        manifest = service.snapshots.manifest(name)
        result = service.snapshots.diff(name)
    finally:
        service.close()
    if as_json:
        print_json({"name": manifest.name, "created": utc_iso(manifest.created), "search": manifest.search,
                    "collection": manifest.collection, **result.to_json()})
    else:
        _print_diff(manifest, result, console())


@snapshot.command("verify")
@click.argument("name_or_path", metavar="NAME_OR_PATH")
@click.option("--no-extract", is_flag=True, help="Do not extract the captures again (faster).")
@click.option("--no-archive", is_flag=True, help="Check the bundle alone, not against the data directory's archive.")
@json_option
@pass_context
def verify(ctx: Context, name_or_path: str, no_extract: bool, no_archive: bool, as_json: bool) -> None:
    """Check a snapshot bundle (a snapshot's NAME, or a PATH to a bundle folder from anywhere):
    every checksum, the manifest's digests, each text's digest, the WACZ's own digests and each
    capture's payload digest; the captures are extracted again when the same extractor versions
    are installed. When the data directory holds an archive, also says which frozen documents
    it has with the same digests. Exits 0 when the bundle is intact, 1 with one line per problem."""
    data = ctx.data
    path = resolve_bundle(data, name_or_path)
    if no_archive or not holds_archive(data):
        result = verify_bundle(path, None, reextract=not no_extract)
    else:
        service = ctx.service()
        try:
            result = verify_bundle(path, service.archive, reextract=not no_extract)
        finally:
            service.close()
    if as_json:
        print_json(result.to_json())
    else:
        _print_verification(result, console())
    if not result.intact:
        sys.exit(1)


def _documents(count: int) -> str:
    return f"{count} document" + ("" if count == 1 else "s")


def _print_manifest(manifest: Manifest, out: Console) -> None:
    out.print(f"[bold]{escape(manifest.name)}[/]: {_documents(manifest.count)}, {escape(manifest.selection)}",
              highlight=False)
    out.print(f"created {utc_iso(manifest.created)} by pressarchive {escape(manifest.pressarchive_version)}",
              highlight=False)
    for file, digest in manifest.files.items():
        out.print(f"{escape(file)}: {digest.bytes} bytes, SHA-256 {digest.sha256}", highlight=False)
    if not manifest.documents:
        return
    table = Table(title_justify="left")
    for column in ("id", "version", "captured (UTC)", "title", "text SHA-256", "permalink"):
        table.add_column(column)
    for doc in manifest.documents:
        table.add_row(str(doc.id), str(doc.version), utc_iso(doc.captured), escape(doc.title),
                      doc.text_sha256[:16] + "…", escape(doc.permalink))
    out.print(table)


def _print_diff(manifest: Manifest, result: SnapshotDiff, out: Console) -> None:
    out.print(f"snapshot {escape(manifest.name)} ({utc_iso(manifest.created)}, {escape(manifest.selection)}): "
              f"{result.frozen} documents then, {result.live} now", highlight=False)
    if result.same:
        out.print("no differences: the same documents at the same versions", highlight=False)
        return
    out.print(f"{len(result.added)} added, {len(result.removed)} removed, {len(result.changed)} changed, "
              f"{result.unchanged} unchanged", highlight=False)
    for entry in result.added[:SHOWN]:
        out.print(f"+ {entry.document_id} v{entry.version} {escape(entry.title)}", highlight=False)
    for entry in result.removed[:SHOWN]:
        out.print(f"- {entry.document_id} v{entry.version} {escape(entry.title)}", highlight=False)
    for change in result.changed[:SHOWN]:
        what = "text changed" if change.text_changed else "same text"
        out.print(f"~ {change.document_id} v{change.old_version} -> v{change.new_version} ({what}) "
                  f"{escape(change.title)}", highlight=False)
    hidden = sum(max(0, len(part) - SHOWN) for part in (result.added, result.removed, result.changed))
    if hidden:
        out.print(f"… and {hidden} more (--json lists every one)", highlight=False)


def _print_verification(result: Verification, out: Console) -> None:
    for problem in result.problems:
        out.print(f"problem: {escape(problem)}", highlight=False)
    for note in result.notes:
        out.print(f"note: {escape(note)}", highlight=False)
    if result.presence is not None:
        counts = result.presence_counts()
        out.print("archive: " + ", ".join(f"{count} {status}" for status, count in counts.items()), highlight=False)
        elsewhere = [p for p in result.presence if p.status != PRESENT or p.renumbered]
        for found in elsewhere[:SHOWN]:
            here = (f" (document {found.archive_id} version {found.archive_version} here)"
                    if found.archive_id is not None and found.archive_version is not None else "")
            out.print(f"archive: document {found.document_id} version {found.version}: {found.status}{here}",
                      highlight=False)
        if len(elsewhere) > SHOWN:
            out.print(f"archive: … and {len(elsewhere) - SHOWN} more (--json lists every one)", highlight=False)
    name = result.manifest.name if result.manifest else str(result.path)
    count = f", {_documents(result.manifest.count)}" if result.manifest else ""
    extracted = f", {result.reextracted} extracted again" if result.reextracted else ""
    if result.intact:
        out.print(f"intact: snapshot {escape(name)}{count}, {len(result.files)} files checked{extracted}",
                  highlight=False)
    else:
        out.print(f"NOT intact: snapshot {escape(name)}: {len(result.problems)} problems", highlight=False)

