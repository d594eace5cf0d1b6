"""The values that cross the index boundary: a search request, its hits and its result.

Plain dataclasses without whoosh types, so the web layer and the CLI can build requests and
render results without knowing the engine behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from pressarchive.searchparams import AUTO_INTERVAL, INTERVALS, MAX_LIMIT, SORTS



@dataclass(frozen=True)
class SearchRequest:
    """One search: query text, paging, sort order, exact-match filters and switches.

    ``country`` and ``agency`` select documents that *mention* that country (ISO code) or
    agency (id); ``source_country`` and ``source_agency`` those *published by* a source of
    that country or agency. ``collapse`` shows each near-duplicate cluster once; ``expand``
    expands every query word the thesaurus knows (``~word`` does it for one word).
    """

    query: str = ""  # empty = match everything (browse)
    limit: int = 10
    page: int = 1
    sort: str = "relevance"  # or "date" (newest first)
    language: str | None = None
    source: str | None = None
    agency: str | None = None  # mentioned agency id, e.g. "europol"
    country: str | None = None  # mentioned country, e.g. "PT"; compared folded, like every filter
    source_agency: str | None = None
    source_country: str | None = None
    operation: str | None = None  # case/accent-insensitive match on the normalised name
    cluster: int | None = None  # only this near-duplicate cluster
    year: int | None = None
    since: date | None = None
    until: date | None = None
    collapse: bool = False
    expand: bool = False
    interval: str = AUTO_INTERVAL  # timeline granularity: day, week, month, year or auto

    def clamped(self) -> SearchRequest:
        """The same request with limit in 1..MAX_LIMIT, page >= 1 and a known sort."""
        return replace(
            self,
            limit=min(max(int(self.limit), 1), MAX_LIMIT),
            page=max(int(self.page), 1),
            sort=self.sort if self.sort in SORTS else "relevance",
            interval=self.interval if self.interval in INTERVALS else AUTO_INTERVAL,
        )


@dataclass
class Hit:
    """One matching document as shown in a result list."""

    id: int
    url: str
    title: str
    published: date | None
    source: str
    language: str
    operations: list[str]
    score: float
    cluster: int = 0  # near-duplicate cluster (the document's own id when it has no copies)
    similar: int = 0  # collapsed searches: other matches of the search in the same cluster
    # Text segments in order; True marks a matched term. Plain text: escaping is the web's job.
    snippet: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def snippet_text(self) -> str:
        """The snippet as one plain string, without highlighting."""
        return "".join(text for text, _ in self.snippet)

    @property
    def highlights(self) -> list[tuple[int, int]]:
        """[start, end) character offsets of the matched terms in :attr:`snippet_text`."""
        spans, offset = [], 0
        for text, matched in self.snippet:
            if matched and text:
                spans.append((offset, offset + len(text)))
            offset += len(text)
        return spans

    def to_json(self) -> dict[str, object]:
        """JSON-ready dict for the API: the hit, its score and its snippet with highlight spans."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "language": self.language,
            "operations": list(self.operations),
            "score": round(float(self.score), 6),
            "snippet": self.snippet_text,
            "highlights": [list(span) for span in self.highlights],
            "cluster": self.cluster,
            "similar": self.similar,
        }


@dataclass(frozen=True)
class Period:
    """One bar of the timeline: a day, ISO week, month or year with its matches.

    ``label`` names it (``2019-02-14``, ``2019-W07``, ``2019-02``, ``2019``); ``since`` and
    ``until`` are its first and last day, what a search narrowed to it filters on.
    """

    label: str
    since: date
    until: date
    count: int

    def to_json(self) -> dict[str, object]:
        return {"period": self.label, "since": self.since.isoformat(), "until": self.until.isoformat(),
                "count": self.count}


@dataclass
class SearchResult:
    """A page of hits, the total number of matches, and facets and timeline over all of them.

    ``facets`` maps each facet of :data:`~pressarchive.index.whooshindex.facets.FACET_NAMES` to value ->
    count (most frequent first, every value); ``timeline`` holds the periods of ``interval``
    (day, week, month or year: the request's, or the one the span of the matches called for)
    that have matches, in chronological order, undated matches left out. ``total``, facets
    and timeline always count documents; a collapsed search also gives ``clusters``, the
    number of distinct near-duplicate clusters among the matches, which is what its pages
    are cut from. ``expansions`` maps each thesaurus-expanded word as written to the terms it
    searched. ``sort`` is the order asked for (a search without words lists by date either way).
    """

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    timeline: list[Period] = field(default_factory=list)
    interval: str = "month"
    sort: str = "relevance"
    clusters: int | None = None  # set when the search was collapsed
    expansions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def histogram(self) -> dict[str, int]:
        """Period label -> matches, oldest first (``YYYY-MM`` keys when counted by month)."""
        return {period.label: period.count for period in self.timeline}

    @property
    def listed(self) -> int:
        """How many entries the result list has over all pages: clusters when collapsed."""
        return self.total if self.clusters is None else self.clusters

    @property
    def last_page(self) -> int:
        """The number of the last page, at least 1 (an empty result is one empty page)."""
        return max(1, -(-self.listed // max(self.limit, 1)))

    def to_json(self) -> dict[str, object]:
        """JSON-ready dict for the API: everything the search page shows."""
        body: dict[str, object] = {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "last_page": self.last_page,
            "sort": self.sort,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": {name: dict(counts) for name, counts in self.facets.items()},
            "interval": self.interval,
            "histogram": self.histogram,
            "timeline": [period.to_json() for period in self.timeline],
            "expansions": {written: list(terms) for written, terms in self.expansions.items()},
        }
        if self.clusters is not None:
            body["clusters"] = self.clusters
        return body
