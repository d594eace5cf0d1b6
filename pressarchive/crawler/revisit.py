"""The revisit policy: when a release that looks unchanged is fetched again all the same.

Agencies rewrite releases (38 arrests become 39) without touching the sitemap's ``lastmod``
and without validators, so a recrawl that trusted ``lastmod`` would never see the edit. A
release the recrawl would skip is fetched again once its revisit interval has passed since its
last capture. The interval grows with the release's age, counted from its publication date
(never later than its first capture), else its first capture: corrections come early.

A stable per-URL jitter shortens each interval by up to :data:`JITTER`, so a batch captured in
one crawl does not come due in one crawl, and one crawl revisits at most a share of the
source's releases, the most overdue (in intervals) first; the rest wait for the next crawl.

Settings: ``PRESSARCHIVE_REVISIT_NEW_DAYS``, ``PRESSARCHIVE_REVISIT_RECENT_DAYS``,
``PRESSARCHIVE_REVISIT_OLD_DAYS``, ``PRESSARCHIVE_REVISIT_SHARE``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from pressarchive.errors import UserError
from pressarchive.store.records import KnownPage

#: Ages (days) at which a release moves to the next, longer interval: one week, three months.
NEW_UNTIL = 7
RECENT_UNTIL = 90
#: Largest share of an interval the per-URL jitter takes off it.
JITTER = 0.25
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class RevisitPolicy:
    """Intervals (days) by age band and the share of releases one crawl may revisit."""

    new_days: float
    recent_days: float
    old_days: float
    share: float

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> RevisitPolicy:
        """The policy the settings describe; a value that makes no sense is a :class:`UserError`."""
        days = {name: settings[f"PRESSARCHIVE_REVISIT_{name.upper()}"]
                for name in ("new_days", "recent_days", "old_days")}
        for name, value in days.items():
            if not _number(value) or value < 0:
                setting = f"PRESSARCHIVE_REVISIT_{name.upper()}"
                raise UserError(f"{setting} must be a finite number of days >= 0, not {value!r}")
        share = settings["PRESSARCHIVE_REVISIT_SHARE"]
        if not _number(share) or not 0 <= share <= 1:
            raise UserError(f"PRESSARCHIVE_REVISIT_SHARE must be a number from 0 to 1, not {share!r}")
        return cls(**{name: float(value) for name, value in days.items()}, share=float(share))

    def interval(self, known: KnownPage, now: datetime) -> float:
        """Days between two captures of ``known`` at its age on ``now`` (before jitter)."""
        age = (now - born(known)) / _DAY
        if age < NEW_UNTIL:
            return self.new_days
        return self.recent_days if age < RECENT_UNTIL else self.old_days

    def overdue(self, known: KnownPage, now: datetime) -> float:
        """Intervals passed since the last capture (jitter applied): 1 or more means due."""
        interval = self.interval(known, now) * (1 - JITTER * jitter(known.url))
        elapsed = max((now - known.last_captured) / _DAY, 0.0)
        if interval <= 0:
            return math.inf
        return elapsed / interval

    def cap(self, known_count: int) -> int:
        """Revisits one crawl may make among ``known_count`` releases (at least one if any and
        the share is not 0, so a small archive is revisited too)."""
        # Rounded first: 0.1 * 30 is 3.0000000000000004 in floating point, not 4 releases.
        return math.ceil(round(self.share * known_count, 9))

    def select(self, candidates: Iterable[KnownPage], known_count: int, now: datetime) -> list[str]:
        """URLs of the due ``candidates`` to revisit in this crawl, most overdue first, capped."""
        due = [(self.overdue(known, now), known.url) for known in candidates]
        ranked = sorted((item for item in due if item[0] >= 1), key=lambda item: (-item[0], item[1]))
        return [url for _overdue, url in ranked[:self.cap(known_count)]]


def born(known: KnownPage) -> datetime:
    """When the release's age starts: its publication, but never after the archive first saw it
    (a wrong date in the future must not keep it young); else its first capture."""
    first = known.first_captured or known.last_captured
    if known.published is None:
        return first
    return min(datetime.combine(known.published, time()), first)


def jitter(url: str) -> float:
    """A number in [0, 1) fixed for ``url``: the same on every crawl and every machine."""
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
