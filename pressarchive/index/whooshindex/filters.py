"""The request's exact-match filters as a mask over one segment's documents.

Filters restrict the match set without scoring; they are answered from the cached per-segment
arrays of :mod:`pressarchive.index.whooshindex.docvalues` (a comparison over small integer codes), never
from the posting lists, so adding a source or a date range to a search costs next to nothing
and totals and facets describe exactly the filtered set. Values are folded like the index
terms, so ``operation="TANTÁLIO"`` finds documents tagged ``Tantalio`` and ``country="pt"``
finds ``PT``.
"""

from __future__ import annotations

import numpy as np

from pressarchive.index.whooshindex.docvalues import BoolArray, SegmentValues
from pressarchive.index.models import SearchRequest
from pressarchive.index.whooshindex.schema import MISSING


def filter_mask(values: SegmentValues, request: SearchRequest) -> BoolArray | None:
    """Documents of the segment passing every filter of ``request``; None when it has none."""
    parts = [
        *(_keyword(values, name, getattr(request, name)) for name in values.keywords),
        *(_multi(values, name, getattr(request, name)) for name in values.multi),
        _cluster(values, request.cluster),
        _year(values, request.year),
        _dates(values, request),
    ]
    present = [part for part in parts if part is not None]
    if not present:
        return None
    mask = present[0]
    for part in present[1:]:
        mask = mask & part
    return mask


def _keyword(values: SegmentValues, name: str, wanted: str | None) -> BoolArray | None:
    if wanted is None or not wanted.strip():
        return None
    return values.keywords[name].matching(wanted)


def _multi(values: SegmentValues, name: str, wanted: str | None) -> BoolArray | None:
    if wanted is None or not wanted.strip():
        return None
    return values.multi[name].matching(wanted, values.size)


def _cluster(values: SegmentValues, cluster: int | None) -> BoolArray | None:
    return None if cluster is None else np.asarray(values.clusters == int(cluster))


def _year(values: SegmentValues, year: int | None) -> BoolArray | None:
    if year is None:
        return None
    return (values.months != MISSING) & (values.months // 12 == int(year))


def _dates(values: SegmentValues, request: SearchRequest) -> BoolArray | None:
    if request.since is None and request.until is None:
        return None
    mask = values.days != MISSING
    if request.since is not None:
        mask &= values.days >= request.since.toordinal()
    if request.until is not None:
        mask &= values.days <= request.until.toordinal()
    return np.asarray(mask)
