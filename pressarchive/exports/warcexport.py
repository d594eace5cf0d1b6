"""A WARC file of the captures behind documents: the archive's evidence, for any web-archive tool.

The export copies each capture's response record out of the data directory's WARC files
(and the request record written with it, found by its WARC-Concurrent-To), after one
``warcinfo`` record saying what the file is. Records are copied, never rebuilt from the
store: a citation checked against the export checks the bytes the crawl received. The
response records gain two header fields, :data:`~pressarchive.warc.fields.SOURCE` and
:data:`~pressarchive.warc.fields.LISTED_DATE`, so that importing the export into another
archive keeps what only the store knew; the header is the only thing rewritten (WARC-Record-ID,
WARC-Date, WARC-Target-URI, the block and its digests stay as they were: digests cover the
block, not the header). A capture whose record cannot be read is left out and counted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.warcwriter import WARCWriter

from pressarchive import __version__
from pressarchive.datadir import DataDir
from pressarchive.store import Archive
from pressarchive.store.exportcaptures import VersionCapture
from pressarchive.store.rows import ID_CHUNK
from pressarchive.warc import fields, warc_path
from pressarchive.warc.members import BadMember, Member, read_member, with_fields

SOFTWARE = f"pressarchive/{__version__} (warcio)"


@dataclass(frozen=True, slots=True)
class Page:
    """A document as a WACZ page list names it: the capture of its current version."""

    document_id: int
    url: str
    ts: str
    title: str


@dataclass
class WarcExport:
    """What an export wrote: ``documents`` with at least one capture, ``captures`` (response
    records), ``bytes`` of WARC, and the captures left out because their record was unreadable
    (``missing``: capture ids; ``check`` says more)."""

    documents: int = 0
    captures: int = 0
    bytes: int = 0
    missing: list[int] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list, repr=False)


def write_warc(
    data: DataDir, archive: Archive, doc_ids: Sequence[int], out: BinaryIO, all_versions: bool = True, *,
    query: str = "", filename: str = "pressarchive-export.warc.gz",
) -> WarcExport:
    """The captures behind the versions of ``doc_ids`` (every version, or only the current
    one) as a gzipped WARC file written to ``out``; ``query`` (what chose the documents) and
    ``filename`` go into the warcinfo record."""
    report = WarcExport()
    for chunk in warc_chunks(data, archive, doc_ids, report, all_versions, query=query, filename=filename):
        out.write(chunk)
    return report


def warc_chunks(
    data: DataDir, archive: Archive, doc_ids: Sequence[int], report: WarcExport, all_versions: bool = True, *,
    query: str = "", filename: str = "pressarchive-export.warc.gz",
) -> Iterator[bytes]:
    """The WARC file :func:`write_warc` writes, as chunks (a record or two each) for a
    streamed download; ``report`` counts what has left so far."""
    seen: set[int] = set()
    exported_docs: set[int] = set()
    yield _count(report, _warcinfo(filename, query, all_versions))
    with _WarcFiles(data.warc_dir) as files:
        for item in _version_captures(archive, doc_ids, not all_versions):
            if item.capture_id in seen:
                continue  # a reprocessed version's capture: already written
            seen.add(item.capture_id)
            try:
                response, request = files.records(item)
            except (OSError, BadMember):
                report.missing.append(item.capture_id)
                continue
            chunk = with_fields(response, _export_fields(item)) + (request.raw if request is not None else b"")
            report.captures += 1
            exported_docs.add(item.document_id)
            report.documents = len(exported_docs)
            if item.current:
                report.pages.append(Page(item.document_id, item.url, response.field("WARC-Date"), item.title))
            yield _count(report, chunk)


def _count(report: WarcExport, chunk: bytes) -> bytes:
    report.bytes += len(chunk)
    return chunk


def _version_captures(archive: Archive, doc_ids: Sequence[int], current_only: bool) -> Iterator[VersionCapture]:
    for start in range(0, len(doc_ids), ID_CHUNK):
        yield from archive.version_captures(doc_ids[start:start + ID_CHUNK], current_only)


def _export_fields(item: VersionCapture) -> dict[str, str]:
    found = {fields.SOURCE: item.source}
    if item.listed_date is not None:
        found[fields.LISTED_DATE] = item.listed_date.isoformat()
    return found


def _warcinfo(filename: str, query: str, all_versions: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    info = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "pressarchive export: the captures behind "
                       + ("every version" if all_versions else "the current version") + " of the documents matching",
        "query": " ".join(query.split()) or "(every document)",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    return buffer.getvalue()


class _WarcFiles:
    """The data directory's WARC files, each opened once however many records it gives."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._open: dict[str, BinaryIO] = {}

    def __enter__(self) -> _WarcFiles:
        return self

    def __exit__(self, *_: object) -> None:
        for fh in self._open.values():
            fh.close()

    def records(self, item: VersionCapture) -> tuple[Member, Member | None]:
        """The capture's response record and the request record written with it, if any."""
        fh = self._file(item.warc_file)
        response = read_member(fh, item.warc_offset)
        if response.field("WARC-Type") != "response" or response.field("WARC-Target-URI") != item.url:
            raise BadMember(f"{item.warc_file}@{item.warc_offset} is not the response for {item.url}")
        return response, self._request_after(fh, item.warc_offset + len(response.raw), response)

    def _request_after(self, fh: BinaryIO, offset: int, response: Member) -> Member | None:
        try:
            following = read_member(fh, offset)
        except BadMember:
            return None  # the file ends here, or the next record is damaged: the response stands alone
        record_id = response.field("WARC-Record-ID")
        if following.field("WARC-Type") == "request" and following.field("WARC-Concurrent-To") == record_id:
            return following
        return None

    def _file(self, name: str) -> BinaryIO:
        if name not in self._open:
            self._open[name] = open(warc_path(self.directory, name), "rb")
        return self._open[name]
