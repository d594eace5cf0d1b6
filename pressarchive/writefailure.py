"""Telling a data directory that cannot take writes (a full or failing disk) from a bug.

A full disk shows up as ``OSError`` (``ENOSPC``) from the WARC files, the index and the reports,
and as SQLite's "database or disk is full" from the store. Either way nothing is wrong with the
program and retrying will not help: the crawl stops and the CLI says so in one line. Shared by
the crawler (:mod:`pressarchive.crawler.storage`) and the CLI, so it imports neither.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import OperationalError

# The OS's ways of saying a disk takes no more writes: full, over quota, read-only, failing, file too big.
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG})

# SQLite's words for a store it cannot write (SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY,
# SQLITE_CANTOPEN); "database is locked" is a busy writer, not a broken disk.
_SQLITE_STORAGE_WORDS = ("full", "disk i/o", "readonly", "unable to open")


def is_storage_failure(exc: BaseException) -> bool:
    """Whether ``exc`` means the data directory cannot take writes.

    Only the errnos of a full or broken disk: a missing profile file or a broken pipe to a
    worker is another error with its own message.
    """
    if isinstance(exc, OSError):
        return exc.errno in _STORAGE_ERRNOS
    return isinstance(exc, OperationalError) and any(word in str(exc).lower() for word in _SQLITE_STORAGE_WORDS)


def describe(exc: BaseException) -> str:
    """One line for a person: the OS or SQLite message, without SQLAlchemy's SQL and links."""
    if isinstance(exc, OperationalError):
        return str(exc.orig)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc)
