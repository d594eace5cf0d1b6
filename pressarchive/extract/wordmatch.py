"""Many names found in one pass over a text, as whole words, with or without accents.

Countries and agencies are looked up on every crawled page, so both use one Aho-Corasick
automaton (``pyahocorasick``) over all their names instead of one regular expression per name.
The page is only lower-cased for matching (same length, so a hit's offsets also point into the
text as written, where the callers check case: "US" against "us", "Turkey" against "turkey");
accents are handled on the names' side instead, each name going in both as written and without
accents ("Policía" and "Policia"), which costs nothing per page. Stripping accents from the page
itself was most of the cost per page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import ahocorasick  # type: ignore[import-not-found]

V = TypeVar("V")
_COMBINING = re.compile(r"[\u0300-\u036f]+")
_WORD_AT_END = re.compile(r"(\w+)(\W*)$")
_WORD_AT_START = re.compile(r"(\W*)(\w+)")
_SENTENCE_BREAK = re.compile(r"[.!?:;()\[\]\n]")
_REACH = 40  # characters looked at around a hit for the word before or after it


def fold(text: str) -> str:
    """Lower case without accents: how names are compared however a site spells them."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed)).lower()


def normalise(text: str) -> str:
    """The text as matched: composed accents, plain spaces and apostrophes (same length out)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text).replace("\xa0", " ").replace("\u202f", " ").replace("’", "'")


def variants(phrase: str) -> set[str]:
    """The lower-case forms a phrase is looked up in: with and without accents and hyphens."""
    written = normalise(phrase).strip().lower()
    forms = {written, fold(written)}
    return forms | {form.replace("-", " ") for form in forms}


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text ready for matching: ``text`` as written (normalised), ``lower`` what is matched."""

    text: str
    lower: str

    def word_before(self, start: int) -> str:
        """The word just before ``start`` in the same sentence, as written, or ''."""
        match = _WORD_AT_END.search(self.text, max(0, start - _REACH), start)
        if not match or _SENTENCE_BREAK.search(match.group(2)):
            return ""
        return match.group(1)

    def word_after(self, end: int) -> str:
        """The word just after ``end`` in the same sentence, as written, or ''."""
        match = _WORD_AT_START.match(self.text, end, end + _REACH)
        if not match or _SENTENCE_BREAK.search(match.group(1)):
            return ""
        return match.group(2)


@lru_cache(maxsize=16)
def prepare(text: str) -> Prepared:
    """``text`` ready for matching; cached, as countries and agencies read the same texts."""
    normal = normalise(text)
    lower = normal.lower()
    if len(lower) != len(normal):  # a few characters (Turkish dotted I) lower-case to two
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in normal)
    return Prepared(normal, lower)


class Phrases(Generic[V]):
    """An automaton over lower-case phrases, each with the values (entries) it may stand for."""

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        self._values: dict[str, list[V]] = {}

    def add(self, phrase: str, value: V) -> None:
        for form in variants(phrase):
            if form:
                self._values.setdefault(form, []).append(value)

    def build(self) -> Phrases[V]:
        for form, values in self._values.items():
            self._automaton.add_word(form, (len(form), tuple(dict.fromkeys(values))))
        self._automaton.make_automaton()
        return self

    def hits(self, text: Prepared) -> list[tuple[int, int, tuple[V, ...]]]:
        """Every whole-word occurrence: (start, end, values), overlapping ones included."""
        lower = text.lower
        size = len(lower)
        found = []
        for last, (length, values) in self._automaton.iter(lower):
            start, end = last - length + 1, last + 1
            if (start == 0 or not lower[start - 1].isalnum()) and (end == size or not lower[end].isalnum()):
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
