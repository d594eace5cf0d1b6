"""Dates as people type them into pressarchive: ``YYYY-MM-DD`` and nothing else.

Since Python 3.11 ``date.fromisoformat`` also takes ``20170101`` and ``2017-W01-1``. The
README promises ``YYYY-MM-DD``, and a compact or week date in a ``--since`` is more often a
slip than a choice, so the shape is checked before the calendar is.

Times go out one way too, :func:`utc_iso`: whole seconds in UTC with a ``Z``, as the store
keeps them (naive UTC), in JSON, CSV, feeds, citations and the CLI alike.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import overload

_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value: str) -> date:
    """``value`` as a date; ``ValueError`` unless it is a real ``YYYY-MM-DD`` day."""
    if not _SHAPE.fullmatch(value):
        raise ValueError(f"not YYYY-MM-DD: {value[:40]!r}")
    return date.fromisoformat(value)


@overload
def utc_iso(moment: datetime) -> str: ...
@overload
def utc_iso(moment: None) -> None: ...
def utc_iso(moment: datetime | None) -> str | None:
    """``moment`` as ``YYYY-MM-DDTHH:MM:SSZ`` (None stays None). A naive time is taken as UTC
    (the store's times are); an aware one is converted to UTC first."""
    if moment is None:
        return None
    return utc_naive(moment).isoformat(timespec="seconds") + "Z"


def utc_naive(moment: datetime) -> datetime:
    """``moment`` in UTC without a time zone, as the store keeps times (a naive one is UTC already)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment
