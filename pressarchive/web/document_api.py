"""The JSON twins of a document's diff and citations (``diff --json``, ``cite --json``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from pressarchive.web import urls
from pressarchive.web.api import ErrorBody
from pressarchive.web.deps import Service
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


def _example(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"example": example}}}


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


@router.get(
    urls.API_DIFF,
    summary="What changed between two versions of a document",
    description="Word-level differences of the title and text from version `from` to version `to` "
    "(defaults: the version before `to`, and the current version), as `segments` whose `op` is "
    "`equal`, `inserted` or `deleted`: joining the `equal` and `deleted` ones gives the older text, "
    "the `equal` and `inserted` ones the newer. `summary` counts the words added and removed.",
    responses={
        200: _example("The differences.", DIFF_EXAMPLE),
        400: _error("The id or a version number is not a positive whole number."),
        404: _error("No document has this id, or it has no such version."),
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
        200: _example("The citations and what they are made of.", CITE_EXAMPLE),
        400: _error("The id or version is not a positive whole number, or the date is malformed."),
        404: _error("No document has this id, or it has no such version."),
    },
)
def api_cite(
    request: Request, doc_id: DocId, service: Service, version: VersionNumber = None,
    accessed: Annotated[date | None, Query(description="The access date, YYYY-MM-DD (default: today).")] = None,
) -> JSONResponse:
    citation = service.citation(doc_id, version, base_url=str(request.base_url), accessed=accessed)
    return JSONResponse(citation.to_json())
