"""What the store hands out besides :class:`~pressarchive.record.Document`: captures and versions.

These carry provenance (when, which URL, which digest, where in which WARC file) so any text
shown to a user can be traced back to the bytes that were archived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pressarchive.isodate import utc_iso
from pressarchive.record import Document


@dataclass(frozen=True, slots=True)
class Capture:
    """One HTTP response as written to a WARC file."""

    source: str
    url: str
    status: int
    content_type: str
    length: int
    captured_at: datetime
    payload_sha256: str
    warc_file: str
    warc_offset: int
    id: int | None = None
    run_id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    listed_date: date | None = None
    # The response record's WARC-Record-ID ("<urn:uuid:...>"); None in archives from before it
    # was kept (read it from the WARC file at ``warc_offset``).
    warc_record_id: str | None = None
    # The URL first asked for when redirects led to ``url``; None when it was ``url`` itself
    # (or the capture predates this column).
    requested_url: str | None = None
    # Where an imported capture came from (``warc:<file>#<offset>`` or ``wayback:<URL>``);
    # None for the archive's own crawls.
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class Removal:
    """A source took a document down (``http_404``/``http_410``) or stopped linking it
    (``delisted``); ``restored_at`` is set if it came back."""

    removed_at: datetime
    reason: str
    restored_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "removed": utc_iso(self.removed_at),
            "reason": self.reason,
            "restored": utc_iso(self.restored_at) if self.restored_at else None,
        }




@dataclass(frozen=True, slots=True)
class KnownPage:
    """What the archive already holds for a release URL, so a recrawl can ask only for changes
    and can tell when to look again (its age and when it was last captured).

    ``published`` is the earliest publication date any of its versions gave: a corrected
    release may carry a newer date, but its age runs from the first.
    """

    url: str
    document_id: int
    last_captured: datetime
    published: date | None
    etag: str | None
    last_modified: str | None
    removed: bool
    first_captured: datetime | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """One distinct text of a document (or a re-extraction of one, see ``reprocessed_at``),
    with the capture it was first seen in."""

    number: int
    captured_at: datetime
    text_sha256: str
    title: str
    text: str
    language: str
    published: date | None
    operations: tuple[str, ...]
    capture: Capture
    countries: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    id: int | None = None  # the version's row id (figures and corrections refer to it)
    # False for a version archived before countries, agencies and figures were extracted.
    entities_known: bool = True
    # When ``reprocess`` made this version by extracting its capture again (None: at capture).
    reprocessed_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "captured": utc_iso(self.captured_at),
            "sha256": self.capture.payload_sha256,
            "text_sha256": self.text_sha256,
            "url": self.capture.url,
            "title": self.title,
            "text": self.text,
            "warc_file": self.capture.warc_file,
            "warc_offset": self.capture.warc_offset,
            "warc_record_id": self.capture.warc_record_id,
            "requested_url": self.capture.requested_url or self.capture.url,
            "status": self.capture.status,
            "reprocessed": utc_iso(self.reprocessed_at) if self.reprocessed_at else None,
        }


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as archived: its current state plus every version, oldest first."""

    document: Document
    first_captured: datetime
    last_captured: datetime
    versions: list[Version] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)

    @property
    def removed(self) -> Removal | None:
        """The removal in force, if the source has taken the document down or delisted it."""
        current = [removal for removal in self.removals if removal.restored_at is None]
        return current[-1] if current else None

    def to_json(self) -> dict[str, Any]:
        doc = self.document
        return {
            "id": doc.id,
            "url": doc.url,
            "title": doc.title,
            "published": doc.published.isoformat() if doc.published else None,
            "source": doc.source,
            "agency": doc.agency,
            "country": doc.country,
            "language": doc.language,
            "operations": list(doc.operations),
            "countries": list(doc.countries),
            "agencies": list(doc.agencies),
            "text": doc.text,
            "first_captured": utc_iso(self.first_captured),
            "last_captured": utc_iso(self.last_captured),
            "removed": self.removed.to_json() if self.removed else None,
            "removals": [removal.to_json() for removal in self.removals],
            "versions": [version.to_json() for version in self.versions],
        }


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """What saving an extracted document did: ``new``, ``changed`` or ``unchanged``, or
    ``past``: a version from before the current one (an imported older capture) put in its
    place in time; the versions after it were renumbered."""

    document_id: int
    status: str
    version: int
    restored: bool = False
