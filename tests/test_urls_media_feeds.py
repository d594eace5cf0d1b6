from __future__ import annotations

from datetime import date

import pytest

from pressarchive.crawler.feeds import feed_entries
from pressarchive.crawler.media import is_allowed_content_type, is_denied_url, looks_like_media
from pressarchive.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://police.example/a.html?utm_source=rss&utm_medium=feed", "https://police.example/a.html"),
        ("https://police.example/a.html#top", "https://police.example/a.html"),
        ("HTTPS://Police.Example/a/../b?z=1&a=2&fbclid=x", "https://police.example/b?a=2&z=1"),
        ("https://www.policia.es/_es/comunicacion_prensa_detalle.php?ID=123", "https://www.policia.es/_es/comunicacion_prensa_detalle.php?ID=123"),
        # session ids and print views of one release
        ("https://p.example/press/a.html;jsessionid=0A1B2C3D4E5F", "https://p.example/press/a.html"),
        ("https://p.example/press/a.do;JSESSIONID=0A1B2C?id=7", "https://p.example/press/a.do?id=7"),
        ("https://p.example/a?sid=9f8e7d6c5b4a39281706f5e4d3c2b1a0&id=2", "https://p.example/a?id=2"),
        ("https://p.example/a?PHPSESSID=u8q4v1t0m2n3b5c6x7z8", "https://p.example/a"),
        ("https://p.example/a?id=2&sessionid=abc&print=1", "https://p.example/a?id=2"),
        ("https://p.example/a?id=2&view=print", "https://p.example/a?id=2"),
        ("https://p.example/(S(lit3py55t21z5v55vlm25s55))/release.aspx?id=4", "https://p.example/release.aspx?id=4"),
        ("HTTPS://P.EXAMPLE/Press/A.html", "https://p.example/Press/A.html"),
        # ... but not what only looks like one: a story id, a print switch that is off, other views
        ("https://p.example/modules.php?name=News&sid=1234", "https://p.example/modules.php?name=News&sid=1234"),
        ("https://p.example/a?print=0", "https://p.example/a?print=0"),
        ("https://p.example/a?view=full", "https://p.example/a?view=full"),
        # trailing slash and index.html are the site's to merge (rel=canonical), not ours
        ("https://p.example/press/a/", "https://p.example/press/a/"),
        ("https://p.example/press/a/index.html", "https://p.example/press/a/index.html"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://p.example/img/raid.JPG", "media_extension"),
        ("https://p.example/v/briefing.mp4?x=1", "media_extension"),
        ("https://p.example/d/pack.zip", "media_extension"),
        ("https://p.example/a/statement.mp3", "media_extension"),
        ("http://abcdefghijklmnop.onion/press", "onion"),
        ("https://p.example/press/release.pdf", None),
        ("https://p.example/press/feed.rss", None),
        ("https://p.example/sitemap.xml.gz", None),
        ("https://p.example/press/2019/release", None),
    ],
)
def test_denied_urls(url: str, reason: str | None) -> None:
    assert is_denied_url(url) == reason


def test_content_types_and_magic_bytes() -> None:
    assert is_allowed_content_type("text/html; charset=windows-1252")
    assert is_allowed_content_type("application/pdf")
    assert not is_allowed_content_type("image/jpeg")
    assert not is_allowed_content_type("video/mp4")
    assert not is_allowed_content_type("application/zip")
    assert looks_like_media(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    assert looks_like_media(b"\x89PNG\r\n\x1a\n")
    assert not looks_like_media(b"<!doctype html><html>")
    assert not looks_like_media(b"%PDF-1.4")
    import gzip

    assert not looks_like_media(gzip.compress(b"<html>x</html>"), "gzip")
    assert looks_like_media(gzip.compress(b"\x89PNG\r\n\x1a\n...."), "gzip")


def test_rss_and_atom_feeds() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
      <item><title>a</title><link>https://p.example/a?utm_source=rss</link>
        <pubDate>Tue, 10 Dec 2019 09:00:00 +0100</pubDate></item>
      <item><title>b</title><guid isPermaLink="true">https://p.example/b</guid></item>
    </channel></rss>"""
    assert [(e.url, e.published) for e in feed_entries(rss)] == [
        ("https://p.example/a?utm_source=rss", date(2019, 12, 10)), ("https://p.example/b", None)]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://p.example/c"/>
      <published>2017-04-18T10:00:00Z</published></entry></feed>"""
    assert [(e.url, e.published) for e in feed_entries(atom)] == [("https://p.example/c", date(2017, 4, 18))]
    assert feed_entries(b"not xml at all <<<") == []
