"""A tiny press room on 127.0.0.1 whose releases can be edited, delisted or taken down mid-test.

Listing pages link releases newest first, five a page, with only a "next" link, each entry
dated with ``<time>``; no ETags, so recrawls must fetch pages to see changes. With
``sitemap_lastmod`` set, ``/sitemap.xml`` lists every listed release with that one ``lastmod``
whatever is edited later: the sitemap of an agency that never updates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tests.loopback import pages_handler, serve

PAGE = 5


@dataclass
class Release:
    slug: str
    title: str
    text: str
    published: date
    listed: bool = True
    status: int = 200


@dataclass
class MutableSite:
    releases: dict[str, Release] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""
    sitemap_lastmod: date | None = None

    def add(self, slug: str, title: str, text: str, published: date) -> None:
        self.releases[slug] = Release(slug, title, text, published)

    def profile_toml(self, name: str = "mutable") -> str:
        return (
            f'name = "{name}"\nlanguage = "en"\ncountry = "GB"\n'
            f'start_urls = ["{self.base_url}/news/"]\nallowed_domains = ["127.0.0.1"]\n'
            "follow = ['/news/\\?page=\\d+$']\narticle = ['/news/releases/[a-z0-9-]+$']\n"
            + (f'sitemap_urls = ["{self.base_url}/sitemap.xml"]\n' if self.sitemap_lastmod else "")
        )

    def page(self, target: str) -> tuple[int, str]:
        self.requests.append(target)
        if target.startswith("/news/releases/"):
            release = self.releases.get(target.rsplit("/", 1)[1])
            if release is None or release.status != 200:
                return (release.status if release else 404), "<html><body>Not found</body></html>"
            return 200, _release_html(release)
        if target == "/news/" or target.startswith("/news/?page="):
            number = int(target.split("=", 1)[1]) if "=" in target else 1
            return 200, self._listing(number)
        if target == "/sitemap.xml" and self.sitemap_lastmod:
            return 200, self._sitemap()
        return (200, "User-agent: *\n") if target == "/robots.txt" else (404, "not found")

    def _sitemap(self) -> str:
        entries = "".join(f"<url><loc>{self.base_url}/news/releases/{r.slug}</loc>"
                          f"<lastmod>{self.sitemap_lastmod}</lastmod></url>"
                          for r in self.releases.values() if r.listed)
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'

    def _listing(self, number: int) -> str:
        listed = sorted((r for r in self.releases.values() if r.listed), key=lambda r: r.published, reverse=True)
        chunk = listed[(number - 1) * PAGE : number * PAGE]
        items = "".join(
            f'<li><time datetime="{r.published}">{r.published}</time> '
            f'<a href="/news/releases/{r.slug}">{r.title}</a></li>' for r in chunk
        )
        more = f'<a rel="next" href="/news/?page={number + 1}">Next</a>' if len(listed) > number * PAGE else ""
        return f"<html><body><h1>News</h1><ul>{items}</ul>{more}</body></html>"

    def __enter__(self) -> MutableSite:
        self._serving = serve(pages_handler(self._answer))
        self.base_url = self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(None, None, None)

    def _answer(self, path: str) -> tuple[int, str, bytes]:
        status, body = self.page(path)
        kind = {"/robots.txt": "text/plain", "/sitemap.xml": "application/xml"}.get(path, "text/html; charset=utf-8")
        return status, kind, body.encode()


def _release_html(release: Release) -> str:
    paragraphs = "".join(f"<p>{release.text} Paragraph {i} of the statement gives further detail on the "
                         f"investigation, the suspects and the cooperation between police forces.</p>"
                         for i in range(1, 5))
    return (
        f'<html lang="en"><head><title>{release.title}</title></head><body><nav><a href="/news/">News</a></nav>'
        f'<article><h1>{release.title}</h1><time datetime="{release.published}">{release.published}</time>'
        f"{paragraphs}</article><footer>Example Constabulary</footer></body></html>"
    )
