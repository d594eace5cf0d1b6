"""The bundled sample press room, exercised over real HTTP on 127.0.0.1 with urllib.

These tests pin down the behaviour the crawler's end-to-end tests rely on: URL layout,
robots.txt, pagination, sitemap, feed, redirect, encodings, PDF text, revision switch, request
log, and the counts documented in pressarchive/sampleroom/README.md.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pypdf
import pytest

from pressarchive.sampleroom import SamplePressRoom
from pressarchive.sampleroom.catalog import load_catalog
from pressarchive.sampleroom.site import Site

ROOT = Path(__file__).resolve().parents[1]
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
RELEASE_HREF = re.compile(r'href="([^"]*releases/\d{4}/[^"]+\.(?:html|pdf)[^"]*)"')

LANTERN_EN = "/press/releases/2019/operation-lantern-cocaine-seized-at-puerto-alcena.html"
KESTREL_EN = (
    "/press/releases/2019/operation-kestrel-international-action-against-online-child-abuse.html"
)
MERIDIAN_EN = (
    "/press/releases/2019/operation-meridian-investment-fraud-call-centres-shut-down.html"
)
LANTERN_ES_CP1252 = (
    "/press/releases/2019/operacion-lantern-cocaina-intervenida-puerto-alcena.html"
)
SALTMARSH_PDF = (
    "/press/releases/2019/operation-saltmarsh-illegal-firearms-workshop-dismantled.pdf"
)
MERIDIAN_PT_SITEMAP_ONLY = (
    "/press/releases/2019/operacao-meridian-rede-fraude-investimentos-desmantelada.html"
)
PARENTS_FEED_ONLY = "/press/releases/2019/online-safety-advice-for-parents-and-carers.html"
DRAFT = "/press/drafts/operation-nightjar-embargoed-draft.html"
MEDIA = (
    "/media/images/kestrel-coordination-centre.jpg",
    "/media/video/briefing.mp4",
    "/media/audio/statement.mp3",
    "/media/docs/evidence-pack.zip",
    "/press/releases/2019/photo-gallery.jpg",
)

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # let the test see the 301 itself


_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}),  # loopback only, whatever the environment says
    _NoRedirect(),
)


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """GET (or HEAD) ``url`` without following redirects: status, headers, body."""
    request = urllib.request.Request(url, method=method)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def text(url: str) -> str:
    status, _, body = fetch(url)
    assert status == 200, url
    return body.decode("utf-8")


def release_links(page_url: str) -> list[str]:
    """Release paths in a listing page's list of releases, resolved, without query/fragment."""
    page = text(page_url)
    start = page.index('<ul class="release-list">')
    hrefs = RELEASE_HREF.findall(page[start : page.index("</ul>", start)])
    return [urlsplit(urljoin(page_url, href)).path for href in hrefs]


@pytest.fixture(scope="module")
def room() -> Iterator[SamplePressRoom]:
    with SamplePressRoom() as running:
        yield running


@pytest.fixture()
def fresh_room() -> Iterator[SamplePressRoom]:
    with SamplePressRoom() as running:
        yield running


LISTINGS = ("/press/", "/press/?page=2", "/press/?page=3")


def test_base_url_is_loopback(room: SamplePressRoom) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", room.base_url)


