"""The JSON API of saved searches: list, save, delete, and what is new for one.

Bodies are what ``pressarchive saved --json`` and ``alerts --dry-run --json`` print, plus the
links of each saved search. Saving and deleting write, so they need the server's write token
(``Authorization: Bearer TOKEN``); a server started without one answers them with 403. The
parameters of a saved search are the search's own (the names ``/api/search`` takes), parsed
exactly as the search page parses its query string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pressarchive.alerts import SavedSearches, link_params, saved_json
from pressarchive.alerts.savedparams import MAX_NAME_CHARS
from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.store.savedsearches import SavedSearchRow
from pressarchive.web import urls
from pressarchive.web.apierrors import bad_host_doc, error_doc, token_error_docs
from pressarchive.web.apiexamples import ok
from pressarchive.web.writeaccess import READ_ONLY
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.operations_api import Writer
from pressarchive.web.params import request_from_params

router = APIRouter(tags=["saved searches"])

SavedName = Annotated[str, Path(
    description="The saved search's name.", max_length=4 * MAX_NAME_CHARS, examples=["kestrel-es"],
)]
SAVED_EXAMPLE = {
    "name": "kestrel-es", "params": {"q": "kestrel", "sort": "relevance", "language": "es"},
    "created_at": "2024-03-01T09:30:00Z", "last_alerted_at": "2024-03-02T06:00:00Z",
    "search_url": "/search?q=kestrel&sort=relevance&language=es", "feed_url": "/saved/kestrel-es/feed.atom",
    "api_url": "/api/saved/kestrel-es", "new_url": "/api/saved/kestrel-es/new",
}
NEW_EXAMPLE = {
    "name": "kestrel-es", "params": SAVED_EXAMPLE["params"], "since": "2024-03-02T06:00:00Z", "matches": 14,
    "new": [{
        "id": 42, "version": 1, "title": "Operación Kestrel: doce detenidos", "source": "es-policia",
        "url": "https://example.org/prensa/kestrel", "language": "es", "published": "2024-03-04",
        "first_captured": "2024-03-04T08:12:00Z", "captured_at": "2024-03-04T08:12:00Z",
        "permalink": "http://127.0.0.1:8000/doc/42?version=1",
    }],
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "A bad name (empty, over 100 characters, control or format characters, `/`, `.` or `..`) "
        "or a search parameter the search would refuse (unknown name, bad query, date, year...).", "/api/saved",
        "bad since date '2024-13-01': expected YYYY-MM-DD", parameter="since", value="2024-13-01",
    ),
    **token_error_docs("/api/saved", READ_ONLY),
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "The name is longer than any saved search's could be.", "/api/saved/" + "x" * 40,
        "bad name: at most 100 characters", parameter="name", location="path",
    ),
    404: error_doc(
        404, "No saved search has this name.", "/api/saved/kestrel-se", "no saved search named 'kestrel-se'",
    ),
}


class SaveBody(BaseModel):
    name: str = Field(
        description="1 to 100 characters; no control or format characters, no `/`, not `.` or `..`.", max_length=1000,
    )
    params: dict[str, str | int | bool] = Field(
        default_factory=dict, description="The search's parameters by their `/api/search` names; `page` and "
        "`limit` are not saved. Values as in a query string (`collapse`: `1` or true).",
        examples=[{"q": "kestrel", "language": "es"}],
    )


def search_request_of(values: Mapping[str, object]) -> SearchRequest:
    """The search that parameter ``values`` (by URL name, as a form or a JSON body gives them)
    ask for, parsed as the search page parses its query string; unknown names are refused."""
    unknown = sorted(set(values) - set(urls.SEARCH_PARAMS))
    if unknown:
        raise UserError(f"not search parameters: {', '.join(name[:40] for name in unknown[:5])}")
    text = {name: "1" if value is True else "0" if value is False else str(value) for name, value in values.items()}
    return request_from_params(urls.clean_params(text))


def with_links(saved: SavedSearchRow) -> dict[str, Any]:
    """A saved search's JSON with where to open it, its feed and its API addresses."""
    return {
        **saved_json(saved), "search_url": urls.search_url(link_params(saved.params)),
        "feed_url": urls.saved_feed_url(saved.name), "api_url": urls.api_saved_url(saved.name),
        "new_url": urls.api_saved_new_url(saved.name),
    }


@router.get(
    urls.API_SAVED, summary="Every saved search",
    description="The saved searches by name, each with its parameters, when it was saved and when its "
    "alert last ran (`pressarchive alerts`), and its links.",
    responses={200: ok("The saved searches.", {"saved": [SAVED_EXAMPLE]}), 400: bad_host_doc(urls.API_SAVED)},
)
def api_saved(service: Service) -> JSONResponse:
    return JSONResponse({"saved": [with_links(saved) for saved in SavedSearches(service).listing()]})


@router.post(
    urls.API_SAVED, summary="Save a search", status_code=201,
    description="Saves the search `params` as `name`; its alert reports documents that arrive from now "
    "on. Needs the write token.",
    responses={
        201: ok("The saved search.", SAVED_EXAMPLE),
        **WRITE_ERRORS,
        409: error_doc(
            409, "A saved search already has this name.", "/api/saved", "a saved search named 'kestrel-es' exists",
        ),
    },
)
def api_save(body: SaveBody, service: Service, _writer: Writer) -> JSONResponse:
    saved, _matches = SavedSearches(service).save(body.name, search_request_of(body.params))
    return JSONResponse(with_links(saved), status_code=201)


@router.get(
    urls.API_SAVED_ONE, summary="One saved search",
    responses={200: ok("The saved search.", SAVED_EXAMPLE), **NOT_FOUND},
)
def api_saved_one(name: SavedName, service: Service) -> JSONResponse:
    return JSONResponse(with_links(SavedSearches(service).get(name)))


@router.delete(
    urls.API_SAVED_ONE, summary="Delete a saved search", description="Needs the write token.",
    responses={
        200: ok("Deleted.", {"deleted": "kestrel-es"}),
        **WRITE_ERRORS, **NOT_FOUND,
    },
)
def api_unsave(name: SavedName, service: Service, _writer: Writer) -> JSONResponse:
    SavedSearches(service).delete(name)
    return JSONResponse({"deleted": name})


@router.get(
    urls.API_SAVED_NEW, summary="What is new for a saved search",
    description="The documents matching the saved search that arrived since its alert last ran (or since "
    "it was saved), in the search's order, with permalinks. Reading this marks nothing: "
    "`pressarchive alerts` reports and marks.",
    responses={200: ok("The new documents.", NEW_EXAMPLE), **NOT_FOUND,
               400: error_doc(
                   400, "An overlong name, or the saved query is now refused (too expensive).",
                   "/api/saved/kestrel-es/new", "query too expensive: stopped after 5 s; narrow it",
               )},
)
def api_saved_new(name: SavedName, request: Request, service: Service) -> JSONResponse:
    alert = SavedSearches(service).whats_new(name, advance=False)
    return JSONResponse(alert.to_json(base_url=public_base_url(request)))
