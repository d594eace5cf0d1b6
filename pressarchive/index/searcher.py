"""Running one :class:`SearchRequest` on an open Whoosh searcher and shaping the result.

Separate from :mod:`pressarchive.index.searchindex` (which owns the index and its locking) so
the steps of a search — query, filter, sort, page, facets, snippets — read top to bottom.
"""

from __future__ import annotations

from whoosh import sorting
from whoosh.query import Every, Query
from whoosh.searching import Hit as WhooshHit
from whoosh.searching import Searcher

from pressarchive.index.analysis import language_group
from pressarchive.index.facets import facet_counts, facet_definitions
from pressarchive.index.filters import build_filter
from pressarchive.index.highlight import snippet
from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.index.query import parse_query
from pressarchive.index.schema import body_field

BodyTerms = dict[str, frozenset[str]]


def run_search(searcher: Searcher, request: SearchRequest) -> SearchResult:
    """Search with ``request`` (limit/page already clamped) and build the result page."""
    q = parse_query(request.query, request.language)
    results = searcher.search(
        q,
        filter=build_filter(searcher.schema, request),
        limit=request.page * request.limit,
        sortedby=_sort_order(request, q),
        groupedby=facet_definitions(),
    )
    terms = _body_terms(searcher, q)
    start = (request.page - 1) * request.limit
    page = [results[i] for i in range(start, min(start + request.limit, results.scored_length()))]
    return SearchResult(
        query=request.query,
        total=len(results),
        page=request.page,
        limit=request.limit,
        hits=[_hit(hit, terms) for hit in page],
        facets=facet_counts(results),
    )


def _sort_order(request: SearchRequest, q: Query) -> list[sorting.FacetType] | None:
    # Browsing has no relevance to rank by, so it is newest first too. Ties break on id, so
    # equal dates always come back in the same order.
    if request.sort == "date" or isinstance(q, Every):
        return [sorting.FieldFacet("published", reverse=True), sorting.FieldFacet("id")]
    return None


def _body_terms(searcher: Searcher, q: Query) -> BodyTerms:
    """Body field -> the terms the query looks for in it, prefixes and wildcards expanded."""
    # Not Query.existing_terms(): in whoosh-reloaded 2.7.5 its loop variable shadows its
    # ``fieldname`` argument, so it drops every field after the first leaf's.
    reader = searcher.reader()
    found: dict[str, set[str]] = {}
    for leaf in q.leaves():
        for field, text in leaf.expanded_terms(reader, phrases=True):
            if field.startswith("body_"):
                word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
                found.setdefault(field, set()).add(word)
    return {field: frozenset(words) for field, words in found.items()}


def _hit(hit: WhooshHit, terms: BodyTerms) -> Hit:
    stored = hit.fields()
    group = language_group(stored.get("language", ""))
    published = stored.get("published")
    return Hit(
        id=stored["id"],
        url=stored.get("url", ""),
        title=stored.get("title", ""),
        published=published.date() if published is not None else None,
        source=stored.get("source", ""),
        language=stored.get("language", ""),
        operations=list(stored.get("operations", [])),
        # Sorted searches carry the sort key in ``score``; there is no relevance to report.
        score=float(hit.score) if isinstance(hit.score, (int, float)) else 0.0,
        snippet=snippet(stored.get("body", ""), terms.get(body_field(group), frozenset()), group),
    )
