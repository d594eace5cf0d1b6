"""The sources page and its JSON twin: what the archive holds from each source.

Each source with its document count, the range of its publication and capture dates, its
last crawl (when, how it ended, its errors by kind and the first one) and its removals (taken
down or delisted now, and ever), linking to the search page filtered by the source.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from pressarchive.web import urls
from pressarchive.web.apierrors import bad_host_doc
from pressarchive.web.apiexamples import ok
from pressarchive.web.deps import Service
from pressarchive.web.render import render

api_router = APIRouter(tags=["archive"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

SOURCES_EXAMPLE = {"sources": [{
    "name": "example-police", "title": "Example Police press room", "agency": "Example Police", "country": "NL",
    "language": "nl", "kind": "press_room", "documents": 1250,
    "published": {"earliest": "2015-03-02", "latest": "2026-11-30"},
    "captured": {"first": "2026-01-10T08:00:12Z", "last": "2026-12-01T06:02:40Z"},
    "removals": {"open": 3, "total": 5},
    "last_run": {"run": 41, "started": "2026-12-01T06:00:00Z", "finished": "2026-12-01T06:03:10Z",
                   "status": "finished", "fetched": 120, "new": 4, "changed": 1, "unchanged": 110, "removed": 0,
                   "errors": 2, "errors_by_kind": {"http_500": 2}, "first_error": "http_500 https://...",
                   "failure": "", "finish_reason": "finished"},
    "search_url": "/search?source=example-police",
}]}


@api_router.get(
    urls.API_SOURCES,
    summary="Every source with its documents, dates, last crawl and removals",
    description="One entry per source the archive knows, by name: its profile's `title`, `agency`, "
    "`country`, `language` and `kind`; `documents`; `published` (`earliest`, `latest` publication date of "
    "their current versions; null when none has a date); `captured` (`first`, `last` capture, UTC); "
    "`removals` (`open`: documents the source has taken down or delisted now, `total`: removals ever "
    "recorded); `last_run` (the latest crawl run: `run`, `started`, `finished`, `status`, and from its "
    "report `fetched`, `new`, `changed`, `unchanged`, `removed`, `errors`, `errors_by_kind`, "
    "`first_error`, `failure`, `finish_reason`, null while the run has no report), null if never "
    "crawled; `search_url`: the search page listing its documents.",
    responses={200: ok("The sources.", SOURCES_EXAMPLE), 400: bad_host_doc(urls.API_SOURCES)},
)
def api_sources(service: Service) -> JSONResponse:
    return JSONResponse({"sources": [_with_link(source.to_json()) for source in service.sources()]})


@page_router.get(urls.SOURCES)
def sources_page(service: Service) -> HTMLResponse:
    """Every source, what the archive holds from it and how its last crawl went."""
    return render("sources.html", sources=service.sources(), json_url=urls.api_sources_url())


def _with_link(source: dict[str, Any]) -> dict[str, Any]:
    return {**source, "search_url": urls.filter_url({}, "source", source["name"])}
