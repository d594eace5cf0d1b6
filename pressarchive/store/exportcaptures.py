"""The captures behind documents' versions, for a WARC or WACZ export.

A web-archive export gives back the evidence (the response records) rather than the
extracted text, so it needs, per version, where its capture's record is, and what the store
knows of the capture that the record alone does not say (its source, its listing date). One
query per batch of ids; rows in document order as asked, then version number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import schema


class VersionCapture(NamedTuple):
    """One version of a document and the capture it was read from.

    Several versions can share a capture (``reprocess`` reads the same capture again), so an
    exporter writes each ``capture_id`` once. ``current``: this is the document's current version.
    """

    document_id: int
    version: int
    current: bool
    title: str
    capture_id: int
    url: str
    source: str
    captured_at: datetime
    payload_sha256: str
    warc_file: str
    warc_offset: int
    listed_date: date | None
    warc_record_id: str


def _query(current_only: bool) -> sa.Select[Any]:
    docs, vers, caps = schema.documents, schema.versions, schema.captures
    query = (
        sa.select(
            docs.c.id, vers.c.number, (vers.c.id == docs.c.current_version).label("current"), vers.c.title,
            caps.c.id, caps.c.url, caps.c.source, caps.c.captured_at, caps.c.payload_sha256, caps.c.warc_file,
            caps.c.warc_offset, caps.c.listed_date, sa.func.coalesce(caps.c.warc_record_id, ""),
        )
        .join(vers, vers.c.document_id == docs.c.id)
        .join(caps, caps.c.id == vers.c.capture_id)
        .where(docs.c.id.in_(sa.bindparam("ids", expanding=True)))
    )
    if current_only:
        query = query.where(vers.c.id == docs.c.current_version)
    return query.order_by(docs.c.id, vers.c.number)


_QUERIES = {False: _query(False), True: _query(True)}


def version_captures(conn: Connection, ids: Sequence[int], current_only: bool = False) -> list[VersionCapture]:
    """The versions of ``ids`` (one batch) with their captures, in the order of ``ids``, then
    by version number; only each document's current version when ``current_only``."""
    by_document: dict[int, list[VersionCapture]] = {}
    for row in conn.execute(_QUERIES[current_only], {"ids": list(ids)}):
        found = VersionCapture(row[0], row[1], bool(row[2]), *row[3:])
        by_document.setdefault(found.document_id, []).append(found)
    return [item for doc_id in dict.fromkeys(ids) for item in by_document.get(doc_id, ())]
