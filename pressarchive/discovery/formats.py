"""Reading sitemaps, robots.txt and feed headers for discovery and checks, without network access.

A site's sitemap index can list hundreds of child sitemaps; discovery and checks only need
a sample, so :func:`sample_children` picks the few most likely to hold press releases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from pressarchive.crawler.sitemaps import SitemapError, sitemap_body

MAX_LOCS = 5000
_NEWSY = re.compile(
    r"news|press|prensa|presse|stampa|release|comunicad|comunicat|communiq|noticia|notizi|"
    r"nouvelle|actualit|nieuws|post|article|articol|artigo",
    re.IGNORECASE,
)


@dataclass
class ParsedSitemap:
    """``kind`` is ``urlset`` or ``sitemapindex``, or empty when the body is not a sitemap."""

    kind: str = ""
    locs: list[str] = field(default_factory=list)
    lastmods: dict[str, str] = field(default_factory=dict)
    total: int = 0


def parse_sitemap(body: bytes) -> ParsedSitemap:
    """The locations a whole sitemap or sitemap index lists (at most ``MAX_LOCS`` kept)."""
    try:
        body = sitemap_body(body)
    except SitemapError:
        return ParsedSitemap()
    parsed = ParsedSitemap()
    try:
        sitemap = Sitemap(body)
        parsed.kind = sitemap.type
        for entry in sitemap:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            parsed.total += 1
            if len(parsed.locs) < MAX_LOCS:
                parsed.locs.append(loc)
                if entry.get("lastmod"):
                    parsed.lastmods[loc] = entry["lastmod"]
    except (etree.XMLSyntaxError, StopIteration, ValueError):
        return ParsedSitemap()
    return parsed if parsed.kind in ("urlset", "sitemapindex") else ParsedSitemap()


def sample_children(index: ParsedSitemap, count: int) -> list[str]:
    """Up to ``count`` child sitemaps of an index: news-like names first, then the newest."""
    newest_first = sorted(index.locs, key=lambda loc: index.lastmods.get(loc, ""), reverse=True)
    return sorted(newest_first, key=lambda loc: 0 if _NEWSY.search(loc) else 1)[:count]


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt, as absolute URLs."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=base_url)))


def feed_kind(body: bytes) -> str:
    """``rss`` or ``atom`` when the body starts like a feed, else ``""``."""
    head = body[:4096]
    if b"<feed" in head:
        return "atom"
    return "rss" if b"<rss" in head or b"<rdf:RDF" in head else ""
