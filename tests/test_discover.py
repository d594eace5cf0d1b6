"""``pressarchive discover``: page reading and pattern inference offline, then the whole command
on the sample press room over loopback, ending with a crawl of the draft it writes.

The sample room's contents (17 releases, a feed, a sitemap index named in robots.txt, three
listing pages, a robots-disallowed draft) are documented in pressarchive/sampleroom/README.md.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from pressarchive.discovery.draft import Draft, country_from_host, draft_name, toml_value
from pressarchive.discovery.formats import parse_sitemap, sample_children
from pressarchive.discovery.html import read_page
from pressarchive.discovery.patterns import gather_evidence, infer_article, infer_follow, shape_of, slug_like
from pressarchive.discovery.run import probe_settings
from pressarchive.errors import UserError
from pressarchive.profiles import load_profile
from pressarchive.sampleroom import SamplePressRoom
from tests.conftest import CLI

RELEASES = 17


# -- reading a page ---------------------------------------------------------------------------

LISTING = """<!DOCTYPE html><html lang="es-ES"><head><title> Notas de
prensa \x1b[31m| Policía </title>
<link rel="alternate" type="application/rss+xml" href="/rss/notas.xml">
<link rel="stylesheet" href="/site.css"></head><body>
<header><nav><a href="/">Inicio</a><a href="/sala-de-prensa/">Sala de prensa</a></nav></header>
<main><ul>
<li><a href="/notas/2024/operacion-alfa-desarticulada-red-de-narcotrafico.html">Operación Alfa</a></li>
<li><a href="/notas/2024/operacion-beta-detenidos-por-estafa-telefonica.html?utm_source=x">Beta</a></li>
<li><a href="/media/foto.jpg">foto</a></li>
</ul>
<div class="pager"><a href="?pagina=2">2</a><a href="?pagina=3">3</a><a href="?pagina=2">Siguiente &raquo;</a></div>
</main><footer><a href="/aviso-legal">Aviso legal</a><a href="/sitemap.xml">Mapa web</a></footer>
</body></html>"""


def test_read_page_finds_title_language_feeds_pagination_and_content() -> None:
    facts = read_page("https://www.policia.example/notas/", LISTING)
    assert facts.title == "Notas de prensa [31m| Policía"  # whitespace collapsed, ESC removed
    assert facts.language == "es"
    assert facts.feed_links == ["https://www.policia.example/rss/notas.xml"]
    assert facts.sitemap_links == ["https://www.policia.example/sitemap.xml"]
    assert facts.next_url == "https://www.policia.example/notas/?pagina=2"
    assert "siguiente" in facts.next_how
    assert facts.pagination_links == ["https://www.policia.example/notas/?pagina=2",
                                      "https://www.policia.example/notas/?pagina=3"]
    assert facts.content_links == [
        "https://www.policia.example/notas/2024/operacion-alfa-desarticulada-red-de-narcotrafico.html",
        "https://www.policia.example/notas/2024/operacion-beta-detenidos-por-estafa-telefonica.html",
    ]  # tracking parameter dropped, media link never considered, menu and footer kept apart
    assert "https://www.policia.example/aviso-legal" in facts.chrome_links


@pytest.mark.parametrize("anchor", [
    '<a href="/n/?page=2">Next ›</a>', '<a href="/n/?page=2">suivant</a>', '<a href="/n/?page=2">Avanti</a>',
    '<a href="/n/?page=2">Weiter</a>', '<a href="/n/?page=2">Próxima</a>', '<a rel="next" href="/n/?page=2">»</a>',
    '<li class="pager__item--next"><a href="/n/?page=2">›</a></li>',
])
def test_next_link_in_many_languages(anchor: str) -> None:
    facts = read_page("https://x.example/n/", f"<html><body>{anchor}</body></html>")
    assert facts.next_url == "https://x.example/n/?page=2"


def test_home_page_press_room_link() -> None:
    html = ('<html><body><nav><a href="/about/">About</a><a href="/sala-de-prensa/">Sala de prensa</a>'
            '<a href="/press/releases/2019/a-very-long-release-slug.html">x</a></nav></body></html>')
    assert read_page("https://x.example/", html).pressroom_links[0] == "https://x.example/sala-de-prensa/"


# -- inferring patterns -----------------------------------------------------------------------

def _infer(listing: list[str], feed: list[str] = (), sitemap: list[str] = (), host: str = "x.example") -> list[str]:  # type: ignore[assignment]
    evidence = gather_evidence(hosts=[host], listing_pages=[listing], feed_items=feed, sitemap_locs=sitemap)
    return infer_article(evidence).article


def test_article_slug_pattern_like_europol() -> None:
    base = "https://www.europol.europa.eu"
    listing = [f"{base}/media-press/newsroom/news/{slug}" for slug in (
        "global-operation-takes-down-botnet-used-in-ransomware-attacks",
        "38-arrests-in-international-operation-against-child-abuse",
        "drug-trafficking-network-dismantled-in-spain-and-portugal",
    )] + [f"{base}/about-europol", f"{base}/careers-procurement"]
    assert _infer(listing, host="www.europol.europa.eu") == ["/media-press/newsroom/news/[^/?#]+$"]


def test_article_id_pattern_like_policia_nacional() -> None:
    base = "https://www.policia.es/_es/"
    listing = [f"{base}comunicacion_prensa_detalle.php?ID={n}" for n in (17621, 17620, 17618, 17611)]
    listing += [f"{base}comunicacion_salaprensa.php", f"{base}tuseguridad.php"]
    [pattern] = _infer(listing, host="www.policia.es")
    assert pattern == r"/_es/comunicacion_prensa_detalle\.php\?ID=\d+(&|$)"
    assert re.search(pattern, f"{base}comunicacion_prensa_detalle.php?ID=9")
    assert not re.search(pattern, f"{base}comunicacion_prensa_detalle.php?ID=9x")


def test_article_years_numbers_and_folders_generalise() -> None:
    listing = [f"https://x.example/news/{section}/{year}/{slug}-operation-against-fraud-ring"
               for section, year, slug in (("crime", 2023, "a"), ("cyber", 2024, "b"), ("drugs", 2022, "c"))]
    [pattern] = _infer(listing)
    assert pattern == r"/news/[^/]+/\d{4}/[^/?#]+$"
    assert _infer([f"https://x.example/news/{n}" for n in (1234, 1240, 1255)]) == [r"/news/\d+$"]


def test_article_top_level_slugs_are_anchored_and_feeds_outvote_menus() -> None:
    feed = [f"https://x.example/{slug}-police-dismantle-network" for slug in ("alpha", "beta", "gamma")]
    [pattern] = _infer(["https://x.example/contact", "https://x.example/about"], feed=feed)
    assert pattern == "://[^/]+/[^/?#]+$"
    assert not re.search(pattern, "https://x.example/a/b-c-d-e-f-g-h")


def test_menu_links_repeated_on_every_listing_page_are_not_evidence() -> None:
    pages = [["https://x.example/privacy.html", f"https://x.example/p/{n}-some-long-release-slug"] for n in range(3)]
    evidence = gather_evidence(hosts=["x.example"], listing_pages=pages)
    assert "https://x.example/privacy.html" not in evidence and len(evidence) == 3


def test_shapes_and_slugs() -> None:
    assert shape_of("https://x.example/a/2019/b.html").dirs == ("a", r"\d{4}")
    assert slug_like("https://x.example/press/operation-lantern-cocaine-seized.html")
    assert slug_like("https://x.example/detail.php?id=123")
    assert not slug_like("https://x.example/contact.html")


@pytest.mark.parametrize(("listing", "pages", "expected"), [
    ("https://x.example/press/", ["https://x.example/press/?page=2"], r"/press/(\?page=\d+)?$"),
    ("https://x.example/media-press/newsroom", ["https://x.example/media-press/newsroom?page=1"],
     r"/media-press/newsroom(\?page=\d+)?$"),
    ("https://x.example/news/", ["https://x.example/news/page/2/"], r"/news/(page/\d+/)?$"),
    ("https://x.example/", ["https://x.example/?paged=2"], r"://[^/]+/(\?paged=\d+)?$"),
    ("https://x.example/sala.php?idioma=es", ["https://x.example/sala.php?idioma=es&pagina=2"],
     r"/sala\.php(\?[^#]*)?$"),
])
def test_follow_pattern(listing: str, pages: list[str], expected: str) -> None:
    assert infer_follow(listing, pages) == [expected]
    assert all(re.search(expected, url) for url in pages + [listing])


# -- sitemaps, names, countries, TOML ---------------------------------------------------------

def test_sitemap_index_sampling_prefers_news_then_newest() -> None:
    index = parse_sitemap(b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.example/sitemap-pages.xml</loc><lastmod>2025-01-01</lastmod></sitemap>
      <sitemap><loc>https://x.example/sitemap-news-2023.xml</loc><lastmod>2023-12-31</lastmod></sitemap>
      <sitemap><loc>https://x.example/sitemap-news-2024.xml</loc><lastmod>2024-12-31</lastmod></sitemap>
    </sitemapindex>""")
    assert index.kind == "sitemapindex" and index.total == 3
    assert sample_children(index, 2) == ["https://x.example/sitemap-news-2024.xml", "https://x.example/sitemap-news-2023.xml"]
    assert parse_sitemap(b"<html>not a sitemap</html>").kind == ""


