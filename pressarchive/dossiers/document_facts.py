"""One document's own facts as its page, ``show`` and ``/api/doc/{id}`` give them: the
countries and agencies its text names, with display names, and the figures it reports with the
hand corrections applied.

The figures go through :func:`~pressarchive.dossiers.figures.corrected_figures`, as a dossier's
do, so a figure rejected in a dossier is struck out on its document too and one added by hand
appears in both, with who, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pressarchive.dossiers.dossier import country_name
from pressarchive.dossiers.figures import FigureReport, corrected_figures
from pressarchive.extract.agencies import agencies
from pressarchive.store import Archive, StoredDocument, Version
from pressarchive.store.operations import OperationDocument


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What the current version of a document names and reports.

    ``extracted`` is False for a version archived before countries, agencies and figures were
    extracted: its empty lists mean "not looked for", not "none found" (``reprocess`` fills them).
    """

    countries: dict[str, str]  # ISO code -> English name, in the document's order
    agencies: dict[str, str]  # agency id -> display name (the id itself if the data file lacks it)
    figures: list[FigureReport]
    extracted: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "country_names": self.countries, "agency_names": self.agencies,
            "figures": [report.figure_json() for report in self.figures],
            "facts_extracted": self.extracted,
        }


def document_facts(archive: Archive, stored: StoredDocument) -> DocumentFacts:
    """The facts of ``stored``'s current version, its figures corrected by hand where someone did."""
    doc = stored.document
    known = agencies()
    version = current_version(stored)
    figures = archive.figures([version.id]).get(version.id, []) if version and version.id is not None else []
    return DocumentFacts(
        countries={code: country_name(code) for code in doc.countries},
        agencies={agency: known[agency].name if agency in known else agency for agency in doc.agencies},
        figures=corrected_figures(_as_report_document(stored, version), figures, archive.corrections())
        if version is not None else [],
        extracted=version.entities_known if version is not None else False,
    )


def current_version(stored: StoredDocument) -> Version | None:
    """The version the document shows (its number is the document's), else the newest."""
    current = [v for v in stored.versions if v.number == stored.document.version]
    return current[0] if current else (stored.versions[-1] if stored.versions else None)


def _as_report_document(stored: StoredDocument, version: Version) -> OperationDocument:
    """``stored`` in the shape figure reports refer to (the dossiers' document)."""
    doc = stored.document
    return OperationDocument(
        id=doc.id or 0, version_id=version.id or 0, url=doc.url, title=doc.title, source=doc.source,
        language=doc.language, published=doc.published, first_captured=stored.first_captured,
        cluster_id=doc.cluster, operations=doc.operations, countries=doc.countries, agencies=doc.agencies,
    )