def test_robots_txt(room: SamplePressRoom) -> None:
    status, headers, body = fetch(room.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /press/drafts/" in lines
    assert f"Sitemap: {room.base_url}/sitemap.xml" in lines
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(lines)
    assert not parser.can_fetch("pressarchive", room.base_url + DRAFT)
    assert parser.can_fetch("pressarchive", room.base_url + KESTREL_EN)


def test_listing_pages_paginate(room: SamplePressRoom) -> None:
    for number, path in enumerate(LISTINGS, start=1):
        page = text(room.base_url + path)
        assert len(set(release_links(room.base_url + path))) == 5
        assert f'aria-current="page">{number}<' in page
        if number < 3:
            assert f'href="/press/?page={number + 1}" rel="next">Next' in page
        else:
            assert "Next" not in page
    for bad in ("/press/?page=4", "/press/?page=0", "/press/?page=two"):
        assert fetch(room.base_url + bad)[0] == 404
    assert fetch(room.base_url + "/press/?page=1")[2] == fetch(room.base_url + "/press/")[2]


def test_listings_link_the_fifteen_listed_releases(room: SamplePressRoom) -> None:
    linked = {p for path in LISTINGS for p in release_links(room.base_url + path)}
    assert len(linked) == 15
    assert SALTMARSH_PDF in linked
    assert MERIDIAN_PT_SITEMAP_ONLY not in linked and PARENTS_FEED_ONLY not in linked
    # one listing href is document-relative: "releases/2018/..." resolved against /press/
    assert 'href="releases/2018/annual-report-2017-record-international-cooperation.html"' in text(
        room.base_url + "/press/?page=3"
    )


def test_redirect_from_old_url(room: SamplePressRoom) -> None:
    page_one = text(room.base_url + "/press/")
    assert 'href="/news/lantern-cocaine-seizure"' in page_one
    assert f'href="{LANTERN_EN}"' in page_one  # the same release, linked normally
    status, headers, _ = fetch(room.base_url + "/news/lantern-cocaine-seizure")
    assert status == 301
    assert headers["Location"] == room.base_url + LANTERN_EN
    assert fetch(room.base_url + "/press")[0] == 301


def test_fragment_and_campaign_links(room: SamplePressRoom) -> None:
    page_one = text(room.base_url + "/press/")
    assert f'href="{KESTREL_EN}#top"' in page_one
    assert f'href="{MERIDIAN_EN}?utm_campaign=x"' in page_one
    assert fetch(room.base_url + MERIDIAN_EN + "?utm_campaign=x")[2] == fetch(
        room.base_url + MERIDIAN_EN
    )[2]


def _feed_links(room: SamplePressRoom) -> list[str]:
    status, headers, body = fetch(room.base_url + "/feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(body).find("channel")
    assert channel is not None
    return [item.findtext("link") or "" for item in channel.findall("item")]


def test_feed_links_carry_tracking_parameters(room: SamplePressRoom) -> None:
    links = _feed_links(room)
    assert len(links) == 6
    for link in links:
        assert link.startswith(room.base_url + "/press/releases/")
        assert parse_qs(urlsplit(link).query) == {"utm_source": ["rss"], "utm_medium": ["feed"]}
        assert fetch(link)[0] == 200
    assert room.base_url + PARENTS_FEED_ONLY + "?utm_source=rss&utm_medium=feed" in links


def _sitemap_entries(room: SamplePressRoom) -> dict[str, str]:
    index = ET.fromstring(fetch(room.base_url + "/sitemap.xml")[2])
    locs = [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert locs == [room.base_url + "/sitemap-releases.xml"]
    urlset = ET.fromstring(fetch(room.base_url + "/sitemap-releases.xml")[2])
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS) or "": url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        or ""
        for url in urlset.findall("sm:url", SITEMAP_NS)
    }


def test_sitemap_lists_releases_with_lastmod(room: SamplePressRoom) -> None:
    entries = _sitemap_entries(room)
    assert len(entries) == 16
    for loc, lastmod in entries.items():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod)
        assert fetch(loc)[0] == 200
    assert room.base_url + MERIDIAN_PT_SITEMAP_ONLY in entries
    assert room.base_url + PARENTS_FEED_ONLY not in entries


def test_hidden_releases_are_linked_from_nowhere_else(room: SamplePressRoom) -> None:
    site = Site(room.base_url)
    for path in site.paths():
        response = site.resolve(path)
        if not response.content_type.startswith("text/html"):
            continue
        page = response.body.decode(response.content_type.rsplit("=", 1)[1])
        assert MERIDIAN_PT_SITEMAP_ONLY not in page or path == MERIDIAN_PT_SITEMAP_ONLY
        assert PARENTS_FEED_ONLY not in page or path == PARENTS_FEED_ONLY
    assert not any(MERIDIAN_PT_SITEMAP_ONLY in link for link in _feed_links(room))


def test_windows_1252_page(room: SamplePressRoom) -> None:
    status, headers, body = fetch(room.base_url + LANTERN_ES_CP1252)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert b"\x80" in body and b"\x93" in body and b"\x94" in body  # euro sign, curly quotes
    page = body.decode("cp1252")
    assert '<meta charset="windows-1252">' in page
    for word in ("Operación", "cocaína", "piñas", "850.000 €", "“Nuestros puertos"):
        assert word in page


