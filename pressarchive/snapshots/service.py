"""What the faces call: snapshots of one archive made, listed, shown, compared, served.

The CLI, the web pages and the JSON API all go through :class:`SnapshotService` (reached as
``ArchiveService.snapshots``), so each can do what the others do. Verifying a bundle needs no
archive at all and is :func:`pressarchive.snapshots.verify.verify_bundle`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.snapshots.bundle import resolve_bundle
from pressarchive.snapshots.catalog import BundleFile, SnapshotCatalog, Unreadable
from pressarchive.snapshots.create import collection_selection, create_snapshot, search_selection
from pressarchive.snapshots.diff import SnapshotDiff, diff_snapshot
from pressarchive.snapshots.manifest import Manifest
from pressarchive.snapshots.verify import Verification, verify_bundle

if TYPE_CHECKING:
    from pressarchive.service import ArchiveService


class SnapshotService:
    """The snapshots of ``service``'s data directory."""

    def __init__(self, service: ArchiveService) -> None:
        self.service = service
        self.catalog = SnapshotCatalog(service.data)

    def create(
        self, name: str, request: SearchRequest | None = None, *, collection: str | None = None,
        base_url: str | None = None,
    ) -> Manifest:
        """Freeze the matches of ``request`` (or the documents of ``collection``) as ``name``."""
        if (request is None) == (collection is None):
            raise UserError("a snapshot freezes either a search or a collection")
        if collection is not None:
            selection = collection_selection(self.service, collection)
        else:
            assert request is not None
            selection = search_selection(self.service, request)
        return create_snapshot(self.service, name, selection, base_url=base_url)

    def listing(self) -> tuple[list[Manifest], list[Unreadable]]:
        return self.catalog.listing()

    def manifest(self, name: str) -> Manifest:
        return self.catalog.manifest(name)

    def files(self, name: str) -> list[BundleFile]:
        return self.catalog.files(name)

    def file(self, name: str, file: str) -> BundleFile:
        return self.catalog.file(name, file)

    def diff(self, name: str) -> SnapshotDiff:
        """How snapshot ``name`` differs from the live results of its search (or collection) today."""
        return diff_snapshot(self.service, self.manifest(name))

    def verify(self, name_or_path: str, *, reextract: bool = True) -> Verification:
        """Verify a snapshot of this archive (or a bundle folder) and find its documents here."""
        path: Path = resolve_bundle(self.service.data, name_or_path)
        return verify_bundle(path, self.service.archive, reextract=reextract)
