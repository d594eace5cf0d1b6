"""Reading one HTML page for what discovery needs: title, language, feeds, pagination, links.

Links are split into *content* links and *chrome* links (inside ``nav``, ``header``,
``footer``): a press room repeats its menus on every page, and letting menu links vote in the
release-pattern inference would turn "About us" into a press release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from pressarchive.crawler.media import is_denied_url
from pressarchive.discovery.survey import PageFacts
from pressarchive.urls import canonical_url, is_http_url

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")

#: Words of a "next page" link in the languages the archive covers (lower case, arrows removed).
NEXT_WORDS = frozenset({
    "next", "next page", "older", "older posts", "older entries",
    "siguiente", "siguientes", "página siguiente", "pagina siguiente",
    "suivant", "suivante", "page suivante",
    "avanti", "successivo", "successiva", "pagina successiva", "prossima",
    "weiter", "nächste", "nächste seite",
    "próxima", "proxima", "próximo", "seguinte", "página seguinte",
    "volgende", "volgende pagina", "następna",
})
_ARROWS = "»›>→⟩ \u00a0"

PAGE_QUERY = re.compile(
    r"[?&](page|paged|pg|pag|pagina|seite|pageno|page_no|pagenum|currentpage|start|offset|from)=\d+",
    re.IGNORECASE,
)
PAGE_PATH = re.compile(r"/(page|pagina|seite|pag)/\d+/?$", re.IGNORECASE)
FEED_PATH = re.compile(
    r"(^|/)(feed|rss|atom)(/|\.xml|\.rss)?$|\.(rss|atom)$|(rss|feed|atom)[-\w.]*\.xml$",
    re.IGNORECASE,
)
FEED_QUERY = re.compile(r"(^|&)(format|type|feed|output)=(rss|atom|feed)", re.IGNORECASE)
SITEMAP_PATH = re.compile(r"sitemap[^/]*\.xml(\.gz)?$", re.IGNORECASE)

#: Words that name a press room or news section in a menu link, strongest first.
PRESS_WORDS = (
    "newsroom", "press", "prensa", "presse", "stampa", "imprensa", "pers", "comunicados",
    "comunicati", "communiques", "communiqués", "pressemitteilungen", "noticias", "notizie",
    "nouvelles", "actualites", "actualités", "actualidad", "aktuelles", "nieuws", "news",
)

_CHROME = (
    "ancestor::nav or ancestor::header or ancestor::footer"
    " or ancestor::*[@role='navigation' or @role='banner' or @role='contentinfo']"
)
_REL_NEXT = (
    "//link[@rel='next']/@href"
    " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
)
_CONTENT_LANGUAGE = (
    "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')='content-language']/@content"
)


def read_page(url: str, html: str, status: int = 200) -> PageFacts:
    """The facts of the HTML page ``html`` served at ``url``."""
    selector = Selector(text=html or "<html></html>")
    base = urljoin(url, selector.xpath("//base/@href").get(default="").strip())
    facts = PageFacts(url=canonical_url(url), status=status)
    facts.title = _clean(" ".join(selector.xpath("//title//text()").getall()))
    facts.language = _language(selector)
    facts.site_name = _clean(selector.xpath("//meta[@property='og:site_name']/@content").get(default=""))
    facts.feed_links = _unique(
        _absolute(base, href)
        for href in selector.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"
                                   f"[{' or '.join(f'@type={t!r}' for t in FEED_TYPES)}]/@href").getall()
    )
    _read_anchors(selector, base, facts)
    return facts


def _read_anchors(selector: Selector, base: str, facts: PageFacts) -> None:
    next_rel = selector.xpath(_REL_NEXT).get()
    if next_rel:
        facts.next_url, facts.next_how = _absolute(base, next_rel), 'rel="next"'
    feeds, sitemaps, pages, content, chrome, press = [], [], [], [], [], []
    for anchor in selector.xpath("//a[@href]"):
        url = _absolute(base, anchor.attrib["href"])
        if not url or is_denied_url(url):
            continue
        text = _clean(" ".join(anchor.xpath(".//text()").getall())).lower()
        path, query = urlsplit(url).path, urlsplit(url).query
        if FEED_PATH.search(path) or FEED_QUERY.search(query):
            feeds.append(url)
        elif SITEMAP_PATH.search(path):
            sitemaps.append(url)
        elif _is_pagination(url, text, anchor):
            pages.append(url)
            if not facts.next_url and _is_next(text, anchor):
                facts.next_url, facts.next_how = url, f"link {text.strip(_ARROWS) or 'next'!r}"
        elif anchor.xpath(f"boolean({_CHROME})").get() == "1":
            chrome.append(url)
        else:
            content.append(url)
        if _press_score(url, text):
            press.append(url)
    facts.feed_links = _unique(facts.feed_links + feeds)
    facts.sitemap_links = _unique(sitemaps)
    facts.pagination_links = _unique(pages + [facts.next_url])  # a <link rel=next> counts too
    facts.content_links = _unique(content)
    facts.chrome_links = _unique(chrome)
    facts.pressroom_links = sorted(_unique(press), key=lambda u: (-_press_score(u, ""), len(u)))


def _is_pagination(url: str, text: str, anchor: Selector) -> bool:
    parts = urlsplit(url)
    numbered = bool(PAGE_QUERY.search("?" + parts.query) or PAGE_PATH.search(parts.path))
    return numbered or _is_next(text, anchor)


def _is_next(text: str, anchor: Selector) -> bool:
    words = text.strip(_ARROWS).strip()
    if words in NEXT_WORDS or (not words and text.strip(" \u00a0") in ("»", "›", ">", ">>", "→")):
        return True
    classes = " ".join(anchor.xpath("@class | parent::*/@class | @aria-label").getall()).lower()
    return bool(re.search(r"(^|[\s_-])next($|[\s_-])|pager-next|siguiente|suivant", classes))


def _press_score(url: str, text: str) -> int:
    """How strongly a shallow link looks like the press room (0: not at all)."""
    path = urlsplit(url).path.lower()
    if len([segment for segment in path.split("/") if segment]) > 2:
        return 0
    score = 0
    for rank, word in enumerate(PRESS_WORDS):
        weight = len(PRESS_WORDS) - rank
        if word in path:
            score = max(score, 2 * weight)
        elif word in text:
            score = max(score, weight)
    return score


def _language(selector: Selector) -> str:
    raw = (selector.xpath("/html/@lang").get() or selector.xpath("/html/@xml:lang").get()
           or selector.xpath(_CONTENT_LANGUAGE).get()
           or "")
    return re.split(r"[-_,;\s]", raw.strip().lower() or "-")[0]


def _absolute(base: str, href: str) -> str:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return ""
    url = urljoin(base, href)
    return canonical_url(url) if is_http_url(url) else ""


def _clean(text: str) -> str:
    """Collapse whitespace and drop control characters (page text ends up in a terminal)."""
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return re.sub(r"\s+", " ", text).strip()


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(url for url in urls if url))
