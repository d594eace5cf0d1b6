"""The ``pressarchive`` CLI with an older extractor, for archives that reprocessing must bring up to date.

``python -m tests.older_extractor --data DIR crawl ... --set PRESSARCHIVE_EXTRACT_WORKERS=0``
crawls as usual, but pages are extracted (on the crawl's own thread, where this patch
applies; worker processes would import the real extractor) the way an older version did: no
countries, agencies or figures, and for Kestrel releases only the first paragraph of the text.
Meridian releases are extracted as today, so a reprocess must leave them untouched.
"""

from __future__ import annotations

from typing import Any

from pressarchive.cli.app import main
from pressarchive.crawler import pipelines
from pressarchive.extract import extract_document
from pressarchive.record import Document

#: URLs containing this are read exactly as the current extractor reads them.
AS_TODAY = "meridian"
#: URLs containing this lose all but their first paragraph.
CUT_SHORT = "kestrel"


def older_extract_document(body: bytes, url: str, content_type: str | None = None, **options: Any) -> Document | None:
    doc = extract_document(body, url, content_type, **options)
    if doc is None or AS_TODAY in url:
        return doc
    doc = doc.replace(countries=(), agencies=(), figures=())
    if CUT_SHORT in url:
        doc = doc.replace(text=doc.text.split("\n")[0])
    return doc


if __name__ == "__main__":
    pipelines.extract_document = older_extract_document  # type: ignore[assignment]
    main()
