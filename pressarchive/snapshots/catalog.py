"""The snapshots a data directory holds: listed, found by name, their files served.

Only what ``snapshot create`` made counts: a folder whose name is a snapshot name, with a
manifest that reads. A manifest is parsed once per change of its file (a snapshot's never
changes, so in practice once), since one of 100,000 documents is tens of megabytes of JSON.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound, UserError
from pressarchive.snapshots.bundle import (
    BUNDLE_FILES, CHECKSUMS, MANIFEST, TEMP_PREFIX, check_snapshot_name, parse_checksums,
)
from pressarchive.snapshots.manifest import Manifest, ManifestError

#: Manifests kept parsed (by path, change time and size).
CACHED_MANIFESTS = 16


@dataclass(frozen=True, slots=True)
class BundleFile:
    """One file of a bundle: its name, size and path (what a download needs), and the SHA-256
    the bundle's checksums file lists for it (None for the checksums file itself, or unlisted)."""

    name: str
    bytes: int
    path: Path
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A folder in the snapshots folder whose manifest cannot be read, and why."""

    name: str
    reason: str


class SnapshotCatalog:
    """The snapshots in one data directory."""

    def __init__(self, data: DataDir) -> None:
        self.home = data.snapshots_dir

    def listing(self) -> tuple[list[Manifest], list[Unreadable]]:
        """Every snapshot's manifest, newest first, and the folders that hold no readable one
        (or one made under another name, or a name no snapshot could have)."""
        found: list[Manifest] = []
        broken: list[Unreadable] = []
        for folder in self._folders():
            try:
                found.append(_named_manifest(folder))
            except (OSError, ManifestError, UserError) as exc:
                broken.append(Unreadable(folder.name, _reason(exc)))
        found.sort(key=lambda manifest: (manifest.created, manifest.name), reverse=True)
        return found, broken

    def folder(self, name: str) -> Path:
        """The folder of snapshot ``name``; NotFound (with close names) if there is none."""
        try:
            name = check_snapshot_name(name)
        except UserError:
            raise NotFound(f"no snapshot named {name[:100]!r}") from None
        folder = self.home / name
        if not folder.is_dir() or folder.is_symlink():
            known = [path.name for path in self._folders()]
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise NotFound(f"no snapshot named {name[:100]!r}{hint}")
        return folder

    def manifest(self, name: str) -> Manifest:
        """Snapshot ``name``'s manifest (NotFound for an unknown name, a UserError for a bundle
        whose manifest no longer reads: ``snapshot verify`` says more)."""
        folder = self.folder(name)
        try:
            return _named_manifest(folder)
        except (OSError, ManifestError, UserError) as exc:
            raise UserError(f"snapshot {folder.name!r} cannot be read: {_reason(exc)} "
                            "('pressarchive snapshot verify' checks it)") from None

    def files(self, name: str) -> list[BundleFile]:
        """The files snapshot ``name`` holds, in bundle order."""
        folder = self.folder(name)
        listed = _listed_digests(folder)
        present = []
        for file in BUNDLE_FILES:
            path = folder / file
            if path.is_file() and not path.is_symlink():
                present.append(BundleFile(file, path.stat().st_size, path, listed.get(file)))
        return present

    def file(self, name: str, file: str) -> BundleFile:
        """One file of snapshot ``name`` (NotFound for a name that is no bundle file's, or absent)."""
        for found in self.files(name):
            if found.name == file:
                return found
        raise NotFound(f"snapshot {name[:100]!r} has no file {file[:100]!r} (a bundle holds "
                       f"{', '.join(BUNDLE_FILES)})")

    def _folders(self) -> list[Path]:
        try:
            entries = sorted(self.home.iterdir())
        except OSError:
            return []
        return [entry for entry in entries if entry.is_dir() and not entry.is_symlink()
                and not entry.name.startswith((".", TEMP_PREFIX))]


def _listed_digests(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 as the bundle's checksums file lists them (what a reader compares
    a download with; nothing when the file is missing or unreadable)."""
    try:
        return parse_checksums((folder / CHECKSUMS).read_text("utf-8"))[0]
    except (OSError, UnicodeDecodeError):
        return {}


def _named_manifest(folder: Path) -> Manifest:
    """The manifest of the snapshot in ``folder``, which must bear the name the manifest gives
    (a snapshot is addressed by its folder and cited by its manifest's name: they must agree)."""
    check_snapshot_name(folder.name)
    manifest = load_manifest(folder)
    if manifest.name != folder.name:
        raise ManifestError(f"it names snapshot {manifest.name[:100]!r}, not {folder.name[:100]!r}")
    return manifest


def load_manifest(folder: Path) -> Manifest:
    """The manifest of the bundle in ``folder`` (parsed again only when its file changed)."""
    info = (folder / MANIFEST).stat()
    return _parsed(str(folder / MANIFEST), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=CACHED_MANIFESTS)
def _parsed(path: str, _mtime_ns: int, _size: int) -> Manifest:
    return Manifest.decode(Path(path).read_bytes())


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"no {MANIFEST}"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return f"{MANIFEST}: {exc}"
