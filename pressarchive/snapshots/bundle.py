"""A snapshot's bundle on disk: its files, their digests, its checksums file, its folder.

A bundle is one folder that is copied, mailed or deposited with a paper as a unit, so it
must check itself without the archive that made it: ``checksums.sha256`` covers every
other file (the format ``sha256sum -c`` reads, so anyone can check it without pressarchive)
and the manifest names the digests of the files besides itself. Once written a bundle is
made read-only and never written again.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound, UserError
from pressarchive.names import check_name

MANIFEST = "manifest.json"
DOCUMENTS = "documents.jsonl"
CAPTURES = "captures.wacz"
CHECKSUMS = "checksums.sha256"
#: Every file a bundle may hold, in the order they are listed and offered for download.
BUNDLE_FILES = (MANIFEST, DOCUMENTS, CAPTURES, CHECKSUMS)
#: Media types of the bundle's files, for downloads.
MEDIA_TYPES = {
    MANIFEST: "application/json",
    DOCUMENTS: "application/x-ndjson",
    CAPTURES: "application/wacz",
    CHECKSUMS: "text/plain; charset=utf-8",
}
#: Longest snapshot name in bytes: it is a folder name, and most file systems stop at 255.
MAX_NAME_BYTES = 255
#: Folders being written start with this (hidden, never listed, never a name).
TEMP_PREFIX = ".tmp-"
#: Longest part of a download's file name taken from the snapshot's name.
MAX_SLUG = 60
_CHUNK = 1 << 20
_CHECKSUM_LINE = re.compile(r"([0-9a-f]{64})  (.+)")


@dataclass(frozen=True, slots=True)
class FileDigest:
    """A file's SHA-256 (hex) and size in bytes."""

    sha256: str
    bytes: int

    def to_json(self) -> dict[str, object]:
        return {"sha256": self.sha256, "bytes": self.bytes}


def file_digest(path: Path) -> FileDigest:
    """``path``'s SHA-256 and size, read in chunks (a WACZ may be large)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileDigest(digest.hexdigest(), size)


def checksums_text(digests: Mapping[str, str]) -> str:
    """``sha256sum``'s output for ``digests`` (file name -> SHA-256 in hex), in bundle order."""
    order = {name: n for n, name in enumerate(BUNDLE_FILES)}
    names = sorted(digests, key=lambda name: (order.get(name, len(order)), name))
    return "".join(f"{digests[name]}  {name}\n" for name in names)


def parse_checksums(text: str) -> tuple[dict[str, str], list[str]]:
    """File name -> SHA-256 from a ``sha256sum`` listing, and a line for each line that is
    not one (or names a file twice, or a file outside the bundle's folder)."""
    found: dict[str, str] = {}
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _CHECKSUM_LINE.fullmatch(line)
        if match is None or "/" in match[2] or match[2] in (".", ".."):
            bad.append(f"{CHECKSUMS} line {number} is not a checksum of a file in the bundle")
        elif match[2] in found:
            bad.append(f"{CHECKSUMS} lists {match[2]} twice")
        else:
            found[match[2]] = match[1]
    return found, bad


def check_snapshot_name(name: str) -> str:
    """``name`` stripped if it can name a snapshot: the common rule for names (see
    :mod:`pressarchive.names`), and fit for a folder (not hidden, not too long in bytes)."""
    name = check_name(name, "snapshot")
    if name.startswith("."):
        raise UserError(f"bad snapshot name {name[:40]!r}: a name may not start with '.' (a hidden folder)")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise UserError(f"snapshot name too long: {len(name.encode('utf-8'))} bytes in UTF-8, at most "
                        f"{MAX_NAME_BYTES} (it names a folder)")
    return name


def snapshot_folder(data: DataDir, name: str) -> Path:
    """Where the snapshot ``name`` lives (checked as a name; it may not exist)."""
    return data.snapshots_dir / check_snapshot_name(name)


def resolve_bundle(data: DataDir, name_or_path: str) -> Path:
    """The bundle ``name_or_path`` means: a path when it holds ``/`` or names no snapshot of
    ``data`` but an existing folder, else the snapshot of that name."""
    if "/" not in name_or_path and name_or_path not in (".", ".."):
        folder = data.snapshots_dir / name_or_path
        if name_or_path.strip() and folder.is_dir():
            return folder
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    if "/" in name_or_path or name_or_path in (".", ".."):
        raise NotFound(f"no snapshot bundle at {name_or_path[:200]}: not a folder")
    raise NotFound(f"no snapshot named {name_or_path[:100]!r} in {data.snapshots_dir}, and no folder of that name here")


def download_name(name: str, file: str) -> str:
    """What a download of ``file`` of snapshot ``name`` is saved as: the name folded to ASCII
    letters, digits and dashes, so it is safe in a ``Content-Disposition`` header and on any disk."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:MAX_SLUG].rstrip("-")
    return f"pressarchive-snapshot-{slug or 'unnamed'}-{file}"


def make_read_only(folder: Path) -> None:
    """Every file of ``folder`` and the folder itself read-only (for owner, group and others)."""
    keep = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
    for entry in folder.iterdir():
        os.chmod(entry, keep)
    os.chmod(folder, keep | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
