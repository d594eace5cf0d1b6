"""The sample site as a routing table: request target in, status + headers + bytes out.

Everything is rendered once per (base URL, revision) when the table is built, so answering a
request is a dictionary lookup and the bytes served are identical from one request to the
next. Kept apart from the HTTP server so the site can be inspected without sockets.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from pressarchive.sampleroom import feeds, media, render, traps
from pressarchive.sampleroom.catalog import SITE_DIR, Catalog, Release, load_catalog
from pressarchive.sampleroom.pdf import build_pdf
from pressarchive.sampleroom.profile import AGENCY, AGENCY_EN

PAGE_SIZE = 5
HOME_ITEMS = 3

HTML = "text/html; charset=utf-8"
CONTENT_TYPES = {"utf-8": HTML, "windows-1252": "text/html; charset=windows-1252"}


@dataclass(frozen=True, slots=True)
class Response:
    """What the server sends back for one request."""

    status: int
    content_type: str
    body: bytes
    location: str | None = None


def _release_response(release: Release, catalog: Catalog, base_url: str) -> Response:
    if release.format == "pdf":
        day = render.format_date(release.published, release.lang)
        pdf = build_pdf(
            release.title,
            release.paragraphs(),
            header=f"{AGENCY_EN} \u2014 Press release \u2014 {day}",
            author=AGENCY,
            language=release.lang,
            created=release.published,
        )
        return Response(200, "application/pdf", pdf)
    body = render.render_release(release, catalog, base_url)
    return Response(200, CONTENT_TYPES[release.encoding], body)


def _listing_pages(catalog: Catalog) -> list[tuple[Release, ...]]:
    listed = catalog.listed
    return [listed[start : start + PAGE_SIZE] for start in range(0, len(listed), PAGE_SIZE)]


class Site:
    """Every address of the sample site, for one base URL and one revision."""

    def __init__(self, base_url: str, revision: int = 1) -> None:
        self.base_url = base_url
        self.revision = revision
        index = load_catalog(1)  # listings, sitemaps and feed never change (see feeds.py)
        catalog = load_catalog(revision)
        self.listing_pages = _listing_pages(index)
        pages: dict[str, Response] = {}

        for number, releases in enumerate(self.listing_pages, start=1):
            boxes = traps.listing_boxes(number, index)
            body = render.render_listing(
                number, len(self.listing_pages), releases, boxes, base_url
            )
            pages[render.page_href(number)] = Response(200, HTML, body)
        pages["/"] = Response(200, HTML, render.render_home(index.listed[:HOME_ITEMS], base_url))
        for release in catalog.releases + catalog.drafts:
            pages[release.path] = _release_response(release, catalog, base_url)
        self.redirects = {
            r.old_path: f"{base_url}{r.path}" for r in catalog.releases if r.old_path
        }

        text, xml = "text/plain; charset=utf-8", "application/xml; charset=utf-8"
        rss = "application/rss+xml; charset=utf-8"
        pages["/robots.txt"] = Response(200, text, feeds.robots_txt(base_url))
        pages["/sitemap.xml"] = Response(200, xml, feeds.sitemap_index(index, base_url))
        pages["/sitemap-releases.xml"] = Response(200, xml, feeds.sitemap_releases(index, base_url))
        pages["/feed.xml"] = Response(200, rss, feeds.rss_feed(index, base_url))

        with open(SITE_DIR / "pages.toml", "rb") as handle:
            for path, page in tomllib.load(handle).items():
                body = render.render_page(page["title"], page["body"], base_url)
                pages[path] = Response(200, HTML, body)
        css = (SITE_DIR / "static" / "site.css").read_bytes()
        pages["/static/site.css"] = Response(200, "text/css; charset=utf-8", css)
        for path in media.media_paths(catalog):
            pages[path] = Response(200, *media.media_file(path))

        self.pages = pages
        sorry = ["The page you requested does not exist or has been moved."]
        self.not_found = Response(404, HTML, render.render_page("Page not found", sorry, base_url))

    def resolve(self, target: str) -> Response:
        """The response for a request target such as ``/press/?page=2``."""
        parts = urlsplit(target)
        path = parts.path
        if path == "/press":
            return Response(301, HTML, b"", location=f"{self.base_url}/press/")
        if path in self.redirects:
            return Response(301, HTML, b"", location=self.redirects[path])
        if path == "/press/":
            values = parse_qs(parts.query).get("page", ["1"])
            number = int(values[0]) if values[0].isdigit() else 0
            if not 1 <= number <= len(self.listing_pages):
                return self.not_found
            return self.pages[render.page_href(number)]
        return self.pages.get(path, self.not_found)

    def paths(self) -> list[str]:
        """Every address that answers 200, listing pages with their query string."""
        return sorted(self.pages)
