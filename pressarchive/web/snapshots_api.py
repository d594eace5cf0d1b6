"""The JSON API of citable snapshots: the list, and one snapshot with its files and its diff.

Bodies are what ``pressarchive snapshot list --json`` prints, and for one snapshot its
manifest (``snapshot show --json``) with the bundle's files (each with its download path) and
how it differs from the live results of its search today (``snapshot diff --json``). Making a
snapshot (``POST``, as ``pressarchive snapshot create``) writes, so it needs the server's
write token; the pages only read.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pressarchive.errors import UserError
from pressarchive.names import MAX_NAME_CHARS
from pressarchive.searchparams import PAGING
from pressarchive.service import ArchiveService
from pressarchive.snapshots import Manifest, SnapshotDiff
from pressarchive.web.handlers import public_message
from pressarchive.web import urls
from pressarchive.web.apierrors import bad_host_doc, error_doc, token_error_docs
from pressarchive.web.apiexamples import ok
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.operations_api import Writer
from pressarchive.web.saved_api import search_request_of
from pressarchive.web.writeaccess import READ_ONLY

router = APIRouter(tags=["snapshots"])

SnapshotName = Annotated[str, Path(
    description="The snapshot's name, exactly as created (it holds no `/`).", max_length=MAX_NAME_CHARS,
)]
_SHA = "5f1c0c4fd3e1d4a8a1f1ad3c1e3f9a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f"
SUMMARY_EXAMPLE: dict[str, Any] = {
    "format": "pressarchive-snapshot/1", "name": "tantalio-paper", "created": "2026-12-06T09:30:00Z",
    "pressarchive_version": "0.1.0",
    "extractors": {"pressarchive": "0.1.0", "trafilatura": "2.3.1", "htmldate": "1.11.0", "justext": "3.0.2",
                   "lxml": "6.2.0", "pypdf": "7.1.1", "py3langid": "0.4.0"},
    "search": {"q": "Tantalio", "sort": "relevance"}, "collection": None, "count": 1,
    "files": {"documents.jsonl": {"sha256": _SHA, "bytes": 2310}, "captures.wacz": {"sha256": _SHA, "bytes": 16841}},
}
DOCUMENT_EXAMPLE = {
    "id": 42, "url": "https://europol.example.eu/news/tantalio", "title": "38 arrested in Operation Tantalio",
    "version": 2, "text_sha256": "172d7444340d549f85b7c372e5a353f5875e611be59398ed29179d5136aa747d",
    "payload_sha256": "4d5dd70d29583fde8bf9a20f542e69d18d4c2a2e4e96ee5e69da980cb1b58ebd",
    "captured": "2024-01-01T12:00:01Z", "capture_url": "https://europol.example.eu/news/tantalio", "status": 200,
    "content_type": "text/html; charset=utf-8", "warc_record_id": "<urn:uuid:6f1a4b1e-3c55-4a6e-9d0b-0c1d2e3f4a5b>",
    "permalink": "/doc/42?version=2",
    "extraction": {"default_language": "en", "extractor": None, "country": "NL", "listed_date": "2017-04-12"},
}
DIFF_EXAMPLE = {
    "frozen": 1, "live": 2, "unchanged": 0,
    "added": [{"document_id": 57, "title": "Tantalio: the last arrests", "url": "https://europol.example.eu/news/t2",
               "version": 1}],
    "removed": [],
    "changed": [{"document_id": 42, "title": "38 arrested in Operation Tantalio",
                 "url": "https://europol.example.eu/news/tantalio", "old_version": 2, "new_version": 3,
                 "text_changed": True}],
}
FILES_EXAMPLE = [
    {"name": name, "bytes": size, "sha256": digest, "download": f"/snapshots/tantalio-paper/files/{name}"}
    for name, size, digest in (("manifest.json", 3686, _SHA), ("documents.jsonl", 2310, _SHA),
                               ("captures.wacz", 16841, _SHA), ("checksums.sha256", 242, None))
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "The name is longer than any snapshot's could be.", "/api/snapshots/" + "x" * 40,
        f"bad name: at most {MAX_NAME_CHARS} characters", parameter="name", location="path",
    ),
    404: error_doc(
        404, "No snapshot by that name (close names are suggested).", "/api/snapshots/tantalio-papper",
        "no snapshot named 'tantalio-papper'; did you mean 'tantalio-paper'?",
    ),
}


CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error_doc(
        400, "A bad name (empty, over 100 characters, control or format characters, `/`, a leading `.`), both "
        "a search and a collection, or a search parameter the search would refuse.", "/api/snapshots",
        "bad snapshot name 'a/b': '/' is not allowed",
    ),
    **token_error_docs("/api/snapshots", READ_ONLY),
    404: error_doc(404, "No collection by that name.", "/api/snapshots", "no collection named 'tantalio-stroy'"),
    409: error_doc(
        409, "A snapshot by that name exists (snapshots are never replaced), or the archive changed while the "
        "snapshot was made.", "/api/snapshots",
        "a snapshot named 'tantalio-paper' already exists (snapshots are never replaced): choose another name",
    ),
}


class NewSnapshot(BaseModel):
    name: str = Field(description="Unique; no `/`, control or format characters, no leading `.`.", max_length=1000)
    params: dict[str, str | int | bool] = Field(
        default_factory=dict, description="The search's parameters by their `/api/search` names (`page` and "
        "`limit` are ignored: a snapshot holds every match).", examples=[{"q": "Tantalio", "source": "europol"}],
    )
    collection: str | None = Field(
        None, description="Freeze this collection's documents instead of a search (then give no `params`).",
        max_length=1000,
    )


def snapshot_json(service: ArchiveService, manifest: Manifest) -> dict[str, Any]:
    """A snapshot as the API and its page give it: the manifest, the bundle's files, the diff
    against today (``diff`` null and ``diff_error`` saying why when the search cannot run now)."""
    diff, problem = live_diff(service, manifest)
    files = [{"name": file.name, "bytes": file.bytes, "sha256": file.sha256,
              "download": urls.snapshot_file_url(manifest.name, file.name)}
             for file in service.snapshots.files(manifest.name)]
    return {**manifest.to_json(), "bundle": files, "diff": diff.to_json() if diff else None, "diff_error": problem}


def live_diff(service: ArchiveService, manifest: Manifest) -> tuple[SnapshotDiff | None, str | None]:
    """The snapshot against its search run today, or why that cannot be said (a search this
    version refuses, a collection deleted since)."""
    try:
        return service.snapshots.diff(manifest.name), None
    except UserError as exc:
        return None, public_message(exc)


@router.get(
    urls.API_SNAPSHOTS, summary="Every snapshot",
    description="Every snapshot, newest first: its name, when it was made, the search (or collection) it froze, "
    "its document count and the digests of its files (the `snapshot list --json` shape). Folders of the "
    "snapshots directory whose manifest cannot be read are listed apart, with why.",
    responses={200: ok("`{\"snapshots\": [...], \"unreadable\": [...]}`",
                       {"snapshots": [SUMMARY_EXAMPLE], "unreadable": []}),
               400: bad_host_doc("/api/snapshots")},
)
def api_snapshots(service: Service) -> JSONResponse:
    found, broken = service.snapshots.listing()
    return JSONResponse({"snapshots": [manifest.summary_json() for manifest in found],
                         "unreadable": [{"name": item.name, "reason": item.reason} for item in broken]})


@router.get(
    urls.API_SNAPSHOT, summary="A snapshot, its files and how it differs from today",
    description="The snapshot's manifest (`snapshot show --json`: the search, the time, each document's version "
    "with the SHA-256 of its text and of its capture, its permalink), the bundle's files with their download "
    "paths and the SHA-256 `checksums.sha256` lists for each (`bundle`), and `diff`: the documents its search "
    "matches today that it does not hold (`added`), "
    "those it holds that no longer match (`removed`) and those whose current version is another since "
    "(`changed`, with the old and new version numbers). `diff` is null, and `diff_error` says why, when the "
    "search cannot be run again (a collection deleted since).",
    responses={200: ok("The snapshot.", {**SUMMARY_EXAMPLE, "documents": [DOCUMENT_EXAMPLE], "bundle": FILES_EXAMPLE,
                                         "diff": DIFF_EXAMPLE, "diff_error": None}), **NOT_FOUND},
)
def api_snapshot(name: SnapshotName, service: Service) -> JSONResponse:
    return JSONResponse(snapshot_json(service, service.snapshots.manifest(name)))


@router.post(
    urls.API_SNAPSHOTS, summary="Make a snapshot", status_code=201,
    description="Freezes the matches of the search `params` (or the documents of `collection`) as snapshot "
    "`name`, as `pressarchive snapshot create` does, and answers with its manifest without the documents. "
    "Needs the write token. Permalinks in the manifest are absolute, under the address the server was reached at.",
    responses={201: ok("The new snapshot.", SUMMARY_EXAMPLE), **CREATE_ERRORS},
)
def api_create_snapshot(body: NewSnapshot, request: Request, service: Service, _writer: Writer) -> JSONResponse:
    base = public_base_url(request)
    if body.collection is not None:
        if body.params:
            raise UserError("freeze either a search (params) or a collection, not both", parameter="params")
        made = service.snapshots.create(body.name, collection=body.collection, base_url=base)
    else:
        searched = {name: value for name, value in body.params.items() if name not in PAGING}
        made = service.snapshots.create(body.name, search_request_of(searched), base_url=base)
    return JSONResponse(made.summary_json(), status_code=201)
