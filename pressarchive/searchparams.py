"""Every search parameter and facet, defined once; each face derives its own view of them.

The CLI's ``search`` options, the web's query-string parsing and links, the API's query
parameters (and so its OpenAPI schema), the search form and the active-filter and facet
labels all read :data:`PARAMS`, so adding a filter means adding one :class:`Param` here (and
teaching the index to apply it). This module imports nothing beyond the standard library and
the project's error and date helpers, so the CLI, the web and the index can all use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pressarchive.errors import UserError
from pressarchive.isodate import iso_date

Kind = Literal["text", "int", "date", "bool", "choice"]

SORTS = ("relevance", "date")
#: Timeline granularities; ``auto`` lets the span of the matches decide.
AUTO_INTERVAL = "auto"
INTERVALS = (AUTO_INTERVAL, "day", "week", "month", "year")
#: Longest span of the matches (oldest to newest day, inclusive) each interval is chosen for
#: under ``auto``: days up to about two months (at most 62 bars), ISO weeks up to about a year
#: (at most 54), months up to fifteen years (at most 181); years beyond.
AUTO_SPANS: tuple[tuple[str, int], ...] = (("day", 62), ("week", 371), ("month", 15 * 366))
_AUTO_RULE = ", ".join(f"{interval}s for spans up to {days} days" for interval, days in AUTO_SPANS)
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
#: Bounds that keep absurd values (a query of many thousand characters, year 10**30, page
#: 10**12, id 10**30) from ever reaching the parser, the index or SQLite.
MAX_QUERY_CHARS = 1_000
MAX_PAGE = 10_000
MIN_YEAR, MAX_YEAR = 1, 9999
MAX_DOC_ID = 2**63 - 1  # SQLite's largest integer key


def check_limit(limit: int) -> None:
    """A page size the index serves; shared with "more like this"."""
    if not 1 <= limit <= MAX_LIMIT:
        raise UserError(f"bad limit {limit}: expected 1 to {MAX_LIMIT}", parameter="limit", value=limit)


def _check_query(query: str) -> None:
    if len(query) > MAX_QUERY_CHARS:
        raise UserError(f"query too long: {len(query)} characters, at most {MAX_QUERY_CHARS}", parameter="q")


def _check_sort(sort: str) -> None:
    if sort not in SORTS:
        raise UserError(f"bad sort {sort!r}: expected one of {', '.join(SORTS)}", parameter="sort", value=sort)


def _check_interval(interval: str) -> None:
    if interval not in INTERVALS:
        raise UserError(f"bad interval {interval!r}: expected one of {', '.join(INTERVALS)}")


def _check_page(page: int) -> None:
    if page < 1:
        raise UserError(f"bad page {page}: pages start at 1", parameter="page", value=page)
    if page > MAX_PAGE:
        raise UserError(
            f"bad page {page}: at most {MAX_PAGE}; narrow the search instead", parameter="page", value=page,
        )


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(f"bad year {year}: expected {MIN_YEAR} to {MAX_YEAR}", parameter="year", value=year)


def _check_cluster(cluster: int) -> None:
    if not 1 <= cluster <= MAX_DOC_ID:
        raise UserError(f"bad cluster {cluster}: expected a document id", parameter="cluster", value=cluster)


def parse_date(value: str | None, what: str = "date", parameter: str | None = None) -> date | None:
    """A YYYY-MM-DD string as a date; a clear error for anything else (naming ``parameter``)."""
    if value is None or value == "":
        return None
    try:
        return iso_date(value)
    except ValueError:
        raise UserError(f"bad {what} {value[:40]!r}: expected YYYY-MM-DD", parameter=parameter, value=value) from None


@dataclass(frozen=True)
class Param:
    """One search parameter as every face sees it.

    ``name`` is its URL and API key, ``field`` the :class:`~pressarchive.index.SearchRequest`
    attribute it fills, ``flag`` its CLI option (``None``: the query, a CLI argument).
    ``help`` is the CLI's help, ``doc`` the API's description. ``label`` names it as an
    active filter on the search page (``None``: not a filter); ``facet`` is its place among
    the facets (0: not a facet). ``check`` validates a given (non-empty) value; ``form`` is
    the search form's label for the inputs the form spells out from here. ``title`` names a
    parameter that is neither a filter nor a form input (the query, the sort) where a search's
    parameters are listed for people. ``display_only`` marks a parameter that changes how
    results are shown, not which: saved searches do not keep it, and it does not make a
    search of a collection export.
    """

    name: str
    kind: Kind
    help: str
    doc: str
    flag: str | None = None
    metavar: str | None = None
    field: str = ""
    default: str | int | bool | None = None
    choices: tuple[str, ...] = ()
    label: str | None = None
    facet: int = 0
    check: Callable[..., None] | None = None
    form: str = ""
    title: str = ""
    display_only: bool = False

    @property
    def attr(self) -> str:
        """The SearchRequest attribute (and build_request keyword) this parameter fills."""
        return self.field or self.name

    @property
    def is_filter(self) -> bool:
        return self.label is not None

    @property
    def shown_as(self) -> str:
        """Its name for people, where a search's parameters are listed (saved searches, feeds)."""
        return self.title or self.label or self.form or self.name


