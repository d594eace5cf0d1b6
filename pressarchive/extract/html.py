"""Main text, headline, date and language of an HTML press release.

trafilatura does the heavy lifting: it drops navigation, cookie banners, related links and
footers (``favor_precision``) and calls htmldate, which reads ``<time datetime>``,
``article:published_time``, JSON-LD, the URL and the text. This module decodes the bytes
first (see :mod:`.encoding`), keeps the parsed tree for the headline and ``<html lang>``,
refuses dates htmldate padded from a bare year, and assembles the
:class:`~pressarchive.record.Document`.
"""

from __future__ import annotations

from datetime import date

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Document as TrafilaturaDocument

from pressarchive.extract.dates import text_dates
from pressarchive.extract.encoding import decode_html
from pressarchive.extract.layout import unwrap_layout_tables
from pressarchive.extract.language import detect_language, normalise_language_tag
from pressarchive.extract.operations import find_operations
from pressarchive.extract.titles import choose_title
from pressarchive.record import Document

# original_date: a release's date is when it was issued, not when the page was last touched.
DATE_PARAMS = {"extensive_search": True, "original_date": True}
_LANGUAGE_XPATHS = (
    "/html/@lang",
    "/html/@*[name() = 'xml:lang']",
    "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')"
    " = 'content-language']/@content",
    "//meta[@property='og:locale']/@content",
)


def extract_html(
    body: bytes, url: str, content_type: str | None = None, *, default_language: str = ""
) -> Document | None:
    """A Document from an HTML capture, or ``None`` when the page has no main text."""
    tree = load_html(decode_html(body, content_type))
    if tree is None:
        return None
    unwrap_layout_tables(tree)
    # bare_extraction works on its own copy of a tree it is given, so ours stays whole.
    result = bare_extraction(
        tree,
        url=url,
        include_comments=False,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params=DATE_PARAMS,
    )
    if not isinstance(result, TrafilaturaDocument):  # as_dict=False gives a Document
        return None
    text = (result.text or "").strip()
    if not text:
        return None
    title = choose_title(tree, result.title, result.sitename, url)
    hint = page_language(tree) or default_language
    return Document(
        url=url,
        title=title,
        text=text,
        language=detect_language(f"{title}\n{text}", default=hint),
        published=_vouched_date(_parse_date(result.date), tree, url, text),
        operations=find_operations(title, text),
    )


def page_language(tree: HtmlElement) -> str:
    """The language the page declares (``<html lang>``, Content-Language, og:locale)."""
    for xpath in _LANGUAGE_XPATHS:
        for value in tree.xpath(xpath):
            if language := normalise_language_tag(str(value)):
                return language
    return ""


def _vouched_date(found: date | None, tree: HtmlElement, url: str, text: str) -> date | None:
    """``found``, unless it is a bare year or month that htmldate padded to a day.

    htmldate's last resorts turn "2017" or "December 2019" somewhere on the page into
    2017-01-01 or 2019-12-01. A release's date is a day, so a first of the month must be
    confirmed by the markup alone or be written out in the text; otherwise it is unknown.
    """
    if found is None or found.day != 1:
        return found
    if any(day == found for _, day in text_dates(text)):
        return found
    strict = find_date(tree, extensive_search=False, original_date=True, url=url)
    return found if strict == found.isoformat() else None


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
