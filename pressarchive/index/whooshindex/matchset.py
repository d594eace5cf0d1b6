"""Every document a query matches, per segment, as a numpy mask, with BM25F scores.

Totals, facets and the timeline need *all* matches, not just the page, and whoosh finds and
scores them one document at a time through Python matcher objects (hundreds of milliseconds
for a common word at 100,000 documents). Here the query tree is walked instead: each term's
posting list is read block by block into arrays (:mod:`~pressarchive.index.whooshindex.postings`), AND,
OR and NOT become array operations, and scores are whoosh's BM25F formula computed for all
matches at once. Date and year ranges are answered from the cached day column rather than
expanded into trie terms. Phrases are matched by whoosh's positional matcher, only over the
documents that contain all their words. Scores are summed over the clauses that match, as in
whoosh; wildcards and ranges score their boost, constant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from pressarchive.index.deadline import Deadline
from pressarchive.index.whooshindex.docvalues import BoolArray, SegmentValues, group_doc_counts
from pressarchive.index.errors import QueryError
from pressarchive.index.whooshindex.expansion import expand
from pressarchive.index.whooshindex.postings import FloatArray, read_positions, read_postings
from pressarchive.index.fields import group_of_field
from pressarchive.index.whooshindex.schema import MISSING

MIN_STEM = 4
B, K1 = 0.75, 1.2  # whoosh's BM25F defaults


@dataclass
class Match:
    """Documents of one segment matching a clause, and their scores (None: all zero)."""

    mask: BoolArray
    scores: FloatArray | None = None


class Statistics:
    """Collection statistics for BM25F, from the top-level searcher, memoised per search."""

    def __init__(self, searcher: Searcher, groups: dict[str, int]) -> None:
        self.searcher = searcher
        self.groups = groups
        self._avg: dict[str, float] = {}

    def idf(self, fieldname: str, btext: bytes) -> float:
        return float(self.searcher.idf(fieldname, btext))

    def average_length(self, fieldname: str) -> float:
        # Averaged over the documents of the field's language, not the whole collection
        # (whoosh's choice), so a language with few documents is not penalised as if all
        # its texts were unusually long.
        if fieldname not in self._avg:
            docs = self.groups.get(group_of_field(fieldname) or "") or self.searcher.doc_count_all() or 1
            self._avg[fieldname] = (self.searcher.field_length(fieldname) / docs) or 1.0
        return self._avg[fieldname]


def statistics(searcher: Searcher, values: list[SegmentValues]) -> Statistics:
    """Statistics for a search over segments with these cached values."""
    return Statistics(searcher, group_doc_counts(values))


class SegmentMatcher:
    """Evaluates query trees against one segment searcher and its cached values."""

    def __init__(self, searcher: Searcher, values: SegmentValues, deadline: Deadline,
                 stats: Statistics | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.values = values
        self.deadline = deadline
        self.stats = stats  # None: masks only, no scores (date order, facets)

    def match(self, q: wq.Query) -> Match:
        """Documents matching ``q`` and, when scoring, their scores."""
        self.deadline.check()
        handler = _HANDLERS.get(type(q))
        if handler is not None:
            return handler(self, q)
        if isinstance(q, (wq.DateRange, wq.NumericRange)) and q.fieldname in ("published", "year"):
            return self._constant(self._range(q), q.boost)
        if isinstance(q, wq.MultiTerm):
            return self._constant(self._multiterm(q), q.boost)
        if isinstance(q, wq.Phrase):
            return self._phrase(q)
        return Match(self._generic(q))

    def none(self) -> BoolArray:
        return np.zeros(self.values.size, dtype=bool)

    def _constant(self, mask: BoolArray, boost: float) -> Match:
        return Match(mask, mask.astype(np.float64) * boost if self.stats is not None else None)

    def _children(self, q: wq.Query) -> list[Match]:
        return [self.match(child) for child in q.children()]

    def _or(self, q: wq.Query) -> Match:
        if getattr(q, "minmatch", 0) > 1:
            return Match(self._generic(q))
        return _combine(self._children(q), np.logical_or, q.boost, self.values.size)

    def _and(self, q: wq.Query) -> Match:
        return _combine(self._all_of(q.children()), np.logical_and, q.boost, self.values.size)

    def _all_of(self, queries: Iterable[wq.Query]) -> list[Match]:
        # Stop at the first clause matching nothing: the rest cannot change the result, and
        # most (word, language field) pairs of a segment match nothing.
        parts = []
        for child in queries:
            parts.append(self.match(child))
            if not parts[-1].mask.any():
                return [parts[-1]]
        return parts

    def _not(self, q: wq.Not) -> Match:
        # Whoosh's inverse matcher scores 1.0 for every document it lets through, whatever
        # the boost; so does this, so that "a NOT b" ranks exactly as whoosh ranks it.
        return self._constant(~self.match(q.query).mask, 1.0)

    def _and_not(self, q: wq.AndNot) -> Match:
        positive = self.match(q.a)
        return _masked(positive.mask & ~self.match(q.b).mask, positive.scores)

    def _and_maybe(self, q: wq.AndMaybe) -> Match:
        required, optional = self.match(q.a), self.match(q.b)
        return _masked(required.mask, _add(required.scores, optional.scores))

    def _require(self, q: wq.Require) -> Match:
        required = self.match(q.a)
        return _masked(required.mask & self.match(q.b).mask, required.scores)

    def _wrapped(self, q: wq.WrappingQuery) -> Match:
        return self.match(q.child)

    def _every(self, q: wq.Every) -> Match:
        if q.fieldname not in (None, "", "*"):
            return Match(self._generic(q))
        return self._constant(np.ones(self.values.size, dtype=bool), q.boost)

    def _null(self, q: wq.Query) -> Match:
        return Match(self.none())

    def _term(self, q: wq.Term) -> Match:
        if q.fieldname not in self.searcher.schema:
            return Match(self.none())
        field = self.searcher.schema[q.fieldname]
        try:
            btext = field.to_bytes(q.text)
        except Exception as exc:
            raise QueryError(f'invalid value {q.text!r} for field "{q.fieldname}"') from exc
        return self._scored_term(q.fieldname, btext, q.boost)

    def _scored_term(self, fieldname: str, btext: bytes, boost: float) -> Match:
        ids, weights = read_postings(self.reader, fieldname, btext, weights=self.stats is not None)
        mask = self.none()
        mask[ids] = True
        if self.stats is None or weights is None or not ids.size:
            return Match(mask)
        lengths = self.values.field_lengths(self.reader, fieldname)[ids]
        norm = K1 * ((1 - B) + B * lengths / self.stats.average_length(fieldname))
        scores = np.zeros(self.values.size, dtype=np.float64)
        idf = self.stats.idf(fieldname, btext)
        scores[ids] = boost * idf * (weights * (K1 + 1)) / (weights + norm)
        return Match(mask, scores)

    def _multiterm(self, q: wq.MultiTerm) -> BoolArray:
        words = expand(self.reader, q, self.deadline)
        if isinstance(q, wq.Prefix) and q.fieldname.startswith(("title_", "body_")):
            words += _stems_of_prefix(self.reader, q.fieldname, q.text)
        mask = self.none()
        for count, btext in enumerate(words, 1):
            mask[read_postings(self.reader, q.fieldname, btext, weights=False)[0]] = True
            if count % 32 == 0:
                self.deadline.check()
        return mask

    def _range(self, q: wq.NumericRange) -> BoolArray:
        days = self.values.days
        if q.fieldname == "year":
            keys = np.where(days == MISSING, MISSING, self.values.months // 12)
            low, high = q.start, q.end
        else:
            keys = days
            low, high = _ordinal(q.start), _ordinal(q.end)
        mask = keys != MISSING
        if low is not None:
            mask &= keys > low if q.startexcl else keys >= low
        if high is not None:
            mask &= keys < high if q.endexcl else keys <= high
        return mask

    def _phrase(self, q: wq.Phrase) -> Match:
        # Documents holding every word are candidates; only their positions are decoded.
        words = [wq.Term(q.fieldname, word, boost=q.boost) for word in q.words]
        parts = self._all_of(words)
        candidates = _combine(parts, np.logical_and, 1.0, self.values.size)
        if not candidates.mask.any() or len(words) < 2:
            return candidates
        if q.slop != 1:
            return _masked(self._generic(q, candidates.mask), candidates.scores)
        field = self.searcher.schema[q.fieldname]
        starts: dict[int, set[int]] | None = None
        for offset, word in enumerate(words):
            found = read_positions(self.reader, q.fieldname, field.to_bytes(word.text), candidates.mask)
            shifted = {doc: {pos - offset for pos in positions} for doc, positions in found.items()}
            starts = shifted if starts is None else {
                doc: starts[doc] & shifted[doc] for doc in starts.keys() & shifted.keys()
            }
            starts = {doc: at for doc, at in starts.items() if at}
            self.deadline.check()
        mask = self.none()
        mask[list(starts or ())] = True
        return _masked(mask, candidates.scores)

    def _generic(self, q: wq.Query, within: BoolArray | None = None) -> BoolArray:
        mask = self.none()
        matcher = q.matcher(self.searcher)
        targets = np.flatnonzero(within).tolist() if within is not None else None
        found: list[int] = []
        if targets is not None:
            for checked, target in enumerate(targets):
                if not matcher.is_active():
                    break
                matcher.skip_to(target)
                if matcher.is_active() and matcher.id() == target:
                    found.append(target)
                if checked % 1024 == 1023:
                    self.deadline.check()
        else:
            while matcher.is_active():
                found.append(matcher.id())
                matcher.next()
                if len(found) % 4096 == 0:
                    self.deadline.check()
        mask[found] = True
        return mask


def _stems_of_prefix(reader: object, fieldname: str, prefix: str) -> list[bytes]:
    # Index terms are stems, often shorter than the typed prefix: "operacio*" must reach
    # "oper" (from "operación"). A stem that is itself a start of the prefix, at least
    # MIN_STEM long, is taken as a match; the ones starting with the prefix are found anyway.
    found = []
    for end in range(MIN_STEM, len(prefix)):
        btext = prefix[:end].encode("utf-8")
        if (fieldname, btext) in reader:  # type: ignore[operator]
            found.append(btext)
    return found


def _add(a: FloatArray | None, b: FloatArray | None) -> FloatArray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _combine(parts: list[Match], op: Callable[[BoolArray, BoolArray], BoolArray], boost: float,
             size: int) -> Match:
    if not parts:
        return Match(np.zeros(size, dtype=bool))
    mask = parts[0].mask
    scores = parts[0].scores
    for part in parts[1:]:
        mask = op(mask, part.mask)
        scores = _add(scores, part.scores)
    if scores is not None and boost != 1.0:
        scores = scores * boost
    return _masked(mask, scores)


def _masked(mask: BoolArray, scores: FloatArray | None) -> Match:
    # A document a clause does not match must add nothing to an enclosing OR: the scores of
    # an AND's parts, a phrase's words or a NOT's positive side stay only where it matched.
    return Match(mask, None if scores is None else np.where(mask, scores, 0.0))


def _ordinal(value: datetime | int | None) -> int | None:
    # Range bounds are datetimes, or after normalisation whoosh's microsecond longs; the day
    # column holds whole-day ordinals. An inclusive end at 23:59:59 still means that day, and
    # an exclusive one means "before that day".
    if isinstance(value, int):
        value = long_to_datetime(value)
    return value.toordinal() if isinstance(value, datetime) else None


_HANDLERS: dict[type, Callable[[SegmentMatcher, wq.Query], Match]] = {
    wq.And: SegmentMatcher._and,
    wq.Or: SegmentMatcher._or,
    wq.DisjunctionMax: SegmentMatcher._or,
    wq.Not: SegmentMatcher._not,  # type: ignore[dict-item]
    wq.AndNot: SegmentMatcher._and_not,  # type: ignore[dict-item]
    wq.AndMaybe: SegmentMatcher._and_maybe,  # type: ignore[dict-item]
    wq.Require: SegmentMatcher._require,  # type: ignore[dict-item]
    wq.ConstantScoreQuery: SegmentMatcher._wrapped,  # type: ignore[dict-item]
    wq.WrappingQuery: SegmentMatcher._wrapped,  # type: ignore[dict-item]
    wq.Every: SegmentMatcher._every,  # type: ignore[dict-item]
    wq.NullQuery.__class__: SegmentMatcher._null,
    wq.Term: SegmentMatcher._term,  # type: ignore[dict-item]
}
