"""The evidence behind a version: its capture's WARC record, read back from the WARC files.

Archives written before the store kept each capture's WARC-Record-ID have NULL there. The
store cannot read WARC files (it knows nothing of them, nor of the data directory), so the
id is read here, lazily, the first time a document's provenance is shown, and written back
so the next reader finds it in the store. A WARC file that is gone or a record that is torn
leaves the id unknown (``check`` reports the damage); a store that cannot be written to (a
read-only copy) still gets the id shown.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from pressarchive.errors import NotFound
from pressarchive.store import Archive, Capture, StoredDocument, Version
from pressarchive.warc import ArchivedResponse, read_response

log = logging.getLogger(__name__)


class EvidenceMissing(NotFound):
    """A version's WARC file is not in the data directory, or its record cannot be read."""


def read_original(warc_dir: Path, capture: Capture) -> ArchivedResponse:
    """The response record ``capture`` points at, or :class:`EvidenceMissing` saying why not."""
    return read_record(warc_dir, capture.warc_file, capture.warc_offset)


def read_record(warc_dir: Path, warc_file: str, offset: int) -> ArchivedResponse:
    """The response record at ``offset`` of ``warc_file``, or :class:`EvidenceMissing` saying why not."""
    where = f"{warc_file} at offset {offset}"
    if Path(warc_file).name != warc_file:  # a store or an index edited to point outside the WARC directory
        raise EvidenceMissing(
            f"the archived original is not available: {warc_file!r} is not a WARC file name "
            "of the data directory"
        )
    try:
        return read_response(warc_dir / warc_file, offset)
    except FileNotFoundError:
        raise EvidenceMissing(
            f"the archived original is not available: WARC file {warc_file} is missing "
            "from the data directory ('pressarchive check' lists every damaged capture)"
        ) from None
    except Exception as exc:  # noqa: BLE001 - torn gzip, garbage, another record: all unreadable
        raise EvidenceMissing(
            f"the archived original is not available: the record in {where} cannot be read "
            f"({type(exc).__name__}; 'pressarchive check' lists every damaged capture)"
        ) from None


def with_record_ids(archive: Archive, warc_dir: Path, stored: StoredDocument) -> StoredDocument:
    """``stored`` with every capture's WARC-Record-ID known that its WARC record can give,
    those read here written back to the store."""
    found: dict[int, str] = {}
    versions = [_with_record_id(warc_dir, version, found) for version in stored.versions]
    if not found:
        return stored
    try:
        archive.set_warc_record_ids(found)
    except SQLAlchemyError as exc:  # read-only or busy store: shown now, read again next time
        log.warning("could not store %d WARC-Record-IDs: %s", len(found), exc)
    return dataclasses.replace(stored, versions=versions)


def _with_record_id(warc_dir: Path, version: Version, found: dict[int, str]) -> Version:
    capture = version.capture
    if capture.warc_record_id or capture.id is None:
        return version
    record_id = found.get(capture.id)  # two versions of one capture (a re-extraction)
    if record_id is None:
        try:
            record_id = read_original(warc_dir, capture).record_id
        except EvidenceMissing:
            return version
        if not record_id:
            return version
        found[capture.id] = record_id
    return dataclasses.replace(version, capture=dataclasses.replace(capture, warc_record_id=record_id))
