"""The operations every face of pressarchive offers: search, show, status, index upkeep.

The CLI, the HTML pages and the JSON API are thin layers over :class:`ArchiveService`, so
anything one of them can do the others can too, with the same validation and errors. The
store is the truth and the index is derived from it: the index reads snippet text from the
store, an index recreated empty (missing, or from an older schema) is refilled from the store
as soon as it is opened (and again at the next open if that refill did not complete), and
:meth:`ArchiveService.check` / :meth:`ArchiveService.repair` compare and reconcile the two by
document id and version.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from pressarchive.citations import CitedVersion
from pressarchive.collectionservice import CollectionService
from pressarchive.dataconfig import write_index
from pressarchive.datadir import DataDir, indexing_turn, prepare_data_dir
from pressarchive.errors import NotFound, UserError
from pressarchive.index import Hit, QueryError, QueryTooExpensive, SearchRequest, SearchResult
from pressarchive.dbaddress import parse_database_url
from pressarchive.index.engine import SearchEngine
from pressarchive.index.errors import IndexBusy
from pressarchive.index.engines import EngineAddress, EngineOptions, open_engine, parse_address
from pressarchive.index.thesaurus import load_thesaurus
from pressarchive.indexcheck import IndexCheck, compare_index
from pressarchive.indexmove import MOVE_BATCH, IndexMove, MoveState, OnBatch, OnStart, fill_engine
from pressarchive.permalinks import permalink
from pressarchive.provenance import read_original, with_record_ids
from pressarchive.record import Document
from pressarchive.similar import DocumentLineage, Relations, SimilarityReport, lineage_for_documents, relations_of
from pressarchive.similar import update_similarity as _update_similarity
from pressarchive.store import Archive, StoredDocument, Version
from pressarchive.store.corrections import merged_names
from pressarchive.store.migrate import schema_revision
from pressarchive.store.sourcecounts import SourceCounts
from pressarchive.searchparams import DEFAULT_LIMIT, MAX_DOC_ID, Param, check_limit, validate
from pressarchive.searchparams import parse_date as parse_date  # the CLI's crawl options use it
from pressarchive.versions import VersionDiff, as_of_version, diff_pair, diff_versions, pick_version
from pressarchive.versions.choice import current as current_version
from pressarchive.warc import ArchivedResponse, CaptureLocation, WarcCheck, verify_captures

if TYPE_CHECKING:
    from pressarchive.dossiers import DocumentFacts, Dossiers
    from pressarchive.snapshots import SnapshotService

#: Seconds a search may take before it is stopped as too expensive.
QUERY_TIME_LIMIT = 5.0
#: Documents re-indexed per commit by a repair (bounds memory on a badly damaged index).
REPAIR_BATCH = 1000
#: In the data directory while a move to another engine is unfinished (see :class:`MoveState`).
MOVE_STATE_FILE = "index-move-pending"
#: Seconds a check report is reused by :meth:`ArchiveService.recent_check` (the public API's).
CHECK_MAX_AGE = 60.0

logger = logging.getLogger(__name__)


class CheckBusy(UserError):
    """A check was asked for while another runs and no earlier report exists yet."""

    status_code = 429


def build_request(
    query: str = "", *, limit: int = DEFAULT_LIMIT, page: int = 1, sort: str = "relevance",
    language: str | None = None, source: str | None = None, operation: str | None = None,
    agency: str | None = None, country: str | None = None,
    source_agency: str | None = None, source_country: str | None = None, cluster: int | None = None,
    year: int | None = None, since: str | None = None, until: str | None = None,
    collapse: bool = False, expand: bool = False, interval: str = "auto",
) -> SearchRequest:
    """A validated search request from the raw values a person typed.

    The keywords are :data:`pressarchive.searchparams.PARAMS` (their checks and error
    messages live there); spelled out here so callers are type-checked.
    """
    values = {
        "query": query, "limit": limit, "page": page, "sort": sort, "language": language,
        "source": source, "operation": operation, "agency": agency, "country": country,
        "source_agency": source_agency, "source_country": source_country, "cluster": cluster,
        "year": year, "since": since, "until": until, "collapse": collapse, "expand": expand,
        "interval": interval,
    }
    return request_from_values(values)


def request_from_values(
    values: Mapping[str, object], *, date_wording: Callable[[Param], str] | None = None,
) -> SearchRequest:
    """A validated request from values keyed by SearchRequest field (absent: the default).

    Date errors name the CLI flag (``bad --since date ...``) unless ``date_wording`` says otherwise.
    """
    fields = validate(values, date_wording or (lambda param: f"{param.flag} date"))
    return SearchRequest(**fields)  # type: ignore[arg-type]


class ArchiveService:
    """The archive and its index opened from one data directory."""

    def __init__(self, data: DataDir, *, query_time_limit: float = QUERY_TIME_LIMIT) -> None:
        self.data = prepare_data_dir(data)
        self.archive = Archive(data.database_url)
        self._dossiers: Dossiers | None = None
        self.query_time_limit = query_time_limit
        self._index: SearchEngine | None = None
        self._address: EngineAddress | None = None
        self._refilled: int | None = None  # documents put back when the index was recreated
        # The web app's first requests may arrive together: open (and refill) the index once.
        self._opening = threading.Lock()
        self._checking = threading.Lock()
        self._last_check: tuple[float, IndexCheck] | None = None

    @property
    def index(self) -> SearchEngine:
        if self._index is None:
            with self._opening:
                if self._index is None:
                    self._index = self._open_index()
        return self._index

    @property
    def dossiers(self) -> Dossiers:
        """Operations, their dossiers and the hand corrections (loaded on first use: they need
        the extractors' name folding and agency data, which searching does not)."""
        if self._dossiers is None:
            from pressarchive.dossiers import Dossiers

            self._dossiers = Dossiers(self.archive)
        return self._dossiers

    @property
    def collections(self) -> CollectionService:
        """Named sets of documents with a note per document (see :mod:`pressarchive.collectionservice`)."""
        return CollectionService(self.archive)

    @property
    def snapshots(self) -> SnapshotService:
        """Citable snapshots of search results (see :mod:`pressarchive.snapshots`; loaded on
        first use: it imports the exports and the extractors, which searching does not)."""
        from pressarchive.snapshots import SnapshotService

        return SnapshotService(self)

    def open_index(self) -> SearchEngine:
        """Open the index now (refilling it if it needs that) rather than at its first use."""
        return self.index

    @property
    def index_address(self) -> EngineAddress:
        """The search engine's address as this service uses it (the data directory's choice,
        read once: a config.toml changed meanwhile applies to the next run)."""
        if self._address is None:
            self._address = parse_address(self.data.index_address)
        return self._address

    def engine_options(self) -> EngineOptions:
        """What this archive opens any engine with: the store's texts, the time limit, the thesaurus."""
        return EngineOptions(
            self.data.index_dir, text_source=self.archive.current_texts, time_limit=self.query_time_limit,
            thesaurus=load_thesaurus(self.data.root),
        )

    def _open_index(self) -> SearchEngine:
        index = open_engine(self.index_address, self.engine_options())
        if index.recreated:
            # A fresh empty index would silently hide the whole archive: refill it now.
            self._refilled = self._rebuild(index)
        return index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        self.archive.close()

    def search(self, request: SearchRequest) -> SearchResult:
        try:
            return self.index.search(request)
        except QueryError as exc:
            raise _query_error(exc) from None

    def matching_ids(self, request: SearchRequest) -> list[int]:
        """Every match's document id in the request's order, paging ignored: what exports,
        feeds and alerts walk (their rows come from the store in batches)."""
        try:
            return self.index.matching_ids(request)
        except QueryError as exc:
            raise _query_error(exc) from None

    def agency_names(self) -> dict[str, str]:
        """Agency id -> display name, for the ``agency`` facet and filter (ids are what is indexed)."""
        # Imported here: the extract package loads trafilatura, which searching does not need.
        from pressarchive.extract.agencies import agencies

        return {key: agency.name for key, agency in agencies().items()}

    def sources(self) -> list[SourceCounts]:
        """Every source with its documents, dates, removals and last crawl (the sources page)."""
        return self.archive.source_counts()

    def similar(self, doc_id: int, limit: int = 10) -> list[Hit]:
        """Documents most like ``doc_id`` by their distinctive terms, best first."""
        check_limit(limit)
        self.document(doc_id)  # NotFound for an id no document has, before the index is asked
        try:
            return self.index.more_like(doc_id, limit=limit)
        except KeyError:
            raise NotFound(
                f"document {doc_id} is not indexed yet: run 'pressarchive index'", parameter="doc_id", value=doc_id,
            ) from None
        except QueryError as exc:
            raise _query_error(exc, parameter=None) from None

    def document(self, doc_id: int) -> StoredDocument:
        stored = self.archive.get_document(doc_id) if 1 <= doc_id <= MAX_DOC_ID else None
        if stored is None:
            raise NotFound(f"no document with id {doc_id}", parameter="doc_id", value=doc_id)
        return stored

    def document_facts(self, doc_id: int) -> DocumentFacts:
        """The countries and agencies document ``doc_id`` names and the figures it reports, with
        the hand corrections applied: what its page and ``show`` list beside the text."""
        return self.dossiers.document_facts(self.document(doc_id))

    def document_view(
        self, doc_id: int, version: int | None = None,
    ) -> tuple[StoredDocument, DocumentFacts, Relations]:
        """A document with its facts and its copies and lineage, read once for all three (the
        document page, ``show`` and its JSON); with ``version``, its title, text, date,
        operations and facts as that version had them (a :class:`NotFound` if it has no such
        version). Every version carries its capture's WARC-Record-ID where the WARC file has it."""
        stored = self.provenance(doc_id)
        shown = as_of_version(stored, pick_version(stored, version), self._merged_names)
        return shown, self.dossiers.document_facts(shown), relations_of(self.archive, doc_id)

    def document_json(self, doc_id: int, version: int | None = None) -> dict[str, Any]:
        """Everything known about one document as ``show --json`` and ``/api/doc/{id}`` give it:
        its fields and versions, its copies and lineage, and :meth:`document_facts`;
        ``version``: the number of the version shown, ``current_version``: the newest's."""
        stored, facts, relations = self.document_view(doc_id, version)
        return {
            **stored.to_json(), "version": stored.document.version,
            "current_version": current_version(stored).number,
            **relations.to_json(), **facts.to_json(),
        }

    def provenance(self, doc_id: int) -> StoredDocument:
        """A document with every version's capture, WARC-Record-IDs read from the WARC files
        (and stored) for captures archived before the store kept them."""
        return with_record_ids(self.archive, self.data.warc_dir, self.document(doc_id))

    def version_diff(self, doc_id: int, old: int | None = None, new: int | None = None) -> VersionDiff:
        """What changed in a document from version ``old`` to ``new`` (by default: from the
        version before ``new``; ``new`` defaults to the current one)."""
        stored = self.provenance(doc_id)
        return diff_versions(doc_id, *diff_pair(stored, old, new))

    def citation(
        self, doc_id: int, version: int | None = None, *, base_url: str | None = None,
        accessed: date | None = None,
    ) -> CitedVersion:
        """How to cite ``version`` (default: the current one) of a document, with its permalink
        under ``base_url`` (see :func:`pressarchive.permalinks.permalink`), accessed today (UTC)
        unless ``accessed`` says otherwise."""
        stored = self.document(doc_id)
        chosen = pick_version(stored, version)
        doc = stored.document
        return CitedVersion(
            doc_id=doc_id, version=chosen.number,
            author=doc.agency or self.archive.source_title(doc.source) or doc.source,
            title=chosen.title, published=chosen.published, url=doc.url,
            permalink=permalink(doc_id, chosen.number, base_url), captured=chosen.captured_at,
            accessed=accessed or datetime.now(UTC).date(),
        )

    def archived_original(self, doc_id: int, version: int | None = None) -> tuple[Version, ArchivedResponse]:
        """The version (default: current) and the HTTP response its text was extracted from,
        read from its WARC record (:class:`EvidenceMissing`, a 404, when the record is gone)."""
        chosen = pick_version(self.document(doc_id), version)
        return chosen, read_original(self.data.warc_dir, chosen.capture)

    def _merged_names(self, names: Iterable[str]) -> tuple[str, ...]:
        return merged_names(names, self.archive.operation_merges())

    def relations(self, doc_id: int) -> Relations:
        """The copies of a document (its near-duplicate cluster) and its release/article lineage."""
        self.document(doc_id)  # NotFound for an id no document has
        return relations_of(self.archive, doc_id)

    def lineage_for_documents(self, doc_ids: Iterable[int]) -> dict[int, DocumentLineage]:
        """Each id -> the releases it retells and the articles retelling it (copied or reported)."""
        return lineage_for_documents(self.archive, doc_ids)

    def update_similarity(self, rebuild: bool = False) -> SimilarityReport:
        """Cluster copies and link articles to releases for documents not yet compared (all with
        ``rebuild``); documents whose cluster changed become pending for the index."""
        return _update_similarity(self.archive, rebuild=rebuild)

    def status(self, where: bool = True) -> dict[str, Any]:
        """What the archive holds, and which store and search engine it uses (never a password);
        without ``where``, only their kinds: the web's public status names no host, database,
        index or directory of the installation, nor the store's schema revision."""
        stats = self.archive.stats()
        stats["index_entries"] = self.index.count()
        engine = {**self.store_status(), **self.engine_status()}
        if not where:
            engine = {"store_engine": engine["store_engine"], "index_engine": engine["index_engine"]}
        store = {"schema_revision": schema_revision(self.archive.engine)} if where else {}
        return {**stats, **engine, **store}

    def store_status(self) -> dict[str, str]:
        """The store's database: its kind (``sqlite`` or ``postgresql``) and its URL, password hidden."""
        address = parse_database_url(self.data.database_url)
        return {"store_engine": address.backend, "store_address": address.redacted()}

    def engine_status(self) -> dict[str, str]:
        """The search engine in use: its kind, its address and where its index lives."""
        address = self.index_address
        return {
            "index_engine": address.kind, "index_address": address.redacted(),
            "index": address.hide_password(self.index.describe()),
        }

    def index_pending(self) -> int:
        """Index what the store has that the index lacks; returns how many were indexed.

        Those a recreated index was just refilled with count too: this call made them searchable.
        """
        index = self.index
        refilled, self._refilled = self._refilled or 0, None
        self.update_similarity()  # first: a cluster that changed makes its documents pending
        pending = self.archive.pending_index()
        if pending:
            index.add(pending)
            self.archive.mark_indexed(pending)
        return refilled + len(pending)

    def rebuild_index(self) -> int:
        """Recreate the index from the store alone (clusters brought up to date first)."""
        self.update_similarity()
        index = self.index
        if self._refilled is not None:  # opening it just did exactly that
            count, self._refilled = self._refilled, None
            return count
        return self._rebuild(index)

    def move_index(
        self, address: str, *, batch: int = MOVE_BATCH, on_start: OnStart | None = None,
        on_batch: OnBatch | None = None,
    ) -> IndexMove:
        """Fill the engine at ``address`` from the store, check it, and make it the archive's.

        Resumable (see :mod:`pressarchive.indexmove`): run again after an interruption, it
        adds only what the engine lacks; onto the engine in use, it adds only what that lacks;
        onto any other engine, it fills it from scratch. Only once the engine agrees with the
        store exactly is ``address`` written to ``config.toml``, so until then every command
        keeps using the engine it used before. The previous engine is left as it was.
        """
        target_address, previous = parse_address(address), self.index_address
        state = MoveState(self.data.root / MOVE_STATE_FILE)
        # Kept entries are trusted only in an index this archive kept up to date (see indexmove).
        from_scratch = target_address.text != previous.text and not state.continues(target_address.text)
        self.update_similarity()  # clusters up to date first, as a rebuild does
        target = open_engine(target_address, self.engine_options())
        try:
            state.begin(target_address.text)
            fill = fill_engine(self.archive, target, batch=batch, from_scratch=from_scratch,
                               on_start=on_start, on_batch=on_batch)
            described = target_address.hide_password(target.describe())
        finally:
            target.close()
        if not fill.check.ok:
            wrong = ", ".join(f"{len(ids)} {name}" for name, ids in fill.check.problems().items() if ids)
            raise UserError(f"the index at {target_address.redacted()} does not match the store after "
                            f"filling ({wrong}); the archive still uses its previous index: run the command again")
        write_index(self.data.config_file, target_address.text)
        state.end()
        self.archive.mark_indexed_versions(fill.versions)  # the pending marks now speak of the new engine
        return IndexMove(target_address.kind, target_address.redacted(), described, str(self.data.config_file),
                         previous.redacted(), fill)

    def check(self) -> IndexCheck:
        """How the index differs from the store's current versions (read-only)."""
        return compare_index(self.archive.current_versions(), self.index.entries())

    def check_warc(self) -> WarcCheck:
        """Whether every capture's WARC record is where the store says, with its digest (read-only).

        Apart from :meth:`check` because it reads every WARC record: ``pressarchive check``
        runs both, the web API only the cheap index comparison.
        """
        locations = (CaptureLocation(*row) for row in self.archive.capture_locations())
        return verify_captures(self.data.warc_dir, locations)

    def recent_check(self, max_age: float = CHECK_MAX_AGE) -> IndexCheck:
        """:meth:`check` for anyone on the network: at most one runs at a time and its report
        is reused for ``max_age`` seconds.

        A check reads every index entry and every current version (a full scan of both), so
        unthrottled it would let any visitor keep the server busy. While one runs, others get
        the previous report, or a "try again" error (429) if there is none yet.
        """
        if not self._checking.acquire(blocking=False):
            last = self._last_check
            if last is not None:
                return last[1]
            raise CheckBusy("a check is already running; try again in a few seconds")
        try:
            if self._last_check is None or time.monotonic() - self._last_check[0] > max_age:
                self._last_check = (time.monotonic(), self.check())
            return self._last_check[1]
        finally:
            self._checking.release()

    def repair(self) -> IndexCheck:
        """Make the index hold each current version exactly once; returns what was wrong.

        Wrong entries are deleted by document id and the current documents re-added in
        batches, so the repair costs what is wrong, not a rebuild.
        """
        report = self.check()
        if report.ok:
            return report
        self.index.delete(report.to_delete)
        batch: list[Document] = []
        for doc in self.archive.current_documents(report.to_add):
            batch.append(doc)
            if len(batch) >= REPAIR_BATCH:
                self._add(batch)
                batch = []
        self._add(batch)
        report.repaired = True
        return report

    def _add(self, documents: list[Document]) -> None:
        if documents:
            self.index.add(documents)
            self.archive.mark_indexed(documents)

    def _rebuild(self, index: SearchEngine) -> int:
        # Mark exactly the versions that went in: one saved by a crawl meanwhile stays pending.
        indexed: dict[int, int] = {}
        count = index.rebuild(_recording(self.archive.current_documents(), indexed))
        self.archive.mark_indexed_versions(indexed)
        return count


def index_pending_in(data: DataDir, wait: bool = True) -> int:
    """Index what the store of ``data`` has and its index lacks.

    A module-level function of this module so that a crawl's indexing process, which runs it,
    imports the store and the index and not the CLI or the crawler. Without ``wait``, a round
    that another process of a shared crawl is running already is skipped (see
    :func:`pressarchive.datadir.indexing_turn`).
    """
    with indexing_turn(data, wait) as turn:
        if not turn:
            logger.info("indexing round skipped: another process is indexing this data directory")
            return 0
        return _index_pending_in(data)


def _index_pending_in(data: DataDir) -> int:
    service = ArchiveService(data)
    try:
        return service.index_pending()
    except IndexBusy as exc:
        # Another writer (a process of the same shared crawl) is indexing: what is pending
        # stays pending for the next round, this one's or theirs.
        logger.info("indexing round skipped: %s", exc)
        return 0
    finally:
        service.close()


def _recording(documents: Iterable[Document], seen: dict[int, int]) -> Iterator[Document]:
    """``documents`` unchanged, noting each one's id and version in ``seen`` on the way."""
    for doc in documents:
        if doc.id is not None and doc.version is not None:
            seen[doc.id] = doc.version
        yield doc


def _query_error(exc: QueryError, parameter: str | None = "q") -> UserError:
    """The user-facing error for a query the index refused: too expensive, or bad syntax
    (``parameter``: the request's input that holds the query, if any)."""
    if isinstance(exc, QueryTooExpensive):  # its message already says so
        return UserError(str(exc), parameter=parameter)
    return UserError(f"bad query: {exc}", parameter=parameter, position=exc.position)
