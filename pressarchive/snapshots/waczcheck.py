"""Checking a bundle's ``captures.wacz`` against itself and against the manifest.

Three things, each a different kind of finding: the package's own digests (every resource
``datapackage.json`` lists has the SHA-256 it states, and ``datapackage-digest.json`` that of
the package file); each frozen document's response record is there with the payload SHA-256
the manifest records (a mismatch is a changed capture); and, when this installation has the
extractors the snapshot was made with, each payload extracted again gives the manifest's text
digest (a mismatch is reported as *extraction differs*, a note, never as tampering).
The WACZ is read as a stream (zip members, WARC records one at a time): it is never unpacked.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader

from pressarchive.snapshots.bundle import CAPTURES
from pressarchive.snapshots.manifest import FrozenDocument, Manifest
from pressarchive.snapshots.reextract import extraction_difference

DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"
_CHUNK = 1 << 20


@dataclass
class WaczFindings:
    """What checking the WACZ found: ``problems`` (the bundle is not as made) and ``notes``
    (facts worth saying that are not damage); ``records``: response records read."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: int = 0
    reextracted: int = 0


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    """One response record of the WACZ: its id, target, payload digest as stored, the
    payload decoded for extraction (only when asked for) and its Content-Type."""

    record_id: str
    url: str
    payload_sha256: str
    body: bytes | None
    content_type: str


def check_wacz(path: Path, manifest: Manifest, reextract: bool) -> WaczFindings:
    """Every finding about the WACZ at ``path``; ``reextract``: extract each frozen payload again."""
    found = WaczFindings()
    try:
        with zipfile.ZipFile(path) as package:
            _check_datapackage(package, found)
            records = _records_by_document(package, manifest, reextract, found)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:  # zlib: a damaged deflated member
        found.problems.append(f"{CAPTURES}: not a readable WACZ (zip) file ({type(exc).__name__})")
        return found
    for doc in manifest.documents:
        record = records.get(doc.id)
        if record is None:
            where = f" (record {doc.warc_record_id})" if doc.warc_record_id else ""
            found.problems.append(f"{CAPTURES}: no capture of document {doc.id}{where}")
        elif record.payload_sha256 != doc.payload_sha256:
            found.problems.append(
                f"{CAPTURES}: the capture of document {doc.id} has payload SHA-256 {record.payload_sha256}, "
                f"the manifest records {doc.payload_sha256}"
            )
        elif reextract and record.body is not None:
            _reextract(doc, record, found)
    return found


def _reextract(doc: FrozenDocument, record: ResponseRecord, found: WaczFindings) -> None:
    assert record.body is not None
    found.reextracted += 1
    outcome = extraction_difference(doc, record.body, record.content_type)
    if outcome is not None:
        found.notes.append(
            f"extraction differs: document {doc.id} version {doc.version}: extracting its capture again gives "
            f"{outcome}, the manifest records text SHA-256 {doc.text_sha256}"
        )


def _check_datapackage(package: zipfile.ZipFile, found: WaczFindings) -> None:
    try:
        raw = package.read(DATAPACKAGE)
    except KeyError:
        found.problems.append(f"{CAPTURES}: no {DATAPACKAGE}")
        return
    try:
        resources = json.loads(raw)["resources"]
        listed = [(str(item["path"]), str(item["hash"])) for item in resources]
    except (ValueError, KeyError, TypeError):
        found.problems.append(f"{CAPTURES}: {DATAPACKAGE} does not list its resources with their hashes")
        return
    for name, stated in listed:
        _check_member(package, name, stated, found)
    if DATAPACKAGE_DIGEST in package.namelist():
        _check_package_digest(package.read(DATAPACKAGE_DIGEST), raw, found)


