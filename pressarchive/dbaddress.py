"""The store's database address: which SQL database holds the archive, as a SQLAlchemy URL.

Two kinds are supported, both through the same SQLAlchemy Core code in :mod:`pressarchive.store`:
the embedded default, ``sqlite:///DIR/archive.sqlite`` inside the data directory, and a
PostgreSQL server, ``postgresql+psycopg://USER[:PASSWORD]@HOST:PORT/NAME`` (psycopg 3). The
address comes from ``--db``, else ``$PRESSARCHIVE_DB``, else the data directory's
``config.toml`` (``db = "..."``), else the embedded file. Anything else is refused in one line
before a connection is tried. A password never appears in a message or a suggested command
(:func:`redact`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from pressarchive.errors import UserError

#: The dialect+driver pairs the store runs on (and is tested against).
SUPPORTED = {"sqlite": "sqlite", "postgresql+psycopg": "postgresql"}
EXAMPLE = "postgresql+psycopg://USER@HOST:5432/NAME"


class DatabaseAddressError(UserError):
    """A database URL that is malformed or names a database the store does not run on."""


@dataclass(frozen=True)
class DatabaseAddress:
    """A parsed database URL; ``backend`` is ``sqlite`` or ``postgresql``."""

    url: URL
    backend: str

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    def redacted(self) -> str:
        """The URL with its password shown as ``***`` (for messages, reports and commands)."""
        return self.url.render_as_string(hide_password=True)

    def __str__(self) -> str:
        return self.url.render_as_string(hide_password=False)


def parse_database_url(text: str) -> DatabaseAddress:
    """``text`` as a store address, or :class:`DatabaseAddressError` naming what is wrong."""
    value = text.strip()
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise DatabaseAddressError(f"bad database URL {_shown(value)!r}: give one such as {EXAMPLE}") from None
    backend = SUPPORTED.get(url.drivername)
    if backend is None:
        kinds = ", ".join(f"{name}://" for name in SUPPORTED)
        raise DatabaseAddressError(
            f"unsupported database {url.drivername!r} in {redact(value)!r}: the store runs on {kinds}"
        )
    if backend == "postgresql" and not url.database:
        raise DatabaseAddressError(f"database URL {redact(value)!r} names no database: give one such as {EXAMPLE}")
    return DatabaseAddress(url, backend)


def redact(text: str) -> str:
    """``text`` with the password of the URL in it hidden; unparsable text loses everything
    after the scheme (it might hold a password in a form we cannot find)."""
    try:
        return make_url(text.strip()).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _shown(text)


def _shown(text: str) -> str:
    scheme, sep, _rest = text.partition("://")
    return f"{scheme}{sep}..." if sep else text
