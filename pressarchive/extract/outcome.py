"""What became of one page handed to extraction, named as every run counts it.

A crawl, a reprocess run and an import all hand pages to the extraction workers and count
what failed by kind (``extraction``, ``extraction_memory``, ``extraction_timeout``,
``extraction_crashed``, ``no_text``), so the kinds are named once, here.
"""

from __future__ import annotations

from concurrent.futures import Future

from pressarchive.extract.errors import ExtractionError
from pressarchive.extract.workers import BudgetExceeded, WorkerCrashed
from pressarchive.record import Document


def extraction_outcome(future: Future[Document | None]) -> tuple[Document | None, str]:
    """The extracted document and "", or None and the kind of failure."""
    try:
        doc = future.result()
    except (ExtractionError, RecursionError):  # RecursionError: absurdly deep nesting
        return None, "extraction"
    except MemoryError:
        return None, "extraction_memory"
    except BudgetExceeded as exc:
        return None, f"extraction_{exc.kind}"
    except WorkerCrashed:
        return None, "extraction_crashed"
    return (doc, "") if doc is not None else (None, "no_text")
