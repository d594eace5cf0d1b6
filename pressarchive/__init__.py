"""pressarchive: crawl, keep, extract, store, index and search public press releases."""

from __future__ import annotations

from pressarchive.record import Document

__version__ = "0.1.0"

__all__ = ["Document", "__version__"]
