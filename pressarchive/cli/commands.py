"""Registers every subcommand on the ``pressarchive`` group by importing its module."""

from __future__ import annotations

from pressarchive.cli import (
    archive_commands, crawl_commands, discover_commands, export_commands, index_commands, operation_commands,
    reprocess_commands, saved_commands, serve_commands, source_commands, version_commands,
)
from pressarchive.cli import cdx_commands, collection_commands, import_commands, snapshot_commands, wayback_commands

__all__ = [
    "archive_commands", "crawl_commands", "discover_commands", "export_commands", "index_commands",
    "operation_commands", "reprocess_commands", "saved_commands", "serve_commands", "source_commands",
    "version_commands",
]
__all__ += ["cdx_commands", "collection_commands", "import_commands", "snapshot_commands", "wayback_commands"]
