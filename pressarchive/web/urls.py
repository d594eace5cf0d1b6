"""Every path the web face serves and every link it prints, built in one place.

Views and templates never paste paths together: routes are declared with the constants below
and links come from the functions, so a route can move and its links follow, and every link
from a search page (facets, sorting, pagination, the JSON twin) keeps the parameters it should.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

from pressarchive import permalinks, searchparams

HOME = "/"
SEARCH = "/search"
DOC = permalinks.DOC_PATH
STATUS = "/status"
STATIC = "/static"
API_PREFIX = "/api/"
API_SEARCH = "/api/search"
API_DOC = "/api/doc/{doc_id}"
API_SIMILAR = "/api/doc/{doc_id}/similar"
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
    and a week's by days: clicking a bar zooms in.
    """
    return search_url(params, since=since, until=until, interval=None, page=None)


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


def status_url() -> str:
    return STATUS


def api_search_url(params: Mapping[str, str]) -> str:
    """The JSON twin of the search page for ``params``."""
    return _with_query(API_SEARCH, clean_params(params))


def api_doc_url(doc_id: int) -> str:
    return API_DOC.format(doc_id=int(doc_id))


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


def static_url(name: str) -> str:
    return f"{STATIC}/{quote(name)}"


def is_api_path(path: str) -> bool:
    """Whether a request path belongs to the JSON API (its errors are JSON, not pages)."""
    return path.startswith(API_PREFIX) or path == OPENAPI


def _with_query(path: str, params: Mapping[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path
