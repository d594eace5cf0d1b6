"""The search page's timeline: the index's periods with matches as bars to draw.

The index counts matches per day, ISO week, month or year (the interval the search asked
for, or the one the span of its matches called for). Each bar stands at its period's place
between the first and the last period, so time runs evenly along the axis and periods
without matches stay empty gaps. Bars are drawn server-side as inline SVG (the pages run no
script) and each links to the search narrowed to its period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pressarchive.index.models import Period
from pressarchive.index.periods import period_code

#: Drawing units: bar width plus gap, and the chart's height.
BAR_STEP, BAR_WIDTH, CHART_HEIGHT = 10, 8, 60
#: The chart is at least this many bars wide, so a few periods do not become huge blocks.
MIN_SLOTS = 24
#: The chart is at most this many bars wide: beyond, each bar counts several periods, so a
#: bar stays a visible share of the chart and never overlaps its neighbour.
MAX_BARS_ACROSS = 400


@dataclass(frozen=True)
class Bar:
    """One bar of the chart: its periods' label, count, place in the chart and date range."""

    label: str
    count: int
    x: int
    height: float
    since: str
    until: str


@dataclass(frozen=True)
class Timeline:
    """Everything the template draws: the bars, the periods with matches (for the table), the
    unit, how many periods one bar counts, the size and the most matches in one period."""

    bars: list[Bar]
    periods: list[Period]
    unit: str  # "day", "week", "month" or "year"
    per_bar: int
    width: int
    height: int
    peak: int
    bar_width: int = BAR_WIDTH

    @property
    def first(self) -> str:
        return self.periods[0].label

    @property
    def last(self) -> str:
        return self.periods[-1].label


def build_timeline(periods: Sequence[Period], interval: str) -> Timeline | None:
    """The timeline of a result's ``periods`` of ``interval``; None when nothing is dated."""
    periods = [period for period in periods if period.count > 0]
    if not periods:
        return None
    first = period_code(interval, periods[0].since)
    slots = max(period_code(interval, periods[-1].since) - first + 1, MIN_SLOTS)
    per_bar = -(-slots // MAX_BARS_ACROSS)
    columns: dict[int, list[Period]] = {}
    for period in periods:
        columns.setdefault((period_code(interval, period.since) - first) // per_bar, []).append(period)
    tallest = max(sum(period.count for period in column) for column in columns.values())
    bars = [_bar(column, place * BAR_STEP, tallest) for place, column in columns.items()]
    width = -(-slots // per_bar) * BAR_STEP
    return Timeline(bars, periods, interval, per_bar, width, CHART_HEIGHT, max(period.count for period in periods))


def _bar(periods: list[Period], x: int, tallest: int) -> Bar:
    count = sum(period.count for period in periods)
    label = periods[0].label if len(periods) == 1 else f"{periods[0].label} to {periods[-1].label}"
    return Bar(label, count, x, _height(count, tallest), periods[0].since.isoformat(), periods[-1].until.isoformat())


def _height(count: int, peak: int) -> float:
    # A bar with any match stays visible however tall the peak is.
    if not count:
        return 0.0
    return round(max(CHART_HEIGHT * count / peak, 2.0), 1)
