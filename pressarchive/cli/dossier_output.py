"""Operations, dossiers and corrections as the terminal shows them (``--json``/``--csv`` bypass this).

Everything quoted from archived pages goes through rich's escaping and the control-stripping
console (:mod:`pressarchive.cli.terminal`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pressarchive.store.corrections import Correction

if TYPE_CHECKING:  # the dossiers load the extractors' data: only when a command needs them
    from pressarchive.dossiers import Dossier, OperationSummary

_QUALIFIER_SIGNS = {"exact": "", "at_least": "≥", "about": "~", "at_most": "≤"}


def print_operations(summaries: list[OperationSummary], console: Console) -> None:
    if not summaries:
        console.print("no operations recognised in the archive")
        return
    table = Table(title=f"{len(summaries)} operations", title_justify="left")
    for column in ("operation", "documents", "reports", "sources", "first", "last", "languages"):
        table.add_column(column)
    for s in summaries:
        table.add_row(
            escape(s.name), str(s.documents), str(s.reports), str(s.sources),
            s.first.isoformat() if s.first else "—", s.last.isoformat() if s.last else "—",
            escape(", ".join(s.languages)),
        )
    console.print(table)


def print_dossier(dossier: Dossier, console: Console) -> None:
    data = dossier.to_json()
    counts = data["counts"]
    console.print(f"[bold]Operation {escape(dossier.name)}[/]")
    console.print(
        f"  {counts['documents']} documents ({counts['reports']} reports, copies counted once) from "
        f"{counts['sources']} sources in {escape(', '.join(dossier.languages)) or '—'}"
    )
    console.print(f"  first {data['first'] or '—'}, last {data['last'] or '—'}"
                  + (f", {counts['undated']} undated" if counts["undated"] else ""))
    for alias in dossier.aliases:
        console.print(f"  also named {escape(alias['name'])} (merged {escape(correction_note(alias))})")
    _line(console, "agencies", [f"{a['name']} {a['reports']}" for a in data["agencies"]])
    _line(console, "countries", [f"{c['name']} ({c['code']}) {c['reports']}" for c in data["countries"]])
    _line(console, "per month", [f"{month} {n}" for month, n in data["timeline"].items()])
    _print_figures(data["figures"], console)
    _print_coverage(data["coverage"], console)
    console.print("\n[bold]documents[/]")
    for doc in data["documents"]:
        console.print(f"  {doc['published'] or '(no date)'}  {escape(doc['language'])}  {escape(doc['source'])}"
                      f"  #{doc['id']}  {escape(doc['title'])}")
        console.print(f"      {escape(doc['url'])}", style="dim", soft_wrap=True)


def _print_coverage(coverage: list[dict[str, Any]], console: Console) -> None:
    if not coverage:
        return
    console.print("\n[bold]coverage[/] (news articles retelling a release)")
    for item in coverage:
        release = item["release"]
        console.print(f"  {escape(release['source'])} #{release['id']}  {escape(release['title'])}")
        for label, articles in (("copied by", item["copied_by"]), ("added reporting", item["reported_by"])):
            if articles:
                console.print(f"    {label}: " + escape(", ".join(
                    f"{a['source']} #{a['id']} ({100 * a['reused_share']:.0f}% reused, {a['lag']})" for a in articles)))


def _line(console: Console, label: str, items: list[str]) -> None:
    console.print(f"[dim]{label}:[/] {escape(', '.join(items)) if items else '—'}")


def _print_figures(figures: list[dict[str, Any]], console: Console) -> None:
    console.print("\n[bold]figures[/]" if figures else "\n[bold]figures[/]: none reported")
    for comparison in figures:
        flag = ""
        if comparison["disagreement"]:
            claims = " vs ".join(
                f"{figure_value(position)} (" + ", ".join(
                    f"{report['source']} #{report['document_id']}" for report in position["reports"]) + ")"
                for position in comparison["positions"]
            )
            flag = f"  [bold red]sources disagree:[/] {escape(claims)}"
        console.print(f"[bold]{comparison['kind']}[/]{flag}")
        for report in comparison["reports"]:
            copies = report["copies"]
            also = f"  (+{len(copies)} {'copy' if len(copies) == 1 else 'copies'}: " + ", ".join(
                f"{c['source']} #{c['document_id']}" for c in copies) + ")" if copies else ""
            for figure in report["figures"]:
                status = ""
                if figure["status"] != "extracted":
                    status = f" [{figure['status']} {correction_note(figure['correction'])}]"
                console.print(
                    f"  {escape(figure['source'])} #{figure['document_id']}  {figure_value(figure)}"
                    f"{escape(status)}  {escape(repr(figure['quote']))}{escape(also)}"
                )


def figure_value(figure: dict[str, Any]) -> str:
    """``≥38``, ``~5 kg``: the number with its qualifier's sign and unit (not escaped)."""
    unit = f" {figure['unit']}" if figure["unit"] else ""
    return f"{_QUALIFIER_SIGNS.get(figure['qualifier'], '')}{figure['value']}{unit}"


def correction_note(note: dict[str, Any]) -> str:
    """Who made a correction, when and why (not escaped)."""
    return f"by {note['by']} on {note['at']}: {note['why']}"


def print_corrections(corrections: list[Correction], console: Console) -> None:
    if not corrections:
        console.print("no corrections")
        return
    for c in corrections:
        state = f"  [withdrawn {c.withdrawn_at:%Y-%m-%d} by {c.withdrawn_by}]" if c.withdrawn_at else ""
        console.print(f"#{c.id} {c.kind} {escape(describe(c))}{escape(state)}")
        console.print(
            f"    by {escape(c.author)} on {c.created_at:%Y-%m-%d %H:%M} UTC: {escape(c.reason)}", style="dim",
        )


def describe(correction: Correction) -> str:
    """One line saying what a correction changes."""
    p = correction.payload
    if correction.kind == "merge_operation":
        return f"{p['alias_name']!r} -> {p['canonical_name']!r}"
    where = f" in sentences containing {p['sentence_contains']!r}" if p.get("sentence_contains") else ""
    return f"document {p['document_id']}: {p['kind']} {p['value']:g}{where}"
