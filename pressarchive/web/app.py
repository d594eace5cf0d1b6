"""The FastAPI application: one archive service, the pages, the API, the static files.

``create_app`` is the only entry point (``pressarchive serve`` and the tests both use it).
The service is opened once per app and closed when the server shuts down, so the SQLite
store and the search engine are shared by every request instead of reopened per request. The
index is opened (and refilled from the store when it was missing, from an older version or
left half-refilled) at startup, before the first request is accepted. ``serve`` passes the
Host names it answers to (DNS rebinding); in-process callers such as the tests' client pass
none and every Host is accepted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from pressarchive import __version__
from pressarchive.datadir import DataDir
from pressarchive.service import QUERY_TIME_LIMIT, ArchiveService
from pressarchive.web import (
    api, apidocs, collection_pages, collections_api, document_api, document_pages, export_api, operation_pages,
    operations_api, pages, saved_api, saved_pages, source_views, urls,
)
from pressarchive.web import memento, snapshot_pages, snapshots_api
from pressarchive.web.cors import ReadOnlyCors
from pressarchive.web.handlers import install_error_handlers
from pressarchive.web.head import HeadAsGet
from pressarchive.web.security import AllowedHosts, HostCheck, SecurityHeaders
from pressarchive.web.writeaccess import WriteAccess

STATIC_DIR = Path(__file__).parent / "static"

DESCRIPTION = (
    "A searchable archive of public press releases about law-enforcement operations. "
    "Every HTML page has a JSON twin under `/api`. Errors are `{\"error\": \"...\", \"detail\": {...}}` "
    "with a 4xx status: `error` is one line for a person, `detail` gives the status, its reason, the path "
    "and, when known, the `parameter` at fault, its `value` and a query's `position`. Any web page may "
    "read the API (`GET` and `HEAD` answer with `Access-Control-Allow-Origin: *`, no credentials); "
    "writes are refused to other origins."
)


class ArchiveApp(FastAPI):
    """FastAPI with the security and CORS layers outside its error handling, and HEAD for every GET.

    Starlette puts the middleware that sends the 500 page outermost, so an ordinary
    middleware never sees that page; wrapping the whole stack gives it the security headers
    (and an API error its CORS header) too, and refuses a foreign Host before anything else
    runs, CORS preflights included.
    """

    allowed_hosts: AllowedHosts | None = None

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = ReadOnlyCors(super().build_middleware_stack())
        if self.allowed_hosts is not None:
            app = HostCheck(app, self.allowed_hosts)
        return HeadAsGet(SecurityHeaders(app))


def create_app(
    data: DataDir, *, query_time_limit: float = QUERY_TIME_LIMIT,
    allowed_hosts: AllowedHosts | Iterable[str] | None = None, write_token: str | None = None,
    corrections_token: str | None = None,
) -> FastAPI:
    """The web application over the archive in ``data``; searches stop after ``query_time_limit`` s.

    ``allowed_hosts``: the ``Host`` headers answered (an :class:`AllowedHosts`, or names with
    an optional ``:port``); others get a 400. ``None`` accepts any Host (in-process use).
    ``write_token``: allows every write over HTTP (corrections, collections, ...) to
    requests that carry it; ``None`` (the default) keeps the web face read-only.
    ``corrections_token`` is its former name.
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
    app.state.write_access = WriteAccess(write_token or corrections_token)
    app.include_router(api.router)
    app.include_router(document_api.router)
    app.include_router(export_api.router)
    app.include_router(source_views.api_router)
    app.include_router(operations_api.router)
    app.include_router(pages.router)
    app.include_router(document_pages.router)
    app.include_router(operation_pages.router)
    app.include_router(collections_api.router)
    app.include_router(collection_pages.router)
    app.include_router(saved_api.router)
    app.include_router(saved_pages.router)
    app.include_router(source_views.page_router)
    app.include_router(memento.router)
    app.include_router(snapshots_api.router)
    app.include_router(snapshot_pages.router)
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
        _restore_examples(schema, app.routes)
        app.openapi_schema = schema
    return app.openapi_schema


def _restore_examples(schema: dict[str, Any], routes: Iterable[BaseRoute]) -> None:
    """The routes' response examples as written: FastAPI drops every ``null`` from the schema
    it builds, so an example's ``"removed": null`` would vanish and misdescribe the answer."""
    for route in _api_routes(routes):
        for method in route.methods or ():
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            for code, response in route.responses.items():
                for media, body in response.get("content", {}).items():
                    if "example" in body:
                        operation["responses"][str(code)]["content"][media]["example"] = body["example"]


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """The API routes in the schema; newer FastAPI keeps an included router's own routes in it."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)
        elif isinstance(route, APIRoute) and route.include_in_schema:
            yield route
