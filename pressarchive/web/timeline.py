"""The search page's timeline: the per-month histogram of matches as bars to draw.

The index counts matches per ``YYYY-MM``; this fills the empty months in between, so time
runs evenly along the axis, and falls back to one bar per year when the span is too long for
months to stay readable. Bars are drawn server-side as inline SVG (the pages run no script)
and each links to the search narrowed to its period.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Longest span drawn month by month; longer ones get a bar per year.
MAX_MONTHS = 240
#: Drawing units: bar width plus gap, and the chart's height.
BAR_STEP, BAR_WIDTH, CHART_HEIGHT = 10, 8, 60
#: The chart is at least this many bars wide, so a few periods do not become huge blocks.
MIN_SLOTS = 24

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Bar:
    """One period on the timeline: its label, count, place in the chart and date range."""

    label: str
    count: int
    x: int
    height: float
    since: str
    until: str


@dataclass(frozen=True)
class Timeline:
    """Everything the template draws: the bars, the unit, the chart size and the peak."""

    bars: list[Bar]
    unit: str  # "month" or "year"
    width: int
    height: int
    peak: int
    bar_width: int = BAR_WIDTH

    @property
    def first(self) -> str:
        return self.bars[0].label

    @property
    def last(self) -> str:
        return self.bars[-1].label

    @property
    def counted(self) -> list[Bar]:
        """The bars with matches (for the table beside the chart)."""
        return [bar for bar in self.bars if bar.count]


def build_timeline(histogram: Mapping[str, int]) -> Timeline | None:
    """The timeline for a ``YYYY-MM -> count`` histogram; None when nothing is dated."""
    months: dict[tuple[int, int], int] = {}
    for key, count in histogram.items():
        match = _MONTH.fullmatch(str(key))
        if match and int(match[1]) >= 1 and int(count) > 0:
            month = (int(match[1]), int(match[2]))
            months[month] = months.get(month, 0) + int(count)
    if not months:
        return None
    first, last = min(months), max(months)
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    periods = _by_month(months, first, span) if span <= MAX_MONTHS else _by_year(months, first[0], last[0])
    peak = max(count for *_, count in periods)
    bars = [
        Bar(label, count, index * BAR_STEP, _height(count, peak), since, until)
        for index, (label, since, until, count) in enumerate(periods)
    ]
    unit = "month" if span <= MAX_MONTHS else "year"
    return Timeline(bars, unit, max(len(bars), MIN_SLOTS) * BAR_STEP, CHART_HEIGHT, peak)


Period = tuple[str, str, str, int]  # label, since, until, count


def _by_month(months: Mapping[tuple[int, int], int], first: tuple[int, int], span: int) -> list[Period]:
    periods = []
    for offset in range(span):
        year, month = divmod(first[0] * 12 + first[1] - 1 + offset, 12)
        month += 1
        days = calendar.monthrange(year, month)[1]
        periods.append((
            f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{days:02d}",
            months.get((year, month), 0),
        ))
    return periods


def _by_year(months: Mapping[tuple[int, int], int], first: int, last: int) -> list[Period]:
    totals: dict[int, int] = {}
    for (year, _), count in months.items():
        totals[year] = totals.get(year, 0) + count
    return [
        (f"{year:04d}", f"{year:04d}-01-01", f"{year:04d}-12-31", totals.get(year, 0))
        for year in range(first, last + 1)
    ]


def _height(count: int, peak: int) -> float:
    # A period with any match stays visible however tall the peak is.
    if not count:
        return 0.0
    return round(max(CHART_HEIGHT * count / peak, 2.0), 1)
