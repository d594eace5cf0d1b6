"""Human-readable renderings of results for the terminal (rich); ``--json`` bypasses these.

Archived text is printed through rich's escaping so markup-like strings in a page cannot
style or garble the terminal, and through a :func:`pressarchive.cli.terminal.console`, which
strips control characters from everything it prints (see :mod:`pressarchive.cli.terminal`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pressarchive.cli.dossier_output import correction_note, figure_value
from pressarchive.cli.terminal import json_text
from pressarchive.index import Hit, SearchResult
from pressarchive.indexcheck import EXAMPLES, IndexCheck
from pressarchive.similar import DocRef, Link, Relations
from pressarchive.store import StoredDocument

if TYPE_CHECKING:  # the dossiers load the extractors' data: only when a command needs them
    from pressarchive.dossiers import DocumentFacts


#: Facet values printed per facet; ``--json`` gives every value.
FACET_SHOWN = 8


def print_json(payload: Any) -> None:
    print(json_text(payload))


def snippet_markup(segments: list[tuple[str, bool]]) -> str:
    return "".join(f"[bold yellow]{escape(text)}[/]" if hit else escape(text) for text, hit in segments)


def print_search(result: SearchResult, console: Console,
                 agency_names: Mapping[str, str] | None = None) -> None:
    """A result as text; ``agency_names`` (id -> name) labels the agency facet."""
    first = (result.page - 1) * result.limit + 1 if result.listed else 0
    last = min(result.page * result.limit, result.listed)
    clusters = f" in {result.clusters} clusters of near-duplicates" if result.clusters is not None else ""
    console.print(f"{result.total} matches{clusters} for {escape(repr(result.query))}, showing {first}–{last}")
    for written, terms in result.expansions.items():
        console.print(f"[dim]{escape(written)} searched as:[/] {escape(', '.join(terms))}")
    print_hits(result.hits, console)
    names = agency_names or {}
    for name, counts in result.facets.items():
        if counts:
            shown = ", ".join(
                f"{escape(_facet_value(name, str(k), names))} {v}" for k, v in list(counts.items())[:FACET_SHOWN]
            )
            more = f" (+{len(counts) - FACET_SHOWN} more; --json lists all)" if len(counts) > FACET_SHOWN else ""
            console.print(f"\n[dim]{name}:[/] {shown}{more}", end="")
    if result.histogram:
        periods = list(result.histogram.items())
        shown = ", ".join(f"{label} {count}" for label, count in periods[:24]) + (", …" if len(periods) > 24 else "")
        console.print(f"\n[dim]per {result.interval}:[/] {shown}", end="")
    console.print()


def _facet_value(name: str, value: str, agency_names: Mapping[str, str]) -> str:
    label = agency_names.get(value) if name == "agency" else None
    return f"{value} ({label})" if label else value


def print_hits(hits: list[Hit], console: Console) -> None:
    if not hits:
        console.print("no documents")
    for hit in hits:
        date = hit.published.isoformat() if hit.published else "(no date)"
        ops = f"  operations: {escape(', '.join(hit.operations))}" if hit.operations else ""
        similar = f"  {hit.similar} similar (--cluster {hit.cluster})" if hit.similar else ""
        console.print(f"\n[bold]{hit.id}[/]  {date}  {escape(hit.source)}  {escape(hit.language)}{ops}{similar}")
        console.print(f"  [bold]{escape(hit.title)}[/]")
        console.print(f"  {escape(hit.url)}", style="dim", soft_wrap=True)
        if hit.snippet:
            console.print(f"  {snippet_markup(hit.snippet)}")


def print_check(report: IndexCheck, after: IndexCheck, console: Console) -> None:
    """What ``check`` found, a few example ids per problem, and where that leaves the index."""
    console.print(f"{report.documents} documents in the store, {report.entries} index entries")
    for name, ids in report.problems().items():
        examples = ", ".join(str(doc_id) for doc_id in ids[:EXAMPLES]) + (", …" if len(ids) > EXAMPLES else "")
        console.print(f"{name:11} {len(ids)}" + (f"  (ids {examples})" if ids else ""))
    if report.ok:
        console.print("ok: every current version is indexed exactly once")
    elif report.repaired and after.ok:
        console.print(f"repaired: deleted the entries of {len(report.to_delete)} ids, "
                      f"indexed {len(report.to_add)} documents; the index now agrees with the store")
    elif report.repaired:
        console.print("still inconsistent after repair (is a crawl writing?): run 'pressarchive check' again")
    else:
        console.print("inconsistent: run 'pressarchive check --repair' to fix the index")


def print_document(stored: StoredDocument, console: Console, facts: DocumentFacts | None = None) -> None:
    """A document's fields, what it names and reports (``facts``), its versions and its text."""
    doc = stored.document
    console.print(f"[bold]{escape(doc.title)}[/]")
    for label, value in (
        ("id", doc.id), ("url", doc.url), ("published", doc.published), ("source", doc.source),
        ("agency", doc.agency), ("country", doc.country), ("language", doc.language),
        ("operations", ", ".join(doc.operations)),
    ):
        console.print(f"  {label:11} {escape(str(value or '—'))}")
    if facts is not None:
        print_facts(facts, console)
    table = Table(title="versions", title_justify="left")
    columns = ("#", "captured (UTC)", "HTTP", "payload sha256", "WARC file", "offset", "WARC-Record-ID",
               "re-extracted (UTC)")
    for column in columns:
        table.add_column(column)
    for version in stored.versions:
        reprocessed = version.reprocessed_at.isoformat(timespec="seconds") if version.reprocessed_at else ""
        shown = "*" if version.number == doc.version and len(stored.versions) > 1 else ""
        table.add_row(
            f"{version.number}{shown}", version.captured_at.isoformat(timespec="seconds"),
            str(version.capture.status), version.capture.payload_sha256[:16] + "…",
            escape(version.capture.warc_file), str(version.capture.warc_offset),
            escape(version.capture.warc_record_id or "unknown"), reprocessed,
        )
    console.print(table)
    console.print(escape(doc.text))


