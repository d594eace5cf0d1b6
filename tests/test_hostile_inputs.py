"""The bad-input catalogue: every hostile input we know of, and what pressarchive must do with it.

Each :class:`Case` is one input with a one-line description; ``tests/HOSTILE_INPUTS.md`` is the
same catalogue as a table (``python -m tests.test_hostile_inputs`` prints it). Whatever the
input, the answer is a clear error (CLI: one ``error:`` line, exit 1 or 2, no traceback; API:
a 4xx ``{"error": ...}``) or a bounded result, and afterwards nothing archived is lost and no
media byte is stored.

One archive is shared by the module: the sample press room crawled once, then the hostile site
of ``tests/hostile_inputs_site.py`` (XML bombs, external entities, 10,000 links, deep nesting,
looping and over-deep PDFs, terminal escapes, media in disguise, an off-site redirect after a
retry) crawled into it; every response in the WARC files is then judged, decoded, by the
crawler's own media classifier. The sites stay up for the whole module, beside a second small
site whose robots.txt answers 503. The read-only CLI cases run ``main()`` in this process with
the real CLI's strict UTF-8 stdout (a subprocess costs seconds each); those that may crawl run
``python -m pressarchive`` in subprocesses, in parallel (``{base}`` and ``{robots_down}`` in
their arguments name the sites). API cases are sent as raw ASGI requests, so invalid UTF-8 and
100 KB values reach the app exactly as uvicorn passes them; the query cases go to an app with
a 1 s query time limit and are timed. A case with ``known`` set is a reported defect outside
this module's reach: it runs as a strict xfail, so a fix makes it fail until ``known`` is cleared.

To add a case, append to :data:`CASES`; a new ``kind`` needs a runner in :data:`RUNNERS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from warcio.archiveiterator import ArchiveIterator

from pressarchive.crawler.decoding import Undecodable, content_codings
from pressarchive.crawler.media import content_head, media_kind
from pressarchive.datadir import DataDir, writer_lock
from pressarchive.web.security import HEADERS as SECURITY_HEADERS
from tests.conftest import CLI, REPO
from tests.hostile_inputs_site import CONTROL_CHARS, DISGUISED_MEDIA, OFFSITE_WORD, RELEASE_WORDS, HostileInputsSite
from tests.scripted_site import Answer, ScriptedSite, listing_page, release_page

LONG = "a" * 100_000  # an over-long filter value (100 KB)
BAD_UTF8 = "\udcff\udcfe"  # what Python makes of the bytes ff fe in a command-line argument
OUTPUT_BOUND = 2_000_000  # bytes any one answer may print
QUERY_BOUND = 20.0  # seconds a subprocess case may take (5 s query limit, start-up, a loaded machine)
CRAWL_BOUND = 90.0  # seconds the hostile crawl may take
EXTRACT_BUDGET = 60  # seconds a page of the hostile crawl may take to extract
MEMORY_BOUND_KB = 1_500_000  # peak RSS of any child process (a billion laughs would be GBs)
API_QUERY_LIMIT = 1.0  # the query time limit of the app the query cases are sent to (serve --query-time-limit 1)
CLI_QUERY_LIMIT = 5.0  # the CLI's limit (it has no option for it)
SLACK = 0.5  # seconds past a limit an answer may take
MISSING = "nonexistent/x"  # a mistyped data directory (under a fresh temporary folder): must stay missing
LOCK_HOLDER = "pressarchive crawl --profile catalogue-lock-holder"  # what the test's writer lock says it is
CHECK_BURST = 40  # concurrent GET /api/check
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Starts of media and archive files that must never be stored.
MEDIA_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"ID3", b"OggS", b"fLaC", b"RIFF", b"PK\x03\x04",
               b"PK\x05\x06", b"7z\xbc\xaf", b"Rar!", b"\x1a\x45\xdf\xa3")


@dataclass(frozen=True)
class Case:
    """One hostile input. ``kind`` picks the runner; ``expect`` is ``error`` or ``bounded``."""

    id: str
    description: str
    kind: str  # cli (in process), cli-sub (subprocess: may crawl), api, crawl
    args: tuple[str, ...] = ()  # cli: argv after --data; api: (raw target,); crawl: (check name,)
    expect: str = "error"
    words: str = ""  # must appear in the error line or body
    status: int = 400  # api errors
    known: str = ""  # a reported defect: strict xfail with this reason
    extra: dict[str, Any] = field(default_factory=dict)


def cli(id: str, description: str, *args: str, words: str = "", expect: str = "error", known: str = "") -> Case:
    return Case(id, description, "cli", args, expect, words, known=known)


def cli_sub(id: str, description: str, *args: str, words: str = "", expect: str = "error", known: str = "",
            timeout: float = QUERY_BOUND, crawls: bool = False) -> Case:
    """``crawls``: an error that a crawl reports, having registered its source and kept the
    robots.txt answers as evidence; no document may change."""
    return Case(id, description, "cli-sub", args, expect, words, known=known,
                extra={"timeout": timeout, "crawls": crawls})


def api(id: str, description: str, target: str, status: int = 400, words: str = "", known: str = "",
        **extra: Any) -> Case:
    """``extra``: ``method`` (default GET), ``host`` (then served as ``serve`` on 127.0.0.1:8000),
    ``within`` (seconds; then sent to an app with a 1 s query time limit)."""
    expect = "bounded" if status == 200 else "error"
    return Case(id, description, "api", (target,), expect, words, status, known, extra)


def query(id: str, description: str, text: str, words: str) -> list[Case]:
    """One of the worst queries, through the API (1 s limit) and the CLI: refused, or answered in time."""
    expect = "error" if words else "bounded"
    return [
        api(f"api-{id}", f"/api/search?q={description} with a 1 s limit", f"/api/search?q={quote(text)}",
            status=400 if words else 200, words=words, within=API_QUERY_LIMIT + SLACK),
        Case(f"cli-{id}", f"search {description} (the CLI's 5 s limit)", "cli", ("search", text, "--json"),
             expect, words, extra={"within": CLI_QUERY_LIMIT + SLACK}),
    ]


def crawl(id: str, description: str, check: str, known: str = "") -> Case:
    return Case(id, description, "crawl", (check,), "bounded", known=known)


#: The start of a profile that loads, before the field a case spoils.
MINIMAL = 'name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\n'


def profile(body: str) -> dict[str, Any]:
    return {"profile": body}


# -- the catalogue --------------------------------------------------------------------------------

DATES = ("20170101", "2017-13-01", "2017-02-30", "-1", "99999-01-01", "2017-W01-1", "2017-1-1")
_DATE_CASES = [
    cli(f"cli-search-{flag.strip('-')}-{value}", f"search x {flag} {value}", "search", "x", flag, value,
        words=f"bad {flag} date")
    for flag in ("--since", "--until") for value in DATES
] + [
    api(f"api-{name}-{value}", f"/api/search?{name}={value}", f"/api/search?{name}={value}",
        words=f"bad {name} date")
    for name in ("since", "until") for value in DATES
]

_PARAMS = ("q", "sort", "language", "source", "agency", "country", "operation", "year", "since", "until",
           "limit", "page", "source_agency", "source_country", "cluster", "collapse", "expand")
# Refused; the others filter to nothing.
_NUMERIC = ("year", "limit", "page", "since", "until", "sort", "cluster", "collapse", "expand")
_API_ENCODING_CASES = [
    api(f"api-{name}-{label}", f"/api/search?{name}={raw}: {what}", f"/api/search?{name}={raw}",
        status=400 if name in _NUMERIC else 200)
    for name in _PARAMS
    for label, raw, what in (
        ("nul", "a%00b", "a NUL byte"), ("badutf8", "%ff%fe", "invalid UTF-8"),
        ("surrogate", "%ED%A0%80", "a UTF-8-encoded lone surrogate"),
    )
] + [
    api(f"api-doc-{label}", f"/api/doc/{raw}: {what} as a document id", f"/api/doc/{raw}", words="doc id")
    for label, raw, what in (("nul", "1%00", "a NUL byte"), ("badutf8", "%ff%fe", "invalid UTF-8"),
                             ("surrogate", "%ED%A0%80", "a lone surrogate"))
] + [
    api("api-similar-limit-nul", "/api/doc/1/similar?limit=%00", "/api/doc/1/similar?limit=%00", words="limit"),
    api("api-similar-limit-badutf8", "/api/doc/1/similar?limit=%ff", "/api/doc/1/similar?limit=%ff", words="limit"),
    api("page-search-badutf8", "/search?q=%ff%fe&agency=%00 (HTML page)", "/search?q=%ff%fe&agency=%00", status=200),
    api("page-doc-badutf8", "/doc/%ff%fe (HTML page)", "/doc/%ff%fe", words="doc id"),
]

_API_CASES = [
    *(api(f"api-long-{name}", f"/api/search?{name}=<100 KB>", f"/api/search?{name}={LONG}",
          status=400 if name == "q" else 200, words="too long" if name == "q" else "")
      for name in ("q", "source", "agency", "country", "operation", "language")),
    api("page-long-agency", "/search?agency=<100 KB> (HTML page with facet links)", f"/search?agency={LONG}",
        status=200),
    api("api-limit-negative", "/api/search?limit=-1", "/api/search?limit=-1", words="limit"),
    api("api-limit-huge", "/api/search?limit=10**30", "/api/search?limit=" + "9" * 30, words="limit"),
    api("api-page-negative", "/api/search?page=-1", "/api/search?page=-1", words="page"),
    api("api-page-huge", "/api/search?page=10**30", "/api/search?page=" + "9" * 30, words="page"),
    api("api-page-last", "/api/search?page=10000 (the cap: an empty page)", "/api/search?page=10000", status=200),
    api("api-year-huge", "/api/search?year=10**30", "/api/search?year=" + "9" * 30, words="year"),
    api("api-year-negative", "/api/search?year=-1", "/api/search?year=-1", words="year"),
    api("api-doc-unknown", "/api/doc/999999 (unknown id)", "/api/doc/999999", status=404, words="no document"),
    api("api-doc-zero", "/api/doc/0", "/api/doc/0", words="doc id"),
    api("api-doc-negative", "/api/doc/-1", "/api/doc/-1", words="doc id"),
    api("api-doc-huge", "/api/doc/10**30", "/api/doc/" + "9" * 30, words="doc id"),
    api("api-similar-unknown", "/api/doc/999999/similar", "/api/doc/999999/similar", status=404),
    api("api-similar-limit-huge", "/api/doc/1/similar?limit=10**30", "/api/doc/1/similar?limit=" + "9" * 30,
        words="limit"),
    api("api-query-nul-only", "/api/search?q=%00%00 (only NULs)", "/api/search?q=%00%00", status=200),
    api("api-post", "POST /api/search", "/api/search", status=405, words="Method Not Allowed", method="POST"),
    api("api-delete-doc", "DELETE /api/doc/1", "/api/doc/1", status=405, words="Method Not Allowed",
        method="DELETE"),
    *(api(f"host-{label}", f"Host: {shown} to serve on 127.0.0.1:8000 (DNS rebinding)", "/api/status",
          words="bad Host header", host=host)
      for label, host, shown in (
          ("foreign", "attacker.example", "attacker.example"),
          ("foreign-port", "attacker.example:8000", "attacker.example:8000"),
          ("suffix", "127.0.0.1.attacker.example:8000", "127.0.0.1.attacker.example:8000"),
          ("empty", "", "(empty)"), ("unclosed-ipv6", "[::1:8000", "[::1:8000"),
          ("long", "a" * 10_000, "<10 KB name>"), ("badutf8", "\xff\xfe:8000", "<invalid UTF-8>"),
      )),
    api("static-traversal", "/static/..%2f..%2fapp.py (path traversal)", "/static/..%2f..%2fapp.py", status=404,
        words="nothing at"),
    api("static-traversal-dots", "/static/../web/app.py (dot segments)", "/static/../web/app.py", status=404,
        words="nothing at"),
    api("static-nul", "/static/style.css%00.html (NUL in a file name)", "/static/style.css%00.html", status=404,
        words="nothing at"),
    api("path-long", "a 100 KB unknown path", "/" + LONG, status=404, words="nothing at"),
    api("host-loopback-ipv6", "Host: [::1]:8000 to serve on 127.0.0.1:8000", "/api/status", status=200,
        host="[::1]:8000"),
]

_CLI_CASES = [
    cli("cli-search-badutf8", "search <invalid UTF-8 query>", "search", BAD_UTF8, expect="bounded"),
    cli("cli-search-badutf8-json", "search <invalid UTF-8> --json", "search", BAD_UTF8, "--json", expect="bounded"),
    *(cli(f"cli-search-{opt.strip('-')}-badutf8", f"search x {opt} <invalid UTF-8>", "search", "x", opt, BAD_UTF8,
          expect="bounded")
      for opt in ("--lang", "--source", "--agency", "--country", "--operation", "--source-agency",
                  "--source-country")),
    cli("cli-search-sort-badutf8", "search x --sort <invalid UTF-8>", "search", "x", "--sort", BAD_UTF8,
        words="--sort"),
    *(cli(f"cli-search-{opt.strip('-')}-badutf8", f"search x {opt} <invalid UTF-8>", "search", "x", opt, BAD_UTF8,
          words=opt)
      for opt in ("--year", "--limit", "--page", "--since", "--until", "--cluster")),
    *(cli(f"cli-search-{opt.strip('-')}-long", f"search x {opt} <100 KB>", "search", "x", opt, LONG,
          expect="bounded")
      for opt in ("--source", "--agency", "--country", "--operation", "--lang", "--source-agency",
                  "--source-country")),
    cli("cli-search-query-long", "search <100 KB query> (refused: at most 1,000 characters)", "search", LONG,
            words="query too long"),
    cli("cli-search-limit-negative", "search x --limit -1", "search", "x", "--limit", "-1", words="bad limit"),
    cli("cli-search-limit-huge", "search x --limit 10**30", "search", "x", "--limit", "9" * 30, words="bad limit"),
    cli("cli-search-page-negative", "search x --page -5", "search", "x", "--page", "-5", words="bad page"),
    cli("cli-search-page-huge", "search x --page 10**30", "search", "x", "--page", "9" * 30, words="bad page"),
    cli("cli-search-year-huge", "search x --year 10**30", "search", "x", "--year", "9" * 30, words="bad year"),
    cli("cli-show-unknown", "show 999999 (unknown id)", "show", "999999", words="no document"),
    cli("cli-show-badutf8", "show <invalid UTF-8>", "show", BAD_UTF8, words="not a valid integer"),
    cli("cli-show-negative", "show -1", "show", "-1", words="-1"),
    cli("cli-show-huge", "show 10**30", "show", "9" * 30, words="no document"),
    cli("cli-similar-unknown", "similar 999999 (unknown id)", "similar", "999999", words="no document"),
    cli("cli-similar-huge", "similar 10**30", "similar", "9" * 30, words="no document"),
    cli("cli-similar-limit-huge", "similar 1 --limit 10**30", "similar", "1", "--limit", "9" * 30, words="limit"),
    cli("cli-sources-badutf8", "sources <invalid UTF-8 name>", "sources", BAD_UTF8, words="unknown source"),
]

_PROFILE_CASES = [
    Case("profile-missing-article", "profile without `article`", "cli", words="field 'article'",
         extra=profile(MINIMAL)),
    Case("profile-bad-regex", "profile with `article = [\"(\"]`", "cli", words="bad regular expression",
         extra=profile(MINIMAL + 'article = ["("]\n')),
    Case("profile-lookahead", "profile with a lookahead `(?!x)` (RE2 has none)", "cli", words="lookarounds",
         extra=profile(MINIMAL + 'article = ["/n(?!x)"]\n')),
    Case("profile-backreference", "profile with a backreference `(a)\\1`", "cli", words="backreferences",
         extra=profile(MINIMAL + 'article = ["(a)\\\\1"]\n')),
    Case("profile-nul", "profile with a NUL byte", "cli", words="not valid TOML",
         extra=profile(MINIMAL + 'article = ["/x\x00"]\n')),
    Case("profile-badutf8", "profile with invalid UTF-8", "cli", words="cannot read",
         extra={"profile_bytes": b'name = "p\xff\xfe"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x"]\n'}),
    Case("profile-garbage", "profile that is not TOML at all", "cli", words="not valid TOML",
         extra=profile("\x01garbage[[[")),
    Case("profile-name-traversal", "profile named ../../etc", "cli", words="field 'name'",
         extra=profile('name = "../../etc"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x"]\n')),
    Case("profile-javascript-url", "profile start URL javascript:", "cli", words="field 'start_urls'",
         extra=profile('name = "p"\nstart_urls = ["javascript:alert(1)"]\narticle = ["/x"]\n')),
    Case("profile-file-url", "profile start URL file:///etc/passwd", "cli", words="field 'start_urls'",
         extra=profile('name = "p"\nstart_urls = ["file:///etc/passwd"]\narticle = ["/x"]\n')),
    Case("profile-since-bad-month", "profile since = 2017-13-01 (bare TOML date)", "cli", words="not valid TOML",
         extra=profile(MINIMAL + 'article = ["/x"]\nsince = 2017-13-01\n')),
    Case("profile-since-number", "profile since = 99999", "cli", words="field 'since'",
         extra=profile(MINIMAL + 'article = ["/x"]\nsince = 99999\n')),
    Case("profile-since-basic", "profile since = \"20170101\" (a string)", "cli", words="field 'since'",
         extra=profile(MINIMAL + 'article = ["/x"]\nsince = "20170101"\n')),
]

_ADD_CASES = [
    cli("add-javascript", "add javascript:alert(1)", "add", "javascript:alert(1)", words="bad URL"),
    cli("add-file", "add file:///etc/passwd", "add", "file:///etc/passwd", words="bad URL"),
    cli("add-ftp", "add ftp://127.0.0.1/x", "add", "ftp://127.0.0.1/x", words="bad URL"),
    cli("add-onion", "add http://x.onion/", "add", "http://x.onion/", words=".onion"),
    cli("add-badutf8", "add <invalid UTF-8>", "add", BAD_UTF8, words="bad URL"),
    cli("add-ipv6-unclosed", "add http://[::1 (unclosed IPv6 literal)", "add", "http://[::1", words="bad URL"),
    cli_sub("add-long-url", "add a 10 KB URL on a closed loopback port (refused, never requested)", "add",
            "http://127.0.0.1:9/" + "a" * 10_000, expect="bounded", words="url_too_long", timeout=CRAWL_BOUND),
    cli("add-since-bad-month", "add URL --since 2017-13-01", "add", "http://127.0.0.1:9/x", "--since",
            "2017-13-01", words="bad --since date"),
    cli("add-since-basic", "add URL --since 20170101", "add", "http://127.0.0.1:9/x", "--since", "20170101",
            words="bad --since date"),
]

_ADD_GATE_CASES = [
    *(cli_sub(f"add-{label}", f"add {{site}}{path} (a JPEG however spelled: skipped, never requested)", "add",
              "{base}" + path, expect="bounded", words="skipped: media_extension", timeout=CRAWL_BOUND)
      for label, path in (("jpg-params", "/a.jpg;v=1"), ("jpg-slash", "/a.jpg/"), ("jpg-escaped-dot", "/a%2Ejpg"))),
    cli("add-onion-trailing-dot", "add http://x.onion./ (trailing dot)", "add", "http://x.onion./", words=".onion"),
    cli("add-onion-upper-dots", "add http://X.ONION../ (capitals, two trailing dots)", "add", "http://X.ONION../",
        words=".onion"),
]

_DATA_DIR_CASES = [
    *(Case(f"missing-data-{args[0]}", f"--data /tmp/…/{MISSING} {' '.join(args)} (nothing created)", "cli", args,
           words="does not exist", extra={"missing": True})
      for args in (("search", "foo"), ("status",), ("show", "1"), ("similar", "1"), ("check",))),
    *(Case(f"locked-{args[0]}", f"{' '.join(args)} while another writer holds the data directory's lock", "cli",
           args, words=LOCK_HOLDER, extra={"lock": True})
      for args in (("add", "http://127.0.0.1:9/x"), ("index",), ("check", "--repair"))),
    cli_sub("robots-503", "crawl a site whose robots.txt answers 503 (disallowed for the run, nothing archived)",
            "crawl", "--profile", "{robots_down}", "--delay", "0", words="could not be read (HTTP 503)",
            timeout=CRAWL_BOUND, crawls=True),
]

_NESTED_NOT = "NOT (" * 2000 + "europol" + ")" * 2000
_QUERY_CASES = [
    *query("query-leading-wildcards", "?a* ?b* ?c*", "?a* ?b* ?c*", words=""),
    *query("query-infix-wildcard", "*a*", "*a*", words=""),
    *query("query-200-ored-words", "<200 one-letter words ORed>",
           " OR ".join("abcdefghijklmnopqrstuvwxyz"[n % 26] for n in range(200)), words="query too expensive"),
    *query("query-2000-nested-not", "<2,000 nested `NOT (`>", _NESTED_NOT, words="query too long"),
    *query("query-150-nested-not", "<150 nested `NOT (`, within 1,000 characters>",
           "NOT (" * 150 + "europol" + ")" * 150, words="query too expensive"),
    *query("query-30-nested-parens", "<30 nested parentheses>", "(" * 30 + "europol" + ")" * 30,
           words="parentheses nested more than 20 deep"),
    Case("api-check-hammered", f"{CHECK_BURST} concurrent GET /api/check: each 200 or 429, never a 5xx",
         "api-burst", ("/api/check",), "bounded"),
]

_MEDIA_DISGUISES = {
    "/releases/mp4-as-html": "an MP4 (`....ftyp`) served as text/html at an extensionless URL",
    "/releases/jpeg-raw-deflate": "a JPEG behind raw-deflate Content-Encoding",
    "/releases/jpeg-untyped": "a JPEG with no Content-Type",
    "/releases/empty-zip": "the empty ZIP `PK\\x05\\x06` as text/html",
    "/releases/png-zstd": "a PNG behind zstd Content-Encoding",
    "/releases/png-br": "a PNG behind br Content-Encoding",
    "/sitemap-jpeg.xml.gz": "a gzip `.xml.gz` sitemap URL holding a JPEG",
}

_CRAWL_CASES = [
    crawl("feed-billion-laughs", "RSS feed with a billion-laughs DOCTYPE", "bomb:/feed-bomb.xml"),
    crawl("sitemap-billion-laughs", "sitemap with a billion-laughs DOCTYPE", "bomb:/sitemap-bomb.xml"),
    crawl("feed-xxe", "RSS feed with external entities (file:///etc/passwd, a loopback URL)", "xxe:/feed-xxe.xml"),
    crawl("sitemap-xxe", "sitemap with external entities (file:///etc/passwd, a loopback URL)",
          "xxe:/sitemap-xxe.xml"),
    crawl("page-10000-links", "a release with 10,000 links", "archived:/releases/many-links"),
    crawl("page-deep-nesting", "a release nested in 100,000 <div>s (skipped as no_text, crawl goes on)",
          "counted:/releases/nested"),
    crawl("pdf-reference-loop", "a PDF whose page tree and outline refer to themselves (counted error)",
          "counted:/releases/loop.pdf"),
    crawl("pdf-deep-arrays", "a PDF with an array nested 5,000 deep: RecursionError in pypdf (counted error)",
          "counted:/releases/deep.pdf"),
    *(crawl(f"media-{path.rsplit('/', 1)[1].replace('.', '-')}",
            f"{path}: {_MEDIA_DISGUISES[path]} (skipped as media_body, not in the WARC)", f"media:{path}")
      for path in DISGUISED_MEDIA),
    crawl("offsite-after-retry", "503 Retry-After: 0 once, then a 302 to localhost:PORT (another host): "
          "never requested, nothing archived", "offsite:/releases/bounce"),
    crawl("page-escape-sequences", "a release with ESC/BEL/NUL in title and text: no C0 control in any output",
          "controls:C0"),
    crawl("page-c1-controls", "a release with C1 CSI (U+009B) in title and text: none in any output",
          "controls:C1"),
]

CASES: list[Case] = [*_DATE_CASES, *_API_ENCODING_CASES, *_API_CASES, *_CLI_CASES, *_PROFILE_CASES,
                     *_ADD_CASES, *_ADD_GATE_CASES, *_DATA_DIR_CASES, *_QUERY_CASES, *_CRAWL_CASES]


# -- the shared archive ---------------------------------------------------------------------------


def archive_state(data: Path) -> dict[str, Any]:
    """What must never shrink: the counts, and every version's identity."""
    with contextlib.closing(sqlite3.connect(f"file:{data / 'archive.sqlite'}?mode=ro", uri=True)) as db:
        counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("documents", "versions", "captures", "sources")}
        versions = set(db.execute("SELECT document_id, number, text_sha256 FROM versions").fetchall())
        robots = db.execute("SELECT count(*) FROM captures WHERE url LIKE '%/robots.txt'").fetchone()[0]
    return {"counts": counts, "versions": versions, "robots_captures": robots}


