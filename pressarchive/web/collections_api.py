"""The JSON API of collections: list, show, create, delete, and a collection's items.

Bodies are what ``pressarchive collection list --json`` and ``collection show --json`` print.
Requests that change a collection need the server's write token (``Authorization: Bearer
TOKEN``); a server started without one answers them with 403 (see
:mod:`pressarchive.web.writeaccess`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from pressarchive.collectionservice import MAX_DESCRIPTION, MAX_NAME, MAX_NOTE, item_json, membership_json
from pressarchive.searchparams import MAX_DOC_ID
from pressarchive.service import ArchiveService
from pressarchive.exports import export_collection
from pressarchive.exports.webarchive import collection_selection, is_web_archive
from pressarchive.web import urls
from pressarchive.web.api import BAD_DOC_ID
from pressarchive.web.apierrors import bad_host_doc, error_doc, token_error_docs
from pressarchive.web.apiexamples import ok
from pressarchive.web.writeaccess import READ_ONLY
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.export_api import ExportCurrentOnly, ExportFormatName, ExportText, export_response
from pressarchive.web.operations_api import Writer
from pressarchive.web.params import DocId
from pressarchive.web.webarchive_download import WEB_ARCHIVE_CONTENT, check_options, web_archive_response

router = APIRouter(tags=["collections"])

CollectionName = Annotated[str, Path(
    description="The collection's name, exactly as created (it holds no `/`).", max_length=MAX_NAME,
)]
_PATH = "/api/collections/tantalio-story"
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "The name is longer than any collection's could be.", "/api/collections/" + "x" * 40,
        f"bad name: at most {MAX_NAME} characters", parameter="name", location="path",
    ),
    404: error_doc(
        404, "No collection by that name (close names are suggested).", "/api/collections/tantalio-stroy",
        "no collection named 'tantalio-stroy'; did you mean 'tantalio-story'?",
    ),
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "Bad input: an empty or too long name, a name with `/` or control or format characters, "
        "`.` or `..` as a name, a too long note.", "/api/collections",
        "bad name: a collection's name holds no '/'", parameter="name", location="body",
    ),
    **token_error_docs(_PATH, READ_ONLY),
    404: error_doc(
        404, "No such collection or document, or the document is not in it.", f"{_PATH}/items/999999",
        "no document with id 999999",
    ),
}
TAKEN = error_doc(
    409, "A collection by that name exists.", "/api/collections", "a collection named 'tantalio-story' already exists",
)
ITEM_EXAMPLE = {
    "document_id": 42, "title": "38 arrested in Operation Tantalio", "source": "europol",
    "published": "2017-04-12", "version": 2, "note": "first official figure", "added_at": "2024-05-01T09:30:00Z",
    "url": "https://example.org/press/tantalio", "permalink": "https://archive.example.org/doc/42?version=2",
}
COLLECTION_EXAMPLE = {
    "name": "tantalio-story", "description": "Releases for the Tantalio piece", "documents": 1,
    "created_at": "2024-05-01T09:29:00Z", "updated_at": "2024-05-01T09:30:00Z",
}



class NewCollection(BaseModel):
    name: str = Field(
        description="Unique; no `/`, control or format characters, not `.` or `..`.", max_length=MAX_NAME,
    )
    description: str = Field("", description="What the collection is for.", max_length=MAX_DESCRIPTION)


class NewItem(BaseModel):
    document_id: int = Field(ge=1, le=MAX_DOC_ID)
    note: str | None = Field(None, description="The document's note; replaces the note of a document "
                             "already in the collection (omitted: kept).", max_length=MAX_NOTE)


class NoteBody(BaseModel):
    note: str = Field(description="The new note (`\"\"` clears it).", max_length=MAX_NOTE)


@router.get(
    urls.API_COLLECTIONS, summary="Every collection",
    description="Every collection with its document count, by name.",
    responses={200: ok("`{\"collections\": [...]}`", {"collections": [COLLECTION_EXAMPLE]}),
               400: bad_host_doc("/api/collections")},
)
def api_collections(service: Service) -> JSONResponse:
    return JSONResponse({"collections": [c.to_json() for c in service.collections.listing()]})


@router.post(
    urls.API_COLLECTIONS, summary="Create a collection", status_code=201,
    description="An empty collection. Needs the write token.",
    responses={201: ok("The new collection.", {**COLLECTION_EXAMPLE, "documents": 0}), **WRITE_ERRORS,
               409: TAKEN},
)
def api_create_collection(body: NewCollection, service: Service, _writer: Writer) -> JSONResponse:
    created = service.collections.create(body.name, body.description)
    return JSONResponse(created.to_json(), status_code=201)


@router.get(
    urls.API_COLLECTION, summary="A collection's documents",
    description="The collection with its documents in the order they were added, each with its note, "
    "current version and permalink (absolute, under the address the server was reached at).",
    responses={200: ok("The collection.", {**COLLECTION_EXAMPLE, "items": [ITEM_EXAMPLE]}), **NOT_FOUND},
)
def api_collection(name: CollectionName, request: Request, service: Service) -> JSONResponse:
    return JSONResponse(service.collections.show(name).to_json(base_url=public_base_url(request)))


@router.delete(
    urls.API_COLLECTION, summary="Delete a collection",
    description="The collection and its notes; the documents stay in the archive. Needs the write token.",
    responses={200: ok("What was deleted.", {"deleted": "tantalio-story", "documents": 1}), **WRITE_ERRORS},
)
def api_delete_collection(name: CollectionName, service: Service, _writer: Writer) -> JSONResponse:
    gone = service.collections.delete(name)
    return JSONResponse({"deleted": gone.name, "documents": gone.documents})


@router.post(
    urls.API_COLLECTION_ITEMS, summary="Add a document to a collection",
    description="201 when the document is new to the collection, 200 when it was there already (its note "
    "replaced when one is given). Needs the write token.",
    responses={201: ok("The collection's entry for the document.", ITEM_EXAMPLE), **WRITE_ERRORS},
    status_code=201,
)
def api_add_item(
    name: CollectionName, body: NewItem, request: Request, service: Service, _writer: Writer,
) -> JSONResponse:
    new = service.collections.add(name, [body.document_id], body.note)
    return JSONResponse(_item(service, name, body.document_id, request), status_code=201 if new else 200)


def _set_note(name: str, doc_id: int, body: NoteBody, request: Request, service: ArchiveService) -> JSONResponse:
    service.collections.set_note(name, doc_id, body.note)
    return JSONResponse(_item(service, name, doc_id, request))


NOTE_DOC = dict(
    summary="Change a document's note",
    description="Replaces the note of a document in the collection. Needs the write token.",
    responses={200: ok("The collection's entry for the document.", ITEM_EXAMPLE), **WRITE_ERRORS},
)


@router.patch(urls.API_COLLECTION_ITEM, **NOTE_DOC)  # type: ignore[arg-type]
def api_patch_note(
    name: CollectionName, doc_id: DocId, body: NoteBody, request: Request, service: Service, _writer: Writer,
) -> JSONResponse:
    return _set_note(name, doc_id, body, request, service)


@router.put(urls.API_COLLECTION_ITEM, **NOTE_DOC)  # type: ignore[arg-type]
def api_put_note(
    name: CollectionName, doc_id: DocId, body: NoteBody, request: Request, service: Service, _writer: Writer,
) -> JSONResponse:
    return _set_note(name, doc_id, body, request, service)


@router.delete(
    urls.API_COLLECTION_ITEM, summary="Take a document out of a collection",
    description="The document stays in the archive. Needs the write token.",
    responses={200: ok("What was removed.", {"collection": "tantalio-story", "removed": 42}), **WRITE_ERRORS},
)
def api_remove_item(name: CollectionName, doc_id: DocId, service: Service, _writer: Writer) -> JSONResponse:
    service.collections.remove(name, [doc_id])
    return JSONResponse({"collection": service.collections.get(name).name, "removed": doc_id})


@router.get(
    urls.API_DOC_COLLECTIONS, summary="The collections holding a document",
    description="Each collection holding the document, by name, with the document's note there.",
    responses={200: ok("`{\"document_id\", \"collections\": [...]}`", {"document_id": 42, "collections": [
        {"collection": "tantalio-story", "note": "first official figure", "added_at": "2024-05-01T09:30:00Z"},
    ]}), 400: BAD_DOC_ID,
        404: error_doc(404, "No document has this id.", "/api/doc/999999/collections", "no document with id 999999")},
)
def api_doc_collections(doc_id: DocId, service: Service) -> JSONResponse:
    held = service.collections.containing(doc_id)
    return JSONResponse({"document_id": doc_id, "collections": [membership_json(m) for m in held]})


def _item(service: ArchiveService, name: str, doc_id: int, request: Request) -> dict[str, Any]:
    """The collection's entry for ``doc_id`` as ``collection show --json`` lists it, and its name."""
    collection, item = service.collections.item(name, doc_id)
    return {"collection": collection.name, **item_json(item, base_url=public_base_url(request))}


