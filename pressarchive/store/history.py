"""Putting a capture older than a document's latest into its place in the version history.

An import brings captures from the past (a WARC collection, the Wayback Machine) in any
order, after the crawler has already archived the page as it is today. A document's versions
must still read in time order, each the first capture its text was seen in:

- the text is that of the version in force at the capture's time: nothing new (``unchanged``);
- the text is that of the next version: that text was online earlier than the archive knew,
  so that version now starts at this capture (the later capture stays archived);
- otherwise it is a version of its own (``past``), numbered in its place; the versions after
  it move up by one. If the text in force before it was captured again later (an unchanged
  recapture, a 304), the page went back to that text then: that recapture becomes a version
  too, with the text it showed, so the history never claims a text the later captures
  contradict. The current version stays the text of the latest capture.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from pressarchive.record import Document
from pressarchive.store import operations, schema
from pressarchive.store.records import SaveOutcome
from pressarchive.store.rows import new_id
from pressarchive.store.versionrows import add_version

#: Statuses of a capture that showed the text in force (a 304 said "unchanged").
_SAME_TEXT_STATUSES = (200, 203, 304)


def save_past(
    conn: Connection, row: Row[Any], doc: Document, digest: str, capture_id: int, captured_at: datetime,
) -> SaveOutcome:
    """Save ``doc`` captured at ``captured_at``, earlier than document ``row``'s last capture."""
    vers, docs = schema.versions, schema.documents
    history = conn.execute(
        sa.select(vers.c.id, vers.c.number, vers.c.text_sha256, vers.c.captured_at, vers.c.capture_id)
        .where(vers.c.document_id == row.id).order_by(vers.c.number)
    ).all()
    if captured_at < row.first_captured:
        conn.execute(docs.update().where(docs.c.id == row.id).values(first_captured=captured_at))
    before = [version for version in history if version.captured_at <= captured_at]
    after = [version for version in history if version.captured_at > captured_at]
    if before and before[-1].text_sha256 == digest:
        return SaveOutcome(row.id, "unchanged", before[-1].number)
    if after and after[0].text_sha256 == digest:  # that text was online earlier than the archive knew
        conn.execute(vers.update().where(vers.c.id == after[0].id)
                     .values(capture_id=capture_id, captured_at=captured_at))
        return SaveOutcome(row.id, "unchanged", after[0].number)
    return _insert(conn, row.id, history, before, after, doc, digest, capture_id, captured_at)


def _insert(conn: Connection, doc_id: int, history: Sequence[Any], before: Sequence[Any], after: Sequence[Any],
            doc: Document, digest: str, capture_id: int, captured_at: datetime) -> SaveOutcome:
    """A new text at ``captured_at``: its version, and the earlier text's return if captured."""
    number = after[0].number if after else history[-1].number + 1
    returned = _recaptured(conn, history, captured_at, after[0].captured_at if after else None) \
        if before else None
    _make_room(conn, doc_id, number, 2 if returned is not None else 1)
    add_version(conn, doc_id, number, doc, digest, capture_id, captured_at, current=not after and returned is None)
    if returned is not None:
        _copy_version(conn, before[-1].id, number + 1, returned, current=not after)
    _reindex(conn, doc_id)  # the current version's number (or the current version) moved
    return SaveOutcome(doc_id, "past" if after or returned is not None else "changed", number)


def _recaptured(conn: Connection, history: Sequence[Any], start: datetime,
                end: datetime | None) -> Any:
    """The first capture after ``start`` (and before ``end``) of the URLs the document's versions
    were captured at that showed the text in force: the page had gone back to it by then."""
    caps = schema.captures
    urls = sa.select(caps.c.url).where(caps.c.id.in_([version.capture_id for version in history]))
    window = [caps.c.url.in_(urls), caps.c.captured_at > start, caps.c.status.in_(_SAME_TEXT_STATUSES)]
    if end is not None:
        window.append(caps.c.captured_at < end)
    return conn.execute(
        sa.select(caps.c.id, caps.c.captured_at).where(*window).order_by(caps.c.captured_at, caps.c.id).limit(1)
    ).first()


def _copy_version(conn: Connection, version_id: int, number: int, capture: Any, current: bool) -> None:
    """Version ``version_id``'s text again, as version ``number`` first seen at ``capture``."""
    vers, figs = schema.versions, schema.figures
    source = conn.execute(sa.select(vers).where(vers.c.id == version_id)).one()._asdict()
    values = {**source, "number": number, "capture_id": capture.id, "captured_at": capture.captured_at}
    values.pop("id")
    copy_id = new_id(conn.execute(vers.insert(), values))
    operations.write_operations(conn, copy_id, tuple(source["operations"] or ()))
    figures = [dict(figure._asdict(), version_id=copy_id) for figure in
               conn.execute(sa.select(figs).where(figs.c.version_id == version_id))]
    for figure in figures:
        figure.pop("id")
    if figures:
        conn.execute(figs.insert(), figures)
    if current:
        docs = schema.documents
        conn.execute(docs.update().where(docs.c.id == source["document_id"]).values(current_version=copy_id))


def _make_room(conn: Connection, doc_id: int, number: int, by: int) -> None:
    """Versions ``number`` and later move up by ``by`` (through negative numbers: the unique
    (document, number) constraint is checked row by row on both SQLite and PostgreSQL)."""
    vers = schema.versions
    mine = vers.c.document_id == doc_id
    conn.execute(vers.update().where(mine, vers.c.number >= number).values(number=-(vers.c.number + by)))
    conn.execute(vers.update().where(mine, vers.c.number < 0).values(number=-vers.c.number))


def _reindex(conn: Connection, doc_id: int) -> None:
    docs = schema.documents
    conn.execute(docs.update().where(docs.c.id == doc_id).values(indexed_version=None))