@pytest.mark.parametrize(("host", "country"), [
    ("www.policia.es", "ES"), ("www.nationalcrimeagency.gov.uk", "GB"), ("www.bka.de", "DE"),
    ("www.europol.europa.eu", ""), ("www.interpol.int", ""), ("127.0.0.1", ""), ("police.io", ""),
])
def test_country_from_host(host: str, country: str) -> None:
    assert country_from_host(host) == country


def test_names() -> None:
    assert draft_name(None, "www.policia.es") == "policia-es"
    assert draft_name("europol", "x") == "europol"
    with pytest.raises(UserError):
        draft_name("Europol!", "x")


def test_draft_toml_round_trips_awkward_strings(tmp_path: Path) -> None:
    fields: dict[str, Any] = {
        "name": "x", "title": 'Quotes " and \\ and \x7f', "start_urls": ["https://x.example/"],
        "article": [r"/a\.php\?id=\d+", "it's"], "follow": [],
    }
    text = Draft(fields=fields, comments={"title": "a comment"}).toml(["header"])
    assert tomllib.loads(text)["article"] == fields["article"]
    (tmp_path / "p.toml").write_text(text, "utf-8")
    assert load_profile(tmp_path / "p.toml").title == fields["title"]
    assert toml_value(r"\d") == r"'\d'"


