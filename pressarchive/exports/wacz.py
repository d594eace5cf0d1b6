"""A WACZ 1.1.1 package of the captures behind documents, for pywb and ReplayWeb.page.

WACZ is a zip that a replay tool reads in place: the WARC (``archive/data.warc.gz``, stored,
not deflated, so a reader can seek into it), its CDXJ index (``indexes/index.cdxj``, made
by ``cdxj-indexer`` as py-wacz makes it), the pages a reader opens on
(``pages/pages.jsonl``: one per document, at its current version's capture), and
``datapackage.json`` listing every file with its size and SHA-256, itself hashed in
``datapackage-digest.json`` so the whole package can be checked from one digest. The
file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cdxj_indexer.main import CDXJIndexer

from pressarchive.datadir import DataDir
from pressarchive.exports.warcexport import SOFTWARE, Page, write_warc
from pressarchive.store import Archive

WACZ_VERSION = "1.1.1"
WARC_PATH = "archive/data.warc.gz"
INDEX_PATH = "indexes/index.cdxj"
PAGES_PATH = "pages/pages.jsonl"
READ_SIZE = 1 << 20


@dataclass
class WaczExport:
    """What a WACZ holds (``documents``, ``captures``), its size in ``bytes`` and ``sha256``
    (of the whole file, to cite it), and captures left out as unreadable (``missing``)."""

    documents: int
    captures: int
    bytes: int
    sha256: str
    missing: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Resource:
    path: str
    bytes: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"name": Path(self.path).name.lower(), "path": self.path, "hash": f"sha256:{self.sha256}",
                "bytes": self.bytes}


def write_wacz(
    data: DataDir, archive: Archive, doc_ids: Sequence[int], path: Path, title: str, description: str = "",
    all_versions: bool = True, *, query: str = "",
) -> WaczExport:
    """The captures behind ``doc_ids`` as a WACZ at ``path`` (replaced only once complete)."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    with tempfile.TemporaryDirectory(prefix=".wacz-", dir=path.parent) as scratch:
        work = Path(scratch)
        warc = work / "data.warc.gz"
        with open(warc, "wb") as out:
            made = write_warc(data, archive, doc_ids, out, all_versions, query=query, filename=Path(WARC_PATH).name)
        index = work / "index.cdxj"
        _index(warc, index)
        pages = work / "pages.jsonl"
        pages.write_bytes(_pages_jsonl(made.pages, title))
        try:
            _zip(partial, [(WARC_PATH, warc), (INDEX_PATH, index), (PAGES_PATH, pages)], title, description)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    size, digest = _hash_file(path)
    return WaczExport(made.documents, made.captures, size, digest, made.missing)


def _index(warc: Path, index: Path) -> None:
    """The sorted CDXJ index of ``warc``, naming it by its path-less name as the WACZ does."""
    CDXJIndexer(str(index), [str(warc)], sort=True, post_append=True, filename=warc.name).process_all()


def _pages_jsonl(pages: Sequence[Page], title: str) -> bytes:
    header = {"format": "json-pages-1.0", "id": "pages", "title": title or "Pages"}
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps({"id": f"document-{page.document_id}", "url": page.url, "ts": page.ts,
                          "title": page.title}, ensure_ascii=False) for page in pages]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _zip(target: Path, files: list[tuple[str, Path]], title: str, description: str) -> None:
    resources: list[_Resource] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as package:
        for name, source in files:
            package.write(source, name)
            resources.append(_Resource(name, *_hash_file(source)))
        datapackage = _datapackage(resources, title, description)
        package.writestr("datapackage.json", datapackage)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(datapackage).hexdigest()}
        package.writestr("datapackage-digest.json", json.dumps(digest, indent=2).encode())


def _datapackage(resources: list[_Resource], title: str, description: str) -> bytes:
    package: dict[str, Any] = {
        "profile": "data-package",
        "resources": [resource.to_json() for resource in resources],
        "title": title,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wacz_version": WACZ_VERSION,
        "software": SOFTWARE,
    }
    if description:
        package["description"] = description
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(READ_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
