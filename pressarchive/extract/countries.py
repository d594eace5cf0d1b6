"""Countries a release mentions, as ISO 3166-1 alpha-2 codes, from names and demonyms in its languages.

Names come from CLDR (Babel's territory names in en, es, it, pt, fr, de, nl, and the regional
spellings of pt_PT, es_419, fr_CA and de_CH) and pycountry, so
"Spagna", "España", "Espagne", "Spanien" and "Spain" all give ES without a list of our own.
Neither has demonyms ("Spanish", "españoles", "polizia portoghese", "spanische Behörden") or the
usual abbreviations (US, EE.UU., UK), so those are in ``data/countries.toml``, with the guards:
names that are also common words, first names or other places, and phrases such as "New Mexico"
that contain a name but name no country. Everything is matched in one automaton pass.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import pycountry
from babel import Locale

from pressarchive.extract.wordmatch import Phrases, Prepared, fold, leftmost_longest, normalise, prepare

__all__ = ["LOCALES", "country_mentions", "find_countries", "fold"]

_WORD = re.compile(r"\w+")
_ADJACENT = re.compile(r"\w ")  # a word and one space: the neighbour belongs to the same name
LOCALES = ("en", "es", "it", "pt", "fr", "de", "nl")
# Regional spellings CLDR keeps apart from a language's default (Brazilian) forms: European
# Portuguese "Roménia", "Polónia", "Quénia"; Latin American "Rumania", "Arabia Saudita".
_REGIONAL_LOCALES = ("pt_PT", "es_419", "fr_CA", "de_CH")
Case = Literal["any", "capitalised", "lower", "exact"]
# Words before a language's name: "en español", "em português", "auf Deutsch", "in Spanish."
_LANGUAGE_BEFORE = frozenset({"en", "em", "auf", "na"})
_CONJUNCTIONS = frozenset({"and", "or", "y", "e", "o", "ou", "et", "und", "oder", "ed"})
# Words that may stand next to a name that is also a first name without making it a person's.
_FUNCTION_WORDS = frozenset(
    "in of from to and the with for by at on en de del di da do dos das na no em nach aus von mit"
    " und y e et la le les el il a al au du des der die das den im dal dalla dai nel nella alla della"
    " dello dei degli sul sulla pelo pela".split()
)


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str  # "" for a blocker: a phrase that names no country
    case: Case
    forms: frozenset[str] = frozenset()  # for case "exact": the spellings accepted
    person_like: bool = False
    language_word: bool = False  # a demonym that is also the language's name ("Spanish")
    ambiguous: str = ""  # a person-like name's key ("georgia"), which a blocker can shadow
    shadows: frozenset[str] = frozenset()  # for a blocker: the person-like names it contains


def find_countries(*texts: str) -> tuple[str, ...]:
    """ISO codes of the countries ``texts`` name, in order of first mention."""
    found: dict[str, None] = {}
    for mentions in country_mentions(*texts):
        for _start, _end, code in mentions:
            found.setdefault(code)
    return tuple(found)


def country_mentions(*texts: str) -> tuple[tuple[tuple[int, int, str], ...], ...]:
    """For each text, (start, end, code) of each country mention (offsets into the text as matched).

    The texts are one document's (title and body): a blocker in one ("Atlanta, Georgia") also
    rules out the same ambiguous name in the others.
    """
    scans = [_scan(text or "") for text in texts]
    shadowed = frozenset().union(*(scan.shadowed for scan in scans))
    return tuple(
        tuple((start, end, code) for start, end, code, name in scan.mentions if name not in shadowed)
        for scan in scans
    )


@dataclass(frozen=True, slots=True)
class _Scan:
    mentions: tuple[tuple[int, int, str, str], ...]  # start, end, code, ambiguous name's key or ""
    shadowed: frozenset[str]  # ambiguous names a blocker or a person's name showed to mean something else


@lru_cache(maxsize=16)
def _scan(text: str) -> _Scan:
    """One automaton pass over ``text``; cached because the agency finder asks about the same texts."""
    prepared = prepare(text)
    hits = []
    people: set[str] = set()  # ambiguous names seen as a person's ("Jordan Peele")
    for start, end, entries in _phrases().hits(prepared):
        entry = next((e for e in entries if _accepted(e, prepared, start, end)), None)
        if entry is not None:
            hits.append((start, end, entry))
        people.update(e.ambiguous for e in entries if e.person_like and _next_to_a_name(prepared, start, end))
    chosen = leftmost_longest(hits)
    return _Scan(
        tuple((start, end, entry.code, entry.ambiguous) for start, end, entry in chosen if entry.code),
        frozenset(people).union(*(entry.shadows for _start, _end, entry in chosen)),
    )


def _accepted(entry: _Entry, text: Prepared, start: int, end: int) -> bool:
    """Whether the hit, as written, passes the entry's case rule and guards."""
    written = text.text[start:end]
    if entry.case == "exact" and (written not in entry.forms or not _not_shouting(text, written, start, end)):
        return False
    if entry.case == "capitalised" and not written[0].isupper():
        return False
    if entry.case == "lower" and not (written.islower() or written.isupper()):
        return False
    if entry.person_like and _next_to_a_name(text, start, end):
        return False
    return not (entry.language_word and _names_a_language(text, start, end))


def _not_shouting(text: Prepared, written: str, start: int, end: int) -> bool:
    """"US" in a line of capitals is as likely the pronoun ("JOIN US"): it needs lower case nearby."""
    if written != "US":
        return True
    window = text.text[max(0, start - 30):start] + text.text[end:end + 30]
    return any(c.islower() for c in window)


