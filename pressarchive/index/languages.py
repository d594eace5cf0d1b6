"""The languages of the index: analysis groups, case and accent folding, stop words.

Every engine analyses a document in its own language's group (stop words and a snowball
stemmer after folding) and the query language names the same groups, so these definitions
are shared: the Whoosh analyzers and the OpenSearch index template are built from them, and
nothing here imports an engine.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

STEMMED_LANGUAGES: tuple[str, ...] = ("de", "en", "es", "fr", "it", "nl", "pt")
OTHER = "xx"
GROUPS: tuple[str, ...] = (*STEMMED_LANGUAGES, OTHER)
STEMMER_NAMES = {
    "de": "german", "en": "english", "es": "spanish", "fr": "french",
    "it": "italian", "nl": "dutch", "pt": "portuguese",
}


# Like whoosh's default word pattern, but combining accents (text in NFD form) stay inside the
# word instead of splitting "operacio\u0301n" in two.
WORD = r"[\w\u0300-\u036f]+(?:\.[\w\u0300-\u036f]+)*"
WORD_RE = re.compile(WORD)


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




def language_group(language: str) -> str:
    """The analysis group for an ISO 639-1 code: the code itself if stemmed, else ``xx``."""
    code = (language or "").strip().lower()[:2]
    return code if code in STEMMED_LANGUAGES else OTHER


@functools.cache
def stoplist(group: str) -> frozenset[str]:
    """The group's stop words, folded so that "esta" and "está" both drop."""
    if group == OTHER:
        return frozenset()
    return frozenset(fold(word) for word in _stopwords(group))




def _stopwords(group: str) -> list[str]:
    # Whoosh's stop word lists (from NLTK) are the ones the index has always used; read as
    # data, so engines other than Whoosh share them without loading Whoosh's index code.
    from whoosh.lang.stopwords import stoplists

    return sorted(stoplists[group])
