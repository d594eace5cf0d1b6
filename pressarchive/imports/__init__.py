"""Taking in captures made elsewhere: WARC, ARC and WACZ files, and the Wayback Machine.

A foreign capture (:class:`ForeignResponse`) is copied into the data directory's own WARC
files, so the archive's evidence stays in one place, then extracted and saved like a crawled
page, with its original capture time and where it came from (``origin``) in its provenance.
"""

from __future__ import annotations

from pressarchive.imports.foreign import ForeignResponse
from pressarchive.imports.session import ImportOptions, ImportSession
from pressarchive.imports.sources import SourceResolver
from pressarchive.imports.summary import BadRecord, ImportSummary

__all__ = ["BadRecord", "ForeignResponse", "ImportOptions", "ImportSession", "ImportSummary", "SourceResolver"]
