"""Values of the date and number fields in a query, checked before any engine sees them.

``published:2017``, ``published:2017-03`` and ``published:2017-03-01`` are the days of that
year, month or day; a range's start is its first day and its end its last
(``published:[2017 TO 2018]`` is two whole years). ``year`` and ``id`` hold whole numbers
within what the index stores. A value that is none of these is refused here, with the
messages the index has always given, so no engine fails on it halfway through a search.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from pressarchive.index.errors import QueryError

#: Date fields of the query language.
DATE_FIELDS = frozenset({"published"})
#: Number fields and the values they hold (``year`` as a 16-bit unsigned, ``id`` a 64-bit
#: signed number, the sizes the Whoosh schema has always given them).
NUMBER_LIMITS: dict[str, tuple[int, int]] = {"year": (0, 2**16 - 1), "id": (-(2**63), 2**63 - 1)}

# YYYY, YYYYMM or YYYYMMDD once separators are dropped (2017-03-01, 2017.03, 20170301).
_DATE = re.compile(r"(?P<year>[0-9]{4})(?:(?P<month>[0-9]{2})(?P<day>[0-9]{2})?)?")
_SEPARATORS = str.maketrans("", "", " -.")


def date_span(text: str, position: int) -> tuple[date, date]:
    """The first and last day ``text`` stands for, or a :class:`QueryError`."""
    match = _DATE.fullmatch(text.translate(_SEPARATORS))
    try:
        if match is None:
            raise ValueError(text)
        year = int(match["year"])
        if match["month"] is None:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(match["month"])
        if match["day"] is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date(year, month, int(match["day"]))
        return day, day
    except ValueError:  # a month or day that does not exist, too
        raise QueryError(f"invalid query: {text!r} is not a parseable date", position=position) from None


def number(field: str, text: str) -> int | None:
    """``text`` as a value of number field ``field``, or None if it is not one."""
    try:
        value = int(text)
    except ValueError:
        return None
    low, high = NUMBER_LIMITS[field]
    return value if low <= value <= high else None


def checked_number(field: str, text: str, position: int, what: str = "") -> str:
    """``text`` as ``field``'s number, written plainly (``"+12"`` -> ``"12"``), or a
    :class:`QueryError` naming it; ``what`` says which bound of a range it is."""
    value = number(field, text)
    if value is None:
        raise QueryError(f"invalid query: {what}{text!r} is not a valid number", position=position)
    return str(value)
