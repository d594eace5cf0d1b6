"""The JSON twins of a document's diff and citations (``diff --json``, ``cite --json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from pressarchive.searchparams import parse_date
from pressarchive.web import urls
from pressarchive.web.api import BAD_DOC_ID
from pressarchive.web.apierrors import error_doc
from pressarchive.web.apiexamples import ok
from pressarchive.web.deps import Service, public_base_url
from pressarchive.web.document_pages import FromVersion, ToVersion, VersionNumber
from pressarchive.web.params import DocId

router = APIRouter(tags=["archive"])

DIFF_EXAMPLE = {
    "id": 42,
    "from": {"number": 1, "captured": "2024-01-01T12:00:00Z", "text_sha256": "3a7b…",
             "warc_record_id": "<urn:uuid:…>", "reprocessed": None},
    "to": {"number": 2, "captured": "2024-02-01T08:30:00Z", "text_sha256": "9c1d…",
           "warc_record_id": "<urn:uuid:…>", "reprocessed": None},
    "summary": {"words_added": 2, "words_removed": 1, "changed": True},
    "title": [{"op": "equal", "text": "Avalanche botnet dismantled"}],
    "text": [{"op": "equal", "text": "Police arrested "}, {"op": "deleted", "text": "five"},
             {"op": "inserted", "text": "five more"}, {"op": "equal", "text": " suspects."}],
}
CITE_EXAMPLE = {
    "id": 42, "version": 2, "permalink": "https://archive.example/doc/42?version=2", "author": "Europol",
    "title": "Avalanche botnet dismantled", "published": "2016-12-01",
    "url": "https://www.europol.europa.eu/avalanche", "captured": "2024-02-01T08:30:00Z",
    "accessed": "2026-12-06",
    "citations": {
        "apa": "Europol. (2016, December 1). Avalanche botnet dismantled [Press release; archived version 2, "
               "captured February 1, 2024]. https://www.europol.europa.eu/avalanche. Retrieved December 6, "
               "2026, from https://archive.example/doc/42?version=2",
        "chicago": "Europol. \u201cAvalanche botnet dismantled.\u201d Press release, December 1, 2016. …",
        "bibtex": "@misc{pressarchive42v2,\n  author = {{Europol}},\n  …\n}",
    },
}


def _no_version(path: str) -> dict[str, Any]:
    return error_doc(
        404, "No document has this id, or it has no such version.", path, "document 42 has no version 9",
        parameter="version", value=9,
    )


@router.get(
    urls.API_DIFF,
    summary="What changed between two versions of a document",
    description="Word-level differences of the title and text from version `from` to version `to` "
    "(defaults: the version before `to`, and the current version), as `segments` whose `op` is "
    "`equal`, `inserted` or `deleted`: joining the `equal` and `deleted` ones gives the older text, "
    "the `equal` and `inserted` ones the newer. `summary` counts the words added and removed.",
    responses={
        200: ok("The differences.", DIFF_EXAMPLE),
        400: error_doc(
            400, "The id or a version number is not a positive whole number.", "/api/doc/42/diff?from=x",
            "bad from 'x': input should be a valid integer, unable to parse string as an integer",
            parameter="from", location="query", value="x",
        ),
        404: _no_version("/api/doc/42/diff?from=9"),
    },
)
def api_diff(doc_id: DocId, service: Service, old: FromVersion = None, new: ToVersion = None) -> JSONResponse:
    return JSONResponse(service.version_diff(doc_id, old, new).to_json())


@router.get(
    urls.API_CITE,
    summary="How to cite a version of a document",
    description="APA, Chicago and BibTeX citations of a version (default: the current one), each "
    "naming the version's permalink (absolute, under the address this server was reached at) and "
    "the access date (today in UTC unless `accessed` is given); the capture date says when the "
    "archive took the text. The author is the publishing source's agency, else its title.",
    responses={
        200: ok("The citations and what they are made of.", CITE_EXAMPLE),
        400: BAD_DOC_ID,
        404: _no_version("/api/doc/42/cite?version=9"),
    },
)
def api_cite(
    request: Request, doc_id: DocId, service: Service, version: VersionNumber = None,
    accessed: Annotated[str | None, Query(
        description="The access date, YYYY-MM-DD (default: today).", pattern=r"^\d{4}-\d{2}-\d{2}$",
    )] = None,
) -> JSONResponse:
    day = parse_date(accessed, "accessed date")
    citation = service.citation(doc_id, version, base_url=public_base_url(request), accessed=day)
    return JSONResponse(citation.to_json())
