"""Row chores every store module shares: ids in ``IN (...)``-sized chunks, a new row's id, and
an INSERT that gives way to a row another writer put in first (``ON CONFLICT``, which SQLite and
PostgreSQL both speak, each through its own dialect's construct)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

# Ids per IN (...) query: well under SQLite's limit on bound parameters.
ID_CHUNK = 500


def id_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """``ids`` sorted, without repeats, in lists of at most :data:`ID_CHUNK` for ``IN (...)``."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), ID_CHUNK):
        yield wanted[start:start + ID_CHUNK]


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT gave its row."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_unless_present(conn: Connection, table: sa.Table, keys: Sequence[str], values: dict[str, Any]) -> int | None:
    """Insert ``values`` unless a row with the same ``keys`` exists; the new row's id, or None.

    A plain INSERT after a SELECT that found nothing fails on PostgreSQL when another process
    inserted the same key in between (under READ COMMITTED both SELECTs see nothing): this waits
    for that writer's transaction instead and then inserts nothing, so the caller reads its row.
    """
    statement = _insert(conn)(table).values(values).on_conflict_do_nothing(index_elements=list(keys))
    return conn.execute(statement.returning(table.c.id)).scalar_one_or_none()


def insert_missing(
    conn: Connection, table: sa.Table, keys: Sequence[str], rows: Sequence[dict[str, Any]], returning: sa.Column[Any],
) -> set[Any]:
    """Insert those of ``rows`` whose ``keys`` are not in ``table`` yet (nor put there meanwhile
    by another writer, whose transaction this waits for); ``returning`` of the rows inserted."""
    statement = _insert(conn)(table).on_conflict_do_nothing(index_elements=list(keys)).returning(returning)
    inserted: set[Any] = set()
    for start in range(0, len(rows), ID_CHUNK):
        inserted.update(conn.execute(statement.values(list(rows[start:start + ID_CHUNK]))).scalars())
    return inserted


def upsert(conn: Connection, table: sa.Table, keys: Sequence[str], values: dict[str, Any]) -> None:
    """Insert ``values``, or update the row with the same ``keys`` to them (one statement, so two
    writers of the same key cannot both insert it)."""
    statement = _insert(conn)(table).values(values)
    changed = {name: statement.excluded[name] for name in values if name not in keys}
    conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changed))


def _insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
