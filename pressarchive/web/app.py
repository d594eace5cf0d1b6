"""The FastAPI application: one archive service, the pages, the API, the static files.

``create_app`` is the only entry point (``pressarchive serve`` and the tests both use it).
The service is opened once per app and closed when the server shuts down, so the SQLite
store and the Whoosh index are shared by every request instead of reopened per request. The
index is opened (and refilled from the store when it was missing, from an older version or
left half-refilled) at startup, before the first request is accepted. ``serve`` passes the
Host names it answers to (DNS rebinding); in-process callers such as the tests' client pass
none and every Host is accepted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from pressarchive import __version__
from pressarchive.datadir import DataDir
from pressarchive.service import QUERY_TIME_LIMIT, ArchiveService
from pressarchive.web import api, apidocs, operation_pages, operations_api, pages, urls
from pressarchive.web.handlers import install_error_handlers
from pressarchive.web.head import HeadAsGet
from pressarchive.web.security import AllowedHosts, HostCheck, SecurityHeaders
from pressarchive.web.writeaccess import WriteAccess

STATIC_DIR = Path(__file__).parent / "static"

DESCRIPTION = (
    "A searchable archive of public press releases about law-enforcement operations. "
    "Every HTML page has a JSON twin under `/api`; errors are `{\"error\": \"...\"}` "
    "with a 4xx status."
)


class ArchiveApp(FastAPI):
    """FastAPI with the security layers outside its error handling, and HEAD for every GET.

    Starlette puts the middleware that sends the 500 page outermost, so an ordinary
    middleware never sees that page; wrapping the whole stack gives it the security headers
    too, and refuses a foreign Host before anything else runs.
    """

    allowed_hosts: AllowedHosts | None = None

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        if self.allowed_hosts is not None:
            app = HostCheck(app, self.allowed_hosts)
        return HeadAsGet(SecurityHeaders(app))


def create_app(
    data: DataDir, *, query_time_limit: float = QUERY_TIME_LIMIT,
    allowed_hosts: AllowedHosts | Iterable[str] | None = None, corrections_token: str | None = None,
) -> FastAPI:
    """The web application over the archive in ``data``; searches stop after ``query_time_limit`` s.

    ``allowed_hosts``: the ``Host`` headers answered (an :class:`AllowedHosts`, or names with
    an optional ``:port``); others get a 400. ``None`` accepts any Host (in-process use).
    ``corrections_token``: allows hand corrections over HTTP to requests that carry it; ``None``
    (the default) keeps the web face read-only.
    """
    service = ArchiveService(data, query_time_limit=query_time_limit)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Open the index, and refill it from the store if it needs that, before the server
        # takes requests: a refill can take minutes, and inside a request it would hang that
        # request (and every one queued behind it) past any client's patience.
        service.open_index()
        try:
            yield
        finally:
            service.close()

    # FastAPI's Swagger UI loads its script from a CDN: /docs is a server-rendered page instead.
    app = ArchiveApp(
        title="pressarchive", version=__version__, description=DESCRIPTION, lifespan=lifespan,
        docs_url=None, openapi_url=urls.OPENAPI, redoc_url=None,
    )
    if allowed_hosts is not None and not isinstance(allowed_hosts, AllowedHosts):
        allowed_hosts = AllowedHosts.of_names(allowed_hosts)
    app.allowed_hosts = allowed_hosts
    app.state.service = service
    app.state.write_access = WriteAccess(corrections_token)
    app.include_router(api.router)
    app.include_router(operations_api.router)
    app.include_router(pages.router)
    app.include_router(operation_pages.router)
    app.include_router(apidocs.router)
    app.mount(urls.STATIC, StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema without the 422 responses it adds: validation errors here are 400s."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes,
        )
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                operation.get("responses", {}).pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema
