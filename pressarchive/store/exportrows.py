"""The rows an export writes: each document's current version with the capture it came from.

One query per batch of ids joins documents, their current version, its capture and the
source, selecting only the columns an export writes (the text only when asked for), so an
export of 100,000 documents costs 200 queries and never builds a version history, a
:class:`~pressarchive.store.records.StoredDocument` or an ORM object per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import corrections, schema
from pressarchive.store.corrections import Merge


class ExportRow(NamedTuple):
    """One document as an export carries it: what it says and where its text was captured.

    A named tuple, made straight from the query's row: an export makes 100,000 of them.
    ``operations``, ``countries`` and ``agencies`` are lists as stored (``None``: not
    extracted for this version). ``warc_record_id`` is empty for captures archived before the record id was kept (read
    the record at the WARC file's offset for it); ``requested_url`` is the URL first asked
    for, the capture's own URL when there was no redirect. ``text`` is ``None`` unless asked for.
    """

    document_id: int
    version: int
    title: str
    url: str
    source: str
    source_agency: str
    source_country: str
    language: str
    published: date | None
    operations: Sequence[str]
    countries: Sequence[str] | None
    agencies: Sequence[str] | None
    captured_at: datetime
    requested_url: str
    warc_file: str
    warc_record_id: str
    payload_sha256: str
    text_sha256: str
    text: str | None = None


def _query(with_text: bool) -> sa.Select[Any]:
    docs, vers, caps, srcs = schema.documents, schema.versions, schema.captures, schema.sources
    columns = [
        # In ExportRow's field order: rows become ExportRows as they are.
        docs.c.id, vers.c.number, vers.c.title, docs.c.url, docs.c.source,
        sa.func.coalesce(srcs.c.agency, "").label("source_agency"),
        sa.func.coalesce(srcs.c.country, "").label("source_country"),
        vers.c.language, vers.c.published, vers.c.operations, vers.c.countries, vers.c.agencies,
        vers.c.captured_at, sa.func.coalesce(caps.c.requested_url, caps.c.url).label("requested_url"),
        caps.c.warc_file, sa.func.coalesce(caps.c.warc_record_id, "").label("warc_record_id"),
        caps.c.payload_sha256, vers.c.text_sha256,
    ]
    if with_text:
        columns.append(vers.c.text)
    return (
        sa.select(*columns)
        .join(vers, vers.c.id == docs.c.current_version)
        .join(caps, caps.c.id == vers.c.capture_id)
        .outerjoin(srcs, srcs.c.name == docs.c.source)
        .where(docs.c.id.in_(sa.bindparam("ids", expanding=True)))
    )


_QUERIES = {False: _query(False), True: _query(True)}


def export_select(with_text: bool) -> sa.Select[Any]:
    """The export query (selecting :class:`ExportRow`'s columns in order, ids bound as ``ids``),
    for readers that need an export row and more of the same capture in one query (snapshots)."""
    return _QUERIES[with_text]


def export_rows(
    conn: Connection, ids: Sequence[int], merged: Mapping[str, Merge], with_text: bool = False,
) -> list[ExportRow]:
    """The rows of ``ids`` that exist, in the order of ``ids`` (one query: keep ``ids`` to a
    batch, see :data:`pressarchive.store.rows.ID_CHUNK`); hand merges of operation names applied."""
    rows = conn.execute(_QUERIES[with_text], {"ids": list(ids)}).all()
    found = {row[0]: ExportRow(*row) for row in rows}
    if merged:
        found = {key: row._replace(operations=corrections.merged_names(row.operations or (), merged))
                 for key, row in found.items()}
    return [found[doc_id] for doc_id in ids if doc_id in found]
