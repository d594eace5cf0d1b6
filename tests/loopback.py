"""Small test sites on 127.0.0.1: the server-in-a-thread boilerplate, written once.

Tests serve sites from a real HTTP server on loopback and nothing else. :func:`serve` runs
any request handler on a free port in daemon threads; :func:`pages_handler` makes a handler
from a function that answers a path with (status, Content-Type, body).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Page = Callable[[str], tuple[int, str, bytes]]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a crawl killed or cut off mid-response is what some tests do on purpose


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 until the block ends; yields the base URL."""
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def pages_handler(
    page: Page, seen: Callable[[BaseHTTPRequestHandler], None] | None = None,
) -> type[BaseHTTPRequestHandler]:
    """A GET handler that answers each path with what ``page`` returns for it, after telling
    ``seen`` about the request (to record paths or headers)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            if seen is not None:
                seen(self)
            status, kind, body = page(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler
