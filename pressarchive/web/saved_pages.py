"""The saved searches page, its save form, and the Atom feeds of searches.

``/feed.atom`` takes the search page's own query string (parsed by the same code) and lists
its newest matches; ``/saved/{name}/feed.atom`` does the same for a saved search. Saving posts
a form that must carry the server's write token (see :mod:`pressarchive.web.writeaccess`);
deleting one from the page likewise; on a read-only server the page says so and shows no form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pressarchive.alerts import MEDIA_TYPE, SavedSearches, atom_xml, link_params, search_feed
from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.searchparams import BY_NAME, SELECTING
from pressarchive.service import ArchiveService
from pressarchive.web.handlers import public_message
from pressarchive.web import urls
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.operation_pages import read_form
from pressarchive.web.operations_api import write_access
from pressarchive.web.params import request_from_params
from pressarchive.web.render import render
from pressarchive.web.saved_api import SavedName, search_request_of, with_links

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Form fields that are not search parameters.
FORM_FIELDS = ("name", "token")


@router.get(urls.FEED)
def search_feed_page(request: Request, service: Service) -> Response:
    """The newest matches of any search, as Atom."""
    params = urls.clean_params(request.query_params)
    unsorted = {name: value for name, value in urls.unpaged(params).items() if name != "sort"}
    narrowed = "; ".join(f"{label}: {value}" for label, value in _shown(unsorted))
    title = f"pressarchive: {narrowed}" if narrowed else "pressarchive: newest documents"
    return _feed(request, service, request_from_params(params), title, urls.search_url(urls.unpaged(params)),
                 urls.feed_url(params))


@router.get(urls.SAVED_FEED)
def saved_feed_page(name: SavedName, request: Request, service: Service) -> Response:
    """The newest matches of a saved search, as Atom."""
    saved = SavedSearches(service)
    row = saved.get(name)
    return _feed(request, service, saved.request(row), f"pressarchive: saved search {row.name}",
                 urls.search_url(link_params(row.params)), urls.saved_feed_url(row.name))


def _feed(
    request: Request, service: ArchiveService, search: SearchRequest, title: str, page: str, own: str,
) -> Response:
    """The feed of ``search``; ``page`` is the search page it follows and ``own`` its own path,
    both made absolute under the public address (its id and self link are what readers
    subscribe to, so not the backend address a proxy forwarded the request to)."""
    base = public_base_url(request).rstrip("/")
    feed = search_feed(service, search, title=title, self_url=base + own, alternate_url=base + page,
                       base_url=base)
    return Response(atom_xml(feed), media_type=MEDIA_TYPE)


@router.get(urls.SAVED)
def saved_page(request: Request, service: Service) -> HTMLResponse:
    """Every saved search with its links; with a search's parameters, a form to save it."""
    params = urls.unpaged(request.query_params)
    offer = "q" in request.query_params or bool(params)
    error = None
    if offer:
        try:
            request_from_params(params)  # offer to save only a search the search page would run
        except UserError as exc:
            error = public_message(exc)
    return _render(request, service, params, offer=offer, error=error, status_code=400 if error else 200)


@router.post(urls.SAVED)
async def save_search(request: Request, service: Service) -> Response:
    """Save the search the form carries under its name, then list the saved searches."""
    form = await read_form(request)
    params = {key: value for key, value in form.items() if key not in FORM_FIELDS}
    write_access(request).check(form.get("token"))
    try:
        SavedSearches(service).save(form.get("name", ""), search_request_of(params))
    except UserError as exc:
        return _render(request, service, urls.unpaged(params), offer=True, error=public_message(exc),
                       status_code=exc.status_code, name=form.get("name", ""))
    return RedirectResponse(urls.saved_url(), status_code=303)


@router.post(urls.SAVED_DELETE)
async def delete_search(name: SavedName, request: Request, service: Service) -> Response:
    """Delete a saved search from the saved searches page, then list the rest."""
    form = await read_form(request)
    write_access(request).check(form.get("token"))
    SavedSearches(service).delete(name)
    return RedirectResponse(urls.saved_url(), status_code=303)


def _render(
    request: Request, service: ArchiveService, params: dict[str, str], *, offer: bool = False,
    error: str | None = None, status_code: int = 200, name: str = "",
) -> HTMLResponse:
    saved = [{**with_links(row), "shown": _shown(row.params)} for row in SavedSearches(service).listing()]
    return render(
        "saved.html", status_code=status_code, saved=saved, params=params, offer=offer, shown=_shown(params),
        error=error,
        name=name, writable=write_access(request).enabled, json_url=urls.api_saved_url(),
    )


def _shown(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of each parameter that says which documents a search finds, for people
    (how its hits are shown is not saved, so not listed)."""
    return [
        (BY_NAME[name].shown_as, "yes" if BY_NAME[name].kind == "bool" else str(value))
        for name, value in params.items() if name in SELECTING
    ]
