"""Text analysis: how words become index terms, per language.

Each document is analysed in its own language (stop words + snowball stemming), and every
analyzer folds case and accents *before* stopping and stemming, so that a query typed without
accents (``operacion``) meets the accented text (``Operación``) on the same term. Languages
without a stemmer share the ``xx`` group: folding only, so they still match literally.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import (
    Analyzer,
    Filter,
    IDTokenizer,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language

STEMMED_LANGUAGES: tuple[str, ...] = ("de", "en", "es", "fr", "it", "nl", "pt")
OTHER = "xx"
GROUPS: tuple[str, ...] = (*STEMMED_LANGUAGES, OTHER)

# Like whoosh's default word pattern, but combining accents (text in NFD form) stay inside the
# word instead of splitting "operacio\u0301n" in two.
_WORD = r"[\w\u0300-\u036f]+(?:\.[\w\u0300-\u036f]+)*"


def fold(text: str) -> str:
    """Fold case and accents: ``Operación`` -> ``operacion``, ``Straße`` -> ``strasse``."""
    # Casefold first: it can itself produce combining marks ("İ" -> "i" + dot above).
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class FoldFilter(Filter):
    """Whoosh filter applying :func:`fold` to every token (replaces lowercasing)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class SharedStemFilter(StemFilter):
    """Snowball stemming with a cache that is safe to share between threads.

    Whoosh's own stem cache evicts without a lock, so a search and a write stemming at the
    same moment could corrupt it; ``functools.lru_cache`` is thread-safe.
    """

    def clear(self) -> None:
        self._stem = functools.lru_cache(maxsize=self.cachesize)(stemmer_for_language(self.lang))


def language_group(language: str) -> str:
    """The analysis group for an ISO 639-1 code: the code itself if stemmed, else ``xx``."""
    code = (language or "").strip().lower()[:2]
    return code if code in STEMMED_LANGUAGES else OTHER


@functools.cache
def text_analyzer(group: str) -> Analyzer:
    """Analyzer for running text in one group: tokenize, fold, drop stop words, stem."""
    analyzer = RegexTokenizer(_WORD) | FoldFilter()
    if group == OTHER:
        return analyzer
    # Stop lists are written with accents; fold them too so "esta" and "está" both drop.
    stoplist = frozenset(fold(word) for word in stopwords_for_language(group))
    return analyzer | StopFilter(stoplist=stoplist) | SharedStemFilter(lang=group)


def keyword_analyzer() -> Analyzer:
    """Analyzer for single-valued keyword fields (source, language...): one folded token."""
    return IDTokenizer() | FoldFilter()


def lines_analyzer() -> Analyzer:
    """Analyzer for multi-valued keywords given one per line (operation names): folded."""
    return RegexTokenizer(r"[^\n]*[^\s][^\n]*") | FoldFilter()
