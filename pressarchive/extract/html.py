"""Main text, headline, date and language of an HTML press release.

trafilatura does the heavy lifting: it drops navigation, cookie banners, related links and
footers (``favor_precision``); htmldate reads the date from ``<time datetime>``,
``article:published_time``, JSON-LD, the URL and the text. This module decodes the bytes
first (see :mod:`.encoding`), keeps the parsed tree for the headline and ``<html lang>``,
and assembles the :class:`~pressarchive.record.Document`. What the page declares outright
(:mod:`.structured`: JSON-LD ``datePublished``, ``article:published_time``, ``inLanguage``,
the headline) ranks above htmldate's guesses, which are kept only when they are not a bare
year or month padded to a day; JSON-LD ``articleBody`` stands in when trafilatura finds no
text. A site extractor (:mod:`.sites`), when the source names one, reads the page first and
overrides whatever it found.
"""

from __future__ import annotations

from dataclasses import dataclass
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
) -> Document | None:
    """A Document from an HTML capture, or ``None`` when the page has no main text.

    ``site``, a site-specific extractor, reads the page first; the fields it leaves empty
    (all of them when it returns ``None``) come from the generic extraction.
    """
    page = decode_html(body, content_type)
    found = (site(page, url) if site is not None else None) or SiteResult()
    tree = load_html(page)
    if tree is None:
        return None
    unwrap_layout_tables(tree)
    declared = read_structured(tree, url)
    main = _site_text(found, tree, url) if found.text.strip() else _generic_text(tree, url, declared)
    if main is None:
        return None
    title = found.title or choose_title(tree, declared.headlines, declared.publisher, url)
    text = _without_headline(main.text, title)
    hint = declared.language or page_language(tree) or default_language
    return Document(
        url=url,
        title=title,
        text=text,
        # A language the site extractor states is trusted; otherwise the text decides.
        language=normalise_language_tag(found.language) or detect_language(f"{title}\n{text}", default=hint),
        published=found.published or declared.published or _vouched_date(main.guessed_date, tree, url, text),
        operations=find_operations(title, text),
    )


@dataclass(frozen=True, slots=True)
class _MainText:
    """The main text and htmldate's guess at its date."""

    text: str
    guessed_date: date | None = None  # htmldate's, to be vouched for


def _generic_text(tree: HtmlElement, url: str, declared: StructuredData) -> _MainText | None:
    """trafilatura's main text, else the JSON-LD ``articleBody``; ``None`` without either."""
    # bare_extraction works on its own copy of a tree it is given, so ours stays whole. Its
    # metadata pass is skipped: it spends most of its time on authors, categories and licences,
    # which we do not keep; the headline comes from our own reading and the date from htmldate.
    result = bare_extraction(tree, url=url, include_comments=False, favor_precision=True, with_metadata=False)
    if not isinstance(result, TrafilaturaDocument):  # as_dict=False gives a Document
        result = TrafilaturaDocument()
    text = (result.text or "").strip()
    if declared.body and len(text) < MIN_TEXT_CHARS:  # nothing, or an app shell's "Loading..."
        text = declared.body
    if not text:
        return None
    return _MainText(text, guessed_date=_guess_date(tree, url))


def _without_headline(text: str, title: str) -> str:
    """The text without a first line that repeats the headline (trafilatura keeps the ``<h1>``).

    The title is its own field; repeated at the top of the text it would open every snippet
    and count twice in ranking.
    """
    first, _, rest = text.partition("\n")
    if rest.strip() and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.lstrip("\n")
    return text


def _site_text(found: SiteResult, tree: HtmlElement, url: str) -> _MainText:
    """A site extractor's text; htmldate is asked for a date only if the site gave none."""
    if found.published:
        return _MainText(found.text.strip())
    return _MainText(found.text.strip(), guessed_date=_guess_date(tree, url))


def page_language(tree: HtmlElement) -> str:
    """The language the page declares (``<html lang>``, Content-Language, og:locale)."""
    for xpath in _LANGUAGE_XPATHS:
        for value in tree.xpath(xpath):
            if language := normalise_language_tag(str(value)):
                return language
    return ""


def _guess_date(tree: HtmlElement, url: str) -> date | None:
    # original_date: a release's date is when it was issued, not when the page was last touched.
    return _parse_date(find_date(tree, extensive_search=True, original_date=True, url=url))


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
