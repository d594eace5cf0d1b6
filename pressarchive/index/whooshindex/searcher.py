"""Running one :class:`SearchRequest` on an open Whoosh searcher and shaping the result.

Separate from :mod:`pressarchive.index.whooshindex.searchindex` (which owns the index and its locking) so
the steps of a search read top to bottom: parse (:mod:`~pressarchive.index.querylang`) and translate
(:mod:`~pressarchive.index.whooshindex.translate`), find every match as per-segment masks
(:mod:`~pressarchive.index.whooshindex.matchset`), apply filters, count facets and the timeline, then
order only what the page needs: by date from the cached day column, or by the BM25F scores
computed with the matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.query import Query
from whoosh.searching import Searcher

from pressarchive.index.deadline import Deadline
from pressarchive.index.whooshindex.docvalues import BoolArray, DocValuesCache, IntArray, SegmentValues
from pressarchive.index.whooshindex.facets import facet_counts, histogram
from pressarchive.index.whooshindex.filters import filter_mask
from pressarchive.index.engine import TextSource
from pressarchive.index.whooshindex.hits import body_terms, make_hits
from pressarchive.index.whooshindex.matchset import Match, SegmentMatcher, statistics
from pressarchive.index.whooshindex.translate import to_whoosh
from pressarchive.index.models import Hit, SearchRequest, SearchResult
from pressarchive.index.querylang import parse_query
from pressarchive.index.querytree import groups_for, ranks_nothing
from pressarchive.index.thesaurus import Thesaurus


@dataclass(frozen=True)
class SegmentView:
    """One segment as a search sees it: its searcher, docnum offset, values and live docs."""

    searcher: Searcher
    offset: int
    values: SegmentValues
    live: BoolArray


def segment_views(searcher: Searcher, cache: DocValuesCache) -> list[SegmentView]:
    """The segments of ``searcher`` with their cached values (loading new segments)."""
    # An empty index has one reader without a segment: nothing to search there.
    leaves = [(sub, offset) for sub, offset in searcher.leaf_searchers() if sub.reader().segment() is not None]
    cache.keep_only([sub.reader() for sub, _ in leaves])
    return [
        SegmentView(sub, offset, cache.get(sub.reader()), cache.live(sub.reader()))
        for sub, offset in leaves
    ]


def match_all(searcher: Searcher, views: Sequence[SegmentView], q: Query, request: SearchRequest,
              deadline: Deadline, scored: bool) -> list[Match]:
    """Per segment, the live documents matching ``q`` and the request's filters (scored or not)."""
    stats = statistics(searcher, [view.values for view in views]) if scored else None
    found = []
    for view in views:
        match = SegmentMatcher(view.searcher, view.values, deadline, stats).match(q)
        mask = match.mask & view.live
        extra = filter_mask(view.values, request)
        found.append(Match(mask if extra is None else mask & extra, match.scores))
    return found


def run_search(searcher: Searcher, cache: DocValuesCache, request: SearchRequest,
               text_source: TextSource | None, deadline: Deadline,
               thesaurus: Thesaurus | None = None) -> SearchResult:
    """Search with ``request`` (limit/page already clamped) and build the result page.

    ``deadline`` bounds every step whose cost the query decides: matching, facets, snippets.
    ``thesaurus`` serves ``~word`` and ``request.expand`` (the package's own when None).
    """
    parsed = parse_query(request.query, thesaurus=thesaurus, expand=request.expand)
    q = to_whoosh(parsed.root, groups_for(request.language))
    views = segment_views(searcher, cache)
    by_score = request.sort != "date" and not ranks_nothing(parsed.root)
    found = match_all(searcher, views, q, request, deadline, scored=by_score)
    masks = [match.mask for match in found]
    matches = [(view.values, mask) for view, mask in zip(views, masks, strict=True)]
    start = (request.page - 1) * request.limit
    wanted = start + request.limit
    clusters: int | None = None
    similar: dict[int, int] = {}
    if request.collapse:
        ranked, similar, clusters = collapsed(views, found, by_score, wanted)
    elif by_score:
        ranked = by_relevance(views, found, wanted)
    else:
        ranked = [(docnum, 0.0) for docnum in by_date(views, masks, wanted)]
    page = ranked[start:wanted]
    facets = facet_counts(matches, deadline)
    interval, timeline = histogram(matches, request.interval)
    terms = body_terms(searcher, q, deadline) if page else {}
    hits = make_hits(searcher, page, terms, text_source, deadline)
    for hit, (docnum, _) in zip(hits, page, strict=True):
        hit.cluster = cluster_of(views, docnum)
        hit.similar = similar.get(docnum, 0)
    return SearchResult(
        query=request.query,
        total=sum(int(mask.sum()) for mask in masks),
        page=request.page,
        limit=request.limit,
        hits=hits,
        facets=facets,
        timeline=timeline,
        interval=interval,
        sort=request.sort,
        clusters=clusters,
        expansions=parsed.expansions,
    )


