"""Running one :class:`SearchRequest` on OpenSearch and shaping the result as Whoosh does.

One search request finds the page, the exact total, every facet and the span of the matches
(and their months); a second one counts days or weeks when the timeline needs them; facets
with more values than one aggregation lists are paged through. All of it within one
:class:`~pressarchive.index.deadline.Deadline` (:mod:`.target`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from pressarchive.errors import UserError
from pressarchive.index import querytree as qt
from pressarchive.index.deadline import Deadline
from pressarchive.index.engine import TextSource
from pressarchive.index.errors import QueryTooExpensive
from pressarchive.index.models import SearchRequest, SearchResult
from pressarchive.index.opensearchindex import aggregations as ag
from pressarchive.index.opensearchindex.client import calling
from pressarchive.index.opensearchindex.filters import filter_clauses
from pressarchive.index.opensearchindex.hits import body_words, make_hits
from pressarchive.index.opensearchindex.target import Target, request_timeout
from pressarchive.index.opensearchindex.translate import Query, Translator, clause_count

#: Matches fetched per request when every id is wanted (exports), through a point in time.
ID_PAGE = 10_000
_SOURCE = ["id", "cluster", "display"]


def query_body(target: Target, request: SearchRequest, parsed: qt.ParsedQuery, deadline: Deadline) -> Query:
    """The bool query: the translated tree, and the request's filters."""
    groups = qt.groups_for(request.language)
    query = Translator(groups, target.count_words(deadline)).query(parsed.root)
    if clause_count(query) > target.max_clauses:
        # Large thesaurus expansions in fewer clauses; then, if still too many, refused.
        query = Translator(groups, target.count_words(deadline), target.analyzer(deadline)).query(parsed.root)
        clauses = clause_count(query)
        if clauses > target.max_clauses:
            raise QueryTooExpensive(
                f"query too expensive: it searches {clauses} word and field combinations, the search engine"
                f" allows {target.max_clauses}; search for fewer words at a time"
            )
    body: Query = {"must": [query]}
    filters = filter_clauses(request)
    if filters:
        body["filter"] = filters
    return {"bool": body}


def by_score(request: SearchRequest, parsed: qt.ParsedQuery) -> bool:
    """Whether matches are ordered by relevance (a search without words lists by date)."""
    return request.sort != "date" and not qt.ranks_nothing(parsed.root)


