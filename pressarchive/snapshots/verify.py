"""Verifying a snapshot bundle: with nothing but the bundle, and optionally against an archive.

A bundle proves itself: the checksums file covers every file (the manifest included), the
manifest names the digests of the documents and captures, each document's text has the digest
the manifest records, and each capture in the WACZ has the payload digest the manifest records
(see :mod:`pressarchive.snapshots.waczcheck`). Any of those failing is a *problem*: the bundle
is not as it was made (a tampered, damaged or missing file). Things worth knowing that are not
damage are *notes*: a text extracted differently by this installation, extractors of other
versions, a stray file. Given an archive (any archive, on any machine), it also says whether
each frozen document and version is there with the same digests, found by URL (ids differ
between archives).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressarchive.snapshots.bundle import (
    BUNDLE_FILES, CAPTURES, CHECKSUMS, DOCUMENTS, MANIFEST, checksums_text, file_digest, parse_checksums,
)
from pressarchive.snapshots.manifest import FrozenDocument, Manifest, ManifestError
from pressarchive.snapshots.reextract import version_differences
from pressarchive.snapshots.waczcheck import check_wacz
from pressarchive.store import Archive, Version, text_digest

#: Lines said about the documents file at most (a wholly rewritten file would give one per line).
MAX_LINE_PROBLEMS = 20
#: What a frozen document can be in an archive, best first.
PRESENT, EXTRACTED_DIFFERENTLY = "present", "extracted differently"
CAPTURE_MISSING, ABSENT = "capture missing", "absent"


@dataclass(frozen=True, slots=True)
class Presence:
    """Where a frozen document stands in an archive: ``status`` (one of :data:`PRESENT`,
    :data:`EXTRACTED_DIFFERENTLY`, :data:`CAPTURE_MISSING`, :data:`ABSENT`) and, when found,
    its id and the number of the version made from the same capture there."""

    document_id: int
    version: int
    url: str
    status: str
    archive_id: int | None = None
    archive_version: int | None = None

    @property
    def renumbered(self) -> bool:
        """Present, but under another id or version number than in the snapshot."""
        return self.status == PRESENT and (self.archive_id, self.archive_version) != (self.document_id, self.version)

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id, "version": self.version, "url": self.url, "status": self.status,
            "archive_id": self.archive_id, "archive_version": self.archive_version,
        }


@dataclass
class Verification:
    """What verifying the bundle at ``path`` found; intact when there are no ``problems``."""

    path: Path
    manifest: Manifest | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    reextracted: int = 0
    presence: list[Presence] | None = None

    @property
    def intact(self) -> bool:
        return not self.problems

    def presence_counts(self) -> dict[str, int]:
        counts = {status: 0 for status in (PRESENT, EXTRACTED_DIFFERENTLY, CAPTURE_MISSING, ABSENT)}
        for found in self.presence or ():
            counts[found.status] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        manifest = self.manifest
        return {
            "path": str(self.path), "intact": self.intact,
            "name": manifest.name if manifest else None, "count": manifest.count if manifest else None,
            "files": self.files, "problems": self.problems, "notes": self.notes, "reextracted": self.reextracted,
            "archive": None if self.presence is None else {
                "counts": self.presence_counts(), "documents": [found.to_json() for found in self.presence],
            },
        }


def verify_bundle(path: Path, archive: Archive | None = None, *, reextract: bool = True) -> Verification:
    """Everything wrong with the bundle at ``path`` (and where its documents stand in
    ``archive`` when one is given); ``reextract``: extract the captures again when this
    installation has the snapshot's extractors."""
    result = Verification(Path(path))
    if not result.path.is_dir():
        result.problems.append(f"{path} is not a folder")
        return result
    _check_checksums(result)
    manifest = _read_manifest(result)
    if manifest is None:
        return result
    result.manifest = manifest
    _check_manifest_files(result, manifest)
    _check_documents(result, manifest)
    _check_captures(result, manifest, reextract)
    if archive is not None:
        result.presence = [presence_in(archive, doc) for doc in manifest.documents]
    return result


def _check_checksums(result: Verification) -> None:
    folder = result.path
    try:
        text = (folder / CHECKSUMS).read_text("utf-8")
    except FileNotFoundError:
        result.problems.append(f"{CHECKSUMS} is missing")
        return
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(f"{CHECKSUMS} cannot be read ({type(exc).__name__})")
        return
    listed, bad = parse_checksums(text)
    result.problems.extend(bad)
    for name, expected in listed.items():
        if name not in BUNDLE_FILES or name == CHECKSUMS:
            result.problems.append(f"{CHECKSUMS} lists {name[:100]!r}, which is no file of a bundle")
            continue
        try:
            actual = file_digest(folder / name).sha256
        except FileNotFoundError:
            result.problems.append(f"{name} is missing (listed in {CHECKSUMS})")
            continue
        except OSError as exc:  # a folder in its place, no permission: unreadable, so not intact
            result.problems.append(f"{name} cannot be read ({type(exc).__name__})")
            continue
        result.files.append(name)
        if actual != expected:
            result.problems.append(
                f"{name}: SHA-256 {actual} differs from {CHECKSUMS} ({expected}): changed or damaged")
    if not bad and text != checksums_text(listed):
        result.problems.append(f"{CHECKSUMS} is not laid out as pressarchive writes it: changed")
    for entry in sorted(folder.iterdir()):
        if entry.name in BUNDLE_FILES and entry.name != CHECKSUMS and entry.name not in listed:
            result.problems.append(f"{entry.name} is not covered by {CHECKSUMS}")
        elif entry.name not in BUNDLE_FILES:
            result.notes.append(f"{entry.name[:100]!r} is not a file of the bundle (not checked)")


