"""The API's search query parameters as a FastAPI dependency built from the definitions.

One query parameter per :data:`pressarchive.searchparams.PARAMS` entry, typed by its kind and
described by its ``doc``, so the OpenAPI schema and ``/docs`` list every parameter a search
takes without a second list here. Values are passed on as typed; their checks are the shared
ones of :func:`pressarchive.web.params.search_request`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from fastapi import Query

from pressarchive.searchparams import PARAMS, Param

SearchValues = dict[str, Any]

_TYPES: dict[str, Any] = {"text": str | None, "int": int | None, "date": str | None}


def search_query(descriptions: Mapping[str, str] | None = None) -> Callable[..., SearchValues]:
    """A dependency taking every search parameter from the query string; ``descriptions``
    overrides a parameter's documentation (the API spells out the query syntax for ``q``)."""
    overrides = descriptions or {}

    def dependency(**values: Any) -> SearchValues:
        return values

    parameters = [
        inspect.Parameter(
            param.name, inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[_annotation(param), Query(description=overrides.get(param.name, param.doc))],
            default=_default(param),
        )
        for param in PARAMS
    ]
    dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return dependency


def _annotation(param: Param) -> Any:
    if param.name == "q":
        return str
    if param.kind == "bool":
        return bool
    if param.kind == "choice":
        return Literal[param.choices] | None  # type: ignore[valid-type]
    return _TYPES[param.kind]


def _default(param: Param) -> Any:
    if param.name == "q":
        return ""
    return False if param.kind == "bool" else None