def _next_to_a_name(text: Prepared, start: int, end: int) -> bool:
    """"Chad Wilson", "Michael Jordan": a capitalised word other than a function word right
    beside it, with only a space between ("Colombia, Chile y Argentina" is a list)."""
    before = text.word_before(start) if _ADJACENT.fullmatch(text.text, max(0, start - 2), start) else ""
    after = text.word_after(end) if _ADJACENT.fullmatch(text.text[end:end + 2][::-1]) else ""
    for word in (before, after):
        if word[:1].isupper() and fold(word) not in _FUNCTION_WORDS and not word.isupper():
            return True
    return False


def _names_a_language(text: Prepared, start: int, end: int) -> bool:
    """"en español", "auf Deutsch", "available in Spanish and English": the language, not the country."""
    before = fold(text.word_before(start))
    if before in _LANGUAGE_BEFORE:
        return True
    if before != "in":
        return False
    after = text.word_after(end)
    return not after or fold(after) in _CONJUNCTIONS or after[:1].isupper()


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return tomllib.loads(files("pressarchive.extract").joinpath("data/countries.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def _phrases() -> Phrases[_Entry]:
    """One automaton over every name, demonym, abbreviation and blocker."""
    data = _data()
    ignored = {fold(name) for name in data["ignore"]["names"]}
    person_like = {fold(name) for name in data["person_like"]["names"]}
    phrases: Phrases[_Entry] = Phrases()
    for name, code in _names():
        folded = fold(name)
        if folded in person_like:
            phrases.add(name, _Entry(code, "capitalised", person_like=True, ambiguous=folded))
        elif folded not in ignored:
            phrases.add(name, _Entry(code, "capitalised"))
    for code, forms in data["abbreviations"].items():
        written = frozenset(normalise(form) for form in forms)
        for form in forms:
            phrases.add(form, _Entry(code, "exact", written))
    for code, by_language in data["demonyms"].items():
        for language, bases in by_language.items():
            for index, base in enumerate(bases):
                for form in inflections(language, base):
                    phrases.add(form, _demonym_entry(code, language, form, index == 0))
    for name, phrases_of_other_meaning in data["shadowing"].items():
        for phrase in phrases_of_other_meaning:
            phrases.add(phrase, _Entry("", "capitalised", shadows=frozenset({fold(name)})))
    for phrase in data["blockers"]["phrases"]:
        shadows = frozenset(_WORD.findall(fold(phrase))) & person_like
        phrases.add(phrase, _Entry("", "any", shadows=shadows))
    return phrases.build()


def _names() -> list[tuple[str, str]]:
    """(name, code): CLDR names in every locale, pycountry's names, then the data file's extras."""
    codes = {country.alpha_2 for country in pycountry.countries}
    names = []
    for tag in LOCALES + _REGIONAL_LOCALES:
        territories = Locale.parse(tag).territories
        names += [(territories[code], code) for code in sorted(codes) if code in territories]
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                names.append((name, country.alpha_2))
    for code, extra in _data()["names"].items():
        names += [(name, code) for name in extra]
    return names


def _demonym_entry(code: str, language: str, form: str, base: bool) -> _Entry:
    """English demonyms as written; nouns capitalised; Romance and German adjectives in lower case."""
    if language == "en":
        return _Entry(code, "exact", frozenset({form, form.upper()}), language_word=base)
    if form[:1].isupper():
        return _Entry(code, "capitalised")
    return _Entry(code, "lower", language_word=base)


def inflections(language: str, base: str) -> tuple[str, ...]:
    """The regular gender and number forms of a demonym's base form in ``language``."""
    if not base[:1].islower():
        return (base,)
    return (base, *_SUFFIXES.get(language, _no_suffixes)(base))


def _spanish(base: str) -> list[str]:
    stem, last = base[:-1], base[-1]
    if last == "o":
        return [stem + "a", base + "s", stem + "as"]
    if base.endswith(("és", "án", "ón")):  # francés -> francesa, franceses; alemán -> alemana
        plain = base[:-2] + fold(base[-2]) + base[-1]
        return [plain + "a", plain + "es", plain + "as"]
    if base.endswith("ol"):
        return [base + "a", base + "es", base + "as"]
    if last in "íú":
        return [base + "es", base + "s"]
    return [base + "s"] if last in "ae" else [base + "es"]


def _italian(base: str) -> list[str]:
    if base.endswith("o"):
        return [base[:-1] + "a", base[:-1] + "i", base[:-1] + "e"]
    return [base[:-1] + "i"] if base.endswith("e") else []


def _portuguese(base: str) -> list[str]:
    stem, last = base[:-1], base[-1]
    if base.endswith("ão"):  # alemão, alemã, alemães: irregular, listed as written
        return []
    if last == "o":
        return [stem + "a", base + "s", stem + "as"]
    if base.endswith("ês"):
        plain = base[:-2] + "es"
        return [plain + "a", plain + "es", plain + "as"]
    if base.endswith("ol"):
        return [base + "a", base[:-2] + "óis", base + "as"]
    return [base + "s"] if last in "ae" else []


def _french(base: str) -> list[str]:
    if base.endswith(("ais", "ois")):
        return [base + "e", base + "es"]
    if base.endswith("ien") or base.endswith("éen"):
        return [base + "ne", base + "s", base + "nes"]
    if base.endswith("e"):
        return [base + "s"]
    return [base + "e", base + "s", base + "es"]


def _german(base: str) -> list[str]:
    return [base + ending for ending in ("e", "en", "er", "es", "em")]


def _no_suffixes(base: str) -> list[str]:
    return []


_SUFFIXES = {"es": _spanish, "it": _italian, "pt": _portuguese, "fr": _french, "de": _german}
