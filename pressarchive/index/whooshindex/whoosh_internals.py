"""Everything pressarchive takes from Whoosh's private internals, in one place.

Whoosh's public API walks postings one document at a time and its writer spends several
Python calls per posting; the block readers and the lean writers here reach under it (names
with a leading ``_``). Those names are not a stable API, so they live only in this module,
``pyproject.toml`` pins ``whoosh-reloaded`` to the minor version they were tested with, every
read goes through :func:`private` (a vanished attribute raises :class:`WhooshInternalsChanged`
naming it and the pinned version, never a bare ``AttributeError`` deep in a search), and
``tests/test_index_whoosh.py`` checks every name of :data:`INTERNALS` on real objects.

The lean writers write exactly whoosh's ``W3Codec`` format, so every reader (and a plain
whoosh) opens the files: a 3 KB release makes about 240 postings, and whoosh's own writer
spends a size estimate with type assertions on each when pooling it, and a field-length
lookup plus four ``isinstance`` assertions when writing it; at 100,000 documents that was
most of the indexing time.
"""

from __future__ import annotations

import itertools
import pickle
import re
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3PostingsWriter
from whoosh.columns import NumericColumn
from whoosh.fields import Schema
from whoosh.query import MultiTerm, PatternQuery
from whoosh.reading import IndexReader, TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

TESTED_WITH = "whoosh-reloaded 2.7.5"
PINNED = "whoosh-reloaded>=2.7.5,<2.8"

#: Every private name used, by the whoosh class (or module) that must have it.
INTERNALS: dict[str, tuple[str, ...]] = {
    "whoosh.codec.whoosh3": ("_lenfield",),
    "SegmentReader": ("_terms", "_perdoc"),
    "W3TermsReader": ("_codec", "_postfile"),
    "W3LeafMatcher": ("_next_block", "_read_data", "_read_values", "_data", "_maxid", "_byteids",
                      "_ids", "_values"),
    "NumericColumn.Reader": ("_dbfile", "_basepos", "_count", "_fixedlen", "_typecode", "_default"),
    "PatternQuery": ("_find_prefix", "_get_pattern"),
    "MultiTerm": ("_btexts",),
    "SegmentWriter": ("_tempstorage",),
    "PostingPool": ("_write_run", "_read_run", "_open_run", "_remove_run"),
    "W3PostingsWriter": ("_write_block", "_ids", "_weights", "_values", "_blocklimit", "_compression",
                         "_maxweight", "_minlength", "_maxlength"),
    "W3FieldWriter": ("_postwriter",),
    "W3Codec": ("_blocklimit", "_compression", "_inlinelimit"),
}

Posting = tuple[str, bytes, int, float, bytes | None]
COMPRESS_MIN = 16
RUN_CHUNK = 4096
_BYTE_LENGTHS = [byte_to_length(value) for value in range(256)]


class WhooshInternalsChanged(RuntimeError):
    """A private Whoosh name pressarchive relies on is gone: the installed Whoosh is not the pinned one."""


def private(obj: object, name: str) -> Any:
    """``obj.<name>``, or :class:`WhooshInternalsChanged` naming it if this Whoosh lacks it."""
    try:
        return getattr(obj, name)
    except AttributeError:
        owner = obj.__name__ if isinstance(obj, type) else type(obj).__name__
        raise WhooshInternalsChanged(
            f"whoosh internal {owner}.{name} is missing: pressarchive is tested with {TESTED_WITH}"
            f" and needs {PINNED}"
        ) from None


def lenfield(fieldname: str) -> str:
    """The per-document column holding each document's length in ``fieldname``."""
    return str(private(whoosh3, "_lenfield")(fieldname))


# -- reading postings block by block -----------------------------------------------------------


def term_matcher(reader: IndexReader, fieldname: str, btext: bytes) -> Any | None:
    """The codec's own posting reader for one term of a segment reader; None if absent."""
    terms = private(reader, "_terms")
    try:  # one term-table lookup, not the two of ``in reader`` followed by a matcher
        info = terms.term_info(fieldname, btext)
    except TermNotFound:
        return None
    fmt = reader.schema[fieldname].format
    return private(terms, "_codec").postings_reader(
        private(terms, "_postfile"), info, fmt, term=(fieldname, btext),
    )


def is_block_matcher(matcher: Any) -> bool:
    """True for W3's block reader of document numbers (the arrays can be read per block)."""
    return hasattr(matcher, "_next_block") and not private(matcher, "_byteids")


def block_ids_weights(matcher: Any) -> tuple[Any, Any]:
    """The current block's delta-encoded docnums and its (minified) weights."""
    private(matcher, "_read_data")()
    data = private(matcher, "_data")
    return data[0], data[1]


def block_max_id(matcher: Any) -> int:
    """The last docnum of the current block."""
    return int(private(matcher, "_maxid"))


def block_ids_values(matcher: Any) -> tuple[Any, Any]:
    """The current block's docnums (absolute) and encoded values (positions)."""
    private(matcher, "_read_values")()
    return private(matcher, "_ids"), private(matcher, "_values")


def next_block(matcher: Any) -> None:
    """Move the block reader to its next block."""
    private(matcher, "_next_block")()


# -- reading columns in bulk ---------------------------------------------------------------------


def numeric_column_layout(column: NumericColumn.Reader) -> tuple[int, int, str, int]:
    """(values stored, bytes per value, struct typecode, default) of a fixed-width column."""
    return (int(private(column, "_count")), int(private(column, "_fixedlen")),
            str(private(column, "_typecode")), int(private(column, "_default")))


