"""The archive: sources, captures, documents and their versions in one SQL database.

All writes go through :class:`Archive` so that the rules live in one place: a document is
keyed by its canonical URL, a version is added only when the text really changed (or, by
``reprocess``, when a newer extractor reads the same capture differently), and nothing is ever
deleted. The same code runs on SQLite and PostgreSQL (:mod:`pressarchive.store.engine`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, Row

from pressarchive.dbaddress import parse_database_url
from pressarchive.isodate import utc_iso
from pressarchive.record import Document, Figure
from pressarchive.store import (
    briefs, collections, corrections, exportcaptures, exportrows, history, lifecycle, operations, reprocessing, runs,
    savedsearches, schema, sourcecounts, waybackfetches,
)
from pressarchive.store.briefs import DocumentBrief
from pressarchive.store.collections import Collection, CollectionItem, Membership
from pressarchive.store.corrections import Correction, Merge
from pressarchive.store.migrate import upgrade
from pressarchive.store.engine import DEADLOCK_ATTEMPTS, create_engine, is_deadlock, is_unusable, unavailable
from pressarchive.store.exportcaptures import VersionCapture
from pressarchive.store.exportrows import ExportRow
from pressarchive.store.snapshotrows import SnapshotRow, snapshot_rows
from pressarchive.store.rows import ID_CHUNK, id_chunks, insert_unless_present, new_id, upsert
from pressarchive.store.versionrows import add_version
from pressarchive.store.sourcecounts import SourceCounts
from pressarchive.store.records import Capture, KnownPage, SaveOutcome, StoredDocument, Version
from pressarchive.store.reprocessing import Candidate, ReprocessRun
from pressarchive.store.savedsearches import SavedSearchRow
from pressarchive.store.waybackfetches import WaybackFetch
from pressarchive.urls import canonical_url

_SOURCE_FIELDS = ("title", "agency", "country", "language", "extractor", "kind")
def text_digest(title: str, text: str) -> str:
    """The digest that decides whether a recrawled release changed (title and text only)."""
    return hashlib.sha256(f"{title}\x00{text}".encode()).hexdigest()


def create_archive_engine(url: str) -> Engine:
    """An engine for ``url`` with the schema in place (see :mod:`pressarchive.store.engine` for
    each backend's settings); a server that cannot be reached, refuses the login or has no such
    database is one :class:`~pressarchive.store.engine.StoreUnavailable` line."""
    address = parse_database_url(url)
    engine = create_engine(address)
    try:
        upgrade(engine)  # one process at a time migrates (see pressarchive.store.migrate)
    except sa.exc.DBAPIError as error:
        engine.dispose()
        if address.is_sqlite or not is_unusable(error):
            raise
        raise unavailable(address, error) from None
    return engine


def _save_captured(conn: Connection, capture: Capture, doc: Document | None) -> SaveOutcome | None:
    """The capture's row, then the document extracted from it, if any (a page without text
    keeps its capture: the evidence that it was seen)."""
    capture_id = _record_capture(conn, capture)
    return None if doc is None else _save_document(conn, doc, capture_id)


class Archive:
    """Read and write access to one archive database."""

    def __init__(self, url: str) -> None:
        self.engine = create_archive_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    # -- sources -----------------------------------------------------------------------------

    def upsert_source(self, name: str, **fields: str) -> None:
        """Record or refresh a source's descriptive fields (from its profile)."""
        values = {key: fields.get(key, "") or "" for key in _SOURCE_FIELDS}
        with self.engine.begin() as conn:
            upsert(conn, schema.sources, ["name"], {"name": name, **values})

    def sources(self) -> list[dict[str, Any]]:
        """Every known source with its document count."""
        counts = (
            sa.select(schema.documents.c.source, sa.func.count().label("documents"))
            .group_by(schema.documents.c.source)
            .subquery()
        )
        query = sa.select(schema.sources, sa.func.coalesce(counts.c.documents, 0).label("documents"))
        query = query.outerjoin(counts, counts.c.source == schema.sources.c.name)
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(query.order_by(schema.sources.c.name))]
            last = runs.last_crawls(conn)
        for row in rows:
            crawled = last.get(row["name"])
            row["last_crawl"] = utc_iso(crawled)
        return rows

    def source_title(self, name: str) -> str:
        """A source's descriptive title from its profile ("" when unknown or not given)."""
        srcs = schema.sources
        with self.engine.connect() as conn:
            return conn.execute(sa.select(srcs.c.title).where(srcs.c.name == name)).scalar() or ""

    def source_counts(self) -> list[SourceCounts]:
        """Every source with its documents, their publication and capture dates, its removals
        and its last crawl (one grouped query each, not one per source): the sources page."""
        with self.engine.connect() as conn:
            return sourcecounts.source_counts(conn)

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, sources: list[str], started_at: datetime, resumed_from: int | None = None,
                  frontier: str | None = None, worker: str | None = None, frontier_crawl: str | None = None) -> int:
        """A new run; ``frontier`` is the shared crawl's key (``crawl --frontier``) and
        ``frontier_crawl`` which crawl of that key, ``worker`` the process."""
        with self.engine.begin() as conn:
            return runs.start_run(conn, sources, started_at, resumed_from, frontier, worker, frontier_crawl)

    def continue_dead_runs(self, frontier: str, alive: set[str]) -> int:
        """Runs of the shared crawl ``frontier`` whose process is gone become ``resumed``."""
        with self.engine.begin() as conn:
            return runs.continue_dead_runs(conn, frontier, alive)

    def frontier_runs(self, frontier: str) -> list[dict[str, Any]]:
        """The runs of every process of the shared crawl ``frontier``, oldest first."""
        with self.engine.connect() as conn:
            return runs.frontier_runs(conn, frontier)

    def finish_run(self, run_id: int, status: str, finished_at: datetime, report: Any) -> None:
        with self.engine.begin() as conn:
            runs.finish_run(conn, run_id, status, finished_at, report)

    def resumable_run(self, sources: list[str]) -> int | None:
        with self.engine.connect() as conn:
            return runs.resumable_run(conn, sources)

    def done_in_run(self, run_id: int, source: str) -> set[str]:
        """Release URLs a run and the runs it resumed already stored for ``source``."""
        with self.engine.connect() as conn:
            return runs.done_urls(conn, runs.run_chain(conn, run_id), source)

    # -- what became of releases at their source --------------------------------------------------

    def known_pages(self, source: str) -> dict[str, KnownPage]:
        with self.engine.connect() as conn:
            return lifecycle.known_pages(conn, source)

    def mark_listed(self, urls: Iterable[str], when: datetime) -> None:
        with self.engine.begin() as conn:
            lifecycle.mark_listed(conn, urls, when)

    def mark_removed(self, url: str, when: datetime, reason: str, run_id: int | None = None) -> bool:
        """Record that the source took ``url`` down or delisted it; False if unknown or already so."""
        with self.engine.begin() as conn:
            doc_id = lifecycle.document_id(conn, canonical_url(url), lock=True)
            return doc_id is not None and lifecycle.mark_removed(conn, doc_id, when, reason, run_id)

    def touch_document(self, url: str, when: datetime) -> SaveOutcome | None:
        """A 304 Not Modified: the document is still there, unchanged."""
        docs = schema.documents
        with self.engine.begin() as conn:
            doc_id = lifecycle.document_id(conn, canonical_url(url), lock=True)
            if doc_id is None:
                return None
            conn.execute(docs.update().where(docs.c.id == doc_id).values(last_captured=when))
            restored = lifecycle.mark_restored(conn, doc_id, when)
            number = conn.execute(
                sa.select(schema.versions.c.number).join(docs, docs.c.current_version == schema.versions.c.id)
                .where(docs.c.id == doc_id)
            ).scalar_one()
            return SaveOutcome(doc_id, "unchanged", number, restored)

    # -- captures and documents -----------------------------------------------------------------

    def record_capture(self, capture: Capture) -> int:
        """Remember where a response was archived; returns the capture id."""
        with self.engine.begin() as conn:
            return _record_capture(conn, capture)

    def save_captured(self, items: Sequence[tuple[Capture, Document | None]]) -> list[SaveOutcome | None]:
        """Record each capture and save the document extracted from it (None: none was), all in
        one transaction: an import's rows go in by the batch, as one commit per page would
        cost more than the page's extraction. The same rules as :meth:`record_capture` then
        :meth:`save_document` one by one, in order."""
        for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
            try:
                with self.engine.begin() as conn:
                    return [_save_captured(conn, capture, doc) for capture, doc in items]
            except sa.exc.OperationalError as error:
                # A batch locks its documents as it goes: another writer's batch of the same
                # pages in another order deadlocks with it, and PostgreSQL aborts one of the
                # two (rolled back whole): run it again, the other having gone on.
                if attempt == DEADLOCK_ATTEMPTS or not is_deadlock(error):
                    raise
        raise AssertionError("unreachable")

    def capture_exists(self, url: str, payload_sha256: str, captured_at: datetime) -> bool:
        """Whether this capture is archived: exactly ``url``, this payload, at this time (to the
        second). An import skips it, so importing twice adds nothing; the same payload at
        another time is another sighting (a page back to an earlier text must not be lost)."""
        second = captured_at.replace(microsecond=0)
        params = {"url": url, "digest": payload_sha256, "at": second, "until": second + timedelta(seconds=1)}
        with self.engine.connect() as conn:
            return conn.execute(_CAPTURE_EXISTS, params).first() is not None

    def origins_with_prefix(self, prefix: str) -> set[str]:
        """The origins of archived captures that start with ``prefix`` (a Wayback import skips
        the captures it imported before without fetching them again)."""
        caps = schema.captures
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(caps.c.origin).where(caps.c.origin.startswith(prefix, autoescape=True)))
            return {row.origin for row in rows}

    def record_wayback_fetch(self, fetch: WaybackFetch, when: datetime) -> None:
        """Remember a listed Wayback capture the import refused or received from another ``id_``
        URL, so a rerun need not fetch it again (see :mod:`pressarchive.store.waybackfetches`)."""
        with self.engine.begin() as conn:
            waybackfetches.record(conn, fetch, when)

    def wayback_fetches(self, prefix: str) -> list[WaybackFetch]:
        """The recorded fetches of listed ``id_`` URLs that start with ``prefix``."""
        with self.engine.connect() as conn:
            return waybackfetches.under(conn, prefix)

    def save_document(self, doc: Document, capture_id: int) -> SaveOutcome:
        """Add a document, or a new version of it if its text changed since the last one.

        A capture older than the document's latest (an import of the past) is put in its place
        in time: see :func:`pressarchive.store.history.save_past`.
        """
        with self.engine.begin() as conn:
            return _save_document(conn, doc, capture_id)

    # -- reprocessing: extracting archived captures again ---------------------------------------

    def start_reprocess(self, source: str | None, since: date | None, started_at: datetime) -> ReprocessRun:
        with self.engine.begin() as conn:
            return reprocessing.start_run(conn, source, since, started_at)

    def finish_reprocess(self, run_id: int, status: str, finished_at: datetime, report: Any) -> None:
        with self.engine.begin() as conn:
            reprocessing.finish_run(conn, run_id, status, finished_at, report)

    def count_to_reprocess(self, source: str | None, since: date | None, after: int) -> int:
        """How many documents a reprocess run with these limits has still to do."""
        query = (sa.select(sa.func.count()).select_from(schema.documents)
                 .join(schema.versions, schema.versions.c.id == schema.documents.c.current_version)
                 .where(*reprocessing.selection(source, since, after)))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def to_reprocess(self, source: str | None, since: date | None, after: int, limit: int) -> list[Candidate]:
        """The next ``limit`` documents after id ``after``, each with its current version
        (whose capture is what gets extracted again), in id order."""
        docs = schema.documents
        query = (_versions_query().join(docs, docs.c.current_version == schema.versions.c.id)
                 .add_columns(docs.c.id.label("doc_id"), docs.c.url.label("doc_url"),
                              docs.c.source.label("doc_source"))
                 .where(*reprocessing.selection(source, since, after))
                 .order_by(None).order_by(docs.c.id).limit(limit))
        with self.engine.connect() as conn:
            return [Candidate(row.doc_id, row.doc_url, row.doc_source, _version_from_row(row))
                    for row in conn.execute(query)]

    def save_reprocessed(
        self, run_id: int, last_document: int, changed: Iterable[tuple[int, Document, Version]], when: datetime,
    ) -> None:
        """Add a version for each (document id, new extraction, version it replaces) and move
        the run's cursor to ``last_document``, all in one transaction.

        The new version points at the capture it was extracted from and keeps that capture's
        time; ``reprocessed_at`` and ``reprocess_run`` say it is a re-extraction. A document
        whose current version is no longer ``replaced`` (a crawl sharing the store saved a newer
        one meanwhile) is left as it is: its re-extraction would be of an outdated version.
        One that an import gave an older version meanwhile gets its new version after the current one.
        """
        docs, vers = schema.documents, schema.versions
        current_query = (sa.select(docs.c.current_version, vers.c.number)
                         .join(vers, vers.c.id == docs.c.current_version).with_for_update(of=docs))
        with self.engine.begin() as conn:
            for doc_id, doc, replaced in changed:
                current = conn.execute(current_query.where(docs.c.id == doc_id)).first()
                if current is None or current.current_version != replaced.id:
                    continue
                # Its number as it is now: an older version put in before it meanwhile moved it up.
                add_version(conn, doc_id, current.number + 1, doc, text_digest(doc.title, doc.text),
                             replaced.capture.id or 0, replaced.captured_at,
                             reprocessed_at=when, reprocess_run=run_id)
            reprocessing.advance(conn, run_id, last_document)

    # -- reading ------------------------------------------------------------------------------

    def get_document(self, doc_id: int) -> StoredDocument | None:
        """A document with all its versions, or None if there is no such id."""
        with self.engine.connect() as conn:
            row = conn.execute(_current_query().where(schema.documents.c.id == doc_id)).first()
            if row is None:
                return None
            version_rows = conn.execute(
                _versions_query().where(schema.versions.c.document_id == doc_id)
            ).all()
            removals = lifecycle.removals_of(conn, doc_id)
            merged = _merges(conn)
        return StoredDocument(
            document=_document_from_row(row, merged),
            first_captured=row.first_captured,
            last_captured=row.last_captured,
            versions=[_version_from_row(vrow) for vrow in version_rows],
            removals=removals,
        )

    def document_by_url(self, url: str) -> StoredDocument | None:
        """The document archived under canonical ``url`` (ids differ between archives; a URL
        names the same release in every one), or None."""
        with self.engine.connect() as conn:
            doc_id = lifecycle.document_id(conn, url)
        return self.get_document(doc_id) if doc_id is not None else None

    def figures(self, version_ids: Iterable[int]) -> dict[int, list[Figure]]:
        """Version id -> the figures its text reports, in text order."""
        figs = schema.figures
        found: dict[int, list[Figure]] = {}
        with self.engine.connect() as conn:
            for chunk in id_chunks(version_ids):
                query = sa.select(figs).where(figs.c.version_id.in_(chunk))
                query = query.order_by(figs.c.version_id, figs.c.start, figs.c.id)
                for row in conn.execute(query):
                    found.setdefault(row.version_id, []).append(Figure(
                        kind=row.kind, value=row.value, qualifier=row.qualifier, sentence=row.sentence,
                        start=row.start, end=row.end, unit=row.unit,
                    ))
        return found

    def current_documents(self, ids: Iterable[int] | None = None) -> Iterator[Document]:
        """The current version of every document (or of the given ids), for indexing, by id."""
        query = _current_query().order_by(schema.documents.c.id)
        with self.engine.connect() as conn:
            merged = _merges(conn)
            if ids is None:
                # In batches from a server-side cursor: psycopg would otherwise fetch every
                # current text of a PostgreSQL archive into memory before the first is used.
                for row in conn.execution_options(yield_per=_STREAM_BATCH).execute(query):
                    yield _document_from_row(row, merged)
                return
            for chunk in id_chunks(ids):
                for row in conn.execute(query.where(schema.documents.c.id.in_(chunk))):
                    yield _document_from_row(row, merged)

    def pending_index(self) -> list[Document]:
        """Documents whose current version has not been indexed yet."""
        docs = schema.documents
        stale = sa.or_(docs.c.indexed_version.is_(None), docs.c.indexed_version != docs.c.current_version)
        with self.engine.connect() as conn:
            rows = conn.execute(_current_query().where(stale).order_by(docs.c.id)).all()
            merged = _merges(conn)
        return [_document_from_row(row, merged) for row in rows]

    def pending_ids(self) -> list[int]:
        """Ids of the documents :meth:`pending_index` returns, without reading them: those
        whose index entry, if any, may be out of date (a new version, a changed cluster)."""
        docs = schema.documents
        stale = sa.or_(docs.c.indexed_version.is_(None), docs.c.indexed_version != docs.c.current_version)
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(docs.c.id).where(stale).order_by(docs.c.id)).scalars())

    def current_texts(self, ids: Iterable[int]) -> dict[int, str]:
        """The current text of each of ``ids`` that exists (the index shows snippets from it)."""
        docs, vers = schema.documents, schema.versions
        query = sa.select(docs.c.id, vers.c.text).join(vers, vers.c.id == docs.c.current_version)
        texts: dict[int, str] = {}
        with self.engine.connect() as conn:
            for chunk in id_chunks(ids):
                texts.update((row.id, row.text) for row in conn.execute(query.where(docs.c.id.in_(chunk))))
        return texts

    def current_versions(self) -> dict[int, int]:
        """Document id -> number of its current version, for every document (what the index should hold)."""
        docs, vers = schema.documents, schema.versions
        query = sa.select(docs.c.id, vers.c.number).join(vers, vers.c.id == docs.c.current_version)
        with self.engine.connect() as conn:
            return {row.id: row.number for row in conn.execute(query)}

    def set_warc_record_ids(self, record_ids: Mapping[int, str]) -> None:
        """Record capture id -> WARC-Record-ID for captures stored before ids were kept (read
        from their WARC records by :mod:`pressarchive.provenance`); a known id is never changed."""
        caps = schema.captures
        update = (caps.update().where(caps.c.id == sa.bindparam("capture_id"), caps.c.warc_record_id.is_(None))
                  .values(warc_record_id=sa.bindparam("record_id")))
        rows = [{"capture_id": capture_id, "record_id": record_id} for capture_id, record_id in record_ids.items()]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(update, rows)

    def capture_locations(self) -> Iterator[tuple[int, str, str, int, str]]:
        """(id, url, WARC file, offset, payload sha256) of every capture, by file and offset (``check``)."""
        caps = schema.captures
        query = sa.select(caps.c.id, caps.c.url, caps.c.warc_file, caps.c.warc_offset, caps.c.payload_sha256)
        with self.engine.connect() as conn:
            for row in conn.execute(query.order_by(caps.c.warc_file, caps.c.warc_offset)):
                yield row.id, row.url, row.warc_file, row.warc_offset, row.payload_sha256

    def export_rows(self, ids: Sequence[int], with_text: bool = False) -> list[ExportRow]:
        """The export rows of one batch of ``ids`` (at most :data:`~pressarchive.store.rows.ID_CHUNK`),
        in their order: current version and its capture, one query; the text only ``with_text``."""
        if len(ids) > ID_CHUNK:
            raise ValueError(f"at most {ID_CHUNK} ids per batch, got {len(ids)}")
        with self.engine.connect() as conn:
            return exportrows.export_rows(conn, ids, _merges(conn), with_text)

    def snapshot_rows(self, ids: Sequence[int]) -> list[SnapshotRow]:
        """The rows a snapshot freezes for one batch of ``ids`` (at most
        :data:`~pressarchive.store.rows.ID_CHUNK`), in their order: the export row with its
        text and the capture's offset and extraction inputs, one query."""
        if len(ids) > ID_CHUNK:
            raise ValueError(f"at most {ID_CHUNK} ids per batch, got {len(ids)}")
        with self.engine.connect() as conn:
            return snapshot_rows(conn, ids, _merges(conn))

    def version_captures(self, ids: Sequence[int], current_only: bool = False) -> list[VersionCapture]:
        """The versions of one batch of ``ids`` (at most :data:`~pressarchive.store.rows.ID_CHUNK`)
        with the captures they were read from, in the order of ``ids`` then version number (a
        WARC or WACZ export); only the current versions when ``current_only``."""
        if len(ids) > ID_CHUNK:
            raise ValueError(f"at most {ID_CHUNK} ids per batch, got {len(ids)}")
        with self.engine.connect() as conn:
            return exportcaptures.version_captures(conn, ids, current_only)

    def mark_indexed(self, indexed: Iterable[Document]) -> None:
        """Record that the versions of ``indexed`` are in the index.

        Each document records the version that was indexed, not whatever is current now, so
        a version saved by a crawl while indexing ran is still seen as pending afterwards.
        """
        self.mark_indexed_versions({doc.id: doc.version for doc in indexed if doc.id and doc.version})

    def mark_indexed_versions(self, versions: Mapping[int, int]) -> None:
        """Record that document id -> version number is what the index holds for each id."""
        docs, vers = schema.documents, schema.versions
        version_id = (
            sa.select(vers.c.id)
            .where(vers.c.document_id == sa.bindparam("doc_id"), vers.c.number == sa.bindparam("number"))
            .scalar_subquery()
        )
        update = docs.update().where(docs.c.id == sa.bindparam("doc_id")).values(indexed_version=version_id)
        rows = [{"doc_id": doc_id, "number": number} for doc_id, number in versions.items()]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(update, rows)

    # -- operations and hand corrections ---------------------------------------------------------

    def operation_mentions(self, keys: Iterable[str] | None = None) -> list[operations.OperationMention]:
        """Every (operation key, current document) pair, or those of ``keys``; names as extracted."""
        with self.engine.connect() as conn:
            return list(operations.mentions(conn, keys))

    def operation_documents(self, keys: Iterable[str]) -> list[operations.OperationDocument]:
        """The current documents whose current version names any of the operation ``keys``."""
        with self.engine.connect() as conn:
            return operations.documents_of(conn, keys)

    def corrections(self, include_withdrawn: bool = False) -> list[Correction]:
        with self.engine.connect() as conn:
            return corrections.listing(conn, include_withdrawn)

    def operation_merges(self) -> dict[str, Merge]:
        """Operation key -> where hand merges send it (only keys that were merged)."""
        with self.engine.connect() as conn:
            return _merges(conn)

    def add_correction(
        self, kind: str, target: str, payload: dict[str, Any], author: str, reason: str, when: datetime,
    ) -> Correction:
        """Record a correction; a merge also sends the documents it renames back to the index."""
        with self.engine.begin() as conn:
            correction = corrections.add(conn, kind, target, payload, author, reason, when)
            if kind == corrections.MERGE_OPERATION:
                _mark_for_reindex(conn, operations.documents_naming(conn, [target]))
            return correction

    def withdraw_correction(self, correction_id: int, by: str, when: datetime) -> Correction | None:
        """Withdraw an active correction; None if there is no such active correction."""
        with self.engine.begin() as conn:
            correction = corrections.get(conn, correction_id)
            if correction is None or not correction.active:
                return None
            if not corrections.withdraw(conn, correction_id, by, when):
                return None  # withdrawn by someone else meanwhile
            if correction.kind == corrections.MERGE_OPERATION:
                _mark_for_reindex(conn, operations.documents_naming(conn, [correction.target]))
            return corrections.get(conn, correction_id)

    # -- collections: documents a person keeps together, with notes ------------------------------

    def create_collection(self, name: str, description: str, when: datetime) -> Collection | None:
        """A new collection; None if the name is taken."""
        try:
            with self.engine.begin() as conn:
                if collections.get(conn, name) is not None:
                    return None
                return collections.create(conn, name, description, when)
        except sa.exc.IntegrityError:  # created by another writer between the check and the insert
            return None

    def collection(self, name: str) -> Collection | None:
        with self.engine.connect() as conn:
            return collections.get(conn, name)

    def list_collections(self) -> list[Collection]:
        with self.engine.connect() as conn:
            return collections.listing(conn)

    def collection_items(self, collection_id: int, doc_id: int | None = None) -> list[CollectionItem]:
        """A collection's documents in the order they were added (or ``doc_id``'s entry alone)."""
        with self.engine.connect() as conn:
            return collections.items(conn, collection_id, doc_id)

    def collection_document_ids(self, collection_id: int) -> list[int]:
        with self.engine.connect() as conn:
            return collections.document_ids(conn, collection_id)

    def collections_containing(self, doc_id: int) -> list[Membership]:
        with self.engine.connect() as conn:
            return collections.containing(conn, doc_id)

    def existing_documents(self, doc_ids: Iterable[int]) -> set[int]:
        with self.engine.connect() as conn:
            return collections.existing_documents(conn, doc_ids)

    def add_to_collection(
        self, collection_id: int, doc_ids: Iterable[int], note: str | None, when: datetime,
    ) -> list[int]:
        """Add documents (a note, unless None, set on each); returns the ids that were new."""
        with self.engine.begin() as conn:
            return collections.put(conn, collection_id, doc_ids, note, when)

    def set_collection_note(self, collection_id: int, doc_id: int, note: str, when: datetime) -> bool:
        with self.engine.begin() as conn:
            return collections.set_note(conn, collection_id, doc_id, note, when)

    def remove_from_collection(self, collection_id: int, doc_ids: Iterable[int], when: datetime) -> list[int]:
        with self.engine.begin() as conn:
            return collections.remove(conn, collection_id, doc_ids, when)

    def delete_collection(self, collection_id: int) -> None:
        with self.engine.begin() as conn:
            collections.delete(conn, collection_id)
    # -- saved searches and their alerts ----------------------------------------------------------

    def saved_searches(self) -> list[SavedSearchRow]:
        with self.engine.connect() as conn:
            return savedsearches.listing(conn)

    def saved_search(self, name: str) -> SavedSearchRow | None:
        with self.engine.connect() as conn:
            return savedsearches.get(conn, name)

    def add_saved_search(
        self, name: str, params: dict[str, Any], when: datetime, *, mark: int | None = None,
        reported: Iterable[int] = (),
    ) -> bool:
        """Save a search, its alert starting at ``mark`` (default: the documents searchable
        now) with ``reported`` (its matches above the mark) already seen; False if ``name`` is
        taken (nothing is written then)."""
        try:
            with self.engine.begin() as conn:
                start = savedsearches.arrival_mark(conn) if mark is None else mark
                savedsearches.add(conn, name, params, when, start, reported)
        except sa.exc.IntegrityError:
            return False
        return True

    def delete_saved_search(self, name: str) -> bool:
        with self.engine.begin() as conn:
            return savedsearches.delete(conn, name)

    def arrival_mark(self) -> int:
        """The highest document id up to which every document is searchable (see
        :func:`pressarchive.store.savedsearches.arrival_mark`)."""
        with self.engine.connect() as conn:
            return savedsearches.arrival_mark(conn)

    def advance_alert(
        self, name: str, mark: int, reported: Iterable[int], when: datetime, *, read: SavedSearchRow,
    ) -> bool:
        """Compare-and-set: see :func:`pressarchive.store.savedsearches.advance`."""
        with self.engine.begin() as conn:
            return savedsearches.advance(conn, name, mark, reported, when, read=read)

    def document_briefs(self, ids: Iterable[int]) -> dict[int, DocumentBrief]:
        """Document id -> title, URL, dates and current version number, for lists (alerts, feeds)."""
        with self.engine.connect() as conn:
            return briefs.briefs(conn, ids)

    def stats(self) -> dict[str, int]:
        """Counts for ``status``: documents, versions, captures, sources, indexed."""
        docs = schema.documents
        with self.engine.connect() as conn:
            def count(table: sa.Table, *where: Any) -> int:
                return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())

            return {
                "documents": count(docs),
                "versions": count(schema.versions),
                "captures": count(schema.captures),
                "sources": count(schema.sources),
                "indexed": count(docs, docs.c.indexed_version == docs.c.current_version),
            }


