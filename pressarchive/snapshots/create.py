"""Making a snapshot: a search's (or a collection's) documents frozen into a bundle.

The documents' rows are read once, a batch at a time, and both the manifest and the
documents file are written from that one read; the WACZ holds the captures of the same
current versions. Everything is written into a hidden temporary folder beside the others,
checked as ``snapshot verify`` would check it (a crawl that added a version meanwhile shows
up there, and the snapshot is refused rather than mixed), made read-only and only then
renamed to its name, so a snapshot either exists whole or not at all, and an existing one is
never written over.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from pressarchive import __version__
from pressarchive.alerts.savedparams import params_of
from pressarchive.errors import UserError
from pressarchive.exports.columns import columns_for, row_values
from pressarchive.exports.export import search_label
from pressarchive.exports.webarchive import write_wacz
from pressarchive.index import SearchRequest
from pressarchive.permalinks import BASE_URL_ENV, permalink
from pressarchive.service import ArchiveService
from pressarchive.snapshots.bundle import (
    CAPTURES, CHECKSUMS, DOCUMENTS, MANIFEST, TEMP_PREFIX, check_snapshot_name, checksums_text, file_digest,
    make_read_only,
)
from pressarchive.snapshots.manifest import Extraction, FrozenDocument, Manifest, now_utc
from pressarchive.snapshots.reextract import extractor_versions
from pressarchive.snapshots.verify import verify_bundle
from pressarchive.store.rows import ID_CHUNK
from pressarchive.store.snapshotrows import SnapshotRow


class SnapshotExists(UserError):
    """A snapshot by that name exists: snapshots are never written over."""

    status_code = 409


class SnapshotUnsettled(UserError):
    """The archive changed, or its evidence could not be read, while the snapshot was made."""

    status_code = 409


@dataclass(frozen=True, slots=True)
class Selection:
    """Which documents a snapshot freezes, in order, and what chose them: a search (its
    parameters, kept as a saved search keeps them) or a collection (its name)."""

    ids: list[int]
    label: str
    search: dict[str, object] | None = None
    collection: str | None = None


def search_selection(service: ArchiveService, request: SearchRequest) -> Selection:
    """Every match of ``request`` in its order (paging ignored)."""
    return Selection(service.matching_ids(request), search_label(request) or "every document",
                     search=params_of(request))


def collection_selection(service: ArchiveService, name: str) -> Selection:
    """A collection's documents in the order they were added (NotFound for an unknown one)."""
    view = service.collections.show(name)
    return Selection([item.document_id for item in view.items], f"collection {view.collection.name}",
                     collection=view.collection.name)


def create_snapshot(
    service: ArchiveService, name: str, selection: Selection, *, base_url: str | None = None,
    now: datetime | None = None,
) -> Manifest:
    """Freeze ``selection`` as snapshot ``name`` in the data directory's snapshots folder and
    return its manifest. Permalinks are built under ``base_url`` (default:
    ``PRESSARCHIVE_BASE_URL``, else paths)."""
    name = check_snapshot_name(name)
    home = service.data.snapshots_dir
    final = home / name
    _refuse_existing(final, name)
    try:
        home.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=home))
    except OSError as exc:
        raise UserError(f"cannot write to the snapshots folder {home}: {exc.strerror or exc}") from None
    try:
        manifest = _write_bundle(service, work, name, selection, base_url, now or now_utc())
        _check_written(work)
        make_read_only(work)
        _rename(work, final, name)
    except BaseException:
        _remove(work)
        raise
    return manifest


