"""Response headers that let a browser contain whatever slips into an archived page, and the
Host check that keeps a hostile web page from reaching a local server through DNS rebinding.

Archived titles and texts are escaped, but no page needs a script at all (``/docs`` included:
it is rendered on the server), so a strict Content-Security-Policy makes any injected markup
inert as a second line of defence. The headers go on every response, errors and the 500 page
included, which is why :class:`SecurityHeaders` wraps the whole app, outside Starlette's own
error handling (see :class:`pressarchive.web.app.ArchiveApp`).

A page on ``attacker.example`` whose name is made to resolve to 127.0.0.1 can send requests to
a server on the reader's laptop with the browser's blessing; the only trace is the ``Host``
header, which names the attacker's domain. :class:`HostCheck` answers such requests with a 400.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressarchive.web.handlers import error_response

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: The document page's policy: the one page with a script, our own static ``copy.js`` (the
#: citations' Copy buttons); never an inline script.
DOCUMENT_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'none'", "script-src 'self'")


def archived_copy_policy(nonce: str) -> str:
    """The policy of an archived original (``/doc/{id}/raw``): a sandbox (an opaque origin with
    no scripts, forms, popups or automatic refresh) that loads nothing at all, so the page's
    scripts, images, styles, fonts and frames stay unloaded and it makes no outside request.
    The one style allowed is the banner's own, named by ``nonce`` (fresh for each response,
    so the archived page cannot borrow it)."""
    return (
        "sandbox; default-src 'none'; script-src 'none'; "
        f"style-src 'nonce-{nonce}'; img-src 'none'; font-src 'none'; media-src 'none'; "
        "object-src 'none'; frame-src 'none'; connect-src 'none'; form-action 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )


HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
#: Names a loopback server answers to besides the one it was started with.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
#: Bind addresses that mean "every interface": the machine's own addresses are not known.
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")
HTTP_PORT = 80  # what a Host header without a port means


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def split_host(value: str) -> tuple[str, int] | None:
    """``Host`` header value -> (normalised name, port), or None when it is malformed.

    Names are lower-cased without a trailing dot, IP addresses written canonically (IPv6
    without brackets), a missing port is HTTP's 80.
    """
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket:
            return None
    else:
        name, colon, port_text = value.partition(":")
        rest = colon + port_text
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and len(rest) <= 6):
        return None
    port = int(rest[1:]) if rest else HTTP_PORT
    name = _canonical_name(name)
    return (name, port) if name else None


def _canonical_name(name: str) -> str:
    name = name.rstrip(".")
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    return name == "localhost" or (_is_ip(name) and ipaddress.ip_address(name).is_loopback)


@dataclass(frozen=True)
class AllowedHosts:
    """Which ``Host`` headers a server bound to one address and port answers.

    ``served`` names are accepted with the served port (any port when it is 0: chosen by the
    OS); ``extra`` ones (``serve --allow-host``, for a reverse proxy) with the port they name,
    or any port when they name none; ``any_ip`` accepts every IP address on the served port,
    which a rebinding page cannot forge (it would be its own origin).
    """

    served: frozenset[str]
    port: int
    extra: frozenset[tuple[str, int | None]] = frozenset()
    any_ip: bool = False

    @classmethod
    def for_address(cls, host: str, port: int, extra: Iterable[str] = ()) -> AllowedHosts:
        """What a server bound to ``host``:``port`` answers, plus the ``extra`` names."""
        name = _canonical_name(host.strip().strip("[]").lower())
        wildcard = name in WILDCARD_ADDRESSES
        served = {name} if not wildcard else set()
        if wildcard or _is_loopback(name):
            served.update(LOOPBACK_NAMES)
        return cls(frozenset(served), port, frozenset(_extra_entry(item) for item in extra), wildcard)

    @classmethod
    def of_names(cls, names: Iterable[str]) -> AllowedHosts:
        """Only ``names`` (each ``name``, any port, or ``name:port``)."""
        return cls(frozenset(), 0, frozenset(_extra_entry(item) for item in names))

    def allows(self, header: str) -> bool:
        parsed = split_host(header)
        if parsed is None:
            return False
        name, port = parsed
        if (name, port) in self.extra or (name, None) in self.extra:
            return True
        if self.port and port != self.port:
            return False
        return name in self.served or (self.any_ip and _is_ip(name))

    def describe(self) -> str:
        """The accepted names, for the error message."""
        names = sorted(self.served) + sorted(name for name, _ in self.extra)
        return ", ".join(f"[{name}]" if ":" in name else name for name in names) or "IP addresses"


def _extra_entry(item: str) -> tuple[str, int | None]:
    """``--allow-host`` value: ``name`` (any port) or ``name:port``."""
    parsed = split_host(item)
    if parsed is None:
        raise ValueError(f"bad host name {item!r}: expected NAME or NAME:PORT")
    has_port = item.strip().rsplit("]", 1)[-1].count(":") == 1
    return parsed[0], parsed[1] if has_port else None


class HostCheck:
    """ASGI middleware: a 400 for requests whose ``Host`` the server does not answer to."""

    def __init__(self, app: ASGIApp, allowed: AllowedHosts) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if self.allowed.allows(host):
            await self.app(scope, receive, send)
            return
        message = (
            f"bad Host header {host[:60]!r}: this server answers to {self.allowed.describe()} "
            "(serve --allow-host adds a name)"
        )
        response = error_response(Request(scope), 400, message, parameter="Host", location="header", value=host)
        await response(scope, receive, send)
