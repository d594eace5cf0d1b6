"""Stable addresses of a document's versions, for citations, exports and feeds.

A permalink names the version (``/doc/12?version=3``): the document page at that address
shows that version's text whatever the source later changes. One thing moves a number: an
import of the document's past (``import-warc``, ``wayback``) puts an older text in its place
in time, and the versions after it move up (see :mod:`pressarchive.store.history`). What
names a version for good is its text SHA-256, given with its provenance on the document page,
in exports and in snapshot manifests. The web builds absolute ones from the address it was reached at; the CLI from
``PRESSARCHIVE_BASE_URL`` when set, and otherwise gives the path alone (an archive on a
laptop has no public address to invent).
"""

from __future__ import annotations

import os

#: The public address of the archive's web face, for links the CLI writes (exports, alerts).
BASE_URL_ENV = "PRESSARCHIVE_BASE_URL"
DOC_PATH = "/doc/{doc_id}"


def document_path(doc_id: int, version: int | None = None) -> str:
    """The document page's path, naming ``version`` when given."""
    path = DOC_PATH.format(doc_id=int(doc_id))
    return f"{path}?version={int(version)}" if version is not None else path


def permalink(doc_id: int, version: int | None = None, base_url: str | None = None) -> str:
    """The absolute permalink under ``base_url`` (default: ``PRESSARCHIVE_BASE_URL``), or
    the path alone when no base address is known."""
    base = base_url if base_url is not None else os.environ.get(BASE_URL_ENV, "")
    return base.rstrip("/") + document_path(doc_id, version)
