"""Whether the index holds exactly the store's current versions, and what repairing it takes.

Pure comparison, no I/O: :class:`~pressarchive.service.ArchiveService` reads the store's
``document id -> current version`` map and the index's ``(id, version)`` entries and passes
them here, so the rules (what counts as missing, stale, duplicated or orphaned) are in one
place and testable without an archive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: Examples of each problem kept in a report (the counts are always complete).
EXAMPLES = 5


@dataclass
class IndexCheck:
    """The differences between the store and the index, each as sorted document ids.

    ``missing``: current documents with no index entry. ``stale``: indexed with another
    version than the current one (or with none recorded). ``duplicates``: indexed more than
    once. ``orphans``: indexed ids the store does not have. One id can be both stale and
    duplicated; repairing handles it once.
    """

    documents: int
    entries: int
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.duplicates or self.orphans)

    @property
    def to_delete(self) -> list[int]:
        """Ids whose every index entry must go (stale, duplicated, orphaned)."""
        return sorted({*self.stale, *self.duplicates, *self.orphans})

    @property
    def to_add(self) -> list[int]:
        """Ids whose current version must be (re)indexed once afterwards."""
        return sorted({*self.missing, *self.stale, *self.duplicates})

    def problems(self) -> dict[str, list[int]]:
        return {
            "missing": self.missing, "stale": self.stale,
            "duplicates": self.duplicates, "orphans": self.orphans,
        }

    def to_json(self) -> dict[str, object]:
        """Counts and a few example ids per problem, as ``check --json`` and ``/api/check`` give."""
        return {
            "ok": self.ok,
            "repaired": self.repaired,
            "documents": self.documents,
            "index_entries": self.entries,
            **{name: {"count": len(ids), "examples": ids[:EXAMPLES]} for name, ids in self.problems().items()},
        }


def compare_index(current: Mapping[int, int], entries: Iterable[tuple[int, int | None]]) -> IndexCheck:
    """How the index ``entries`` (id, version per index document) differ from ``current``."""
    listed = list(entries)
    counts = Counter(doc_id for doc_id, _ in listed)
    versions: dict[int, set[int | None]] = {}
    for doc_id, version in listed:
        versions.setdefault(doc_id, set()).add(version)
    return IndexCheck(
        documents=len(current),
        entries=len(listed),
        missing=sorted(doc_id for doc_id in current if doc_id not in counts),
        stale=sorted(
            doc_id for doc_id, seen in versions.items()
            if doc_id in current and seen != {current[doc_id]}
        ),
        duplicates=sorted(doc_id for doc_id, count in counts.items() if count > 1 and doc_id in current),
        orphans=sorted(doc_id for doc_id in counts if doc_id not in current),
    )
