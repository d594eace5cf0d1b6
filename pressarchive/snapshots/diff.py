"""How a snapshot differs from the live results of what made it, run again today.

The snapshot's search is run again with its own parameters (or its collection read again),
and the current version of each document now matching is compared with the version frozen:
documents *added* (matching now, not then), *removed* (frozen, not matching now, or gone
from the archive), and *changed* (in both, with another current version since: its old and
new numbers, and whether the text itself changed or only what else a version holds, such as
a date a re-extraction corrected).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pressarchive.alerts.savedparams import request_of
from pressarchive.searchparams import MAX_LIMIT
from pressarchive.service import ArchiveService
from pressarchive.snapshots.manifest import Manifest
from pressarchive.store.exportrows import ExportRow
from pressarchive.store.rows import ID_CHUNK


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """A document added or removed: its id, title, URL and version (the current one for an
    added document, the frozen one for a removed document)."""

    document_id: int
    title: str
    url: str
    version: int

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "title": self.title, "url": self.url, "version": self.version}


@dataclass(frozen=True, slots=True)
class DiffChange:
    """A document in both whose current version is another than the one frozen."""

    document_id: int
    title: str
    url: str
    old_version: int
    new_version: int
    text_changed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id, "title": self.title, "url": self.url,
            "old_version": self.old_version, "new_version": self.new_version, "text_changed": self.text_changed,
        }


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    """The snapshot (``frozen`` documents) against its live results (``live`` documents)."""

    frozen: int
    live: int
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[DiffChange]

    @property
    def unchanged(self) -> int:
        return self.frozen - len(self.removed) - len(self.changed)

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {
            "frozen": self.frozen, "live": self.live, "unchanged": self.unchanged,
            "added": [entry.to_json() for entry in self.added],
            "removed": [entry.to_json() for entry in self.removed],
            "changed": [change.to_json() for change in self.changed],
        }


def diff_snapshot(service: ArchiveService, manifest: Manifest) -> SnapshotDiff:
    """``manifest``'s documents against what its search (or collection) gives today."""
    rows = _current_rows(service, _live_ids(service, manifest))
    frozen = {doc.id: doc for doc in manifest.documents}
    live = {row.document_id for row in rows}
    added = [DiffEntry(row.document_id, row.title, row.url, row.version)
             for row in rows if row.document_id not in frozen]
    removed = [DiffEntry(doc.id, doc.title, doc.url, doc.version) for doc in manifest.documents if doc.id not in live]
    changed = []
    for row in rows:
        was = frozen.get(row.document_id)
        if was is not None and (row.version, row.text_sha256) != (was.version, was.text_sha256):
            changed.append(DiffChange(row.document_id, row.title, row.url, was.version, row.version,
                                      row.text_sha256 != was.text_sha256))
    return SnapshotDiff(manifest.count, len(rows), added, removed, changed)


def _live_ids(service: ArchiveService, manifest: Manifest) -> list[int]:
    if manifest.collection is not None:
        view = service.collections.show(manifest.collection)
        return [item.document_id for item in view.items]
    return service.matching_ids(request_of(manifest.search or {}, limit=MAX_LIMIT))


def _current_rows(service: ArchiveService, ids: list[int]) -> list[ExportRow]:
    rows: list[ExportRow] = []
    for start in range(0, len(ids), ID_CHUNK):
        rows.extend(service.archive.export_rows(ids[start:start + ID_CHUNK]))
    return rows