#: Rows fetched at a time when every current document is read (an index rebuild).
_STREAM_BATCH = 500

# The statements a crawl runs for every page, built once: building one costs more than
# running it (a capture and a new document: 0.88 ms of CPU with statements built per call, 0.34 so).
_INSERT_CAPTURE = schema.captures.insert()
# Built once: an import asks it of every response it reads.
_CAPTURE_EXISTS = sa.select(schema.captures.c.id).where(
    schema.captures.c.url == sa.bindparam("url"), schema.captures.c.payload_sha256 == sa.bindparam("digest"),
    schema.captures.c.captured_at >= sa.bindparam("at"),
    schema.captures.c.captured_at < sa.bindparam("until"),
).limit(1)
_CAPTURED_AT = sa.select(schema.captures.c.captured_at).where(schema.captures.c.id == sa.bindparam("capture_id"))
# FOR UPDATE: two processes saving the same document take turns (PostgreSQL; SQLite has one writer).
_DOCUMENT_BY_URL = (sa.select(schema.documents).where(schema.documents.c.url == sa.bindparam("doc_url"))
                    .with_for_update())

def _insert_document(conn: Connection, doc: Document, captured_at: datetime) -> int | None:
    """The new document's id; None if another writer has just stored the same URL."""
    values = {"url": doc.url, "source": doc.source, "first_captured": captured_at, "last_captured": captured_at}
    return insert_unless_present(conn, schema.documents, ["url"], values)