@router.get(
    urls.API_COLLECTION_EXPORT,
    summary="Export a collection (CSV, JSON Lines, WARC or WACZ)",
    description="The collection's documents in the order they were added, exported like a search "
    "(`/api/export`: the same columns and provenance, CSV safe against formula injection) with a "
    "`note` column holding each document's note, before `text` (with `text=1`); or, as `warc` or `wacz`, "
    "the captures behind them, as `/api/export` gives a search's.",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The export, as an attachment named after the collection and the date.",
            "content": {
                "text/csv": {"example": "document_id,version,title,...,permalink,note\r\n42,2,...,first figure\r\n"},
                "application/x-ndjson": {"example": '{"document_id": 42, "version": 2, "note": "first figure"}\n'},
                **WEB_ARCHIVE_CONTENT,
            },
        },
        **NOT_FOUND,
        400: error_doc(
            400, "The name is longer than any collection's could be; or a format other than `csv`, `jsonl`, "
            "`warc` and `wacz`, `text` with `warc` or `wacz`, `current_only` with `csv` or `jsonl`.",
            "/api/collections/tantalio-story/export", "bad format 'xml': expected one of csv, jsonl, warc, wacz",
            parameter="format", value="xml",
        ),
    },
)
def api_collection_export(
    name: CollectionName, request: Request, service: Service,
    format: ExportFormatName = "csv", text: ExportText = False, current_only: ExportCurrentOnly = False,
) -> Response:
    check_options(format, text=text, current_only=current_only)
    if is_web_archive(format):
        return web_archive_response(request, service, collection_selection(service, name), format, not current_only)
    return export_response(request, export_collection(service, name, format, text=text,
                                                      base_url=public_base_url(request)))
