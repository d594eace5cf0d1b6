"""A press room on 127.0.0.1 whose releases wait behind a gate the test opens.

While the gate is shut a crawl of it is certainly still running (it waits for its releases),
so a test can run other commands against the same data directory at that moment, without
timing guesses. Every request is recorded with its User-Agent, so a test can tell which
crawl asked for what.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: The longest a release waits for the gate: a test that never opens it still ends.
GATE_TIMEOUT = 60.0


class GatedSite:
    def __init__(self, releases: int = 2) -> None:
        self.releases = releases
        self.gate = threading.Event()
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.base_url = ""

    def profile_toml(self, name: str = "gated") -> str:
        return (
            f'name = "{name}"\nlanguage = "en"\ncountry = "GB"\n'
            f'start_urls = ["{self.base_url}/news/"]\nallowed_domains = ["127.0.0.1"]\n'
            "article = ['/news/releases/\\d+$']\n"
        )

    def seen(self, prefix: str = "", agent: str = "") -> list[str]:
        return [path for path, ua in list(self.requests) if path.startswith(prefix) and agent in ua]

    def page(self, path: str) -> tuple[int, str]:
        if path == "/robots.txt":
            return 200, "User-agent: *\n"
        if path == "/news/":
            links = "".join(f'<li><a href="/news/releases/{n}">Release {n}</a></li>' for n in range(self.releases))
            return 200, f"<html><body><h1>News</h1><ul>{links}</ul></body></html>"
        number = path.removeprefix("/news/releases/")
        if number.isdigit() and int(number) < self.releases:
            self.gate.wait(GATE_TIMEOUT)
            return 200, _release_html(int(number))
        return 404, "not found"

    def __enter__(self) -> GatedSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib naming
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                status, body = site.page(self.path)
                data = body.encode()
                self.send_response(status)
                kind = "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()
        self._server.shutdown()
        self._server.server_close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a crawl killed mid-response is what some tests do on purpose


def _release_html(number: int) -> str:
    text = " ".join(
        f"Paragraph {i} of release {number}: the police dismantled a network, arrested suspects "
        "and seized evidence in a joint operation with partner agencies." for i in range(1, 5)
    )
    return (
        f'<html lang="en"><head><title>Release {number}</title></head><body><article>'
        f"<h1>Release {number} on operation Gatekeeper</h1><time datetime=\"2024-03-0{number % 9 + 1}\">"
        f"2024-03-0{number % 9 + 1}</time><p>{text}</p><p>{text}</p></article></body></html>"
    )
