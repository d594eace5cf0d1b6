"""What became of archived releases at their source: still listed, taken down, back again.

The crawler reports what it saw; these functions turn that into durable facts: when a
release was last linked by its source, when it answered 404/410 or stopped being linked, and
when it came back. Nothing here deletes a document or a version.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import schema
from pressarchive.store.records import KnownPage, Removal


def known_pages(conn: Connection, source: str) -> dict[str, KnownPage]:
    """Every document URL of ``source`` with the validators of its latest good capture, its
    capture times and its earliest publication date (what the revisit policy needs)."""
    docs, caps, vers = schema.documents, schema.captures, schema.versions
    first_published = (
        sa.select(vers.c.document_id, sa.func.min(vers.c.published).label("published"))
        .join(docs, docs.c.id == vers.c.document_id)
        .where(docs.c.source == source)
        .group_by(vers.c.document_id)
        .subquery()
    )
    latest = (
        sa.select(caps.c.url, sa.func.max(caps.c.id).label("capture_id"))
        .where(caps.c.source == source, caps.c.status == 200)
        .group_by(caps.c.url)
        .subquery()
    )
    open_removal = sa.exists().where(
        schema.removals.c.document_id == docs.c.id, schema.removals.c.restored_at.is_(None)
    )
    query = (
        sa.select(docs.c.id, docs.c.url, docs.c.first_captured, docs.c.last_captured,
                  first_published.c.published, caps.c.etag, caps.c.last_modified,
                  open_removal.label("removed"))
        .join(first_published, first_published.c.document_id == docs.c.id)
        .outerjoin(latest, latest.c.url == docs.c.url)
        .outerjoin(caps, caps.c.id == latest.c.capture_id)
        .where(docs.c.source == source)
    )
    return {
        row.url: KnownPage(row.url, row.id, row.last_captured, row.published, row.etag,
                           row.last_modified, bool(row.removed), row.first_captured)
        for row in conn.execute(query)
    }


def mark_listed(conn: Connection, urls: Iterable[str], when: datetime) -> None:
    """Record that ``urls`` were linked at ``when``. In URL order: every writer then locks the
    documents' rows in the same order, so two crawler processes marking overlapping listings
    at once (PostgreSQL) wait for each other instead of deadlocking."""
    rows = [{"listed_url": url} for url in sorted(set(urls))]
    if rows:
        docs = schema.documents
        conn.execute(docs.update().where(docs.c.url == sa.bindparam("listed_url")).values(last_listed=when), rows)


def document_id(conn: Connection, url: str, lock: bool = False) -> int | None:
    """The id of the document at canonical ``url``; ``lock`` holds its row until the transaction
    ends (PostgreSQL: another writer of the same document waits; SQLite has one writer anyway)."""
    query = sa.select(schema.documents.c.id).where(schema.documents.c.url == url)
    return conn.execute(query.with_for_update() if lock else query).scalar_one_or_none()


def open_removal(conn: Connection, doc_id: int) -> int | None:
    rem = schema.removals
    return conn.execute(
        sa.select(rem.c.id).where(rem.c.document_id == doc_id, rem.c.restored_at.is_(None))
    ).scalar_one_or_none()


def mark_removed(conn: Connection, doc_id: int, when: datetime, reason: str, run_id: int | None) -> bool:
    """Record a removal unless one is already in force; True if it is new."""
    if open_removal(conn, doc_id) is not None:
        return False
    conn.execute(schema.removals.insert().values(
        document_id=doc_id, removed_at=when, reason=reason, run_id=run_id,
    ))
    return True


def mark_restored(conn: Connection, doc_id: int, when: datetime) -> bool:
    """Close the removal in force, if any; True if the document had been removed."""
    removal_id = open_removal(conn, doc_id)
    if removal_id is None:
        return False
    conn.execute(schema.removals.update().where(schema.removals.c.id == removal_id).values(restored_at=when))
    return True


def removals_of(conn: Connection, doc_id: int) -> list[Removal]:
    rem = schema.removals
    rows = conn.execute(sa.select(rem).where(rem.c.document_id == doc_id).order_by(rem.c.id))
    return [Removal(row.removed_at, row.reason, row.restored_at) for row in rows]
