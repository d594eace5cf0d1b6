"""A press room of many small releases on 127.0.0.1 that logs every request with its time.

The load test (tests/test_frontier_load.py) and ``bench/crawl.py --frontier`` judge a shared
crawl by what the site saw: which release each crawler process asked for, and when. The
releases are bench/sitegen.py's (title, date, language and text are a pure function of the
release number), cut to their first two paragraphs so that thousands of them crawl quickly;
listing pages of 50, newest first, a sitemap of every release and a robots.txt that allows the
press room. Each request is logged as (arrival time from ``time.time()``, request target,
User-Agent): a test gives each crawler process its own User-Agent to tell them apart.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from html import escape
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from tests.loopback import serve

BENCH = Path(__file__).resolve().parents[1] / "bench"
PER_PAGE = 50
FOLLOW = r"/press/(\?page=\d+)?$"
ARTICLE = r"/press/releases/"
HTML = "text/html; charset=utf-8"


def sitegen() -> ModuleType:
    """bench/sitegen.py, loaded by path (bench/ is no package)."""
    if "bench_sitegen" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_sitegen", BENCH / "sitegen.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_sitegen"] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules["bench_sitegen"]


class Request(NamedTuple):
    at: float  # time.time() when the request line and headers had arrived
    target: str
    agent: str


def listing_path(page: int) -> str:
    return "/press/" if page == 1 else f"/press/?page={page}"


class LoadRoom:
    """``releases`` small releases, served on 127.0.0.1 while used as a context manager."""

    host = "127.0.0.1"

    def __init__(self, releases: int) -> None:
        self.total = releases
        self.base_url = ""
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._pages: dict[str, tuple[str, bytes]] = {}
        self._serving = ExitStack()
        self._gen = sitegen()
        self.release_paths = [self._gen.release(n, releases).path for n in range(releases)]

    def profile_toml(self, name: str = "loadroom") -> str:
        return (
            f'name = "{name}"\ntitle = "Load test press room"\nagency = "Example National Police"\n'
            f'country = "ES"\nlanguage = "es"\nstart_urls = ["{self.base_url}/press/"]\n'
            f'allowed_domains = ["{self.host}"]\nsitemap_urls = ["{self.base_url}/sitemap.xml"]\n'
            f"follow = ['{FOLLOW}']\narticle = ['{ARTICLE}']\n"
        )

    def title(self, number: int) -> str:
        """The headline of release ``number`` (0 = oldest), as its page shows it."""
        return str(self._gen.release(number, self.total).title)

    def logged(self) -> list[Request]:
        """A copy of the request log so far, in arrival order."""
        with self._lock:
            return list(self.requests)

    def _log(self, target: str, agent: str) -> None:
        with self._lock:
            self.requests.append(Request(time.time(), target, agent))

    # -- pages ---------------------------------------------------------------------------------

    def _release(self, number: int) -> bytes:
        rel = self._gen.release(number, self.total)
        body = "".join(f"<p>{escape(p)}</p>" for p in rel.paragraphs[:2])
        return (
            f'<!DOCTYPE html><html lang="{rel.lang}"><head><meta charset="utf-8"><title>{escape(rel.title)}</title>'
            f'<link rel="canonical" href="{self.base_url}{rel.path}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/press/">Press releases</a></nav><main><article>'
            f'<h1>{escape(rel.title)}</h1><p class="meta"><time datetime="{rel.published}">{rel.published}</time></p>'
            f"{body}</article></main><footer>Example National Police press office</footer></body></html>"
        ).encode()

    def _listing(self, page: int, pages: int) -> bytes:
        newest = self.total - 1 - (page - 1) * PER_PAGE
        items = []
        for number in range(newest, max(newest - PER_PAGE, -1), -1):
            rel = self._gen.release(number, self.total)
            items.append(f'<li><a href="{rel.path}">{escape(rel.title)}</a> '
                         f'<time datetime="{rel.published}">{rel.published}</time></li>')
        nav = "".join(f'<a href="{listing_path(p)}">{p}</a> ' for p in (page - 1, page + 1) if 1 <= p <= pages)
        return (f"<!DOCTYPE html><html><head><title>Press releases, page {page}</title></head><body>"
                f"<h1>Press releases</h1><ul>{''.join(items)}</ul><nav>{nav}</nav></body></html>").encode()

    def _build(self) -> None:
        pages = max(1, -(-self.total // PER_PAGE))
        site = {"/robots.txt": ("text/plain", f"User-agent: *\nAllow: /\n\nSitemap: {self.base_url}/sitemap.xml\n"
                                .encode())}
        urls = "".join(f"<url><loc>{self.base_url}{path}</loc></url>" for path in reversed(self.release_paths))
        site["/sitemap.xml"] = ("application/xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>\n").encode())
        for page in range(1, pages + 1):
            site[listing_path(page)] = (HTML, self._listing(page, pages))
        for number, path in enumerate(self.release_paths):
            site[path] = (HTML, self._release(number))
        self._pages = site

    def respond(self, target: str, agent: str) -> tuple[int, str, bytes]:
        self._log(target, agent)
        found = self._pages.get(target)
        if found is None:
            return 404, HTML, b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
        return 200, *found

    # -- serving -------------------------------------------------------------------------------

    def __enter__(self) -> LoadRoom:
        """Serve the room (tests/loopback.py's server) until the ``with`` block ends."""
        handler = type("LoadRoomHandler", (_Handler,), {"room": self})
        with ExitStack() as stack:
            self.base_url = stack.enter_context(serve(handler))
            self._build()  # the sitemap and robots.txt name the base URL
            self._serving = stack.pop_all()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._serving.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    room: LoadRoom

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        status, kind, body = self.room.respond(self.path, self.headers.get("User-Agent", ""))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: requests are kept in ``LoadRoom.requests``."""
