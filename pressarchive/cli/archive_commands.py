"""Commands that read the archive: search, similar, show, status."""

from __future__ import annotations

import click

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.cdx_commands import print_captures
from pressarchive.cli.output import (
    print_document, print_hits, print_json, print_relations, print_search, print_status,
)
from pressarchive.cli.terminal import console
from pressarchive.cli.searchoptions import search_options
from pressarchive.searchparams import MAX_LIMIT
from pressarchive.mementos import document_captures
from pressarchive.service import request_from_values


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@search_options
@pass_context
def search(ctx: Context, query: tuple[str, ...], as_json: bool, **options: object) -> None:
    """Search the archive. QUERY uses the syntax in the README (AND, OR, NOT, "phrases", field:value)."""
    request = request_from_values({**options, "query": " ".join(query)})
    service = ctx.service()
    try:
        result = service.search(request)
        agency_names = service.agency_names()
    finally:
        service.close()
    if as_json:
        print_json(result.to_json())
    else:
        print_search(result, console(), agency_names)


@cli.command()
@click.argument("doc_id", type=int, metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--limit", default=10, show_default=True, help=f"How many documents (1-{MAX_LIMIT}).")
@pass_context
def similar(ctx: Context, doc_id: int, as_json: bool, limit: int) -> None:
    """Documents most like document ID ("more like this"), by its most distinctive words."""
    service = ctx.service()
    try:
        hits = service.similar(doc_id, limit=limit)
    finally:
        service.close()
    if as_json:
        print_json({"id": doc_id, "hits": [hit.to_json() for hit in hits]})
    else:
        print_hits(hits, console())


@cli.command()
@click.argument("doc_id", type=int, metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--version", "version", type=click.IntRange(min=1), metavar="N",
              help="Show version N's title, text and facts (default: the current version).")
@pass_context
def show(ctx: Context, doc_id: int, as_json: bool, version: int | None) -> None:
    """Show a document with all its versions and where each was captured, the countries and
    agencies it names, the figures it reports (hand corrections applied), its copies, the
    releases it retells (or the articles retelling it) and every capture of its URL."""
    service = ctx.service()
    try:
        if as_json:
            print_json(service.document_json(doc_id, version))
            return
        stored, facts, relations = service.document_view(doc_id, version)
    finally:
        service.close()
    out = console()
    print_document(stored, out, facts)
    print_relations(relations, out)
    versions = {(v.capture.warc_file, v.capture.warc_offset): v.number for v in stored.versions}
    print_captures(document_captures(service.data, stored), out, versions,
                   title="captures of this URL (CDXJ index: recaptures, redirects and errors too)")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_context
def status(ctx: Context, as_json: bool) -> None:
    """Counts of documents, versions, captures, sources and indexed documents."""
    service = ctx.service()
    try:
        stats = {**service.status(), "data_dir": str(service.data.root)}
    finally:
        service.close()
    if as_json:
        print_json(stats)
    else:
        print_status(stats, console())
