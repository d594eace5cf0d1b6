"""The rows an export writes: each document's current version with the capture it came from.

One query per batch of ids joins documents, their current version, its capture and the
source, selecting only the columns an export writes (the text only when asked for), so an
export of 100,000 documents costs 200 queries and never builds a version history, a
:class:`~pressarchive.store.records.StoredDocument` or an ORM object per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import corrections, schema
from pressarchive.store.corrections import Merge


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One document as an export carries it: what it says and where its text was captured.

    ``warc_record_id`` is empty for captures archived before the record id was kept (read
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
    operations: tuple[str, ...]
    countries: tuple[str, ...]
    agencies: tuple[str, ...]
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


def export_rows(
    conn: Connection, ids: Sequence[int], merged: Mapping[str, Merge], with_text: bool = False,
) -> list[ExportRow]:
    """The rows of ``ids`` that exist, in the order of ``ids`` (one query: keep ``ids`` to a
    batch, see :data:`pressarchive.store.rows.ID_CHUNK`); hand merges of operation names applied."""
    found: dict[int, ExportRow] = {}
    for row in conn.execute(_QUERIES[with_text], {"ids": list(ids)}):
        found[row.id] = ExportRow(
            document_id=row.id, version=row.number, title=row.title, url=row.url, source=row.source,
            source_agency=row.source_agency, source_country=row.source_country, language=row.language,
            published=row.published,
            operations=corrections.merged_names(row.operations or (), merged),
            countries=tuple(row.countries or ()), agencies=tuple(row.agencies or ()),
            captured_at=row.captured_at, requested_url=row.requested_url, warc_file=row.warc_file,
            warc_record_id=row.warc_record_id, payload_sha256=row.payload_sha256, text_sha256=row.text_sha256,
            text=row.text if with_text else None,
        )
    return [found[doc_id] for doc_id in ids if doc_id in found]
