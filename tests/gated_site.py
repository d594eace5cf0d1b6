"""A press room on 127.0.0.1 whose releases wait behind a gate the test opens.

While the gate is shut a crawl of it is certainly still running (it waits for its releases),
so a test can run other commands against the same data directory at that moment, without
timing guesses. Every request is recorded with its User-Agent, so a test can tell which
crawl asked for what.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager

from tests.loopback import pages_handler, serve

#: The longest a release waits for the gate: a test that never opens it still ends.
GATE_TIMEOUT = 60.0


class GatedSite:
    def __init__(self, releases: int = 2) -> None:
        self.releases = releases
        self.gate = threading.Event()
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.base_url = ""
        self._serving: AbstractContextManager[str]

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
        handler = pages_handler(self._answer, lambda request: self.requests.append(
            (request.path, request.headers.get("User-Agent", ""))))
        self._serving = serve(handler)
        self.base_url = self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()
        self._serving.__exit__(None, None, None)

    def _answer(self, path: str) -> tuple[int, str, bytes]:
        status, body = self.page(path)
        return status, "text/plain" if path == "/robots.txt" else "text/html; charset=utf-8", body.encode()


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