def ranked_ids(searcher: Searcher, cache: DocValuesCache, request: SearchRequest, deadline: Deadline,
               thesaurus: Thesaurus | None = None) -> list[int]:
    """The ids of every match of ``request`` in its order (paging ignored): what an export
    walks. A collapsed request gives each near-duplicate cluster's best match once.

    Only ids: the rows themselves come from the store, a batch at a time, so an export of
    100,000 matches holds 100,000 integers here and never 100,000 documents.
    """
    root = parse_query(request.query, thesaurus=thesaurus, expand=request.expand).root
    q = to_whoosh(root, groups_for(request.language))
    views = segment_views(searcher, cache)
    by_score = request.sort != "date" and not ranks_nothing(root)
    found = match_all(searcher, views, q, request, deadline, scored=by_score)
    wanted = sum(int(match.mask.sum()) for match in found)
    deadline.check()
    if request.collapse:
        docnums = [docnum for docnum, _ in collapsed(views, found, by_score, wanted)[0]]
    elif by_score:
        docnums = [docnum for docnum, _ in by_relevance(views, found, wanted)]
    else:
        docnums = by_date(views, [match.mask for match in found], wanted)
    return [doc_id_of(views, docnum) for docnum in docnums]


def doc_id_of(views: Sequence[SegmentView], docnum: int) -> int:
    """The store's document id of a global docnum."""
    view = _view_of(views, docnum)
    return int(view.values.ids[docnum - view.offset])


def cluster_of(views: Sequence[SegmentView], docnum: int) -> int:
    """The near-duplicate cluster of a global docnum."""
    view = _view_of(views, docnum)
    return int(view.values.clusters[docnum - view.offset])


def _view_of(views: Sequence[SegmentView], docnum: int) -> SegmentView:
    """The segment holding a global docnum (views in docnum order)."""
    for view in reversed(views):
        if docnum >= view.offset:
            return view
    raise IndexError(docnum)


def collapsed(views: Sequence[SegmentView], found: Sequence[Match], by_score: bool,
              wanted: int) -> tuple[list[tuple[int, float]], dict[int, int], int]:
    """The ``wanted`` best matches, one per near-duplicate cluster, with the others counted.

    Returns (global docnum, score) best first; docnum -> how many other matches share its
    cluster; and how many clusters the matches form. Every match is ordered (not only the
    first ``wanted``): a cluster's best member can only be known from all of its members.
    """
    docnums, scores, clusters, days, ids = [], [], [], [], []
    for view, match in zip(views, found, strict=True):
        local = np.flatnonzero(match.mask)
        docnums.append(local + view.offset)
        scores.append(match.scores[local] if by_score and match.scores is not None else np.zeros(local.size))
        clusters.append(view.values.clusters[local])
        days.append(view.values.days[local])
        ids.append(view.values.ids[local])
    if not docnums or not sum(part.size for part in docnums):
        return [], {}, 0
    all_docnums, all_scores = np.concatenate(docnums), np.concatenate(scores)
    if by_score:
        order = np.lexsort((all_docnums, -all_scores))
    else:
        order = np.lexsort((np.concatenate(ids), -np.concatenate(days)))
    ranked_clusters = np.concatenate(clusters)[order]
    _, first, counts = np.unique(ranked_clusters, return_index=True, return_counts=True)
    by_rank = np.argsort(first)[:wanted]
    best = order[first[by_rank]]
    ranked = [(int(all_docnums[i]), float(all_scores[i])) for i in best]
    similar = {docnum: int(count) - 1 for (docnum, _), count in zip(ranked, counts[by_rank], strict=True)}
    return ranked, similar, int(first.size)


def by_date(views: Sequence[SegmentView], masks: Sequence[BoolArray], wanted: int) -> list[int]:
    """Global docnums of the first ``wanted`` matches, newest first, undated last, ties by id."""
    docnums, days, ids = [], [], []
    for view, mask in zip(views, masks, strict=True):
        local = np.flatnonzero(mask)
        docnums.append(local + view.offset)
        days.append(view.values.days[local])
        ids.append(view.values.ids[local])
    if not docnums:
        return []
    all_days: IntArray = np.concatenate(days)
    # Undated documents hold -1, so negated they sort after every real (negative) day.
    order = np.lexsort((np.concatenate(ids), -all_days))[:wanted]
    return [int(docnum) for docnum in np.concatenate(docnums)[order]]


def by_relevance(views: Sequence[SegmentView], found: Sequence[Match],
                 wanted: int) -> list[tuple[int, float]]:
    """(global docnum, score) of the ``wanted`` best matches, best first, ties by docnum.

    Scores come from :mod:`~pressarchive.index.whooshindex.matchset` for every match at once, so the
    top ``wanted`` are picked with a partial sort rather than a heap fed one document at a time.
    """
    docnums, scores = [], []
    for view, match in zip(views, found, strict=True):
        local = np.flatnonzero(match.mask)
        docnums.append(local + view.offset)
        scores.append(match.scores[local] if match.scores is not None else np.zeros(local.size))
    if not docnums:
        return []
    all_docnums, all_scores = np.concatenate(docnums), np.concatenate(scores)
    if all_docnums.size > wanted:
        # Keep every document scoring at least the wanted-th best, so ties stay deterministic.
        threshold = np.partition(all_scores, all_docnums.size - wanted)[all_docnums.size - wanted]
        keep = all_scores >= threshold
        all_docnums, all_scores = all_docnums[keep], all_scores[keep]
    order = np.lexsort((all_docnums, -all_scores))[:wanted]
    return [(int(all_docnums[i]), float(all_scores[i])) for i in order]


__all__ = [
    "Hit", "SegmentView", "TextSource", "by_date", "by_relevance", "collapsed", "match_all", "ranked_ids",
    "run_search",
]
