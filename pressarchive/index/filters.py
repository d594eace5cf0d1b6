"""The request's exact-match filters as one Whoosh query for ``Searcher.search(filter=...)``.

Filters restrict the match set without scoring, and whoosh applies them before counting, so
totals and facets describe exactly the filtered set. Values are normalised with the same
analyzer as the field, so ``operation="TANTÁLIO"`` finds documents tagged ``Tantalio``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from whoosh.fields import Schema
from whoosh.query import And, DateRange, NullQuery, NumericRange, Query, Term

from pressarchive.index.models import SearchRequest


def build_filter(schema: Schema, request: SearchRequest) -> Query | None:
    """One query every hit must match, or None when the request has no filters."""
    parts = [
        _keyword(schema, "language", request.language),
        _keyword(schema, "source", request.source),
        _keyword(schema, "operation", request.operation),
        NumericRange("year", request.year, request.year) if request.year is not None else None,
        _dates(request.since, request.until),
    ]
    present = [part for part in parts if part is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else And(present)


def _keyword(schema: Schema, fieldname: str, value: str | None) -> Query | None:
    if value is None or not value.strip():
        return None
    terms = list(schema[fieldname].process_text(value.strip()))
    # A value that analyses to nothing can match nothing (not everything).
    return Term(fieldname, terms[0]) if terms else NullQuery


def _dates(since: date | None, until: date | None) -> Query | None:
    if since is None and until is None:
        return None
    start = datetime.combine(since, time.min) if since else None
    end = datetime.combine(until, time.max) if until else None
    return DateRange("published", start, end)
