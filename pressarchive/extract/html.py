"""Main text, headline, date and language of an HTML press release.

trafilatura does the heavy lifting: it drops navigation, cookie banners, related links and
footers (``favor_precision``). This module decodes the bytes first (see :mod:`.encoding`),
keeps the parsed tree for the headline, the date (:mod:`.pagedates`) and ``<html lang>``,
and assembles the :class:`~pressarchive.record.Document`. What the page declares outright
(:mod:`.structured`: JSON-LD ``datePublished``, ``article:published_time``, ``inLanguage``,
the headline) ranks above guesses; JSON-LD ``articleBody`` stands in when trafilatura finds
no text. A site extractor (:mod:`.sites`), when the source names one, reads the page first and
overrides whatever it found.
"""

from __future__ import annotations

from datetime import date

from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Document as TrafilaturaDocument

from pressarchive.extract.encoding import decode_html
from pressarchive.extract.layout import unwrap_layout_tables
from pressarchive.extract.language import detect_language, normalise_language_tag
from pressarchive.extract.operations import find_operations
from pressarchive.extract.pagedates import choose_date, date_locale
from pressarchive.extract.sites.base import SiteExtractor, SiteResult
from pressarchive.extract.structured import StructuredData, read_structured
from pressarchive.extract.titles import choose_title
from pressarchive.record import Document

# A main text shorter than this gives way to a declared articleBody: it is a loading notice.
MIN_TEXT_CHARS = 40
_LANGUAGE_XPATHS = (
    "/html/@lang",
    "/html/@*[name() = 'xml:lang']",
    "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')"
    " = 'content-language']/@content",
    "//meta[@property='og:locale']/@content",
)


def extract_html(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    default_language: str = "",
    site: SiteExtractor | None = None,
    today: date | None = None,
    listed_date: date | None = None,
) -> Document | None:
    """A Document from an HTML capture, or ``None`` when the page has no main text.

    ``site``, a site-specific extractor, reads the page first; the fields it leaves empty
    (all of them when it returns ``None``) come from the generic extraction. ``today`` is the
    capture's day (no later date is believed); ``listed_date`` the date a listing, feed or
    sitemap gave the page, used only when the page itself gives none.
    """
    page = decode_html(body, content_type)
    found = (site(page, url) if site is not None else None) or SiteResult()
    tree = load_html(page)
    if tree is None:
        return None
    unwrap_layout_tables(tree)
    declared = read_structured(tree, url, today)
    main = found.text.strip() or _generic_text(tree, url, declared)
    if not main:
        return None
    title = found.title or choose_title(tree, declared.headlines, declared.publisher, url)
    text = _without_headline(main, title)
    hint = declared.language or page_language(tree) or default_language
    # A language the site extractor states is trusted; otherwise the text decides.
    language = normalise_language_tag(found.language) or detect_language(f"{title}\n{text}", default=hint)
    published = found.published or choose_date(
        tree, url, declared, title, text, date_locale(tree, language), today=today, listed_date=listed_date,
    )
    return Document(
        url=url,
        title=title,
        text=text,
        language=language,
        published=published,
        operations=find_operations(title, text),
    )


def _generic_text(tree: HtmlElement, url: str, declared: StructuredData) -> str:
    """trafilatura's main text, else the JSON-LD ``articleBody``; '' without either."""
    # bare_extraction works on its own copy of a tree it is given, so ours stays whole. Its
    # metadata pass is skipped: it spends most of its time on authors, categories and licences,
    # which we do not keep; the headline comes from our own reading and the date from htmldate.
    result = bare_extraction(tree, url=url, include_comments=False, favor_precision=True, with_metadata=False)
    if not isinstance(result, TrafilaturaDocument):  # as_dict=False gives a Document
        result = TrafilaturaDocument()
    text = (result.text or "").strip()
    if declared.body and len(text) < MIN_TEXT_CHARS:  # nothing, or an app shell's "Loading..."
        text = declared.body
    return text


def _without_headline(text: str, title: str) -> str:
    """The text without a first line that repeats the headline (trafilatura keeps the ``<h1>``).

    The title is its own field; repeated at the top of the text it would open every snippet
    and count twice in ranking.
    """
    first, _, rest = text.partition("\n")
    if rest.strip() and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.lstrip("\n")
    return text


def page_language(tree: HtmlElement) -> str:
    """The language the page declares (``<html lang>``, Content-Language, og:locale)."""
    for xpath in _LANGUAGE_XPATHS:
        for value in tree.xpath(xpath):
            if language := normalise_language_tag(str(value)):
                return language
    return ""
