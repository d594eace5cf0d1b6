"""Small pure helpers that turn archive values into what a page shows.

Kept apart from the views and templates so that they can be tested without HTTP and so that
templates stay declarative: pagination windows, facet ordering, paragraphs, dates, language
names. Nothing here marks text as safe: escaping stays with Jinja2's autoescape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from pressarchive.isodate import utc_iso
from pressarchive.urls import is_http_url

#: Facet values shown before the rest fold away under "Show all" (a ``<details>``: no script).
FACET_SHOWN = 10

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def page_window(current: int, last: int, radius: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last and ``radius`` around ``current``.

    ``None`` stands for a gap (printed as an ellipsis).
    """
    wanted = {1, last, *range(current - radius, current + radius + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    window: list[int | None] = []
    for number in numbers:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


def facet_items(name: str, counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """A facet's values in reading order: years newest first, the rest most frequent first."""
    items = [(str(value), int(count)) for value, count in counts.items()]
    if name == "year":
        return sorted(items, key=lambda item: item[0], reverse=True)
    return sorted(items, key=lambda item: (-item[1], item[0].casefold()))


def paragraphs(text: str) -> list[str]:
    """The non-blank lines of an extracted text (the extractor puts one paragraph per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_language_tag(value: object) -> bool:
    """Whether ``value`` looks like a BCP 47 tag, fit for an HTML ``lang`` attribute."""
    return isinstance(value, str) and bool(_LANGUAGE_TAG.fullmatch(value))


@lru_cache(maxsize=512)
def language_name(code: str) -> str:
    """``"de"`` as ``"German (de)"``; unknown or empty codes are shown as they are."""
    if not is_language_tag(code):
        return code or "unknown"
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    if locale.language != code.split("-")[0].split("_")[0].lower():
        return code  # babel guessed a likely language ("und" becomes English): not ours to say
    return f"{locale.get_display_name('en')} ({code})"


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """``"PT"`` as ``"Portugal (PT)"`` (English names from Babel/CLDR); unknown codes as they are."""
    name = Locale("en").territories.get(code.strip().upper()) if code.isascii() else None
    return f"{name} ({code})" if name else (code or "unknown")


def facet_label(name: str, value: str, agency_names: Mapping[str, str]) -> str:
    """How a facet or filter value is shown: language, country and agency names, else as is."""
    if name == "language":
        return language_name(value)
    if name in ("country", "source_country"):
        return country_name(value)
    if name == "agency":
        agency = agency_names.get(value)
        return f"{agency} ({value})" if agency else value
    return value


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def utc_time(value: datetime) -> str:
    """A stored (naive UTC) capture time as people read it."""
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def utc_attr(value: datetime) -> str:
    """A stored (naive UTC) capture time for a ``<time datetime>`` attribute."""
    return utc_iso(value)


def http_url(value: object) -> bool:
    """Whether ``value`` may become an ``href``: only absolute http(s) URLs may."""
    if not isinstance(value, str):
        return False
    try:
        return is_http_url(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
