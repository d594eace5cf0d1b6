"""Countries a release mentions, as ISO 3166-1 alpha-2 codes, from names in the archive's languages.

Names come from CLDR (Babel's territory names in en, es, it, pt, fr, de, nl) and pycountry, so
"Spagna", "España", "Espagne", "Spanien" and "Spain" all give ES without a list of our own.
Matching is on case- and accent-folded words, longest name first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale

LOCALES = ("en", "es", "it", "pt", "fr", "de", "nl")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents: names are matched however a site spells them."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def country_names() -> dict[tuple[str, ...], str]:
    """Folded name (as a word tuple) -> alpha-2 code, for every country in every locale."""
    codes = {country.alpha_2 for country in pycountry.countries}
    names: dict[tuple[str, ...], str] = {}
    for tag in LOCALES:
        territories = Locale.parse(tag).territories
        for code in codes:
            name = territories.get(code)
            if name:
                names.setdefault(tuple(_WORD.findall(fold(name))), code)
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                names.setdefault(tuple(_WORD.findall(fold(name))), country.alpha_2)
    return names


def find_countries(*texts: str) -> tuple[str, ...]:
    """ISO codes of the countries ``texts`` name, in order of first mention."""
    names = country_names()
    longest = max(len(words) for words in names)
    found: dict[str, None] = {}
    for text in texts:
        words = _WORD.findall(fold(text or ""))
        i = 0
        while i < len(words):
            for size in range(min(longest, len(words) - i), 0, -1):
                code = names.get(tuple(words[i:i + size]))
                if code:
                    found.setdefault(code)
                    i += size
                    break
            else:
                i += 1
    return tuple(found)
