"""A :class:`~pressarchive.record.Document` as the values any engine's index entry holds.

Engine-neutral: each engine lays these values out its own way (Whoosh fields and columns,
an OpenSearch ``_source``), but what they are is decided once, here, so that facets, filters
and ``field:value`` queries count and find the same documents in every engine: the
document's analysis group, its near-duplicate cluster, its single-valued keywords, and its
multi-valued keywords (:data:`~pressarchive.index.fields.MULTI_KEYWORDS`) trimmed, without
blanks or repeats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pressarchive.index.languages import language_group
from pressarchive.record import Document


@dataclass(frozen=True)
class DocFields:
    """What an index entry holds for one document, before an engine lays it out."""

    id: int
    group: str
    cluster: int
    #: Single-valued keyword fields -> the value as written.
    keywords: dict[str, str]
    #: Multi-valued keyword fields (``MULTI_KEYWORDS``) -> their distinct values.
    multi: dict[str, list[str]]

    @property
    def operations(self) -> list[str]:
        """The operation names, as a hit shows them."""
        return self.multi["operation"]


def doc_fields(doc: Document) -> DocFields:
    """The index values of ``doc``; a :class:`ValueError` for a document the store has not
    numbered yet (an index entry is found and replaced by its id)."""
    if doc.id is None:
        raise ValueError(f"document {doc.url!r} has no id; the store assigns it before indexing")
    return DocFields(
        id=doc.id,
        group=language_group(doc.language),
        cluster=doc.cluster if doc.cluster is not None else doc.id,
        keywords={"source": doc.source, "source_agency": doc.agency, "source_country": doc.country,
                  "language": doc.language},
        multi={
            "operation": distinct(name.strip() for name in doc.operations),
            "country": distinct(code.strip().upper() for code in doc.countries),
            "agency": distinct(agency.strip() for agency in doc.agencies),
        },
    )


def distinct(values: Iterable[str]) -> list[str]:
    """Non-blank values without repeats (first spelling kept), so a facet counts a document
    once; a value with a line break is left out (Whoosh keeps such values one per line)."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and "\n" not in value and value not in seen:
            seen.add(value)
            kept.append(value)
    return kept
