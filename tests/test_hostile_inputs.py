"""The bad-input catalogue: every hostile input we know of, and what pressarchive must do with it.

Each :class:`Case` is one input with a one-line description; ``tests/HOSTILE_INPUTS.md`` is the
same catalogue as a table (``python -m tests.test_hostile_inputs`` prints it). Whatever the
input, the answer is a clear error (CLI: one ``error:`` line, exit 1 or 2, no traceback; API:
a 4xx ``{"error": ...}``) or a bounded result, and afterwards nothing archived is lost and no
media byte is stored.

One archive is shared by the module: the sample press room crawled once, then the hostile site
of ``tests/hostile_inputs_site.py`` (XML bombs, external entities, 10,000 links, deep nesting,
a looping PDF, terminal escapes) crawled into it. The read-only CLI cases run ``main()`` in this
process with the real CLI's strict UTF-8 stdout (a subprocess costs seconds each); those that
may crawl run ``python -m pressarchive`` in subprocesses, in parallel. API cases are sent as
raw ASGI requests, so invalid UTF-8 and 100 KB values reach the app exactly as uvicorn passes
them. A case with ``known`` set is a reported defect outside this module's reach: it runs as a
strict xfail, so a fix makes it fail until ``known`` is cleared.

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
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from warcio.archiveiterator import ArchiveIterator

from pressarchive.web.security import HEADERS as SECURITY_HEADERS
from tests.conftest import CLI, REPO
from tests.hostile_inputs_site import CONTROL_CHARS, RELEASE_WORDS, HostileInputsSite

LONG = "a" * 100_000  # an over-long filter value (100 KB)
BAD_UTF8 = "\udcff\udcfe"  # what Python makes of the bytes ff fe in a command-line argument
OUTPUT_BOUND = 2_000_000  # bytes any one answer may print
QUERY_BOUND = 20.0  # seconds a subprocess case may take (5 s query limit, start-up, a loaded machine)
CRAWL_BOUND = 90.0  # seconds the hostile crawl may take
MEMORY_BOUND_KB = 1_500_000  # peak RSS of any child process (a billion laughs would be GBs)
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
            timeout: float = QUERY_BOUND) -> Case:
    return Case(id, description, "cli-sub", args, expect, words, known=known, extra={"timeout": timeout})


def api(id: str, description: str, target: str, status: int = 400, words: str = "", known: str = "",
        **extra: str) -> Case:
    """``extra``: ``method`` (default GET), ``host`` (then served as ``serve`` on 127.0.0.1:8000)."""
    expect = "bounded" if status == 200 else "error"
    return Case(id, description, "api", (target,), expect, words, status, known, extra)


def crawl(id: str, description: str, check: str, known: str = "") -> Case:
    return Case(id, description, "crawl", (check,), "bounded", known=known)


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
           "limit", "page")
_NUMERIC = ("year", "limit", "page", "since", "until", "sort")  # refused; the others filter to nothing
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
      for opt in ("--lang", "--source", "--agency", "--country", "--operation")),
    cli("cli-search-sort-badutf8", "search x --sort <invalid UTF-8>", "search", "x", "--sort", BAD_UTF8,
        words="--sort"),
    *(cli(f"cli-search-{opt.strip('-')}-badutf8", f"search x {opt} <invalid UTF-8>", "search", "x", opt, BAD_UTF8,
          words=opt)
      for opt in ("--year", "--limit", "--page", "--since", "--until")),
    *(cli(f"cli-search-{opt.strip('-')}-long", f"search x {opt} <100 KB>", "search", "x", opt, LONG,
          expect="bounded")
      for opt in ("--source", "--agency", "--country", "--operation", "--lang")),
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
         extra=profile('name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\n')),
    Case("profile-bad-regex", "profile with `article = [\"(\"]`", "cli", words="bad regular expression",
         extra=profile('name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["("]\n')),
    Case("profile-nul", "profile with a NUL byte", "cli", words="not valid TOML",
         extra=profile('name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x\x00"]\n')),
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
         extra=profile('name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x"]\nsince = 2017-13-01\n')),
    Case("profile-since-number", "profile since = 99999", "cli", words="field 'since'",
         extra=profile('name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x"]\nsince = 99999\n')),
    Case("profile-since-basic", "profile since = \"20170101\" (a string)", "cli", words="field 'since'",
         extra=profile('name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x"]\nsince = "20170101"\n')),
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
    crawl("page-escape-sequences", "a release with ESC/BEL/NUL in title and text: no C0 control in any output",
          "controls:C0"),
    crawl("page-c1-controls", "a release with C1 CSI (U+009B) in title and text: none in any output",
          "controls:C1"),
]

CASES: list[Case] = [*_DATE_CASES, *_API_ENCODING_CASES, *_API_CASES, *_CLI_CASES, *_PROFILE_CASES,
                     *_ADD_CASES, *_CRAWL_CASES]


# -- the shared archive ---------------------------------------------------------------------------


def archive_state(data: Path) -> dict[str, Any]:
    """What must never shrink: the counts, and every version's identity."""
    with contextlib.closing(sqlite3.connect(f"file:{data / 'archive.sqlite'}?mode=ro", uri=True)) as db:
        counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("documents", "versions", "captures", "sources")}
        versions = set(db.execute("SELECT document_id, number, text_sha256 FROM versions").fetchall())
    return {"counts": counts, "versions": versions}


