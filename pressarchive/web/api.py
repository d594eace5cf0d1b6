"""The JSON API: the twin of every page, documented in the OpenAPI schema at /docs.

Bodies are exactly what the CLI prints with ``--json`` (``SearchResult.to_json()``,
``ArchiveService.document_json()``, ``ArchiveService.status()``, ``IndexCheck.to_json()``), so a
script written against one works against the other. Errors are ``{"error": "<one line>",
"detail": {...}}`` (:mod:`pressarchive.web.apierrors`) with a 4xx status: 400 for bad input,
including a query stopped at the time limit (its message starts ``query too expensive:``, a
syntax error's ``bad query:``), 404 for an unknown id. Every route documents an example of its
answer and of each error it can give (:mod:`pressarchive.web.apiexamples`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from pressarchive.index import MAX_DEPTH, MAX_EXPANSION, MAX_WORDS
from pressarchive.searchparams import MAX_LIMIT, MAX_QUERY_CHARS
from pressarchive.service import CHECK_MAX_AGE
from pressarchive.web import apiexamples, urls
from pressarchive.web.apierrors import bad_host_doc, error_doc
from pressarchive.web.apiexamples import ok
from pressarchive.web.deps import Service
from pressarchive.web.document_pages import VersionNumber
from pressarchive.web.params import DEFAULT_LIMIT, DocId, search_request
from pressarchive.web.searchquery import SearchValues, search_query


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
BAD_DOC_ID = error_doc(
    400, "The id is not a positive whole number.", "/api/doc/abc",
    "bad doc id 'abc': input should be a valid integer, unable to parse string as an integer",
    parameter="doc_id", location="path", value="abc",
)
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
        200: ok("The matching page of hits, the facet counts and the timeline.", apiexamples.SEARCH),
        400: error_doc(
            400, BAD_QUERY, urls.API_SEARCH, "bad query: unbalanced parenthesis at position 6",
            parameter="q", position=6,
        ),
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
    "were extracted. With `version`, the title, text, date, operations and facts are that version's "
    "(`version`: the number shown, `current_version`: the newest); each version carries its "
    "provenance: `captured`, `requested_url`, `url` (final), `status`, `warc_file`, `warc_offset`, "
    "`warc_record_id`, `sha256` (payload) and `text_sha256`.",
    responses={
        200: ok("The document.", apiexamples.DOCUMENT),
        400: BAD_DOC_ID,
        404: error_doc(
            404, "No document has this id, or it has no such version.", "/api/doc/999999", "no document with id 999999",
            parameter="doc_id", value=999999,
        ),
    },
)
def api_doc(doc_id: DocId, service: Service, version: VersionNumber = None) -> JSONResponse:
    return JSONResponse(service.document_json(doc_id, version))


@router.get(
    urls.API_SIMILAR,
    summary="More like this",
    description="The indexed documents most like this one by its most distinctive words, "
    "best first (the document itself is left out). `hits` have the shape of search hits.",
    responses={
        200: ok("The similar documents.", apiexamples.SIMILAR),
        400: error_doc(
            400, "The id is not a positive whole number, or the limit is out of range.", "/api/doc/42/similar",
            "bad limit '0': input should be greater than or equal to 1",
            parameter="limit", location="query", value="0",
        ),
        404: error_doc(
            404, "No document has this id, or it is not indexed yet.", "/api/doc/42/similar",
            "document 42 is not indexed yet: run 'pressarchive index'", parameter="doc_id", value=42,
        ),
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
        200: ok("The report; `ok` is true when they agree.", apiexamples.CHECK),
        400: bad_host_doc(urls.API_CHECK),
        429: error_doc(
            429, "The first check since the server started is still running; try again.", urls.API_CHECK,
            "a check is already running; try again in a few seconds",
        ),
    },
)
def api_check(service: Service) -> JSONResponse:
    return JSONResponse(service.recent_check().to_json())


@router.get(
    urls.API_STATUS,
    summary="What the archive holds",
    description="Counts of documents, versions, captures, sources and index entries, the store in use: "
    "`store_engine` (`sqlite` or `postgresql`), and the search engine: `index_engine` (`whoosh` or "
    "`opensearch`). Where they live (database address, host, index name, directory) is not published; "
    "`pressarchive status` shows it to the archive's operator.",
    responses={200: ok("The counts.", apiexamples.STATUS), 400: bad_host_doc(urls.API_STATUS)},
)
def api_status(service: Service) -> JSONResponse:
    return JSONResponse(service.status(where=False))
