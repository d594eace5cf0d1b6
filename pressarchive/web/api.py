"""The JSON API: the twin of every page, documented in the OpenAPI schema at /docs.

Bodies are exactly what the CLI prints with ``--json`` (``SearchResult.to_json()``,
``ArchiveService.document_json()``, ``ArchiveService.status()``, ``IndexCheck.to_json()``), so a
script written against one works against the other. Errors are ``{"error": "<one line>"}``
with a 4xx status: 400 for bad input, including a query stopped at the time limit (its message
starts ``query too expensive:``, a syntax error's ``bad query:``), 404 for an unknown id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from pressarchive.index import MAX_DEPTH, MAX_EXPANSION, MAX_WORDS
from pressarchive.searchparams import MAX_LIMIT, MAX_QUERY_CHARS
from pressarchive.service import CHECK_MAX_AGE
from pressarchive.web import urls
from pressarchive.web.deps import Service
from pressarchive.web.params import DEFAULT_LIMIT, DocId, search_request
from pressarchive.web.searchquery import SearchValues, search_query


class ErrorBody(BaseModel):
    """What every failed API call returns."""

    error: str


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


def _example(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"example": example}}}


QUERY_SYNTAX = (
    'All words must match (AND) unless joined by `OR`; `NOT word` excludes; `"exact phrase"`; '
    "`(a OR b) c` groups; `field:value` for `title`, `body`, `source`, `language`, `operation`, "
    "`country` and `agency` (mentioned in the text: `country:PT`, `agency:europol`), "
    "`source_country` and `source_agency` (the publishing source's own); "
    "`~arrest` searches the word's thesaurus concept in every language (`arrest`, `detención`, "
    "`Festnahme`, ...; an unknown word is an error); "
    "`published:[2017-01-01 TO 2017-12-31]`; `deten*` for words starting with `deten` "
    f"(a pattern matching more than {MAX_EXPANSION} words is refused). "
    f"Empty: browse everything, newest first. At most {MAX_QUERY_CHARS} characters, {MAX_WORDS} "
    f"words and operators, and parentheses nested {MAX_DEPTH} deep."
)
SEARCH_EXAMPLE = {
    "query": "europol",
    "total": 2,
    "page": 1,
    "limit": 10,
    "last_page": 1,
    "sort": "relevance",
    "hits": [{
        "id": 42, "url": "https://example.org/press/2017/avalanche", "title": "Avalanche takedown",
        "published": "2017-12-01", "source": "example-police", "language": "en",
        "operations": ["avalanche"], "score": 7.5321,
        "snippet": "… a joint action with Europol and …", "highlights": [[22, 29]],
        "cluster": 42, "similar": 0,
    }, {
        "id": 57, "url": "https://example.org/press/2018/avalanche-arrests", "title": "Avalanche: arrests",
        "published": "2018-02-14", "source": "example-police", "language": "en",
        "operations": ["avalanche"], "score": 5.0127,
        "snippet": "… Europol coordinated the arrests …", "highlights": [[2, 9]],
        "cluster": 57, "similar": 0,
    }],
    "facets": {"language": {"en": 2}, "source": {"example-police": 2}, "source_country": {"NL": 2},
               "country": {"NL": 2, "DE": 1}, "agency": {"europol": 2}, "year": {"2017": 1, "2018": 1},
               "operation": {"avalanche": 2}},
    "interval": "week",
    "histogram": {"2017-W48": 1, "2018-W07": 1},
    "timeline": [
        {"period": "2017-W48", "since": "2017-11-27", "until": "2017-12-03", "count": 1},
        {"period": "2018-W07", "since": "2018-02-12", "until": "2018-02-18", "count": 1},
    ],
    "expansions": {},
}
SIMILAR_EXAMPLE = {"id": 42, "hits": SEARCH_EXAMPLE["hits"]}
CHECK_EXAMPLE = {
    "ok": False, "repaired": False, "documents": 1200, "index_entries": 1201,
    "missing": {"count": 1, "examples": [17]}, "stale": {"count": 0, "examples": []},
    "duplicates": {"count": 1, "examples": [42]}, "orphans": {"count": 1, "examples": [9001]},
}
BAD_QUERY = (
    "Bad query syntax (`bad query: ...`, pointing at the problem), a query stopped at the "
    "time limit (`query too expensive: ...`; narrow it), or a bad date, sort, limit, page or year."
)

router = APIRouter(tags=["archive"])


@router.get(
    urls.API_SEARCH,
    summary="Search the archive",
    description="Full-text search over the current text of every archived press release: "
    "everything the search page shows. `page`, `limit`, `last_page` and `sort` describe the page; "
    "each hit has its `score` (0 when sorted by date) and its `snippet` as plain text with "
    "`highlights`, the [start, end) character offsets of the matched words in it. `facets`: "
    "exact document counts per language, source, source country, mentioned country, "
    "mentioned agency (by id), year and operation over all matching documents, every value. "
    "The timeline counts matches per `interval` (`day`, `week`: ISO weeks, `month` or `year`; "
    "the one asked for, or with `interval=auto` the one the span of the matches calls for): "
    "`histogram` maps each period's label (`2017-12-01`, `2017-W48`, `2017-12`, `2017`) to its "
    "matches and `timeline` lists the same periods with their first and last day (`since`, "
    "`until`), oldest first, undated matches left out. `expansions` maps each "
    "thesaurus-expanded word (`~word`, or every known word with `expand=1`) to the terms it "
    "searched. With `collapse=1` each near-duplicate cluster appears once, its best match "
    "carrying `similar` (other matches in its cluster); `total`, facets and histogram still "
    "count documents and `clusters` counts the clusters, which the pages are cut from.",
    responses={
        200: _example("The matching page of hits, the facet counts and the timeline.", SEARCH_EXAMPLE),
        400: _error(BAD_QUERY),
    },
)
def api_search(
    service: Service, values: Annotated[SearchValues, Depends(search_query({"q": QUERY_SYNTAX}))],
) -> JSONResponse:
    request = search_request(values)
    return JSONResponse(service.search(request).to_json())


@router.get(
    urls.API_DOC,
    summary="One document with its versions, copies and lineage",
    description="The current metadata and text of a document, and every distinct version "
    "archived, oldest first, each with its capture time, payload SHA-256 and WARC location. "
    "`copies`: the other documents of its near-duplicate cluster (id, title, source, published, "
    "`similarity`: estimated Jaccard 0-1). `lineage`: `retells` (press releases this news article "
    "retells), `copied_by` and `reported_by` (articles retelling this release that copied it, "
    "or added reporting), each with `reused_share` of the article's words, `shared_words`, "
    "`lag_seconds` and the shared `passages`. `countries` (ISO codes) and `agencies` (ids) are "
    "what the text names, `country_names` and `agency_names` map them to display names; `figures`: "
    "the figures it reports (`kind`, `value`, `qualifier`, `unit`, `quote`), with hand corrections "
    "applied: `status` `extracted`, `added` or `rejected`, and for a corrected one `correction` "
    "(`id`, `by`, `at`, `why`); `facts_extracted` is false for a version archived before these "
    "were extracted.",
    responses={
        200: {"description": "The document."},
        400: _error("The id is not a positive whole number."),
        404: _error("No document has this id."),
    },
)
def api_doc(doc_id: DocId, service: Service) -> JSONResponse:
    return JSONResponse(service.document_json(doc_id))


@router.get(
    urls.API_SIMILAR,
    summary="More like this",
    description="The indexed documents most like this one by its most distinctive words, "
    "best first (the document itself is left out). `hits` have the shape of search hits.",
    responses={
        200: _example("The similar documents.", SIMILAR_EXAMPLE),
        400: _error("The id is not a positive whole number, or the limit is out of range."),
        404: _error("No document has this id, or it is not indexed yet."),
    },
)
def api_similar(
    doc_id: DocId, service: Service,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"How many, 1 to {MAX_LIMIT}.")] = DEFAULT_LIMIT,
) -> JSONResponse:
    hits = service.similar(doc_id, limit=limit)
    return JSONResponse({"id": doc_id, "hits": [hit.to_json() for hit in hits]})


@router.get(
    urls.API_CHECK,
    summary="Does the index agree with the store?",
    description="Read-only: counts and example ids of current versions missing from the index, "
    "documents indexed with an old version, indexed more than once, and index entries for ids "
    "the store does not have. Repair with `pressarchive check --repair` (not over HTTP). "
    f"A check scans the whole store and index, so the server runs one at a time and reuses "
    f"its report for {CHECK_MAX_AGE:g} s: the answer may be up to that old.",
    responses={
        200: _example("The report; `ok` is true when they agree.", CHECK_EXAMPLE),
        429: _error("The first check since the server started is still running; try again."),
    },
)
def api_check(service: Service) -> JSONResponse:
    return JSONResponse(service.recent_check().to_json())


@router.get(
    urls.API_STATUS,
    summary="What the archive holds",
    description="Counts of documents, versions, captures, sources and index entries.",
    responses={200: {"description": "The counts."}},
)
def api_status(service: Service) -> JSONResponse:
    return JSONResponse(service.status())
