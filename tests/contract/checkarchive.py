"""A small archive for ``check``, ``check --repair`` and refills: five releases, one edited.

Built through the service with the engine address given, so the same archive serves the
contract suite (every engine) and the Whoosh-only damage tests (``tests/test_check.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from tests.archive_builder import Builder

#: An id the store never gave: an index entry for it is an orphan.
ORPHAN = 9999
NAMES = ("kept", "deleted", "twice", "edited", "other")


def release(name: str, text: str, **changes: object) -> Document:
    doc = Document(
        url=f"https://police.example.org/press/{name}", title=f"Release {name}", text=text,
        language="en", published=date(2020, 1, 15), source="police-a",
    )
    return doc.replace(**changes)


def build_archive(data: DataDir) -> dict[str, int]:
    """Five indexed releases (ids by name); ``edited`` has a second version, also indexed."""
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        builder = Builder(service)
        ids = {name: builder.add(release(name, f"Officers report on {name} today.")) for name in NAMES}
        service.index_pending()
        builder.add(release("edited", "Officers corrected the figures: zeppelin."), when=datetime(2024, 3, 1))
        service.index_pending()
    finally:
        service.close()
    return ids


def damage(data: DataDir, ids: dict[str, int]) -> None:
    """Make the index disagree with the store through the engine: an old version indexed
    (stale), an entry deleted (missing), an id the store never had (orphan)."""
    service = ArchiveService(data)
    try:
        stored = service.document(ids["edited"])
        first = stored.versions[0]
        old = stored.document.replace(title=first.title, text=first.text, version=first.number)
        service.index.add([old])  # the old version replaces the current one
        service.index.delete([ids["deleted"]])
        service.index.add([release("ghost", "A release the store never had.", id=ORPHAN, version=1)])
    finally:
        service.close()
