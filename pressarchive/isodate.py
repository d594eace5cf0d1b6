"""Dates as people type them into pressarchive: ``YYYY-MM-DD`` and nothing else.

Since Python 3.11 ``date.fromisoformat`` also takes ``20170101`` and ``2017-W01-1``. The
README promises ``YYYY-MM-DD``, and a compact or week date in a ``--since`` is more often a
slip than a choice, so the shape is checked before the calendar is.
"""

from __future__ import annotations

import re
from datetime import date

_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value: str) -> date:
    """``value`` as a date; ``ValueError`` unless it is a real ``YYYY-MM-DD`` day."""
    if not _SHAPE.fullmatch(value):
        raise ValueError(f"not YYYY-MM-DD: {value[:40]!r}")
    return date.fromisoformat(value)
