"""A press room on 127.0.0.1 whose pages, feeds and sitemaps are built to hurt a crawler.

``tests/test_hostile_inputs.py`` crawls it once; each path below is one entry of the
catalogue there:

| path | what it is |
|---|---|
| ``/press/`` | the listing: links every ``/releases/...`` page |
| ``/releases/plain`` | the control release (must be archived) |
| ``/releases/many-links`` | a release with :data:`MANY_LINKS` links to pages nobody may fetch |
| ``/releases/nested`` | a release whose text sits :data:`NESTING` ``<div>`` elements deep |
| ``/releases/loop.pdf`` | a hand-made PDF whose page tree and outline refer to themselves |
| ``/releases/control-chars`` | a release with ESC sequences, BEL and C1 controls in title and text |
| ``/feed-bomb.xml``, ``/sitemap-bomb.xml`` | "billion laughs": nested entities, 10**9 ``lol`` |
| ``/feed-xxe.xml``, ``/sitemap-xxe.xml`` | external entities naming ``file:///etc/passwd`` and
  ``/xxe-probe`` on this server (a request for it means an entity was resolved) |
| ``/releases/deep.pdf`` | a PDF with an array nested :data:`PDF_NESTING` deep (pypdf recurses) |
| :data:`DISGUISED_MEDIA` | media in disguise: an MP4 as ``text/html``, a JPEG behind raw
  deflate, a JPEG with no Content-Type, an empty ZIP, PNGs behind ``zstd`` and ``br``, and a
  ``.xml.gz`` "sitemap" holding a JPEG |
| ``/releases/bounce`` | 503 ``Retry-After: 0`` once, then a 302 to ``localhost`` (another
  host to the crawler, the same server): :data:`OFFSITE_WORD` must not be archived |

Every request target is recorded in :attr:`HostileInputsSite.requests`, and its Host header in
:attr:`HostileInputsSite.hosts`.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import brotli
import zstandard

MANY_LINKS = 10_000
NESTING = 100_000
#: Words that show a release was archived, by path.
RELEASE_WORDS = {
    "/releases/plain": "Quillwort",
    "/releases/many-links": "Rushgrass",
    "/releases/nested": "Sedgewarbler",
    "/releases/control-chars": "Tansyleaf",
}
#: The release the off-site redirect leads to; found in the archive, it would prove a leak.
OFFSITE_WORD = "Wolfsbane"
PDF_NESTING = 5_000

#: Starts of real files, padded: what each disguised path serves once decoded.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 600
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + b"\x00" * 600
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00\x00\x00\x08free" + b"\x00" * 600
EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18
#: Path -> (Content-Type or None for none at all, Content-Encoding, decoded body).
DISGUISED_MEDIA: dict[str, tuple[str | None, str, bytes]] = {
    "/releases/mp4-as-html": ("text/html; charset=utf-8", "", MP4),
    "/releases/jpeg-raw-deflate": ("text/html; charset=utf-8", "deflate", JPEG),
    "/releases/jpeg-untyped": (None, "", JPEG),
    "/releases/empty-zip": ("text/html", "", EMPTY_ZIP),
    "/releases/png-zstd": ("text/html", "zstd", PNG),
    "/releases/png-br": ("text/html", "br", PNG),
    "/sitemap-jpeg.xml.gz": ("application/gzip", "", JPEG),
}

#: The ESC, BEL and C1 (CSI) characters hidden in the control-chars release.
CONTROL_CHARS = ("\x1b", "\x07", "\x9b", "\x00")

LAUGHS = "".join(
    f'  <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">\n' for n in range(1, 10)
)
DOCTYPE_BOMB = f'<!DOCTYPE bomb [\n  <!ENTITY lol0 "lol">\n{LAUGHS}]>\n'


def _doctype_xxe(base: str) -> str:
    return (
        '<!DOCTYPE x [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        f'  <!ENTITY probe SYSTEM "{base}/xxe-probe">\n]>\n'
    )


def release_html(title: str, word: str, extra: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><time datetime=2020-03-04>4 March 2020</time>"
        f"<p>Police officers arrested eleven suspects in Operation {word} after a long inquiry "
        "into cross-border fraud, seizing documents and cash from several addresses.</p>"
        f"{extra}</article></body></html>"
    )


def many_links_html() -> str:
    links = "".join(f'<a href="/nowhere/{n}">link {n}</a> ' for n in range(MANY_LINKS))
    return release_html("Operation Rushgrass: one page, ten thousand links", "Rushgrass", f"<p>{links}</p>")


def nested_html() -> str:
    body = "<div>" * NESTING + release_html("Operation Sedgewarbler", "Sedgewarbler") + "</div>" * NESTING
    return body


def control_chars_html() -> str:
    title = "Operation \x1b[2J\x1b]0;pwned\x07Tansyleaf \x9b31m red \x1b[0m"
    extra = "<p>Hidden \x1b[8m concealed \x1b[28m text, a bell \x07, a NUL \x00 and a C1 \x9b0m sequence.</p>"
    return release_html(title, "Tansyleaf", extra)


def loop_pdf() -> bytes:
    """A PDF whose /Pages node is its own kid and whose outline item is its own next."""
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 3 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
        b"<< /Type /Outlines /First 4 0 R /Last 4 0 R /Count 1 >>",
        b"<< /Title (loop) /Parent 3 0 R /Next 4 0 R /Prev 4 0 R >>",
    ])


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of these numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def deep_pdf() -> bytes:
    """A one-page PDF whose page holds an array nested :data:`PDF_NESTING` deep."""
    nested = b"[" * PDF_NESTING + b"]" * PDF_NESTING
    return pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots " + nested + b" >>"])


def encoded(coding: str, body: bytes) -> bytes:
    """``body`` as a server sends it with this Content-Encoding (deflate: raw, no zlib wrapper)."""
    if coding == "deflate":
        squeezer = zlib.compressobj(wbits=-15)
        return squeezer.compress(body) + squeezer.flush()
    if coding == "zstd":
        return zstandard.ZstdCompressor().compress(body)
    if coding == "br":
        return bytes(brotli.compress(body))
    return body


def feed(doctype: str, title: str, links: list[str]) -> str:
    items = "".join(f"<item><title>{title}</title><link>{link}</link></item>" for link in links)
    return f'<?xml version="1.0"?>\n{doctype}<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


def sitemap(doctype: str, locs: list[str]) -> str:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (f'<?xml version="1.0"?>\n{doctype}'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')


Headers = dict[str, str]


class HostileInputsSite:
    """The site above in a thread on 127.0.0.1; use as a context manager."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.hosts: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib naming
                site.requests.append(self.path)
                site.hosts.append(self.headers.get("Host", ""))
                status, headers, body = site.answer(self.path)
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HostileInputsSite:
        self.pages = self._pages()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str) -> tuple[int, Headers, bytes]:
        if path == "/releases/bounce":
            return self._bounce()
        found = self.pages.get(path)
        if found is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        headers, body = found
        return 200, headers, body

    def _bounce(self) -> tuple[int, Headers, bytes]:
        """A retry makes Scrapy's own offsite check look away; the redirect then leaves the site."""
        if self.requests.count("/releases/bounce") == 1:
            return 503, {"Content-Type": "text/plain", "Retry-After": "0"}, b"busy"
        return 302, {"Location": f"http://localhost:{self.port}/releases/elsewhere"}, b""

    def _pages(self) -> dict[str, tuple[Headers, bytes]]:
        base, html, xml = self.base, "text/html; charset=utf-8", "application/xml"
        releases = [*RELEASE_WORDS, "/releases/loop.pdf", "/releases/deep.pdf", "/releases/bounce",
                    *(path for path in DISGUISED_MEDIA if path.startswith("/releases/"))]
        listing = "".join(f'<li><a href="{path}">{path}</a></li>' for path in releases)
        xxe = _doctype_xxe(base)
        pages = {
            "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
            "/press/": (html, f"<html><body><h1>Press</h1><ul>{listing}</ul></body></html>".encode()),
            "/releases/plain": (html, release_html("Operation Quillwort", "Quillwort").encode()),
            "/releases/many-links": (html, many_links_html().encode()),
            "/releases/nested": (html, nested_html().encode()),
            "/releases/control-chars": (html, control_chars_html().encode()),
            "/releases/loop.pdf": ("application/pdf", loop_pdf()),
            "/releases/deep.pdf": ("application/pdf", deep_pdf()),
            "/releases/elsewhere": (html, release_html("Operation Wolfsbane: not ours", OFFSITE_WORD).encode()),
            "/feed-bomb.xml": ("application/rss+xml",
                               feed(DOCTYPE_BOMB, "&lol9;", [f"{base}/releases/plain"]).encode()),
            "/feed-xxe.xml": ("application/rss+xml", feed(xxe, "&xxe;&probe;", [f"{base}/releases/x-&xxe;"]).encode()),
            "/sitemap-bomb.xml": (xml, sitemap(DOCTYPE_BOMB, [f"{base}/releases/plain?&lol9;"]).encode()),
            "/sitemap-xxe.xml": (xml, sitemap(xxe, [f"{base}/releases/y-&xxe;&probe;"]).encode()),
        }
        served = {path: ({"Content-Type": content_type}, body) for path, (content_type, body) in pages.items()}
        for path, (content_type, coding, body) in DISGUISED_MEDIA.items():
            headers = {"Content-Type": content_type} if content_type else {}
            if coding:
                headers["Content-Encoding"] = coding
            # A gzip file (not a Content-Encoding): what a .xml.gz sitemap is.
            served[path] = headers, gzip.compress(body, mtime=0) if path.endswith(".gz") else encoded(coding, body)
        return served

    def profile_toml(self) -> str:
        base = self.base
        return (
            'name = "hostile"\ncountry = "ES"\nlanguage = "en"\n'
            f'start_urls = ["{base}/press/"]\n'
            f'feed_urls = ["{base}/feed-bomb.xml", "{base}/feed-xxe.xml"]\n'
            f'sitemap_urls = ["{base}/sitemap-bomb.xml", "{base}/sitemap-xxe.xml", "{base}/sitemap-jpeg.xml.gz"]\n'
            "follow = ['/press/$']\narticle = ['/releases/']\n"
        )
