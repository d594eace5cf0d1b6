"""Collections in the store: named sets of documents, each document with a person's note.

The rows are a person's work, not evidence from a source: an item or a whole collection can
be removed. A collection's ``updated_at`` moves with every change to its items, so a list of
collections can show which story was last worked on. Items list in the order they were added
(documents added together, by id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from pressarchive.isodate import utc_iso
from pressarchive.store import schema
from pressarchive.store.rows import id_chunks, insert_missing, new_id


@dataclass(frozen=True, slots=True)
class Collection:
    """One collection and how many documents it holds."""

    id: int
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    documents: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "description": self.description, "documents": self.documents,
            "created_at": utc_iso(self.created_at), "updated_at": utc_iso(self.updated_at),
        }


@dataclass(frozen=True, slots=True)
class CollectionItem:
    """A document in a collection, with what a listing shows of its current version."""

    document_id: int
    note: str
    added_at: datetime
    title: str
    source: str
    published: date | None
    version: int | None
    url: str


@dataclass(frozen=True, slots=True)
class Membership:
    """A collection holding a given document, and the note the document has there."""

    collection: Collection
    note: str
    added_at: datetime




def create(conn: Connection, name: str, description: str, when: datetime) -> Collection:
    """A new collection (the caller makes sure ``name`` is free; the unique index enforces it)."""
    collection_id = new_id(conn.execute(schema.collections.insert().values(
        name=name, description=description, created_at=when, updated_at=when,
    )))
    return Collection(collection_id, name, description, when, when)


def get(conn: Connection, name: str) -> Collection | None:
    row = conn.execute(_listing_query().where(schema.collections.c.name == name)).first()
    return _collection(row) if row is not None else None


def listing(conn: Connection) -> list[Collection]:
    """Every collection with its document count, by name."""
    return [_collection(row) for row in conn.execute(_listing_query().order_by(schema.collections.c.name))]


def names(conn: Connection) -> list[str]:
    table = schema.collections
    return list(conn.execute(sa.select(table.c.name).order_by(table.c.name)).scalars())


def items(conn: Connection, collection_id: int, doc_id: int | None = None) -> list[CollectionItem]:
    """The collection's documents in the order they were added, each with its current version
    (with ``doc_id``, that document's entry alone, if it is in the collection)."""
    its, docs, vers = schema.collection_items, schema.documents, schema.versions
    query = (
        sa.select(its.c.document_id, its.c.note, its.c.added_at, docs.c.source, docs.c.url,
                  vers.c.title, vers.c.published, vers.c.number)
        .join(docs, docs.c.id == its.c.document_id)
        .outerjoin(vers, vers.c.id == docs.c.current_version)
        .where(its.c.collection_id == collection_id)
        .order_by(its.c.added_at, its.c.document_id)
    )
    if doc_id is not None:
        query = query.where(its.c.document_id == doc_id)
    return [
        CollectionItem(row.document_id, row.note, row.added_at, row.title or "", row.source,
                       row.published, row.number, row.url)
        for row in conn.execute(query)
    ]


def document_ids(conn: Connection, collection_id: int) -> list[int]:
    """The collection's document ids in the order they were added."""
    its = schema.collection_items
    query = sa.select(its.c.document_id).where(its.c.collection_id == collection_id)
    return list(conn.execute(query.order_by(its.c.added_at, its.c.document_id)).scalars())


def existing_documents(conn: Connection, doc_ids: Iterable[int]) -> set[int]:
    """Those of ``doc_ids`` that name a document in the archive."""
    docs = schema.documents
    found: set[int] = set()
    for chunk in id_chunks(doc_ids):
        found.update(conn.execute(sa.select(docs.c.id).where(docs.c.id.in_(chunk))).scalars())
    return found


def put(
    conn: Connection, collection_id: int, doc_ids: Iterable[int], note: str | None, when: datetime,
) -> list[int]:
    """Add each document not yet in the collection; ``note`` (unless None) becomes the note of
    every one of ``doc_ids``, new or not. Returns the ids that were new."""
    its = schema.collection_items
    wanted = list(dict.fromkeys(doc_ids))
    held = set(document_ids(conn, collection_id))
    # Inserted unless present: another writer (PostgreSQL) may add the same document meanwhile.
    inserted = insert_missing(conn, its, ["collection_id", "document_id"], [
        {"collection_id": collection_id, "document_id": doc_id, "note": note or "", "added_at": when}
        for doc_id in wanted if doc_id not in held
    ], its.c.document_id)
    new = [doc_id for doc_id in wanted if doc_id in inserted]
    if note is not None:
        for chunk in id_chunks(set(wanted) - inserted):
            conn.execute(its.update().where(
                its.c.collection_id == collection_id, its.c.document_id.in_(chunk),
            ).values(note=note))
    _touch(conn, collection_id, when)
    return new


def set_note(conn: Connection, collection_id: int, doc_id: int, note: str, when: datetime) -> bool:
    """Replace a document's note; False if the document is not in the collection."""
    its = schema.collection_items
    done = conn.execute(its.update().where(
        its.c.collection_id == collection_id, its.c.document_id == doc_id,
    ).values(note=note))
    if done.rowcount:
        _touch(conn, collection_id, when)
    return bool(done.rowcount)


def remove(conn: Connection, collection_id: int, doc_ids: Iterable[int], when: datetime) -> list[int]:
    """Take documents out of the collection; returns the ids that were in it."""
    its = schema.collection_items
    held = set(document_ids(conn, collection_id))
    gone = [doc_id for doc_id in dict.fromkeys(doc_ids) if doc_id in held]
    for chunk in id_chunks(gone):
        conn.execute(its.delete().where(its.c.collection_id == collection_id, its.c.document_id.in_(chunk)))
    if gone:
        _touch(conn, collection_id, when)
    return gone


def delete(conn: Connection, collection_id: int) -> None:
    """The collection and its items (the documents themselves stay in the archive)."""
    conn.execute(schema.collection_items.delete().where(schema.collection_items.c.collection_id == collection_id))
    conn.execute(schema.collections.delete().where(schema.collections.c.id == collection_id))


def containing(conn: Connection, doc_id: int) -> list[Membership]:
    """The collections holding document ``doc_id``, by name, each with the document's note there."""
    its = schema.collection_items
    mine = sa.select(its.c.collection_id, its.c.note, its.c.added_at).where(its.c.document_id == doc_id).subquery()
    query = (_listing_query().add_columns(mine.c.note, mine.c.added_at)
             .join(mine, mine.c.collection_id == schema.collections.c.id)
             .order_by(schema.collections.c.name))
    return [Membership(_collection(row), row.note, row.added_at) for row in conn.execute(query)]


def _touch(conn: Connection, collection_id: int, when: datetime) -> None:
    table = schema.collections
    conn.execute(table.update().where(table.c.id == collection_id).values(updated_at=when))


def _listing_query() -> sa.Select[Any]:
    table, its = schema.collections, schema.collection_items
    counts = (sa.select(its.c.collection_id, sa.func.count().label("documents"))
              .group_by(its.c.collection_id).subquery())
    return (sa.select(table, sa.func.coalesce(counts.c.documents, 0).label("documents"))
            .outerjoin(counts, counts.c.collection_id == table.c.id))


def _collection(row: Row[Any]) -> Collection:
    return Collection(row.id, row.name, row.description, row.created_at, row.updated_at, int(row.documents))
