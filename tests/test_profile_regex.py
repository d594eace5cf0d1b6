"""Profile regexes cannot hang a crawl: every one is compiled by RE2, which matches in linear time.

A pattern with nested quantifiers such as ``(a+)+$`` and a URL built to defeat it kept Python's
backtracking engine busy for minutes (each further ``a`` doubles it) on the reactor's thread,
deaf to SIGTERM. The crawl test
runs that repro against a site on 127.0.0.1 in a subprocess with a timeout; the unit tests pin
the refusal messages for what RE2 cannot compile, the built-in profiles, and discovery, which
writes patterns into draft profiles from what a site serves.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from pressarchive.discovery.patterns import compiles, gather_evidence, infer_article, infer_follow, matches_any
from pressarchive.profiles import (
    MAX_URL_LENGTH,
    PatternError,
    ProfileError,
    builtin_profiles,
    compile_pattern,
    load_profile,
    profile_from_dict,
)
from tests.conftest import CLI
from tests.scripted_site import Answer, ScriptedSite, listing_page, release_page

CATASTROPHIC = "(a+)+$"  # exponential for a backtracking engine on a run of a's and one other char
TRAP_PATH = "/releases/" + "a" * 34 + "!"
CRAWL_TIMEOUT = 25.0  # seconds: the old code was still in re.search after 90


def test_a_catastrophic_regex_and_a_hostile_link_cannot_hang_the_crawl(cli: CLI, tmp_path: Path) -> None:
    with ScriptedSite() as site:
        site.routes["/news/"] = Answer(body=listing_page(TRAP_PATH, "/releases/ok-rowan", "/releases/ok-quince"))
        site.routes["/releases/ok-rowan"] = Answer(body=release_page("Operation Rowan: nine arrested", "Rowan"))
        site.routes["/releases/ok-quince"] = Answer(body=release_page("Operation Quince: ten arrested", "Quince"))
        profile = tmp_path / "trap.toml"
        toml = site.profile_toml().replace("article = ['/releases/']", f"article = ['{CATASTROPHIC}', '/ok-']")
        profile.write_text(toml, "utf-8")
        result = cli("crawl", "--profile", str(profile), "--delay", "0",
                     "--set", "PRESSARCHIVE_EXTRACT_WORKERS=0", timeout=CRAWL_TIMEOUT)
        assert site.requested(TRAP_PATH) == 0  # matches no pattern: never a release, never fetched
    assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(cli.data / "archive.sqlite") as db:
        urls = {url for (url,) in db.execute("SELECT url FROM captures")}
    assert {site.url("/releases/ok-rowan"), site.url("/releases/ok-quince")} <= urls


def test_the_catastrophic_pattern_is_searched_in_linear_time() -> None:
    pattern = compile_pattern(CATASTROPHIC)
    assert pattern.search("http://x/releases/" + "a" * 100_000 + "!") is None
    assert pattern.search("http://x/releases/aaa") is not None


def test_a_url_longer_than_scrapy_would_request_matches_nothing() -> None:
    pattern = compile_pattern("/releases/")
    from scrapy.settings.default_settings import URLLENGTH_LIMIT

    assert MAX_URL_LENGTH == URLLENGTH_LIMIT, "Scrapy requests no URL longer than this: keep them equal"
    url = "http://x/releases/"
    assert pattern.search(url + "a" * (MAX_URL_LENGTH - len(url))) is not None
    assert pattern.search(url + "a" * (MAX_URL_LENGTH - len(url) + 1)) is None


def test_a_lone_surrogate_in_a_url_is_matched_not_raised() -> None:
    assert compile_pattern("/releases/").search("http://x/releases/\ud800") is not None


@pytest.mark.parametrize(("pattern", "reason"), [
    ("/news/(?!all)[a-z]+$", "lookarounds are not supported: regexes are RE2 syntax"),
    ("/news/(?=a)[a-z]+$", "lookarounds are not supported"),
    ("(?<=/news/)[a-z]+$", "lookarounds are not supported"),
    ("(?<!x)/news/", "lookarounds are not supported"),
    (r"/(news)/\1/", "backreferences are not supported: regexes are RE2 syntax"),
    ("/news/(", "missing )"),
    ("/news/a{1001}", "invalid repetition size"),
    ("/" + "a" * 3_000_000, "pattern too large"),
    ("(x|[^/]){1000}" * 10, "a regex may compile to at most 1024 KiB"),
])
def test_what_re2_refuses_is_one_line_naming_the_field_and_the_reason(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)):
        compile_pattern(pattern)
    raw = {"name": "x", "start_urls": ["https://police.example/press/"], "article": ["/ok/"], "follow": [pattern]}
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(raw, origin="x.toml")
    message = str(caught.value)
    assert message.startswith("profile x.toml: field 'follow': bad regular expression") and reason in message
    assert "\n" not in message


def test_a_refused_pattern_in_a_file_is_one_line_on_the_command_line(cli: CLI, tmp_path: Path) -> None:
    profile = tmp_path / "lookahead.toml"
    profile.write_text('name = "lookahead"\nstart_urls = ["http://127.0.0.1:9/news/"]\n'
                       "article = ['/news/(?!all-news$)[a-z-]+$']\n", "utf-8")
    with pytest.raises(ProfileError, match=f"profile {re.escape(str(profile))}: field 'article'"):
        load_profile(profile)
    result = cli("crawl", "--profile", str(profile), timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "lookarounds are not supported" in lines[0] and str(profile) in lines[0], lines
    assert "Traceback" not in result.stderr and "re2.cc" not in result.stderr


def test_every_builtin_profile_compiles_in_re2() -> None:
    profiles = builtin_profiles()
    assert len(profiles) == 15
    for profile in profiles.values():
        for pattern in profile.article + profile.follow:
            assert compiles(pattern), (profile.name, pattern)


# The two built-in patterns that had lookaheads, as they were (Python ``re``), and URLs on which
# their RE2 rewrites must agree with them.
OLD_PATTERNS = {
    "nca": r"/news/(?!all-news$)[a-z0-9]+(-[a-z0-9]+)*$",
    "policia-judiciaria": r"^https?://[^/]+/(?!(author|category|tag|page|feed|wp-content|wp-json|wp-admin"
                          r"|comments)/)[a-z0-9]+(-[a-z0-9]+){2,}/$",
}
NCA_SLUGS = ["all-news", "all-new", "all-newss", "alls-news", "al-news", "all", "news", "all-news-today",
             "x-all-news", "ball-news", "all-nbws", "all-zews", "all-nezs", "all-newz", "aml-news", "akl-news",
             "alm-news", "a-news", "ab-news", "abcd-news", "all-n", "all-ne", "all-abcde", "bll-news",
             "international-operation-targets-dark-web-drugs-marketplace", "all-news/", "All-news", "9-news"]
PJ_SLUGS = ["operacao-rigor-mortis", "author", "wp-content", "wp-json", "category", "comments", "page",
            "feed", "author-x-y", "wp-content-uploads-2019", "a-b", "a-b-c", "tag-tag-tag", "detido-em-lisboa"]


@pytest.mark.parametrize("name", sorted(OLD_PATTERNS))
def test_rewritten_builtin_patterns_match_what_the_lookahead_versions_did(name: str) -> None:
    (new,) = builtin_profiles()[name].article
    if name == "nca":
        urls = [f"https://www.nationalcrimeagency.gov.uk/news/{slug}" for slug in NCA_SLUGS]
    else:
        urls = [f"https://www.policiajudiciaria.pt/{slug}/" for slug in PJ_SLUGS]
    urls += [url + "?x=1" for url in urls[:3]]
    for url in urls:
        assert (compile_pattern(new).search(url) is not None) == (re.search(OLD_PATTERNS[name], url) is not None), url


def test_discovery_writes_only_patterns_re2_compiles() -> None:
    """A site whose links have a folder too long for RE2 must not yield a draft that cannot load."""
    huge = "x" * 3_000_000
    evidence = {f"https://police.example/{huge}/release-{n}-of-the-police": {"feed", "listing"} for n in range(5)}
    evidence |= {f"https://police.example/news/operation-{n}-of-the-week": {"listing"} for n in range(3)}
    inference = infer_article(evidence)
    assert inference.article and all(compiles(pattern) for pattern in inference.article)
    assert all(len(pattern) < 1000 for pattern in inference.article)
    assert matches_any(inference.article, "https://police.example/news/operation-9-of-the-week")
    follow = infer_follow(f"https://police.example/{huge}/", [f"https://police.example/{huge}/?page=2"])
    assert follow == []
    long_url = "https://police.example/news/" + "x" * MAX_URL_LENGTH
    kept = gather_evidence(hosts=["police.example"], listing_pages=[[long_url, "https://police.example/news/a-b-c"]])
    assert list(kept) == ["https://police.example/news/a-b-c"]  # never requested by a crawl: no evidence
