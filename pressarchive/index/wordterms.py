"""Words of a text as index terms (fold, stop words, snowball stems), without any engine.

The analysis every engine's terms come from: the Whoosh engine's
:class:`~pressarchive.index.whooshindex.analysis.LanguageAnalyzer` indexes and parses with
:func:`terms`, the OpenSearch engine prepares text with :func:`words` (its own analyzer
stems them alike), and snippets (:mod:`pressarchive.index.snippets`) mark words by their
:func:`spans`. It is fast because it works on whole texts: fold once, one regex pass, a set
lookup for stop words, PyStemmer's C snowball stemmers on the whole word list. Stemmers are
one per thread (they must not be shared by threads).
"""

from __future__ import annotations

import threading
from typing import NamedTuple

import Stemmer

from pressarchive.index.languages import OTHER, STEMMER_NAMES, WORD_RE, fold, stoplist

_local = threading.local()


def stemmer(group: str) -> Stemmer.Stemmer:
    """This thread's snowball stemmer for a stemmed group."""
    cache: dict[str, Stemmer.Stemmer] | None = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    if group not in cache:
        cache[group] = Stemmer.Stemmer(STEMMER_NAMES[group])
    return cache[group]


def words(text: str, group: str) -> list[str]:
    """The folded words of ``text`` that the group indexes (stop words left out), unstemmed."""
    found = WORD_RE.findall(fold(text))
    if group == OTHER:
        return found
    stops = stoplist(group)
    return [word for word in found if word not in stops]


def terms(text: str, group: str) -> list[str]:
    """The index terms of ``text`` in ``group``, in order: folded, stop words out, stemmed."""
    kept = words(text, group)
    return kept if group == OTHER else stemmer(group).stemWords(kept)


class WordSpans(NamedTuple):
    """Words of a text as parallel lists: character offsets and the term each word gives."""

    starts: list[int]
    ends: list[int]
    terms: list[str]


def spans(text: str, group: str, limit: int) -> WordSpans:
    """The words of ``text`` up to character ``limit`` (and the first word ending after it)
    with their offsets and terms; stop words and one-letter words keep their folded form,
    the others are stemmed. What highlighting needs to mark a text's matched words, as
    whoosh's token chain with ``chars=True, removestops=False`` gives them, in one batch."""
    # Two characters beyond the limit decide a word ending at it ("abc" of "abc.d").
    found = list(WORD_RE.finditer(text, 0, limit + 2))
    if found and found[-1].end() > limit:
        after = WORD_RE.match(text, found[-1].start())
        found.pop()
    else:
        after = WORD_RE.search(text, limit + 2)
    if after is not None:
        found.append(after)
    starts = [match.start() for match in found]
    ends = [match.end() for match in found]
    folded = [word.lower() if word.isascii() else fold(word) for word in (m.group() for m in found)]
    if group == OTHER:
        return WordSpans(starts, ends, folded)
    stops = stoplist(group)
    stems = stemmer(group).stemWords(folded)
    kept = [word if len(word) < 2 or word in stops else stem for word, stem in zip(folded, stems, strict=True)]
    return WordSpans(starts, ends, kept)


def has_words(text: str) -> bool:
    """Whether ``text`` holds any word at all (a stop word counts; punctuation does not)."""
    return WORD_RE.search(fold(text)) is not None


def only_stop_words(text: str, group: str) -> bool:
    """Whether ``text`` gives no term in ``group`` only because its words are the group's
    stop words: then every engine counts it as present in each document of the group, so
    that a stop word of one language does not veto an AND there ("la operación")."""
    return group != OTHER and has_words(text) and not terms(text, group)
