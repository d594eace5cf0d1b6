"""Saved searches in the store: their rows, and the mark that tells an alert what is new.

A saved search is a name and the search's parameters (as JSON, keyed by the search parameter
names); the store does not interpret them. Its *alert mark* is a document id: every document up
to it was searchable when the alert last ran, so only documents above it can be new. Document
ids only ever grow (documents are never deleted), which makes the mark immune to clocks and to
captures imported with old dates, as a time would not be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from pressarchive.store import schema


@dataclass(frozen=True, slots=True)
class SavedSearchRow:
    """One saved search as stored."""

    name: str
    params: dict[str, Any]
    created_at: datetime
    last_alerted_at: datetime | None
    alert_mark: int
    alert_reported: tuple[int, ...]


def listing(conn: Connection) -> list[SavedSearchRow]:
    """Every saved search, by name."""
    table = schema.saved_searches
    return [_from_row(row) for row in conn.execute(sa.select(table).order_by(table.c.name))]


def get(conn: Connection, name: str) -> SavedSearchRow | None:
    table = schema.saved_searches
    row = conn.execute(sa.select(table).where(table.c.name == name)).first()
    return _from_row(row) if row is not None else None


def add(
    conn: Connection, name: str, params: dict[str, Any], when: datetime, mark: int, reported: Iterable[int] = (),
) -> None:
    """Save ``params`` as ``name`` with its alert mark and the documents above it already
    counted as seen (``IntegrityError`` if the name is taken)."""
    conn.execute(schema.saved_searches.insert().values(
        name=name, params=params, created_at=when, last_alerted_at=None, alert_mark=mark,
        alert_reported=sorted(set(reported)),
    ))


def delete(conn: Connection, name: str) -> bool:
    """Forget the saved search ``name``; False if there was none."""
    table = schema.saved_searches
    return bool(conn.execute(table.delete().where(table.c.name == name)).rowcount)


def advance(
    conn: Connection, name: str, mark: int, reported: Iterable[int], when: datetime, *, read: SavedSearchRow,
) -> bool:
    """Record that the alert of ``name`` ran at ``when``, leaving it at ``mark`` with ``reported``,
    if its alert is still as ``read`` (the row the alert was computed from); False if another
    run marked it meanwhile (its mark and time moved), which then keeps that run's mark."""
    table = schema.saved_searches
    last = table.c.last_alerted_at
    unchanged = last.is_(None) if read.last_alerted_at is None else last == read.last_alerted_at
    return bool(conn.execute(
        table.update().where(table.c.name == name, table.c.alert_mark == read.alert_mark, unchanged).values(
            alert_mark=mark, alert_reported=sorted(set(reported)), last_alerted_at=when,
        )
    ).rowcount)


def arrival_mark(conn: Connection) -> int:
    """The highest document id below which every document is in the index: the id before the
    first document not yet indexed, else the highest id (0 for an empty archive).

    A document whose ``indexed_version`` is unset may already be in the index (one whose
    near-duplicate cluster changed waits there for re-indexing), so the mark errs low: a
    document is then seen again rather than missed, and ``alert_reported`` keeps it from
    being reported twice.
    """
    docs = schema.documents
    waiting = conn.execute(
        sa.select(sa.func.min(docs.c.id)).where(docs.c.indexed_version.is_(None))
    ).scalar_one()
    if waiting is not None:
        return int(waiting) - 1
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(docs.c.id), 0))).scalar_one())


def _from_row(row: Row[Any]) -> SavedSearchRow:
    return SavedSearchRow(
        name=row.name, params=dict(row.params or {}), created_at=row.created_at,
        last_alerted_at=row.last_alerted_at, alert_mark=int(row.alert_mark or 0),
        alert_reported=tuple(int(doc_id) for doc_id in row.alert_reported or ()),
    )
