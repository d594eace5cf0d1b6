"""A hostile press room on 127.0.0.1: every way a real site can break a crawler, one per path.

``/press/`` lists links to all of them, so a crawl of the room meets every fault:

| path | fault |
|---|---|
| ``/releases/plain`` | none (the control release) |
| ``/releases/slow`` | answers after :data:`SLOW_SECONDS` (below the test's timeout) |
| ``/releases/too-slow`` | answers after :data:`TOO_SLOW_SECONDS` (far above it) |
| ``/releases/trickle`` | sends headers, then one byte every half second |
| ``/releases/rate-limited`` | 429 ``Retry-After: 2`` (seconds), then the release |
| ``/releases/unavailable`` | 503 ``Retry-After: <HTTP-date 2-3 s ahead>``, then the release |
| ``/releases/come-back-tomorrow`` | always 503 ``Retry-After: 86400`` |
| ``/releases/loop-a`` | 302 to ``loop-b``, which redirects back to ``loop-a`` |
| ``/releases/hop/N`` | 302 to ``hop/N+1``, forever |
| ``/releases/flaky`` | 502 once, then the release |
| ``/releases/broken`` | always 500 |
| ``/releases/huge`` | :data:`HUGE_SIZE` bytes of HTML with a Content-Length, streamed |
| ``/releases/huge-chunked`` | the same, chunked, no length announced |
| ``/releases/photo`` | JPEG bytes served as ``text/html`` |
| ``/releases/briefing`` | an MP4 video at an extensionless URL, ``video/mp4`` |
| ``/releases/malformed`` | unclosed tags and garbage bytes around a real release text |
| ``/releases/mislabelled`` | declares UTF-8, is windows-1252 |
| ``/releases/undeclared`` | windows-1252 with no charset anywhere |
| ``/releases/duplicate`` | one release under many URLs (:data:`DUPLICATE_VARIANTS`), each with |
| | ``<link rel=canonical>`` to the clean URL |
| ``/list?page=N`` | pagination that never ends (page 1 lists ``/releases/paged``) |
| ``/calendar/YYYY/MM`` | the previous and next month, forever (2019/12 lists ``/releases/calendar``) |

Every request is recorded with its arrival time (monotonic and wall clock), so a test can
measure how long the crawler waited between attempts. Slow answers wait on an event that
:meth:`FaultServer.stop` sets, so stopping never hangs on a sleeping handler.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

SLOW_SECONDS = 2.0
TOO_SLOW_SECONDS = 30.0
RATE_LIMIT_SECONDS = 2
HUGE_SIZE = 16 * 2**20  # far beyond loopback socket buffers, so a hang-up shows
CHUNK = 64 * 1024
HOP_LIMIT = 1000  # the endless redirect chain stops here, whatever the crawler does

#: Releases the crawler must archive, by path: (unique search word, title).
GOOD_RELEASES: dict[str, tuple[str, str]] = {
    "/releases/plain": ("Alder", "Operation Alder: twelve arrests for cross-border fuel fraud"),
    "/releases/slow": ("Birch", "Operation Birch: counterfeit medicines seized at the port"),
    "/releases/rate-limited": ("Cedar", "Operation Cedar: money-laundering network dismantled"),
    "/releases/unavailable": ("Damson", "Operation Damson: stolen cars recovered in three countries"),
    "/releases/flaky": ("Elm", "Operation Elm: illegal waste shipments stopped"),
    "/releases/malformed": ("Firethorn", "Operation Firethorn: phishing gang arrested"),
    "/releases/mislabelled": ("Gorse", "Operación Gorse: detenidos por fraude en subvenciones"),
    "/releases/undeclared": ("Hawthorn", "Operación Hawthorn: desmantelado un taller de armas"),
    "/releases/duplicate": ("Juniper", "Operation Juniper: wildlife traffickers charged"),
    "/releases/paged": ("Larch", "Operation Larch: cyber-extortion suspects identified"),
    "/releases/calendar": ("Maple", "Operation Maple: forged documents workshop closed"),
}

#: The addresses under which the listing links ``/releases/duplicate``.
DUPLICATE_VARIANTS = (
    "/releases/duplicate",
    "/releases/duplicate;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9",
    "/releases/duplicate?sid=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "/releases/duplicate?PHPSESSID=u8q4v1t0m2n3b5c6x7z8",
    "/releases/duplicate?print=1",
    "/releases/duplicate/",
    "/releases/duplicate/index.html",
)

#: Paths that must never be stored.
REFUSED = ("/releases/photo", "/releases/briefing", "/releases/huge", "/releases/huge-chunked")

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 64
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200_000

_ES_PARAGRAPHS = (
    "La Policía Federal de Ejemplo ha detenido a nueve personas en la Operación {name}, una "
    "investigación iniciada hace dieciocho meses tras la denuncia de una asociación de "
    "consumidores. Los agentes registraron once domicilios y intervinieron documentación, "
    "dispositivos electrónicos y 240.000 € en efectivo.",
    "Según los investigadores, la organización utilizaba sociedades pantalla para cobrar "
    "ayudas públicas que nunca llegaban a su destino. La operación ha contado con la "
    "colaboración de la Fiscalía y de las autoridades de tres países vecinos.",
    "Los detenidos han pasado a disposición judicial. La investigación sigue abierta y no se "
    "descartan nuevas detenciones en las próximas semanas, informó el portavoz del cuerpo.",
)

_EN_PARAGRAPHS = (
    "Investigators of the Example Federal Police arrested nine suspects in Operation {name}, "
    "an investigation opened eighteen months ago after a report from a consumer association. "
    "Officers searched eleven homes and seized documents, electronic devices and EUR 240,000 "
    "in cash.",
    "According to the investigators, the network used shell companies to collect public "
    "grants that never reached their purpose. Prosecutors and the authorities of three "
    "neighbouring countries took part in the operation.",
    "The suspects have been brought before a judge. The investigation continues and further "
    "arrests in the coming weeks are not ruled out, the force's spokesperson said.",
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One request as the server received it."""

    target: str  # path and query, as sent
    at: float  # time.monotonic() on arrival
    wall: float  # time.time() on arrival

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


