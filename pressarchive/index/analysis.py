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
import itertools
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any, NamedTuple

import Stemmer
from whoosh.analysis import Analyzer, Filter, IDTokenizer, RegexTokenizer, StopFilter, Token
from whoosh.lang import stopwords_for_language

STEMMED_LANGUAGES: tuple[str, ...] = ("de", "en", "es", "fr", "it", "nl", "pt")
OTHER = "xx"
GROUPS: tuple[str, ...] = (*STEMMED_LANGUAGES, OTHER)
_STEMMER_NAMES = {
    "de": "german", "en": "english", "es": "spanish", "fr": "french",
    "it": "italian", "nl": "dutch", "pt": "portuguese",
}

# Like whoosh's default word pattern, but combining accents (text in NFD form) stay inside the
# word instead of splitting "operacio\u0301n" in two.
_WORD = r"[\w\u0300-\u036f]+(?:\.[\w\u0300-\u036f]+)*"
_WORD_RE = re.compile(_WORD)


@functools.cache
def _combining_marks() -> re.Pattern[str]:
    # One character class of every combining character (about 900 code points, as ranges):
    # a regex pass is several times faster than str.translate with a deletion table.
    marks = [cp for cp in range(0x110000) if unicodedata.combining(chr(cp))]
    ranges: list[str] = []
    for _, run in itertools.groupby(enumerate(marks), key=lambda item: item[1] - item[0]):
        points = [cp for _, cp in run]
        ranges.append(re.escape(chr(points[0])) + "-" + re.escape(chr(points[-1])))
    return re.compile("[" + "".join(ranges) + "]+")


def fold(text: str) -> str:
    """Fold case and accents: ``Operación`` -> ``operacion``, ``Straße`` -> ``strasse``."""
    if text.isascii():
        return text.lower()
    # Casefold first: it can itself produce combining marks ("İ" -> "i" + dot above).
    return _combining_marks().sub("", unicodedata.normalize("NFKD", text.casefold()))


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
        cache[group] = Stemmer.Stemmer(_STEMMER_NAMES[group])
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


def language_group(language: str) -> str:
    """The analysis group for an ISO 639-1 code: the code itself if stemmed, else ``xx``."""
    code = (language or "").strip().lower()[:2]
    return code if code in STEMMED_LANGUAGES else OTHER


@functools.cache
def stoplist(group: str) -> frozenset[str]:
    """The group's stop words, folded so that "esta" and "está" both drop."""
    if group == OTHER:
        return frozenset()
    return frozenset(fold(word) for word in stopwords_for_language(group))


@functools.cache
def _token_chain(group: str) -> Analyzer:
    chain = RegexTokenizer(_WORD) | FoldFilter()
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
        words = _WORD_RE.findall(fold(text))
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
        found = list(_WORD_RE.finditer(text, 0, limit + 2))
        if found and found[-1].end() > limit:
            after = _WORD_RE.match(text, found[-1].start())  # the whole of the cut word
            found.pop()
        else:
            after = _WORD_RE.search(text, limit + 2)
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
