"""From query-string values to a validated :class:`SearchRequest`, alike for pages and API.

Which parameters there are, their kinds and their checks come from
:data:`pressarchive.searchparams.PARAMS`, shared with the CLI. This module adds only what a
URL needs on top: whole numbers and switches parsed with a readable message, dates named the
web's way (``bad since date``), and the browse default (no query means newest first).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from fastapi import Path

from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.searchparams import DEFAULT_LIMIT, MAX_DOC_ID, PARAMS
from pressarchive.service import request_from_values

__all__ = ["DEFAULT_LIMIT", "DocId", "default_sort", "request_from_params", "search_request"]

#: A document id in a path: a positive integer the store can hold, else a 400.
DocId = Annotated[int, Path(ge=1, le=MAX_DOC_ID, description="The document's id in the archive.")]

_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")


def default_sort(query: str) -> str:
    """Relevance when there is something to be relevant to, otherwise newest first."""
    return "relevance" if query.strip() else "date"


def search_request(values: Mapping[str, object]) -> SearchRequest:
    """A validated request from values keyed by parameter name; ``None`` or absent means the
    web's default (first page of ``DEFAULT_LIMIT``, sorted as :func:`default_sort` says)."""
    given = {param.attr: values[param.name] for param in PARAMS if values.get(param.name) is not None}
    query = str(given.get("query") or "")
    given["sort"] = given.get("sort") or default_sort(query)
    return request_from_values(given, date_wording=lambda param: f"{param.name} date")


def request_from_params(params: Mapping[str, str]) -> SearchRequest:
    """The request that the (cleaned, string-valued) parameters of a search page ask for."""
    values: dict[str, object] = {}
    for param in PARAMS:
        if param.kind == "int":
            values[param.name] = whole_number(params, param.name)
        elif param.kind == "bool":
            values[param.name] = switch(params, param.name)
        else:
            values[param.name] = params.get(param.name)
    return search_request(values)


def switch(params: Mapping[str, str], name: str) -> bool:
    """An on/off parameter: ``1``/``true``/``on``/``yes`` or ``0``/``false``/``off``/``no``."""
    raw = params.get(name, "").strip().lower()
    if raw in ("", "0", "false", "off", "no"):
        return False
    if raw in ("1", "true", "on", "yes"):
        return True
    raise UserError(f"bad {name} {raw[:40]!r}: expected 1 (on) or 0 (off)", parameter=name, value=raw)


def whole_number(params: Mapping[str, str], name: str) -> int | None:
    """``params[name]`` as an int, ``None`` if absent, a :class:`UserError` if not a number."""
    raw = params.get(name)
    if raw is None:
        return None
    if not _WHOLE.fullmatch(raw):
        raise UserError(f"bad {name} {raw[:40]!r}: expected a whole number", parameter=name, value=raw)
    return int(raw)
