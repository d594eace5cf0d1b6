"""From query-string values to a validated :class:`SearchRequest`, alike for pages and API.

The validation proper lives in :func:`pressarchive.service.build_request`, shared with the CLI.
This module adds only what a URL needs on top: whole numbers parsed with a readable message,
the browse default (no query means newest first), and bounds that keep absurd values (a
query of many thousand characters, year 10**30, page 10**12) from ever reaching the index.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from fastapi import Path

from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.service import build_request, parse_date

DEFAULT_LIMIT = 10
MAX_PAGE = 10_000
MAX_QUERY_CHARS = 1_000
MIN_YEAR, MAX_YEAR = 1, 9999
MAX_DOC_ID = 2**63 - 1  # SQLite's largest integer key

#: A document id in a path: a positive integer the store can hold, else a 400.
DocId = Annotated[int, Path(ge=1, le=MAX_DOC_ID, description="The document's id in the archive.")]

_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


def default_sort(query: str) -> str:
    """Relevance when there is something to be relevant to, otherwise newest first."""
    return "relevance" if query.strip() else "date"


def search_request(
    query: str = "", *, limit: int | None = None, page: int | None = None,
    sort: str | None = None, language: str | None = None, source: str | None = None,
    operation: str | None = None, agency: str | None = None, country: str | None = None,
    year: int | None = None, since: str | None = None, until: str | None = None,
) -> SearchRequest:
    """A validated request; ``None`` means the default for every optional value."""
    if len(query) > MAX_QUERY_CHARS:
        raise UserError(f"query too long: {len(query)} characters, at most {MAX_QUERY_CHARS}")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(f"bad year {year}: expected {MIN_YEAR} to {MAX_YEAR}")
    if page is not None and page > MAX_PAGE:
        raise UserError(f"bad page {page}: at most {MAX_PAGE}; narrow the search instead")
    parse_date(since, "since date")  # checked here for the web's wording, passed on as typed
    parse_date(until, "until date")
    return build_request(
        query, limit=DEFAULT_LIMIT if limit is None else limit, page=1 if page is None else page,
        sort=sort or default_sort(query), language=language, source=source,
        operation=operation, agency=agency, country=country, year=year, since=since, until=until,
    )


def request_from_params(params: Mapping[str, str]) -> SearchRequest:
    """The request that the (cleaned, string-valued) parameters of a search page ask for."""
    return search_request(
        params.get("q", ""), limit=whole_number(params, "limit"),
        page=whole_number(params, "page"), sort=params.get("sort"),
        language=params.get("language"), source=params.get("source"),
        operation=params.get("operation"), agency=params.get("agency"),
        country=params.get("country"), year=whole_number(params, "year"),
        since=params.get("since"), until=params.get("until"),
    )


def whole_number(params: Mapping[str, str], name: str) -> int | None:
    """``params[name]`` as an int, ``None`` if absent, a :class:`UserError` if not a number."""
    raw = params.get(name)
    if raw is None:
        return None
    if not _WHOLE.fullmatch(raw):
        raise UserError(f"bad {name} {raw[:40]!r}: expected a whole number")
    return int(raw)
