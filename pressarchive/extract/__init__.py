"""Extraction: captured bytes in, :class:`~pressarchive.record.Document` out.

This stage knows nothing of the crawler, the store or the index, so it can be run and
benchmarked on any capture. It decides between HTML and PDF, fills url, title, text,
language, publication date, operation names and the countries, agencies and figures the text
mentions, and leaves source, agency and country to the
crawler, which knows where the capture came from. A source whose pages need reading in their
own way names a site extractor (:mod:`.sites`), tried before the generic path.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from pressarchive.extract.controls import clean_document
from pressarchive.extract.entities import annotate
from pressarchive.extract.errors import ExtractionError
from pressarchive.extract.html import extract_html
from pressarchive.extract.language import detect_language
from pressarchive.extract.operations import find_operations, normalise_operation
from pressarchive.extract.pdf import extract_pdf
from pressarchive.extract.sites import (
    SiteResult,
    get_site_extractor,
    register_site_extractor,
    site_extractor_names,
)
from pressarchive.record import Document

__all__ = [
    "ExtractionError",
    "SiteResult",
    "detect_language",
    "extract_document",
    "find_operations",
    "normalise_operation",
    "register_site_extractor",
    "site_extractor_names",
]

_PDF_MAGIC = b"%PDF-"


def extract_document(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    default_language: str = "",
    extractor: str | None = None,
    listed_date: date | None = None,
    captured: date | None = None,
    country: str = "",
) -> Document | None:
    """Extract a release from an HTML or PDF capture; ``None`` when it has no main text.

    ``extractor`` names a registered site extractor to try first on HTML (the generic path
    takes over when it returns ``None``); an unknown name raises ``ValueError`` whatever the
    capture. ``listed_date`` is the date a listing, feed or sitemap gave the page: the
    publication date only when the page itself shows none. ``captured`` is the capture's day
    (default today): no later publication date is believed. ``country`` is the publishing
    source's (ISO code), which resolves agency names several countries share. Raises :class:`ExtractionError`
    for broken input such as a corrupt PDF.
    """
    site = get_site_extractor(extractor) if extractor else None
    if is_pdf(body, url, content_type):
        doc = extract_pdf(body, url, default_language=default_language, today=captured, listed_date=listed_date)
    else:
        doc = extract_html(body, url, content_type, default_language=default_language, site=site,
                           today=captured, listed_date=listed_date)
    # Every path (HTML, JSON-LD, site extractors, PDF) leaves through here, so this is where
    # a page's control characters are dropped before they can reach the store, and the facts
    # the text states are read from the clean text.
    return annotate(clean_document(doc), home=country) if doc is not None else None


def is_pdf(body: bytes, url: str, content_type: str | None = None) -> bool:
    """PDF by magic bytes, else by Content-Type, else (no or a generic type) by a .pdf URL."""
    # The magic number cannot lie, unlike servers that label every download text/html.
    head = body[:1024].lstrip()  # only the head: bodies run to megabytes
    if head.startswith(_PDF_MAGIC):
        return True
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type:
        if "pdf" in media_type:
            return True
        if "html" in media_type or "xml" in media_type or media_type.startswith("text/"):
            return False
    # A .pdf URL that answers with markup is an error page, not a PDF.
    looks_like_markup = head.startswith(b"<")
    return urlsplit(url).path.lower().endswith(".pdf") and not looks_like_markup
