"""The JSON API: the twin of every page, documented in the OpenAPI schema at /docs.

Bodies are exactly what the CLI prints with ``--json`` (``SearchResult.to_json()``,
``StoredDocument.to_json()``, ``ArchiveService.status()``), so a script written against one
works against the other. Errors are ``{"error": "<one line>"}`` with a 4xx status.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from pressarchive.service import MAX_LIMIT
from pressarchive.web import urls
from pressarchive.web.deps import Service
from pressarchive.web.params import (
    DEFAULT_LIMIT, MAX_PAGE, MAX_QUERY_CHARS, MAX_YEAR, MIN_YEAR, DocId, search_request,
)


class ErrorBody(BaseModel):
    """What every failed API call returns."""

    error: str


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


def _example(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"example": example}}}


QUERY_SYNTAX = (
    'All words must match (AND) unless joined by `OR`; `NOT word` excludes; `"exact phrase"`; '
    "`operation:name`, `title:word`; `published:[2017-01-01 TO 2017-12-31]`. "
    f"Empty: browse everything, newest first. At most {MAX_QUERY_CHARS} characters."
)
SEARCH_EXAMPLE = {
    "query": "europol",
    "total": 1,
    "hits": [{
        "id": 42, "url": "https://example.org/press/2017/avalanche", "title": "Avalanche takedown",
        "published": "2017-12-01", "source": "example-police", "language": "en",
        "operations": ["avalanche"], "snippet": "... a joint action with Europol and ...",
    }],
    "facets": {"language": {"en": 1}, "source": {"example-police": 1}, "year": {"2017": 1},
               "operation": {"avalanche": 1}},
}

router = APIRouter(tags=["archive"])


@router.get(
    urls.API_SEARCH,
    summary="Search the archive",
    description="Full-text search over the current text of every archived press release, "
    "with counts per language, source, year and operation for the matching documents.",
    responses={
        200: _example("The matching page of hits and the facet counts.", SEARCH_EXAMPLE),
        400: _error("Bad query syntax, date, sort, limit, page or year."),
    },
)
def api_search(
    service: Service,
    q: Annotated[str, Query(description=QUERY_SYNTAX)] = "",
    sort: Annotated[Literal["relevance", "date"] | None, Query(
        description="`relevance` (default with a query) or `date`, newest first (default without).",
    )] = None,
    language: Annotated[str | None, Query(
        description="Only this language code, e.g. `de`.",
    )] = None,
    source: Annotated[str | None, Query(description="Only this source (profile name).")] = None,
    operation: Annotated[str | None, Query(
        description="Only documents naming this operation (case and accents ignored).",
    )] = None,
    year: Annotated[int | None, Query(
        description=f"Only documents published in this year ({MIN_YEAR}-{MAX_YEAR}).",
    )] = None,
    since: Annotated[str | None, Query(description="Published on or after, `YYYY-MM-DD`.")] = None,
    until: Annotated[str | None, Query(description="Published on or before, `YYYY-MM-DD`.")] = None,
    limit: Annotated[int | None, Query(
        description=f"Hits per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    )] = None,
    page: Annotated[int | None, Query(description=f"Page number, 1 to {MAX_PAGE}.")] = None,
) -> JSONResponse:
    request = search_request(
        q, limit=limit, page=page, sort=sort, language=language, source=source,
        operation=operation, year=year, since=since, until=until,
    )
    return JSONResponse(service.search(request).to_json())


@router.get(
    urls.API_DOC,
    summary="One document with its versions",
    description="The current metadata and text of a document, and every distinct version "
    "archived, oldest first, each with its capture time, payload SHA-256 and WARC location.",
    responses={
        200: {"description": "The document."},
        400: _error("The id is not a positive whole number."),
        404: _error("No document has this id."),
    },
)
def api_doc(doc_id: DocId, service: Service) -> JSONResponse:
    return JSONResponse(service.document(doc_id).to_json())


@router.get(
    urls.API_STATUS,
    summary="What the archive holds",
    description="Counts of documents, versions, captures, sources and index entries.",
    responses={200: {"description": "The counts."}},
)
def api_status(service: Service) -> JSONResponse:
    return JSONResponse(service.status())
