"""What a list of documents shows of each (alerts, feeds): title, address, dates, version.

Read in ``IN (...)`` chunks, so listing the documents a broad search matches never holds more
than one chunk's rows in a query, and without the texts, which such lists do not show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import schema
from pressarchive.store.rows import id_chunks


@dataclass(frozen=True, slots=True)
class DocumentBrief:
    """One document's current version as a list shows it; ``captured_at`` is when that
    version was captured, ``first_captured`` when the document first was."""

    id: int
    url: str
    source: str
    title: str
    language: str
    published: date | None
    version: int
    captured_at: datetime
    first_captured: datetime


def briefs(conn: Connection, ids: Iterable[int]) -> dict[int, DocumentBrief]:
    """Document id -> its brief, for each of ``ids`` that exists."""
    docs, vers = schema.documents, schema.versions
    query = (
        sa.select(docs.c.id, docs.c.url, docs.c.source, docs.c.first_captured, vers.c.title, vers.c.language,
                  vers.c.published, vers.c.number, vers.c.captured_at)
        .join(vers, vers.c.id == docs.c.current_version)
    )
    found: dict[int, DocumentBrief] = {}
    for chunk in id_chunks(ids):
        for row in conn.execute(query.where(docs.c.id.in_(chunk))):
            found[row.id] = DocumentBrief(
                id=row.id, url=row.url, source=row.source, title=row.title, language=row.language,
                published=row.published, version=row.number, captured_at=row.captured_at,
                first_captured=row.first_captured,
            )
    return found
