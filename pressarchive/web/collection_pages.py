"""The collection pages, the document page's collections panel, and the forms that change them.

The forms show and post only when the server has a write token, and each post must carry it
(see :mod:`pressarchive.web.writeaccess`); without one the pages say how writes are allowed.
Every change goes through :class:`pressarchive.collectionservice.CollectionService`, as the CLI's.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pressarchive.errors import UserError
from pressarchive.service import ArchiveService
from pressarchive.web import urls
from pressarchive.web.deps import Service
from pressarchive.web.operation_pages import read_form
from pressarchive.web.operations_api import write_access
from pressarchive.web.params import DocId
from pressarchive.web.render import render
from pressarchive.web.writeaccess import HOW_TO_ENABLE

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def document_panel(service: ArchiveService, doc_id: int, writable: bool) -> dict[str, Any]:
    """What the document page's Collections section shows: the collections holding the
    document with its notes there, and (when writes are on) the collections it may join."""
    return {
        "memberships": service.collections.containing(doc_id),
        "names": [c.name for c in service.collections.listing()] if writable else [],
        "writable": writable, "how_to_enable": HOW_TO_ENABLE,
        "action": urls.doc_collections_url(doc_id), "json_url": urls.api_doc_collections_url(doc_id),
    }


@router.get(urls.COLLECTIONS)
def collections_page(request: Request, service: Service) -> HTMLResponse:
    """Every collection."""
    return render(
        "collections.html", collections=service.collections.listing(), json_url=urls.api_collections_url(),
        writable=write_access(request).enabled, how_to_enable=HOW_TO_ENABLE,
    )


@router.post(urls.COLLECTIONS)
async def create_collection(request: Request, service: Service) -> Response:
    """The list page's form: a new, empty collection, then its page."""
    form = await read_form(request)
    write_access(request).check(form.get("token"))
    created = service.collections.create(form.get("name", ""), form.get("description", ""))
    return RedirectResponse(urls.collection_url(created.name), status_code=303)


@router.get(urls.COLLECTION)
def collection_page(name: str, request: Request, service: Service) -> HTMLResponse:
    """One collection's documents with their notes."""
    view = service.collections.show(name)
    return render(
        "collection.html", view=view, json_url=urls.api_collection_url(view.collection.name),
        writable=write_access(request).enabled, how_to_enable=HOW_TO_ENABLE,
    )


@router.post(urls.COLLECTION_ITEM)
async def change_item(name: str, doc_id: DocId, request: Request, service: Service) -> Response:
    """The collection page's forms: change a document's note, or take it out."""
    form = await read_form(request)
    write_access(request).check(form.get("token"))
    action = form.get("action", "")
    if action == "note":
        service.collections.set_note(name, doc_id, form.get("note", ""))
    elif action == "remove":
        service.collections.remove(name, [doc_id])
    else:
        raise UserError(f"bad action {action[:40]!r}: expected note or remove")
    return RedirectResponse(urls.collection_url(service.collections.get(name).name), status_code=303)


@router.post(urls.DOC_COLLECTIONS)
async def add_document(doc_id: DocId, request: Request, service: Service) -> Response:
    """The document page's form: add the document, with a note, to a chosen collection or a
    new one named in the form (created on the way), then show the document again."""
    form = await read_form(request)
    write_access(request).check(form.get("token"))
    name = form.get("new_name", "").strip() or form.get("collection", "")
    if not name.strip():
        raise UserError("choose a collection or name a new one")
    service.collections.add_to_new_or_existing(name, doc_id, form.get("note", ""))
    return RedirectResponse(urls.doc_url(doc_id) + "#collections", status_code=303)
