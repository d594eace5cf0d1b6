"""WACZ packages: which WARC files inside may be imported, after checking their digests.

A WACZ is a zip holding ``archive/*.warc.gz`` (and indexes, pages) with ``datapackage.json``
listing each member's hash, and optionally ``datapackage-digest.json`` holding the hash of
``datapackage.json`` itself. A member whose bytes do not match its listed hash (or that is
not listed) is reported as a bad record at offset 0 and not imported; the others are.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressarchive.imports.summary import BadRecord

#: Members of ``archive/`` that hold records.
RECORD_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
PACKAGE = "datapackage.json"
PACKAGE_DIGEST = "datapackage-digest.json"
_CHUNK = 1 << 20


@dataclass
class WaczCheck:
    """The record files of a WACZ that passed their digest check, and what did not."""

    members: list[str] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)


class MemberFile:
    """A record file inside a WACZ as a seekable stream; closing it closes the zip too."""

    def __init__(self, path: Path, member: str) -> None:
        self._package = zipfile.ZipFile(path)
        try:
            self._stream = self._package.open(member)
        except BaseException:
            self._package.close()
            raise

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        self._stream.close()
        self._package.close()

    def __enter__(self) -> MemberFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def member_name(wacz: str, member: str) -> str:
    """How a member is named in origins and reports: ``<wacz>!<member>``."""
    return f"{wacz}!{member}"


def check_wacz(path: Path) -> WaczCheck:
    """Check the package's digests; the record files that may be imported, in zip order."""
    check = WaczCheck()
    name = path.name
    try:
        with zipfile.ZipFile(path) as package:
            listed = _listed_hashes(package, name, check)
            if listed is None:
                return check
            present = set(package.namelist())
            for member in package.namelist():
                if member.startswith("archive/") and member.endswith(RECORD_SUFFIXES):
                    problem = _member_problem(package, member, listed.get(member))
                    if problem:
                        check.bad.append(BadRecord(member_name(name, member), 0, problem))
                    else:
                        check.members.append(member)
            for member in sorted(set(listed) - present):
                check.bad.append(BadRecord(member_name(name, member), 0, f"listed in {PACKAGE} but missing"))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        check.members.clear()
        check.bad.append(BadRecord(name, 0, f"unreadable zip: {exc}"))
    return check


def _listed_hashes(package: zipfile.ZipFile, name: str, check: WaczCheck) -> dict[str, str] | None:
    """``datapackage.json``'s hash of each resource by path (None: no usable package list)."""
    try:
        raw = package.read(PACKAGE)
        resources = json.loads(raw)["resources"]
        listed = {str(item["path"]): str(item.get("hash") or "") for item in resources}
    except KeyError:
        check.bad.append(BadRecord(name, 0, f"no usable {PACKAGE}: its WARC files cannot be checked"))
        return None
    except (ValueError, TypeError) as exc:
        check.bad.append(BadRecord(name, 0, f"unreadable {PACKAGE}: {exc}"))
        return None
    if PACKAGE_DIGEST in package.namelist():
        expected = _digest_claim(package.read(PACKAGE_DIGEST))
        if expected is None or not _matches(expected, [raw]):
            check.bad.append(BadRecord(member_name(name, PACKAGE), 0,
                                       f"does not match the hash in {PACKAGE_DIGEST}"))
            return None
    return listed


def _digest_claim(raw: bytes) -> str | None:
    try:
        claim: Any = json.loads(raw)
        return str(claim["hash"]) if claim.get("path", PACKAGE) == PACKAGE else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _member_problem(package: zipfile.ZipFile, member: str, expected: str | None) -> str:
    if not expected:
        return f"not listed with a hash in {PACKAGE}"
    try:
        with package.open(member) as stream:
            if not _matches(expected, iter(lambda: stream.read(_CHUNK), b"")):
                return f"its digest does not match {PACKAGE} ({expected.partition(':')[0]})"
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        return f"unreadable zip member: {exc}"
    return ""


_HASHES = frozenset({"sha256", "sha512", "sha384", "sha1", "md5", "sha3_256", "sha3_512"})


def _matches(expected: str, chunks: Any) -> bool:
    """Whether the bytes hash to ``expected`` (``sha256:<hex>``, or an MD5 or SHA family name
    WACZ writers use; a name outside :data:`_HASHES`, such as a variable-length SHAKE a crafted
    package may name, never matches)."""
    algorithm, _, hexdigest = expected.partition(":")
    if not hexdigest:
        algorithm, hexdigest = "sha256", expected
    algorithm = algorithm.lower().replace("-", "")
    if algorithm not in _HASHES:
        return False
    hasher = hashlib.new(algorithm)
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.hexdigest() == hexdigest.strip().lower()
