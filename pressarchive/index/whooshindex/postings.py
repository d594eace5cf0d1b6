"""Reading a whole posting list, or a whole field-length column, into numpy arrays at once.

Whoosh walks postings one document at a time through Python matcher objects (and decodes each
block's document numbers with a generator), which at 100,000 documents costs more than the
rest of a search. Here each block of the W3 format is unpickled once and its delta-encoded
document numbers and weights are appended to flat arrays, decoded with one ``cumsum``.
Terms whose matcher is not a plain W3 block reader fall back to whoosh's iteration.
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

from pressarchive.index.whooshindex import whoosh_internals as wi

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

_BYTE_LENGTHS = np.array([byte_to_length(value) for value in range(256)], dtype=np.float64)
_EMPTY_IDS: IntArray = np.zeros(0, dtype=np.int64)


def read_postings(reader: IndexReader, fieldname: str, btext: bytes,
                  weights: bool = True) -> tuple[IntArray, FloatArray | None]:
    """(segment docnums, term weights or None) of one term in one segment; empty if absent."""
    matcher = wi.term_matcher(reader, fieldname, btext)
    if matcher is None:
        return _EMPTY_IDS, None
    if not wi.is_block_matcher(matcher):
        return _iterate(matcher, weights)
    deltas = array("q")
    found = array("d")
    previous_max: int | None = None
    while matcher.is_active():
        block_ids, block_weights = wi.block_ids_weights(matcher)
        start = len(deltas)
        deltas.extend(block_ids)
        if previous_max is not None:
            # Each block's deltas restart from 0; rebase its first on the previous block's last.
            deltas[start] -= previous_max
        previous_max = wi.block_max_id(matcher)
        if weights:
            _extend_weights(found, block_weights, len(block_ids))
        wi.next_block(matcher)
    ids = np.cumsum(np.frombuffer(deltas, dtype=np.int64))
    return ids, (np.frombuffer(found, dtype=np.float64) if weights else None)


def read_positions(reader: IndexReader, fieldname: str, btext: bytes,
                   wanted: BoolArray) -> dict[int, list[int]]:
    """Docnum -> positions of one term, for the documents set in ``wanted`` only."""
    matcher = wi.term_matcher(reader, fieldname, btext)
    if matcher is None:
        return {}
    found: dict[int, list[int]] = {}
    if not wi.is_block_matcher(matcher):
        while matcher.is_active():
            if wanted[matcher.id()]:
                found[matcher.id()] = list(matcher.value_as("positions"))
            matcher.next()
        return found
    decode = reader.schema[fieldname].format.decode_positions
    while matcher.is_active():
        block_max = wi.block_max_id(matcher)
        if wanted[matcher.block_min_id() : block_max + 1].any():
            block_ids, values = wi.block_ids_values(matcher)
            ids = np.asarray(block_ids)
            for i in np.flatnonzero(wanted[ids]).tolist():
                found[int(ids[i])] = decode(values[i])
        wi.next_block(matcher)
    return found


def _extend_weights(found: array, block_weights: object, count: int) -> None:
    # Whoosh minifies a block of weights to None (all 1.0), one float (all equal) or a tuple.
    if block_weights is None:
        found.extend([1.0] * count)
    elif isinstance(block_weights, float):
        found.extend([block_weights] * count)
    else:
        found.extend(block_weights)  # type: ignore[arg-type]


def _iterate(matcher: object, weights: bool) -> tuple[IntArray, FloatArray | None]:
    ids: list[int] = []
    found: list[float] = []
    while matcher.is_active():  # type: ignore[attr-defined]
        ids.append(matcher.id())  # type: ignore[attr-defined]
        if weights:
            found.append(matcher.weight())  # type: ignore[attr-defined]
        matcher.next()  # type: ignore[attr-defined]
    return np.array(ids, dtype=np.int64), (np.array(found, dtype=np.float64) if weights else None)


def field_lengths(reader: IndexReader, fieldname: str) -> FloatArray:
    """Every document's length (in terms) of ``fieldname`` in one segment, as whoosh scores it."""
    size = reader.doc_count_all()
    column = wi.segment_length_column(reader, fieldname)
    if column is None:
        return np.zeros(size, dtype=np.float64)
    packed = wi.length_bytes(column, size)
    if packed is not None:
        raw = np.zeros(size, dtype=np.uint8)
        raw[: len(packed)] = np.frombuffer(packed, dtype=np.uint8)
    else:
        raw = np.fromiter(column, dtype=np.uint8, count=size)
    return _BYTE_LENGTHS[raw]
