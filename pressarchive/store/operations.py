"""The operation names of each version as rows, so an operation's documents are one indexed lookup.

``versions.operations`` keeps the names as the extractor gave them (a JSON list); this table
repeats them with their folded key (:func:`~pressarchive.extract.operations.normalise_operation`),
which SQLite and PostgreSQL can both index and join without JSON functions. Only names the
extractor recognised as operation names are here: a word that happens to equal a name
("safe") in some other release never makes that release a document of the operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import schema

#: Versions read per batch by the backfill.
_BACKFILL_BATCH = 1000
_INSERT = schema.version_operations.insert()


@dataclass(frozen=True, slots=True)
class OperationMention:
    """A current document naming an operation: what the operations list counts."""

    key: str
    name: str
    document_id: int
    source: str
    language: str
    published: date | None
    cluster_id: int | None


@dataclass(frozen=True, slots=True)
class OperationDocument:
    """A current document of an operation with what a dossier shows and counts."""

    id: int
    version_id: int
    url: str
    title: str
    source: str
    language: str
    published: date | None
    first_captured: datetime
    cluster_id: int | None
    operations: tuple[str, ...]
    countries: tuple[str, ...]
    agencies: tuple[str, ...]

    @property
    def copy_group(self) -> int:
        """Near-duplicate copies share this number (the cluster's id, else the document's own)."""
        return self.cluster_id if self.cluster_id is not None else self.id


def operation_rows(version_id: int, names: Iterable[str]) -> list[dict[str, Any]]:
    """The ``version_operations`` rows of one version: one per distinct key, first name kept."""
    rows: dict[str, dict[str, Any]] = {}
    names = list(names)
    if not names:
        return []
    # Imported here: the extract package loads trafilatura and lxml, which a command that only
    # reads the store (search, show, status) should not wait for.
    from pressarchive.extract.operations import normalise_operation

    for name in names:
        key = normalise_operation(name)[:200]
        if key and key not in rows:
            rows[key] = {"version_id": version_id, "key": key, "name": name}
    return list(rows.values())


def write_operations(conn: Connection, version_id: int, names: Iterable[str]) -> None:
    rows = operation_rows(version_id, names)
    if rows:
        conn.execute(_INSERT, rows)


def backfill(conn: Connection) -> int:
    """Rows for every version written before this table existed; returns how many versions.

    Versions that already have rows are skipped, so running it again changes nothing.
    """
    vers, vo = schema.versions, schema.version_operations
    has_rows = sa.exists().where(vo.c.version_id == vers.c.id)
    last, filled = 0, 0
    while True:
        query = (
            sa.select(vers.c.id, vers.c.operations).where(vers.c.id > last, ~has_rows)
            .order_by(vers.c.id).limit(_BACKFILL_BATCH)
        )
        batch = conn.execute(query).all()
        if not batch:
            return filled
        for row in batch:
            names = [name for name in row.operations or () if isinstance(name, str)]
            if names:
                write_operations(conn, row.id, names)
                filled += 1
        last = batch[-1].id


def mentions(conn: Connection, keys: Iterable[str] | None = None) -> Iterator[OperationMention]:
    """Every (operation key, current document) pair in the archive, or those of ``keys``."""
    docs, vers, vo = schema.documents, schema.versions, schema.version_operations
    query = (
        sa.select(vo.c.key, vo.c.name, docs.c.id, docs.c.source, vers.c.language, vers.c.published,
                  docs.c.cluster_id)
        .join(docs, docs.c.current_version == vo.c.version_id)
        .join(vers, vers.c.id == vo.c.version_id)
        .order_by(docs.c.id)
    )
    if keys is not None:
        query = query.where(vo.c.key.in_(sorted(set(keys))))
    for row in conn.execute(query):
        yield OperationMention(row.key, row.name, row.id, row.source, row.language, row.published,
                               row.cluster_id)


def documents_of(conn: Connection, keys: Iterable[str]) -> list[OperationDocument]:
    """The current documents whose current version names any of ``keys``, by id."""
    docs, vers, vo = schema.documents, schema.versions, schema.version_operations
    wanted = sorted(set(keys))
    if not wanted:
        return []
    named = sa.select(vo.c.version_id).where(vo.c.key.in_(wanted))
    query = (
        sa.select(docs.c.id, docs.c.url, docs.c.source, docs.c.first_captured, docs.c.cluster_id,
                  vers.c.id.label("version_id"), vers.c.title, vers.c.language, vers.c.published,
                  vers.c.operations, vers.c.countries, vers.c.agencies)
        .join(vers, vers.c.id == docs.c.current_version)
        .where(docs.c.current_version.in_(named))
        .order_by(docs.c.id)
    )
    return [
        OperationDocument(
            id=row.id, version_id=row.version_id, url=row.url, title=row.title, source=row.source,
            language=row.language, published=row.published, first_captured=row.first_captured,
            cluster_id=row.cluster_id, operations=tuple(row.operations or ()),
            countries=tuple(row.countries or ()), agencies=tuple(row.agencies or ()),
        )
        for row in conn.execute(query)
    ]


def documents_naming(conn: Connection, keys: Iterable[str]) -> list[int]:
    """Ids of the documents whose current version names any of ``keys``."""
    docs, vo = schema.documents, schema.version_operations
    wanted = sorted(set(keys))
    if not wanted:
        return []
    query = (
        sa.select(docs.c.id).join(vo, vo.c.version_id == docs.c.current_version)
        .where(vo.c.key.in_(wanted)).distinct()
    )
    return sorted(conn.execute(query).scalars())
