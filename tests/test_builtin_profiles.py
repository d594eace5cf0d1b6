"""The built-in press-room profiles: valid, documented, and right about their sites' URL shapes.

No real site is reachable from here, so each profile is checked against a fixture site shaped
like the real one (``tests/fixtures/sites/<name>/``, served by :mod:`tests.site_fixtures`):
its regexes must sort the fixture's URLs, rewritten to the real host, into releases, listings
and everything else; then every fixture site is crawled once through the real CLI, with the
profile pointed at 127.0.0.1, and both of its releases must come out of the archive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pressarchive.extract import extract_document
from pressarchive.profiles import Profile, builtin_profiles
from pressarchive.urls import canonical_url
from tests.conftest import CLI
from tests.site_fixtures import FixtureSite, Route, SiteManifest, SITES_DIR, site_names

PROFILES = builtin_profiles()
NAMES = sorted(PROFILES)


def manifest(name: str) -> SiteManifest:
    return SiteManifest.load(SITES_DIR / name)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def real_url(site: SiteManifest, route: Route) -> str:
    return canonical_url(site.real_site + route.path)


def matches(patterns: tuple[str, ...], url: str) -> bool:
    return any(re.search(pattern, url) for pattern in patterns)


# -- the set of profiles ----------------------------------------------------------------------

def test_enough_profiles_in_enough_languages() -> None:
    assert len(PROFILES) >= 12, sorted(PROFILES)
    languages = {profile.language for profile in PROFILES.values()}
    assert len(languages) >= 5, languages


@pytest.mark.parametrize("name", NAMES)
def test_profile_is_complete_and_says_what_it_is_based_on(name: str) -> None:
    profile = PROFILES[name]
    for field in ("title", "agency", "country", "language", "based_on"):
        assert getattr(profile, field), f"{name}: {field} is empty"
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", profile.based_on), f"{name}: based_on gives no date"
    assert profile.start_urls or profile.sitemap_urls or profile.feed_urls
    assert profile.follow and profile.article
    assert all(url.startswith("https://") for url in profile.entry_urls)


def test_every_profile_has_a_fixture_site_and_every_site_a_profile() -> None:
    assert site_names() == NAMES


def test_sources_table_lists_every_profile() -> None:
    builtin = Path(__file__).resolve().parents[1] / "pressarchive" / "profiles" / "builtin"
    table = (builtin / "SOURCES.md").read_text("utf-8")
    for name in NAMES:
        assert f"`{name}`" in table, f"SOURCES.md does not list {name}"


# -- regexes against the fixture's URL shapes --------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_shaped_like_the_profiles_site(name: str) -> None:
    profile, site = PROFILES[name], manifest(name)
    assert {origin(url) for url in profile.entry_urls} == {site.real_site}
    served = {real_url(site, route) for route in site.routes}
    for url in profile.entry_urls:
        assert canonical_url(url) in served, f"{name}: entry point {url} has no fixture route"
    feeds = {real_url(site, route) for route in site.with_role("feed")}
    assert feeds == {canonical_url(url) for url in profile.feed_urls}
    assert len(site.with_role("release")) == 2
    assert site.with_role("page"), f"{name}: the fixture has no pagination page"


@pytest.mark.parametrize("name", NAMES)
def test_article_regex_matches_releases_only(name: str) -> None:
    profile, site = PROFILES[name], manifest(name)
    for route in site.with_role("release"):
        assert matches(profile.article, real_url(site, route)), f"{name}: release {route.path} not matched"
    for route in site.with_role("listing", "page", "feed", "sitemap", "robots", "other"):
        url = real_url(site, route)
        assert not matches(profile.article, url), f"{name}: {route.role} {url} taken for a release"


@pytest.mark.parametrize("name", NAMES)
def test_follow_regex_matches_pagination_but_not_other_sections(name: str) -> None:
    profile, site = PROFILES[name], manifest(name)
    for route in site.with_role("page"):
        assert matches(profile.follow, real_url(site, route)), f"{name}: pagination {route.path} not followed"
    for route in site.with_role("release", "feed", "sitemap", "other"):
        url = real_url(site, route)
        assert not matches(profile.follow, url), f"{name}: {route.role} {url} taken for a listing"


@pytest.mark.parametrize("name", [name for name in NAMES if PROFILES[name].extractor])
def test_site_extractor_reads_the_fixture_releases(name: str) -> None:
    profile, site = PROFILES[name], manifest(name)
    for route in site.with_role("release"):
        body = (site.root / route.file).read_bytes()
        document = extract_document(body, real_url(site, route), "text/html; charset=utf-8",
                                    default_language=profile.language, extractor=profile.extractor)
        assert document is not None, f"{name}: nothing extracted from {route.path}"
        assert _fold(route.title) in _fold(document.title)
        assert document.published == route.published
        assert len(document.text.split()) >= 150


# -- every fixture site crawled through the CLI ------------------------------------------------

def _toml_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def local_profile_toml(profile: Profile, base_url: str) -> str:
    """The profile with its site's scheme and host replaced by the fixture server's."""
    real = origin(profile.entry_urls[0])
    lines = []
    for field in ("name", "title", "agency", "country", "language", "extractor"):
        if value := getattr(profile, field):
            lines.append(f"{field} = {_toml_value(value)}")
    for field in ("start_urls", "sitemap_urls", "feed_urls"):
        urls = [base_url + url[len(real):] for url in getattr(profile, field) if url.startswith(real)]
        if urls:
            lines.append(f"{field} = {_toml_value(urls)}")
    lines.append('allowed_domains = ["127.0.0.1"]')
    lines.append(f"follow = {_toml_value(profile.follow)}")
    lines.append(f"article = {_toml_value(profile.article)}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def crawled_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every fixture site served, and all of them crawled by one ``crawl`` command."""
    root = tmp_path_factory.mktemp("builtin-sites")
    sites = {name: FixtureSite(name) for name in NAMES}
    for site in sites.values():
        site.start()
    try:
        arguments = []
        for name, site in sites.items():
            path = root / f"{name}.toml"
            path.write_text(local_profile_toml(PROFILES[name], site.base_url), "utf-8")
            arguments += ["--profile", str(path)]
        cli = CLI(root / "data")
        result = cli("crawl", *arguments, "--delay", "0", timeout=240)
        assert result.returncode == 0, result.stderr[-3000:]
        hits = cli.json("search", "", "--limit", "100")["hits"]
        yield {"sites": sites, "hits": hits, "result": result}
    finally:
        for site in sites.values():
            site.stop()


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.mark.parametrize("name", NAMES)
def test_crawl_archives_both_releases(crawled_sites: dict[str, Any], name: str) -> None:
    site: FixtureSite = crawled_sites["sites"][name]
    profile = PROFILES[name]
    hits = {hit["url"]: hit for hit in crawled_sites["hits"] if hit["source"] == name}
    for route in site.manifest.with_role("release"):
        url = canonical_url(site.url(route.path))
        assert url in hits, f"{name}: {route.path} not archived (requests: {site.requests})"
        hit = hits[url]
        assert hit["title"] and _fold(route.title) in _fold(hit["title"]), (name, hit["title"])
        assert hit["language"] == profile.language, (name, route.path, hit["language"])
        if route.published is not None:
            assert hit["published"] == route.published.isoformat(), (name, route.path, hit["published"])
    assert len(hits) == 2, f"{name}: archived more than its releases: {sorted(hits)}"


