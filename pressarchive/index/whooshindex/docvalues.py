"""Per-segment arrays of every document's metadata, read once and kept while the segment lives.

Filtering, facet counting, the timeline and date sorting all need one value per matching
document. Asking whoosh per document costs microseconds each, which at 100,000 matches is the
whole time budget; instead each segment's columns are read once into numpy arrays (keyword
values as small integer codes) and every search works on those. Segments never change once
written (only their deletion set does), so the arrays are cached by segment id and dropped
when a merge removes the segment.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import columns
from whoosh.fields import NUMERIC
from whoosh.reading import IndexReader

from pressarchive.index.whooshindex import whoosh_internals as wi
from pressarchive.index.languages import fold, language_group
from pressarchive.index.periods import EPOCH_ORDINAL, month_codes
from pressarchive.index.whooshindex.postings import FloatArray, field_lengths
from pressarchive.index.fields import MULTI_KEYWORDS
from pressarchive.index.whooshindex.schema import MISSING

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Single-valued keyword columns (one value per document); multi-valued ones are the fields of
#: :data:`~pressarchive.index.whooshindex.schema.MULTI_KEYWORDS`.
KEYWORD_COLUMNS: tuple[str, ...] = ("language", "source", "source_agency", "source_country")


@dataclass(frozen=True)
class KeywordValues:
    """One single-valued keyword column: distinct raw values and each document's code."""

    values: list[str]
    folded: list[str]
    codes: IntArray

    @classmethod
    def from_strings(cls, strings: Iterable[str]) -> KeywordValues:
        values, codes = np.unique(np.array(list(strings), dtype=object), return_inverse=True)
        raw = [str(value) for value in values]
        return cls(raw, [fold(value.strip()) for value in raw], codes.astype(np.int64))

    def matching(self, wanted: str) -> BoolArray:
        """Mask of documents whose value folds to the same text as ``wanted``."""
        target = fold(wanted.strip())
        hits = [code for code, value in enumerate(self.folded) if value == target]
        return np.isin(self.codes, hits)


@dataclass(frozen=True)
class MultiValues:
    """A multi-valued column (operations, countries, agencies) as (document, value code) pairs."""

    values: list[str]
    folded: list[str]
    docs: IntArray
    codes: IntArray

    @classmethod
    def from_lists(cls, lists: list[list[str]]) -> MultiValues:
        docs = [docnum for docnum, names in enumerate(lists) for _ in names]
        flat = KeywordValues.from_strings(name for names in lists for name in names)
        return cls(flat.values, flat.folded, np.array(docs, dtype=np.int64), flat.codes)

    def matching(self, wanted: str, size: int) -> BoolArray:
        """Mask over ``size`` documents of those holding a value folding like ``wanted``."""
        target = fold(wanted.strip())
        hits = [code for code, value in enumerate(self.folded) if value == target]
        mask = np.zeros(size, dtype=bool)
        mask[self.docs[np.isin(self.codes, hits)]] = True
        return mask


@dataclass(frozen=True)
class SegmentValues:
    """Everything searches need per document of one segment, indexed by segment docnum."""

    size: int
    ids: IntArray
    versions: IntArray
    days: IntArray  # date ordinal, MISSING when undated
    months: IntArray  # year * 12 + month - 1, MISSING when undated
    clusters: IntArray  # near-duplicate cluster, the document's own id when it has none
    keywords: dict[str, KeywordValues]
    multi: dict[str, MultiValues]  # by field name: operation, country, agency
    # Field lengths for scoring, loaded the first time a query scores that field.
    lengths: dict[str, FloatArray] = field(default_factory=dict)

    def field_lengths(self, reader: IndexReader, fieldname: str) -> FloatArray:
        """Each document's length in ``fieldname`` (read once per segment and field)."""
        found = self.lengths.get(fieldname)
        if found is None:
            found = self.lengths[fieldname] = field_lengths(reader, fieldname)
        return found

    @classmethod
    def read(cls, reader: IndexReader) -> SegmentValues:
        """Load the arrays of one segment reader."""
        size = reader.doc_count_all()
        days = _numbers(reader, "day", size)
        ids = _numbers(reader, "id", size)
        return cls(
            size=size,
            ids=ids,
            versions=_numbers(reader, "version", size),
            days=days,
            months=_months(days),
            clusters=_clusters(reader, ids, size),
            keywords={name: _keyword(reader, name, size) for name in KEYWORD_COLUMNS},
            multi={name: _multi(reader, column, size) for name, column in MULTI_KEYWORDS.items()},
        )


