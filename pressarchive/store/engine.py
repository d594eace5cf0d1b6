"""The SQLAlchemy engine for a store address: per-backend settings, and a failure to connect
turned into one line for a person.

SQLite is a file beside the WARC files: WAL (so the web can read while a crawl writes) and a
busy timeout (one writer at a time, the others wait). PostgreSQL is a server shared by several
processes (crawlers, ``serve``, ``index``), each with a pool of its own: :data:`POOL_SIZE`
connections kept open plus :data:`POOL_OVERFLOW` opened when busy, so one process uses at most
15 of the server's ``max_connections`` (default 100). ``pool_pre_ping`` tests a pooled
connection before use, so a server restart or an idle connection dropped by a firewall costs a
reconnect, not a failed command; :data:`POOL_RECYCLE` replaces connections older than that.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pressarchive.dbaddress import DatabaseAddress
from pressarchive.errors import UserError

#: Seconds an SQLite connection waits for a writer (its busy timeout), and for the switch to WAL.
WAL_SWITCH_SECONDS = 30.0
#: Connections each process keeps open to a PostgreSQL store, and how many more it may open when busy.
POOL_SIZE = 5
POOL_OVERFLOW = 10
#: Seconds after which a pooled PostgreSQL connection is replaced (idle-connection reapers cut sooner ones).
POOL_RECYCLE = 1800
#: SQLSTATEs (or classes) of a store the account cannot use: connection (08), login (28), no such
#: database (3D000), no privilege (42501), read-only (25006), out of resources (53), I/O (58), shut down (57P).
_UNUSABLE_STATES = ("08", "28", "3D000", "42501", "25006", "53", "58", "57P")
#: Seconds to wait for the server to answer before saying it cannot be reached.
CONNECT_TIMEOUT = 10
#: Times a transaction that PostgreSQL aborted to break a deadlock is run in all.
DEADLOCK_ATTEMPTS = 5


class StoreUnavailable(UserError):
    """The store's database server cannot be reached, refuses the login, or has no such database."""


def create_engine(address: DatabaseAddress) -> Engine:
    """An engine for ``address`` with its backend's settings (nothing is connected yet)."""
    if address.is_sqlite:
        engine = sa.create_engine(address.url, connect_args={"timeout": WAL_SWITCH_SECONDS})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(
        address.url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_pre_ping=True,
        pool_recycle=POOL_RECYCLE,
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "pressarchive"},
    )


def holds_archive(address: DatabaseAddress) -> bool:
    """Whether the database at ``address`` has the archive's tables, creating nothing (a reader
    must not make an empty archive; a SQLite file that is not there is not created either)."""
    if address.is_sqlite:
        path = address.url.database
        if not path or path == ":memory:" or not Path(path).is_file() or Path(path).stat().st_size == 0:
            return False
    engine = create_engine(address)
    try:
        return sa.inspect(engine).has_table("documents")
    except sa.exc.OperationalError as error:
        raise unavailable(address, error) from None
    finally:
        engine.dispose()


def is_unusable(error: sa.exc.DBAPIError) -> bool:
    """Whether opening a PostgreSQL store failed for a reason of the server's or the account's
    (unreachable, login refused, no such database, no right to create the tables, read-only),
    not of the program: one line for a person rather than a traceback."""
    state = str(getattr(error.orig, "sqlstate", "") or "")
    return isinstance(error, sa.exc.OperationalError) or state.startswith(_UNUSABLE_STATES)


def is_deadlock(error: sa.exc.DBAPIError) -> bool:
    """Whether PostgreSQL aborted the transaction to break a deadlock (SQLSTATE 40P01): nothing
    it did was kept, and running it again succeeds once the other transaction has gone on."""
    return str(getattr(error.orig, "sqlstate", "") or "") == "40P01"


def unavailable(address: DatabaseAddress, error: sa.exc.DBAPIError) -> StoreUnavailable:
    """One line for a store that could not be opened: the server's reason, never the password."""
    reason = " ".join(str(error.orig).split()) or type(error.orig).__name__
    reason = reason.removeprefix("connection failed: ")
    if address.url.password:
        reason = reason.replace(str(address.url.password), "***")
    return StoreUnavailable(f"cannot open the store database {address.redacted()}: {reason}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _use_wal(cursor: Any, seconds: float = WAL_SWITCH_SECONDS) -> None:
    """Switch a new database to WAL, waiting while another opener holds it.

    SQLite does not always call the busy handler for this switch: three processes opening a
    new, empty archive at once saw "database is locked" at once (CI, once in four runs), so
    the switch is retried until the connection's own timeout would have run out.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
