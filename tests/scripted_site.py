"""A press room on 127.0.0.1 whose every answer a test scripts, path by path, between crawls.

``site.routes[path]`` is an :class:`Answer` or a function of the :class:`Hit` returning one;
unknown paths answer 404. Every request is recorded with the Host header it was sent with, so
a test can tell ``127.0.0.1`` from ``localhost`` (the same server under a second host name:
a stand-in for another site).
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    host: str
    path: str
    attempt: int  # how many times this host and path were asked for, this request included


Route = Answer | Callable[[Hit], Answer]


def release_page(title: str, word: str) -> bytes:
    paragraph = (f"<p>Investigators arrested nine suspects in Operation {word}, after eighteen months of "
                 "inquiries into shell companies that collected public grants; officers searched eleven "
                 "homes and seized documents, devices and cash, and prosecutors of three countries took part.</p>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<article><h1>{title}</h1><time datetime="2019-11-20">20 November 2019</time>'
            f"{paragraph * 3}</article></body></html>").encode()


def listing_page(*links: str) -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"<!doctype html><html><head><title>News</title></head><body><ul>{items}</ul></body></html>".encode()


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, mtime=0)


class ScriptedSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {"/robots.txt": Answer(body=b"User-agent: *\nAllow: /\n",
                                                               content_type="text/plain")}
        self.hits: list[Hit] = []
        self.port = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def requested(self, path: str, host: str | None = None) -> int:
        with self._lock:
            return sum(1 for hit in self.hits if hit.path == path and (host is None or hit.host == host))

    def hosts(self) -> set[str]:
        with self._lock:
            return {hit.host for hit in self.hits}

    def answer(self, host: str, path: str) -> Answer:
        with self._lock:
            attempt = 1 + sum(1 for hit in self.hits if hit.host == host and hit.path == path)
            hit = Hit(host, path, attempt)
            self.hits.append(hit)
        route = self.routes.get(path, Answer(404, b"not found", "text/plain"))
        return route if isinstance(route, Answer) else route(hit)

    def profile_toml(self, *, start: str = "/news/", feeds: tuple[str, ...] = (), sitemaps: tuple[str, ...] = (),
                     name: str = "scripted") -> str:
        def urls(paths: tuple[str, ...]) -> str:
            return ", ".join(f'"{self.base_url}{path}"' for path in paths)

        return "\n".join([
            f'name = "{name}"', 'language = "en"', 'country = "GB"',
            f"start_urls = [{urls((start,) if start else ())}]", f"feed_urls = [{urls(feeds)}]",
            f"sitemap_urls = [{urls(sitemaps)}]", 'allowed_domains = ["127.0.0.1"]',
            "follow = ['/news/(\\?page=\\d+)?$']", "article = ['/releases/']", "",
        ])

    def __enter__(self) -> ScriptedSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - stdlib naming
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
                answer = site.answer(host, self.path)
                self.send_response(answer.status)
                if answer.content_type:
                    self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