def _update_document(
    conn: Connection, row: Row[Any], doc: Document, digest: str, capture_id: int, captured_at: datetime
) -> SaveOutcome:
    docs, vers = schema.documents, schema.versions
    conn.execute(docs.update().where(docs.c.id == row.id).values(last_captured=captured_at))
    current = conn.execute(
        sa.select(vers.c.number, vers.c.text_sha256).where(vers.c.id == row.current_version)
    ).one()
    if current.text_sha256 == digest:
        return SaveOutcome(row.id, "unchanged", current.number)
    number = add_version(conn, row.id, current.number + 1, doc, digest, capture_id, captured_at)
    return SaveOutcome(row.id, "changed", number)


def _current_query() -> sa.Select[Any]:
    docs, vers, srcs = schema.documents, schema.versions, schema.sources
    return (
        sa.select(
            docs.c.id, docs.c.url, docs.c.source, docs.c.first_captured, docs.c.last_captured, docs.c.cluster_id,
            vers.c.number.label("version"), vers.c.title, vers.c.text, vers.c.language,
            vers.c.published, vers.c.operations, vers.c.countries, vers.c.agencies,
            sa.func.coalesce(srcs.c.agency, "").label("agency"),
            sa.func.coalesce(srcs.c.country, "").label("country"),
        )
        .join(vers, vers.c.id == docs.c.current_version)
        .outerjoin(srcs, srcs.c.name == docs.c.source)
    )


