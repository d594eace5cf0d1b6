"""A WARC or WACZ export as a download, for ``/api/export`` and a collection's export.

A WARC is streamed as it is written, a record or two a chunk (its records are copied, so
memory holds one at a time). A WACZ cannot be: its index and ``datapackage.json`` describe the
finished WARC, and the zip's directory comes last, so it is built in a temporary folder and
sent as a file, which is removed once sent. The documents were chosen before either starts,
so a bad query is a 400 like a search's.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from pressarchive.errors import UserError
from pressarchive.exports.webarchive import WEB_ARCHIVE_FORMATS, Selection, WarcExport, warc_chunks, write_wacz
from pressarchive.service import ArchiveService
from pressarchive.web.head import is_head

WARC_EXAMPLE = (
    "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Filename: pressarchive-europol-2026-01-05.warc.gz\r\n...\r\n\r\n"
    "software: pressarchive/0.1.0 (warcio)\r\nquery: europol\r\n...\r\n\r\n"
    "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/press/avalanche\r\n...\r\n"
    "WARC-Pressarchive-Source: example-police\r\nWARC-Pressarchive-Listed-Date: 2017-12-01\r\n\r\n"
    "HTTP/1.1 200 OK\r\n...  (each record one gzip member)"
)
WACZ_EXAMPLE = ("(a zip: archive/data.warc.gz, indexes/index.cdxj, pages/pages.jsonl, datapackage.json, "
                "datapackage-digest.json)")
#: The 200 contents a route answering in these formats adds to its documented response.
WEB_ARCHIVE_CONTENT = {
    WEB_ARCHIVE_FORMATS["warc"].media_type: {"schema": {"type": "string", "format": "binary"},
                                             "example": WARC_EXAMPLE},
    WEB_ARCHIVE_FORMATS["wacz"].media_type: {"schema": {"type": "string", "format": "binary"},
                                             "example": WACZ_EXAMPLE},
}
TEXT_REFUSED = "`text` adds a column to csv and jsonl; a {format} export holds the captures themselves"
CURRENT_ONLY_REFUSED = "`current_only` applies to the warc and wacz formats (csv and jsonl hold the current version)"


def check_options(format: str, *, text: bool, current_only: bool) -> None:
    """A 400 for options that do not fit the format."""
    if format in WEB_ARCHIVE_FORMATS and text:
        raise UserError(TEXT_REFUSED.format(format=format), parameter="text", value=True)
    if format not in WEB_ARCHIVE_FORMATS and current_only:
        raise UserError(CURRENT_ONLY_REFUSED, parameter="current_only", value=True)


def web_archive_response(request: Request, service: ArchiveService, selection: Selection, format: str,
                         all_versions: bool) -> Response:
    """``selection``'s captures as a WARC (streamed) or WACZ (a file) download."""
    chosen = WEB_ARCHIVE_FORMATS[format]
    filename = selection.filename(chosen)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "X-Total-Count": str(len(selection.ids))}
    if is_head(request):  # the headers, without copying every capture to throw it away
        return Response(media_type=chosen.media_type, headers=headers)
    if format == "warc":
        chunks = warc_chunks(service.data, service.archive, selection.ids, WarcExport(), all_versions,
                             query=selection.label, filename=filename)
        return StreamingResponse(chunks, media_type=chosen.media_type, headers=headers)
    scratch = Path(tempfile.mkdtemp(prefix="pressarchive-wacz-"))
    try:
        made = write_wacz(service.data, service.archive, selection.ids, scratch / filename, selection.title,
                          selection.description(all_versions), all_versions, query=selection.label)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    headers["X-Missing-Captures"] = str(len(made.missing))
    return FileResponse(scratch / filename, media_type=chosen.media_type, headers=headers,
                        background=BackgroundTask(shutil.rmtree, scratch, ignore_errors=True))
