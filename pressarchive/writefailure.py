"""Telling a data directory that cannot take writes (a full or failing disk) from a bug.

A full disk shows up as ``OSError`` (``ENOSPC``) from the WARC files, the index and the reports,
and as SQLite's "database or disk is full" from the store. A store on PostgreSQL fails the same
way when the server's disk is full (SQLSTATE class 53), its storage fails (58), it went
read-only (25006), shuts down (57P) or the connection to it is lost (class 08, or psycopg's
"server closed the connection"). Either way nothing is wrong with the program and retrying at
once will not help: the crawl stops and the CLI says so in one line. Nothing already archived is
lost: the failed transaction was not committed (the server rolls it back), every earlier one
was, and the WARC records written before stay in their files. Shared by
the crawler (:mod:`pressarchive.crawler.storage`) and the CLI, so it imports neither.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError, OperationalError

# The OS's ways of saying a disk takes no more writes: full, over quota, read-only, failing, file too big.
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG})

# SQLite's words for a store it cannot write (SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY,
# SQLITE_CANTOPEN); "database is locked" is a busy writer, not a broken disk.
_SQLITE_STORAGE_WORDS = ("full", "disk i/o", "readonly", "unable to open")

# PostgreSQL's SQLSTATEs (or their classes) for a server that cannot take writes: insufficient
# resources (53: disk full, out of memory, too many connections), system error (58: I/O), a
# read-only transaction (25006: a standby, or default_transaction_read_only), shut down (57P),
# and a lost connection (08).
_POSTGRES_STORAGE_STATES = ("53", "58", "25006", "57P", "08")


def is_storage_failure(exc: BaseException) -> bool:
    """Whether ``exc`` means the data directory cannot take writes.

    Only the errnos of a full or broken disk: a missing profile file or a broken pipe to a
    worker is another error with its own message.
    """
    if isinstance(exc, OSError):
        return exc.errno in _STORAGE_ERRNOS
    if isinstance(exc, DBAPIError) and _is_postgres(exc):
        return _postgres_cannot_write(exc)
    return isinstance(exc, OperationalError) and any(word in str(exc).lower() for word in _SQLITE_STORAGE_WORDS)


def is_database_server_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a storage failure of the store's database server (not of the data directory)."""
    return isinstance(exc, DBAPIError) and _is_postgres(exc) and _postgres_cannot_write(exc)


def _is_postgres(exc: DBAPIError) -> bool:
    return type(exc.orig).__module__.startswith("psycopg")


def _postgres_cannot_write(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if state is None:  # psycopg raises connection losses without a SQLSTATE
        return isinstance(exc, OperationalError)
    return str(state).startswith(_POSTGRES_STORAGE_STATES)


def describe(exc: BaseException) -> str:
    """One line for a person: the OS or SQLite message, without SQLAlchemy's SQL and links."""
    if isinstance(exc, DBAPIError):
        return " ".join(str(exc.orig).split())
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc)
