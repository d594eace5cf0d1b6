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
#: A bar is at least this share of the chart's width, however many periods it spans.
MAX_BARS_ACROSS = 400


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
    """Everything the template draws: the bars (periods with matches), the unit, the size."""

    bars: list[Bar]
    unit: str  # "day", "week", "month" or "year"
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
        """The bars with matches (for the table beside the chart): all of them."""
        return self.bars


def build_timeline(periods: Sequence[Period], interval: str) -> Timeline | None:
    """The timeline of a result's ``periods`` of ``interval``; None when nothing is dated."""
    periods = [period for period in periods if period.count > 0]
    if not periods:
        return None
    first = period_code(interval, periods[0].since)
    slots = max(period_code(interval, periods[-1].since) - first + 1, MIN_SLOTS)
    peak = max(period.count for period in periods)
    bars = [
        Bar(period.label, period.count, (period_code(interval, period.since) - first) * BAR_STEP,
            _height(period.count, peak), period.since.isoformat(), period.until.isoformat())
        for period in periods
    ]
    width = slots * BAR_STEP
    return Timeline(bars, interval, width, CHART_HEIGHT, peak, max(BAR_WIDTH, -(-width // MAX_BARS_ACROSS)))


def _height(count: int, peak: int) -> float:
    # A period with any match stays visible however tall the peak is.
    if not count:
        return 0.0
    return round(max(CHART_HEIGHT * count / peak, 2.0), 1)
