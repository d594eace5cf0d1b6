"""Re-processing the archive: the current extractors run again over archived WARC captures.

Every improvement to extraction (text, title, date, language, operations, countries,
agencies, figures) reaches documents archived before it: a document gets a new version only
where the result changed, pointing at the same capture. Knows the store, the WARC reader and
extraction; not the crawler, not the index (the caller indexes afterwards, as after a crawl).
"""

from __future__ import annotations

from pressarchive.reprocess.run import ReprocessOptions, ReprocessStopped, reprocess_archive
from pressarchive.reprocess.summary import ReprocessSummary

__all__ = ["ReprocessOptions", "ReprocessStopped", "ReprocessSummary", "reprocess_archive"]
