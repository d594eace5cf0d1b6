"""Collections as every face offers them: create, list, show, add, note, remove, delete.

A collection is a named set of documents a person keeps together (the releases of one story,
a paper's corpus), each document with a note. The CLI, the pages and the JSON API all go
through :class:`CollectionService`, so they check names, notes and document ids the same way
and fail with the same one-line errors. An export walks a collection through
:meth:`CollectionService.show`, in the order its documents were added.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pressarchive import names, permalinks
from pressarchive.errors import NotFound, UserError
from pressarchive.isodate import utc_iso
from pressarchive.searchparams import MAX_DOC_ID
from pressarchive.store import Archive
from pressarchive.store.collections import Collection, CollectionItem, Membership

#: Longest collection name, description and note accepted, in characters.
MAX_NAME = names.MAX_NAME_CHARS
MAX_DESCRIPTION = 2000
MAX_NOTE = 4000
#: Control characters refused in notes and descriptions (all but tab and line breaks, which a
#: note may hold), and lone surrogates (bytes that were not UTF-8 on a command line), which the
#: database cannot store.
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class CollectionExists(UserError):
    status_code = 409


@dataclass(frozen=True, slots=True)
class CollectionView:
    """A collection with its documents, as ``collection show`` and its page and JSON give it."""

    collection: Collection
    items: list[CollectionItem]

    def to_json(self, base_url: str | None = None) -> dict[str, Any]:
        """``base_url`` makes the permalinks absolute (default: ``PRESSARCHIVE_BASE_URL``)."""
        return {**self.collection.to_json(), "items": [item_json(item, base_url) for item in self.items]}


def item_json(item: CollectionItem, base_url: str | None = None) -> dict[str, Any]:
    return {
        "document_id": item.document_id, "title": item.title, "source": item.source,
        "published": item.published.isoformat() if item.published else None, "version": item.version,
        "note": item.note, "added_at": utc_iso(item.added_at), "url": item.url,
        "permalink": permalinks.permalink(item.document_id, item.version, base_url),
    }


def membership_json(membership: Membership) -> dict[str, Any]:
    return {"collection": membership.collection.name, "note": membership.note, "added_at": utc_iso(membership.added_at)}


class CollectionService:
    """The collections of one archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def create(self, name: str, description: str = "") -> Collection:
        name, description = check_name(name), check_text(description, "description", MAX_DESCRIPTION)
        created = self.archive.create_collection(name, description, _now())
        if created is None:
            raise CollectionExists(f"a collection named {name!r} already exists")
        return created

    def listing(self) -> list[Collection]:
        """Every collection with its document count, by name."""
        return self.archive.list_collections()

    def get(self, name: str) -> Collection:
        """The collection named ``name``; NotFound (with close names suggested) if there is none."""
        try:
            found = self.archive.collection(check_name(name))
        except UserError:  # no collection can have a name that could not be created
            found = None
        if found is None:
            raise NotFound(_unknown(name, [c.name for c in self.listing()]))
        return found

    def show(self, name: str) -> CollectionView:
        collection = self.get(name)
        return CollectionView(collection, self.archive.collection_items(collection.id))

    def item(self, name: str, doc_id: int) -> tuple[Collection, CollectionItem]:
        """The collection and its entry for ``doc_id``; NotFound if the document is not in it."""
        collection = self.get(name)
        found = self.archive.collection_items(collection.id, doc_id)
        if not found:
            raise NotFound(f"document {doc_id} is not in collection {collection.name!r}")
        return collection, found[0]

    def add(self, name: str, doc_ids: Iterable[int], note: str | None = None) -> list[int]:
        """Put documents into a collection; ``note`` (unless None) replaces the note of each,
        already there or not. Returns the ids that were new to it. Nothing is added if any id
        names no document."""
        collection = self.get(name)
        wanted = self._documents(doc_ids)
        checked = None if note is None else check_text(note, "note", MAX_NOTE)
        return self.archive.add_to_collection(collection.id, wanted, checked, _now())

    def add_to_new_or_existing(self, name: str, doc_id: int, note: str) -> bool:
        """Add one document to ``name``, creating the collection first if it does not exist
        (the document page's form); True if the collection was created."""
        self._documents([doc_id])
        created = False
        if self.archive.collection(check_name(name)) is None:
            self.create(name)
            created = True
        self.add(name, [doc_id], note)
        return created

    def set_note(self, name: str, doc_id: int, note: str) -> None:
        collection = self.get(name)
        if not self.archive.set_collection_note(collection.id, doc_id, check_text(note, "note", MAX_NOTE), _now()):
            raise NotFound(f"document {doc_id} is not in collection {collection.name!r}")

    def remove(self, name: str, doc_ids: Iterable[int]) -> list[int]:
        """Take documents out of a collection; nothing changes if any of them is not in it."""
        collection = self.get(name)
        wanted = list(dict.fromkeys(doc_ids))
        missing = sorted(set(wanted) - set(self.archive.collection_document_ids(collection.id)))
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise NotFound(f"{_ids(missing, 'document')} {verb} not in collection {collection.name!r}")
        return self.archive.remove_from_collection(collection.id, wanted, _now())

    def delete(self, name: str) -> Collection:
        """Delete a collection and its notes (the documents stay in the archive)."""
        collection = self.get(name)
        self.archive.delete_collection(collection.id)
        return collection

    def containing(self, doc_id: int) -> list[Membership]:
        """The collections holding document ``doc_id``, each with its note there."""
        self._documents([doc_id])
        return self.archive.collections_containing(doc_id)

    def _documents(self, doc_ids: Iterable[int]) -> list[int]:
        """``doc_ids`` without repeats, or NotFound naming those that are no document's id."""
        wanted = list(dict.fromkeys(int(doc_id) for doc_id in doc_ids))
        if not wanted:
            raise UserError("no document ids given")
        in_range = [doc_id for doc_id in wanted if 1 <= doc_id <= MAX_DOC_ID]
        known = self.archive.existing_documents(in_range)
        unknown = [doc_id for doc_id in wanted if doc_id not in known]
        if unknown:
            raise NotFound(f"no {_ids(unknown, 'document with id')}")
        return wanted


def check_name(name: str) -> str:
    """``name`` stripped, if it can name a collection (see :mod:`pressarchive.names`)."""
    return names.check_name(name, "collection")


def check_text(text: str, what: str, limit: int) -> str:
    """A note or description stripped, refused if too long or holding control characters."""
    cleaned = text.strip()
    if len(cleaned) > limit:
        raise UserError(f"{what} too long: at most {limit} characters")
    if _TEXT_CONTROL.search(cleaned):
        raise UserError(f"bad {what}: it may not hold control characters or bytes that are not UTF-8")
    return cleaned


def _unknown(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"no collection named {str(name)[:100]!r}{hint}"


def _ids(ids: Sequence[int], noun: str) -> str:
    """``document 3`` or ``documents 3, 4`` (``noun`` may be several words, each made plural)."""
    shown = ", ".join(str(doc_id) for doc_id in ids[:10]) + (", ..." if len(ids) > 10 else "")
    if len(ids) > 1:
        noun = " ".join(word + "s" if word in ("document", "id") else word for word in noun.split())
    return f"{noun} {shown}"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
