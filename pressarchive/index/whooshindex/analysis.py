"""Text analysis: how words become index terms, per language.

Each document is analysed in its own language (stop words + snowball stemming), and every
analyzer folds case and accents *before* stopping and stemming, so that a query typed without
accents (``operacion``) meets the accented text (``Operación``) on the same term. Languages
without a stemmer share the ``xx`` group: folding only, so they still match literally.

Indexing speed is dominated by analysis, so :class:`LanguageAnalyzer` has two paths giving
the same terms: a fast one for indexing and query parsing (fold the whole text once, one
regex pass, a set lookup for stop words, PyStemmer's C snowball stemmers on the whole word
list) and whoosh's token-by-token chain, used only when character offsets are wanted (snippet
highlighting) or stop words must be kept and marked.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple

import Stemmer
from pressarchive.index.languages import (
    OTHER,
    STEMMER_NAMES,
    WORD,
    WORD_RE,
    fold,
    stoplist,
)
from whoosh.analysis import Analyzer, Filter, IDTokenizer, RegexTokenizer, StopFilter, Token

class FoldFilter(Filter):
    """Whoosh filter applying :func:`fold` to every token (replaces lowercasing)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


_local = threading.local()


def stemmer(group: str) -> Stemmer.Stemmer:
    """This thread's PyStemmer for a group (stemmer objects must not be shared by threads)."""
    cache: dict[str, Stemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    if group not in cache:
        cache[group] = Stemmer.Stemmer(STEMMER_NAMES[group])
    return cache[group]


class SnowballFilter(Filter):
    """Stems unstopped tokens with PyStemmer, the same stems as the fast path."""

    def __init__(self, group: str) -> None:
        self.group = group

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = stemmer(self.group).stemWord
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


@functools.cache
def _token_chain(group: str) -> Analyzer:
    chain = RegexTokenizer(WORD) | FoldFilter()
    if group == OTHER:
        return chain
    return chain | StopFilter(stoplist=stoplist(group)) | SnowballFilter(group)


class WordSpans(NamedTuple):
    """Words of a text as parallel lists: character offsets and the term each word gives."""

    starts: list[int]
    ends: list[int]
    terms: list[str]


class LanguageAnalyzer(Analyzer):
    """Analyzer for running text in one group: tokenize, fold, drop stop words, stem."""

    def __init__(self, group: str) -> None:
        self.group = group

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LanguageAnalyzer) and other.group == self.group

    def __hash__(self) -> int:
        return hash(("LanguageAnalyzer", self.group))

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text`` in order (positions are list indexes)."""
        words = WORD_RE.findall(fold(text))
        if self.group == OTHER:
            return words
        stops = stoplist(self.group)
        return stemmer(self.group).stemWords([word for word in words if word not in stops])

    def spans(self, text: str, limit: int) -> WordSpans:
        """The words of ``text`` as the token chain with ``chars=True, removestops=False``
        gives them, in one batch: what snippet highlighting needs, without a Token per word.

        Words ending at most at ``limit`` are listed, then the first word ending after it, if
        any (the highlighter stops there). Stop words (and one-letter words, as whoosh's
        StopFilter has it) keep their folded form; the others are stemmed.
        """
        # Two characters beyond the limit decide a word ending at it ("abc" of "abc.d").
        found = list(WORD_RE.finditer(text, 0, limit + 2))
        if found and found[-1].end() > limit:
            after = WORD_RE.match(text, found[-1].start())  # the whole of the cut word
            found.pop()
        else:
            after = WORD_RE.search(text, limit + 2)
        if after is not None:
            found.append(after)
        starts = [match.start() for match in found]
        ends = [match.end() for match in found]
        if text.isascii():
            words = [match.group().lower() for match in found]
        else:
            words = [word.lower() if word.isascii() else fold(word) for word in (m.group() for m in found)]
        if self.group == OTHER:
            return WordSpans(starts, ends, words)
        stops = stoplist(self.group)
        # Stemming every word in one C call and keeping the stop words' own form is cheaper
        # than picking the words to stem first.
        stems = stemmer(self.group).stemWords(words)
        terms = [word if len(word) < 2 or word in stops else stem for word, stem in zip(words, stems, strict=True)]
        return WordSpans(starts, ends, terms)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        if chars or keeporiginal or not removestops or not tokenize or start_pos or start_char:
            yield from _token_chain(self.group)(
                value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                removestops=removestops, start_pos=start_pos, start_char=start_char,
                tokenize=tokenize, mode=mode, **kwargs,
            )
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, text in enumerate(self.terms(value)):
            token.text = text
            token.stopped = False
            token.boost = 1.0
            if positions:
                token.pos = pos
            yield token


@functools.cache
def text_analyzer(group: str) -> LanguageAnalyzer:
    """The (shared) analyzer for running text in ``group``."""
    return LanguageAnalyzer(group)


def keyword_analyzer() -> Analyzer:
    """Analyzer for single-valued keyword fields (source, language...): one folded token."""
    return IDTokenizer() | FoldFilter()


def lines_analyzer() -> Analyzer:
    """Analyzer for multi-valued keywords given one per line (operation names): folded."""
    return RegexTokenizer(r"[^\n]*[^\s][^\n]*") | FoldFilter()
