"""Reading a sitemap's body: the one place that un-gzips it and decides whether it is whole.

A sitemap read only in part would make the releases it did not reach look "delisted", so a
body that is not a whole sitemap is refused with :class:`SitemapError` rather than read as far
as it goes: a gzip stream that ends early, one that inflates beyond :data:`MAX_SITEMAP_SIZE`
(the sitemaps protocol's own limit; also a defence against gzip bombs), a body that does not
start as a ``<urlset>`` or ``<sitemapindex>``, or one that does not end by closing it. Used by
the crawl's spider and by discovery and checks alike. :class:`DatedSitemap` reads the entries.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from lxml import etree
from scrapy.utils.sitemap import Sitemap

MAX_SITEMAP_SIZE = 50 * 2**20  # bytes, uncompressed (sitemaps.org)
_CHUNK = 2**20
_CLOSED = re.compile(rb"</(?:[\w.-]+:)?(?:urlset|sitemapindex)\s*>\s*(?:<!--.*?-->\s*)*\Z", re.DOTALL)


class DatedSitemap(Sitemap):
    """Scrapy's sitemap reader, keeping a news entry's ``<news:publication_date>`` as well.

    Scrapy keeps only an entry's direct children, so the date nested in ``<news:news>`` is
    lost; it is the release's publication date, which extraction uses when a page shows none.
    """

    __slots__ = ()

    def _process_sitemap_element(self, elem: etree._Element) -> dict[str, Any] | None:
        published = next((el.text.strip() for el in elem.iter()
                          if self._get_tag_name(el) == "publication_date" and el.text), "")
        entry = super()._process_sitemap_element(elem)  # clears elem: read the date first
        if entry is not None and published:
            entry["publication_date"] = published
        return entry


class SitemapError(ValueError):
    """The body is not a whole sitemap; the message says why, in a few words."""


def sitemap_body(body: bytes, max_size: int = MAX_SITEMAP_SIZE) -> bytes:
    """The XML of a whole sitemap or sitemap index, un-gzipped if need be."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, max_size)
    elif len(body) > max_size:
        raise SitemapError(f"larger than {max_size // 2**20} MiB")
    head = body[:2048]
    if b"<urlset" not in head and b"<sitemapindex" not in head and b":urlset" not in head:
        raise SitemapError("not a sitemap")
    if not _CLOSED.search(body[-4096:]):
        raise SitemapError("cut short: the sitemap is not closed")
    return body


def _gunzip(data: bytes, max_size: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size = 0
    try:
        part = inflater.decompress(data, _CHUNK)
        while part:
            size += len(part)
            if size > max_size:
                raise SitemapError(f"larger than {max_size // 2**20} MiB once un-gzipped")
            parts.append(part)
            part = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    except zlib.error as exc:
        raise SitemapError(f"broken gzip ({exc})") from None
    if not inflater.eof:
        raise SitemapError("cut short: the gzip stream ends early")
    return b"".join(parts)