def _check_member(package: zipfile.ZipFile, name: str, stated: str, found: WaczFindings) -> None:
    algorithm, _, expected = stated.partition(":")
    if algorithm != "sha256":
        found.notes.append(f"{CAPTURES}: {name} is listed with a {algorithm[:20]} hash, not checked")
        return
    try:
        with package.open(name) as member:
            actual = _sha256(member)
    except KeyError:
        found.problems.append(f"{CAPTURES}: {name} is listed in {DATAPACKAGE} but missing")
        return
    except zipfile.BadZipFile:
        found.problems.append(f"{CAPTURES}: {name} is damaged (its zip CRC fails)")
        return
    if actual != expected:
        found.problems.append(f"{CAPTURES}: {name} has SHA-256 {actual}, {DATAPACKAGE} states {expected[:64]}")


def _check_package_digest(digest_file: bytes, raw: bytes, found: WaczFindings) -> None:
    try:
        stated = str(json.loads(digest_file)["hash"])
    except (ValueError, KeyError, TypeError):
        found.problems.append(f"{CAPTURES}: {DATAPACKAGE_DIGEST} states no hash")
        return
    if stated != "sha256:" + hashlib.sha256(raw).hexdigest():
        found.problems.append(f"{CAPTURES}: {DATAPACKAGE} does not have the digest {DATAPACKAGE_DIGEST} states")


def _records_by_document(
    package: zipfile.ZipFile, manifest: Manifest, with_body: bool, found: WaczFindings,
) -> dict[int, ResponseRecord]:
    """Document id -> its response record: by WARC-Record-ID, else by URL and payload digest."""
    by_id = {doc.warc_record_id: doc.id for doc in manifest.documents if doc.warc_record_id}
    by_capture = {(doc.capture_url, doc.payload_sha256): doc.id for doc in manifest.documents}
    by_url = {doc.capture_url: doc.id for doc in manifest.documents}
    matched: dict[int, ResponseRecord] = {}
    unclaimed = 0
    for record in _responses(package, with_body, found):
        found.records += 1
        doc_id = by_id.get(record.record_id)
        if doc_id is None:
            doc_id = by_capture.get((record.url, record.payload_sha256))
        if doc_id is None and record.url in by_url and by_url[record.url] not in matched:
            doc_id = by_url[record.url]  # the right capture with the wrong bytes: a mismatch to report
        if doc_id is None or doc_id in matched:
            unclaimed += 1
        else:
            matched[doc_id] = record
    if unclaimed:
        found.notes.append(f"{CAPTURES}: {unclaimed} response records that no frozen document names")
    return matched


def _responses(package: zipfile.ZipFile, with_body: bool, found: WaczFindings) -> Iterator[ResponseRecord]:
    for name in package.namelist():
        if not name.startswith("archive/") or ".warc" not in name:
            continue
        try:
            with package.open(name) as member:
                yield from _read_responses(member, with_body)
        except Exception as exc:  # noqa: BLE001 - a torn gzip member, garbage, a bad CRC: all unreadable
            found.problems.append(f"{CAPTURES}: {name} cannot be read to its end ({type(exc).__name__})")


def _read_responses(stream: IO[bytes], with_body: bool) -> Iterator[ResponseRecord]:
    for record in ArchiveIterator(stream):
        if record.rec_type != "response":
            continue
        raw = record.raw_stream.read()  # the payload as stored, still content-encoded
        http = record.http_headers
        yield ResponseRecord(
            record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
            url=record.rec_headers.get_header("WARC-Target-URI") or "",
            payload_sha256=hashlib.sha256(raw).hexdigest(),
            body=_decoded(raw, http) if with_body else None,
            content_type=(http.get_header("Content-Type") or "") if http else "",
        )


def _decoded(raw: bytes, http: Any) -> bytes | None:
    """The payload as the crawler's extractor saw it: its Content-Encoding undone (what warcio's
    content stream does); None when the coding is one warcio cannot undo."""
    coding = ((http.get_header("Content-Encoding") or "") if http else "").strip().lower()
    if coding in ("", "identity"):
        return raw
    if coding not in BufferedReader.get_supported_decompressors():
        return None
    try:
        return BufferedReader(io.BytesIO(raw), decomp_type=coding).read()
    except Exception:  # noqa: BLE001 - a body that does not decode: nothing to extract
        return None


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()
