"""The ``search`` command's options, one per :data:`pressarchive.searchparams.PARAMS` entry.

Derived rather than written out so that a parameter added there is on the CLI at once, with
the same help and default as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from pressarchive.searchparams import PARAMS, Param

F = TypeVar("F", bound=Callable[..., Any])


def search_options(func: F) -> F:
    """Add an option for every search parameter that has a CLI flag, in definition order."""
    for param in reversed([param for param in PARAMS if param.flag]):
        func = _option(param)(func)
    return func


def _option(param: Param) -> Callable[[F], F]:
    assert param.flag is not None
    settings: dict[str, Any] = {"help": param.help}
    if param.kind == "bool":
        settings["is_flag"] = True
    elif param.kind == "choice":
        settings.update(type=click.Choice(param.choices), default=param.default, show_default=True)
    elif param.kind == "int":
        settings["type"] = int
        if param.default is not None:
            settings.update(default=param.default, show_default=True)
    if param.metavar:
        settings["metavar"] = param.metavar
    return click.option(param.flag, param.attr, **settings)
