"""The HTML pages: search (also the home page), one document, status.

Each view gathers what its template shows and names its JSON twin; nothing here formats or
escapes (templates do, with autoescape on). A bad search (syntax, or too expensive to finish
in the time limit) is the visitor's doing, so it comes back as the search page with the
message and a 400, ready to be corrected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pressarchive.citations import STYLE_NAMES
from pressarchive.errors import UserError
from pressarchive.index import Hit, SearchResult
from pressarchive.mementos import document_captures
from pressarchive.searchparams import AUTO_INTERVAL, FACET_LABELS, FILTER_LABELS, INTERVALS
from pressarchive.service import ArchiveService
from pressarchive.web.handlers import public_message
from pressarchive.web import present, urls
from pressarchive.web.collection_pages import document_panel
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.operations_api import write_access
from pressarchive.web.document_pages import VersionNumber
from pressarchive.web.params import DocId, default_sort, request_from_params
from pressarchive.web.render import render
from pressarchive.web.security import DOCUMENT_PAGE_POLICY
from pressarchive.web.timeline import build_timeline

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: How many "more like this" documents a document page lists.
SIMILAR_SHOWN = 5
#: How many captures of its URL (the newest) the document page lists; the TimeMap has them all.
CAPTURES_SHOWN = 50


@router.get(urls.HOME)
@router.get(urls.SEARCH)
def search_page(request: Request, service: Service) -> HTMLResponse:
    """Search results, or the newest documents when there is no query."""
    params = urls.clean_params(request.query_params)
    try:
        result = service.search(request_from_params(params))
    except UserError as exc:
        context = search_context(params, None, error=public_message(exc), agency_names=service.agency_names())
        return render("search.html", status_code=exc.status_code, **context)
    return render("search.html", **search_context(params, result, agency_names=service.agency_names()))


@router.get(urls.DOC)
def doc_page(request: Request, doc_id: DocId, service: Service, version: VersionNumber = None) -> HTMLResponse:
    """One document: its metadata, the countries, agencies and figures it names and reports,
    current text (or that of ``version``: its permalink), copies, lineage, every archived
    version with its provenance, and citations of the version shown."""
    stored, facts, relations = service.document_view(doc_id, version)
    shown = stored.document.version
    citation = service.citation(doc_id, shown, base_url=public_base_url(request))
    response = render(
        "doc.html", stored=stored, doc=stored.document, json_url=urls.api_doc_url(doc_id, version),
        facts=facts.to_json(), similar=_similar(service, doc_id), similar_json_url=urls.api_similar_url(doc_id),
        relations=relations, shown=shown, current=stored.versions[-1].number if stored.versions else shown,
        citation=citation, cite_styles=STYLE_NAMES, cite_json_url=urls.api_cite_url(doc_id, shown),
        collections=document_panel(service, doc_id, write_access(request).enabled),
        captures=document_captures(service.data, stored), captures_shown=CAPTURES_SHOWN,
        capture_versions={(v.capture.warc_file, v.capture.warc_offset): v.number for v in stored.versions},
    )
    response.headers["Content-Security-Policy"] = DOCUMENT_PAGE_POLICY  # its Copy buttons' script
    return response


def _similar(service: ArchiveService, doc_id: int) -> list[Hit] | None:
    """"More like this" for the page; None (said so on the page) if the index cannot tell."""
    try:
        return service.similar(doc_id, limit=SIMILAR_SHOWN)
    except UserError:  # not indexed yet, or too expensive: the document itself still shows
        return None


@router.get(urls.STATUS)
def status_page(service: Service) -> HTMLResponse:
    """What the archive holds."""
    status = service.status(where=False)
    return render("status.html", status=status, json_url=urls.api_status_url())


def search_context(
    params: dict[str, str], result: SearchResult | None, error: str | None = None,
    agency_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Everything ``search.html`` shows, for a result or for an error.

    ``agency_names`` (agency id -> name) labels the agency facet and filter; the index
    holds ids only.
    """
    names = agency_names or {}
    context: dict[str, Any] = {
        "params": params,
        "error": error,
        "result": result,
        "sort": params.get("sort") or default_sort(params.get("q", "")),
        "active": [
            (name, FILTER_LABELS[name], present.facet_label(name, params[name], names))
            for name in urls.FILTERS if name in params
        ],
        "json_url": urls.api_search_url(params),
        "facets": [],
        "timeline": None,
        "intervals": [],
    }
    if result is not None:
        context.update(_pagination(result))
        context["facets"] = _facets(result, names)
        context["timeline"] = build_timeline(result.timeline, result.interval)
        context["intervals"] = _intervals(params)
    return context


def _intervals(params: Mapping[str, str]) -> list[dict[str, Any]]:
    """The timeline's granularities to switch to, the one asked for marked current."""
    asked = params.get("interval") or AUTO_INTERVAL
    return [
        {"name": name, "url": urls.interval_url(params, name), "current": name == asked}
        for name in INTERVALS
    ]


def _pagination(result: SearchResult) -> dict[str, Any]:
    last = result.last_page
    return {
        "page": result.page,
        "last_page": last,
        "window": present.page_window(result.page, last),
        "first_number": (result.page - 1) * result.limit + 1,
    }


def _facets(result: SearchResult, agency_names: Mapping[str, str]) -> list[dict[str, Any]]:
    facets = []
    for name, label in FACET_LABELS.items():
        items = [
            (value, present.facet_label(name, value, agency_names), count)
            for value, count in present.facet_items(name, result.facets.get(name) or {})
        ]
        if items:
            facets.append({
                "name": name, "label": label,
                "shown": items[: present.FACET_SHOWN], "more": items[present.FACET_SHOWN :],
            })
    return facets
