"""Citable snapshots: a search's results frozen into a bundle a paper can cite and anyone can check.

A bundle (``DataDir.snapshots_dir / NAME /``) holds ``manifest.json`` (the search, the time,
each document's version with the SHA-256 of its text and of its capture), ``documents.jsonl``
(the documents as the JSON Lines export writes them, with their texts), ``captures.wacz``
(their captures) and ``checksums.sha256``; it is written once, whole, and made read-only.
``verify_bundle`` checks a bundle with nothing else, on any machine; ``diff_snapshot``
compares a snapshot with its search run again today. The faces call :class:`SnapshotService`.
"""

from __future__ import annotations

from pressarchive.snapshots.bundle import BUNDLE_FILES, CAPTURES, CHECKSUMS, DOCUMENTS, MANIFEST, MEDIA_TYPES
from pressarchive.snapshots.catalog import BundleFile, SnapshotCatalog, Unreadable
from pressarchive.snapshots.create import SnapshotExists, SnapshotUnsettled
from pressarchive.snapshots.diff import DiffChange, DiffEntry, SnapshotDiff, diff_snapshot
from pressarchive.snapshots.manifest import FORMAT, Extraction, FrozenDocument, Manifest, ManifestError
from pressarchive.snapshots.service import SnapshotService
from pressarchive.snapshots.verify import Presence, Verification, verify_bundle

__all__ = [
    "BUNDLE_FILES", "CAPTURES", "CHECKSUMS", "DOCUMENTS", "FORMAT", "MANIFEST", "MEDIA_TYPES", "BundleFile",
    "DiffChange", "DiffEntry", "Extraction", "FrozenDocument", "Manifest", "ManifestError", "Presence",
    "SnapshotCatalog", "SnapshotDiff", "SnapshotExists", "SnapshotService", "SnapshotUnsettled", "Unreadable",
    "Verification", "diff_snapshot", "verify_bundle",
]
