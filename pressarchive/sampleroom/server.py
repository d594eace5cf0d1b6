"""A real HTTP server for the sample press room, on the loopback interface.

End-to-end tests and ``pressarchive demo`` crawl it exactly as they would crawl an agency's
site. It records every request target it receives, so a test can prove what a crawler fetched
and, as importantly, what it never fetched (drafts, media, offsite links). The ``revision``
can be switched while it runs to simulate a release corrected in place. Pages carry an ETag
and answer ``If-None-Match`` with 304, as most CMSs do, so recrawls can be conditional.
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from pressarchive.sampleroom.profile import build_profile, profile_to_toml
from pressarchive.sampleroom.site import Response, Site


class _Handler(BaseHTTPRequestHandler):
    server_version = "SamplePressRoom/1.0"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds an idle keep-alive connection may hold its thread
    room: SamplePressRoom  # set on the per-instance subclass

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        response: Response = self.room._respond(self.path)
        etag = f'"{hashlib.sha1(response.body).hexdigest()}"'  # changes whenever the page does
        if response.status == 200 and self.headers.get("If-None-Match") == etag:
            self.room._not_modified(self.path)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.status == 200:
            self.send_header("ETag", etag)
        if response.location is not None:
            self.send_header("Location", response.location)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet: the room keeps its own log in ``SamplePressRoom.requests``."""


class SamplePressRoom:
    """The bundled fictional press room, served on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, revision: int = 1) -> None:
        self.host = host
        self.port = port
        self.revision = revision
        self.base_url = ""
        self.requests: list[str] = []
        self.not_modified: list[str] = []  # targets answered 304 to a conditional request
        self._lock = threading.Lock()
        self._sites: dict[int, Site] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def revision(self) -> int:
        """Which version of the site is served; 2 publishes the corrected release."""
        return self._revision

    @revision.setter
    def revision(self, value: int) -> None:
        if not isinstance(value, int) or value < 1:
            raise ValueError("revision must be an integer >= 1")
        self._revision = value

    def start(self) -> str:
        """Start serving in a daemon thread and return the base URL."""
        if self._server is not None:
            return self.base_url
        handler = type("SampleRoomHandler", (_Handler,), {"room": self})
        server = ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._sites.clear()
        self._site(self.revision)  # render up front so a broken site fails here, not mid-test
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name=f"sample-press-room-{self.port}", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> SamplePressRoom:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def profile(self) -> dict[str, Any]:
        """The source profile for this running instance."""
        if not self.base_url:
            raise RuntimeError("start the sample press room before asking for its profile")
        return build_profile(self.base_url)

    def profile_toml(self) -> str:
        """:meth:`profile` as TOML text."""
        return profile_to_toml(self.profile())

    def _site(self, revision: int) -> Site:
        with self._lock:
            if revision not in self._sites:
                self._sites[revision] = Site(self.base_url, min(revision, 2))
            return self._sites[revision]

    def _not_modified(self, target: str) -> None:
        with self._lock:
            self.not_modified.append(target)

    def _respond(self, target: str) -> Response:
        with self._lock:
            self.requests.append(target)
        return self._site(self.revision).resolve(target)
