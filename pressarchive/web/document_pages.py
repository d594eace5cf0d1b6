"""A document's versions compared word by word, and the archived original of a version.

The document page itself is :func:`pressarchive.web.pages.doc_page`; these are the pages it
links to. Version numbers come from the query string (``?from=A&to=B``, ``?version=N``):
one that is not a positive whole number is a 400, one the document lacks a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from pressarchive.web import urls
from pressarchive.web.deps import Service
from pressarchive.web.original import original_response
from pressarchive.web.params import DocId
from pressarchive.web.render import render

#: The highest version number a URL may name (far above any real document's).
MAX_VERSION = 1_000_000
VersionNumber = Annotated[int | None, Query(ge=1, le=MAX_VERSION, description="A version number (1 is the first).")]
FromVersion = Annotated[int | None, Query(alias="from", ge=1, le=MAX_VERSION,
                                          description="The older version (default: the one before `to`).")]
ToVersion = Annotated[int | None, Query(alias="to", ge=1, le=MAX_VERSION,
                                        description="The newer version (default: the current one).")]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get(urls.DOC_DIFF)
def diff_page(doc_id: DocId, service: Service, old: FromVersion = None, new: ToVersion = None) -> HTMLResponse:
    """What changed between two versions: inserted words in ``<ins>``, removed in ``<del>``."""
    diff = service.version_diff(doc_id, old, new)
    stored = service.document(doc_id)
    return render(
        "diff.html", diff=diff, doc=stored.document, versions=stored.versions,
        json_url=urls.api_diff_url(doc_id, diff.old.number, diff.new.number),
    )


@router.get(urls.DOC_RAW)
def raw_page(doc_id: DocId, service: Service, version: VersionNumber = None) -> Response:
    """The captured response of a version, inert (see :mod:`pressarchive.web.original`)."""
    chosen, original = service.archived_original(doc_id, version)
    return original_response(doc_id, chosen, original)