def release_html(path: str, base_url: str, *, charset: str | None = "utf-8", canonical: bool = False) -> str:
    """The page of a good release: title, date, three paragraphs with its unique word."""
    word, title = GOOD_RELEASES[path]
    spanish = title.startswith("Operación")
    paragraphs = _ES_PARAGRAPHS if spanish else _EN_PARAGRAPHS
    meta = f'<meta charset="{charset}">' if charset else ""
    link = f'<link rel="canonical" href="{base_url}{path}">' if canonical else ""
    body = "\n".join(f"<p>{p.format(name=word)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{"es" if spanish else "en"}"><head>{meta}<title>{title}</title>{link}'
        f'</head><body><header><a href="/press/">Press room</a></header>'
        f'<main><article><h1>{title}</h1><time datetime="2019-11-20">20 November 2019</time>\n'
        f"{body}\n</article></main><footer>Example Federal Police</footer></body></html>"
    )


def listing_html(title: str, links: list[str]) -> str:
    items = "\n".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (f"<!doctype html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1><ul>{items}</ul></body></html>")


class _Handler(BaseHTTPRequestHandler):
    server_version = "FaultServer/1.0"
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection frees its thread after this
    room: FaultServer

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        try:
            self.room.answer(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the crawler hung up (timeout, size cap): expected

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: requests are recorded in ``FaultServer.requests``."""

    # -- ways to answer ------------------------------------------------------------------------

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send(302, b"", headers={"Location": location})

    def stream(self, size: int, *, chunked: bool) -> int:
        """Send ``size`` bytes of HTML in pieces; return how many were written before a hang-up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        piece = (b"<p>" + b"filler text of an enormous page " * 2000 + b"</p>\n")[:CHUNK]
        sent = 0
        try:
            while sent < size and not self.room.stopping.is_set():
                data = piece[: min(CHUNK, size - sent)]
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    self.wfile.write(data)
                sent += len(data)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        finally:
            self.room.note_sent(self.path, sent)
        return sent

    def trickle(self, seconds: float) -> None:
        """Announce a small page, then send it one byte every half second."""
        body = release_html("/releases/plain", self.room.base_url).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        deadline = time.monotonic() + seconds
        for byte in body:
            if time.monotonic() > deadline or self.room.stopping.wait(0.5):
                self.close_connection = True
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()


class FaultServer:
    """The hostile press room, served on ``127.0.0.1`` (port 0 picks a free one)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.base_url = ""
        self.requests: list[Hit] = []
        self.sent: dict[str, int] = {}
        self.retry_after_until: dict[str, float] = {}  # path: the epoch a Retry-After date named
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._attempts: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> str:
        if self._server is not None:
            return self.base_url
        handler = type("FaultHandler", (_Handler,), {"room": self})
        server = ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self.stopping.clear()
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name=f"fault-server-{self.port}", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> FaultServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    # -- what the tests read -------------------------------------------------------------------

    def hits(self, path: str) -> list[Hit]:
        """Requests whose path is ``path`` (any query)."""
        with self._lock:
            return [hit for hit in self.requests if hit.path == path]

    def targets(self) -> list[str]:
        with self._lock:
            return [hit.target for hit in self.requests]

    def note_sent(self, target: str, size: int) -> None:
        with self._lock:
            self.sent[target] = size

    def profile_toml(self, name: str = "hostile") -> str:
        """A source profile crawling this room from ``/press/``."""
        if not self.base_url:
            raise RuntimeError("start the fault server before asking for its profile")
        return "\n".join([
            f'name = "{name}"',
            'title = "A hostile press room"',
            'agency = "Example Federal Police"',
            'country = "ES"',
            'language = "en"',
            f'start_urls = ["{self.base_url}/press/"]',
            'allowed_domains = ["127.0.0.1"]',
            r"""follow = ['/press/$', '/list\?page=\d+$', '/calendar/\d{4}/\d{2}$']""",
            "article = ['/releases/']",
            "",
        ])

    # -- answering -----------------------------------------------------------------------------

    def _attempt(self, key: str) -> int:
        """How many times ``key`` has been asked for, this request included."""
        with self._lock:
            self._attempts[key] = self._attempts.get(key, 0) + 1
            return self._attempts[key]

    def answer(self, handler: _Handler) -> None:
        target = handler.path
        with self._lock:
            self.requests.append(Hit(target, time.monotonic(), time.time()))
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        base = self.base_url

        if path == "/robots.txt":
            handler.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif path == "/press/":
            handler.send(200, listing_html("Press room", self.listing_links()).encode())
        elif path == "/list":
            page = int((query.get("page") or ["1"])[0] or 1)
            links = [f"/list?page={page + 1}"] + (["/releases/paged"] if page == 1 else [])
            handler.send(200, listing_html(f"All releases, page {page}", links).encode())
        elif path.startswith("/calendar/"):
            self._calendar(handler, path)
        elif path.startswith("/releases/duplicate"):
            page = release_html("/releases/duplicate", base, canonical=True)
            handler.send(200, page.encode())
        elif path in ("/releases/plain", "/releases/paged", "/releases/calendar"):
            handler.send(200, release_html(path, base).encode())
        elif path == "/releases/slow":
            self.stopping.wait(SLOW_SECONDS)
            handler.send(200, release_html(path, base).encode())
        elif path == "/releases/too-slow":
            self.stopping.wait(TOO_SLOW_SECONDS)
            handler.send(200, release_html("/releases/plain", base).encode())
        elif path == "/releases/trickle":
            handler.trickle(TOO_SLOW_SECONDS)
        elif path == "/releases/rate-limited":
            if self._attempt(path) == 1:
                handler.send(429, b"Too many requests", "text/plain",
                             {"Retry-After": str(RATE_LIMIT_SECONDS)})
            else:
                handler.send(200, release_html(path, base).encode())
        elif path == "/releases/unavailable":
            if self._attempt(path) == 1:
                # Whole seconds, at least two ahead: the crawler must wait until then.
                until = int(time.time()) + 3
                with self._lock:
                    self.retry_after_until[path] = until
                handler.send(503, b"Down for maintenance", "text/plain",
                             {"Retry-After": formatdate(until, usegmt=True)})
            else:
                handler.send(200, release_html(path, base).encode())
        elif path == "/releases/come-back-tomorrow":
            handler.send(503, b"Down for maintenance", "text/plain", {"Retry-After": "86400"})
        elif path == "/releases/loop-a":
            handler.redirect(f"{base}/releases/loop-b")
        elif path == "/releases/loop-b":
            handler.redirect("/releases/loop-a")
        elif path.startswith("/releases/hop/"):
            hop = int(path.rsplit("/", 1)[1] or 0)
            if hop < HOP_LIMIT:
                handler.redirect(f"/releases/hop/{hop + 1}")
            else:
                handler.send(404, b"no more hops", "text/plain")
        elif path == "/releases/flaky":
            if self._attempt(path) == 1:
                handler.send(502, b"Bad gateway", "text/plain")
            else:
                handler.send(200, release_html(path, base).encode())
        elif path == "/releases/broken":
            handler.send(500, b"Internal server error", "text/plain")
        elif path == "/releases/huge":
            handler.stream(HUGE_SIZE, chunked=False)
        elif path == "/releases/huge-chunked":
            handler.stream(HUGE_SIZE, chunked=True)
        elif path == "/releases/photo":
            handler.send(200, JPEG, "text/html; charset=utf-8")
        elif path == "/releases/briefing":
            handler.send(200, MP4, "video/mp4")
        elif path == "/releases/malformed":
            handler.send(200, malformed_html(base), "text/html")
        elif path == "/releases/mislabelled":
            page = release_html(path, base, charset="utf-8")
            handler.send(200, page.encode("cp1252"), "text/html; charset=utf-8")
        elif path == "/releases/undeclared":
            page = release_html(path, base, charset=None)
            handler.send(200, page.encode("cp1252"), "text/html")
        else:
            handler.send(404, b"Not found", "text/plain")

    def listing_links(self) -> list[str]:
        paths = [p for p in GOOD_RELEASES if p not in ("/releases/paged", "/releases/calendar", "/releases/duplicate")]
        return [
            *paths, *DUPLICATE_VARIANTS, "/releases/too-slow", "/releases/trickle",
            "/releases/come-back-tomorrow", "/releases/loop-a", "/releases/hop/1", "/releases/broken",
            *REFUSED, "/list?page=1", "/calendar/2019/12",
        ]

    def _calendar(self, handler: _Handler, path: str) -> None:
        try:
            year, month = (int(part) for part in path.removeprefix("/calendar/").strip("/").split("/"))
        except ValueError:
            handler.send(404, b"Not found", "text/plain")
            return
        previous = (year, month - 1) if month > 1 else (year - 1, 12)
        following = (year, month + 1) if month < 12 else (year + 1, 1)
        links = [f"/calendar/{y:04d}/{m:02d}" for y, m in (previous, following)]
        if (year, month) == (2019, 12):
            links.append("/releases/calendar")
        handler.send(200, listing_html(f"Releases of {year}-{month:02d}", links).encode())


def malformed_html(base_url: str) -> bytes:
    """A real release in broken markup a browser still shows: unclosed tags, stray bytes."""
    page = release_html("/releases/malformed", base_url)
    head, _, rest = page.partition("<main>")
    broken = (
        head.replace("</head>", "<meta name=description content=unquoted <link rel=stylesheet href=x.css")
        + "<div class=wrapper><table><tr><td><span><b>Press room <i>news"
        + "<main><!-- a comment that never ends -- -->"
        + rest.replace("</p>", "", 2).replace("</article>", "")
    ).encode()
    garbage = b"\x00\x01\xfe\xff\x80\x81 \xc3\x28 \xe2\x82 "
    return broken.replace(b"<h1>", garbage + b"<h1>", 1).replace(b"</footer>", b"</footer>" + garbage + b"</div")
