"""The archive's schema as it was when migrations began (revision 0001), frozen: never edit it.

Archives made before Alembic came in every shape the old open-time upgrade left them: the
first ones lack later tables and nullable columns, and the ``version_operations`` rows that a
one-time data step fills. :func:`bring_forward` makes any of them this schema by adding only,
as that upgrade did, so every row is kept; later changes are revisions of their own, made
against this and not against ``store/schema.py``, which moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pressarchive.store import operations

metadata = sa.MetaData()


sources = sa.Table(
    "sources",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("agency", sa.Text, nullable=False, default=""),
    sa.Column("country", sa.String(2), nullable=False, default=""),
    sa.Column("language", sa.String(8), nullable=False, default=""),
    sa.Column("extractor", sa.String(100), nullable=True),
    sa.Column("kind", sa.String(20), nullable=True),
)


captures = sa.Table(
    "captures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(100), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False, default=""),
    sa.Column("length", sa.Integer, nullable=False),
    sa.Column("captured_at", sa.DateTime, nullable=False),
    sa.Column("payload_sha256", sa.String(64), nullable=False),
    sa.Column("warc_file", sa.Text, nullable=False),
    sa.Column("warc_offset", sa.BigInteger, nullable=False),
    sa.Column("run_id", sa.Integer, nullable=True, index=True),
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    sa.Column("listed_date", sa.Date, nullable=True),
    sa.Column("warc_record_id", sa.String(64), nullable=True),
    sa.Column("requested_url", sa.Text, nullable=True),
    sa.Column("origin", sa.Text, nullable=True),
    sa.Index("ix_captures_url_payload", "url", "payload_sha256"),
)


documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("source", sa.String(100), nullable=False, index=True),
    sa.Column("first_captured", sa.DateTime, nullable=False),
    sa.Column("last_captured", sa.DateTime, nullable=False),
    sa.Column("current_version", sa.Integer, nullable=True),
    sa.Column("indexed_version", sa.Integer, nullable=True),
    sa.Column("last_listed", sa.DateTime, nullable=True),
    sa.Column("cluster_id", sa.Integer, nullable=True, index=True),
)


versions = sa.Table(
    "versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("capture_id", sa.ForeignKey("captures.id"), nullable=False),
    sa.Column("captured_at", sa.DateTime, nullable=False),
    sa.Column("text_sha256", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("published", sa.Date, nullable=True),
    sa.Column("operations", sa.JSON, nullable=False),
    sa.Column("countries", sa.JSON, nullable=True),
    sa.Column("agencies", sa.JSON, nullable=True),
    sa.Column("reprocessed_at", sa.DateTime, nullable=True),
    sa.Column("reprocess_run", sa.Integer, nullable=True),
    sa.UniqueConstraint("document_id", "number"),
)


figures = sa.Table(
    "figures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version_id", sa.ForeignKey("versions.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("qualifier", sa.String(20), nullable=False),
    sa.Column("unit", sa.String(8), nullable=False, default=""),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
)


runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("sources", sa.JSON, nullable=False),
    sa.Column("resumed_from", sa.Integer, nullable=True),
    sa.Column("report", sa.JSON, nullable=True),
)


reprocess_runs = sa.Table(
    "reprocess_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("source", sa.String(100), nullable=True),  # --source; NULL: every source
    sa.Column("since", sa.Date, nullable=True),  # --since; NULL: every capture
    sa.Column("last_document", sa.Integer, nullable=False, default=0),
    sa.Column("resumed_from", sa.Integer, nullable=True),
    sa.Column("report", sa.JSON, nullable=True),
)


removals = sa.Table(
    "removals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), nullable=False, index=True),
    sa.Column("removed_at", sa.DateTime, nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("run_id", sa.Integer, nullable=True),
    sa.Column("restored_at", sa.DateTime, nullable=True),
)


version_operations = sa.Table(
    "version_operations",
    metadata,
    sa.Column("version_id", sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True, index=True),
    sa.Column("name", sa.Text, nullable=False),
)


corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False, index=True),
    sa.Column("target", sa.String(200), nullable=False, index=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("withdrawn_at", sa.DateTime, nullable=True),
    sa.Column("withdrawn_by", sa.Text, nullable=True),
)


data_steps = sa.Table(
    "data_steps",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("done_at", sa.DateTime, nullable=False),
)


signatures = sa.Table(
    "signatures",
    metadata,
    sa.Column("document_id", sa.ForeignKey("documents.id"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("scheme", sa.String(40), nullable=False),
    sa.Column("minhash", sa.LargeBinary, nullable=True),
)


lsh_buckets = sa.Table(
    "lsh_buckets",
    metadata,
    sa.Column("band", sa.SmallInteger, nullable=False),
    sa.Column("bucket", sa.BigInteger, nullable=False, index=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), nullable=False, index=True),
)


lineage = sa.Table(
    "lineage",
    metadata,
    sa.Column("article_id", sa.ForeignKey("documents.id"), primary_key=True),
    sa.Column("release_id", sa.ForeignKey("documents.id"), primary_key=True, index=True),
    sa.Column("reused_share", sa.Float, nullable=False),
    sa.Column("shared_words", sa.Integer, nullable=False),
    sa.Column("lag_seconds", sa.BigInteger, nullable=True),
    sa.Column("passages", sa.JSON, nullable=False),
)


collections = sa.Table(
    "collections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)


collection_items = sa.Table(
    "collection_items",
    metadata,
    sa.Column("collection_id", sa.ForeignKey("collections.id"), primary_key=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), primary_key=True, index=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("added_at", sa.DateTime, nullable=False),
)


saved_searches = sa.Table(
    "saved_searches",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_alerted_at", sa.DateTime, nullable=True),
    sa.Column("alert_mark", sa.Integer, nullable=False, default=0),
    sa.Column("alert_reported", sa.JSON, nullable=False),
)


wayback_fetches = sa.Table(
    "wayback_fetches",
    metadata,
    sa.Column("listed_url", sa.Text, primary_key=True),
    sa.Column("served_url", sa.Text, nullable=False),
    sa.Column("refused", sa.String(40), nullable=True),
    sa.Column("fetched_at", sa.DateTime, nullable=False),
)


#: One-time data steps, by name, in the order they run; ``data_steps`` records those done, in
#: the transaction of their work, so each runs once per archive.
DATA_STEPS: tuple[tuple[str, Callable[[Connection], object]], ...] = (
    ("version_operations", operations.backfill),
)


def bring_forward(conn: Connection) -> list[str]:
    """Create missing tables and indexes, add missing nullable columns and run the data steps
    not yet run; returns what was done (empty for an archive already at the baseline)."""
    metadata.create_all(conn)
    return _add_columns(conn) + _add_indexes(conn) + _run_data_steps(conn)


def _add_columns(conn: Connection) -> list[str]:
    inspector, quote = sa.inspect(conn), conn.dialect.identifier_preparer.quote
    added = []
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable:
                kind = column.type.compile(dialect=conn.dialect)
                conn.execute(sa.text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"))
                added.append(f"{table.name}.{column.name}")
    return added


def _add_indexes(conn: Connection) -> list[str]:
    """Indexes declared after an archive was made (``create_all`` leaves existing tables alone)."""
    inspector = sa.inspect(conn)
    made = []
    for table in metadata.sorted_tables:
        present = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in present:
                index.create(conn)
                made.append(f"index {index.name}")
    return made


def _run_data_steps(conn: Connection) -> list[str]:
    done = set(conn.execute(sa.select(data_steps.c.name)).scalars())
    ran = []
    for name, step in DATA_STEPS:
        if name not in done:
            step(conn)
            conn.execute(data_steps.insert().values(name=name, done_at=datetime.now(UTC).replace(tzinfo=None)))
            ran.append(f"data step {name}")
    return ran
