"""The archive's tables, in SQLAlchemy Core so the same schema runs on SQLite and PostgreSQL.

A *run* is one crawl of one or more sources. A *capture* is one HTTP response as written to a
WARC file; a *document* is one press release (one canonical URL); a *version* is a distinct
text of that document, tied to the capture it was first seen in (or a newer extractor's reading
of that same capture, made by ``reprocess``). Versions are only ever added, so an edited or
withdrawn release keeps its history. A *removal* records that a source took a
document down (404/410) or stopped listing it, and when; a document that comes back gets the
removal closed, never deleted.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("agency", sa.Text, nullable=False, default=""),
    sa.Column("country", sa.String(2), nullable=False, default=""),
    sa.Column("language", sa.String(8), nullable=False, default=""),
    # The site extractor the source's profile named at its last crawl ("" none; NULL: crawled
    # before this was recorded), so ``reprocess`` reads a source whose profile file is gone
    # the way its crawl did.
    sa.Column("extractor", sa.String(100), nullable=True),
    # "press_room" (publishes releases) or "news" (reports on them), from the profile's
    # ``kind``; NULL (archives from before) counts as a press room.
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
    # Validators for conditional requests on the next crawl.
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    # The day a feed, sitemap or listing gave the release when it was requested: extraction's
    # fallback date, kept so that ``reprocess`` reads the capture as the crawl did.
    sa.Column("listed_date", sa.Date, nullable=True),
    # The response record's WARC-Record-ID, so provenance and exports cite the record without
    # reading the WARC file; NULL in archives from before it was kept.
    sa.Column("warc_record_id", sa.String(64), nullable=True),
    # The URL first requested when redirects led to ``url``; NULL when it was ``url`` itself.
    sa.Column("requested_url", sa.Text, nullable=True),
    # Where an imported capture came from: ``warc:<file name>#<offset>`` of a WARC, ARC or WACZ
    # given to ``import-warc``, or ``wayback:<the Wayback Machine's URL of the capture>``;
    # NULL for a capture this archive's own crawler made.
    sa.Column("origin", sa.Text, nullable=True),
    # Finds a capture by URL and payload without a scan: an import skips what it already holds.
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
    # When a listing, feed or sitemap of the source last linked the document.
    sa.Column("last_listed", sa.DateTime, nullable=True),
    # Near-duplicate cluster (syndicated copies of one story): the id of the cluster's first
    # document; NULL for a document with no known copy.
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
    # What the text mentions (ISO country codes, agency ids); NULL in versions archived before
    # these were extracted, until ``reprocess`` reads them again.
    sa.Column("countries", sa.JSON, nullable=True),
    sa.Column("agencies", sa.JSON, nullable=True),
    # Set when ``reprocess`` made this version by extracting its capture again with a newer
    # extractor: when, and in which reprocess run. Such a version keeps its capture's id and
    # time, so versions in number order stay in capture-time order; NULL: extracted when captured.
    sa.Column("reprocessed_at", sa.DateTime, nullable=True),
    sa.Column("reprocess_run", sa.Integer, nullable=True),
    sa.UniqueConstraint("document_id", "number"),
)

# The figures a version's text reports ("38 people arrested"), each with its sentence.
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
    # running (or killed), finished, interrupted (SIGINT/SIGTERM), resumed (by a later run)
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("sources", sa.JSON, nullable=False),
    sa.Column("resumed_from", sa.Integer, nullable=True),
    sa.Column("report", sa.JSON, nullable=True),
    # One crawl shared by several crawler processes through a Redis frontier: the frontier's
    # key, the same in the run row of every process taking part (NULL: a crawl of its own).
    sa.Column("frontier", sa.Text, nullable=True),
    # The crawler process that made the run, ``host:pid`` (NULL: runs from before it was kept).
    sa.Column("worker", sa.String(200), nullable=True),
    # Which crawl of that key the process took part in (a key names a new crawl each time a
    # finished one is cleared): known when the run starts, so a killed process's run counts in
    # its crawl's report though it wrote no report of its own.
    sa.Column("frontier_crawl", sa.String(64), nullable=True),
)

# Runs of ``reprocess`` (extracting archived captures again), apart from crawl ``runs`` whose
# per-source times mean "last crawled". ``last_document`` is the cursor: every document up to
# that id is done, committed in the same transaction as the versions it added, so a run
# killed outright (left ``running``) or stopped (``interrupted``) goes on after it.
reprocess_runs = sa.Table(
    "reprocess_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    # running (or killed), finished, interrupted, resumed (continued by a later run)
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
    # http_404, http_410 (taken down) or delisted (no longer linked, still online)
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("run_id", sa.Integer, nullable=True),
    sa.Column("restored_at", sa.DateTime, nullable=True),
)

# The operation names each version's text names, one row per name, so "the documents of
# Operation X" is an indexed lookup by ``key`` (pressarchive.extract.operations.normalise_operation)
# rather than a scan of every version's ``operations`` JSON. Written with the version; filled
# for archives written before it by a one-time data step (store/migrate.py).
version_operations = sa.Table(
    "version_operations",
    metadata,
    sa.Column("version_id", sa.ForeignKey("versions.id"), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True, index=True),
    sa.Column("name", sa.Text, nullable=False),
)

# Hand corrections by a person (merge two operation names, reject or add a figure). They are
# applied when the archive is read, never written into versions or figures, so they hold for
# every later version of a document. Withdrawn ones are kept with ``withdrawn_at``.
corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # merge_operation, reject_figure, add_figure
    sa.Column("kind", sa.String(40), nullable=False, index=True),
    # the alias key (merge) or the document id (figures), as text
    sa.Column("target", sa.String(200), nullable=False, index=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("withdrawn_at", sa.DateTime, nullable=True),
    sa.Column("withdrawn_by", sa.Text, nullable=True),
)

# One-time data steps (backfills) that have run on this archive, by name.
data_steps = sa.Table(
    "data_steps",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("done_at", sa.DateTime, nullable=False),
)

# Near-duplicates and lineage (pressarchive/similar): derived from the versions, so a rebuild
# can recompute them. ``signatures`` holds the MinHash of each document's current version
# (``minhash`` NULL: too short to compare), ``scheme`` names how it was made (shingle size,
# permutations, seed) so a change of scheme makes every signature stale.
signatures = sa.Table(
    "signatures",
    metadata,
    sa.Column("document_id", sa.ForeignKey("documents.id"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("scheme", sa.String(40), nullable=False),
    sa.Column("minhash", sa.LargeBinary, nullable=True),
)

# One row per LSH band of a signature; documents sharing a ``bucket`` (a hash of the band's
# index and values) are candidate copies, found by an indexed equality join.
lsh_buckets = sa.Table(
    "lsh_buckets",
    metadata,
    sa.Column("band", sa.SmallInteger, nullable=False),
    sa.Column("bucket", sa.BigInteger, nullable=False, index=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), nullable=False, index=True),
)

# A news article retelling a press release: how much of the article's text is the release's
# (``reused_share`` of its words, ``shared_words``), how long after (``lag_seconds``) and the
# shared passages (JSON list of {"article": [start, end], "release": [start, end], "words": n},
# character offsets into each document's current text).
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

# Collections: named sets of documents a person keeps together (a story, a paper's corpus),
# each document with its own note. Written by a person, not derived from crawls, so
# removing an item or a collection deletes its rows.
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

# Searches a person saved under a name, to run again and to be alerted of what is new
# (pressarchive/alerts). ``params`` holds the search's query, filters, switches and sort, keyed
# by the parameter names of pressarchive/searchparams.py (never page or limit). The alert mark:
# every document with an id up to ``alert_mark`` was searchable when the alert last ran (or the
# search was saved), so only higher ids can be new; ``alert_reported`` lists the higher ids
# already reported (documents a crawl had not yet indexed hold the mark back).
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

# What became of captures a Wayback import listed, where the captures table cannot tell: one the
# import refused (its reason: media found by its bytes, not text, not 200, a payload archived
# before), or one the Wayback Machine sent on to a nearby capture (``served_url``: the ``id_`` URL
# the bytes came from, which its capture's origin names). A rerun skips a listed capture refused
# here or whose served capture is archived, instead of fetching it again every time.
wayback_fetches = sa.Table(
    "wayback_fetches",
    metadata,
    sa.Column("listed_url", sa.Text, primary_key=True),
    sa.Column("served_url", sa.Text, nullable=False),
    sa.Column("refused", sa.String(40), nullable=True),
    sa.Column("fetched_at", sa.DateTime, nullable=False),
)
