"""A saved search's parameters: which of the search's own it keeps, and its name.

A saved search keeps what says *which* documents and in what order (the query, every filter and
switch, the sort), keyed by the names of :data:`pressarchive.searchparams.PARAMS`, and never
which page of them. Whatever face a search comes from (CLI options, a search page's URL, an API
body), it is first validated into a :class:`SearchRequest` by that face's own parsing, then
kept as :func:`params_of` gives it, so a saved search is always one the search would accept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pressarchive import names
from pressarchive.errors import UserError
from pressarchive.index import SearchRequest
from pressarchive.searchparams import BY_NAME, DEFAULT_LIMIT, PARAMS, SELECTING
from pressarchive.service import request_from_values

#: The parameters a saved search keeps, in link order (not the page, not how hits are shown).
SAVED = tuple(param for param in PARAMS if param.name in SELECTING)
MAX_NAME_CHARS = names.MAX_NAME_CHARS
_SURROGATE = re.compile("[\ud800-\udfff]")


def params_of(request: SearchRequest) -> dict[str, Any]:
    """The saved form of ``request``: each parameter that is set and not its default (the sort
    always), as JSON values (text, whole numbers, ``true``, dates as ``YYYY-MM-DD``).

    Text that is not valid Unicode (a lone surrogate from a JSON body, or from a command line
    that was not UTF-8) is refused: kept, it would break every page and link listing it.
    """
    params: dict[str, Any] = {}
    for param in SAVED:
        value = getattr(request, param.attr)
        if param.kind == "date" and value is not None:
            value = value.isoformat()
        if isinstance(value, str) and _SURROGATE.search(value):
            raise UserError(f"bad {param.name}: not valid text (a lone surrogate)")
        if value not in (None, "", False) and (param.name == "sort" or value != param.default):
            params[param.name] = value
    return params


def request_of(params: Mapping[str, Any], *, limit: int = DEFAULT_LIMIT) -> SearchRequest:
    """The search ``params`` (a saved form) describe, on its first page of ``limit`` hits."""
    values = {BY_NAME[name].attr: value for name, value in params.items() if name in SELECTING}
    return request_from_values({**values, "limit": limit, "page": 1}, date_wording=lambda param: f"{param.name} date")


def link_params(params: Mapping[str, Any]) -> dict[str, str]:
    """``params`` as a search URL spells them (a switch that is on is ``1``)."""
    return {name: "1" if value is True else str(value) for name, value in params.items()}


def check_name(name: str) -> str:
    """``name`` stripped, if it can name a saved search (see :mod:`pressarchive.names`)."""
    return names.check_name(name, "saved search")
