"""Publication dates from plain text, for documents htmldate cannot read (PDF releases).

htmldate needs markup; a PDF gives only its metadata and a text layer. Releases print their
date near the top in a handful of shapes: ISO ("2019-12-10"), day-first numerals
("10/12/2019", "10.12.2019", the European order the archive's agencies use) and a day with a
month name ("10 December 2019", "December 10, 2019", "10 de diciembre de 2019",
"10. Dezember 2019"). Month names come from babel's CLDR data rather than hand lists.
Machine-readable dates that pages declare (JSON-LD, Open Graph, JSON payloads) are parsed
here too, so that every source of a date passes the same plausibility test.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel.dates import get_month_names

_LOCALES = ("en", "es", "it", "pt", "fr", "de", "nl")
EARLIEST = date(1990, 1, 1)  # older "dates" in a release are history, not its own date
# A page written in a time zone ahead of the crawler's may be dated "tomorrow" here.
_CLOCK_SLACK = timedelta(days=1)
_ISO_DAY = re.compile(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)")
_SEARCH_CHARS = 3000  # the dateline is in the heading; later dates are events in the text


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Folded month name or abbreviation -> month number, over the archive's languages."""
    names: dict[str, int] = {}
    for locale in _LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names[name.casefold().rstrip(".")] = number
    return names


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    month = "|".join(sorted(map(re.escape, _months()), key=len, reverse=True))
    return (
        re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)"),
        re.compile(r"(?<![\d.])(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>(?:19|20)\d\d)(?!\d)"),
        re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|º|°|\.)?\s+(?:de\s+)?(?P<mn>{month})\.?,?"
            rf"\s+(?:de\s+|del\s+)?(?P<y>(?:19|20)\d\d)(?!\d)",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b(?P<mn>{month})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?"
            rf"\s+(?P<y>(?:19|20)\d\d)(?!\d)",
            re.IGNORECASE,
        ),
    )


def find_text_date(text: str, today: date | None = None) -> date | None:
    """The first plausible calendar date written in the opening of ``text``."""
    return min(text_dates(text, today), default=(0, None))[1]


def text_dates(text: str, today: date | None = None) -> list[tuple[int, date]]:
    """Every plausible (offset, date) written in the opening of ``text``."""
    head = text[:_SEARCH_CHARS]
    latest = today or date.today()
    found: list[tuple[int, date]] = []
    for pattern in _patterns():
        for match in pattern.finditer(head):
            parsed = _to_date(match)
            if parsed is not None and EARLIEST <= parsed <= latest:
                found.append((match.start(), parsed))
    return found


def _to_date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    month = int(groups["m"]) if groups.get("m") else _months().get(groups["mn"].casefold())
    try:
        return date(int(groups["y"]), month or 0, int(groups["d"]))
    except ValueError:
        return None


def is_plausible(day: date, today: date | None = None) -> bool:
    """Whether ``day`` can be a release's own date: from 1990 on and not in the future."""
    return EARLIEST <= day <= (today or date.today()) + _CLOCK_SLACK


def parse_declared_date(value: object, today: date | None = None) -> date | None:
    """The plausible day of a date a page declares for machines, or ``None``.

    ISO 8601 (``2019-03-14T23:30:00-05:00`` is the 14th: the day as the publisher wrote it,
    not converted to UTC), a bare ISO day, or a written date ("14 March 2019").
    """
    if not isinstance(value, str) or not value.strip():
        return None
    day = _iso_day(value.strip()) or find_text_date(value[:100], today)
    return day if day is not None and is_plausible(day, today) else None


def _iso_day(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    match = _ISO_DAY.match(value)  # an ISO day followed by a time Python cannot parse
    try:
        return date(*map(int, match.groups())) if match else None
    except ValueError:
        return None
