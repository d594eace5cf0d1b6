"""The API's one error shape, ``{"error": "...", "detail": {...}}``, defined once.

``error`` is the line a person reads (the CLI prints the same after ``error:``); ``detail``
is for programs: the status and its reason, the path, and when known the parameter at fault,
its value, and where a query stopped parsing. The handlers build bodies with :func:`error_body`,
the routes declare their error responses with :func:`error_doc`, and the OpenAPI schema shows
the one :class:`Error` model for all of them, so a client can rely on the shape everywhere.
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any, Literal

from pydantic import BaseModel, Field

#: Where a parameter at fault came from, in FastAPI's words.
Location = Literal["query", "path", "header", "body", "cookie"]
#: Longest text repeated back in ``detail`` (a value, a path): enough to recognise it.
MAX_ECHO_CHARS = 100
_LARGEST_INT = 2**63


class ErrorDetail(BaseModel):
    """What a program needs beside the message; absent fields were not known."""

    status: int = Field(description="The HTTP status code, repeated.")
    reason: str = Field(description="The status's reason phrase, e.g. `Bad Request`.")
    path: str = Field(description="The path requested (at most 100 characters).")
    parameter: str | None = Field(
        None, description="The input at fault: a query or path parameter, a header or a body field.",
    )
    location: Location | None = Field(None, description="Where that input was: `query`, `path`, `header`, `body`.")
    value: Any = Field(None, description="The value given for it (text cut at 100 characters).")
    position: int | None = Field(
        None, description="For a query or a JSON body that could not be parsed: the character (from 0) where "
        "it went wrong.",
    )


class Error(BaseModel):
    """What every failed API call returns, with a 4xx status (a 500 is a bug)."""

    error: str = Field(description="What went wrong, as one line for a person.")
    detail: ErrorDetail


def reason(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def one_line(text: str) -> str:
    """``text`` on one line, its whitespace runs single spaces, sendable as UTF-8 (a lone
    surrogate from a JSON body is written out as ``\\udc80`` instead of failing the response)."""
    return " ".join(text.split()).encode("utf-8", "backslashreplace").decode("utf-8")


def error_body(status_code: int, message: str, path: str, **fields: Any) -> dict[str, Any]:
    """The JSON body of an error; ``fields`` are :class:`ErrorDetail`'s optional ones (``None``
    leaves one out). Values from the request are cut short and made JSON-safe."""
    detail: dict[str, Any] = {"status": status_code, "reason": reason(status_code), "path": _echo(path)}
    for name, value in fields.items():
        if name not in ErrorDetail.model_fields:
            raise ValueError(f"not an error detail field: {name}")
        value = _json_safe(value)
        if value is not None:
            detail[name] = value
    return {"error": one_line(message), "detail": detail}


def error_doc(status_code: int, description: str, path: str, message: str, **fields: Any) -> dict[str, Any]:
    """An OpenAPI response of a route: ``description`` says when it happens, the example is
    the body a request for ``path`` gets (``message`` and ``fields`` as :func:`error_body`)."""
    example = error_body(status_code, message, path, **fields)
    return {"model": Error, "description": description, "content": {"application/json": {"example": example}}}


def token_error_docs(path: str, read_only_message: str) -> dict[int | str, dict[str, Any]]:
    """The 401 and 403 every write route gives: a missing or wrong write token, and a server
    started without one (``read_only_message`` is what it then says)."""
    return {
        401: error_doc(
            401, "The token is missing or wrong.", path, "a valid write token is required", parameter="Authorization",
        ),
        403: error_doc(403, "This server is read-only (started without a write token).", path, read_only_message),
    }


def bad_host_doc(path: str) -> dict[str, Any]:
    """The 400 any route gives a request naming a host the server does not answer to (the
    response for routes that take no other input)."""
    return error_doc(
        400, "The `Host` header names a server this is not (a defence against DNS rebinding).", path,
        "bad Host header 'evil.example': this server answers to 127.0.0.1, [::1], localhost "
        "(serve --allow-host adds a name)",
        parameter="Host", location="header", value="evil.example",
    )


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -_LARGEST_INT <= value < _LARGEST_INT else None
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _echo(value)
    return _echo(repr(value))


def _echo(text: str) -> str:
    return text[:MAX_ECHO_CHARS].encode("utf-8", "backslashreplace").decode("utf-8")