def _text_filter(name: str, flag: str, metavar: str, help: str, doc: str, label: str, facet: int = 0) -> Param:
    return Param(name, "text", help, doc, flag=flag, metavar=metavar, label=label, facet=facet)


#: Every search parameter, in the order links spell them.
PARAMS: tuple[Param, ...] = (
    Param("q", "text", "Search words.", "The query.", field="query", default="", check=_check_query,
          title="Query"),
    Param("expand", "bool", "Expand every query word the thesaurus knows (as ~word does).",
          "`1`: expand every query word the thesaurus knows, as `~word` does for one.",
          flag="--expand", default=False, form="expand words with the thesaurus"),
    Param("collapse", "bool", "Show each near-duplicate cluster once, with 'N similar'.",
          "`1`: show each near-duplicate cluster once, with `similar` counting the rest.",
          flag="--collapse", default=False, form="collapse near-duplicates"),
    Param("sort", "choice", "Order of hits.",
          "`relevance` (default with a query) or `date`, newest first (default without).",
          flag="--sort", default="relevance", choices=SORTS, check=_check_sort, title="Sort"),
    _text_filter("language", "--lang", "CODE", "Only documents in this language (e.g. es).",
                 "Only this language code, e.g. `de`.", "Language", facet=1),
    _text_filter("source", "--source", "NAME", "Only documents from this source.",
                 "Only this source (profile name).", "Source", facet=2),
    _text_filter("source_agency", "--source-agency", "NAME", "Only documents from sources of this agency.",
                 "Only documents published by sources of this agency (as the source profile names it).",
                 "Source's agency"),
    _text_filter("source_country", "--source-country", "CC",
                 "Only documents from sources in this country (ISO code).",
                 "Only documents published by sources in this country, ISO 3166 code.",
                 "Source's country", facet=3),
    _text_filter("agency", "--agency", "ID", "Only documents mentioning this agency (its id, e.g. europol).",
                 "Only documents mentioning this agency, by id, e.g. `europol`.", "Agency mentioned", facet=5),
    _text_filter("country", "--country", "CC", "Only documents mentioning this country (ISO code, e.g. PT).",
                 "Only documents mentioning this country, ISO 3166 code, e.g. `PT`.", "Country mentioned",
                 facet=4),
    _text_filter("operation", "--operation", "NAME",
                 "Only documents naming this operation (case and accents ignored).",
                 "Only documents naming this operation (case and accents ignored).", "Operation", facet=7),
    Param("cluster", "int", "Only documents of this near-duplicate cluster.",
          "Only documents of this near-duplicate cluster (a hit's `cluster`).",
          flag="--cluster", metavar="ID", label="Copies of", check=_check_cluster),
    Param("year", "int", "Only documents published in this year.",
          f"Only documents published in this year ({MIN_YEAR}-{MAX_YEAR}).",
          flag="--year", label="Year", facet=6, check=_check_year),
    Param("since", "date", "Only documents published on or after this date.",
          "Published on or after, `YYYY-MM-DD`.", flag="--since", metavar="YYYY-MM-DD",
          label="Published since", form="Published from"),
    Param("until", "date", "Only documents published on or before this date.",
          "Published on or before, `YYYY-MM-DD`.", flag="--until", metavar="YYYY-MM-DD",
          label="Published until", form="to"),
    Param("interval", "choice", "Timeline granularity: auto chooses by the span of the matches.",
          "Timeline granularity: `day`, `week` (ISO weeks), `month`, `year`, or `auto` (default): "
          f"by the span of the matches, {_AUTO_RULE}, else years.",
          flag="--interval", default=AUTO_INTERVAL, choices=INTERVALS, check=_check_interval, display_only=True),
    Param("limit", "int", f"Hits per page (1-{MAX_LIMIT}).",
          f"Hits per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
          flag="--limit", default=DEFAULT_LIMIT, check=check_limit),
    Param("page", "int", "Page of hits to show.", f"Page number, 1 to {MAX_PAGE}.",
          flag="--page", default=1, check=_check_page),
)

