"""Law-enforcement and judicial bodies a release names, matched in one pass over its text.

The bodies, with their names, aliases and abbreviations in the archive's languages, live in a
data file (``data/agencies.toml``) that a person can read and extend. All aliases go into one
Aho-Corasick automaton (``pyahocorasick``), so the cost per page does not grow with the list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import ahocorasick

from pressarchive.extract.countries import fold


@dataclass(frozen=True, slots=True)
class Agency:
    """One body: its id (``agency:europol``), display name, country and aliases."""

    id: str
    name: str
    country: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def agencies() -> dict[str, Agency]:
    """Every agency in the data file, by id."""
    data = tomllib.loads(files("pressarchive.extract").joinpath("data/agencies.toml").read_text("utf-8"))
    return {
        key: Agency(key, entry["name"], entry["country"], tuple(entry["aliases"]))
        for key, entry in data.items()
    }


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for agency in agencies().values():
        for alias in agency.aliases:
            key = alias if alias.isupper() else fold(alias)
            automaton.add_word(key, (agency.id, len(key), alias.isupper()))
    automaton.make_automaton()
    return automaton


def find_agencies(*texts: str) -> tuple[str, ...]:
    """Ids of the agencies ``texts`` name, in order of first mention."""
    automaton = _automaton()
    found: dict[str, None] = {}
    for text in texts:
        # Names are matched folded; abbreviations in capitals (EC3, PSP) only as written.
        for haystack, capitals in ((fold(text or ""), False), (text or "", True)):
            for end, (agency_id, length, upper) in automaton.iter(haystack):
                if upper != capitals:
                    continue
                if _whole_word(haystack, end - length + 1, end + 1):
                    found.setdefault(agency_id)
    return tuple(found)


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()
