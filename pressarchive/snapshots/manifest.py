"""A snapshot's manifest: what was frozen, when, by which version, from which search.

The manifest is what a paper cites and what a reader checks: the search (its parameters as
a saved search keeps them, so it can be run again), the time, and for each document the
version used with the SHA-256 of its text and of the capture it was extracted from, the
capture's time and WARC-Record-ID, and the version's permalink. It also names the digests of
the bundle's other files. It is read back from bundles that may come from anywhere, so
:meth:`Manifest.from_json` checks every field's type instead of trusting the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pressarchive.isodate import iso_date, utc_iso, utc_naive
from pressarchive.snapshots.bundle import FileDigest

FORMAT = "pressarchive-snapshot/1"
_HEX64 = frozenset("0123456789abcdef")


class ManifestError(ValueError):
    """A manifest that is not one this version can read (says which field is wrong)."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """The options the document's text was extracted with (the source's, and the date the
    listing gave the page), so that a reader can extract the capture again the same way."""

    default_language: str = ""
    extractor: str | None = None
    country: str = ""
    listed_date: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "default_language": self.default_language, "extractor": self.extractor, "country": self.country,
            "listed_date": self.listed_date.isoformat() if self.listed_date else None,
        }


@dataclass(frozen=True, slots=True)
class FrozenDocument:
    """One document as the snapshot holds it: the version used and its capture."""

    id: int
    url: str
    title: str
    version: int
    text_sha256: str
    payload_sha256: str
    captured: datetime
    capture_url: str
    status: int
    content_type: str
    warc_record_id: str
    permalink: str
    extraction: Extraction = field(default_factory=Extraction)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "url": self.url, "title": self.title, "version": self.version,
            "text_sha256": self.text_sha256, "payload_sha256": self.payload_sha256,
            "captured": utc_iso(self.captured), "capture_url": self.capture_url, "status": self.status,
            "content_type": self.content_type, "warc_record_id": self.warc_record_id,
            "permalink": self.permalink, "extraction": self.extraction.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Manifest:
    """A whole manifest. ``search`` holds the search's parameters by name (as a saved search
    keeps them) or is None when the snapshot froze a collection, named in ``collection``."""

    name: str
    created: datetime
    pressarchive_version: str
    extractors: dict[str, str]
    search: dict[str, Any] | None
    collection: str | None
    files: dict[str, FileDigest]
    documents: list[FrozenDocument]

    @property
    def count(self) -> int:
        return len(self.documents)

    @property
    def selection(self) -> str:
        """What chose the documents, for a person: ``q=europol source=police-a sort=date``
        (``every document`` when nothing narrowed the search), or ``collection NAME``."""
        if self.collection is not None:
            return f"collection {self.collection}"
        narrowing = [f"{name}={value}" for name, value in (self.search or {}).items() if name != "sort"]
        return " ".join(narrowing) or "every document"

    def summary_json(self) -> dict[str, Any]:
        """Everything but the documents (what listings show)."""
        return {
            "format": FORMAT, "name": self.name, "created": utc_iso(self.created),
            "pressarchive_version": self.pressarchive_version, "extractors": dict(self.extractors),
            "search": self.search, "collection": self.collection, "count": self.count,
            "files": {name: digest.to_json() for name, digest in self.files.items()},
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.summary_json(), "documents": [doc.to_json() for doc in self.documents]}

    def encode(self) -> bytes:
        """The manifest file's bytes: indented JSON, UTF-8, keys in a fixed order, one final newline."""
        return (json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> Manifest:
        """The manifest in ``data``; :class:`ManifestError` saying what is wrong if it is none."""
        try:
            parsed = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ManifestError(f"not JSON ({exc})") from None
        return cls.from_json(parsed)

    @classmethod
    def from_json(cls, value: Any) -> Manifest:
        top = _object(value, "the manifest")
        if top.get("format") != FORMAT:
            raise ManifestError(f"format is {str(top.get('format'))[:60]!r}, expected {FORMAT!r}")
        search = top.get("search")
        collection = top.get("collection")
        if (search is None) == (collection is None):
            raise ManifestError("a manifest names either a search or a collection")
        documents = [_document(item, n) for n, item in enumerate(_list(top.get("documents"), "documents"))]
        manifest = cls(
            name=_text(top.get("name"), "name"), created=_time(top.get("created"), "created"),
            pressarchive_version=_text(top.get("pressarchive_version"), "pressarchive_version"),
            extractors={key: _text(val, f"extractors.{key}") for key, val in _object(
                top.get("extractors"), "extractors").items()},
            search=_search(search) if search is not None else None,
            collection=_text(collection, "collection") if collection is not None else None,
            files={name: _digest(val, name) for name, val in _object(top.get("files"), "files").items()},
            documents=documents,
        )
        if top.get("count") != manifest.count:
            raise ManifestError(f"count is {str(top.get('count'))[:20]}, but {manifest.count} documents are listed")
        return manifest


def now_utc() -> datetime:
    """This moment in UTC, to the second, naive (as the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _document(value: Any, n: int) -> FrozenDocument:
    where = f"documents[{n}]"
    item = _object(value, where)
    extraction = _object(item.get("extraction"), f"{where}.extraction")
    listed = extraction.get("listed_date")
    extractor = extraction.get("extractor")
    return FrozenDocument(
        id=_int(item.get("id"), f"{where}.id"), url=_text(item.get("url"), f"{where}.url"),
        title=_text(item.get("title"), f"{where}.title"), version=_int(item.get("version"), f"{where}.version"),
        text_sha256=_hex(item.get("text_sha256"), f"{where}.text_sha256"),
        payload_sha256=_hex(item.get("payload_sha256"), f"{where}.payload_sha256"),
        captured=_time(item.get("captured"), f"{where}.captured"),
        capture_url=_text(item.get("capture_url"), f"{where}.capture_url"),
        status=_int(item.get("status"), f"{where}.status"),
        content_type=_text(item.get("content_type"), f"{where}.content_type"),
        warc_record_id=_text(item.get("warc_record_id"), f"{where}.warc_record_id"),
        permalink=_text(item.get("permalink"), f"{where}.permalink"),
        extraction=Extraction(
            default_language=_text(extraction.get("default_language"), f"{where}.extraction.default_language"),
            extractor=_text(extractor, f"{where}.extraction.extractor") if extractor is not None else None,
            country=_text(extraction.get("country"), f"{where}.extraction.country"),
            listed_date=_date(listed, f"{where}.extraction.listed_date") if listed is not None else None,
        ),
    )


def _search(value: Any) -> dict[str, Any]:
    """The search's parameters: names with text, whole-number or true/false values."""
    params = dict(_object(value, "search"))
    for name, item in params.items():
        if not isinstance(item, str | int | bool):
            raise ManifestError(f"search.{name[:40]} is not text, a whole number or true/false")
    return params


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ManifestError(f"{where} is not an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ManifestError(f"{where} is not a list")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ManifestError(f"{where} is not text")
    return value


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ManifestError(f"{where} is not a whole number")
    return value


def _hex(value: Any, where: str) -> str:
    text = _text(value, where)
    if len(text) != 64 or not set(text) <= _HEX64:
        raise ManifestError(f"{where} is not a SHA-256 in hex")
    return text


def _time(value: Any, where: str) -> datetime:
    text = _text(value, where)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ManifestError(f"{where} is not a time") from None
    return utc_naive(moment)


def _date(value: Any, where: str) -> date:
    try:
        return iso_date(_text(value, where))
    except ValueError:
        raise ManifestError(f"{where} is not a YYYY-MM-DD date") from None


def _digest(value: Any, name: str) -> FileDigest:
    item = _object(value, f"files.{name}")
    return FileDigest(_hex(item.get("sha256"), f"files.{name}.sha256"), _int(item.get("bytes"), f"files.{name}.bytes"))
