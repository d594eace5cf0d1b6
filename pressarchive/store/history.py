"""Putting a capture older than a document's latest into its place in the version history.

An import brings captures from the past (a WARC collection, the Wayback Machine) in any
order, after the crawler has already archived the page as it is today. A document's versions
must still read in time order, each the first capture its text was seen in:

- the text is that of the version in force at the capture's time: nothing new (``unchanged``);
- the text is that of the next version: that text was online earlier than the archive knew,
  so that version now starts at this capture (the later capture stays archived);
- otherwise it is a version of its own (``past``), numbered in its place; the versions after
  it move up by one, and the current version stays the latest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from pressarchive.record import Document
from pressarchive.store import schema
from pressarchive.store.records import SaveOutcome
from pressarchive.store.versionrows import add_version


def save_past(
    conn: Connection, row: Row[Any], doc: Document, digest: str, capture_id: int, captured_at: datetime,
) -> SaveOutcome:
    """Save ``doc`` captured at ``captured_at``, earlier than document ``row``'s last capture."""
    vers, docs = schema.versions, schema.documents
    history = conn.execute(
        sa.select(vers.c.id, vers.c.number, vers.c.text_sha256, vers.c.captured_at)
        .where(vers.c.document_id == row.id).order_by(vers.c.number)
    ).all()
    if captured_at < row.first_captured:
        conn.execute(docs.update().where(docs.c.id == row.id).values(first_captured=captured_at))
    before = [version for version in history if version.captured_at <= captured_at]
    after = [version for version in history if version.captured_at > captured_at]
    if before and before[-1].text_sha256 == digest:
        return SaveOutcome(row.id, "unchanged", before[-1].number)
    if not after:  # after the last version, before the last (unchanged) capture: a change seen late
        number = add_version(conn, row.id, history[-1].number + 1, doc, digest, capture_id, captured_at)
        _reindex(conn, row.id)
        return SaveOutcome(row.id, "changed", number)
    following = after[0]
    if following.text_sha256 == digest:
        conn.execute(vers.update().where(vers.c.id == following.id)
                     .values(capture_id=capture_id, captured_at=captured_at))
        return SaveOutcome(row.id, "unchanged", following.number)
    _make_room(conn, row.id, following.number)
    add_version(conn, row.id, following.number, doc, digest, capture_id, captured_at, current=False)
    _reindex(conn, row.id)  # the current version's number moved up
    return SaveOutcome(row.id, "past", following.number)


def _make_room(conn: Connection, doc_id: int, number: int) -> None:
    """Versions ``number`` and later move up by one (through negative numbers: the unique
    (document, number) constraint is checked row by row on both SQLite and PostgreSQL)."""
    vers = schema.versions
    mine = vers.c.document_id == doc_id
    conn.execute(vers.update().where(mine, vers.c.number >= number).values(number=-(vers.c.number + 1)))
    conn.execute(vers.update().where(mine, vers.c.number < 0).values(number=-vers.c.number))


def _reindex(conn: Connection, doc_id: int) -> None:
    docs = schema.documents
    conn.execute(docs.update().where(docs.c.id == doc_id).values(indexed_version=None))
