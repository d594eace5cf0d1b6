"""``page_links``: where a listing's anchors point, as the spider routes them."""

from __future__ import annotations

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from pressarchive.crawler.links import page_links

LISTING = """<html><head><title>Press</title></head><body>
  <a href="/press/releases/a.html">A</a>
  <a href=" /press/releases/b.html ">B, spaced</a>
  <a href="/press/releases/a.html">A again</a>
  <a href="releases/c.html">C, relative</a>
  <a href="https://other.example/x">off-site, kept for the spider to refuse</a>
  <map><area href="/press/releases/d.html"></map>
  <a href="mailto:press@example.org">mail</a>
  <a href="javascript:void(0)">js</a>
  <a href="ftp://example.org/file">ftp</a>
  <a href="">empty</a><a>no href</a><a href="   ">blank</a>
  <a href="http://[x/broken">broken</a>
  <a href="/press/r%C3%A9sum%C3%A9.html">encoded</a>
</body></html>"""


def test_links_in_order_once_joined_and_http_only() -> None:
    response = HtmlResponse("http://127.0.0.1:9/press/", body=LISTING.encode(), encoding="utf-8")
    assert page_links(response) == [
        "http://127.0.0.1:9/press/releases/a.html",
        "http://127.0.0.1:9/press/releases/b.html",
        "http://127.0.0.1:9/press/releases/c.html",
        "https://other.example/x",
        "http://127.0.0.1:9/press/releases/d.html",
        "http://127.0.0.1:9/press/r%C3%A9sum%C3%A9.html",
    ]


def test_base_href_is_honoured() -> None:
    body = (b'<html><head><base href="http://127.0.0.1:9/archive/2019/"></head>'
            b'<body><a href="x.html">x</a></body></html>')
    response = HtmlResponse("http://127.0.0.1:9/press/", body=body, encoding="utf-8")
    assert page_links(response) == ["http://127.0.0.1:9/archive/2019/x.html"]


def test_same_http_links_as_scrapys_link_extractor() -> None:
    """It replaced ``LinkExtractor`` in the spider: the same pages give the same http(s) links.

    Except a blank href: Scrapy takes it for the page itself, which is already being read.
    """
    response = HtmlResponse("http://127.0.0.1:9/press/", body=LISTING.encode(), encoding="utf-8")
    scrapy_links = {link.url for link in LinkExtractor(deny_extensions=[]).extract_links(response)
                    if link.url.startswith("http")}
    assert set(page_links(response)) == scrapy_links - {response.url}