def numeric_column_bytes(column: NumericColumn.Reader, count: int, width: int) -> bytes:
    """The raw bytes of a fixed-width column's first ``count`` values."""
    return bytes(private(column, "_dbfile").get(private(column, "_basepos"), count * width))


def length_column(perdoc: Any, fieldname: str) -> Any | None:
    """The per-document length column of ``fieldname`` in a per-doc reader, or None."""
    if not perdoc or not perdoc.has_column(lenfield(fieldname)):
        return None
    return perdoc.column_reader(lenfield(fieldname), LENGTHS_COLUMN)


def segment_length_column(reader: IndexReader, fieldname: str) -> Any | None:
    """The length column of ``fieldname`` in a segment reader, or None."""
    return length_column(private(reader, "_perdoc"), fieldname)


def length_bytes(column: Any, size: int | None = None) -> bytes | None:
    """The one-byte encoded lengths of (the first ``size``) documents; None if not a plain column."""
    if not isinstance(column, NumericColumn.Reader):
        return None
    count = int(private(column, "_count"))
    return numeric_column_bytes(column, count if size is None else min(count, size), 1)


# -- expanding patterns --------------------------------------------------------------------------


def pattern_parts(q: PatternQuery) -> tuple[str, re.Pattern[str]]:
    """(literal prefix, compiled pattern) of a wildcard or regex query, as whoosh scans them."""
    return private(q, "_find_prefix")(q.text), re.compile(private(q, "_get_pattern")())


def multiterm_words(q: MultiTerm, reader: IndexReader) -> Iterator[bytes]:
    """The index words of a multi-term query, lazily, in whoosh's own way."""
    yield from private(q, "_btexts")(reader)


# -- writing -------------------------------------------------------------------------------------


def use_lean_pool(writer: SegmentWriter, limitmb: int) -> None:
    """Swap the (still empty) posting pool of ``writer`` for a :class:`LeanPostingPool`."""
    # SegmentWriter ignores its ``poolclass`` argument, hence the swap.
    writer.pool = LeanPostingPool(private(writer, "_tempstorage"), writer.newsegment, limitmb=limitmb)


class LeanPostingPool(PostingPool):
    """Whoosh's posting pool without per-posting assertions; a cheaper size estimate.

    A batch bigger than the pool spills sorted runs to disk; whoosh pickles (and later
    unpickles) each posting separately, which made a 10,000-document commit 30% slower than
    two of 5,000. Runs are written here as pickled chunks of :data:`RUN_CHUNK` postings.
    """

    def _write_run(self, f: Any, items: Iterable[Posting]) -> None:
        iterator = iter(items)
        while chunk := list(itertools.islice(iterator, RUN_CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[Posting]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)

    def add(self, item: Posting) -> None:
        # The same estimate as whoosh's (tuple, strings, numbers), minus the constant parts.
        self.currentsize += 150 + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)
        self.fieldnames.add(item[0])


class LeanPostingsWriter(W3PostingsWriter):
    """W3 postings writer whose ``add_posting`` skips the type assertions.

    It also compresses only blocks of at least :data:`COMPRESS_MIN` postings: most terms
    have one or two postings per segment, zlib gains nothing on those tiny blocks and its
    call was a tenth of the commit time. Each block records whether it is compressed.
    """

    # Declared for mypy: whoosh sets these untyped in its own methods.
    _compression: int
    _maxweight: float
    _minlength: int | None
    _maxlength: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._level = self._compression

    def _write_block(self, last: bool = False) -> None:
        self._compression = self._level if len(self._ids) >= COMPRESS_MIN else 0
        super()._write_block(last)

    def add_posting(self, id_: int, weight: float, vbytes: bytes, length: int | None = None) -> None:
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length


class LeanFieldWriter(W3FieldWriter):
    """W3 field writer whose ``add_postings`` loop reads each field's lengths only once."""

    def add_postings(self, schema: Schema, lengths: Any, items: Iterable[Posting]) -> None:
        lastfn: str | None = None
        lasttext: bytes | None = None
        field_lengths: list[int] = []
        add: Any = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field_lengths = _field_lengths(lengths, fieldname)
                add = self._postwriter.add_posting
                lastfn, lasttext = fieldname, None
            if docnum == -1:  # whoosh's marker for spelling words: not a posting
                continue
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
            length = field_lengths[docnum] if docnum < len(field_lengths) else 0
            add(docnum, weight, value or b"", length)
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


def _field_lengths(lengths: Any, fieldname: str) -> list[int]:
    # Lengths are one byte per document (whoosh's logarithmic encoding); decode them all at once.
    column = length_column(lengths, fieldname)
    if column is None:
        return []
    raw = length_bytes(column)
    if raw is None:
        return [_BYTE_LENGTHS[value] for value in column]
    return [_BYTE_LENGTHS[value] for value in raw]


class LeanCodec(W3Codec):
    """``W3Codec`` writing through the lean writers; reading is whoosh's own."""

    def field_writer(self, storage: Any, segment: Any) -> LeanFieldWriter:
        return LeanFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        if byteids:  # term vectors: keep whoosh's checked writer
            return super().postings_writer(dbfile, byteids=True)
        return LeanPostingsWriter(
            dbfile, blocklimit=self._blocklimit, byteids=False,
            compression=self._compression, inlinelimit=self._inlinelimit,
        )
