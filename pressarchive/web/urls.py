"""Every path the web face serves and every link it prints, built in one place.

Views and templates never paste paths together: routes are declared with the constants below
and links come from the functions, so a route can move and its links follow, and every link
from a search page (facets, sorting, pagination, the JSON twin) keeps the parameters it should.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import quote, urlencode

from pressarchive import permalinks, searchparams

HOME = "/"
SEARCH = "/search"
DOC = permalinks.DOC_PATH
DOC_DIFF = "/doc/{doc_id}/diff"
DOC_RAW = "/doc/{doc_id}/raw"
STATUS = "/status"
STATIC = "/static"
API_PREFIX = "/api/"
API_SEARCH = "/api/search"
API_DOC = "/api/doc/{doc_id}"
API_SIMILAR = "/api/doc/{doc_id}/similar"
API_DIFF = "/api/doc/{doc_id}/diff"
API_CITE = "/api/doc/{doc_id}/cite"
API_STATUS = "/api/status"
API_CHECK = "/api/check"
API_DOCS = "/docs"
OPERATIONS = "/operations"
OPERATION = "/operations/{name:path}"
API_OPERATIONS = "/api/operations"
# Declared before API_OPERATION: a name may hold "/", so both match with the ``path`` convertor.
API_OPERATION_CSV = "/api/operations/{name:path}/figures.csv"
API_OPERATION = "/api/operations/{name:path}"
API_CORRECTIONS = "/api/corrections"
API_CORRECTION_WITHDRAW = "/api/corrections/{correction_id}/withdraw"
OPERATION_CORRECTIONS = "/operations/{name:path}/corrections"
OPENAPI = "/openapi.json"
# Collections: a name holds no "/" (pressarchive.collectionservice.check_name).
COLLECTIONS = "/collections"
COLLECTION = "/collections/{name}"
COLLECTION_ITEM = "/collections/{name}/items/{doc_id}"
DOC_COLLECTIONS = DOC + "/collections"
API_COLLECTIONS = "/api/collections"
API_COLLECTION = "/api/collections/{name}"
API_COLLECTION_ITEMS = "/api/collections/{name}/items"
API_COLLECTION_ITEM = "/api/collections/{name}/items/{doc_id}"
API_DOC_COLLECTIONS = "/api/doc/{doc_id}/collections"
API_COLLECTION_EXPORT = "/api/collections/{name}/export"
# Saved searches and feeds (pressarchive/alerts).
FEED = "/feed.atom"
SAVED = "/saved"
SAVED_FEED = "/saved/{name}/feed.atom"
SAVED_DELETE = "/saved/{name}/delete"
API_SAVED = "/api/saved"
API_SAVED_ONE = "/api/saved/{name}"
API_SAVED_NEW = "/api/saved/{name}/new"
API_EXPORT = "/api/export"
SOURCES = "/sources"
API_SOURCES = "/api/sources"
# Memento (RFC 7089): the URL asked about is the rest of the path, query included, as sent.
TIMEMAP_LINK = "/timemap/link/{url:path}"
TIMEMAP_JSON = "/timemap/json/{url:path}"
TIMEGATE = "/timegate/{url:path}"
MEMENTO = "/memento/{timestamp}/{url:path}"
#: Answered for programs (Memento clients) like the API: errors in JSON, readable cross-origin.
MEMENTO_PREFIXES = ("/timemap/", "/timegate/", "/memento/")
#: What an archived URL keeps unescaped in a path or a Link header: the URL's own delimiters
#: and escapes; spaces, quotes, ``<>``, controls and non-ASCII are percent-encoded.
_URL_SAFE = ":/?&=;,+@!$'()*[]~%"
# Citable snapshots (pressarchive/snapshots): a name holds no "/"; a file is one of the bundle's.
SNAPSHOTS = "/snapshots"
SNAPSHOT = "/snapshots/{name}"
SNAPSHOT_FILE = "/snapshots/{name}/files/{file}"
API_SNAPSHOTS = "/api/snapshots"
API_SNAPSHOT = "/api/snapshots/{name}"

#: The search parameters, in the order links spell them; the facets a facet link sets (a
#: facet's name is its parameter's name), everything that narrows a search besides the query,
#: and the on/off switches (present as ``1`` when on, absent when off). All defined in
#: :data:`pressarchive.searchparams.PARAMS`.
SEARCH_PARAMS = searchparams.NAMES
FACETS = searchparams.FACETS
FILTERS = searchparams.FILTERS
SWITCHES = searchparams.SWITCHES


def clean_params(raw: Mapping[str, str]) -> dict[str, str]:
    """The known search parameters of ``raw``, stripped, without empty ones, in link order."""
    cleaned = {name: str(raw.get(name) or "").strip() for name in SEARCH_PARAMS}
    return {name: value for name, value in cleaned.items() if value}


def search_url(params: Mapping[str, str], **changes: str | int | None) -> str:
    """The search page for ``params`` with ``changes`` applied; ``None`` drops a parameter."""
    unknown = set(changes) - set(SEARCH_PARAMS)
    if unknown:
        raise ValueError(f"not search parameters: {', '.join(sorted(unknown))}")
    merged: dict[str, str] = dict(params)
    merged.update({name: "" if value is None else str(value) for name, value in changes.items()})
    cleaned = clean_params(merged)
    if cleaned.get("page") == "1":
        del cleaned["page"]
    return _with_query(SEARCH, cleaned)


def filter_url(params: Mapping[str, str], name: str, value: str | int) -> str:
    """``params`` narrowed to ``name=value``, back on the first page."""
    return search_url(params, **{name: value, "page": None})


def unfilter_url(params: Mapping[str, str], name: str) -> str:
    """``params`` without the ``name`` filter, back on the first page."""
    return search_url(params, **{name: None, "page": None})


def sort_url(params: Mapping[str, str], sort: str) -> str:
    """``params`` in another order, back on the first page."""
    return search_url(params, sort=sort, page=None)


def period_url(params: Mapping[str, str], since: str, until: str) -> str:
    """``params`` narrowed to documents published from ``since`` to ``until``, first page.

    The timeline's interval goes back to ``auto``, so a year's bar opens that year by weeks
    and a week's by days: clicking a bar zooms in. It never widens the search's own range: a
    bar cut by the user's ``since`` or ``until`` keeps that bound.
    """
    since = max(since, _iso_date(params.get("since")) or since)
    until = min(until, _iso_date(params.get("until")) or until)
    return search_url(params, since=since, until=until, interval=None, page=None)


def _iso_date(value: str | None) -> str | None:
    """``value`` as a ``YYYY-MM-DD`` date (which then orders as text), or None."""
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def interval_url(params: Mapping[str, str], interval: str) -> str:
    """``params`` with the timeline counted per ``interval`` (``auto``: as the span calls for)."""
    if interval not in searchparams.INTERVALS:
        raise ValueError(f"not a timeline interval: {interval}")
    return search_url(params, interval=None if interval == searchparams.AUTO_INTERVAL else interval)


def switch_url(params: Mapping[str, str], name: str, on: bool) -> str:
    """``params`` with the switch ``name`` (expand, collapse) on or off, back on the first page."""
    if name not in SWITCHES:
        raise ValueError(f"not a search switch: {name}")
    return search_url(params, **{name: "1" if on else None, "page": None})


def cluster_url(params: Mapping[str, str], cluster: int) -> str:
    """Every match of ``params`` in one near-duplicate cluster, no longer collapsed."""
    return search_url(params, cluster=int(cluster), collapse=None, page=None)


def page_url(params: Mapping[str, str], page: int) -> str:
    """Page ``page`` of the search ``params``."""
    return search_url(params, page=page)


def doc_url(doc_id: int, version: int | None = None) -> str:
    """A document's page; with ``version``, its permalink path for that version."""
    return permalinks.document_path(doc_id, version)