@pytest.fixture(scope="module")
def world(crawled: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The sample archive, then the hostile site crawled into it; the crawl's outputs.

    The subprocess cases start first, on copies of the sample archive, and run beside the crawl.
    """
    cli_runner: CLI = crawled["cli"]
    data = cli_runner.data
    before = archive_state(data)
    with ThreadPoolExecutor(max_workers=2) as pool:
        background = start_subprocess_cases(pool, data, tmp_path_factory.mktemp("cli-sub"))
        with HostileInputsSite() as site:
            profile_file = tmp_path_factory.mktemp("hostile") / "hostile.toml"
            profile_file.write_text(site.profile_toml(), "utf-8")
            started = time.monotonic()
            result = cli_runner("crawl", "--profile", str(profile_file), "--delay", "0", timeout=CRAWL_BOUND * 2)
            seconds = time.monotonic() - started
            requests = list(site.requests)
        reports = sorted((data / "reports").glob("crawl-*.json"))
        summary = json.loads(reports[-1].read_text())["summaries"][0]
        yield {"data": data, "before": before, "crawl": result, "seconds": seconds, "requests": requests,
               "summary": summary, "base": site.base, "after_crawl": archive_state(data),
               "subprocess_results": background, "profiles": tmp_path_factory.mktemp("profiles")}


def start_subprocess_cases(pool: ThreadPoolExecutor, data: Path, folder: Path) -> dict[str, Future[Any]]:
    """Every ``cli-sub`` case started (they are slow to start, not to run), each on its own copy
    of the archive's store, so that they cannot see each other's writes."""

    def run(case: Case, copy: Path) -> dict[str, Any]:
        before = archive_state(copy)
        result = run_subprocess(copy, list(case.args), case.extra["timeout"])
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
    check_cli_answer(case, run_in_process(world["data"], args))
    return None


def _tripwire(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("the input was accepted: a crawl would start here")


def run_cli_sub(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> States:
    result = world["subprocess_results"][case.id].result()
    check_cli_answer(case, result)
    return result["states"]  # type: ignore[no-any-return]


def run_api(case: Case, world: dict[str, Any], request: pytest.FixtureRequest) -> States:
    app = request.getfixturevalue("served_app" if "host" in case.extra else "app")
    status, headers, body = asgi_get(app, case.args[0], case.extra.get("method", "GET"),
                                     case.extra.get("host", "127.0.0.1"))
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
        assert set(answer) == {"error"} and "\n" not in answer["error"]
        assert case.words in answer["error"], answer["error"]
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
    assert path in world["requests"]
    summary = world["summary"]
    assert summary["errors_by_kind"].get("extraction", 0) + summary["skipped_by_reason"].get("no_text", 0) >= 1


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
    "controls": _check_controls,
}
RUNNERS: dict[str, Callable[[Case, dict[str, Any], pytest.FixtureRequest], States]] = {
    "cli": run_cli, "cli-sub": run_cli_sub, "api": run_api, "crawl": run_crawl_check,
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
        if case.expect == "error":
            assert later["counts"] == earlier["counts"], "refused input changed the archive"
        else:  # a writing command may register its source ("added"); it may lose nothing
            assert all(later["counts"][name] >= count for name, count in earlier["counts"].items())


def test_the_hostile_crawl_lost_nothing_and_stored_no_media(world: dict[str, Any]) -> None:
    before, after = world["before"], world["after_crawl"]
    assert before["versions"] <= after["versions"], "a version archived before the hostile crawl is gone"
    assert all(after["counts"][name] >= count for name, count in before["counts"].items())
    for warc in (world["data"] / "warc").glob("*.warc.gz"):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    head = record.content_stream().read(16)
                    uri = record.rec_headers.get_header("WARC-Target-URI")
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