def _read_manifest(result: Verification) -> Manifest | None:
    try:
        data = (result.path / MANIFEST).read_bytes()
    except FileNotFoundError:
        if not _said_missing(result, MANIFEST):
            result.problems.append(f"{MANIFEST} is missing")
        return None
    except OSError as exc:
        result.problems.append(f"{MANIFEST} cannot be read ({type(exc).__name__})")
        return None
    try:
        return Manifest.decode(data)
    except ManifestError as exc:
        result.problems.append(f"{MANIFEST} is not a snapshot manifest: {exc}")
        return None


def _check_manifest_files(result: Verification, manifest: Manifest) -> None:
    for name, digest in manifest.files.items():
        if name not in (DOCUMENTS, CAPTURES):
            result.problems.append(f"{MANIFEST} names {name[:100]!r}, which is no file of a bundle")
            continue
        path = result.path / name
        if not path.is_file():
            if not _said_missing(result, name):
                result.problems.append(f"{name} is missing (named in {MANIFEST})")
            continue
        actual = file_digest(path)
        if actual != digest:
            result.problems.append(f"{name}: SHA-256 {actual.sha256} ({actual.bytes} bytes) differs from "
                                   f"{MANIFEST} ({digest.sha256}, {digest.bytes} bytes): changed or damaged")
    for name in (DOCUMENTS, CAPTURES):
        if name not in manifest.files:
            result.problems.append(f"{MANIFEST} does not name {name} and its digest")


def _said_missing(result: Verification, name: str) -> bool:
    return any(problem.startswith(f"{name} is missing") for problem in result.problems)


def _check_documents(result: Verification, manifest: Manifest) -> None:
    """Each line of the documents file is the frozen document the manifest lists at that
    place, and its title and text have the digest the manifest records."""
    try:
        lines = (result.path / DOCUMENTS).read_bytes().decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        if (result.path / DOCUMENTS).exists():
            result.problems.append(f"{DOCUMENTS} cannot be read ({type(exc).__name__})")
        return
    if len(lines) != manifest.count:
        result.problems.append(f"{DOCUMENTS} has {len(lines)} lines, {MANIFEST} lists {manifest.count} documents")
    found = list(_line_problems(lines, manifest.documents))
    result.problems.extend(found[:MAX_LINE_PROBLEMS])
    if len(found) > MAX_LINE_PROBLEMS:
        result.problems.append(f"{DOCUMENTS}: {len(found) - MAX_LINE_PROBLEMS} more lines differ from {MANIFEST}")


def _line_problems(lines: list[str], documents: list[FrozenDocument]) -> Iterator[str]:
    for number, (line, doc) in enumerate(zip(lines, documents, strict=False), 1):
        try:
            row = json.loads(line)
            key = (row["document_id"], row["version"], row["text_sha256"])
            digest = text_digest(row["title"], row["text"])
        except (ValueError, KeyError, TypeError):
            yield f"{DOCUMENTS} line {number} is not an exported document with its text"
            continue
        if key != (doc.id, doc.version, doc.text_sha256):
            yield f"{DOCUMENTS} line {number} is not document {doc.id} version {doc.version} as {MANIFEST} lists it"
        elif digest != doc.text_sha256:
            yield f"{DOCUMENTS} line {number}: the title and text of document {doc.id} do not have their SHA-256"


def _check_captures(result: Verification, manifest: Manifest, reextract: bool) -> None:
    path = result.path / CAPTURES
    if CAPTURES not in manifest.files or not path.is_file():
        return
    differences = version_differences(manifest.extractors)
    if reextract and differences:
        result.notes.append("captures not extracted again: this installation's extractors differ from the "
                            "snapshot's (" + "; ".join(differences) + ")")
    findings = check_wacz(path, manifest, reextract and not differences)
    result.problems.extend(findings.problems)
    result.notes.extend(findings.notes)
    result.reextracted = findings.reextracted


def presence_in(archive: Archive, doc: FrozenDocument) -> Presence:
    """Where ``doc`` stands in ``archive``: found by its URL, then the version made from the
    same capture (the same payload digest), with the same text digest or not."""
    stored = archive.document_by_url(doc.url)
    if stored is None:
        return Presence(doc.id, doc.version, doc.url, ABSENT)
    archive_id = stored.document.id
    same_capture = [v for v in stored.versions if v.capture.payload_sha256 == doc.payload_sha256]
    same_text = [v for v in same_capture if v.text_sha256 == doc.text_sha256]
    if same_text:
        return Presence(doc.id, doc.version, doc.url, PRESENT, archive_id, _closest(same_text, doc.version))
    if same_capture:
        return Presence(doc.id, doc.version, doc.url, EXTRACTED_DIFFERENTLY, archive_id, same_capture[-1].number)
    return Presence(doc.id, doc.version, doc.url, CAPTURE_MISSING, archive_id)


def _closest(versions: list[Version], number: int) -> int:
    """The number ``number`` when one of ``versions`` has it, else the newest's."""
    numbers = [version.number for version in versions]
    return number if number in numbers else numbers[-1]

