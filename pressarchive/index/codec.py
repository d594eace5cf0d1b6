"""Leaner versions of the whoosh writing steps that run once per posting.

A 3 KB release makes about 240 postings, and whoosh's writer spends several Python calls on
each: a size estimate with type assertions when pooling it, a field-length lookup through a
column reader and four ``isinstance`` assertions when writing it. At 100,000 documents that
is most of the indexing time. These subclasses do the same work with the checks our own
writer already guarantees removed and field lengths read once per field; the files written
are exactly whoosh's ``W3Codec`` format, so every reader (and a plain whoosh) can open them.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3PostingsWriter, _lenfield
from whoosh.columns import NumericColumn
from whoosh.fields import Schema
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool

Posting = tuple[str, bytes, int, float, bytes | None]
COMPRESS_MIN = 16
RUN_CHUNK = 4096
_BYTE_LENGTHS = [byte_to_length(value) for value in range(256)]


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
    if not lengths or not lengths.has_column(_lenfield(fieldname)):
        return []
    column = lengths.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if not isinstance(column, NumericColumn.Reader):
        return [_BYTE_LENGTHS[value] for value in column]
    raw = column._dbfile.get(column._basepos, column._count)
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