def _versions_query() -> sa.Select[Any]:
    vers, caps = schema.versions, schema.captures
    return (
        sa.select(vers, caps.c.url.label("capture_url"), caps.c.status, caps.c.content_type,
                  caps.c.length, caps.c.payload_sha256, caps.c.warc_file, caps.c.warc_offset,
                  caps.c.source, caps.c.listed_date, caps.c.warc_record_id, caps.c.requested_url,
                  caps.c.origin)
        .join(caps, caps.c.id == vers.c.capture_id)
        .order_by(vers.c.number)
    )


def _mark_for_reindex(conn: Connection, doc_ids: list[int]) -> None:
    """The index holds these documents with names that have changed: make them pending."""
    docs = schema.documents
    for chunk in id_chunks(doc_ids):
        conn.execute(docs.update().where(docs.c.id.in_(chunk)).values(indexed_version=None))


def _merges(conn: Connection) -> dict[str, Merge]:
    return corrections.merges(corrections.listing(conn))


def _document_from_row(row: Row[Any], merged: Mapping[str, Merge]) -> Document:
    """The document of a current-version row, with operation names merged by hand applied."""
    return Document(
        url=row.url, title=row.title, text=row.text, language=row.language,
        published=row.published, operations=corrections.merged_names(row.operations or (), merged),
        source=row.source,
        agency=row.agency, country=row.country, countries=tuple(row.countries or ()),
        agencies=tuple(row.agencies or ()), id=row.id, version=row.version, cluster=row.cluster_id,
    )


