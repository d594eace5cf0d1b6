"""Alembic's environment: migrations run on the connection ``store/migrate.py`` hands in,
inside the transaction (and lock) it holds, so one process migrates and the others wait."""

from __future__ import annotations

from alembic import context

from pressarchive.store import schema

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run on a connection from pressarchive.store.migrate, not from the alembic command")
context.configure(
    connection=connection,
    target_metadata=schema.metadata,
    # SQLite alters most things only by copying a table: autogenerate writes batch operations,
    # which do that on SQLite and plain ALTERs on PostgreSQL.
    render_as_batch=True,
    compare_type=True,
    on_version_apply=config.attributes.get("on_version_apply"),
)
with context.begin_transaction():
    context.run_migrations()