def test_probe_settings_keep_politeness_but_archive_nothing() -> None:
    settings = probe_settings()
    assert settings["ROBOTSTXT_OBEY"] is True and "pressarchive/" in settings["USER_AGENT"]
    middlewares = " ".join(settings["DOWNLOADER_MIDDLEWARES"])
    assert "TextOnlyMiddleware" in middlewares and "PageBudgetMiddleware" in middlewares
    assert "WarcCapture" not in middlewares and not settings["ITEM_PIPELINES"]


# -- the command on the sample press room -----------------------------------------------------

@pytest.fixture(scope="module")
def discovered(sample_room: SamplePressRoom, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("discover")
    draft = root / "draft.toml"
    before = len(sample_room.requests)
    result = CLI(root / "data")("discover", f"{sample_room.base_url}/press/", "--output", str(draft), "--delay", "0")
    return {"root": root, "draft": draft, "result": result, "requests": sample_room.requests[before:]}


def test_discover_finds_feed_sitemap_and_pagination(discovered: dict[str, Any], sample_room: SamplePressRoom) -> None:
    result, base = discovered["result"], sample_room.base_url
    assert result.returncode == 0, result.stderr
    profile = load_profile(discovered["draft"])
    assert profile.start_urls == (f"{base}/press/",)
    assert profile.feed_urls == (f"{base}/feed.xml",)
    assert profile.sitemap_urls == (f"{base}/sitemap.xml",)
    assert profile.allowed_domains == ("127.0.0.1",)
    assert profile.follow == (r"/press/(\?page=\d+)?$",)
    assert profile.article == (r"/press/releases/\d{4}/[^/?#]+$",)
    assert profile.title == "Press releases | PFE Press Room" and profile.language == "en"
    assert profile.based_on.startswith(f"pressarchive discover {base}/press/ on ")
    summary = result.stderr
    sitemap_line = next(line for line in summary.splitlines() if line.startswith(f"  {base}/sitemap.xml ("))
    assert "robots.txt" in sitemap_line and sitemap_line.endswith(": index of 1 sitemaps")
    assert "sitemap-releases.xml: 16 URLs, 16 match article" in summary
    assert "RSS, 6 items, 6 match article" in summary
    assert "listing pages: 3 read, next page by rel=\"next\"" in summary
    assert "matches 17 (listing 15, feed 6, sitemap 16)" in summary
    assert "/news/lantern-cocaine-seizure do not match article" in summary  # the redirect, for review
    assert "robots.txt forbids them anyway" in summary  # the draft


def test_discover_is_polite(discovered: dict[str, Any]) -> None:
    requests = discovered["requests"]
    assert "/robots.txt" in requests
    assert not [path for path in requests if path.startswith(("/press/drafts/", "/media/", "/search"))]
    assert not [path for path in requests if path.startswith("/press/releases/")]  # no release fetched
    assert len(requests) <= 12
    assert not (discovered["root"] / "data").exists()  # nothing archived, no data directory made


def test_crawl_of_the_draft_archives_every_release(discovered: dict[str, Any]) -> None:
    """The draft's article pattern does not cover the old ``/news/`` address (one link, a 301 to
    a release): it is not needed, because the release it redirects to is linked directly."""
    cli = CLI(discovered["root"] / "crawl")
    cli("crawl", "--profile", str(discovered["draft"]), "--delay", "0", check=True)
    status = cli.json("status")
    assert status["documents"] == RELEASES and status["indexed"] == RELEASES
    urls = [hit["url"] for hit in cli.json("search", "", "--limit", "100")["hits"]]
    assert len(urls) == RELEASES and not any("/drafts/" in url or "/news/" in url for url in urls)


def test_discover_from_the_home_page_to_stdout(sample_room: SamplePressRoom, cli: CLI, tmp_path: Path) -> None:
    result = cli("discover", f"{sample_room.base_url}/", "--name", "sample-draft", "--delay", "0", check=True)
    (tmp_path / "draft.toml").write_text(result.stdout, "utf-8")
    profile = load_profile(tmp_path / "draft.toml")
    assert profile.name == "sample-draft"
    assert profile.start_urls == (f"{sample_room.base_url}/press/",)  # the press room the home page links to
    assert profile.article == (r"/press/releases/\d{4}/[^/?#]+$",)
    assert "press room: " in result.stderr


def test_discover_follows_a_redirect_to_the_listing(sample_room: SamplePressRoom, cli: CLI, tmp_path: Path) -> None:
    result = cli("discover", f"{sample_room.base_url}/press", "--delay", "0", check=True)
    (tmp_path / "draft.toml").write_text(result.stdout, "utf-8")
    profile = load_profile(tmp_path / "draft.toml")
    assert profile.start_urls == (f"{sample_room.base_url}/press/",)
    assert profile.follow == (r"/press/(\?page=\d+)?$",)


def test_discover_unreachable_is_one_error_line(cli: CLI) -> None:
    result = cli("discover", f"http://127.0.0.1:{_closed_port()}/press/", "--delay", "0")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()] and result.stderr.startswith("error: ")
    assert "connection refused" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(("args", "message"), [
    (["ftp://example.org/"], "bad URL"),
    (["http://127.0.0.1:1/", "--name", "No Good"], "bad --name"),
])
def test_discover_bad_input(cli: CLI, args: list[str], message: str) -> None:
    result = cli("discover", *args)
    assert result.returncode == 1 and result.stderr.startswith(f"error: {message}")


def test_discover_does_not_overwrite_without_force(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("keep me", "utf-8")
    result = cli("discover", "http://127.0.0.1:1/", "--output", str(target))
    assert result.returncode == 1 and "--force" in result.stderr
    assert target.read_text("utf-8") == "keep me"


def test_discover_404_and_robots_forbidden(sample_room: SamplePressRoom, cli: CLI) -> None:
    missing = cli("discover", f"{sample_room.base_url}/no-such-page", "--delay", "0")
    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    draft_url = f"{sample_room.base_url}/press/drafts/operation-nightjar-embargoed-draft.html"
    draft = cli("discover", draft_url, "--delay", "0")
    assert draft.returncode == 1 and "forbidden by robots.txt" in draft.stderr


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
