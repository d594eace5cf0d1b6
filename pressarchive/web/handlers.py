"""Every error leaves the web face as a one-line message: JSON under /api, a page elsewhere.

Bad input is the visitor's doing and gets a 4xx with the same wording the CLI would print
(``UserError`` and ``NotFound`` carry their status code). FastAPI's own validation failures
(``page=abc``, ``/doc/x``) are folded into the same ``{"error": ...}`` shape with 400 rather
than its default 422 list. Anything else is a bug: a 500 with no traceback or detail.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from pressarchive.errors import UserError
from pressarchive.web import urls
from pressarchive.web.render import render

log = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UserError, _user_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _server_error)


def error_response(
    request: Request, status_code: int, message: str, headers: dict[str, str] | None = None,
) -> Response:
    """``message`` as ``{"error": ...}`` for API paths, as an error page for the rest."""
    message = " ".join(message.split())
    if urls.is_api_path(request.url.path):
        return JSONResponse({"error": message}, status_code=status_code, headers=headers)
    response = render(
        "error.html", status_code=status_code, status=status_code,
        reason=HTTPStatus(status_code).phrase, message=message,
    )
    response.headers.update(headers or {})
    return response


def validation_message(exc: RequestValidationError) -> str:
    """FastAPI's first complaint as one line: ``bad page 'abc': input should be ...``."""
    errors = exc.errors()
    if not errors:
        return "bad request"
    first = errors[0]
    location = first.get("loc") or ()
    name = str(location[-1]).replace("_", " ") if location else "input"
    text = str(first.get("msg", "invalid value"))
    text = text[:1].lower() + text[1:]
    given = first.get("input")
    if isinstance(given, str):
        return f"bad {name} {given[:40]!r}: {text}"
    return f"bad {name}: {text}"


async def _user_error(request: Request, exc: UserError) -> Response:
    return error_response(request, exc.status_code, str(exc))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return error_response(request, 400, validation_message(exc))


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        message = f"nothing at {request.url.path}"
    else:
        message = str(exc.detail) if exc.detail else HTTPStatus(exc.status_code).phrase
    return error_response(request, exc.status_code, message, headers=dict(exc.headers or {}))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_response(request, 500, "internal error: this is a bug in pressarchive")