def test_pdf_release_text_extracts(room: SamplePressRoom) -> None:
    status, headers, body = fetch(room.base_url + SALTMARSH_PDF)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")
    extracted = pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text()
    for phrase in ("Operation Saltmarsh", "Policía Federal de Ejemplo", "46 firearms", "Europol"):
        assert phrase in extracted
    assert f'href="{SALTMARSH_PDF}"' in text(room.base_url + "/press/?page=2")


def test_release_pages_have_agency_markup(room: SamplePressRoom) -> None:
    catalog = load_catalog()
    for release in catalog.releases:
        if release.format == "pdf":
            continue
        status, headers, body = fetch(room.base_url + release.path)
        assert status == 200, release.id
        page = body.decode(release.encoding)
        assert f'<html lang="{release.lang}">' in page
        assert page.count("<h1") == 1 and 'property="og:title"' in page
        assert f'<time datetime="{release.published}"' in page or (
            f'"article:published_time" content="{release.published}' in page
        )
        assert f'src="/media/images/{release.image}"' in page
        assert "cookie" in page.lower()
        assert "<button" in page or 'type="button"' in page
        assert "partner-agency.invalid" in page and "<footer" in page
        words = len(re.sub(r"<[^>]+>", " ", release.body).split())
        assert 200 <= words <= 500, (release.id, words)


def test_media_served_with_media_types(room: SamplePressRoom) -> None:
    expected = ("image/jpeg", "video/mp4", "audio/mpeg", "application/zip", "image/jpeg")
    for path, content_type in zip(MEDIA, expected, strict=True):
        status, headers, body = fetch(room.base_url + path)
        assert status == 200 and headers["Content-Type"] == content_type and body
    pages = text(room.base_url + "/press/?page=2") + text(room.base_url + KESTREL_EN)
    for path in MEDIA:
        assert f'"{path}"' in pages


def test_draft_exists_offsite_links_present(room: SamplePressRoom) -> None:
    assert fetch(room.base_url + DRAFT)[0] == 200
    assert f'href="{DRAFT}"' in text(room.base_url + "/press/?page=2")
    page_three = text(room.base_url + "/press/?page=3")
    assert 'href="http://partner-agency.invalid/' in page_three
    assert 'href="http://exampleexampleexa.onion/' in page_three


def test_no_real_external_domain_is_linked(room: SamplePressRoom) -> None:
    site = Site(room.base_url)
    allowed = re.compile(r"127\.0\.0\.1:\d+|[\w.-]+\.(invalid|onion)")
    for path in site.paths():
        response = site.resolve(path)
        if response.content_type.startswith(("text/", "application/xml", "application/rss")):
            page = re.sub(r'xmlns(:\w+)?="[^"]*"', "", response.body.decode("latin-1"))
            for host in re.findall(r"https?://([^/\"'\s<>?#]+)", page):
                assert allowed.fullmatch(host), (path, host)


