"""Law-enforcement and judicial bodies a release names, matched in one pass over its text.

The bodies, with their names, aliases and abbreviations in the archive's languages, live in a
data file (``data/agencies.toml``, whose header explains each field) that a person can read and
extend. All aliases go into one Aho-Corasick automaton (``pyahocorasick``), so the cost per page
does not grow with the list.

Some names belong to several countries' bodies ("National Police", "Fiscalía", "Federal Police")
and one abbreviation to two bodies (AFP: the Australian Federal Police and Agence France-Presse).
Such a name counts only for a body whose country the text also mentions (by name, demonym or
abbreviation: "the Colombian National Police"); a country written with the name, the source's
own country, then one named just before it in its sentence decide between several (``_choose``);
with no such mention it gives no agency rather than a guess.

Courts are bodies too, one generic body per country and kind ("court-de" for every Amtsgericht
and Landgericht), as are the forces of federal states and cantons ("landespolizei-de",
"kantonspolizei-ch"): the place that follows the name needs no entry of its own.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

from pressarchive.extract.countries import country_mentions
from pressarchive.extract.wordmatch import Phrases, Prepared, leftmost_longest, normalise, prepare

__all__ = ["Agency", "agencies", "agency_country", "find_agencies"]

Case = Literal["any", "capitalised", "exact"]
# What joins a country to a body's name: "... de Colombia", "... of Ukraine", "Colombia's ...",
# or nothing but a space ("... colombiana", "Colombian ...").
_OF = re.compile(r"\s*|\s+(?:de|del|de la|of|of the|da|do|di|du|des|della|von|der)\s+", re.I)
_POSSESSIVE = re.compile(r"\s*|'s\s+", re.I)
_JOIN_REACH = 40  # characters: the longest country name plus its joining words
_NEAR_REACH = 80  # characters: a country named this far before a name, in its sentence, is "nearby"
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")


@dataclass(frozen=True, slots=True)
class Agency:
    """One body: its id (``agency:europol``), display name, country (ISO code or INT) and aliases."""

    id: str
    name: str
    country: str
    aliases: tuple[str, ...]
    context: tuple[str, ...] = ()  # names shared with other countries' bodies
    unless: tuple[str, ...] = ()  # text that rules the abbreviations and shared names out


@dataclass(frozen=True, slots=True)
class _Alias:
    agency: str
    case: Case
    written: str  # for "exact": the alias as the text must spell it
    needs_country: bool


@lru_cache(maxsize=1)
def agencies() -> dict[str, Agency]:
    """Every agency in the data file, by id."""
    data = tomllib.loads(files("pressarchive.extract").joinpath("data/agencies.toml").read_text("utf-8"))
    return {
        key: Agency(
            key,
            entry["name"],
            entry["country"],
            tuple(entry["aliases"]) + tuple(entry.get("capitalised", ())),
            tuple(entry.get("context", ())),
            tuple(entry.get("unless", ())),
        )
        for key, entry in data.items()
    }


def agency_country(agency_id: str) -> str | None:
    """The country of an agency id (ISO code, or "INT"), or None for an id the data file lacks."""
    agency = agencies().get(agency_id)
    return agency.country if agency else None


def find_agencies(*texts: str, home: str = "") -> tuple[str, ...]:
    """Ids of the agencies ``texts`` name, in order of first mention.

    ``home`` is the publishing source's own country, if known: a shared name with nothing
    attached means that country's body ("the National Police" on the Spanish police's English
    pages, "la Policía Nacional" on a Colombian source's).
    """
    found: dict[str, None] = {}
    mentions = country_mentions(*texts)
    countries = list(dict.fromkeys(code for in_text in mentions for _start, _end, code in in_text))
    for text, in_text in zip(texts, mentions, strict=True):
        prepared = prepare(text or "")
        hits = _hits(prepared)
        starts = [start for start, _end, _choices in hits]
        for start, end, choices in hits:
            agency = _choose(choices, countries, prepared, in_text, start, end, home, starts)
            if agency:
                found.setdefault(agency)
    return tuple(found)


def _hits(text: Prepared) -> list[tuple[int, int, tuple[_Alias, ...]]]:
    """Whole-word alias hits that pass their case rule, longest first where they overlap."""
    table = agencies()
    hits = []
    for start, end, aliases in _automaton().hits(text):
        written = text.text[start:end]
        passing = tuple(
            alias for alias in aliases
            if _case_fits(alias, written) and not _ruled_out(alias, text.text, table[alias.agency].unless)
        )
        if passing:
            hits.append((start, end, passing))
    return leftmost_longest(hits)


def _ruled_out(alias: _Alias, raw: str, unless: tuple[str, ...]) -> bool:
    """An abbreviation or shared name next to text that says another body is meant (France-Presse)."""
    return (alias.case == "exact" or alias.needs_country) and any(marker in raw for marker in unless)


def _case_fits(alias: _Alias, written: str) -> bool:
    if alias.case == "exact":
        return written == alias.written
    if alias.case == "capitalised":
        return written[:1].isupper()
    return True


def _choose(
    choices: tuple[_Alias, ...], countries: list[str], text: Prepared,
    mentions: tuple[tuple[int, int, str], ...], start: int, end: int, home: str = "",
    names: list[int] | None = None,
) -> str | None:
    """The body a name means, in this order: a shared name's body whose country is named as
    part of it ("Colombia's National Police"); the source's own country's body; the body whose
    country is named just before it in the same sentence ("En Belgique, le parquet a ..." is
    Belgian even in a French-language text); the name's own body (none if the name belongs to another
    country: "la Policía Nacional del Paraguay"); a shared name's body whose country the text
    names elsewhere (the one it names first)."""
    table = agencies()
    shared = [alias for alias in choices if alias.needs_country and table[alias.agency].country in countries]
    own = next((alias.agency for alias in choices if not alias.needs_country), None)

    attached = _attached(text, mentions, start, end)
    named = [alias.agency for alias in shared if table[alias.agency].country in attached]
    if named:
        return named[0]
    if attached and not own:  # "Haitian national police": a body the file does not have
        return None
    at_home = [alias.agency for alias in choices if home and table[alias.agency].country == home]
    if at_home and not attached:
        return at_home[0]
    by_country = {table[alias.agency].country: alias.agency for alias in shared}
    if own:
        by_country.setdefault(table[own].country, own)
    near = _nearest(text, mentions, start, by_country, names or [])
    if near:  # "In Österreich hat die Staatsanwaltschaft ...": the country of the sentence
        return by_country[near]
    if own:
        return None if any(code != table[own].country for code in attached) else own
    # One sense per document: the body of the country the text names first.
    ranked = sorted(shared, key=lambda alias: countries.index(table[alias.agency].country))
    return ranked[0].agency if ranked else None


def _attached(text: Prepared, mentions: tuple[tuple[int, int, str], ...], start: int, end: int) -> list[str]:
    """Countries named as part of the name: "Policía Nacional del Paraguay", "Colombia's", "colombiana".

    Only mentions within a few characters can be attached; ``mentions`` is in text order, so
    they are found by bisection (a long PDF can have thousands).
    """
    attached = []
    first = bisect.bisect_left(mentions, (start - _JOIN_REACH,))
    for m_start, m_end, code in mentions[first:]:
        if m_start > end + _JOIN_REACH:
            break
        if m_start >= end and _OF.fullmatch(text.text, end, m_start):
            attached.append(code)
        elif m_end <= start and _POSSESSIVE.fullmatch(text.text, m_end, start):
            attached.append(code)
    return attached


def _nearest(
    text: Prepared, mentions: tuple[tuple[int, int, str], ...], start: int, codes: dict[str, str], names: list[int],
) -> str | None:
    """The country among ``codes`` named last before the name, within a few words, with no
    sentence end and no other body's name (``names``: their starts) between.

    Only a country before the name sets the scene ("En Belgique, le parquet ..."); one after it
    is more often where the body acted ("la Policía Nacional detuvo en Colombia"). Bisection
    again: mentions and names are in text order.
    """
    first = bisect.bisect_left(mentions, (start - _NEAR_REACH,))
    last = bisect.bisect_left(mentions, (start,))
    for _m_start, m_end, code in reversed(mentions[first:last]):
        if m_end > start or code not in codes:
            continue
        if _SENTENCE_END.search(text.text, m_end, start):
            return None
        between = bisect.bisect_left(names, m_end)
        if between < len(names) and names[between] < start:
            return None
        return code
    return None


@lru_cache(maxsize=1)
def _automaton() -> Phrases[_Alias]:
    phrases: Phrases[_Alias] = Phrases()
    data = tomllib.loads(files("pressarchive.extract").joinpath("data/agencies.toml").read_text("utf-8"))
    for agency_id, entry in data.items():
        for alias in entry["aliases"]:
            phrases.add(alias, _alias(agency_id, alias, needs_country=False))
        for alias in entry.get("capitalised", ()):
            phrases.add(alias, _Alias(agency_id, "capitalised", "", needs_country=False))
        for alias in entry.get("context", ()):
            phrases.add(alias, _alias(agency_id, alias, needs_country=True))
    return phrases.build()


def _alias(agency_id: str, alias: str, needs_country: bool) -> _Alias:
    """Abbreviations (EC3, J-CAT, GdF) match only as written; names in any case."""
    word = normalise(alias).strip()
    if is_abbreviation(alias):
        return _Alias(agency_id, "exact", word, needs_country)
    return _Alias(agency_id, "any", word, needs_country)


def is_abbreviation(alias: str) -> bool:
    """All capitals (PSP, J-CAT) or one word with inner capitals (GdF, ComCyberMI)."""
    letters = [c for c in alias if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True
    return " " not in alias.strip() and any(c.isupper() for c in alias[1:])
