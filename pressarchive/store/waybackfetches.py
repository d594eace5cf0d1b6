"""What became of listed Wayback captures that left no capture row, or another ``id_`` URL in it.

The import records a capture (with the ``id_`` URL it was fetched from as origin) only for a
response it takes. A listed capture it refuses, and one the Wayback Machine answers from a
nearby timestamp, would otherwise look new to every rerun. One row per listed ``id_`` URL; a
later fetch of the same URL replaces it.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import schema
from pressarchive.store.rows import upsert


class WaybackFetch(NamedTuple):
    """A listed capture's ``id_`` URL, the one that answered, and why the import refused it (None: taken)."""

    listed_url: str
    served_url: str
    refused: str | None


def record(conn: Connection, fetch: WaybackFetch, when: datetime) -> None:
    """Insert or replace the row of ``fetch.listed_url`` in one statement: two imports recording
    the same URL at once (PostgreSQL) must not both insert it."""
    upsert(conn, schema.wayback_fetches, ["listed_url"], {
        "listed_url": fetch.listed_url, "served_url": fetch.served_url, "refused": fetch.refused, "fetched_at": when,
    })


def under(conn: Connection, prefix: str) -> list[WaybackFetch]:
    """The rows whose listed URL starts with ``prefix`` (one Wayback Machine's captures)."""
    table = schema.wayback_fetches
    query = sa.select(table.c.listed_url, table.c.served_url, table.c.refused).where(
        table.c.listed_url.startswith(prefix, autoescape=True))
    return [WaybackFetch(*row) for row in conn.execute(query)]
