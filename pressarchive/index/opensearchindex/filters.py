"""A request's exact-match filters as ``filter`` clauses: they narrow, never score.

Values compare folded, as in the Whoosh engine (``operation="TANTÁLIO"`` finds documents
tagged ``Tantalio``, ``country="pt"`` finds ``PT``), so totals, facets and the timeline
describe exactly the filtered set in both engines.
"""

from __future__ import annotations

from typing import Any

from pressarchive.index.models import SearchRequest
from pressarchive.index.opensearchindex.documents import folded_keyword
from pressarchive.index.opensearchindex.translate import days_between

#: Request attributes compared with the folded keyword field of the same name.
KEYWORD_FILTERS = ("language", "source", "source_agency", "source_country", "operation", "country", "agency")


def filter_clauses(request: SearchRequest) -> list[dict[str, Any]]:
    """One clause per filter the request sets."""
    clauses: list[dict[str, Any]] = []
    for name in KEYWORD_FILTERS:
        wanted = getattr(request, name)
        if wanted is not None and wanted.strip():
            clauses.append({"term": {f"folded.{name}": folded_keyword(wanted)}})
    if request.cluster is not None:
        clauses.append({"term": {"cluster": int(request.cluster)}})
    if request.year is not None:
        clauses.append({"term": {"year": int(request.year)}})
    if request.since is not None or request.until is not None:
        clauses.append(days_between(request.since, request.until))
    return clauses
