"""What counts as "the extraction changed": the whole result a version keeps, not its text digest.

A newer extractor may leave title and text as they were and still find another date,
language, operation, country, agency or figure; each of those is a reason for a new version.
A version archived before countries, agencies and figures were extracted (NULL in the store)
differs from any extraction, even one that finds none: "none found" is new knowledge.
"""

from __future__ import annotations

from pressarchive.record import Document, Figure
from pressarchive.store import Version


def same_result(doc: Document, version: Version, figures: list[Figure]) -> bool:
    """Whether ``doc`` (a fresh extraction) holds exactly what ``version`` and its ``figures`` hold."""
    if not version.entities_known:
        return False
    return (
        doc.title == version.title
        and doc.text == version.text
        and doc.language == version.language
        and doc.published == version.published
        and tuple(doc.operations) == version.operations
        and tuple(doc.countries) == version.countries
        and tuple(doc.agencies) == version.agencies
        and _figure_set(doc.figures) == _figure_set(figures)
    )


def _figure_set(figures: tuple[Figure, ...] | list[Figure]) -> list[tuple[object, ...]]:
    # The store reads figures back in text order; compare in one order whatever order they came in.
    return sorted((f.start, f.end, f.kind, float(f.value), f.qualifier, f.unit, f.sentence) for f in figures)
