"""A dossier's figures table as CSV, for a paper's appendix or a spreadsheet.

Quotes and titles come from archived pages, and a spreadsheet runs a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula; every such text cell is
prefixed with a single quote so it stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from pressarchive.dossiers.dossier import Dossier

COLUMNS = (
    "operation", "kind", "disagreement", "source", "document_id", "title", "url", "language",
    "published", "value", "qualifier", "unit", "quote", "status", "headline", "copies",
    "corrected_by", "corrected_at", "correction_reason",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """``value`` as CSV text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def figures_csv(dossier: Dossier) -> str:
    """One row per figure of every report, rejected and hand-added ones included and marked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _rows(dossier):
        writer.writerow([safe_cell(row[column]) for column in COLUMNS])
    return out.getvalue()


def _rows(dossier: Dossier) -> Iterator[dict[str, Any]]:
    for comparison in dossier.figures:
        for report in comparison.reports:
            headline = report.headline
            copies = " ".join(f"{doc.id}:{doc.source}" for doc in report.copies)
            for figure in report.figures:
                data = figure.to_json()
                note = data["correction"] or {}
                yield {
                    "operation": dossier.name, "kind": comparison.kind,
                    "disagreement": "yes" if comparison.disagreement else "no",
                    "source": data["source"], "document_id": data["document_id"], "title": data["title"],
                    "url": data["url"], "language": data["language"], "published": data["published"] or "",
                    "value": data["value"], "qualifier": data["qualifier"], "unit": data["unit"],
                    "quote": data["quote"], "status": data["status"],
                    "headline": "yes" if figure is headline else "no", "copies": copies,
                    "corrected_by": note.get("by", ""), "corrected_at": note.get("at", ""),
                    "correction_reason": note.get("why", ""),
                }
