"""The figures of an operation side by side per kind, and where sources disagree.

Copies are counted once: documents of one near-duplicate cluster are one *report*, shown by
the copy published first (then the lowest id) with the others listed as copies. Each report's *headline* for a
kind is its largest live figure of that kind (a release says "38 arrested" and then "12 of them
in Portugal": the total is the claim to compare). Two reports disagree when their headlines
cannot both be true, read as ranges: "38" is exactly 38, "at least 30" is 30 or more, "up to
40" is 40 or less, "about 40" is within 10% of 40. So 38 vs 39 disagree, "at least 30" vs
38 agree, "about 40" vs 38 agree. Money in different currencies is not compared.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pressarchive.dossiers.figures import FigureReport, document_json
from pressarchive.record import FIGURE_KINDS, Figure
from pressarchive.store.operations import OperationDocument

#: How far from its value an "about" figure may be (a fraction of the value).
ABOUT_TOLERANCE = 0.10


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What one report (a document and its copies) says for one kind."""

    document: OperationDocument
    figures: list[FigureReport]
    copies: list[OperationDocument] = field(default_factory=list)

    @property
    def headline(self) -> FigureReport | None:
        live = [report for report in self.figures if report.live]
        if not live:
            return None
        return max(live, key=lambda r: (r.figure.value, r.figure.qualifier == "exact"))

    def to_json(self) -> dict[str, Any]:
        headline = self.headline
        return {
            **document_json(self.document),
            "copies": [{"document_id": doc.id, "source": doc.source} for doc in self.copies],
            "headline": headline.to_json()["value"] if headline else None,
            "figures": [report.to_json() for report in self.figures],
        }


@dataclass(frozen=True, slots=True)
class KindComparison:
    """Every report of one kind of figure, and the pairs of reports that contradict each other."""

    kind: str
    reports: list[SourceReport]
    conflicts: list[tuple[FigureReport, FigureReport]]

    @property
    def disagreement(self) -> bool:
        return bool(self.conflicts)

    @property
    def positions(self) -> list[list[FigureReport]]:
        """The conflicting headlines grouped by what they claim, smallest value first.

        Six pairs of "38 vs 39" say less than one line "38 (three reports) vs 39 (two)"; a
        claim that agrees with every other ("at least 30") is left out.
        """
        involved = {id(report) for pair in self.conflicts for report in pair}
        groups: dict[tuple[float, str, str], list[FigureReport]] = defaultdict(list)
        for row in self.reports:
            headline = row.headline
            if headline is not None and id(headline) in involved:
                figure = headline.figure
                groups[(figure.value, figure.qualifier, figure.unit)].append(headline)
        return [groups[key] for key in sorted(groups)]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "disagreement": self.disagreement,
            "positions": [
                {**_claim(group[0]), "reports": [report.to_json() for report in group]}
                for group in self.positions
            ],
            "conflicts": [{"a": a.to_json(), "b": b.to_json()} for a, b in self.conflicts],
            "reports": [report.to_json() for report in self.reports],
        }


def _claim(report: FigureReport) -> dict[str, Any]:
    figure = report.to_json()
    return {"value": figure["value"], "qualifier": figure["qualifier"], "unit": figure["unit"]}


def interval(figure: Figure) -> tuple[float, float]:
    """The values a figure allows, as a closed range."""
    value = figure.value
    if figure.qualifier == "at_least":
        return value, math.inf
    if figure.qualifier == "at_most":
        return -math.inf, value
    if figure.qualifier == "about":
        return value * (1 - ABOUT_TOLERANCE), value * (1 + ABOUT_TOLERANCE)
    return value, value


def compatible(a: Figure, b: Figure) -> bool:
    """Whether two figures of one kind can both be true (different currencies: not compared)."""
    if a.unit != b.unit:
        return True
    low_a, high_a = interval(a)
    low_b, high_b = interval(b)
    return low_a <= high_b and low_b <= high_a


def compare(
    documents: Iterable[OperationDocument], reports: Mapping[int, list[FigureReport]],
) -> list[KindComparison]:
    """One comparison per kind that any document reports, in :data:`FIGURE_KINDS` order."""
    groups: dict[int, list[OperationDocument]] = defaultdict(list)
    # The copy published first stands for its group: the original, not whoever was crawled first.
    for doc in sorted(documents, key=lambda d: (d.published or date.max, d.id)):
        groups[doc.copy_group].append(doc)
    kinds = {r.figure.kind for found in reports.values() for r in found}
    order = [k for k in FIGURE_KINDS if k in kinds] + sorted(kinds - set(FIGURE_KINDS))
    return [_compare_kind(kind, groups, reports) for kind in order]


def _compare_kind(
    kind: str, groups: Mapping[int, list[OperationDocument]], reports: Mapping[int, list[FigureReport]],
) -> KindComparison:
    rows = []
    for members in groups.values():
        of_kind = {doc.id: [r for r in reports.get(doc.id, []) if r.figure.kind == kind] for doc in members}
        shown = _representative(members, of_kind)
        if shown is not None:
            copies = [doc for doc in members if doc.id != shown.id]
            rows.append(SourceReport(shown, of_kind[shown.id], copies))
    rows.sort(key=lambda row: (row.document.source, row.document.id))
    headlines = [row.headline for row in rows if row.headline is not None]
    conflicts = [
        (a, b) for i, a in enumerate(headlines) for b in headlines[i + 1:]
        if not compatible(a.figure, b.figure)
    ]
    return KindComparison(kind, rows, conflicts)


def _representative(
    members: list[OperationDocument], of_kind: Mapping[int, list[FigureReport]],
) -> OperationDocument | None:
    """The copy whose figures stand for the group: the first with a live one, else with any."""
    for wanted in (lambda rs: any(r.live for r in rs), bool):
        for doc in members:
            if wanted(of_kind[doc.id]):
                return doc
    return None
