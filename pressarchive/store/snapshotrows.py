"""The rows a snapshot freezes: each document's current version as exported, and what it
takes to find and re-extract its capture (WARC offset, content type, the source's options).

One query per batch of ids, so the exported row and the capture facts the manifest records
come from the same read of the store and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import corrections, schema
from pressarchive.store.corrections import Merge
from pressarchive.store.exportrows import ExportRow, export_select

_EXPORTED = len(ExportRow._fields)


class SnapshotRow(NamedTuple):
    """A document's current version as an export writes it (with its text), its capture's
    URL, status, offset, content type and listing date, and the source's extraction options
    (language and site extractor; the country is the export's) as the archive
    recorded them."""

    export: ExportRow
    capture_url: str
    status: int
    warc_offset: int
    content_type: str
    listed_date: date | None
    source_language: str
    source_extractor: str


def _query() -> sa.Select[Any]:
    caps, srcs = schema.captures, schema.sources
    return export_select(True).add_columns(
        caps.c.url.label("capture_url"), caps.c.status, caps.c.warc_offset, caps.c.content_type,
        caps.c.listed_date, sa.func.coalesce(srcs.c.language, "").label("source_language"),
        sa.func.coalesce(srcs.c.extractor, "").label("source_extractor"),
    )


_QUERY = _query()


def snapshot_rows(conn: Connection, ids: Sequence[int], merged: Mapping[str, Merge]) -> list[SnapshotRow]:
    """The rows of ``ids`` that exist, in the order of ``ids`` (keep ``ids`` to a batch, see
    :data:`pressarchive.store.rows.ID_CHUNK`); hand merges of operation names applied."""
    found: dict[int, SnapshotRow] = {}
    for row in conn.execute(_QUERY, {"ids": list(ids)}).all():
        export = ExportRow(*row[:_EXPORTED])
        if merged:
            export = export._replace(operations=corrections.merged_names(export.operations or (), merged))
        found[export.document_id] = SnapshotRow(export, *row[_EXPORTED:])
    return [found[doc_id] for doc_id in ids if doc_id in found]
