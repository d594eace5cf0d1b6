"""Lenient reading of the JSON-LD blocks a page embeds.

Publishers' CMSs write schema.org JSON-LD for search engines, and browsers never complain
about it, so it is often broken in ways ``json.loads`` refuses: HTML-escaped quotes
(``&quot;``), trailing commas, raw newlines inside strings, CDATA or comment wrappers, two
objects in one ``<script>``. Objects also hide in ``@graph`` arrays, top-level lists and a
page's ``mainEntity``. This module undoes what it safely can and yields every typed object;
a block it cannot read is skipped, never an error.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

JsonObject = dict[str, Any]

_SCRIPTS = "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_SEPARATORS = " \t\r\n;,"
_MAX_DEPTH = 4  # @graph inside mainEntity inside a list is as deep as real pages go


def json_ld_objects(tree: HtmlElement) -> list[JsonObject]:
    """Every object with an ``@type`` in the page's JSON-LD, in document order."""
    found: list[JsonObject] = []
    for script in tree.xpath(_SCRIPTS):
        for value in parse_block(script.text or ""):
            found.extend(typed_objects(value))
    return found


def parse_block(text: str) -> list[Any]:
    """The JSON values in one ``<script>`` block, repairing common damage; [] if unreadable."""
    text = _WRAPPERS.sub("", text).strip()
    if not text:
        return []
    for attempt in (text, html.unescape(text), _TRAILING_COMMA.sub(r"\1", html.unescape(text))):
        values = _decode_all(attempt)
        if values:
            return values
    return []


def _decode_all(text: str) -> list[Any]:
    """Consecutive JSON values (``{...}{...}`` or ``[...];``); [] unless all of it is JSON."""
    decoder = json.JSONDecoder(strict=False)  # strict=False: raw newlines inside strings
    values: list[Any] = []
    position = 0
    while True:
        while position < len(text) and text[position] in _SEPARATORS:
            position += 1
        if position == len(text):
            return values
        try:
            value, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            return []
        values.append(value)


def typed_objects(value: Any, depth: int = 0) -> Iterator[JsonObject]:
    """``value`` and the objects in its ``@graph`` and ``mainEntity`` that have an ``@type``.

    Other nested objects (``itemListElement``, ``hasPart``, ``publisher``) are left where they
    are: a listing page's items must not pass for the page's own article.
    """
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from typed_objects(item, depth + 1)
    elif isinstance(value, dict):
        if "@type" in value:
            yield value
        for key in ("@graph", "mainEntity"):
            if isinstance(value.get(key), (dict, list)):
                yield from typed_objects(value[key], depth + 1)


def types_of(obj: JsonObject) -> set[str]:
    """The object's schema.org types without prefixes (``schema:NewsArticle`` -> NewsArticle)."""
    declared = obj.get("@type")
    names = declared if isinstance(declared, list) else [declared]
    return {re.split(r"[/:#]", name)[-1] for name in names if isinstance(name, str) and name}


def text_value(value: Any) -> str:
    """A JSON-LD text property as one tidy string: first of a list, ``@value``/``name`` of an
    object, HTML entities decoded, whitespace collapsed; '' if there is none."""
    if isinstance(value, list):
        return next((text for item in value if (text := text_value(item))), "")
    if isinstance(value, dict):
        return text_value(value.get("@value") or value.get("name"))
    if isinstance(value, str):
        return " ".join(html.unescape(value).split())
    return ""