def _write_bundle(
    service: ArchiveService, work: Path, name: str, selection: Selection, base_url: str | None, created: datetime,
) -> Manifest:
    base = base_url if base_url is not None else os.environ.get(BASE_URL_ENV, "")
    with open(work / DOCUMENTS, "w", encoding="utf-8", newline="\n") as out:
        documents = list(_write_documents(service, selection.ids, out, base))
    frozen_ids = [doc.id for doc in documents]
    made = write_wacz(
        service.data, service.archive, frozen_ids, work / CAPTURES, title=f"pressarchive snapshot {name}",
        description=f"The captures behind the {len(frozen_ids)} documents of {selection.label}, frozen as "
        f"snapshot {name} at {created.isoformat()}Z.",
        all_versions=False, query=selection.label,
    )
    if made.missing:
        raise SnapshotUnsettled(
            f"{len(made.missing)} captures cannot be read from the WARC files, so the snapshot would not hold "
            "its evidence: run 'pressarchive check'"
        )
    manifest = Manifest(
        name=name, created=created, pressarchive_version=__version__, extractors=extractor_versions(),
        search=selection.search, collection=selection.collection,
        files={file: file_digest(work / file) for file in (DOCUMENTS, CAPTURES)}, documents=documents,
    )
    (work / MANIFEST).write_bytes(manifest.encode())
    digests = {file: file_digest(work / file).sha256 for file in (MANIFEST, DOCUMENTS, CAPTURES)}
    (work / CHECKSUMS).write_text(checksums_text(digests), encoding="utf-8", newline="\n")
    return manifest


def _write_documents(
    service: ArchiveService, ids: Sequence[int], out: IO[str], base: str,
) -> Iterator[FrozenDocument]:
    """Each document that still exists, written to ``out`` as the JSON Lines export writes it
    (with its text), and frozen for the manifest from the same row."""
    header = columns_for(True)
    for start in range(0, len(ids), ID_CHUNK):
        rows = service.archive.snapshot_rows(ids[start:start + ID_CHUNK])
        record_ids = _missing_record_ids(service, rows)
        for row in rows:
            values = row_values(row.export, base)
            out.write(json.dumps(dict(zip(header, values, strict=True)), ensure_ascii=False) + "\n")
            yield _frozen(row, record_ids.get(row.export.document_id, row.export.warc_record_id), base)


def _frozen(row: SnapshotRow, record_id: str, base: str) -> FrozenDocument:
    export = row.export
    return FrozenDocument(
        id=export.document_id, url=export.url, title=export.title, version=export.version,
        text_sha256=export.text_sha256, payload_sha256=export.payload_sha256, captured=export.captured_at,
        capture_url=row.capture_url, status=row.status, content_type=row.content_type,
        warc_record_id=record_id, permalink=permalink(export.document_id, export.version, base),
        extraction=Extraction(
            default_language=row.source_language, extractor=row.source_extractor or None,
            country=export.source_country, listed_date=row.listed_date,
        ),
    )


def _missing_record_ids(service: ArchiveService, rows: Sequence[SnapshotRow]) -> dict[int, str]:
    """Document id -> its version's WARC-Record-ID for captures archived before the store kept
    the ids (read from the WARC records, and kept in the store, as provenance does)."""
    found: dict[int, str] = {}
    for row in rows:
        if row.export.warc_record_id:
            continue
        stored = service.provenance(row.export.document_id)
        for version in stored.versions:
            if version.number == row.export.version and version.capture.warc_record_id:
                found[row.export.document_id] = version.capture.warc_record_id
    return found


def _check_written(work: Path) -> None:
    """The bundle as written verifies, else the archive changed under it: refuse it."""
    verification = verify_bundle(work, reextract=False)
    if verification.problems:
        raise SnapshotUnsettled(
            "the archive changed while the snapshot was being made, so its files disagree "
            f"({verification.problems[0]}); run the command again"
        )


def _refuse_existing(final: Path, name: str) -> None:
    if final.exists() or final.is_symlink():
        raise SnapshotExists(f"a snapshot named {name!r} already exists (snapshots are never replaced): "
                             "choose another name")


def _rename(work: Path, final: Path, name: str) -> None:
    """Give the finished bundle its name, unless another command took the name meanwhile
    (``rename`` refuses to replace a folder that holds files)."""
    _refuse_existing(final, name)
    try:
        os.rename(work, final)
    except OSError as exc:
        _refuse_existing(final, name)
        raise UserError(f"cannot name the snapshot folder {final}: {exc.strerror or exc}") from None


def _remove(work: Path) -> None:
    """Delete a half-made (or read-only) bundle folder."""
    if work.exists():
        os.chmod(work, 0o700)
        shutil.rmtree(work, ignore_errors=True)
