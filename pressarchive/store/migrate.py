"""Bringing an older archive database up to the current schema without losing anything.

Only additive changes are made (new tables, new nullable columns), so an archive written by
an earlier version keeps every capture and version and gains the new bookkeeping. A new table
that repeats what older rows already hold (``version_operations``) is filled once by a *data
step*; ``data_steps`` records which have run, so each runs once per archive, inside the same
transaction as its record (a step cut short runs again whole at the next open).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pressarchive.store import operations, schema

#: One-time data steps, by name, in the order they run.
DATA_STEPS: tuple[tuple[str, Callable[[Connection], object]], ...] = (
    ("version_operations", operations.backfill),
)


def upgrade(engine: Engine) -> list[str]:
    """Create missing tables and add missing nullable columns; returns what was added."""
    schema.metadata.create_all(engine)
    inspector = sa.inspect(engine)
    added = []
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))
                    added.append(f"{table.name}.{column.name}")
    added.extend(_create_indexes(engine))
    added.extend(_run_data_steps(engine))
    return added


def _create_indexes(engine: Engine) -> list[str]:
    """Indexes declared since the archive was made (``create_all`` leaves existing tables alone)."""
    inspector = sa.inspect(engine)
    made = []
    for table in schema.metadata.sorted_tables:
        present = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in present:
                index.create(engine)
                made.append(f"index {index.name}")
    return made


def _run_data_steps(engine: Engine) -> list[str]:
    steps = schema.data_steps
    with engine.connect() as conn:
        done = set(conn.execute(sa.select(steps.c.name)).scalars())
    ran = []
    for name, step in DATA_STEPS:
        if name not in done:
            with engine.begin() as conn:
                step(conn)
                conn.execute(steps.insert().values(name=name, done_at=datetime.now(UTC).replace(tzinfo=None)))
            ran.append(f"data step {name}")
    return ran
