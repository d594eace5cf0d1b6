"""Bringing an older archive database up to the current schema without losing anything.

Only additive changes are made (new tables, new nullable columns), so an archive written by
an earlier version keeps every capture and version and gains the new bookkeeping.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pressarchive.store import schema


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
    return added
