"""The registry of site-specific extractors, which a profile names with ``extractor = "..."``.

Built-in extractors are registered through :func:`register_site_extractor`, the very function
a user's code calls to add its own, so the two behave alike and a user's extractor can
replace a built-in one. :func:`site_extractor_names` lets profile validation reject a name
that nothing is registered under before any page is crawled. Registration is per process:
the crawler's extraction workers are spawned, so a user's extractor must be registered by a
module those processes import too (built-ins are, by importing this package).
"""

from __future__ import annotations

import importlib
import re

from pressarchive.extract.sites.base import SiteExtractor, SiteResult

__all__ = [
    "SITE_EXTRACTORS",
    "SiteExtractor",
    "SiteResult",
    "get_site_extractor",
    "register_site_extractor",
    "site_extractor_names",
]

SITE_EXTRACTORS: dict[str, SiteExtractor] = {}
# Modules with a NAME and an ``extract`` function, registered when this package is imported.
BUILTIN_SITE_EXTRACTORS = ("pressarchive.extract.sites.europol",)
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")  # the same shape as a profile's own name


def register_site_extractor(name: str, func: SiteExtractor) -> SiteExtractor:
    """Register ``func`` under ``name`` (replacing any extractor of that name); returns it."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"bad site extractor name {name!r}: use lower-case letters, digits, - and _")
    if not callable(func):
        raise TypeError(f"site extractor {name!r} is not callable")
    SITE_EXTRACTORS[name] = func
    return func


def get_site_extractor(name: str) -> SiteExtractor:
    """The extractor registered under ``name``; ``ValueError`` naming the known ones if none."""
    try:
        return SITE_EXTRACTORS[name]
    except (KeyError, TypeError):
        known = ", ".join(site_extractor_names()) or "none"
        raise ValueError(f"unknown site extractor {name!r} (known: {known})") from None


def site_extractor_names() -> tuple[str, ...]:
    """The names of all registered site extractors, sorted."""
    return tuple(sorted(SITE_EXTRACTORS))


def _register_builtins() -> None:
    for module_name in BUILTIN_SITE_EXTRACTORS:
        module = importlib.import_module(module_name)
        register_site_extractor(module.NAME, module.extract)


_register_builtins()