BY_NAME: Mapping[str, Param] = {param.name: param for param in PARAMS}
#: The URL keys, in link order.
NAMES: tuple[str, ...] = tuple(param.name for param in PARAMS)
#: Every facet, in display order (a facet's name is its filter parameter's name).
FACETS: tuple[str, ...] = tuple(p.name for p in sorted((p for p in PARAMS if p.facet), key=lambda p: p.facet))
#: Everything that narrows a search besides the query: the facets, then the other filters.
FILTERS: tuple[str, ...] = (*FACETS, *(p.name for p in PARAMS if p.is_filter and not p.facet))
#: On/off switches: present as ``1`` when on, absent when off.
SWITCHES: tuple[str, ...] = tuple(p.name for p in PARAMS if p.kind == "bool")
#: The parameters that choose a page of the results rather than the results: feeds and saved
#: searches leave them out.
PAGING: tuple[str, ...] = ("page", "limit")
#: The parameters that say which documents a search finds and in what order: not the page,
#: not how they are shown. What a saved search keeps, and what makes an export a search's.
SELECTING: tuple[str, ...] = tuple(p.name for p in PARAMS if p.name not in PAGING and not p.display_only)
#: The active-filter label of each filter, facets first.
FILTER_LABELS: Mapping[str, str] = {name: BY_NAME[name].label or name for name in FILTERS}
#: The heading of each facet, in display order.
FACET_LABELS: Mapping[str, str] = {name: FILTER_LABELS[name] for name in FACETS}


def validate(values: Mapping[str, object], date_wording: Callable[[Param], str]) -> dict[str, object]:
    """The SearchRequest fields for ``values`` (keyed by :attr:`Param.attr`), checked.

    Empty text becomes ``None``, dates are parsed (their error names the date as
    ``date_wording(param)`` says: ``--since date`` on the CLI, ``since date`` on the web) and
    each given value goes through its parameter's check, in link order.
    """
    fields: dict[str, object] = {}
    for param in PARAMS:
        value = values.get(param.attr, param.default)
        if param.kind == "date":
            value = parse_date(value if isinstance(value, str) else None, date_wording(param), param.name)
        elif param.kind == "bool":
            value = bool(value)
        elif param.kind == "text" and param.name != "q":
            value = value or None
        if value is not None and param.check is not None:
            param.check(value)
        fields[param.attr] = value
    start, end = fields.get("since"), fields.get("until")
    if isinstance(start, date) and isinstance(end, date) and start > end:
        raise UserError(f"empty date range: since {start} is after until {end}", parameter="until", value=str(end))
    fields["query"] = str(fields["query"]).strip()
    return fields
