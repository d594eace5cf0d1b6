"""The machine-readable entry points of the sample site: robots.txt, sitemaps and RSS feed.

They are generated from the same catalogue as the pages, always at revision 1: the correction
published at revision 2 changes one page only, as when a CMS edits a page in place without
regenerating its indexes. Dates in the feed are fixed at 09:00 Central European Time so the
output is deterministic.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from pressarchive.sampleroom.catalog import Catalog
from pressarchive.sampleroom.profile import SITE
from pressarchive.sampleroom.render import environment
from pressarchive.sampleroom.traps import FEED_QUERY

FEED_SIZE = 6
_CET = timezone(timedelta(hours=1))


def robots_txt(base_url: str) -> bytes:
    return environment().get_template("robots.txt").render(site=SITE, base=base_url).encode()


def sitemap_index(catalog: Catalog, base_url: str) -> bytes:
    """The sitemap index at /sitemap.xml, pointing at the releases sitemap."""
    lastmod = max(r.published for r in catalog.in_sitemap).isoformat()
    template = environment().get_template("sitemap_index.xml")
    return template.render(base=base_url, lastmod=lastmod).encode("utf-8")


def sitemap_releases(catalog: Catalog, base_url: str) -> bytes:
    """The urlset at /sitemap-releases.xml: every release except the feed-only one."""
    template = environment().get_template("sitemap_releases.xml")
    return template.render(base=base_url, releases=catalog.in_sitemap).encode("utf-8")


def rss_feed(catalog: Catalog, base_url: str) -> bytes:
    """RSS 2.0 feed of the latest releases; item links carry tracking parameters."""
    latest = catalog.in_feed[:FEED_SIZE]
    items = [
        {
            "title": r.title,
            "link": f"{base_url}{r.path}?{FEED_QUERY}",
            "guid": f"pfe-press-{r.id}",
            "pub_date": format_datetime(datetime(*r.published.timetuple()[:3], 9, tzinfo=_CET)),
            "lang": r.lang,
            "section": r.section,
            "teaser": r.teaser,
        }
        for r in latest
    ]
    template = environment().get_template("feed.xml")
    build_date = items[0]["pub_date"]
    return template.render(site=SITE, base=base_url, items=items, build_date=build_date).encode()
