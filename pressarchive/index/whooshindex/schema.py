"""The Whoosh schema: which fields exist, how each is analysed, which are stored or sortable.

Title and body are indexed once per analysis group (``title_es``, ``body_es``, ...) so that a
document is stemmed in its own language only. Only what a hit shows is stored (id, url,
title, date, source, language, operations): the body stays in the store, which the snippet
code reads through ``text_source``. Keyword fields are folded for matching but keep the raw
value in their column, which is what the facets show; ``version`` and ``day`` are columns
only, read in bulk by :mod:`~pressarchive.index.whooshindex.docvalues`. Bump
:data:`SCHEMA_VERSION` whenever anything here, in :mod:`~pressarchive.index.fields` or in the
analysis changes: an index with another version is recreated.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterator
from pickle import dumps
from typing import Any

from whoosh import columns
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from pressarchive.index.fields import (
    MULTI_KEYWORDS,
    body_field,
    title_field,
)
from pressarchive.index.languages import GROUPS
from pressarchive.index.whooshindex.analysis import LanguageAnalyzer, keyword_analyzer, lines_analyzer, text_analyzer

SCHEMA_VERSION = 3

# Column value for an undated document (``day``) or one without a version: below every real one.
MISSING = -1

class LanguageText(TEXT):
    """A TEXT field (with positions) that indexes through the analyzer's fast term list.

    Whoosh's generic path builds a Token object per word and a position list per term through
    several generators; this does the same work in two tight loops over plain strings and
    encodes the positions exactly as whoosh's ``Positions`` format does, so phrase queries and
    every reader work unchanged. It is most of the indexing speed-up.
    """

    def __init__(self, group: str) -> None:
        super().__init__(analyzer=text_analyzer(group))

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        analyzer = self.analyzer
        if not isinstance(analyzer, LanguageAnalyzer) or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for pos, term in enumerate(analyzer.terms(value)):
            positions[term].append(pos)
        boost = self.format.field_boost
        single = _single_position
        for term, poslist in positions.items():
            count = len(poslist)
            value = single(poslist[0]) if count == 1 else _encode(poslist)
            yield term.encode("utf-8"), count, count * boost, value


@functools.lru_cache(maxsize=4096)
def _single_position(pos: int) -> bytes:
    # Most terms occur once in a document: their encoding depends on the position only.
    return _encode([pos])


def _encode(poslist: list[int]) -> bytes:
    # Byte for byte what whoosh.formats.Positions.encode produces: count, pickled deltas.
    deltas = [poslist[0]] + [b - a for a, b in itertools.pairwise(poslist)]
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def _keyword(stored: bool = False) -> ID:
    return ID(stored=stored, sortable=True, analyzer=keyword_analyzer())


def build_schema() -> Schema:
    """The schema of an index at :data:`SCHEMA_VERSION`."""
    schema = Schema(
        id=NUMERIC(int, bits=64, stored=True, unique=True, sortable=True),
        url=ID(stored=True),
        version=COLUMN(columns.NumericColumn("q", default=MISSING)),
        title=STORED(),
        source=_keyword(stored=True),
        # The publishing source's own agency and country (from its profile).
        source_agency=_keyword(),
        source_country=_keyword(),
        language=_keyword(stored=True),
        # The analysis group the text went to; lets a query treat a stop word as present.
        lang_group=ID(),
        published=DATETIME(stored=True),
        # Proleptic Gregorian ordinal of the publication date: sorting, date filters, timeline.
        day=COLUMN(columns.NumericColumn("i", default=MISSING)),
        year=NUMERIC(int, bits=16, signed=False),
        # Near-duplicate cluster: the store's cluster id, or the document's own id.
        cluster=COLUMN(columns.NumericColumn("q", default=MISSING)),
        # "operations" keeps the display names for hits.
        operations=STORED(),
    )
    for name, column in MULTI_KEYWORDS.items():
        schema.add(name, KEYWORD(analyzer=lines_analyzer()))
        schema.add(column, COLUMN(columns.VarBytesColumn()))
    for group in GROUPS:
        schema.add(title_field(group), LanguageText(group))
        schema.add(body_field(group), LanguageText(group))
    return schema
