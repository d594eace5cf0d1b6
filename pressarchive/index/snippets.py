"""Snippets: the best passages of a body with the matched words marked, as plain segments.

Every engine cuts its snippets here, from the store's text (no engine keeps bodies), so a
hit shows the same passages whatever engine found it. The body is re-analysed in its own
language (:func:`pressarchive.index.wordterms.spans`), so a word is marked when its
*stemmed* form is one of the query's terms (``detenidos`` lights up for ``detenido``). The
passages are the ones whoosh's highlighter picked (``ContextFragmenter``,
``BasicFragmentScorer``, ``top_fragments``), ported to plain Python over word spans. The
result is a list of ``(text, matched)`` pairs, never HTML: escaping and markup are the
presentation layer's job, and keeping them out of here rules out injection by design.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pressarchive.index.wordterms import WordSpans, spans

Segment = tuple[str, bool]

LEAD_CHARS = 200
ELLIPSIS = "…"
_FRAGMENTS = 2
_SURROUND = 60  # characters of context around the matched words
_SPACES = re.compile(r"\s+")
_WORDY = re.compile(r"\w")
# Analyse at most this much body per hit: enough for any press release, bounded for a book.
_CHARLIMIT = 100_000


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: str


@dataclass
class _Fragment:
    text: str
    matches: list[_Match]
    start: int
    end: int

    def score(self) -> int:
        # whoosh's BasicFragmentScorer: matches, times 100 per distinct term matched.
        return len(self.matches) * ((len({m.term for m in self.matches}) * 100) or 1)


def snippet(text: str, terms: Iterable[str], group: str) -> list[Segment]:
    """Highlighted passages of ``text`` for index ``terms`` (already analysed) of ``group``;
    without matching terms, the unmarked start of the text."""
    termset = frozenset(terms)
    if termset:
        fragments = _context_fragments(text, spans(text, group, _CHARLIMIT), termset)
        scored = heapq.nlargest(_FRAGMENTS, ((f.score(), f.start, f) for f in fragments),
                                key=lambda item: (item[0], item[1]))
        best = sorted((f for score, _, f in scored if score >= 1), key=lambda f: f.start)
        segments = _format(best)
        if segments:
            return segments
    return lead(text)


def _context_fragments(text: str, words: WordSpans, termset: frozenset[str]) -> list[_Fragment]:
    """whoosh's ``ContextFragmenter.fragment_tokens`` over word spans, same fragments.

    Whoosh walks every word of the body as a Token through a chain of generators; here the
    words come as lists and the runs of unmatched words outside a fragment (most of a body)
    are skipped in one step: all they leave behind is the context before the next match,
    the words starting at most ``_SURROUND`` characters before the last one's end.
    """
    starts, ends, terms = words
    limit = bisect.bisect_right(ends, _CHARLIMIT)
    matched = [i for i in range(limit) if terms[i] in termset]
    if not matched:
        return []
    fragments: list[_Fragment] = []
    tokens: list[_Match] = []
    first: int | None = None
    countdown, length = -1, 0
    context = 0  # words context..i-1 are the context kept before a fragment
    upcoming = iter(matched)
    next_match = next(upcoming, limit)
    i = 0
    while i < limit:
        if countdown < 0 and i != next_match:  # a run of unmatched words outside a fragment
            context = bisect.bisect_left(starts, ends[next_match - 1] - _SURROUND, context, next_match)
            i = next_match
            continue
        start, end = starts[i], ends[i]
        if length + end - start > LEAD_CHARS:
            countdown = 0
        elif i == next_match:
            countdown = _SURROUND
            if first is None:
                if context < i:
                    first = starts[context]
                else:
                    first = start
                    countdown += _SURROUND
            tokens.append(_Match(start, end, terms[i]))
        if i == next_match:
            next_match = next(upcoming, limit)
        if countdown >= 0:
            length += end - start
            countdown -= end - start
            if countdown <= 0:
                fragments.append(_fragment(text, tokens, first, end))
                tokens, first, length, context = [], None, 0, i + 1
        i += 1
    if tokens:
        fragments.append(_fragment(text, tokens, first, ends[min(limit, len(ends) - 1)]))
    return fragments


def _fragment(text: str, tokens: list[_Match], first: int | None, end: int) -> _Fragment:
    start = first if first is not None else (tokens[0].start if tokens else 0)
    return _Fragment(text, tokens, max(0, start), min(len(text), end))


def _format(fragments: list[_Fragment]) -> list[Segment]:
    segments: list[Segment] = []
    position = 0
    for fragment in fragments:
        start = max(fragment.start, position)
        segments.append((_gap(fragment.text[position:start], first=not position), False))
        segments.extend(_fragment_segments(fragment, start))
        position = max(fragment.end, position)
    if fragments:
        segments.append((_gap(fragments[0].text[position:], first=False), False))
    return _tidy(segments)


def _gap(skipped: str, first: bool) -> str:
    # Skipped words become an ellipsis; skipped punctuation or spaces are simply kept.
    if not _WORDY.search(skipped):
        return skipped
    return ELLIPSIS + " " if first else " " + ELLIPSIS + " "


def _fragment_segments(fragment: _Fragment, start: int) -> Iterable[Segment]:
    text, index = fragment.text, start
    for token in sorted(fragment.matches, key=lambda t: (t.start, -t.end)):
        if token.start < index:  # overlapping token: the longer one already won
            continue
        yield text[index : token.start], False
        yield text[token.start : token.end], True
        index = token.end
    yield text[index : fragment.end], False


def _tidy(segments: Iterable[Segment]) -> list[Segment]:
    # Collapse whitespace (bodies keep their line breaks), merge neighbours, drop empties.
    tidy: list[Segment] = []
    for text, matched in segments:
        text = _SPACES.sub(" ", text)
        if not text:
            continue
        if tidy and tidy[-1][1] == matched and not matched:
            tidy[-1] = (tidy[-1][0] + text, False)
        else:
            tidy.append((text, matched))
    if tidy and not tidy[0][1]:
        tidy[0] = (tidy[0][0].lstrip(), False)
    if tidy and not tidy[-1][1]:
        tidy[-1] = (tidy[-1][0].rstrip(), False)
    return [segment for segment in tidy if segment[0]]


def lead(text: str, limit: int = LEAD_CHARS) -> list[Segment]:
    """The first ``limit`` characters or so of ``text``, cut at a word boundary."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return [(flat, False)] if flat else []
    cut = flat.rfind(" ", 0, limit + 1)
    return [(flat[: cut if cut > 0 else limit].rstrip() + " " + ELLIPSIS, False)]
