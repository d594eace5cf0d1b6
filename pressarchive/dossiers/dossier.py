"""One operation's dossier: its documents, dates, agencies, countries, timeline and figures.

Counts of agencies and countries are of *reports* (near-duplicate copies count once), so a wire
story reprinted by twenty outlets does not make its agencies look twenty times as involved.
Dates are publication dates; a document whose date is unknown is listed and counted as
undated, never given one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from babel import Locale

from pressarchive.dossiers.compare import KindComparison, compare
from pressarchive.dossiers.coverage import ReleaseCoverage
from pressarchive.dossiers.figures import FigureReport, document_json
from pressarchive.extract.agencies import agencies
from pressarchive.isodate import utc_iso
from pressarchive.store.corrections import Merge
from pressarchive.store.operations import OperationDocument


@dataclass(frozen=True, slots=True)
class Dossier:
    """Everything the archive holds on one operation."""

    key: str
    name: str
    aliases: list[dict[str, Any]]
    documents: list[OperationDocument]
    figures: list[KindComparison]
    coverage: list[ReleaseCoverage] = field(default_factory=list)

    @property
    def reports(self) -> int:
        """Documents counted once per near-duplicate cluster."""
        return len({doc.copy_group for doc in self.documents})

    @property
    def sources(self) -> list[str]:
        return sorted({doc.source for doc in self.documents})

    @property
    def languages(self) -> list[str]:
        return sorted({doc.language for doc in self.documents if doc.language})

    @property
    def first(self) -> date | None:
        dates = [doc.published for doc in self.documents if doc.published]
        return min(dates) if dates else None

    @property
    def last(self) -> date | None:
        dates = [doc.published for doc in self.documents if doc.published]
        return max(dates) if dates else None

    @property
    def timeline(self) -> dict[str, int]:
        """Documents per month (``YYYY-MM``), oldest first; undated ones are left out."""
        months = Counter(doc.published.strftime("%Y-%m") for doc in self.documents if doc.published)
        return dict(sorted(months.items()))

    @property
    def undated(self) -> int:
        return sum(1 for doc in self.documents if doc.published is None)

    @property
    def agencies(self) -> list[dict[str, Any]]:
        """Agencies the documents name, most reports first, with display names."""
        known = agencies()
        return [
            {"id": agency_id, "name": known[agency_id].name if agency_id in known else agency_id,
             "country": known[agency_id].country if agency_id in known else "", "reports": count}
            for agency_id, count in _per_report(self.documents, lambda d: d.agencies)
        ]

    @property
    def countries(self) -> list[dict[str, Any]]:
        """Countries the documents name (ISO codes, English names), most reports first."""
        return [
            {"code": code, "name": country_name(code), "reports": count}
            for code, count in _per_report(self.documents, lambda d: d.countries)
        ]

    @property
    def disagreements(self) -> list[str]:
        return [comparison.kind for comparison in self.figures if comparison.disagreement]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "aliases": self.aliases,
            "first": _iso(self.first), "last": _iso(self.last),
            "counts": {"documents": len(self.documents), "reports": self.reports,
                       "sources": len(self.sources), "undated": self.undated},
            "sources": self.sources, "languages": self.languages,
            "agencies": self.agencies, "countries": self.countries, "timeline": self.timeline,
            "disagreements": self.disagreements,
            "figures": [comparison.to_json() for comparison in self.figures],
            "coverage": [item.to_json() for item in self.coverage],
            "documents": [_document_entry(doc) for doc in self.documents],
        }


def build_dossier(
    key: str, name: str, members: Iterable[str], merges: Mapping[str, Merge],
    documents: list[OperationDocument], reports: Mapping[int, list[FigureReport]],
    coverage: list[ReleaseCoverage] | None = None,
) -> Dossier:
    """The dossier of canonical ``key`` from its documents and their corrected figures."""
    aliases = [
        {"key": member, "name": merges[member].correction.payload.get("alias_name", member),
         **merges[member].correction.note()}
        for member in sorted(members)
        if member in merges
    ]
    ordered = sorted(documents, key=lambda d: (d.published or date.max, d.id))
    return Dossier(key, name, aliases, ordered, compare(documents, reports), coverage or [])


def _per_report(
    documents: Iterable[OperationDocument], values: Callable[[OperationDocument], Iterable[str]],
) -> list[tuple[str, int]]:
    """Each value with how many reports (copy groups) have it, most first."""
    seen: dict[str, set[int]] = {}
    for doc in documents:
        for value in values(doc):
            seen.setdefault(value, set()).add(doc.copy_group)
    counts = [(value, len(groups)) for value, groups in seen.items()]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """English name of an ISO 3166-1 alpha-2 code (Babel's CLDR data); the code if unknown."""
    return Locale.parse("en").territories.get(code.upper(), code)


def _document_entry(doc: OperationDocument) -> dict[str, Any]:
    entry = document_json(doc)
    entry["id"] = entry.pop("document_id")
    entry.update({
        "first_captured": utc_iso(doc.first_captured),
        "cluster": doc.cluster_id, "operations": list(doc.operations),
    })
    return entry


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
