"""``/docs``: the JSON API's reference, rendered on the server from the OpenAPI schema.

FastAPI's interactive Swagger UI loads its script and style from a CDN, which would let a
third party run code on a page of the archive and learn who reads it. This page is plain
HTML under the same Content-Security-Policy as every other page (no script at all); the
machine-readable schema stays at ``/openapi.json``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pressarchive.web import urls
from pressarchive.web.render import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get(urls.API_DOCS)
def api_docs_page(request: Request) -> HTMLResponse:
    """Every endpoint of the schema with its parameters and responses, each with its example."""
    schema = request.app.openapi()
    info = schema.get("info", {})
    return render(
        "api_docs.html", info=info, endpoints=endpoints(schema), openapi_url=urls.OPENAPI,
        json_url=urls.OPENAPI, intro=code_spans(info.get("description", "")),
    )


def endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per (path, method), in the schema's order, with what the page shows."""
    found = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            found.append({
                "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""),
                "description": code_spans(operation.get("description", "")),
                "parameters": [_parameter(p) for p in operation.get("parameters", [])],
                "responses": [
                    (code, body.get("description", ""), example_text(body))
                    for code, body in sorted(operation.get("responses", {}).items())
                ],
            })
    return found


def example_text(response: dict[str, Any]) -> str:
    """A response's first example as the reader would receive it: JSON indented, text as is."""
    for body in response.get("content", {}).values():
        if "example" in body:
            example = body["example"]
            return example if isinstance(example, str) else json.dumps(example, indent=2, ensure_ascii=False)
    return ""


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    kinds = [s.get("type") or ", ".join(s.get("enum", [])) for s in schema.get("anyOf", [schema])]
    return {
        "name": parameter.get("name", ""), "where": parameter.get("in", ""),
        "type": " or ".join(kind for kind in kinds if kind and kind != "null"),
        "required": "required" if parameter.get("required") else "optional",
        "description": code_spans(parameter.get("description", "")),
    }


def code_spans(text: str) -> list[tuple[str, bool]]:
    """Markdown-ish ``text`` as (piece, is_code) pairs: the schema's `code` shown as code."""
    return [(piece, index % 2 == 1) for index, piece in enumerate(text.split("`")) if piece]