@pytest.fixture(scope="module")
def world(crawled: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The sample archive, then the hostile site crawled into it; the crawl's outputs.

    The sites stay up for the whole module (a case may check that something was never
    requested). The subprocess cases start first, on copies of the sample archive, and run
    beside the crawl.
    """
    cli_runner: CLI = crawled["cli"]
    data = cli_runner.data
    before = archive_state(data)
    with ThreadPoolExecutor(max_workers=2) as pool, HostileInputsSite() as site, robots_down_site() as down:
        folder = tmp_path_factory.mktemp("hostile")
        (folder / "robots-down.toml").write_text(down.profile_toml(name="robotsdown"), "utf-8")
        places = {"base": site.base, "robots_down": str(folder / "robots-down.toml")}
        background = start_subprocess_cases(pool, data, tmp_path_factory.mktemp("cli-sub"), places)
        profile_file = folder / "hostile.toml"
        profile_file.write_text(site.profile_toml(), "utf-8")
        started = time.monotonic()
        # The 10,000-link page takes about 2 s to extract alone, over 10 s (the default budget) on a
        # machine this module shares with its own subprocesses: the budget is test_crawl_stop.py's.
        result = cli_runner("crawl", "--profile", str(profile_file), "--delay", "0",
                            "--set", f"PRESSARCHIVE_EXTRACT_TIMEOUT={EXTRACT_BUDGET}", timeout=CRAWL_BOUND * 2)
        seconds = time.monotonic() - started
        reports = sorted((data / "reports").glob("crawl-*.json"))
        summary = json.loads(reports[-1].read_text())["summaries"][0]
        yield {"data": data, "before": before, "crawl": result, "seconds": seconds, "requests": list(site.requests),
               "site": site, "robots_down": down, "summary": summary, "base": site.base,
               "after_crawl": archive_state(data), "subprocess_results": background,
               "profiles": tmp_path_factory.mktemp("profiles"), "missing": tmp_path_factory.mktemp("missing")}


@contextlib.contextmanager
def robots_down_site() -> Iterator[ScriptedSite]:
    """A second small press room whose robots.txt answers 503."""
    with ScriptedSite() as site:
        site.routes["/robots.txt"] = Answer(503, b"Service unavailable", "text/plain")
        site.routes["/news/"] = Answer(body=listing_page("/releases/a"))
        site.routes["/releases/a"] = Answer(body=release_page("Operation Aspen: arrests", "Aspen"))
        yield site


def start_subprocess_cases(pool: ThreadPoolExecutor, data: Path, folder: Path,
                           places: dict[str, str]) -> dict[str, Future[Any]]:
    """Every ``cli-sub`` case started (they are slow to start, not to run), each on its own copy
    of the archive's store, so that they cannot see each other's writes. ``{name}`` in an
    argument is filled in from ``places`` (the sites' addresses are known only now)."""

    def run(case: Case, copy: Path) -> dict[str, Any]:
        before = archive_state(copy)
        args = [arg.format(**places) if "{" in arg else arg for arg in case.args]
        result = run_subprocess(copy, args, case.extra["timeout"])
        return {**result, "states": (before, archive_state(copy))}

    futures = {}
    for case in CASES:
        if case.kind == "cli-sub":
            copy = folder / case.id / "data"
            copy.mkdir(parents=True)
            with contextlib.closing(sqlite3.connect(data / "archive.sqlite")) as source, \
                    contextlib.closing(sqlite3.connect(copy / "archive.sqlite")) as target:
                source.backup(target)
            futures[case.id] = pool.submit(run, case, copy)
    return futures


@pytest.fixture(scope="module")
def app(world: dict[str, Any]) -> Any:
    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app

    return create_app(resolve_data_dir(world["data"]))


@pytest.fixture(scope="module")
def limited_app(world: dict[str, Any]) -> Any:
    """The app as ``serve --query-time-limit 1`` builds it."""
    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app

    return create_app(resolve_data_dir(world["data"]), query_time_limit=API_QUERY_LIMIT)


@pytest.fixture(scope="module")
def served_app(world: dict[str, Any]) -> Any:
    """The app as ``serve --host 127.0.0.1 --port 8000`` builds it: with its Host check."""
    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app
    from pressarchive.web.security import AllowedHosts

    return create_app(resolve_data_dir(world["data"]), allowed_hosts=AllowedHosts.for_address("127.0.0.1", 8000))


def run_subprocess(data: Path, args: list[str], timeout: float) -> dict[str, Any]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("PRESSARCHIVE_DATA", None)
    argv = [sys.executable, "-m", "pressarchive", "--data", str(data), *args]
    started = time.monotonic()
    try:  # arguments go to the OS as bytes: a lone surrogate is how Python spells a non-UTF-8 byte
        result = subprocess.run([arg.encode("utf-8", "surrogateescape") for arg in argv], capture_output=True,
                                timeout=timeout, env=env, cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"code": None, "stdout": "", "stderr": f"still running after {timeout} s"}
    return {"code": result.returncode, "stdout": result.stdout.decode("utf-8", "replace"),
            "stderr": result.stderr.decode("utf-8", "replace"), "seconds": time.monotonic() - started}


# -- runners --------------------------------------------------------------------------------------


def run_in_process(data: Path, args: tuple[str, ...]) -> dict[str, Any]:
    """``main()`` as ``python -m pressarchive`` runs it, with a strict UTF-8 stdout like a real one."""
    from pressarchive.cli import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True)
    code: Any = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main(["--data", str(data), *args])
        except SystemExit as exc:
            code = exc.code
        except BaseException:  # what would reach the interpreter: a traceback
            stderr.write(traceback.format_exc())
            code = 1
    code = 0 if code is None else code if isinstance(code, int) else 1
    return {"code": code, "stdout": _text(stdout), "stderr": _text(stderr)}


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", "replace")


def asgi_get(app: Any, target: str, method: str = "GET", host: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    """``target`` (path and query, percent-encoded) as uvicorn would hand it to the app."""
    raw_path, _, query = target.encode("latin-1").partition(b"?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": unquote(raw_path.decode("ascii")), "raw_path": raw_path,
        "query_string": query, "root_path": "", "headers": [(b"host", host.encode("latin-1"))],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with contextlib.suppress(Exception):  # a 500 is re-raised after it is sent: judged by the status
        asyncio.run(app(scope, receive, send))
    start = next(message for message in sent if message["type"] == "http.response.start")
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return start["status"], headers, body


def check_cli_answer(case: Case, result: dict[str, Any]) -> None:
    stderr, stdout = result["stderr"], result["stdout"]
    assert "Traceback" not in stderr, stderr[-2000:]
    assert len(stdout) + len(stderr) < OUTPUT_BOUND
    lines = [line for line in stderr.splitlines() if line.strip()]
    if case.expect == "error":
        assert result["code"] in (1, 2), (result["code"], stderr[-500:])
        errors = [line for line in lines if line.startswith("error: ")]
        assert len(errors) == 1 and lines[-1] == errors[0], stderr[-1000:]
        assert "\n" not in errors[0] and case.words in errors[0], errors[0][:300]
    else:
        assert result["code"] == 0, stderr[-500:]
        assert not [line for line in lines if line.startswith("error: ")]
        assert case.words in stdout + stderr


States = tuple[dict[str, Any], dict[str, Any]] | None  # an archive of the case's own, before and after


def run_cli(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> States:
    """In process, refused before any crawl: reaching the crawler trips the wire (a traceback)."""
    args = case.args
    if "profile" in case.extra or "profile_bytes" in case.extra:
        path = world["profiles"] / f"{case.id}.toml"
        path.write_bytes(case.extra.get("profile_bytes") or case.extra["profile"].encode())
        args = ("crawl", "--profile", str(path), "--delay", "0")
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setattr("pressarchive.cli.crawl_commands.run_crawl", _tripwire)
    data = world["missing"] / MISSING if case.extra.get("missing") else world["data"]
    with writer_lock(DataDir(data), LOCK_HOLDER) if case.extra.get("lock") else contextlib.nullcontext():
        started = time.monotonic()
        result = run_in_process(data, args)
        took = time.monotonic() - started
    check_cli_answer(case, result)
    if case.extra.get("missing"):
        assert list(world["missing"].iterdir()) == [], "a reader created the data directory"
    if "within" in case.extra:
        assert took < case.extra["within"], f"{took:.2f} s"
    return None


def _tripwire(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("the input was accepted: a crawl would start here")


def run_cli_sub(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> States:
    result = world["subprocess_results"][case.id].result()
    check_cli_answer(case, result)
    if case.args[-1].startswith("{base}"):  # a URL on the hostile site: the gate refused it unasked
        path = unquote(case.args[-1].removeprefix("{base}"))
        assert not [target for target in world["site"].requests if unquote(target) == path]
    if "{robots_down}" in case.args:
        assert {hit.path for hit in world["robots_down"].hits} == {"/robots.txt"}
        new_captures = result["states"][1]["robots_captures"] - result["states"][0]["robots_captures"]
        assert result["states"][1]["counts"]["captures"] - result["states"][0]["counts"]["captures"] == new_captures
    return result["states"]  # type: ignore[no-any-return]


def run_api(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> States:
    fixture = "served_app" if "host" in case.extra else "limited_app" if "within" in case.extra else "app"
    app = request.getfixturevalue(fixture)
    started = time.monotonic()
    status, headers, body = asgi_get(app, case.args[0], case.extra.get("method", "GET"),
                                     case.extra.get("host", "127.0.0.1"))
    took = time.monotonic() - started
    assert took < case.extra.get("within", QUERY_BOUND), f"{took:.2f} s"
    assert status == case.status, body[:300]
    assert b"Traceback" not in body and len(body) < OUTPUT_BOUND
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, name
    if not case.args[0].startswith("/api/"):
        assert headers["content-type"].startswith("text/html")
        assert case.words in body.decode()
        return None
    assert headers["content-type"] == "application/json"
    answer = json.loads(body)
    if status != 200:
        assert set(answer) == {"error", "detail"} and "\n" not in answer["error"]
        assert case.words in answer["error"], answer["error"]
    return None


def run_api_burst(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> States:
    """``CHECK_BURST`` requests released together, each as uvicorn would hand it over (a thread
    each), to a fresh app: no earlier report to fall back on while its first check runs."""
    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app

    app = create_app(resolve_data_dir(world["data"]))
    start = threading.Barrier(CHECK_BURST)

    def send(_: int) -> tuple[int, dict[str, str], bytes]:
        start.wait(timeout=30)
        return asgi_get(app, case.args[0])

    with ThreadPoolExecutor(max_workers=CHECK_BURST) as pool:
        answers = list(pool.map(send, range(CHECK_BURST)))
    statuses = sorted({status for status, _, _ in answers})
    assert set(statuses) <= {200, 429}, statuses
    assert 200 in statuses
    for status, headers, body in answers:
        assert headers["content-type"] == "application/json" and b"Traceback" not in body
        if status == 429:
            assert "already running" in json.loads(body)["error"]
    return None


def run_crawl_check(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> States:
    crawl_result = world["crawl"]
    assert "Traceback" not in crawl_result.stderr, crawl_result.stderr[-2000:]
    assert crawl_result.returncode == 0, crawl_result.stderr[-1000:]
    assert world["seconds"] < CRAWL_BOUND
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < MEMORY_BOUND_KB
    check, _, arg = case.args[0].partition(":")
    CRAWL_CHECKS[check](world, arg)
    return None


def _archived(world: dict[str, Any], word: str) -> list[dict[str, Any]]:
    found = run_in_process(world["data"], ("search", word, "--json"))
    assert found["code"] == 0, found["stderr"]
    return list(json.loads(found["stdout"])["hits"])


def _check_bomb(world: dict[str, Any], path: str) -> None:
    assert path in world["requests"]
    assert _archived(world, RELEASE_WORDS["/releases/plain"]), "the control release was archived"


def _check_xxe(world: dict[str, Any], path: str) -> None:
    assert path in world["requests"]
    assert "/xxe-probe" not in world["requests"], "an external entity was fetched"
    assert not [target for target in world["requests"] if "root" in target], "file:///etc/passwd was read"
    with contextlib.closing(sqlite3.connect(world["data"] / "archive.sqlite")) as db:
        assert not db.execute("SELECT count(*) FROM versions WHERE text LIKE '%root:x:0%' OR title LIKE "
                              "'%root:x:0%'").fetchone()[0]


def _check_archived(world: dict[str, Any], path: str) -> None:
    hits = _archived(world, RELEASE_WORDS[path])
    assert [hit for hit in hits if hit["url"].endswith(path)]
    assert not [target for target in world["requests"] if target.startswith("/nowhere/")]


def _check_counted(world: dict[str, Any], path: str) -> None:
    """Each ``counted:`` page is one extraction error (or text-less page): none vanished uncounted."""
    assert path in world["requests"]
    summary = world["summary"]
    counted = sum(count for kind, count in summary["errors_by_kind"].items() if kind.startswith("extraction"))
    counted += summary["skipped_by_reason"].get("no_text", 0)
    assert counted >= len([case for case in CASES if case.args[:1] and case.args[0].startswith("counted:")])


def _captured(world: dict[str, Any], path: str, host: str = "") -> list[str]:
    """URLs of the store's captures ending in ``path`` (on any host, or on ``host``)."""
    with contextlib.closing(sqlite3.connect(world["data"] / "archive.sqlite")) as db:
        urls = [url for (url,) in db.execute("SELECT url FROM captures")]
    return [url for url in urls if url.endswith(path) and host in url]


def _check_media(world: dict[str, Any], path: str) -> None:
    """Requested, refused on its first bytes, counted; the WARC test checks no byte of it was kept."""
    assert path in world["requests"]
    assert not _captured(world, path)
    assert world["summary"]["skipped_by_reason"].get("media_body", 0) >= len(DISGUISED_MEDIA)


def _check_offsite(world: dict[str, Any], path: str) -> None:
    assert world["requests"].count(path) == 2, "the 503, then the redirect"
    assert not [host for host in world["site"].hosts if host.startswith("localhost")], "the other host was asked"
    assert not _captured(world, "/releases/elsewhere") and not _captured(world, "", host="localhost")
    assert not _archived(world, OFFSITE_WORD)
    assert world["summary"]["skipped_by_reason"].get("offsite", 0) >= 1


def _check_controls(world: dict[str, Any], which: str) -> None:
    hits = _archived(world, RELEASE_WORDS["/releases/control-chars"])
    assert hits, "the release with control characters was archived"
    doc_id = str(hits[0]["id"])
    wanted = re.compile("[\x00-\x08\x0b-\x1f\x7f]" if which == "C0" else "[\x80-\x9f]")
    for args in (("search", "Tansyleaf"), ("search", "Tansyleaf", "--json"), ("show", doc_id),
                 ("show", doc_id, "--json"), ("similar", str(_any_other_id(world, doc_id))),
                 ("similar", str(_any_other_id(world, doc_id)), "--json")):
        result = run_in_process(world["data"], args)
        assert result["code"] == 0, result["stderr"]
        shown = sorted({hex(ord(char)) for char in wanted.findall(result["stdout"] + result["stderr"])})
        assert not shown, f"{' '.join(args)} printed {shown}"
    assert set(CONTROL_CHARS) >= {"\x1b", "\x9b"}


def _any_other_id(world: dict[str, Any], doc_id: str) -> int:
    """A document of the hostile crawl other than ``doc_id``, whose neighbours include it."""
    hits = _archived(world, RELEASE_WORDS["/releases/plain"])
    return int(hits[0]["id"]) if hits and str(hits[0]["id"]) != doc_id else int(doc_id)


CRAWL_CHECKS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "bomb": _check_bomb, "xxe": _check_xxe, "archived": _check_archived, "counted": _check_counted,
    "controls": _check_controls, "media": _check_media, "offsite": _check_offsite,
}
RUNNERS: dict[str, Callable[[Case, dict[str, Any], pytest.FixtureRequest], States]] = {
    "cli": run_cli, "cli-sub": run_cli_sub, "api": run_api, "api-burst": run_api_burst, "crawl": run_crawl_check,
}


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.known)] if case.known else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_hostile_input(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> None:
    before = archive_state(world["data"])
    own = RUNNERS[case.kind](case, world, request)
    for earlier, later in [(before, archive_state(world["data"])), *([own] if own else [])]:
        assert later["versions"] == earlier["versions"], "a version was lost or added"
        if case.expect == "error" and not case.extra.get("crawls"):
            assert later["counts"] == earlier["counts"], "refused input changed the archive"
        elif case.expect == "error":
            assert later["counts"]["documents"] == earlier["counts"]["documents"]
            assert all(later["counts"][name] >= count for name, count in earlier["counts"].items())
        else:  # a writing command may register its source ("added"); it may lose nothing
            assert all(later["counts"][name] >= count for name, count in earlier["counts"].items())


def test_the_hostile_crawl_lost_nothing_and_stored_no_media(world: dict[str, Any]) -> None:
    before, after = world["before"], world["after_crawl"]
    assert before["versions"] <= after["versions"], "a version archived before the hostile crawl is gone"
    assert all(after["counts"][name] >= count for name, count in before["counts"].items())
    responses = 0
    for warc in (world["data"] / "warc").glob("*.warc.gz"):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    responses += 1
                    assert_no_media(record)
    assert responses >= 10


def assert_no_media(record: Any) -> None:
    """The record's payload as a reader gets it, judged by the crawler's own classifier (and the
    magic numbers above): Content-Encoding undone, a gzip file opened. What does not decode
    fails too, as the crawler refuses it."""
    uri = record.rec_headers.get_header("WARC-Target-URI")
    headers = record.http_headers.headers if record.http_headers else []
    coding = ", ".join(value for name, value in headers if name.lower() == "content-encoding")
    try:
        head = content_head(record.raw_stream.read(), content_codings(coding))
    except Undecodable as error:
        raise AssertionError(f"{uri}: undecodable body stored: {error}") from error
    assert media_kind(head) is None, uri
    assert not head.startswith(MEDIA_MAGIC) and head[4:8] != b"ftyp", uri


def test_the_catalogue_is_well_formed() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "case ids are unique"
    assert all(case.kind in RUNNERS and case.expect in ("error", "bounded") and case.description
               for case in CASES)
    passing = [case for case in CASES if not case.known]
    assert len(passing) >= 40


def test_the_written_catalogue_matches_the_cases() -> None:
    written = (Path(__file__).parent / "HOSTILE_INPUTS.md").read_text("utf-8")
    assert catalogue_table() in written, "regenerate the table: python -m tests.test_hostile_inputs"


def catalogue_table() -> str:
    """``tests/HOSTILE_INPUTS.md``'s table: one row per case."""
    rows = ["| id | input | through | expected | status |", "|---|---|---|---|---|"]
    for case in CASES:
        expected = f"error `{case.words}`" if case.expect == "error" and case.words else case.expect
        if case.kind == "api":
            expected = f"{case.status} " + ("JSON/HTML page" if case.status == 200 else expected)
        status = f"known defect: {case.known.removeprefix('reported: ')}" if case.known else "passes"
        description = case.description.replace("|", "\\|")
        rows.append(f"| {case.id} | {description} | {case.kind} | {expected} | {status} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(catalogue_table(), end="")
