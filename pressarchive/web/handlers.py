"""Every error leaves the web face as a one-line message: JSON under /api, a page elsewhere.

Bad input is the visitor's doing and gets a 4xx with the same wording the CLI would print
(``UserError`` and ``NotFound`` carry their status code). FastAPI's own validation failures
(``page=abc``, ``/doc/x``) are folded into the same ``{"error": ..., "detail": ...}`` shape
(:mod:`pressarchive.web.apierrors`) with 400 rather than its default 422 list; ``detail`` names
the parameter at fault. Anything else is a bug: a 500 with no traceback.
"""

from __future__ import annotations

import logging
from typing import Any, get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

from pressarchive.errors import UserError
from pressarchive.web import urls
from pressarchive.web.apierrors import Location, error_body, one_line, reason
from pressarchive.web.render import render

log = logging.getLogger(__name__)
LOCATIONS = get_args(Location)
JSON_INVALID = "json_invalid"  # pydantic's error type for a body that is not JSON


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UserError, _user_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _server_error)


def error_response(
    request: Request, status_code: int, message: str, headers: dict[str, str] | None = None, **detail: Any,
) -> Response:
    """``message`` as ``{"error": ..., "detail": ...}`` for API paths (``detail``: the optional
    fields of :class:`~pressarchive.web.apierrors.ErrorDetail`), as an error page for the rest."""
    path = request.url.path
    if urls.is_api_path(path):
        body = error_body(status_code, message, path, **detail)
        return JSONResponse(body, status_code=status_code, headers=headers)
    response = render(
        "error.html", status_code=status_code, status=status_code,
        reason=reason(status_code), message=one_line(message),
    )
    response.headers.update(headers or {})
    return response


def validation_message(exc: RequestValidationError) -> str:
    """FastAPI's first complaint as one line: ``bad page 'abc': input should be ...``."""
    errors = exc.errors()
    if not errors:
        return "bad request"
    first = errors[0]
    location: tuple[Any, ...] = tuple(first.get("loc") or ())
    if first.get("type") == JSON_INVALID and location:
        return f"bad JSON body at character {location[-1]}: {first.get('ctx', {}).get('error', 'not JSON')}"
    name = str(location[-1]).replace("_", " ") if location else "input"
    text = str(first.get("msg", "invalid value"))
    text = text[:1].lower() + text[1:]
    given = first.get("input")
    if isinstance(given, str):
        return f"bad {name} {given[:40]!r}: {text}"
    return f"bad {name}: {text}"


def validation_detail(exc: RequestValidationError) -> dict[str, Any]:
    """The first complaint's parameter, where it was and the value given (if one was)."""
    errors = exc.errors()
    if not errors:
        return {}
    first = errors[0]
    location = tuple(first.get("loc") or ())
    where = str(location[0]) if location else None
    detail: dict[str, Any] = {"location": where if where in LOCATIONS else None}
    if first.get("type") == JSON_INVALID and location:  # the location ends with the character where it stopped
        detail["position"] = location[-1]
        return detail
    detail["parameter"] = ".".join(str(part) for part in location[1:]) or None
    if first.get("type") != "missing":
        detail["value"] = first.get("input")
    return detail


#: What the public is told when the search engine, not the request, is at fault (502/503): the
#: engine's own message names its host, index or directory, which stays in the server's log.
ENGINE_TROUBLE = "the search engine cannot answer now; try again later (the server's log says why)"


def public_message(exc: UserError) -> str:
    """What a page or an API answer may show of ``exc``: its own one line, except when the
    engine is at fault (5xx), whose message stays in the log."""
    if exc.status_code >= 500:
        log.warning("search engine trouble: %s", exc)
        return ENGINE_TROUBLE
    return str(exc)


async def _user_error(request: Request, exc: UserError) -> Response:
    if exc.status_code >= 500:
        return error_response(request, exc.status_code, public_message(exc))
    return error_response(
        request, exc.status_code, str(exc), parameter=exc.parameter, value=exc.value, position=exc.position,
    )


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return error_response(request, 400, validation_message(exc), **validation_detail(exc))


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        message = f"nothing at {request.url.path}"
    else:
        message = str(exc.detail) if exc.detail else reason(exc.status_code)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return error_response(request, exc.status_code, message, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this path: Starlette's 405 names only the first
    route whose path matched, and a path such as ``/api/collections`` has a GET and a POST route."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        route_methods = getattr(route, "methods", None)
        # PARTIAL: the path matches and the method does not; FULL cannot happen in a 405.
        if route_methods and route.matches(request.scope)[0] != Match.NONE:
            methods.update(route_methods)
    return sorted(methods)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_response(request, 500, "internal error: this is a bug in pressarchive")
