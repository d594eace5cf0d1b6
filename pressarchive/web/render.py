"""The Jinja2 environment and the one function that turns a template into a response.

Autoescaping is on for every template and nothing archived is ever marked safe: titles,
texts, snippets, source names and URLs come from pages on the open web, so they reach the
browser as text. Templates get the URL builders as ``urls``, the search parameter definitions as
``searchparams`` (the search form's inputs come from them) and the helpers of
:mod:`pressarchive.web.present` as filters and tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pressarchive import __version__, searchparams
from pressarchive.web import present, urls

TEMPLATE_DIR = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(urls=urls, searchparams=searchparams, version=__version__)
    env.filters.update(
        language_name=present.language_name, paragraphs=present.paragraphs,
        iso_date=present.iso_date, utc_time=present.utc_time, utc_attr=present.utc_attr,
    )
    env.tests.update(http_url=present.http_url, language_tag=present.is_language_tag)
    return env


def render(template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context`` as an HTML response."""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)