def _version_from_row(row: Row[Any]) -> Version:
    capture = Capture(
        source=row.source, url=row.capture_url, status=row.status, content_type=row.content_type,
        length=row.length, captured_at=row.captured_at, payload_sha256=row.payload_sha256,
        warc_file=row.warc_file, warc_offset=row.warc_offset, id=row.capture_id,
        listed_date=row.listed_date, warc_record_id=row.warc_record_id, requested_url=row.requested_url,
        origin=row.origin,
    )
    return Version(
        number=row.number, captured_at=row.captured_at, text_sha256=row.text_sha256,
        title=row.title, text=row.text, language=row.language, published=row.published,
        operations=tuple(row.operations or ()), capture=capture,
        countries=tuple(row.countries or ()), agencies=tuple(row.agencies or ()), id=row.id,
        entities_known=row.countries is not None, reprocessed_at=row.reprocessed_at,
    )


def _record_capture(conn: Connection, capture: Capture) -> int:
    values = {k: getattr(capture, k) for k in capture.__slots__ if k != "id"}
    return new_id(conn.execute(_INSERT_CAPTURE, values))


def _save_document(conn: Connection, doc: Document, capture_id: int) -> SaveOutcome:
    """:meth:`Archive.save_document` inside the caller's transaction."""
    url = canonical_url(doc.url)
    digest = text_digest(doc.title, doc.text)
    captured_at = conn.execute(_CAPTURED_AT, {"capture_id": capture_id}).scalar_one()
    row = conn.execute(_DOCUMENT_BY_URL, {"doc_url": url}).first()
    if row is None:
        doc_id = _insert_document(conn, doc.replace(url=url), captured_at)
        if doc_id is not None:
            number = add_version(conn, doc_id, 1, doc, digest, capture_id, captured_at)
            return SaveOutcome(doc_id, "new", number)
        # Another process stored this URL between our look and our insert: a later sighting of its document.
        row = conn.execute(_DOCUMENT_BY_URL, {"doc_url": url}).one()
    if captured_at < row.last_captured:  # an imported older capture: its place in time
        return history.save_past(conn, row, doc, digest, capture_id, captured_at)
    outcome = _update_document(conn, row, doc, digest, capture_id, captured_at)
    if lifecycle.mark_restored(conn, row.id, captured_at):
        return SaveOutcome(outcome.document_id, outcome.status, outcome.version, restored=True)
    return outcome
