"""Which outlets only copied an operation's press releases and which added reporting of their own.

The links themselves (shared passages, share of reused text, time lag) are worked out by
:mod:`pressarchive.similar`; a dossier groups them by release, for the releases it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pressarchive.similar import DocumentLineage, Link, lineage_for_documents
from pressarchive.store import Archive
from pressarchive.store.operations import OperationDocument

DAY = 86_400


@dataclass(frozen=True, slots=True)
class ReleaseCoverage:
    """One release of the dossier and the news articles that retell it."""

    release: OperationDocument
    lineage: DocumentLineage

    def to_json(self) -> dict[str, Any]:
        release = self.release
        return {
            "release": {"id": release.id, "source": release.source, "title": release.title,
                        "published": release.published.isoformat() if release.published else None},
            "copied_by": [_article(link) for link in self.lineage.copied_by],
            "reported_by": [_article(link) for link in self.lineage.reported_by],
        }


def _article(link: Link) -> dict[str, Any]:
    article = link.article
    return {
        "id": article.id, "source": article.source, "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "reused_share": round(link.reused_share, 3), "shared_words": link.shared_words,
        "lag_days": None if link.lag_seconds is None else round(link.lag_seconds / DAY, 1), "lag": link.lag,
    }


def coverage_of(archive: Archive, documents: Iterable[OperationDocument]) -> list[ReleaseCoverage]:
    """The dossier's documents that news articles retell, oldest first, with those articles."""
    by_id = {doc.id: doc for doc in documents}
    lineage = lineage_for_documents(archive, by_id)
    found = [ReleaseCoverage(by_id[doc_id], links) for doc_id, links in lineage.items() if links.retold_by]
    return sorted(found, key=lambda c: (c.release.published is None, c.release.published, c.release.id))
