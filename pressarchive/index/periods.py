"""Periods of the timeline (day, ISO week, month, year) as integer codes over day ordinals.

The timeline counts matches per period with ``numpy.bincount``, so every period is a whole
number computed from a document's date ordinal in one vectorised step: the ordinal itself
for a day, the number of whole weeks since 0001-01-01 (a Monday, so every code is one ISO
week, Monday to Sunday) for a week, ``year * 12 + month - 1`` for a month and the year for
a year. This module turns codes back into labels and date ranges and picks the interval
when the search leaves it to the span of its matches.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING

from pressarchive.searchparams import AUTO_INTERVAL, AUTO_SPANS, INTERVALS

if TYPE_CHECKING:  # numpy is loaded by the engines that count with it, not by importing this
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
#: The day ordinal of 1970-01-01, where numpy's datetime64 days count from.
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()



def choose_interval(requested: str, first_day: int, last_day: int) -> str:
    """The interval to count by: ``requested``, or for ``auto`` the one the span calls for
    (:data:`~pressarchive.searchparams.AUTO_SPANS`; ``first_day`` and ``last_day`` are the
    date ordinals of the oldest and newest match)."""
    if requested != AUTO_INTERVAL:
        if requested not in INTERVALS:
            raise ValueError(f"not an interval: {requested}")
        return requested
    span = last_day - first_day + 1
    for interval, longest in AUTO_SPANS:
        if span <= longest:
            return interval
    return "year"


def week_codes(days: IntArray) -> IntArray:
    """The ISO week code of each day ordinal (weeks counted from Monday 0001-01-01)."""
    return (days - 1) // 7


def month_codes(days: IntArray) -> IntArray:
    """``year * 12 + month - 1`` of each day ordinal, through numpy's calendar arithmetic."""
    import numpy as np

    epoch_days = (days - EPOCH_ORDINAL).astype("datetime64[D]")
    return epoch_days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def period_range(interval: str, code: int) -> tuple[date, date]:
    """The first and last day of period ``code`` (clipped to the dates Python can hold)."""
    if interval == "day":
        day = date.fromordinal(code)
        return day, day
    if interval == "week":
        start = code * 7 + 1
        return date.fromordinal(start), date.fromordinal(min(start + 6, date.max.toordinal()))
    if interval == "month":
        year, month = divmod(code, 12)
        return date(year, month + 1, 1), date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    return date(code, 1, 1), date(code, 12, 31)


def period_label(interval: str, code: int) -> str:
    """How a period is named: ``2019-02-14``, ``2019-W07`` (ISO week), ``2019-02``, ``2019``."""
    if interval == "day":
        return date.fromordinal(code).isoformat()
    if interval == "week":
        year, week, _ = date.fromordinal(code * 7 + 1).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if interval == "month":
        year, month = divmod(code, 12)
        return f"{year:04d}-{month + 1:02d}"
    return f"{code:04d}"


def period_code(interval: str, day: date) -> int:
    """The code of the period of ``interval`` that holds ``day`` (its first day, say)."""
    if interval == "day":
        return day.toordinal()
    if interval == "week":
        return (day.toordinal() - 1) // 7
    if interval == "month":
        return day.year * 12 + day.month - 1
    return day.year
