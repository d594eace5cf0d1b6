"""The list of every operation in the archive, with how much there is on each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pressarchive.dossiers.names import OperationNames
from pressarchive.store.operations import OperationMention


@dataclass(frozen=True, slots=True)
class OperationSummary:
    """One operation: documents (and reports, copies counted once), sources, dates, languages."""

    key: str
    name: str
    documents: int
    reports: int
    sources: int
    first: date | None
    last: date | None
    languages: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "documents": self.documents, "reports": self.reports,
            "sources": self.sources, "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None, "languages": list(self.languages),
        }


def summarise(mentions: Iterable[OperationMention], names: OperationNames) -> list[OperationSummary]:
    """A summary per canonical operation, the most reported first, then by name."""
    by_key: dict[str, dict[int, OperationMention]] = defaultdict(dict)
    for mention in mentions:
        by_key[names.canonical(mention.key)].setdefault(mention.document_id, mention)
    summaries = [_summary(key, names.names.get(key, key), list(docs.values())) for key, docs in by_key.items()]
    return sorted(summaries, key=lambda s: (-s.reports, s.name.casefold()))


def _summary(key: str, name: str, docs: list[OperationMention]) -> OperationSummary:
    dates = [doc.published for doc in docs if doc.published]
    groups = {doc.cluster_id if doc.cluster_id is not None else doc.document_id for doc in docs}
    return OperationSummary(
        key=key, name=name, documents=len(docs), reports=len(groups),
        sources=len({doc.source for doc in docs}), first=min(dates) if dates else None,
        last=max(dates) if dates else None, languages=tuple(sorted({d.language for d in docs if d.language})),
    )
