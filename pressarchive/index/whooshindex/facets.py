"""Facet counts and the timeline (per day, week, month or year) over every match of a search, from cached arrays.

Whoosh's own grouping visits each match through Python objects (40-500 ms at 100,000
documents); counting the matched documents' value codes with ``numpy.bincount`` over the
per-segment arrays of :mod:`pressarchive.index.whooshindex.docvalues` gives the same exact counts in a
few milliseconds. Counts from several segments are merged by value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from pressarchive.index.deadline import Deadline
from pressarchive.index.whooshindex.docvalues import KEYWORD_COLUMNS, BoolArray, IntArray, SegmentValues
from pressarchive.index.models import Period
from pressarchive.index.periods import choose_interval, period_label, period_range, week_codes
from pressarchive.index.fields import MULTI_KEYWORDS
from pressarchive.index.whooshindex.schema import MISSING
from pressarchive.searchparams import AUTO_INTERVAL, FACETS

#: Every facet, in display order. ``source_country`` is the publishing source's own country;
#: ``country`` and ``agency`` are those the documents mention (multi-valued, like ``operation``:
#: a document mentioning two countries counts once for each). Counts are of documents.
#: Defined (with their labels and filters) in :data:`pressarchive.searchparams.PARAMS`.
FACET_NAMES: tuple[str, ...] = FACETS
_SINGLE_FACETS = tuple(name for name in FACET_NAMES if name in KEYWORD_COLUMNS)

Matches = Sequence[tuple[SegmentValues, BoolArray]]


def facet_counts(matches: Matches, deadline: Deadline | None = None) -> dict[str, dict[str, int]]:
    """Value -> count per facet, most frequent first (ties alphabetical), blanks left out.

    With a ``deadline``, it is checked per segment (an index of many segments and values
    costs a search real time here too).
    """
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACET_NAMES}
    for values, mask in matches:
        if deadline is not None:
            deadline.check()
        for name in _SINGLE_FACETS:
            column = values.keywords[name]
            _add(counters[name], column.values, column.codes[mask])
        for name in MULTI_KEYWORDS:
            multi = values.multi[name]
            _add(counters[name], multi.values, multi.codes[mask[multi.docs]])
    for month, count in _month_counts(matches).items():
        counters["year"][str(month // 12)] += count
    return {name: _ordered(counters[name]) for name in FACET_NAMES}


def histogram(matches: Matches, interval: str = AUTO_INTERVAL) -> tuple[str, list[Period]]:
    """The timeline: the interval counted by and each of its periods with matches, oldest
    first; undated matches left out. ``auto`` picks the interval from the matches' span
    (:func:`~pressarchive.index.periods.choose_interval`); with no dated match it is ``month``."""
    dated = [(values, mask, values.days[mask]) for values, mask in matches]
    dated = [(values, mask, days[days != MISSING]) for values, mask, days in dated]
    present = [days for _, _, days in dated if days.size]
    if not present:
        return ("month" if interval == AUTO_INTERVAL else interval), []
    first = min(int(days.min()) for days in present)
    last = max(int(days.max()) for days in present)
    chosen = choose_interval(interval, first, last)
    codes = np.concatenate([_period_codes(values, mask, days, chosen) for values, mask, days in dated])
    return chosen, [
        Period(period_label(chosen, code), *period_range(chosen, code), count)
        for code, count in _code_counts(codes)
    ]


def _period_codes(values: SegmentValues, mask: BoolArray, days: IntArray, interval: str) -> IntArray:
    """Each dated match's period code; months and years from the segment's cached months."""
    if interval == "day":
        return days
    if interval == "week":
        return week_codes(days)
    months = values.months[mask]
    months = months[months != MISSING]
    return months // 12 if interval == "year" else months


def _code_counts(codes: IntArray) -> list[tuple[int, int]]:
    """(code, count) of every code present, ascending: a bincount over the codes' range, or a
    sort when that range is much wider than the codes are many (days over centuries)."""
    first, last = int(codes.min()), int(codes.max())
    if last - first <= 4 * codes.size + 4096:
        counts = np.bincount(codes - first)
        present = np.flatnonzero(counts)
        return list(zip((present + first).tolist(), counts[present].tolist(), strict=True))
    unique, counts = np.unique(codes, return_counts=True)
    return list(zip(unique.tolist(), counts.tolist(), strict=True))


def _month_counts(matches: Matches) -> Counter[int]:
    """Month number (year * 12 + month - 1) -> matches published then; undated left out."""
    total: Counter[int] = Counter()
    for values, mask in matches:
        months = values.months[mask]
        months = months[months != MISSING]
        if months.size:
            first = int(months.min())
            counts = np.bincount(months - first)
            present = np.flatnonzero(counts)
            for offset, count in zip(present.tolist(), counts[present].tolist(), strict=True):
                total[first + offset] += count
    return total


def _add(counter: Counter[str], labels: list[str], codes: IntArray) -> None:
    if not codes.size:
        return
    counts = np.bincount(codes, minlength=len(labels))
    present = np.flatnonzero(counts)
    for code, count in zip(present.tolist(), counts[present].tolist(), strict=True):
        counter[labels[code]] += count


def _ordered(counts: Counter[str]) -> dict[str, int]:
    present = {key: count for key, count in counts.items() if key.strip()}
    return dict(sorted(present.items(), key=lambda item: (-item[1], item[0])))
