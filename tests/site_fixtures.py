"""Fixture sites: small copies, in shape, of real press rooms, served on 127.0.0.1 for tests.

Each site is a folder under ``tests/fixtures/sites/<profile name>/`` with a ``routes.toml``
manifest that maps request targets (path plus query, as the real site spells them) to files::

    real_site = "https://www.example.org"   # the site the fixture is shaped like

    [[route]]
    path = "/press?page=2"       # query parameters may come in any order in a request
    file = "page2.html"          # optional: a route without a file answers 404
    role = "page"                # listing | page | release | feed | sitemap | robots | other
    content_type = "text/html"   # optional: else chosen from the role and file extension
    title = "..."                # releases: the headline a crawl must archive
    published = 2025-03-12       # releases: the date the page shows

Files may contain ``{base}`` where the real site has its scheme and host (absolute links in
feeds and sitemaps); it is replaced with the server's ``http://127.0.0.1:PORT``. The server
records every request target it receives in :attr:`FixtureSite.requests`.
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

SITES_DIR = Path(__file__).resolve().parent / "fixtures" / "sites"
ROLES = frozenset({"listing", "page", "release", "feed", "sitemap", "robots", "other"})
_TYPES = {
    "feed": "application/rss+xml; charset=utf-8",
    "sitemap": "application/xml; charset=utf-8",
    "robots": "text/plain; charset=utf-8",
}
_EXTENSION_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
                    ".txt": "text/plain; charset=utf-8"}


def request_key(target: str) -> str:
    """A request target with its query parameters in a stable order."""
    parts = urlsplit(target)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Route:
    path: str
    role: str
    file: str = ""
    content_type: str = ""
    title: str = ""
    published: date | None = None

    def type_for(self) -> str:
        if self.content_type:
            return self.content_type
        return _TYPES.get(self.role) or _EXTENSION_TYPES.get(Path(self.file).suffix, "application/octet-stream")


@dataclass
class SiteManifest:
    """A fixture site's ``routes.toml``: which file answers which request, and each URL's role."""

    name: str
    root: Path
    real_site: str
    routes: list[Route] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> SiteManifest:
        raw = tomllib.loads((root / "routes.toml").read_text("utf-8"))
        routes = [Route(**entry) for entry in raw.get("route", [])]
        for route in routes:
            if route.role not in ROLES:
                raise ValueError(f"{root.name}: route {route.path!r}: unknown role {route.role!r}")
            if route.file and not (root / route.file).is_file():
                raise ValueError(f"{root.name}: route {route.path!r}: no file {route.file!r}")
        return cls(name=root.name, root=root, real_site=raw["real_site"].rstrip("/"), routes=routes)

    def with_role(self, *roles: str) -> list[Route]:
        return [route for route in self.routes if route.role in roles]


def site_names() -> list[str]:
    """The fixture sites there are, by folder name."""
    return sorted(path.name for path in SITES_DIR.iterdir() if (path / "routes.toml").is_file())


class _Handler(BaseHTTPRequestHandler):
    server_version = "FixtureSite/1.0"
    protocol_version = "HTTP/1.1"
    timeout = 30
    site: FixtureSite  # set on the per-instance subclass

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        status, content_type, body = self.site.respond(self.path)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: requests are kept in ``FixtureSite.requests``."""


class FixtureSite:
    """One fixture site served by a ThreadingHTTPServer in a daemon thread."""

    def __init__(self, name_or_root: str | Path, host: str = "127.0.0.1", port: int = 0) -> None:
        root = Path(name_or_root)
        if not root.is_absolute() and not root.exists():
            root = SITES_DIR / str(name_or_root)
        self.manifest = SiteManifest.load(root)
        self.host, self.port = host, port
        self.base_url = ""
        self.requests: list[str] = []
        self._routes = {request_key(route.path): route for route in self.manifest.routes}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.manifest.name

    def url(self, path: str) -> str:
        return self.base_url + path

    def respond(self, target: str) -> tuple[int, str, bytes]:
        """Status, content type and body for a request target."""
        with self._lock:
            self.requests.append(target)
        route = self._routes.get(request_key(target))
        if route is None or not route.file:
            return 404, "text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>"
        text = (self.manifest.root / route.file).read_text("utf-8")
        return 200, route.type_for(), text.replace("{base}", self.base_url).encode("utf-8")

    def requested(self, path: str) -> bool:
        key = request_key(path)
        return any(request_key(target) == key for target in self.requests)

    def start(self) -> str:
        if self._server is None:
            handler = type(f"{self.name}Handler", (_Handler,), {"site": self})
            self._server = ThreadingHTTPServer((self.host, self.port), handler)
            self._server.daemon_threads = True
            self.port = self._server.server_address[1]
            self.base_url = f"http://{self.host}:{self.port}"
            self._thread = threading.Thread(target=self._server.serve_forever, name=f"fixture-{self.name}", daemon=True)
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FixtureSite:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
