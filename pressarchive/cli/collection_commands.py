"""``pressarchive collection ...``: named sets of documents, each with a note.

Reading commands open the archive like ``search``; the others write, so they run under the
data directory's writer lock and need an archive that exists. Everything goes through
:class:`pressarchive.collectionservice.CollectionService`, as the web face does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.output import print_json
from pressarchive.cli.terminal import clean, console
from pressarchive.collectionservice import CollectionService, CollectionView, item_json, membership_json
from pressarchive.store.collections import Collection

T = TypeVar("T")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
doc_ids_argument = click.argument("doc_ids", nargs=-1, required=True, type=click.IntRange(min=1), metavar="DOC_ID...")


@cli.group()
def collection() -> None:
    """Keep documents together in named collections (a story, a paper's corpus), each with a note."""


@contextmanager
def _collections(ctx: Context, write: bool) -> Iterator[CollectionService]:
    """The archive's collections, under the writer lock when ``write``."""
    if write:
        with ctx.writing(create=False):
            yield from _opened(ctx)
    else:
        yield from _opened(ctx)


def _opened(ctx: Context) -> Iterator[CollectionService]:
    service = ctx.service()
    try:
        yield service.collections
    finally:
        service.close()


def _write(ctx: Context, action: Callable[[CollectionService], T]) -> T:
    with _collections(ctx, write=True) as collections:
        return action(collections)


@collection.command("create")
@click.argument("name")
@click.option("--description", default="", metavar="TEXT", help="What the collection is for.")
@pass_context
def create(ctx: Context, name: str, description: str) -> None:
    """Create an empty collection NAME."""
    made = _write(ctx, lambda c: c.create(name, description))
    click.echo(clean(f"created collection {made.name!r}"))


@collection.command("add")
@click.argument("name")
@doc_ids_argument
@click.option("--note", default=None, metavar="TEXT", help="A note for each document (replaces one it had).")
@pass_context
def add(ctx: Context, name: str, doc_ids: tuple[int, ...], note: str | None) -> None:
    """Add documents DOC_ID... to collection NAME (all or none: every id must exist)."""
    new = _write(ctx, lambda c: c.add(name, doc_ids, note))
    already = len(set(doc_ids)) - len(new)
    click.echo(clean(f"added {_documents(len(new))} to {name.strip()!r}"
                     + (f"; {already} already in it" if already else "")))


@collection.command("note")
@click.argument("name")
@click.argument("doc_id", type=click.IntRange(min=1), metavar="DOC_ID")
@click.argument("text")
@pass_context
def note(ctx: Context, name: str, doc_id: int, text: str) -> None:
    """Set the note of document DOC_ID in collection NAME to TEXT ("" clears it)."""
    _write(ctx, lambda c: c.set_note(name, doc_id, text))
    click.echo(clean(f"note of document {doc_id} in {name.strip()!r} set"))


@collection.command("remove")
@click.argument("name")
@doc_ids_argument
@pass_context
def remove(ctx: Context, name: str, doc_ids: tuple[int, ...]) -> None:
    """Take documents DOC_ID... out of collection NAME (they stay in the archive)."""
    gone = _write(ctx, lambda c: c.remove(name, doc_ids))
    click.echo(clean(f"removed {_documents(len(gone))} from {name.strip()!r}"))


@collection.command("delete")
@click.argument("name")
@pass_context
def delete(ctx: Context, name: str) -> None:
    """Delete collection NAME and its notes (its documents stay in the archive)."""
    gone = _write(ctx, lambda c: c.delete(name))
    click.echo(clean(f"deleted collection {gone.name!r} ({_documents(gone.documents)})"))


@collection.command("list")
@click.option("--document", "doc_id", type=click.IntRange(min=1), metavar="DOC_ID",
              help="Only the collections holding this document, with its note in each.")
@json_option
@pass_context
def list_command(ctx: Context, doc_id: int | None, as_json: bool) -> None:
    """Every collection with its document count (or those holding one document)."""
    with _collections(ctx, write=False) as collections:
        if doc_id is not None:
            held = collections.containing(doc_id)
            if as_json:
                print_json({"document_id": doc_id, "collections": [membership_json(m) for m in held]})
            else:
                _print_memberships(doc_id, [(m.collection.name, m.note) for m in held], console())
            return
        found = collections.listing()
    if as_json:
        print_json({"collections": [c.to_json() for c in found]})
    else:
        _print_collections(found, console())


@collection.command("show")
@click.argument("name")
@json_option
@pass_context
def show(ctx: Context, name: str, as_json: bool) -> None:
    """The documents of collection NAME with their notes and permalinks."""
    with _collections(ctx, write=False) as collections:
        view = collections.show(name)
    if as_json:
        print_json(view.to_json())
    else:
        _print_view(view, console())


def _documents(count: int) -> str:
    return f"{count} document" + ("" if count == 1 else "s")


def _print_collections(found: list[Collection], out: Console) -> None:
    if not found:
        out.print("no collections yet: create one with 'pressarchive collection create NAME'")
        return
    table = Table(title=f"{len(found)} collections", title_justify="left")
    for column in ("collection", "documents", "updated (UTC)", "description"):
        table.add_column(column)
    for c in found:
        table.add_row(escape(c.name), str(c.documents), c.updated_at.isoformat(timespec="seconds"),
                      escape(c.description))
    out.print(table)


def _print_memberships(doc_id: int, held: list[tuple[str, str]], out: Console) -> None:
    if not held:
        out.print(f"document {doc_id} is in no collection")
    for name, text in held:
        out.print(f"{escape(name)}" + (f": {escape(text)}" if text else ""))


def _print_view(view: CollectionView, out: Console) -> None:
    out.print(f"[bold]{escape(view.collection.name)}[/] ({_documents(len(view.items))})")
    if view.collection.description:
        out.print(escape(view.collection.description))
    if not view.items:
        return
    table = Table(title_justify="left")
    for column in ("id", "published", "source", "title", "note", "permalink"):
        table.add_column(column)
    for item in view.items:
        data = item_json(item)
        table.add_row(str(item.document_id), data["published"] or "—", escape(item.source),
                      escape(item.title or "(untitled)"), escape(item.note), escape(data["permalink"]))
    out.print(table)
