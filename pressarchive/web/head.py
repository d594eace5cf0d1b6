"""``HEAD`` on every ``GET`` route: the GET response's status and headers, without the body.

FastAPI's routes answer only the methods they declare, so a ``HEAD`` (what link checkers,
feed readers and ``curl -I`` send) got a 405. Rather than declare HEAD on every route (and
have it listed on each in the OpenAPI schema), this middleware runs a HEAD request as the
GET it asks about and drops the body on the way out; ``Content-Length`` stays the GET's, as
HTTP wants. The response is still computed in full (a HEAD costs what its GET costs), except
where a route asks :func:`is_head` and skips its body: the streamed exports, whose body is the
whole archive.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Set in the scope of a HEAD request served as GET.
HEAD_KEY = "pressarchive.head"


def is_head(request: Request) -> bool:
    """Whether this GET is really a HEAD, whose body nobody will read."""
    return bool(request.scope.get(HEAD_KEY))


class HeadAsGet:
    """ASGI middleware: a ``HEAD`` request is served as ``GET`` with an empty body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        finished = False

        async def send_headers_only(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.body":
                if finished:
                    return
                more = bool(message.get("more_body", False))
                if more:
                    return  # wait for the last part, then end the (empty) body once
                finished = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET", HEAD_KEY: True}, receive, send_headers_only)
