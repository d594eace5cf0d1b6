"""A document's reported figures with the hand corrections applied: rejected ones marked,
missing ones added.

A rejection names a figure by what survives a re-extraction — document id, kind, value and
(optionally) words of its sentence — never by a figure row id, which a new version replaces.
So a correction made on version 1 holds for version 2 when the extractor reports the same
figure again, and falls silent when the figure is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pressarchive.record import Figure
from pressarchive.store.corrections import ADD_FIGURE, REJECT_FIGURE, Correction
from pressarchive.store.operations import OperationDocument

EXTRACTED, ADDED, REJECTED = "extracted", "added", "rejected"


@dataclass(frozen=True, slots=True)
class FigureReport:
    """One figure as a dossier shows it: the document that reports it and any correction."""

    document: OperationDocument
    figure: Figure
    status: str = EXTRACTED
    correction: Correction | None = None

    @property
    def live(self) -> bool:
        """Whether the figure counts (a rejected one is shown, struck out, but not compared)."""
        return self.status != REJECTED

    def figure_json(self) -> dict[str, Any]:
        """The figure and its correction alone, for a face that already shows the document."""
        figure = self.figure.to_json()
        return {
            "kind": figure["kind"], "value": figure["value"], "qualifier": figure["qualifier"],
            "unit": figure["unit"], "quote": figure["sentence"], "status": self.status,
            "corrected": self.correction is not None,
            "correction": self.correction.note() if self.correction else None,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.figure_json(), **document_json(self.document)}


def document_json(doc: OperationDocument) -> dict[str, Any]:
    return {
        "document_id": doc.id, "source": doc.source, "title": doc.title, "url": doc.url,
        "language": doc.language, "published": doc.published.isoformat() if doc.published else None,
    }


def same_text(needle: str, haystack: str) -> bool:
    """Whether ``needle`` occurs in ``haystack``, case and spacing ignored."""
    return " ".join(needle.casefold().split()) in " ".join(haystack.casefold().split())


def rejects(correction: Correction, doc_id: int, figure: Figure) -> bool:
    """Whether a reject-figure correction means ``figure`` of document ``doc_id``."""
    payload = correction.payload
    return (
        correction.kind == REJECT_FIGURE
        and int(payload["document_id"]) == doc_id
        and payload["kind"] == figure.kind
        and float(payload["value"]) == figure.value
        and same_text(str(payload.get("sentence_contains", "")), figure.sentence)
    )


def added_figure(correction: Correction) -> Figure:
    payload = correction.payload
    return Figure(
        kind=payload["kind"], value=float(payload["value"]), qualifier=payload.get("qualifier", "exact"),
        sentence=payload.get("quote", ""), unit=payload.get("unit", ""),
    )


def corrected_figures(
    doc: OperationDocument, figures: Iterable[Figure], corrections: Iterable[Correction],
) -> list[FigureReport]:
    """``figures`` of ``doc`` with the active corrections that concern it applied.

    An extracted figure equal in kind, value and unit to one added by hand is left out: the
    added one already says it, with who vouched for it.
    """
    mine = [c for c in corrections if c.active and c.target == str(doc.id)]
    added = [(c, added_figure(c)) for c in mine if c.kind == ADD_FIGURE]
    vouched = {(f.kind, f.value, f.unit) for _c, f in added}
    reports = []
    for figure in figures:
        if (figure.kind, figure.value, figure.unit) in vouched:
            continue
        rejection = next((c for c in mine if rejects(c, doc.id, figure)), None)
        reports.append(FigureReport(doc, figure, REJECTED if rejection else EXTRACTED, rejection))
    reports.extend(FigureReport(doc, figure, ADDED, c) for c, figure in added)
    return reports
