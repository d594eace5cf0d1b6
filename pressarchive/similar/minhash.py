"""MinHash signatures of a document's words, and the LSH bands that find candidate copies.

Text is compared as a set of 5-word shingles of its normalised words (NFKC, case-folded,
letters and digits only), so markup, punctuation and spacing differences between two sites
do not matter, a translation shares no shingle with its original, and reordered paragraphs
still match. The permutations are fixed by a seed: signatures stored by one run compare with
those of the next. :data:`SCHEME` names all of that; a signature of another scheme is stale,
and the next similarity update signs its document again.

Hashing is ours, in numpy, and not datasketch's ``MinHash``: that one hashes each shingle with
SHA-1 in a Python loop (0.74 ms of a crawl's CPU per release, more than half of what indexing
the release costs), and its default permutations changed between datasketch 1.x and 2.0, so
signatures stored by one install would silently not compare with another's. Here each
distinct word is hashed once (BLAKE2b), a shingle's hash mixes its five word hashes with
integer arithmetic over whole arrays, and the permutations are multiply-shift hashes whose
factors come from numpy's frozen ``RandomState`` stream.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator

import numpy as np

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

_WORD = re.compile(r"\w+")


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) with the least false positives plus false negatives around ``threshold``.

    datasketch's ``MinHashLSH`` rule (equal weights; each probability integrated over the
    similarities below, or above, the threshold), computed with numpy: importing datasketch
    for it took 0.39 s of every process that signs or searches copies, SciPy included.
    """
    pairs = [(bands, rows) for bands in range(1, num_perm + 1) for rows in range(1, num_perm // bands + 1)]
    bands, rows = (np.array(column, dtype=float).reshape(-1, 1) for column in zip(*pairs, strict=True))
    below, above = np.linspace(0.0, threshold, 401), np.linspace(threshold, 1.0, 401)
    false_positive = _trapezoid(1 - (1 - below**rows) ** bands, below)
    false_negative = _trapezoid((1 - above**rows) ** bands, above)
    return pairs[int(np.argmin(false_positive + false_negative))]


def _trapezoid(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Each row of ``values`` integrated over ``points`` (numpy 1.x has no ``trapezoid``)."""
    return ((values[:, 1:] + values[:, :-1]) * np.diff(points)).sum(axis=1) / 2


#: Bands and rows per band for :data:`CANDIDATE_THRESHOLD` (28 x 2).
BANDS, ROWS = lsh_bands(CANDIDATE_THRESHOLD, NUM_PERM)
#: Names everything a stored signature and its buckets depend on: other bands make every
#: stored bucket stale too.
SCHEME = f"w{SHINGLE_WORDS}-p{NUM_PERM}-s{SEED}-ms-b{BANDS}x{ROWS}"

_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it permutes 64-bit integers
_FMIX1, _FMIX2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_WORD_CACHE_LIMIT = 200_000
_word_hashes: dict[str, int] = {}  # words recur across releases: hashed once per process


def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The factors (odd) and offsets of ``num_perm`` multiply-shift hashes, as columns."""
    state = np.random.RandomState(seed)
    factors = state.randint(0, 1 << 62, size=num_perm, dtype=np.int64).astype(np.uint64) * np.uint64(4) + np.uint64(1)
    offsets = state.randint(0, 1 << 62, size=num_perm, dtype=np.int64).astype(np.uint64) * np.uint64(4)
    return factors.reshape(-1, 1), offsets.reshape(-1, 1)


_PERMUTATIONS = permutations()


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Each normalised word of ``text`` with its character offsets in ``text``."""
    return [(match.group().casefold(), match.start(), match.end()) for match in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def shingle_hashes(tokens: list[str], size: int = SHINGLE_WORDS) -> np.ndarray:
    """A 32-bit hash of each distinct shingle of ``tokens``, order-sensitive within a shingle."""
    word_values = np.fromiter((_word_hash(token) for token in tokens), dtype=np.uint64, count=len(tokens))
    count = max(len(tokens) - size + 1, 1)
    mixed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(min(size, len(tokens))):
            mixed = mixed * _MIX + word_values[offset:offset + count]
        mixed ^= mixed >> np.uint64(33)  # MurmurHash3's finaliser: every input bit reaches the top half
        mixed *= _FMIX1
        mixed ^= mixed >> np.uint64(33)
        mixed *= _FMIX2
        mixed ^= mixed >> np.uint64(33)
    return np.unique(mixed >> np.uint64(32))


def minimums(hashes: np.ndarray, perms: tuple[np.ndarray, np.ndarray] = _PERMUTATIONS) -> np.ndarray:
    """The smallest value of each permutation over ``hashes`` (32-bit values): the signature."""
    factors, offsets = perms
    with np.errstate(over="ignore"):
        permuted = (factors * hashes + offsets) >> np.uint64(32)
    return permuted.min(axis=1).astype(np.uint32)


def signature(text: str) -> np.ndarray | None:
    """The MinHash values of ``text`` (uint32, :data:`NUM_PERM` of them); None if too short."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return None
    return minimums(shingle_hashes(tokens))


def _word_hash(word: str) -> int:
    known = _word_hashes.get(word)
    if known is None:
        known = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        if len(_word_hashes) >= _WORD_CACHE_LIMIT:
            _word_hashes.clear()
        _word_hashes[word] = known
    return known


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
