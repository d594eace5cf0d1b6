"""Exports of any search (or any list of documents) as CSV or JSON Lines, streamed.

Rows carry provenance (document id, version, capture time, WARC file and WARC-Record-ID,
SHA-256 of the payload and of the text, a permalink naming the version), come from the store
in batches and leave as encoded chunks, so an export of 100,000 documents never holds them
all. CSV cells are made safe against formula injection. The web (``/api/export``) and the CLI
(``pressarchive export``) are faces over :func:`export_search`, :func:`export_collection` and
:func:`export_documents`.
"""

from __future__ import annotations

from pressarchive.exports.columns import COLUMNS, TEXT_COLUMN, columns_for
from pressarchive.exports.csvformat import safe_cell
from pressarchive.exports.export import (
    FORMATS, IGNORED_PARAMS, Export, ExportFormat, export_collection, export_documents, export_format, export_search,
    row_batches,
)

__all__ = [
    "COLUMNS", "FORMATS", "IGNORED_PARAMS", "TEXT_COLUMN", "Export", "ExportFormat", "columns_for", "export_collection",
    "export_documents", "export_format", "export_search", "row_batches", "safe_cell",
]
