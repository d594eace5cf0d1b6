"""Headline, dates, language and body that a page declares in JSON-LD, Open Graph and meta tags.

A CMS writes schema.org JSON-LD and Open Graph tags from the release's own fields, so they
state the headline and the issue date outright where htmldate and trafilatura have to rank
guesses (the URL, ``<time>`` elements of related items, dates in the text). Reading them
here, with the main article object told apart from the site's ``WebSite``/``Organization``
objects and from a listing page's items, lets :mod:`.html` prefer them explicitly.
Nothing here raises on a malformed page; a field it cannot read is left empty.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pressarchive.extract.dates import is_utc_stamp, parse_declared_date
from pressarchive.extract.fragments import html_to_text
from pressarchive.extract.jsonld import JsonObject, json_ld_objects, text_value, types_of
from pressarchive.extract.language import normalise_language_tag

ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
    "BackgroundNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle",
    "BlogPosting", "LiveBlogPosting", "Report", "TechArticle", "SocialMediaPosting",
})  # fmt: skip
# A page object describes the page, not the article; it speaks only when no article does.
PAGE_TYPES = frozenset({"WebPage", "ItemPage"})
_META_XPATH = "//meta[@content][starts-with(@property, 'og:') or starts-with(@property, 'article:')"
_META_XPATH += " or starts-with(@name, 'og:') or starts-with(@name, 'article:')]"
_OG_PUBLISHED = ("article:published_time", "og:article:published_time", "article:published")
# Publication-date meta names CMSs write (lower case). The bare "date" and "DC.date" are left
# out: sites fill them with the last change as often as with the publication.
_META_PUBLISHED = ("pubdate", "publishdate", "publish-date", "publish_date", "pub_date", "parsely-pub-date",
                   "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created",
                   "article_date_original", "publication_date", "datepublished")
_MAX_HEADLINE_CHARS = 300
_MIN_BODY_CHARS = 40  # shorter "bodies" are teasers or placeholders, not a release


@dataclass(frozen=True, slots=True)
class StructuredData:
    """What a page declares about itself; empty fields were absent or unusable."""

    headlines: tuple[str, ...] = ()  # title candidates, most specific first
    published: date | None = None
    published_in_utc: bool = False  # declared as a time in UTC: its day may not be the publisher's
    modified: date | None = None
    language: str = ""  # ISO 639-1 from JSON-LD ``inLanguage`` (og:locale: see page_language)
    body: str = ""  # JSON-LD ``articleBody`` as text, one paragraph per line
    publisher: str = ""


def read_structured(tree: HtmlElement, url: str = "", today: date | None = None) -> StructuredData:
    """The JSON-LD, Open Graph and publication-date meta tags of a parsed page."""
    objects = json_ld_objects(tree)
    article = main_object(objects, ARTICLE_TYPES, url)
    page = main_object(objects, PAGE_TYPES, url)
    og = open_graph(tree)
    ranked = [obj for obj in (article, page) if obj is not None]

    def first_date(key: str, og_keys: tuple[str, ...], extra: tuple[str, ...] = ()) -> tuple[date | None, object]:
        values = [article.get(key) if article else None, *(og.get(k) for k in og_keys), *extra,
                  page.get(key) if page else None]
        return next(((day, value) for value in values if (day := parse_declared_date(value, today))), (None, None))

    published, stamp = first_date("datePublished", _OG_PUBLISHED, tuple(_meta_published(tree)))
    return StructuredData(
        headlines=_headlines(article, page, og),
        published=published,
        published_in_utc=is_utc_stamp(stamp),
        modified=first_date("dateModified", ("article:modified_time",))[0],
        language=_first(normalise_language_tag(_language_value(o.get("inLanguage"))) for o in ranked),
        body=_body(article),
        publisher=_first([*(text_value(o.get("publisher")) for o in ranked), og.get("og:site_name", "")]),
    )


def _meta_published(tree: HtmlElement) -> list[str]:
    """Publication dates in ``<meta name=...>`` tags, in the order of :data:`_META_PUBLISHED`."""
    found: dict[str, str] = {}
    for meta in tree.xpath("//meta[@name][@content]"):
        found.setdefault((meta.get("name") or "").strip().lower(), meta.get("content") or "")
    return [found[name] for name in _META_PUBLISHED if name in found]


def main_object(objects: list[JsonObject], types: frozenset[str], url: str) -> JsonObject | None:
    """The object of one of ``types`` that describes this page.

    One that names the page's URL wins; otherwise the only candidate. Several unrelated
    candidates (a listing page's articles) name none of them: guessing would give the page
    another release's headline and date.
    """
    candidates = [obj for obj in objects if types_of(obj) & types]
    for obj in candidates:
        if url and any(_same_page(url, ref) for ref in _references(obj)):
            return obj
    headlines = {text_value(obj.get("headline") or obj.get("name")) for obj in candidates}
    return candidates[0] if candidates and len(headlines) == 1 else None


def open_graph(tree: HtmlElement) -> dict[str, str]:
    """Open Graph and ``article:`` properties (``og:title`` -> value); the first one counts."""
    found: dict[str, str] = {}
    for meta in tree.xpath(_META_XPATH):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        value = " ".join(html.unescape(meta.get("content") or "").split())
        if value:
            found.setdefault(key, value)
    return found


def _headlines(article: JsonObject | None, page: JsonObject | None, og: dict[str, str]) -> tuple[str, ...]:
    values = [article.get("headline"), article.get("name")] if article else []
    values.append(og.get("og:title"))
    if page:
        values += [page.get("headline"), page.get("name")]
    texts = (text_value(value) for value in values)
    return tuple(dict.fromkeys(t for t in texts if t and len(t) <= _MAX_HEADLINE_CHARS))


def _body(article: JsonObject | None) -> str:
    raw = article.get("articleBody") if article else None
    if isinstance(raw, list):
        raw = "\n".join(item for item in raw if isinstance(item, str))
    if not isinstance(raw, str):
        return ""
    if "<" in raw and ">" in raw:
        text = html_to_text(raw)
    else:
        lines = (" ".join(line.split()) for line in html.unescape(raw).splitlines())
        text = "\n".join(line for line in lines if line)
    return text if len(text) >= _MIN_BODY_CHARS else ""


def _language_value(value: Any) -> str:
    """``inLanguage`` is a code, a ``Language`` object (code in ``alternateName``) or a list."""
    if isinstance(value, list):
        return _first(_language_value(item) for item in value)
    if isinstance(value, dict):
        return text_value(value.get("alternateName") or value.get("name"))
    return text_value(value)


def _references(obj: JsonObject) -> list[str]:
    refs = [obj.get("url"), obj.get("@id"), obj.get("mainEntityOfPage")]
    flat: list[str] = []
    for ref in refs:
        if isinstance(ref, dict):
            ref = ref.get("@id") or ref.get("url")
        if isinstance(ref, str):
            flat.append(ref)
    return flat


def _same_page(url: str, ref: str) -> bool:
    """Same host and path, ignoring scheme, ``www.``, query, fragment and a trailing slash."""
    a, b = urlsplit(url), urlsplit(ref)
    hosts = [(p.hostname or "").removeprefix("www.") for p in (a, b)]
    return hosts[0] == hosts[1] != "" and a.path.rstrip("/") == b.path.rstrip("/")


def _first(values: Iterable[str]) -> str:
    return next((value for value in values if value), "")
