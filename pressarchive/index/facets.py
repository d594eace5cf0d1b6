"""Facet counts (language, source, year, operation) over every match of a search.

Whoosh computes the groups while collecting, over all matching documents rather than just the
requested page, reading sortable columns. Operation names are several per document, which
whoosh can only facet by scanning the whole field on every search; instead they sit in one
column, one name per line, and :class:`LinesFacet` splits them for each match.
"""

from __future__ import annotations

from typing import Any

from whoosh import sorting
from whoosh.matching import Matcher
from whoosh.searching import Results, Searcher

FACET_NAMES: tuple[str, ...] = ("language", "source", "year", "operation")


class LinesFacet(sorting.FacetType):
    """Facet on a text column holding several values, one per line."""

    def __init__(self, fieldname: str, maptype: type | None = None) -> None:
        self.fieldname = fieldname
        self.maptype = maptype

    def categorizer(self, global_searcher: Searcher) -> sorting.Categorizer:
        return _LinesCategorizer(self.fieldname)


class _LinesCategorizer(sorting.Categorizer):
    allow_overlap = True

    def __init__(self, fieldname: str) -> None:
        self._fieldname = fieldname
        self._column: Any = None

    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        self._column = segment_searcher.reader().column_reader(self._fieldname)

    def keys_for(self, matcher: Matcher, segment_docnum: int) -> list[str]:
        value = self._column[segment_docnum]
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        return text.split("\n") if text else []


def facet_definitions() -> dict[str, sorting.FacetType]:
    """The ``groupedby`` argument for ``Searcher.search``: facet name -> counting facet."""
    return {
        "language": sorting.FieldFacet("language", maptype=sorting.Count),
        "source": sorting.FieldFacet("source", maptype=sorting.Count),
        "year": sorting.FieldFacet("year", maptype=sorting.Count),
        "operation": LinesFacet("operation_names", maptype=sorting.Count),
    }


def facet_counts(results: Results) -> dict[str, dict[str, int]]:
    """Counts per facet value, most frequent first (ties alphabetical), blanks left out."""
    return {name: _ordered(results.groups(name)) for name in FACET_NAMES}


def _ordered(groups: dict[object, int]) -> dict[str, int]:
    # Missing values come back as "", None or 0 (the year column default): not a facet value.
    counts = {str(key): count for key, count in groups.items() if key not in ("", None, 0)}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
