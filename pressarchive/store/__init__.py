"""The archive store: SQLAlchemy Core over SQLite (PostgreSQL-ready). Knows no crawler or index."""

from __future__ import annotations

from pressarchive.store.archive import Archive, text_digest
from pressarchive.store.records import Capture, KnownPage, Removal, SaveOutcome, StoredDocument, Version

__all__ = [
    "Archive", "Capture", "KnownPage", "Removal", "SaveOutcome", "StoredDocument", "Version", "text_digest",
]