def doc_diff_url(doc_id: int, old: int | None = None, new: int | None = None) -> str:
    """The differences between two versions of a document (defaults: previous and current)."""
    return _with_query(DOC_DIFF.format(doc_id=int(doc_id)), _versions(old, new))


def doc_raw_url(doc_id: int, version: int | None = None) -> str:
    """The archived original (the captured response) of a version, default the current one."""
    return _with_query(DOC_RAW.format(doc_id=int(doc_id)), _version(version))


def api_diff_url(doc_id: int, old: int | None = None, new: int | None = None) -> str:
    return _with_query(API_DIFF.format(doc_id=int(doc_id)), _versions(old, new))


def api_cite_url(doc_id: int, version: int | None = None) -> str:
    return _with_query(API_CITE.format(doc_id=int(doc_id)), _version(version))


def _version(version: int | None) -> dict[str, str]:
    return {"version": str(int(version))} if version is not None else {}


def _versions(old: int | None, new: int | None) -> dict[str, str]:
    pairs = (("from", old), ("to", new))
    return {name: str(int(number)) for name, number in pairs if number is not None}


def status_url() -> str:
    return STATUS


def api_search_url(params: Mapping[str, str]) -> str:
    """The JSON twin of the search page for ``params``."""
    return _with_query(API_SEARCH, clean_params(params))


def api_doc_url(doc_id: int, version: int | None = None) -> str:
    return _with_query(API_DOC.format(doc_id=int(doc_id)), _version(version))


def api_similar_url(doc_id: int) -> str:
    return API_SIMILAR.format(doc_id=int(doc_id))


def api_status_url() -> str:
    return API_STATUS


def api_docs_url() -> str:
    return API_DOCS


def operations_url() -> str:
    return OPERATIONS


def operation_url(name: str) -> str:
    """The dossier page of an operation (any of its spellings leads there)."""
    return f"{OPERATIONS}/{quote(name, safe='')}"


def operation_corrections_url(name: str) -> str:
    return f"{operation_url(name)}/corrections"


def api_operations_url() -> str:
    return API_OPERATIONS


def api_operation_url(name: str) -> str:
    return f"{API_OPERATIONS}/{quote(name, safe='')}"


