"""The columns of an export, in order, and one row's values for them.

Shared by the CSV and JSON Lines writers so both carry the same fields under the same names;
names follow the search parameters (``source_country`` is the publishing source's,
``countries`` what the text mentions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pressarchive.isodate import utc_iso
from pressarchive.permalinks import permalink
from pressarchive.store.exportrows import ExportRow

#: Every column of an export, in order; the text (off by default) comes last when asked for.
COLUMNS: tuple[str, ...] = (
    "document_id", "version", "title", "url", "source", "source_agency", "source_country", "language",
    "published", "operations", "countries", "agencies", "captured", "requested_url", "warc_file",
    "warc_record_id", "payload_sha256", "text_sha256", "permalink",
)
TEXT_COLUMN = "text"
#: A collection's export adds the person's note on each document, before the text.
NOTE_COLUMN = "note"


def columns_for(with_text: bool, with_notes: bool = False) -> tuple[str, ...]:
    return (*COLUMNS, *((NOTE_COLUMN,) if with_notes else ()), *((TEXT_COLUMN,) if with_text else ()))


def row_values(row: ExportRow, base_url: str | None, notes: Mapping[int, str] | None = None) -> list[Any]:
    """``row``'s values in :data:`COLUMNS` order (then its note when ``notes`` is given, then its
    text if it was read): numbers as numbers, lists as lists, dates ISO 8601 (capture time in
    UTC with ``Z``), no date as ``None``."""
    values: list[Any] = [
        row.document_id, row.version, row.title, row.url, row.source, row.source_agency, row.source_country,
        row.language, row.published.isoformat() if row.published else None, list(row.operations),
        list(row.countries or ()), list(row.agencies or ()), utc_iso(row.captured_at),
        row.requested_url, row.warc_file, row.warc_record_id, row.payload_sha256, row.text_sha256,
        permalink(row.document_id, row.version, base_url),
    ]
    if notes is not None:
        values.append(notes.get(row.document_id, ""))
    if row.text is not None:
        values.append(row.text)
    return values