@pytest.mark.parametrize("name", NAMES)
def test_crawl_reads_no_media_and_only_what_the_profile_names(crawled_sites: dict[str, Any], name: str) -> None:
    site: FixtureSite = crawled_sites["sites"][name]
    for route in site.manifest.with_role("other"):
        assert not site.requested(route.path), f"{name}: requested {route.path}"


def test_doj_crawl_obeys_robots_and_finds_releases_through_the_sitemap(crawled_sites: dict[str, Any]) -> None:
    site: FixtureSite = crawled_sites["sites"]["doj-opa"]
    assert site.requested("/robots.txt")
    assert site.requested("/sitemap.xml?page=1") and site.requested("/sitemap.xml?page=2")
    assert not site.requested("/opa/press-releases?page=1"), "robots.txt disallows /*?page="


def test_feed_and_query_string_sites_are_reached_as_their_profiles_say(crawled_sites: dict[str, Any]) -> None:
    sites = crawled_sites["sites"]
    # Europol's listing carries its links only in JSON: the feed is what finds the releases.
    assert sites["europol"].requested("/cms/api/rss/news")
    # Policía Nacional: releases are one script with ?ID=, listings another with a query.
    assert sites["policia-nacional"].requested("/_es/comunicacion_salaprensa.php?pagina=2")
    # Guardia Civil's pagination has two query parameters, in whatever order the crawler sends them.
    assert sites["guardia-civil"].requested("/es/prensa/noticias/index.html?buscar=si&pagina=2")
