"""Writing one version row with what hangs off it (its operations and figures)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.record import Document, Figure
from pressarchive.store import operations, schema
from pressarchive.store.rows import new_id

_INSERT_VERSION = schema.versions.insert()
_INSERT_FIGURE = schema.figures.insert()
_SET_CURRENT_VERSION = (
    schema.documents.update().where(schema.documents.c.id == sa.bindparam("doc_id"))
    .values(current_version=sa.bindparam("version_id"))
)


def add_version(
    conn: Connection, doc_id: int, number: int, doc: Document, digest: str, capture_id: int,
    captured_at: datetime, current: bool = True, **provenance: Any,
) -> int:
    """Insert version ``number`` of ``doc_id`` with its operations and figures; by default it
    becomes the document's current version (an older one put in its place does not)."""
    values = {**provenance,
        "document_id": doc_id, "number": number, "capture_id": capture_id, "captured_at": captured_at,
        "text_sha256": digest, "title": doc.title, "text": doc.text, "language": doc.language,
        "published": doc.published, "operations": list(doc.operations),
        "countries": list(doc.countries), "agencies": list(doc.agencies),
    }
    version_id = new_id(conn.execute(_INSERT_VERSION, values))
    operations.write_operations(conn, version_id, doc.operations)
    if doc.figures:
        conn.execute(_INSERT_FIGURE, [figure_row(version_id, figure) for figure in doc.figures])
    if current:
        conn.execute(_SET_CURRENT_VERSION, {"doc_id": doc_id, "version_id": version_id})
    return number


def figure_row(version_id: int, figure: Figure) -> dict[str, Any]:
    return {
        "version_id": version_id, "kind": figure.kind, "value": figure.value, "qualifier": figure.qualifier,
        "unit": figure.unit, "sentence": figure.sentence, "start": figure.start, "end": figure.end,
    }
