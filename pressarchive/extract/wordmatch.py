"""Many names found in one pass over a text, as whole words, whatever the accents or punctuation.

Countries and agencies are looked up on every crawled page, so both use one Aho-Corasick
automaton (``pyahocorasick``) over all their names instead of one regular expression per name.
The text is prepared once: runs of punctuation and spaces become one space ("U.S." -> "U S ",
"Côte d’Ivoire" -> "Côte d Ivoire"), and a folded copy of the same length (lower case, no
accents) is what the automaton reads, so a hit's offsets also point into the unfolded text, where
the callers check case ("US" against "us", "Turkey" against "turkey").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import ahocorasick  # type: ignore[import-not-found]

V = TypeVar("V")
_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Latin letters with accents -> their base letter in lower case (one character each)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        base = base.lower()
        if len(base) == 1 and base != char:
            table[code] = base
    table.update({ord("ł"): "l", ord("Ł"): "l", ord("ø"): "o", ord("Ø"): "o", ord("đ"): "d", ord("Đ"): "d"})
    return table


def fold(text: str) -> str:
    """Lower case without accents, the same length as ``text``: names match however a site spells them."""
    folded = text.translate(_fold_table()).lower()
    if len(folded) == len(text):
        return folded
    # A few characters (Turkish dotted capital I) lower-case to two: keep those as they are.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text.translate(_fold_table()))


def spaced(text: str) -> str:
    """``text`` with every run of punctuation and spaces as one space, case and accents kept."""
    return _NON_WORD.sub(" ", text)


def key(phrase: str) -> str:
    """The form a phrase is looked up in: spaced, folded, trimmed."""
    return fold(spaced(phrase)).strip()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text ready for matching: ``spaced`` keeps case and accents, ``folded`` is what is matched."""

    spaced: str
    folded: str

    @classmethod
    def of(cls, text: str) -> Prepared:
        text_spaced = spaced(text)
        return cls(text_spaced, fold(text_spaced))

    def word_before(self, start: int) -> str:
        """The word (as written) that ends just before ``start``, or ''."""
        end = start - 1
        if end <= 0:
            return ""
        begin = self.spaced.rfind(" ", 0, end) + 1
        return self.spaced[begin:end]

    def word_after(self, end: int) -> str:
        """The word (as written) that starts just after ``end``, or ''."""
        begin = end + 1
        if begin >= len(self.spaced):
            return ""
        stop = self.spaced.find(" ", begin)
        return self.spaced[begin:stop if stop >= 0 else len(self.spaced)]


class Phrases(Generic[V]):
    """An automaton over folded phrases, each with the values (entries) it may stand for."""

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        self._values: dict[str, list[V]] = {}

    def add(self, phrase: str, value: V) -> None:
        folded = key(phrase)
        if folded:
            self._values.setdefault(folded, []).append(value)

    def build(self) -> Phrases[V]:
        for folded, values in self._values.items():
            self._automaton.add_word(folded, (len(folded), tuple(values)))
        self._automaton.make_automaton()
        return self

    def __contains__(self, phrase: str) -> bool:
        return key(phrase) in self._values

    def hits(self, text: Prepared) -> list[tuple[int, int, tuple[V, ...]]]:
        """Every whole-word occurrence: (start, end, values), overlapping ones included."""
        folded = text.folded
        size = len(folded)
        found = []
        for last, (length, values) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if (start == 0 or folded[start - 1] == " ") and (end == size or folded[end] == " "):
                found.append((start, end, values))
        return found


def leftmost_longest(hits: list[tuple[int, int, V]]) -> list[tuple[int, int, V]]:
    """Non-overlapping hits, the longest at each place: "Papua New Guinea" before "Guinea"."""
    chosen: list[tuple[int, int, V]] = []
    reach = -1
    for hit in sorted(hits, key=lambda h: (h[0], -h[1])):
        if hit[0] >= reach:
            chosen.append(hit)
            reach = hit[1]
    return chosen
