"""Bringing an archive's database to the schema this program writes, by Alembic revisions.

Opening an archive reads its revision (one query) and, when it is the newest, does nothing more.
Otherwise one process migrates while any other opening the same database waits, under a lock
held across the check and the migration (a PostgreSQL advisory lock in the migration's
transaction; on SQLite the write lock of a ``BEGIN IMMEDIATE`` transaction), then finds it done:

- a new, empty database gets today's tables and is stamped with the newest revision;
- an archive made before migrations (tables, no ``alembic_version``) is brought to the baseline
  by adding only what it lacks (revision 0001), then through every later revision;
- an older revision goes through the later ones;
- a revision this program does not know was written by a newer pressarchive: refused, untouched.

Everything a migration does is one transaction, so one cut short leaves the database as it was.
Reading commands migrate too: an archive is only ever read at the schema the code expects.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pressarchive.errors import UserError
from pressarchive.store import schema
from pressarchive.store.migrations import alembic_config, baseline, head_revision

VERSION_TABLE = "alembic_version"
_READ_REVISION = sa.text(f"SELECT version_num FROM {VERSION_TABLE}")
#: PostgreSQL's advisory lock (per database) held while one process checks and migrates.
_PG_LOCK_KEY = 0x7072_6573_7361_7263  # "pressarc"
#: How long an opener waits on SQLite for another process's migration: a long data step on a
#: big archive may take minutes, and the archive's usual busy timeout is 30 seconds.
_SQLITE_MIGRATION_WAIT_MS = 15 * 60 * 1000
#: PostgreSQL's insufficient_privilege and read_only_sql_transaction (a hot standby).
_PG_MAY_NOT_WRITE = {"42501", "25006"}


def upgrade(engine: Engine) -> list[str]:
    """Bring the database to the newest revision; returns what was done (empty when it was
    there already, the usual case, which costs one query)."""
    current = schema_revision(engine)
    if current == head_revision():
        return []
    if current is not None:
        _refuse_unknown(current)  # before any lock: a newer program's database is never touched
    try:
        with _migrating(engine) as conn:
            return _migrate(conn)
    except sa.exc.DBAPIError as error:
        if _may_not_write(error):
            raise _cannot_migrate(engine, current, error) from error
        raise


def schema_revision(engine: Engine) -> str | None:
    """The database's schema revision; None when it has none (new, or made before migrations)."""
    with engine.connect() as conn:
        try:
            found = conn.execute(_READ_REVISION).scalars().all()
        except (sa.exc.OperationalError, sa.exc.ProgrammingError):  # no version table (yet)
            return None
    return ",".join(sorted(found)) or None


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that only one process at a time holds; committed at the end."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {_SQLITE_MIGRATION_WAIT_MS}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
                conn.commit()
            finally:
                conn.rollback()
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(waited or 0)}")
        else:  # a transaction, even on an engine made to autocommit: the lock lasts until its end
            conn.execution_options(isolation_level="READ COMMITTED")
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
            yield conn
            conn.commit()


def _migrate(conn: Connection) -> list[str]:
    """Under the lock: look again (another process may have migrated meanwhile) and migrate."""
    inspector = sa.inspect(conn)
    current = None
    if inspector.has_table(VERSION_TABLE):
        current = ",".join(sorted(conn.execute(_READ_REVISION).scalars())) or None
    if current == head_revision():
        return []
    if current is not None:
        _refuse_unknown(current)
    if current is None and not set(inspector.get_table_names()) & set(schema.metadata.tables):
        return _create(conn)
    return _run_revisions(conn)


def _create(conn: Connection) -> list[str]:
    """A new database: today's tables at once, stamped with the newest revision. The data steps
    fill rows for archives older than their table; a new one has none to fill, so they are done."""
    schema.metadata.create_all(conn)
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(schema.data_steps.insert(), [{"name": name, "done_at": now} for name, _ in baseline.DATA_STEPS])
    _alembic(conn, "stamp")
    return [f"schema created at revision {head_revision()}"]


def _run_revisions(conn: Connection) -> list[str]:
    done: list[str] = []

    def applied(*, step: Any, **_: Any) -> None:
        done.append(f"revision {step.up_revision_id}: {step.up_revision.doc}")

    _alembic(conn, "upgrade", done=done, on_version_apply=applied)
    return done


def _alembic(conn: Connection, command_name: str, **attributes: Any) -> None:
    """Run Alembic's ``stamp`` or ``upgrade`` to the newest revision on ``conn``."""
    from alembic import command  # only when migrating: importing Alembic costs a tenth of a second

    config = alembic_config()
    config.attributes.update(attributes, connection=conn)
    getattr(command, command_name)(config, "head")


def _cannot_migrate(engine: Engine, current: str | None, error: sa.exc.DBAPIError) -> UserError:
    database = engine.url.render_as_string(hide_password=True)
    reason = str(error.orig).splitlines()[0]
    if current is None and not _has_archive_tables(engine):
        return UserError(f"cannot create the archive's tables in {database}: this account may not ({reason})")
    where = f"is at schema revision {current}" if current else "has no schema revision yet"
    return UserError(
        f"the archive's database {database} {where} and this pressarchive needs {head_revision()}, but it may "
        f"not change the database ({reason}): open the archive once as a user who may (any command migrates it)"
    )


def _has_archive_tables(engine: Engine) -> bool:
    try:
        return bool(set(sa.inspect(engine).get_table_names()) & set(schema.metadata.tables))
    except sa.exc.DBAPIError:
        return False


def _may_not_write(error: sa.exc.DBAPIError) -> bool:
    """A read-only SQLite file or connection; a PostgreSQL role without the right, or a standby."""
    if getattr(error.orig, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
        return True
    return getattr(error.orig, "sqlstate", None) in _PG_MAY_NOT_WRITE


def _refuse_unknown(current: str) -> None:
    from alembic.script import ScriptDirectory  # only when migrating, as above

    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if not set(current.split(",")) <= known:
        raise UserError(
            f"the archive's database is at schema revision {current}, which this pressarchive does not know "
            f"(its newest is {head_revision()}): a newer pressarchive wrote it; upgrade pressarchive to open it"
        )
