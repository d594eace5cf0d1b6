"""Extracting a frozen capture again, to tie a snapshot's texts to the bytes they came from.

A text digest is only reproducible with the same extractors: the manifest records the
versions of pressarchive and of the libraries that shape the text, and a bundle's captures
are extracted again only when this installation has exactly those. A different result then
means the extraction differs (a setting, an environment), which is said as such: it is not
evidence that a file was tampered with, which the digests decide.
"""

from __future__ import annotations

from importlib import metadata

from pressarchive import __version__
from pressarchive.extract import ExtractionError, extract_document
from pressarchive.snapshots.manifest import FrozenDocument
from pressarchive.store import text_digest

#: The libraries whose versions decide what text a page gives, besides pressarchive itself.
EXTRACTOR_PACKAGES = ("trafilatura", "htmldate", "justext", "lxml", "pypdf", "py3langid")


def extractor_versions() -> dict[str, str]:
    """pressarchive's version and each extraction library's installed one."""
    versions = {"pressarchive": __version__}
    for name in EXTRACTOR_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def version_differences(recorded: dict[str, str]) -> list[str]:
    """``name recorded -> installed`` for each extractor whose installed version differs."""
    installed = extractor_versions()
    names = sorted(set(recorded) | set(installed))
    return [f"{name} {recorded.get(name, 'none')} -> {installed.get(name, 'none')}"
            for name in names if recorded.get(name) != installed.get(name)]


def extraction_difference(doc: FrozenDocument, body: bytes, content_type: str) -> str | None:
    """None when extracting ``body`` (the capture's payload, decoded) as the crawl did gives
    the text digest ``doc`` records; else what came out instead."""
    options = doc.extraction
    try:
        extracted = extract_document(
            body, doc.url, doc.content_type or content_type, default_language=options.default_language,
            extractor=options.extractor, listed_date=options.listed_date, captured=doc.captured.date(),
            country=options.country,
        )
    except (ExtractionError, ValueError, RecursionError) as exc:
        return f"extraction failed ({type(exc).__name__})"
    if extracted is None:
        return "no main text extracted"
    digest = text_digest(extracted.title, extracted.text)
    return None if digest == doc.text_sha256 else f"text SHA-256 {digest}"
