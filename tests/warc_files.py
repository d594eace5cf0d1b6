"""Writing the WARC, ARC and WACZ files the import tests read (warcio, ARC by hand, zipfile)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PARAGRAPH = ("The regional police dismantled a network that trafficked stolen vehicles across {n} provinces, "
             "seizing cars, forged documents and cash after months of surveillance and joint work. ")


def page(n: int, title: str = "Operation Rueda") -> bytes:
    """An HTML press release with enough text to become a document (``n`` makes it unique)."""
    text = PARAGRAPH.format(n=n) * 4
    return (f"<html lang='en'><head><title>{title}: {n} provinces</title></head><body><article>"
            f"<h1>{title}: {n} provinces</h1><p>{text}</p><p>{text}</p></article></body></html>").encode()


@dataclass
class Record:
    """One record to write: a response (``body``) or a revisit (``revisit_of``: a Record)."""

    url: str
    date: str
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/html; charset=utf-8")])
    status: str = "200 OK"
    warc_headers: dict[str, str] = field(default_factory=dict)
    revisit_of: Record | None = None
    raw_payload: bytes | None = None  # the payload exactly as stored (e.g. chunked)


def _warc_record(writer: WARCWriter, item: Record):  # type: ignore[no-untyped-def]
    http = StatusAndHeaders(item.status, list(item.headers), protocol="HTTP/1.1")
    if item.revisit_of is not None:
        original = item.revisit_of
        digest = original.warc_headers.get("_digest", "")
        return writer.create_revisit_record(
            item.url, digest, original.url, original.date, http_headers=http,
            warc_headers_dict={"WARC-Date": item.date, **item.warc_headers})
    payload = item.raw_payload if item.raw_payload is not None else item.body
    return writer.create_warc_record(
        item.url, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=http,
        warc_headers_dict={"WARC-Date": item.date, **{k: v for k, v in item.warc_headers.items() if k[0] != "_"}})


def write_warc(path: Path, items: list[Record], gzipped: bool = True) -> list[int]:
    """Write ``items`` as a WARC file (a warcinfo record first); returns each item's offset."""
    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "warcio test"}))
        for item in items:
            offsets.append(fh.tell())
            record = _warc_record(writer, item)
            writer.write_record(record)
            item.warc_headers["_digest"] = record.rec_headers.get_header("WARC-Payload-Digest") or ""
            item.warc_headers["_id"] = record.rec_headers.get_header("WARC-Record-ID") or ""
    return offsets


def arc_record(url: str, date14: str, body: bytes, content_type: str = "text/html",
               length: str | None = None) -> bytes:
    """One ARC v1 record: the URL-record line, then the HTTP response, then a newline."""
    block = f"HTTP/1.0 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body
    return f"{url} 127.0.0.1 {date14} {content_type} {length or len(block)}\n".encode() + block + b"\n"


def arc_file_header(name: str) -> bytes:
    version = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    return f"filedesc://{name} 0.0.0.0 20170101000000 text/plain {len(version)}\n".encode() + version + b"\n"


def write_arc(path: Path, records: list[bytes], gzipped: bool) -> list[int]:
    """An ARC file of ``records`` (from :func:`arc_record`); each its own gzip member if ``gzipped``."""
    offsets = []
    with open(path, "wb") as fh:
        for index, data in enumerate([arc_file_header(path.name), *records]):
            if index:
                offsets.append(fh.tell())
            fh.write(gzip.compress(data) if gzipped else data)
    return offsets


def write_wacz(path: Path, members: dict[str, bytes], wrong_hash: tuple[str, ...] = (),
               wrong_package_digest: bool = False) -> None:
    """A WACZ holding ``members`` (name under archive/ → WARC bytes) with datapackage.json and
    datapackage-digest.json; members named in ``wrong_hash`` are listed with a wrong digest."""
    resources = []
    for name, data in members.items():
        digest = hashlib.sha256(data + (b"x" if name in wrong_hash else b"")).hexdigest()
        resources.append({"name": name, "path": f"archive/{name}", "hash": f"sha256:{digest}", "bytes": len(data)})
    package = json.dumps({"profile": "data-package", "wacz_version": "1.1.1", "resources": resources}).encode()
    package_digest = hashlib.sha256(package + (b"x" if wrong_package_digest else b"")).hexdigest()
    with zipfile.ZipFile(path, "w") as wacz:
        for name, data in members.items():
            wacz.writestr(zipfile.ZipInfo(f"archive/{name}"), data, compress_type=zipfile.ZIP_STORED)
        wacz.writestr("datapackage.json", package)
        wacz.writestr("datapackage-digest.json",
                      json.dumps({"path": "datapackage.json", "hash": f"sha256:{package_digest}"}))
