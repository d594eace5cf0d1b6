"""Text analysis: how words become index terms, per language.

Each document is analysed in its own language (stop words + snowball stemming), and every
analyzer folds case and accents *before* stopping and stemming, so that a query typed without
accents (``operacion``) meets the accented text (``Operación``) on the same term. Languages
without a stemmer share the ``xx`` group: folding only, so they still match literally.

Indexing speed is dominated by analysis, so :class:`LanguageAnalyzer` has two paths giving
the same terms: the engine-neutral fast one for indexing and query parsing
(:func:`pressarchive.index.wordterms.terms`) and whoosh's token-by-token chain, used only
when whoosh asks for character offsets or for stop words kept and marked (phrases and
patterns in queries). Snippets do not analyse through here: :mod:`pressarchive.index.snippets`
cuts them for every engine.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, Filter, IDTokenizer, RegexTokenizer, StopFilter, Token

from pressarchive.index import wordterms
from pressarchive.index.languages import OTHER, WORD, fold, stoplist
from pressarchive.index.wordterms import stemmer


class FoldFilter(Filter):
    """Whoosh filter applying :func:`fold` to every token (replaces lowercasing)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


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
        return wordterms.terms(text, self.group)

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
