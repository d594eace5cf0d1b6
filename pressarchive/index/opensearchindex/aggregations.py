"""Facets and the timeline as OpenSearch aggregations, read back as Whoosh gives them.

Facets are ``terms`` aggregations on the raw keyword values (what Whoosh's facets show),
asked for more values than an archive has (:data:`FACET_SIZE`), so they count every match
exactly; a facet with more values than that is paged through with a ``composite``
aggregation. The timeline counts integer period codes (:mod:`pressarchive.index.periods`):
the ``day`` ordinal for days, ``day`` in steps of 7 from 1 for ISO weeks, the ``month`` code
for months and years. ``auto`` needs the span of the matches first (``min``/``max`` of
``day``); months come with the first request, days and weeks take a second one.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pressarchive.index.models import Period
from pressarchive.index.periods import choose_interval, period_label, period_range
from pressarchive.searchparams import AUTO_INTERVAL, FACETS

FACET_SIZE = 10_000
#: Facet name -> the field counted (raw keyword values; the year as a number).
FACET_FIELDS: dict[str, str] = {name: name for name in FACETS}

Aggs = dict[str, Any]


def facet_aggs() -> Aggs:
    """One ``terms`` aggregation per facet."""
    size = FACET_SIZE
    return {
        f"facet_{name}": {"terms": {"field": field, "size": size, "shard_size": size}}
        for name, field in FACET_FIELDS.items()
    }


def incomplete_facets(aggregations: Aggs) -> list[str]:
    """Facets whose ``terms`` aggregation left values out (more than FACET_SIZE of them)."""
    return [name for name in FACET_FIELDS if aggregations[f"facet_{name}"].get("sum_other_doc_count", 0)]


def composite_agg(field: str, after: dict[str, Any] | None = None) -> Aggs:
    """One page of every value of a field (a facet's, or the clusters)."""
    spec: dict[str, Any] = {"size": FACET_SIZE, "sources": [{"value": {"terms": {"field": field}}}]}
    if after is not None:
        spec["after"] = after
    return {"page": {"composite": spec}}


def cluster_aggs() -> Aggs:
    """The clusters of two or more matches (every other match is a cluster of its own).

    Only documents the store put in a cluster of copies (``clustered``) can share one, so the
    terms are gathered over those alone: in an archive of mostly unique releases that is a
    small part of the matches (a collapsed search over 100,000 took 3-4 times longer otherwise).
    """
    shared = {"terms": {"field": "cluster", "min_doc_count": 2, "size": FACET_SIZE}}
    return {"clusters": {"filter": {"term": {"clustered": True}}, "aggs": {"shared": shared}}}


def cluster_count(total: int, aggregations: Aggs) -> int | None:
    """How many near-duplicate clusters ``total`` matches form; None when there were too many
    shared clusters to list (count them with :func:`composite_agg` instead)."""
    clusters = aggregations["clusters"]["shared"]
    if clusters.get("sum_other_doc_count"):
        return None
    return total - sum(int(bucket["doc_count"]) - 1 for bucket in clusters["buckets"])


def facet_counts(aggregations: Aggs, complete: dict[str, Counter[str]] | None = None) -> dict[str, dict[str, int]]:
    """Value -> count per facet, most frequent first (ties alphabetical), blanks left out;
    ``complete`` holds the counts of facets paged through separately."""
    facets = {}
    for name in FACET_FIELDS:
        if complete and name in complete:
            counts = complete[name]
        else:
            counts = Counter({_key(b): int(b["doc_count"]) for b in aggregations[f"facet_{name}"]["buckets"]})
        present = {key: count for key, count in counts.items() if key.strip()}
        facets[name] = dict(sorted(present.items(), key=lambda item: (-item[1], item[0])))
    return facets


def _key(bucket: dict[str, Any]) -> str:
    key = bucket["key"]
    return str(int(key)) if isinstance(key, (int, float)) else str(key)


def span_aggs() -> Aggs:
    """The first and last day of the matches, and their months."""
    return {
        "day_min": {"min": {"field": "day"}},
        "day_max": {"max": {"field": "day"}},
        **period_aggs("month"),
    }


def period_aggs(interval: str) -> Aggs:
    """Counts per period code of ``interval`` (years are counted as months)."""
    if interval == "day":
        spec: dict[str, Any] = {"field": "day", "interval": 1}
    elif interval == "week":
        spec = {"field": "day", "interval": 7, "offset": 1}
    else:
        spec = {"field": "month", "interval": 1}
    return {f"periods_{'month' if interval == 'year' else interval}": {"histogram": {**spec, "min_doc_count": 1}}}


def span(aggregations: Aggs) -> tuple[int, int] | None:
    """(first, last) day ordinal of the dated matches; None when none is dated."""
    first, last = aggregations["day_min"].get("value"), aggregations["day_max"].get("value")
    if first is None or last is None:
        return None
    return int(first), int(last)


def chosen_interval(requested: str, aggregations: Aggs) -> str | None:
    """The interval the timeline counts by; None when no match is dated."""
    found = span(aggregations)
    if found is None:
        return None
    return choose_interval(requested, *found)


def needs_second_request(interval: str) -> bool:
    """Whether the first request's aggregations lack this interval's counts."""
    return interval in ("day", "week")


def timeline(requested: str, interval: str | None, aggregations: Aggs) -> tuple[str, list[Period]]:
    """The interval counted by and its periods with matches, oldest first."""
    if interval is None:
        return ("month" if requested == AUTO_INTERVAL else requested), []
    source = "month" if interval in ("month", "year") else interval
    counts: Counter[int] = Counter()
    for bucket in aggregations[f"periods_{source}"]["buckets"]:
        key = int(bucket["key"])
        code = (key - 1) // 7 if interval == "week" else key // 12 if interval == "year" else key
        counts[code] += int(bucket["doc_count"])
    return interval, [
        Period(period_label(interval, code), *period_range(interval, code), count)
        for code, count in sorted(counts.items())
    ]
