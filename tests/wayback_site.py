"""A small Wayback Machine on 127.0.0.1: a CDX API answering in its JSON format and ``id_`` captures.

It behaves as the documented API does where the import depends on it: ``url`` with a
trailing ``*`` is a prefix match, ``from``/``to`` are timestamp prefixes padded to the start
and end of their period, ``filter=field:regex`` keeps rows whose field matches the whole
regex, ``collapse=digest`` drops a row whose digest equals the row before's, ``limit`` (capped
at :data:`MAX_ROWS`, the server's own maximum, so paging happens) ends a page and
``showResumeKey=true`` then appends an empty row and the key. Captures are served at
``/web/<timestamp>id_/<original>`` with the archived Content-Type and the other archived
headers prefixed ``X-Archive-Orig-``. Every request is logged with its time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.loopback import serve

MAX_ROWS = 3
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
PARAGRAPH = ("The national police dismantled a network that sold stolen identities online; {what}. The "
             "investigation began two years ago and involved officers in several countries and agencies. ")


def release(title: str, what: str) -> bytes:
    text = PARAGRAPH.format(what=what) * 3
    return (f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>").encode()


@dataclass
class Capture:
    timestamp: str
    original: str
    body: bytes
    mimetype: str = "text/html"
    gzip: bool = False  # served with Content-Encoding: gzip, as archived
    throttle_once: bool = False  # answers 429 with Retry-After: 1 the first time
    served_at: str = ""  # the Wayback Machine sends its id_ URL on to this nearby timestamp

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body).hexdigest().upper()

    @property
    def path(self) -> str:
        return f"/web/{self.timestamp}id_/{self.original}"


class FakeWayback:
    def __init__(self, captures: list[Capture]) -> None:
        self.captures = sorted(captures, key=lambda c: (c.original.split("://", 1)[1], c.timestamp))
        self.requests: list[tuple[float, str]] = []
        self.throttled: set[str] = set()
        self.lock = threading.Lock()
        self.base_url = ""

    def paths(self, prefix: str = "") -> list[str]:
        return [path for _when, path in self.requests if path.startswith(prefix)]

    def cdx_queries(self) -> list[dict[str, list[str]]]:
        return [parse_qs(urlsplit(path).query) for path in self.paths("/cdx/")]

    # -- answers ------------------------------------------------------------------------------

    def answer(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        with self.lock:
            self.requests.append((time.monotonic(), path))
        if path == "/robots.txt":
            return 200, [("Content-Type", "text/plain")], ROBOTS
        if path.startswith("/cdx/search/cdx?"):
            return 200, [("Content-Type", "application/json")], self.cdx(parse_qs(urlsplit(path).query))
        match = re.match(r"^/web/(\d{14})id_/(.+)$", path)
        capture = next((c for c in self.captures if match and (c.timestamp, c.original) == match.groups()), None)
        if capture is not None and capture.served_at:
            return 302, [("Location", f"/web/{capture.served_at}id_/{capture.original}")], b""
        capture = capture or next((c for c in self.captures if match and (c.served_at, c.original) == match.groups()),
                                  None)
        if capture is None:
            return 404, [("Content-Type", "text/html")], b"<html><body>Not in archive</body></html>"
        with self.lock:
            if capture.throttle_once and capture.path not in self.throttled:
                self.throttled.add(capture.path)
                return 429, [("Content-Type", "text/html"), ("Retry-After", "1")], b"<html>slow down</html>"
        headers = [("Content-Type", capture.mimetype), ("Memento-Datetime", "Mon, 01 Jan 2018 00:00:00 GMT"),
                   ("X-Archive-Orig-Server", "Apache"), ("X-Archive-Orig-Content-Length", "1"),
                   ("X-Archive-Orig-ETag", f'"{capture.digest[:8]}"')]
        body = capture.body
        if capture.gzip:
            body = gzip.compress(body)
            headers += [("Content-Encoding", "gzip"), ("X-Archive-Orig-Content-Encoding", "gzip")]
        return 200, headers, body

    def cdx(self, query: dict[str, list[str]]) -> bytes:
        pattern = query["url"][0]
        fields = query.get("fl", ["urlkey,timestamp,original,mimetype,statuscode,digest,length"])[0].split(",")
        start = query.get("from", [""])[0].ljust(14, "0")
        end = query.get("to", ["9"])[0].ljust(14, "9")
        filters = [item.split(":", 1) for item in query.get("filter", [])]
        rows: list[dict[str, str]] = []
        for capture in self.captures:
            row = {"urlkey": capture.original, "timestamp": capture.timestamp, "original": capture.original,
                   "mimetype": capture.mimetype, "statuscode": "200", "digest": capture.digest,
                   "length": str(len(capture.body))}
            if not _matches(pattern, capture.original) or not start <= capture.timestamp <= end:
                continue
            if any(not re.fullmatch(regex, row[name]) for name, regex in filters):
                continue
            if "digest" in query.get("collapse", []) and rows and rows[-1]["digest"] == row["digest"]:
                continue
            rows.append(row)
        offset = int(query.get("resumeKey", ["0"])[0])
        limit = min(int(query.get("limit", [str(MAX_ROWS)])[0]), MAX_ROWS)
        page = rows[offset:offset + limit]
        table: list[list[Any]] = [fields] + [[row[name] for name in fields] for row in page]
        if query.get("showResumeKey") == ["true"] and offset + limit < len(rows):
            table += [[], [str(offset + limit)]]
        return json.dumps(table).encode()


def _matches(pattern: str, original: str) -> bool:
    bare, wanted = (re.sub(r"^(https?://)?(www\.)?", "", url) for url in (original, pattern))
    return bare.startswith(wanted[:-1]) if wanted.endswith("*") else bare == wanted


@contextmanager
def serve_wayback(captures: list[Capture]) -> Iterator[FakeWayback]:
    wayback = FakeWayback(captures)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib naming
            status, headers, body = wayback.answer(self.path)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    with serve(Handler) as base_url:
        wayback.base_url = base_url
        yield wayback