def test_unknown_paths_answer_404(room: SamplePressRoom) -> None:
    for path in (
        "/nope",
        "/press/releases/2019/nope.html",
        "/media/images/nope.jpg",
        "/news/nope",
        "/press/drafts/",
    ):
        status, headers, _ = fetch(room.base_url + path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")


def test_head_request(room: SamplePressRoom) -> None:
    status, headers, body = fetch(room.base_url + KESTREL_EN, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_requests_are_logged_in_order(fresh_room: SamplePressRoom) -> None:
    targets = ["/robots.txt", "/press/?page=2", "/nope", LANTERN_EN + "?utm_source=rss"]
    for target in targets:
        fetch(fresh_room.base_url + target)
    assert fresh_room.requests == targets


def test_revision_2_changes_exactly_one_page(fresh_room: SamplePressRoom) -> None:
    def snapshot() -> dict[str, tuple[int, str, bytes]]:
        answers = {}
        for target in targets:
            status, headers, body = fetch(fresh_room.base_url + target)
            answers[target] = (status, headers["Content-Type"], body)
        return answers

    targets = Site(fresh_room.base_url).paths() + ["/news/lantern-cocaine-seizure", "/nope"]
    before = snapshot()
    fresh_room.revision = 2
    after = snapshot()
    changed = [target for target in targets if before[target] != after[target]]
    assert changed == [KESTREL_EN]
    old_page, new_page = before[KESTREL_EN][2].decode(), after[KESTREL_EN][2].decode()
    assert "38 arrests" in old_page and "41 arrests" not in old_page
    assert "41 arrests" in new_page and "38 arrests" not in new_page
    assert 'property="article:modified_time" content="2019-12-16' in new_page
    assert new_page.count("<p>") == old_page.count("<p>") + 1
    fresh_room.revision = 1
    assert fetch(fresh_room.base_url + KESTREL_EN)[2] == before[KESTREL_EN][2]
    with pytest.raises(ValueError):
        fresh_room.revision = 0


def test_profile(room: SamplePressRoom) -> None:
    profile = room.profile()
    base = room.base_url
    assert profile["name"] == "sample" and profile["country"] == "ES"
    assert profile["agency"] == "Policía Federal de Ejemplo" and profile["language"] == "es"
    assert profile["start_urls"] == [base + "/press/"]
    assert profile["allowed_domains"] == ["127.0.0.1"]
    assert profile["sitemap_urls"] == [base + "/sitemap.xml"]
    assert profile["feed_urls"] == [base + "/feed.xml"]
    assert tomllib.loads(room.profile_toml()) == profile

    def matches(kind: str, url: str) -> bool:
        return any(re.search(pattern, url) for pattern in profile[kind])

    for listing in LISTINGS:
        assert matches("follow", base + listing) and not matches("article", base + listing)
    for path in (KESTREL_EN, SALTMARSH_PDF, DRAFT, "/news/lantern-cocaine-seizure"):
        assert matches("article", base + path) and not matches("follow", base + path)
    assert not matches("follow", base + "/") and not matches("article", base + "/about.html")


def test_profile_needs_a_running_room() -> None:
    with pytest.raises(RuntimeError):
        SamplePressRoom().profile()


def _document_words() -> dict[str, tuple[str, set[str]]]:
    """Per release: language and the lower-cased words of its title and body."""
    return {
        r.id: (r.lang, set(re.findall(r"\w+", (r.title + " " + r.body).lower())))
        for r in load_catalog().releases
    }


def test_distinctive_words_documented_in_readme() -> None:
    words = _document_words()
    expectations = {
        "detenidos": ("es", {"kestrel-es", "lantern-es", "saltmarsh-es", "meridian-es"}),
        "arresti": ("it", {"kestrel-it", "lantern-it"}),
        "arrests": (
            "en",
            {"kestrel-en", "lantern-en", "saltmarsh-en", "meridian-en", "phone-scam-en",
             "annual-report-en"},
        ),
        "operación": ("es", {"kestrel-es", "lantern-es", "saltmarsh-es", "meridian-es"}),
    }
    for word, (lang, ids) in expectations.items():
        hits = {rid for rid, (_, found) in words.items() if word in found}
        assert hits == ids, word
        assert all(words[rid][0] == lang for rid in hits)


def test_operations_and_counts_documented_in_readme() -> None:
    catalog = load_catalog()
    assert len(catalog.releases) == 17 and len(catalog.drafts) == 1
    by_lang: dict[str, int] = {}
    for release in catalog.releases:
        by_lang[release.lang] = by_lang.get(release.lang, 0) + 1
    assert by_lang == {"en": 7, "es": 5, "it": 3, "fr": 1, "pt": 1}
    operations: dict[str, set[str]] = {}
    for release in catalog.releases:
        if release.operation:
            operations.setdefault(release.operation, set()).add(release.id)
            assert release.operation in release.title and release.operation in release.body
    assert operations == {
        "Kestrel": {"kestrel-en", "kestrel-es", "kestrel-it"},
        "Lantern": {"lantern-en", "lantern-es", "lantern-it"},
        "Meridian": {"meridian-en", "meridian-es", "meridian-fr", "meridian-pt"},
        "Saltmarsh": {"saltmarsh-en", "saltmarsh-es"},
    }
    names = ("Kestrel", "Lantern", "Meridian", "Saltmarsh", "Nightjar")
    for release in catalog.releases:
        mentioned = {name for name in names if name in release.title + release.body}
        assert mentioned == ({release.operation} if release.operation else set()), release.id
    readme = (ROOT / "pressarchive" / "sampleroom" / "README.md").read_text(encoding="utf-8")
    for release in catalog.releases:
        assert release.path in readme, release.id


def test_site_is_deterministic() -> None:
    first, second = Site("http://127.0.0.1:1"), Site("http://127.0.0.1:1")
    assert first.paths() == second.paths()
    assert all(first.pages[p] == second.pages[p] for p in first.paths())


def test_module_runs_standalone() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pressarchive.sampleroom", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        assert fetch(base_url + "/robots.txt")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
