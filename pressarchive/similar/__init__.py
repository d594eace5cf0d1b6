"""Near-duplicate clusters (syndicated copies) and release-to-article lineage.

Depends on the store and the record only: signatures and links are derived from stored
versions and kept in the store, so the index reads a document's cluster id like any field.
"""

from __future__ import annotations

from pressarchive.similar.update import CLUSTER_THRESHOLD, SimilarityReport, update_similarity
from pressarchive.similar.views import (
    COPIED_SHARE, Copy, DocRef, DocumentLineage, Link, Relations, copies_of, lag_text, lineage_for_documents,
    relations_of,
)

__all__ = [
    "CLUSTER_THRESHOLD", "COPIED_SHARE", "Copy", "DocRef", "DocumentLineage", "Link", "Relations",
    "SimilarityReport", "copies_of", "lag_text", "lineage_for_documents", "relations_of", "update_similarity",
]