def api_operation_csv_url(name: str) -> str:
    """The figures table of an operation's dossier as CSV."""
    return f"{api_operation_url(name)}/figures.csv"


def collections_url() -> str:
    return COLLECTIONS


def collection_url(name: str) -> str:
    """A collection's page: its documents with their notes."""
    return f"{COLLECTIONS}/{quote(name, safe='')}"


def collection_item_url(name: str, doc_id: int) -> str:
    """Where the collection page's forms change or remove one document's entry."""
    return f"{collection_url(name)}/items/{int(doc_id)}"


def doc_collections_url(doc_id: int) -> str:
    """Where the document page's form adds the document to a collection."""
    return DOC_COLLECTIONS.format(doc_id=int(doc_id))


def api_collections_url() -> str:
    return API_COLLECTIONS


def api_collection_url(name: str) -> str:
    return f"{API_COLLECTIONS}/{quote(name, safe='')}"


def collection_export_url(name: str, format: str) -> str:
    """A collection's documents, with their notes, as a download in ``format`` (csv, jsonl)."""
    return _with_query(API_COLLECTION_EXPORT.format(name=quote(name, safe="")), {"format": format})


def api_doc_collections_url(doc_id: int) -> str:
    return API_DOC_COLLECTIONS.format(doc_id=int(doc_id))


def feed_url(params: Mapping[str, str]) -> str:
    """The Atom feed of the newest matches of the search ``params`` (its page and limit dropped)."""
    return _with_query(FEED, unpaged(params))


def saved_url(params: Mapping[str, str] | None = None) -> str:
    """The saved searches page; with ``params`` (even none: browsing everything), offering to
    save that search (the query is always spelled, so the offer survives an empty one)."""
    if params is None:
        return SAVED
    return _with_query(SAVED, {"q": "", **unpaged(params)})


def saved_feed_url(name: str) -> str:
    return SAVED_FEED.format(name=quote(name, safe=""))


def saved_delete_url(name: str) -> str:
    """Where the saved searches page posts the deletion of one (with the write token)."""
    return SAVED_DELETE.format(name=quote(name, safe=""))


def api_saved_url(name: str | None = None) -> str:
    return API_SAVED if name is None else API_SAVED_ONE.format(name=quote(name, safe=""))


def api_saved_new_url(name: str) -> str:
    """What is new for a saved search since its alert last ran (without marking it)."""
    return API_SAVED_NEW.format(name=quote(name, safe=""))


def unpaged(params: Mapping[str, str]) -> dict[str, str]:
    """The known search parameters of ``params`` (cleaned) without the page and limit."""
    return {name: value for name, value in clean_params(params).items() if name not in searchparams.PAGING}


def export_url(params: Mapping[str, str], format: str) -> str:
    """Every match of the search ``params`` as a download in ``format`` (``csv``, ``jsonl``)."""
    return _with_query(API_EXPORT, {"format": format, **unpaged(params)})


def sources_url() -> str:
    return SOURCES


def api_sources_url() -> str:
    return API_SOURCES


def safe_url(url: str) -> str:
    """An archived (untrusted) URL made safe inside a path, a ``<...>`` of a Link header or
    an attribute: nothing in it can end the URL or the header."""
    return quote(url, safe=_URL_SAFE)


def timemap_url(url: str, format: str = "link") -> str:
    """Every capture of ``url``, as a Memento TimeMap in ``format`` (``link`` or ``json``)."""
    template = TIMEMAP_JSON if format == "json" else TIMEMAP_LINK
    return template.replace("{url:path}", safe_url(url))


def timegate_url(url: str) -> str:
    return TIMEGATE.replace("{url:path}", safe_url(url))


def memento_url(timestamp: str, url: str) -> str:
    """The capture of ``url`` taken at ``timestamp`` (``YYYYMMDDhhmmss``), or the closest one."""
    return MEMENTO.replace("{timestamp}", quote(timestamp, safe="")).replace("{url:path}", safe_url(url))
def snapshots_url() -> str:
    return SNAPSHOTS


def snapshot_url(name: str) -> str:
    """A snapshot's page: its manifest's summary, its files, how it differs from today."""
    return SNAPSHOT.format(name=quote(name, safe=""))


def snapshot_file_url(name: str, file: str) -> str:
    """One file of a snapshot's bundle, as a download."""
    return SNAPSHOT_FILE.format(name=quote(name, safe=""), file=quote(file, safe=""))


def api_snapshots_url() -> str:
    return API_SNAPSHOTS


def api_snapshot_url(name: str) -> str:
    return API_SNAPSHOT.format(name=quote(name, safe=""))


def static_url(name: str) -> str:
    return f"{STATIC}/{quote(name)}"


def is_api_path(path: str) -> bool:
    """Whether a request path belongs to the JSON API or the Memento endpoints (their errors
    are JSON, not pages; any origin may read them)."""
    return path.startswith(API_PREFIX) or path == OPENAPI or path.startswith(MEMENTO_PREFIXES)


def _with_query(path: str, params: Mapping[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path