def sort_order(scored: bool) -> list[Any]:
    """Best first, ties by id; or newest first, undated last, ties by id."""
    if scored:
        return [{"_score": "desc"}, {"id": "asc"}]
    return [{"day": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]


def run_search(target: Target, request: SearchRequest, parsed: qt.ParsedQuery,
               text_source: TextSource | None, deadline: Deadline) -> SearchResult:
    """Search with ``request`` (limit/page already clamped) and build the result page."""
    query = query_body(target, request, parsed, deadline)
    scored = by_score(request, parsed)
    aggs = {**ag.facet_aggs(), **ag.span_aggs()}
    if ag.needs_second_request(request.interval):
        aggs.update(ag.period_aggs(request.interval))
    if request.collapse:
        aggs.update(ag.cluster_aggs())
    body: dict[str, Any] = {
        "query": query, "from": (request.page - 1) * request.limit, "size": request.limit,
        "track_total_hits": True, "sort": sort_order(scored), "_source": _SOURCE, "aggs": aggs,
    }
    if scored:
        body["track_scores"] = True
    if request.collapse:
        body["collapse"] = {"field": "cluster", "inner_hits": {"name": "members", "size": 0}}
    response = target.search(body, deadline)
    found = response["aggregations"]
    total = int(response["hits"]["total"]["value"])
    interval = ag.chosen_interval(request.interval, found)
    if interval is not None and ag.needs_second_request(interval) and f"periods_{interval}" not in found:
        extra = target.search({"query": query, "size": 0, "track_total_hits": False,
                               "aggs": ag.period_aggs(interval)}, deadline)
        found = {**found, **extra["aggregations"]}
    complete = _complete_facets(target, query, found, deadline)
    interval_name, timeline = ag.timeline(request.interval, interval, found)
    page = response["hits"]["hits"]
    words = body_words(parsed.root, qt.groups_for(request.language)) if page else {}
    hits = make_hits(page, words, text_source, deadline)
    clusters = None
    if request.collapse:
        clusters = ag.cluster_count(total, found)
        if clusters is None:
            clusters = len(_all_values(target, query, "cluster", deadline))
        for hit, raw in zip(hits, page, strict=True):
            members = raw.get("inner_hits", {}).get("members", {}).get("hits", {}).get("total", {})
            hit.similar = max(int(members.get("value", 1)) - 1, 0)
    if not scored:
        for hit in hits:
            hit.score = 0.0
    deadline.check()
    return SearchResult(
        query=request.query, total=total, page=request.page, limit=request.limit, hits=hits,
        facets=ag.facet_counts(found, complete), timeline=timeline, interval=interval_name,
        sort=request.sort, clusters=clusters, expansions=dict(parsed.expansions),
    )


def _complete_facets(target: Target, query: Query, found: dict[str, Any],
                     deadline: Deadline) -> dict[str, Counter[str]]:
    """Facets with more values than one ``terms`` aggregation gives, counted page by page."""
    return {name: _all_values(target, query, ag.FACET_FIELDS[name], deadline) for name in ag.incomplete_facets(found)}


def _all_values(target: Target, query: Query, field: str, deadline: Deadline) -> Counter[str]:
    """Value -> matches of every value of ``field`` among the matches, page by page."""
    counts: Counter[str] = Counter()
    after = None
    while True:
        page = target.search({"query": query, "size": 0, "track_total_hits": False,
                              "aggs": ag.composite_agg(field, after)}, deadline)["aggregations"]["page"]
        for bucket in page["buckets"]:
            key = bucket["key"]["value"]
            counts[str(int(key)) if isinstance(key, (int, float)) else str(key)] += int(bucket["doc_count"])
        after = page.get("after_key")
        if not page["buckets"] or after is None:
            return counts


def ranked_ids(target: Target, request: SearchRequest, parsed: qt.ParsedQuery, deadline: Deadline) -> list[int]:
    """The ids of every match in the request's order (paging ignored); collapsed: the best
    match of each near-duplicate cluster once."""
    query = query_body(target, request, parsed, deadline)
    ids: list[int] = []
    seen: set[int] = set()
    for source in all_matches(target, query, sort_order(by_score(request, parsed)), deadline):
        if request.collapse:
            cluster = int(source.get("cluster") or source["id"])
            if cluster in seen:
                continue
            seen.add(cluster)
        ids.append(int(source["id"]))
    return ids


def all_matches(target: Target, query: Query, sort: list[Any], deadline: Deadline) -> Iterator[dict[str, Any]]:
    """The ``id`` and ``cluster`` of every match in ``sort`` order, a page at a time, from one
    point in time of the index (later writes do not shift the pages)."""
    deadline.check()
    with calling(target.server, query=True, time_limit=deadline.seconds):
        pit = target.client.create_pit(index=target.server.name, params={
            "keep_alive": "2m", "request_timeout": request_timeout(deadline)})["pit_id"]
    try:
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "query": query, "size": ID_PAGE, "sort": sort, "_source": ["id", "cluster"],
                "track_total_hits": False, "pit": {"id": pit, "keep_alive": "2m"},
            }
            if after is not None:
                body["search_after"] = after
            response = target.search(body, deadline)
            page = response["hits"]["hits"]
            for hit in page:
                yield hit["_source"]
            if len(page) < ID_PAGE:
                return
            after = page[-1]["sort"]
    finally:
        try:
            with calling(target.server):
                target.client.delete_pit(body={"pit_id": [pit]}, params={"request_timeout": 5})
        except UserError:
            pass  # not worth hiding why the listing ended: the point in time expires by itself