def _numbers(reader: IndexReader, fieldname: str, size: int) -> IntArray:
    column = reader.column_reader(fieldname, translate=False)
    if isinstance(column, columns.NumericColumn.Reader):
        # Read the packed big-endian values in one go instead of one struct call per document.
        stored, width, typecode, default = wi.numeric_column_layout(column)
        count = min(stored, size)
        raw = wi.numeric_column_bytes(column, count, width)
        dtype = np.dtype(typecode).newbyteorder(">")
        # An unset id would read as the column's default (2**64 - 1 for ids): never a real one.
        default = default if -(2**63) <= default < 2**63 else MISSING
        values = np.full(size, default, dtype=np.int64)
        values[:count] = _unsortable(reader, fieldname, np.frombuffer(raw, dtype=dtype))
        return values
    return np.fromiter((int(value) for value in column), dtype=np.int64, count=size)


def _unsortable(reader: IndexReader, fieldname: str, raw: npt.NDArray[Any]) -> IntArray:
    # Signed NUMERIC columns (the id) hold "sortable" values: the number with its sign bit
    # flipped, as unsigned. Flipping it back and reinterpreting gives the number.
    field = reader.schema[fieldname]
    if isinstance(field, NUMERIC) and field.signed and field.bits == 64:
        return (raw.astype(np.uint64) ^ np.uint64(1 << 63)).view(np.int64)
    return raw.astype(np.int64)


def _months(days: IntArray) -> IntArray:
    undated = days == MISSING
    months = month_codes(np.where(undated, EPOCH_ORDINAL, days))
    return np.where(undated, MISSING, months)


def _text_column(reader: IndexReader, fieldname: str, size: int) -> list[str]:
    if not reader.has_column(fieldname):
        return [""] * size
    values = list(reader.column_reader(fieldname, translate=True))
    return [value.decode("utf-8") if isinstance(value, bytes) else str(value) for value in values]


def _keyword(reader: IndexReader, fieldname: str, size: int) -> KeywordValues:
    return KeywordValues.from_strings(_text_column(reader, fieldname, size))


def _multi(reader: IndexReader, column: str, size: int) -> MultiValues:
    lines = _text_column(reader, column, size)
    return MultiValues.from_lists([text.split("\n") if text else [] for text in lines])


def _clusters(reader: IndexReader, ids: IntArray, size: int) -> IntArray:
    clusters = _numbers(reader, "cluster", size)
    return np.where(clusters == MISSING, ids, clusters)


def group_doc_counts(segments: Iterable[SegmentValues]) -> dict[str, int]:
    """Documents per analysis group (``es``, ``xx``...) over all segments, deleted included."""
    counts: dict[str, int] = {}
    for values in segments:
        column = values.keywords["language"]
        for code, count in enumerate(np.bincount(column.codes, minlength=len(column.values)).tolist()):
            group = language_group(column.values[code])
            counts[group] = counts.get(group, 0) + count
    return counts


def live_mask(reader: IndexReader) -> BoolArray:
    """True for each docnum of the segment that is not deleted."""
    mask = np.ones(reader.doc_count_all(), dtype=bool)
    if reader.has_deletions():
        mask[list(reader.deleted_docs_set)] = False
    return mask


class DocValuesCache:
    """Segment id -> :class:`SegmentValues`, pruned to the segments of the latest reader.

    Live-document masks are cached too, keyed by segment and deletion count: a segment's
    deletions only ever grow, so the count identifies the set. Concurrent searches share the
    cache: a lock guards the dictionaries, never the loading (two searches meeting a new
    segment at once may both load it; the values are the same).
    """

    def __init__(self) -> None:
        self._segments: dict[str, SegmentValues] = {}
        self._live: dict[tuple[str, int], BoolArray] = {}
        self._lock = threading.Lock()

    def live(self, reader: IndexReader) -> BoolArray:
        """The live mask of a segment reader (see :func:`live_mask`), cached."""
        key = (reader.segment().segment_id(), reader.segment().deleted_count())
        with self._lock:
            mask = self._live.get(key)
        if mask is None:
            mask = live_mask(reader)
            with self._lock:
                self._live[key] = mask
        return mask

    def get(self, reader: IndexReader) -> SegmentValues:
        """The values of a segment reader, loading them the first time this segment is seen."""
        key = reader.segment().segment_id()
        with self._lock:
            values = self._segments.get(key)
        if values is None:
            values = SegmentValues.read(reader)
            with self._lock:
                values = self._segments.setdefault(key, values)
        return values

    def keep_only(self, readers: Iterable[IndexReader]) -> None:
        """Forget segments that are not among ``readers`` (merged away or cleared)."""
        current = {(r.segment().segment_id(), r.segment().deleted_count()) for r in readers}
        alive = {segment_id for segment_id, _ in current}
        with self._lock:
            for key in set(self._segments) - alive:
                del self._segments[key]
            for live_key in set(self._live) - current:
                del self._live[live_key]
