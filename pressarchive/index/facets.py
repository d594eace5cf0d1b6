"""Facet counts and the monthly timeline over every match of a search, from cached arrays.

Whoosh's own grouping visits each match through Python objects (40-500 ms at 100,000
documents); counting the matched documents' value codes with ``numpy.bincount`` over the
per-segment arrays of :mod:`pressarchive.index.docvalues` gives the same exact counts in a
few milliseconds. Counts from several segments are merged by value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from pressarchive.index.deadline import Deadline
from pressarchive.index.docvalues import KEYWORD_COLUMNS, BoolArray, IntArray, SegmentValues
from pressarchive.index.schema import MISSING, MULTI_KEYWORDS
from pressarchive.searchparams import FACETS

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


def histogram(matches: Matches) -> dict[str, int]:
    """"YYYY-MM" -> number of matches published that month, oldest first; undated left out."""
    total = _month_counts(matches)
    return {f"{month // 12:04d}-{month % 12 + 1:02d}": total[month] for month in sorted(total)}


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
