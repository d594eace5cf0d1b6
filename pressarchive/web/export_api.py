"""``/api/export``: every match of a search as a CSV or JSON Lines download, streamed, or the
captures behind the matches as a WARC file or WACZ package.

It takes the search's own query parameters (the same dependency as ``/api/search``), so any
search page's results can be taken to a spreadsheet; ``page`` and ``limit`` are accepted and
ignored. The matches are found before the response starts, so a bad query is a 400 like a
search's; the rows then leave in chunks as the store gives them (see
:mod:`pressarchive.exports`; WARC and WACZ: :mod:`pressarchive.web.webarchive_download`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from pressarchive.exports import COLUMNS, IGNORED_PARAMS, TEXT_COLUMN, Export, export_search
from pressarchive.exports.webarchive import ALL_FORMATS, is_web_archive, search_selection
from pressarchive.web import urls
from pressarchive.web.head import is_head
from pressarchive.web.api import BAD_QUERY, QUERY_SYNTAX
from pressarchive.web.apierrors import error_doc
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.params import search_request
from pressarchive.web.searchquery import SearchValues, search_query
from pressarchive.web.webarchive_download import WEB_ARCHIVE_CONTENT, check_options, web_archive_response

router = APIRouter(tags=["archive"])

IGNORED = "Ignored by an export, which holds every match."
#: The query parameters of every export (a search's, a collection's).
ExportFormatName = Annotated[str, Query(
    description="`csv` (default), `jsonl` (JSON Lines), `warc` (the captures behind the documents, a gzipped "
    "WARC file) or `wacz` (those captures as a WACZ package, for pywb and ReplayWeb.page).",
    json_schema_extra={"enum": list(ALL_FORMATS)})]
ExportText = Annotated[bool, Query(description="`1`: add each document's current text as a last column (csv, jsonl).")]
ExportCurrentOnly = Annotated[bool, Query(
    description="`1` (warc, wacz): only the capture of each document's current version; default: every version's.")]
CSV_EXAMPLE = (
    ",".join(COLUMNS) + "\r\n"
    "42,2,Avalanche takedown,https://example.org/press/avalanche,example-police,Example Police,NL,en,"
    "2017-12-01,Avalanche,NL; DE,europol,2017-12-01T09:30:00Z,https://example.org/press?id=17,"
    "example-police-00001.warc.gz,<urn:uuid:0b6a4c5e-1f0e-4e1c-9a3b-2f1d6c7e8a90>,"
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,"
    "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752,http://127.0.0.1:8000/doc/42?version=2\r\n"
)


@router.get(
    urls.API_EXPORT,
    summary="Export every match of a search (CSV, JSON Lines, WARC or WACZ)",
    description="All matches of the search the query parameters describe (the same parameters as "
    "`/api/search`; `page` and `limit` are ignored), in the search's order, streamed as a download. "
    f"Columns: `{'`, `'.join(COLUMNS)}`, and `{TEXT_COLUMN}` with `text=1`. `version` is the current "
    "version, `captured` its capture time (UTC), `warc_record_id` the WARC-Record-ID of the response "
    "record (empty for captures archived before it was kept), `payload_sha256` the SHA-256 of the "
    "archived response body and `text_sha256` that of the extracted title and text; `permalink` is the "
    "document page of that version. CSV: UTF-8, a header row, lists joined with `; `, and a cell that "
    "starts with `=`, `+`, `-`, `@`, a tab or a carriage return prefixed with `'` (no spreadsheet runs "
    "it as a formula). JSON Lines: one object per line with the same keys, lists as arrays. "
    "`X-Total-Count` is the number of matches in the index, known before the rows are read: an upper "
    "bound, as a match whose document is gone from the store is left out. "
    "`warc`: the response records of the captures behind every version of the matches (only the current "
    "one's with `current_only=1`) and the request records written with them, copied from the archive's WARC "
    "files after a `warcinfo` record, each response carrying `WARC-Pressarchive-Source` and, when known, "
    "`WARC-Pressarchive-Listed-Date`; streamed. `wacz`: the same WARC in a WACZ 1.1.1 package with its CDXJ "
    "index, a page per document and `datapackage.json` with each file's SHA-256; built first, then sent, "
    "with `X-Missing-Captures` counting captures left out because their WARC record was unreadable.",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The export, as an attachment named after the query and the date.",
            "content": {
                "text/csv": {"example": CSV_EXAMPLE},
                "application/x-ndjson": {"example": '{"document_id": 42, "version": 2, "title": "..."}\n'},
                **WEB_ARCHIVE_CONTENT,
            },
        },
        400: error_doc(
            400, BAD_QUERY + " Or a format other than `csv`, `jsonl`, `warc` and `wacz`, or `text` with `warc` "
            "or `wacz`, or `current_only` with `csv` or `jsonl`.", urls.API_EXPORT,
            "bad format 'xml': expected one of csv, jsonl, warc, wacz", parameter="format", value="xml",
        ),
    },
)
def api_export(
    request: Request, service: Service,
    values: Annotated[SearchValues, Depends(search_query({"q": QUERY_SYNTAX, "page": IGNORED, "limit": IGNORED}))],
    format: ExportFormatName = "csv", text: ExportText = False, current_only: ExportCurrentOnly = False,
) -> Response:
    check_options(format, text=text, current_only=current_only)
    given = {name: value for name, value in values.items() if name not in IGNORED_PARAMS}
    if is_web_archive(format):
        return web_archive_response(request, service, search_selection(service, search_request(given)), format,
                                    not current_only)
    return export_response(request, export_search(
        service, search_request(given), format, text=text, base_url=public_base_url(request),
    ))


def export_response(request: Request, export: Export) -> StreamingResponse:
    """``export`` as a download, the same for a search's and a collection's."""
    headers = {
        "Content-Disposition": f'attachment; filename="{export.filename}"',
        "X-Total-Count": str(export.matches),
    }
    # A HEAD gets the headers (and the count) without the rows being read and thrown away.
    return StreamingResponse(iter(()) if is_head(request) else export.chunks, media_type=export.media_type,
                             headers=headers)