def print_facts(facts: DocumentFacts, console: Console) -> None:
    """The countries and agencies a document names and its figures, each with its quote; a
    rejected figure struck out and said to be, a corrected one with who, when and why."""
    if not facts.extracted:
        console.print("  [dim]countries, agencies and figures were not extracted for this version "
                      "('pressarchive reprocess' does)[/]")
        return
    named = (
        ("countries", [f"{name} ({code})" for code, name in facts.countries.items()]),
        ("agencies", [f"{name} ({agency})" for agency, name in facts.agencies.items()]),
    )
    for label, items in named:
        console.print(f"  {label:11} {escape(', '.join(items) or '—')}")
    console.print(f"  {'figures':11} {len(facts.figures) or '—'}")
    for report in facts.figures:
        figure = report.figure_json()
        value = escape(f"{figure['kind']} {figure_value(figure)}")
        if report.status == "rejected":
            value = f"[strike]{value}[/]"
        note = f" [{figure['status']} {correction_note(figure['correction'])}]" if figure["corrected"] else ""
        console.print(f"    {value}{escape(note)}  {escape(repr(figure['quote']))}")


def print_relations(relations: Relations, console: Console) -> None:
    """A document's copies, the releases it retells and the articles retelling it."""
    if relations.copies:
        console.print("\n[bold]copies[/]")
        for copy in relations.copies:
            similar = f"  {copy.similarity:.0%} similar" if copy.similarity is not None else ""
            console.print(f"  {_ref(copy.doc)}{similar}")
    lineage = relations.lineage
    for label, links, other in (
        ("retells", lineage.retells, "release"), ("copied by", lineage.copied_by, "article"),
        ("reported by (added reporting)", lineage.reported_by, "article"),
    ):
        if links:
            console.print(f"\n[bold]{label}[/]")
            for link in links:
                _print_link(link, getattr(link, other), console)


def _ref(ref: DocRef) -> str:
    published = ref.published.isoformat() if ref.published else "(no date)"
    return f"{ref.id}  {published}  {escape(ref.source)}  {escape(ref.title)}"


def _print_link(link: Link, ref: DocRef, console: Console) -> None:
    console.print(f"  {_ref(ref)}")
    console.print(f"    {link.reused_share:.0%} of the article reused ({link.shared_words} words), {link.lag}")
    for passage in link.passages:
        console.print(f"    > {escape(passage.text)}", style="dim")


def print_status(stats: dict[str, Any], console: Console) -> None:
    width = max(map(len, stats), default=0)
    for key, value in stats.items():
        console.print(f"{key:{width}} {escape(str(value))}")
