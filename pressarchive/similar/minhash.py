"""MinHash signatures of a document's words, and the LSH bands that find candidate copies.

Text is compared as a set of 5-word shingles of its normalised words (NFKC, case-folded,
letters and digits only), so markup, punctuation and spacing differences between two sites
do not matter, a translation shares no shingle with its original, and reordered paragraphs
still match. The permutations are fixed by a seed: signatures stored by one run compare with
those of the next. :data:`SCHEME` names all of that; a signature of another scheme is stale.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 1
#: Jaccard similarity around which LSH makes two texts candidate copies: well under the
#: clustering threshold (0.5), so a copy is a candidate (at 0.4: 99%), and each candidate is
#: then confirmed on the whole signature.
CANDIDATE_THRESHOLD = 0.2
#: Fewer words than this and a text is not compared at all: a title-only page or a stub
#: "matches" any other stub.
MIN_WORDS = 25
SCHEME = f"w{SHINGLE_WORDS}-p{NUM_PERM}-s{SEED}"

_WORD = re.compile(r"\w+")
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED)  # permutations built once, shared by all
_LSH = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
#: Bands and rows per band chosen by datasketch for :data:`CANDIDATE_THRESHOLD` (28 x 2).
BANDS, ROWS = _LSH.b, _LSH.r


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Each normalised word of ``text`` with its character offsets in ``text``."""
    return [(match.group().casefold(), match.start(), match.end()) for match in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def shingles(tokens: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    return {" ".join(tokens[i:i + size]).encode() for i in range(max(len(tokens) - size + 1, 1))}


def signature(text: str) -> np.ndarray | None:
    """The MinHash values of ``text`` (uint32, :data:`NUM_PERM` of them); None if too short."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return None
    minhash = _TEMPLATE.copy()  # empty, with the shared permutations
    minhash.update_batch(list(shingles(tokens)))
    return np.asarray(LeanMinHash(minhash).hashvalues, dtype=np.uint32)


def to_blob(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets: the share of equal minimums."""
    return float(np.count_nonzero(first == second)) / len(first)


def buckets(values: np.ndarray) -> Iterator[tuple[int, int]]:
    """(band, bucket) for each LSH band: the bucket is a signed 64-bit hash of the band's
    index and values, so one indexed integer column finds documents sharing any band."""
    for band in range(BANDS):
        chunk = values[band * ROWS:(band + 1) * ROWS].astype("<u4").tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little")).digest()
        yield band, int.from_bytes(digest, "little", signed=True)
