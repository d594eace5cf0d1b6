"""Read-only CORS: any web page may read the JSON API and its OpenAPI document, none may write.

A researcher's notebook or a newsroom's dashboard on another origin can ``fetch`` searches and
documents: ``GET`` and ``HEAD`` answers under :data:`~pressarchive.web.urls.API_PREFIX` (and
``/openapi.json``) carry ``Access-Control-Allow-Origin: *``, and a preflight asking for them is
granted. Nothing is shared with credentials (no cookies exist anyway). Writes stay same-origin:
a ``POST`` or ``DELETE`` answer carries no CORS header, so a foreign page cannot read it, and a
preflight asking for any other method is refused with a 403, so a foreign page cannot send one
with the ``Authorization`` header or a JSON body a write needs. HTML pages get no CORS headers.

Starlette's ``CORSMiddleware`` is not enough here: it adds ``Access-Control-Allow-Origin`` to
the answer of every method and every path, writes included.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressarchive.web import urls
from pressarchive.web.handlers import error_response

READ_METHODS = ("GET", "HEAD")
#: How long a browser may reuse a granted preflight, in seconds.
PREFLIGHT_MAX_AGE = 600
ALLOW_ORIGIN = "Access-Control-Allow-Origin"


class ReadOnlyCors:
    """ASGI middleware: the CORS headers above on read-only API answers, preflights answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not urls.is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        if method == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers:
            await _preflight(scope, headers)(scope, receive, send)
        elif method in READ_METHODS:
            await self.app(scope, receive, _shared(send))
        else:
            await self.app(scope, receive, send)


def _shared(send: Send) -> Send:
    async def send_shared(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)[ALLOW_ORIGIN] = "*"
        await send(message)

    return send_shared


def _preflight(scope: Scope, headers: Headers) -> Response:
    """Granted for a read (with whatever request headers it names), refused for anything else."""
    asked = headers["access-control-request-method"].strip().upper()
    if asked not in READ_METHODS:
        return error_response(
            Request(scope), 403,
            f"cross-origin {asked[:20]} is not allowed: other sites may only read this API "
            f"({' and '.join(READ_METHODS)})",
            parameter="Access-Control-Request-Method", location="header", value=asked,
        )
    allowed = {
        ALLOW_ORIGIN: "*",
        "Access-Control-Allow-Methods": ", ".join(READ_METHODS),
        "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE),
    }
    requested = headers.get("access-control-request-headers", "").strip()
    if requested:
        allowed["Access-Control-Allow-Headers"] = requested
    return Response(status_code=204, headers=allowed)
