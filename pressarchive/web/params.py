"""From query-string values to a validated :class:`SearchRequest`, alike for pages and API.

The validation proper lives in :func:`pressarchive.service.build_request`, shared with the CLI.
This module adds only what a URL needs on top: whole numbers parsed with a readable message,
and the browse default (no query means newest first); the bounds on query length, year,
page and id are the service's, so the CLI keeps them too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from fastapi import Path

from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.service import MAX_DOC_ID, build_request, parse_date

DEFAULT_LIMIT = 10

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
    source_agency: str | None = None, source_country: str | None = None, cluster: int | None = None,
    year: int | None = None, since: str | None = None, until: str | None = None,
    collapse: bool = False, expand: bool = False,
) -> SearchRequest:
    """A validated request; ``None`` means the default for every optional value."""
    parse_date(since, "since date")  # checked here for the web's wording, passed on as typed
    parse_date(until, "until date")
    return build_request(
        query, limit=DEFAULT_LIMIT if limit is None else limit, page=1 if page is None else page,
        sort=sort or default_sort(query), language=language, source=source,
        operation=operation, agency=agency, country=country, source_agency=source_agency,
        source_country=source_country, cluster=cluster, year=year, since=since, until=until,
        collapse=collapse, expand=expand,
    )


def request_from_params(params: Mapping[str, str]) -> SearchRequest:
    """The request that the (cleaned, string-valued) parameters of a search page ask for."""
    return search_request(
        params.get("q", ""), limit=whole_number(params, "limit"),
        page=whole_number(params, "page"), sort=params.get("sort"),
        language=params.get("language"), source=params.get("source"),
        operation=params.get("operation"), agency=params.get("agency"),
        country=params.get("country"), source_agency=params.get("source_agency"),
        source_country=params.get("source_country"), cluster=whole_number(params, "cluster"),
        year=whole_number(params, "year"), since=params.get("since"), until=params.get("until"),
        collapse=switch(params, "collapse"), expand=switch(params, "expand"),
    )


def switch(params: Mapping[str, str], name: str) -> bool:
    """An on/off parameter: ``1``/``true``/``on``/``yes`` or ``0``/``false``/``off``/``no``."""
    raw = params.get(name, "").strip().lower()
    if raw in ("", "0", "false", "off", "no"):
        return False
    if raw in ("1", "true", "on", "yes"):
        return True
    raise UserError(f"bad {name} {raw[:40]!r}: expected 1 (on) or 0 (off)")


def whole_number(params: Mapping[str, str], name: str) -> int | None:
    """``params[name]`` as an int, ``None`` if absent, a :class:`UserError` if not a number."""
    raw = params.get(name)
    if raw is None:
        return None
    if not _WHOLE.fullmatch(raw):
        raise UserError(f"bad {name} {raw[:40]!r}: expected a whole number")
    return int(raw)
