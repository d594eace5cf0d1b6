"""SQL for near-duplicate signatures, LSH buckets, clusters and release-to-article lineage.

The computing lives in :mod:`pressarchive.similar`; this module only reads and writes the
tables, in chunks of ids so a crawl of 50 new documents touches those 50 and their
candidates, never the whole archive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from pressarchive.store.rows import id_chunks
from pressarchive.record import SOURCE_KINDS
from pressarchive.store import schema

PRESS_ROOM, NEWS = SOURCE_KINDS
#: PostgreSQL's advisory lock (per database) held by one similarity update's transaction at a time.
_SIMILARITY_LOCK_KEY = 0x7072_6573_7369_6D69  # "pressimi"


def _kind() -> sa.ColumnElement[Any]:
    return sa.func.coalesce(schema.sources.c.kind, PRESS_ROOM).label("kind")


def _facts_query() -> sa.Select[Any]:
    """What comparing a document needs: its current version's text and dates, its source's kind."""
    docs, vers, srcs = schema.documents, schema.versions, schema.sources
    return (
        sa.select(docs.c.id, vers.c.number.label("version"), vers.c.text, vers.c.published,
                  docs.c.first_captured, docs.c.cluster_id, _kind())
        .join(vers, vers.c.id == docs.c.current_version)
        .outerjoin(srcs, srcs.c.name == docs.c.source)
    )


def pending(conn: Connection, scheme: str, among: Iterable[int] | None = None) -> list[int]:
    """Ids of the documents (of ``among``, if given) whose current version has no signature
    of ``scheme`` yet."""
    docs, vers, sigs = schema.documents, schema.versions, schema.signatures
    query = (
        sa.select(docs.c.id).join(vers, vers.c.id == docs.c.current_version)
        .outerjoin(sigs, sigs.c.document_id == docs.c.id)
        .where(sa.or_(sigs.c.document_id.is_(None), sigs.c.version != vers.c.number, sigs.c.scheme != scheme))
        .order_by(docs.c.id)
    )
    if among is None:
        return [row.id for row in conn.execute(query)]
    return [row.id for chunk in id_chunks(among) for row in conn.execute(query.where(docs.c.id.in_(chunk)))]


def take_turn(conn: Connection) -> None:
    """Wait until no other process is updating signatures, clusters and lineage, and keep
    them waiting until this transaction ends (PostgreSQL's advisory lock; SQLite has one writer):
    every crawler process of a shared crawl runs indexing rounds, which begin by this update."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SIMILARITY_LOCK_KEY)))


def facts(conn: Connection, ids: Iterable[int]) -> dict[int, Row[Any]]:
    found: dict[int, Row[Any]] = {}
    for chunk in id_chunks(ids):
        found.update((row.id, row) for row in conn.execute(_facts_query().where(schema.documents.c.id.in_(chunk))))
    return found


def save_signatures(
    conn: Connection, scheme: str, rows: list[tuple[int, int, bytes | None, list[tuple[int, int]]]],
) -> None:
    """Replace the signature and buckets of each (document id, version, minhash, buckets)."""
    sigs, lsh = schema.signatures, schema.lsh_buckets
    for chunk in id_chunks(row[0] for row in rows):
        conn.execute(lsh.delete().where(lsh.c.document_id.in_(chunk)))
        conn.execute(sigs.delete().where(sigs.c.document_id.in_(chunk)))
    if rows:
        conn.execute(sigs.insert(), [
            {"document_id": doc_id, "version": version, "scheme": scheme, "minhash": blob}
            for doc_id, version, blob, _ in rows
        ])
    bucket_rows = [
        {"band": band, "bucket": bucket, "document_id": doc_id}
        for doc_id, _, _, bands in rows for band, bucket in bands
    ]
    if bucket_rows:
        conn.execute(lsh.insert(), bucket_rows)


def candidate_pairs(conn: Connection, ids: Iterable[int], max_bucket: int) -> set[tuple[int, int]]:
    """(id, other) for each of ``ids`` and every document sharing an LSH bucket with it.

    Buckets holding more than ``max_bucket`` documents are skipped: a band shared by that many
    is boilerplate (a standard footer), not a story.
    """
    lsh = schema.lsh_buckets
    mine, other, asked = lsh.alias("mine"), lsh.alias("other"), lsh.alias("asked")
    pairs: set[tuple[int, int]] = set()
    for chunk in id_chunks(ids):
        crowded = (
            sa.select(lsh.c.bucket)
            .where(lsh.c.bucket.in_(sa.select(asked.c.bucket).where(asked.c.document_id.in_(chunk))))
            .group_by(lsh.c.bucket).having(sa.func.count() > max_bucket)
        )
        query = (
            sa.select(mine.c.document_id, other.c.document_id.label("other")).distinct()
            .join(other, sa.and_(other.c.bucket == mine.c.bucket, other.c.document_id != mine.c.document_id))
            .where(mine.c.document_id.in_(chunk), mine.c.bucket.not_in(crowded))
        )
        pairs.update((row.document_id, row.other) for row in conn.execute(query))
    return pairs


def signatures(conn: Connection, ids: Iterable[int]) -> dict[int, bytes]:
    sigs = schema.signatures
    found: dict[int, bytes] = {}
    for chunk in id_chunks(ids):
        query = sa.select(sigs.c.document_id, sigs.c.minhash).where(
            sigs.c.document_id.in_(chunk), sigs.c.minhash.is_not(None))
        found.update((row.document_id, row.minhash) for row in conn.execute(query))
    return found


def clusters_of(conn: Connection, ids: Iterable[int]) -> dict[int, int | None]:
    docs = schema.documents
    found: dict[int, int | None] = {}
    for chunk in id_chunks(ids):
        query = sa.select(docs.c.id, docs.c.cluster_id).where(docs.c.id.in_(chunk))
        found.update((row.id, row.cluster_id) for row in conn.execute(query))
    return found


def members(conn: Connection, cluster_ids: Iterable[int]) -> dict[int, int]:
    """Document id -> cluster id for every document of the given clusters."""
    docs = schema.documents
    found: dict[int, int] = {}
    for chunk in id_chunks(cluster_ids):
        query = sa.select(docs.c.id, docs.c.cluster_id).where(docs.c.cluster_id.in_(chunk))
        found.update((row.id, row.cluster_id) for row in conn.execute(query))
    return found


def set_clusters(conn: Connection, changes: Mapping[int, int | None]) -> None:
    """Give each document its new cluster id and make it pending for the index, which holds
    the cluster id too."""
    docs = schema.documents
    update = docs.update().where(docs.c.id == sa.bindparam("doc_id")).values(
        cluster_id=sa.bindparam("cluster"), indexed_version=None)
    rows = [{"doc_id": doc_id, "cluster": cluster} for doc_id, cluster in changes.items()]
    if rows:
        conn.execute(update, rows)


def replace_lineage(conn: Connection, doc_ids: Iterable[int], links: list[dict[str, Any]]) -> None:
    """Drop every link of ``doc_ids`` (as article or as release) and store ``links`` instead."""
    lin = schema.lineage
    for chunk in id_chunks(doc_ids):
        conn.execute(lin.delete().where(sa.or_(lin.c.article_id.in_(chunk), lin.c.release_id.in_(chunk))))
    if links:
        conn.execute(lin.insert(), links)


def wipe(conn: Connection) -> int:
    """Forget every signature, bucket, link and cluster, for a rebuild; returns how many
    documents lost a cluster id. Those are made pending for the index at once, so a rebuild
    killed half-way leaves no index entry with a cluster id the store no longer has."""
    docs = schema.documents
    for table in (schema.lsh_buckets, schema.signatures, schema.lineage):
        conn.execute(table.delete())
    clustered = docs.c.cluster_id.is_not(None)
    return int(conn.execute(docs.update().where(clustered).values(cluster_id=None, indexed_version=None)).rowcount)


def described(conn: Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Id, title, source, publication date and first capture of each document, for listing."""
    docs, vers = schema.documents, schema.versions
    query = (
        sa.select(docs.c.id, vers.c.title, docs.c.source, vers.c.published, docs.c.first_captured)
        .join(vers, vers.c.id == docs.c.current_version)
    )
    found: dict[int, dict[str, Any]] = {}
    for chunk in id_chunks(ids):
        found.update((row.id, dict(row._mapping)) for row in conn.execute(query.where(docs.c.id.in_(chunk))))
    return found


def lineage_rows(conn: Connection, ids: Iterable[int]) -> list[dict[str, Any]]:
    """Every link in which one of ``ids`` is the article or the release."""
    lin = schema.lineage
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for chunk in id_chunks(ids):
        query = sa.select(lin).where(sa.or_(lin.c.article_id.in_(chunk), lin.c.release_id.in_(chunk)))
        for row in conn.execute(query):
            found[(row.article_id, row.release_id)] = dict(row._mapping)
    return [found[key] for key in sorted(found)]


def moment(published: date | None, first_captured: datetime) -> datetime:
    """When a document came out: its publication date (midnight) if known, else its first capture."""
    return datetime(published.year, published.month, published.day) if published else first_captured


def has_news(conn: Connection) -> bool:
    """Whether any source is a news outlet (else there is no lineage to look for)."""
    srcs = schema.sources
    return conn.execute(sa.select(srcs.c.name).where(srcs.c.kind == NEWS).limit(1)).first() is not None


def signed_between(conn: Connection, kind: str, start: datetime, end: datetime) -> list[Row[Any]]:
    """(id, published, first_captured, minhash) of the signed documents of sources of ``kind``
    that came out between ``start`` and ``end`` (see :func:`moment`)."""
    docs, vers, srcs, sigs = schema.documents, schema.versions, schema.sources, schema.signatures
    came_out = sa.or_(
        vers.c.published.between(start.date(), end.date()),
        sa.and_(vers.c.published.is_(None), docs.c.first_captured.between(start, end)),
    )
    query = (
        sa.select(docs.c.id, vers.c.published, docs.c.first_captured, sigs.c.minhash)
        .join(vers, vers.c.id == docs.c.current_version)
        .join(sigs, sigs.c.document_id == docs.c.id)
        .outerjoin(srcs, srcs.c.name == docs.c.source)
        .where(sigs.c.minhash.is_not(None), _kind() == kind, came_out)
    )
    return list(conn.execute(query))
